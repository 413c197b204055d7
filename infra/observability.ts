/**
 * The platform's observability objects (charts/observability: the trace collector in its
 * namespace, the mesh-wide Telemetry, the PodMonitorings of istiod and the ingress gateway),
 * applied through the cluster's provider once Istio is installed: the Telemetry and the
 * collector's mesh objects need Istio's CRDs, its injector and istiod (which reads the tracing
 * provider's Service); the PodMonitorings need the CRDs GKE's managed collection serves.
 * The collector's Google service account and its Cloud Trace role are the bootstrap stack's
 * (infra/collector-identity.ts); its Kubernetes ServiceAccount names the account by email.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { observabilityObjects, type ObservabilityEnvironment } from '../charts/observability';

export interface ObservabilityArgs {
  readonly env: ObservabilityEnvironment;
  readonly provider: k8s.Provider;
  /** What must exist first: the Istio releases. */
  readonly after: readonly pulumi.Resource[];
  /** Prefix of every object's resource name, for a further region's cluster. @default - none */
  readonly resourcePrefix?: string;
}

export class Observability extends pulumi.ComponentResource {
  /** The collector's namespace, applied first. */
  public readonly namespaces: k8s.yaml.ConfigGroup;
  /** Every other object. */
  public readonly objects: k8s.yaml.ConfigGroup;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Built (and validated) before anything is registered.
    const all = observabilityObjects(args.env);
    super('platform:observability:Observability', name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const prefix = args.resourcePrefix === undefined ? {} : { resourcePrefix: args.resourcePrefix };
    this.namespaces = new k8s.yaml.ConfigGroup(
      `${name}-namespaces`,
      { objs: all.filter((o) => o.kind === 'Namespace'), ...prefix },
      { ...child, dependsOn: [...args.after] },
    );
    this.objects = new k8s.yaml.ConfigGroup(
      `${name}-objects`,
      { objs: all.filter((o) => o.kind !== 'Namespace'), ...prefix },
      { ...child, dependsOn: [...args.after, this.namespaces] },
    );
    this.registerOutputs({});
  }
}
