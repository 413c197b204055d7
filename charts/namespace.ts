import { Construct } from 'constructs';
import { KubeNamespace } from 'cdk8s-plus-27/lib/imports/k8s';
import { MANAGED_BY } from './labels';

/** A Pod Security Standards level. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** Pod Security Admission labels that enforce, warn and audit at one level. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/warn': level,
    'pod-security.kubernetes.io/audit': level,
  };
}

export interface AppNamespaceProps {
  readonly name: string;
  readonly partOf: string;
}

/**
 * The catalogue's namespace (a preview's `pr-<N>` too), labelled for Istio sidecar injection.
 * Pod Security Admission enforces "restricted": every workload synthesized here meets it, and
 * so do the containers Istio injects, because the Istio CNI node agent (infra/istio.ts) sets
 * up traffic redirection instead of the NET_ADMIN/NET_RAW, root `istio-init` container
 * (proved against the vendored injection template in infra/istio.upstream.test.ts).
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
          ...podSecurityLabels('restricted'),
          'app.kubernetes.io/part-of': props.partOf,
          'app.kubernetes.io/managed-by': MANAGED_BY,
        },
      },
    });
  }
}
