import { Construct } from 'constructs';
import { KubeNamespace } from 'cdk8s-plus-27/lib/imports/k8s';
import { MANAGED_BY } from './labels';

export interface AppNamespaceProps {
  readonly name: string;
  readonly partOf: string;
}

/**
 * The catalogue's namespace, labelled for Istio sidecar injection. Pod Security
 * Admission enforces "baseline" (Istio's init container needs NET_ADMIN unless the
 * Istio CNI plugin is installed) and warns/audits at "restricted", which every
 * workload synthesized here meets.
 */
export class AppNamespace extends Construct {
  public readonly namespace: KubeNamespace;

  constructor(scope: Construct, id: string, props: AppNamespaceProps) {
    super(scope, id);
    this.namespace = new KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          'istio-injection': 'enabled',
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'app.kubernetes.io/part-of': props.partOf,
          'app.kubernetes.io/managed-by': MANAGED_BY,
        },
      },
    });
  }
}
