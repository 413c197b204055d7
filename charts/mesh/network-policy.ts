/**
 * Kubernetes NetworkPolicies: the same allow-list as the mesh at L3/L4, as defence in
 * depth (a pod without a sidecar, or a bypassed one, still cannot reach what it should
 * not). Default deny both ways, then DNS and istiod for every pod, then per service.
 */
import { Construct } from 'constructs';
import { IntOrString, KubeNetworkPolicy, type NetworkPolicyEgressRule, type NetworkPolicyPeer } from 'cdk8s-plus-27/lib/imports/k8s';
import type { ServiceSpec } from '../../services/spec';
import { gatewayIdentity, isCrossAppDependency, isPublic, NO_CROSS_APP, type CrossApp, type MeshEnvironment } from './decisions';
import { DEFAULT_DATAPLANE, googleCloudEgress, type Dataplane } from './google-apis';

/** istiod's xDS and certificate port: every sidecar needs it. */
export const ISTIOD_XDS_PORT = 15012;
/** GKE's metadata server also answers DNS when Cloud DNS for GKE is on. */
export const GKE_METADATA_CIDR = '169.254.169.254/32';

const namespaceNamed = (name: string): NetworkPolicyPeer['namespaceSelector'] => ({ matchLabels: { 'kubernetes.io/metadata.name': name } });
const tcp = (port: number) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) });

export interface NamespaceNetworkPolicyProps {
  readonly env: Pick<MeshEnvironment, 'controlPlaneNamespace'>;
  readonly labels: Record<string, string>;
}

export class NamespaceNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceNetworkPolicyProps) {
    super(scope, id);
    const { env, labels } = props;
    new KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new KubeNetworkPolicy(this, 'Infrastructure', {
      metadata: { name: 'allow-dns-and-istiod', labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              { namespaceSelector: namespaceNamed('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
              { ipBlock: { cidr: GKE_METADATA_CIDR } },
            ],
            ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, tcp(53)],
          },
          {
            to: [{ namespaceSelector: namespaceNamed(env.controlPlaneNamespace), podSelector: { matchLabels: { app: 'istiod' } } }],
            ports: [tcp(ISTIOD_XDS_PORT)],
          },
        ],
      },
    });
  }
}

export interface ServiceNetworkPolicyProps {
  readonly spec: ServiceSpec;
  /** The services that declare this one as a dependency. */
  readonly callers: readonly ServiceSpec[];
  /** Port of every service of the catalogue, for the egress rules. */
  readonly ports: ReadonlyMap<string, number>;
  readonly env: MeshEnvironment;
  readonly labels: Record<string, string>;
  /** Calls to and from the environment's other apps. @default - none */
  readonly crossApp?: CrossApp;
  /**
   * The cluster's dataplane: where a service with `gcp` reaches the metadata server.
   * @default 'v2'
   */
  readonly dataplane?: Dataplane;
  /**
   * Whether the service acts as a Google service account (`gcp`, or `uses` on a platform stack):
   * egress to the metadata server and Google APIs.
   * @default - whether the spec has `gcp`
   */
  readonly googleCloud?: boolean;
  /** Egress to the private services access range (Cloud SQL, Memorystore) on these ports. @default - none */
  readonly privateServices?: { readonly cidr: string; readonly ports: readonly number[] };
}

/**
 * Ingress from the service's callers (and the gateway if public); egress to its
 * dependencies, for a service with `gcp` or `uses` to the metadata server and Google APIs,
 * and for one with `postgres` or `redis` to the private services access range.
 */
export class ServiceNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ServiceNetworkPolicyProps) {
    super(scope, id);
    const { spec, env } = props;
    const callers = props.callers;
    const from: NetworkPolicyPeer[] = [];
    if (callers.length > 0)
      from.push({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: callers.map((c) => c.name) }] } });
    const crossApp = props.crossApp ?? NO_CROSS_APP;
    // Callers of other apps, one peer per namespace (they come sorted by app).
    const remoteCallers = new Map<string, string[]>();
    for (const c of crossApp.remoteCallers.get(spec.name) ?? [])
      remoteCallers.set(c.namespace, [...(remoteCallers.get(c.namespace) ?? []), c.spec.name]);
    for (const [namespace, names] of remoteCallers)
      from.push({
        namespaceSelector: namespaceNamed(namespace),
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [...new Set(names)] }] },
      });
    if (isPublic(spec))
      from.push({ namespaceSelector: namespaceNamed(env.gatewayNamespace), podSelector: { matchLabels: gatewayIdentity(env).selector } });

    const egress: NetworkPolicyEgressRule[] = [...(spec.dependencies ?? [])].sort().flatMap((dep): NetworkPolicyEgressRule[] => {
      if (!isCrossAppDependency(dep))
        return [{ to: [{ podSelector: { matchLabels: { app: dep } } }], ports: [tcp(props.ports.get(dep) ?? 0)] }];
      const target = crossApp.remote.get(dep);
      return target === undefined
        ? []
        : [
            {
              to: [{ namespaceSelector: namespaceNamed(target.namespace), podSelector: { matchLabels: { app: target.service } } }],
              ports: [tcp(target.port)],
            },
          ];
    });
    if (props.googleCloud ?? spec.gcp !== undefined) {
      for (const { cidr, port } of googleCloudEgress(props.dataplane ?? DEFAULT_DATAPLANE))
        egress.push({ to: [{ ipBlock: { cidr } }], ports: [tcp(port)] });
    }
    const privateServices = props.privateServices;
    if (privateServices !== undefined && privateServices.ports.length > 0) {
      egress.push({ to: [{ ipBlock: { cidr: privateServices.cidr } }], ports: privateServices.ports.map(tcp) });
    }

    new KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: spec.name, labels: props.labels },
      spec: {
        podSelector: { matchLabels: { app: spec.name } },
        policyTypes: ['Ingress', 'Egress'],
        // No peers: the rule is left out and default-deny holds.
        // A worker without a port is nobody's dependency and never public: no ingress.
        ingress: from.length > 0 && spec.port !== undefined ? [{ from, ports: [tcp(spec.port)] }] : [],
        egress,
      },
    });
  }
}
