import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import type { ReplicaRange } from '../services/spec';

export interface VersionAutoscalingProps {
  readonly deployment: kplus.Deployment;
  readonly replicas: ReplicaRange;
  readonly cpuTargetPercent: number;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

/**
 * Scaling and disruption limits of one version's Deployment: a CPU-based
 * HorizontalPodAutoscaler (autoscaling/v2) between the profile's min and max, and a
 * PodDisruptionBudget (policy/v1) that lets node drains take one pod at a time.
 */
export class VersionAutoscaling extends Construct {
  public readonly autoscaler: kplus.HorizontalPodAutoscaler;
  public readonly disruptionBudget: KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: VersionAutoscalingProps) {
    super(scope, id);
    const name = props.deployment.name;
    this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata: { name, labels: props.labels },
      target: props.deployment,
      minReplicas: props.replicas.min,
      maxReplicas: props.replicas.max,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.cpuTargetPercent))],
      // Scale up fast on a spike; scale down slowly so a brief lull does not drop capacity.
      scaleUp: { stabilizationWindow: Duration.seconds(0) },
      scaleDown: { stabilizationWindow: Duration.minutes(5) },
    });
    this.disruptionBudget = new KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name, labels: props.labels },
      spec: {
        selector: { matchLabels: props.selector },
        maxUnavailable: IntOrString.fromNumber(1),
        // A crash-looping pod must not block node upgrades.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
