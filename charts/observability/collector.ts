/**
 * The OpenTelemetry collector the mesh's proxies send their spans to (OTLP over gRPC), which
 * batches them and writes them to Cloud Trace with the `googlecloud` exporter, as its own Google
 * service account (Workload Identity: `roles/cloudtrace.agent` only, granted by the bootstrap
 * stack, infra/collector-identity.ts). It runs in the mesh like any app, in its own namespace:
 * STRICT mTLS, deny by default, any mesh workload may call its OTLP port and nothing else, its
 * proxy reaches only Google's APIs and the metadata server. Pod Security `restricted`, read-only
 * root, non-root, resources, probes.
 *
 * Every fact about the collector (image, user, config path, component and config key names) is
 * checked against vendor/opentelemetry-collector/v<version>/facts.json in collector.test.ts.
 */
import { createHash } from 'node:crypto';
import {
  IntOrString,
  KubeConfigMap,
  KubeDeployment,
  KubeNetworkPolicy,
  KubePodDisruptionBudget,
  KubeService,
  KubeServiceAccount,
  Quantity,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { dump } from 'js-yaml';
import { AuthorizationPolicy, AuthorizationPolicySpecAction } from '../../imports/security.istio.io';
import { Sidecar, SidecarSpecOutboundTrafficPolicyMode } from '../../imports/networking.istio.io';
import type { EnvironmentProfile } from '../../core/environment';
import { MANAGED_BY } from '../labels';
import { DEFAULT_DATAPLANE, GoogleCloudAccess, googleCloudEgress, googleCloudSidecarHosts, type Dataplane } from '../mesh/google-apis';
import { NamespaceNetworkPolicy } from '../mesh/network-policy';
import { NamespaceSecurity } from '../mesh/security';
import { AppNamespace } from '../namespace';
import { OTEL_COLLECTOR, OTEL_COLLECTOR_VERSION, otelCollectorImage, otelCollectorServiceAccountEmail } from './collector-names';
import { SidecarMetrics } from './monitoring';
import { CollectorTelemetry } from './telemetry';

/** What the collector needs of the environment. */
export interface CollectorEnvironment {
  readonly stack: string;
  readonly profile: EnvironmentProfile;
  /** Where its Google service account lives, and the project whose Cloud Trace receives the spans. */
  readonly gcpProject: string;
  /** istiod's namespace: the proxy's xDS, the namespace egress allows it. */
  readonly controlPlaneNamespace: string;
  /** `platform:otelCollectorDigest`. @default - the image pinned by tag only */
  readonly otelCollectorDigest?: string;
  /** @default 'v2' (infra/cluster.ts creates Dataplane V2 clusters) */
  readonly dataplane?: Dataplane;
}

/** The image's user (its Dockerfile's `USER 10001:10001`). */
export const OTEL_COLLECTOR_USER = 10001;
/** Where the image reads its config by default (its Dockerfile's CMD); the ConfigMap is mounted over its directory. */
export const OTEL_COLLECTOR_CONFIG_PATH = '/etc/otelcol-contrib/config.yaml';
const CONFIG_KEY = 'config.yaml';
/** The container's memory limit, and the share of it the memory_limiter refuses data above. */
export const OTEL_COLLECTOR_MEMORY_LIMIT_MIB = 512;
const MEMORY_LIMIT_PERCENTAGE = 80;

/** Replicas: one in dev; two elsewhere, so a drain or a node loss never stops trace export (policy RR03). */
export function collectorReplicas(profile: EnvironmentProfile): number {
  return profile === 'dev' ? 1 : 2;
}

/**
 * The collector's configuration: OTLP gRPC in, memory_limiter (first, so an overload refuses data
 * instead of crashing) and batch, the `googlecloud` exporter to Cloud Trace out. Traces only: the
 * exporter writes metrics or logs only in pipelines that carry them, so it needs no role beyond
 * `roles/cloudtrace.agent`. The health_check extension answers the probes.
 */
export function collectorConfig(env: Pick<CollectorEnvironment, 'gcpProject'>): Record<string, unknown> {
  return {
    receivers: { otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTEL_COLLECTOR.otlpGrpcPort}` } } } },
    processors: {
      memory_limiter: { check_interval: '1s', limit_percentage: MEMORY_LIMIT_PERCENTAGE, spike_limit_percentage: 20 },
      batch: { timeout: '5s', send_batch_size: 512 },
    },
    exporters: { googlecloud: { project: env.gcpProject } },
    extensions: { health_check: { endpoint: `0.0.0.0:${OTEL_COLLECTOR.healthPort}` } },
    service: {
      extensions: ['health_check'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['googlecloud'] } },
    },
  };
}

/** The labels of every collector object; the pods add the version. */
function collectorLabels(): Record<string, string> {
  return {
    app: OTEL_COLLECTOR.name,
    'app.kubernetes.io/name': OTEL_COLLECTOR.name,
    'app.kubernetes.io/part-of': OTEL_COLLECTOR.namespace,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/component': 'trace-collector',
  };
}

export interface OtelCollectorProps {
  readonly env: CollectorEnvironment;
}

/** The collector and everything its namespace needs; the construct's scope is a chart in the collector's namespace. */
export class OtelCollector extends Construct {
  constructor(scope: Construct, id: string, props: OtelCollectorProps) {
    super(scope, id);
    const { env } = props;
    const labels = collectorLabels();
    const { name } = OTEL_COLLECTOR;
    const selector = { app: name };
    const podLabels = {
      ...labels,
      version: OTEL_COLLECTOR_VERSION,
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/version': OTEL_COLLECTOR_VERSION,
    };

    new KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name,
        labels,
        annotations: { 'iam.gke.io/gcp-service-account': otelCollectorServiceAccountEmail(env.stack, env.gcpProject) },
      },
      // Workload Identity answers through the metadata server: the pod needs no Kubernetes token.
      automountServiceAccountToken: false,
    });
    const configText = dump(collectorConfig(env), { noRefs: true, lineWidth: -1, sortKeys: false });
    new KubeConfigMap(this, 'Config', { metadata: { name, labels }, data: { [CONFIG_KEY]: configText } });

    const image = otelCollectorImage(env.otelCollectorDigest);
    const tcp = (port: number) => IntOrString.fromNumber(port);
    new KubeDeployment(this, 'Deployment', {
      metadata: { name, labels: podLabels },
      spec: {
        replicas: collectorReplicas(env.profile),
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: IntOrString.fromString('25%'), maxUnavailable: tcp(0) } },
        template: {
          metadata: {
            labels: podLabels,
            annotations: {
              'kubectl.kubernetes.io/default-container': name,
              // A config change rolls the pods.
              'checksum/config': createHash('sha256').update(configText).digest('hex'),
              'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
            },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: OTEL_COLLECTOR_USER,
              runAsGroup: OTEL_COLLECTOR_USER,
              fsGroup: OTEL_COLLECTOR_USER,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name,
                image,
                imagePullPolicy: env.otelCollectorDigest === undefined ? 'Always' : 'IfNotPresent',
                args: ['--config', OTEL_COLLECTOR_CONFIG_PATH],
                ports: [
                  { name: 'grpc-otlp', containerPort: OTEL_COLLECTOR.otlpGrpcPort, protocol: 'TCP' },
                  { name: 'http-health', containerPort: OTEL_COLLECTOR.healthPort, protocol: 'TCP' },
                ],
                // The Go runtime collects before the container's limit, below the memory_limiter's refusals.
                env: [{ name: 'GOMEMLIMIT', value: `${Math.floor(OTEL_COLLECTOR_MEMORY_LIMIT_MIB * 0.8)}MiB` }],
                resources: {
                  requests: { cpu: Quantity.fromString('100m'), memory: Quantity.fromString('256Mi') },
                  limits: { memory: Quantity.fromString(`${OTEL_COLLECTOR_MEMORY_LIMIT_MIB}Mi`) },
                },
                // Readiness asks the health_check extension (the pipelines are up); liveness only that the process answers.
                readinessProbe: {
                  httpGet: { path: '/', port: tcp(OTEL_COLLECTOR.healthPort) },
                  periodSeconds: 5,
                  failureThreshold: 3,
                  timeoutSeconds: 2,
                },
                livenessProbe: {
                  tcpSocket: { port: tcp(OTEL_COLLECTOR.healthPort) },
                  periodSeconds: 10,
                  failureThreshold: 3,
                  timeoutSeconds: 2,
                },
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: OTEL_COLLECTOR_USER,
                  runAsGroup: OTEL_COLLECTOR_USER,
                  privileged: false,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [
                  {
                    name: 'config',
                    mountPath: OTEL_COLLECTOR_CONFIG_PATH.slice(0, OTEL_COLLECTOR_CONFIG_PATH.lastIndexOf('/')),
                    readOnly: true,
                  },
                ],
              },
            ],
            volumes: [{ name: 'config', configMap: { name } }],
            topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
              maxSkew: 1,
              topologyKey,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
              matchLabelKeys: ['pod-template-hash'],
            })),
          },
        },
      },
    });
    new KubeService(this, 'Service', {
      metadata: { name, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'grpc-otlp', port: OTEL_COLLECTOR.otlpGrpcPort, targetPort: tcp(OTEL_COLLECTOR.otlpGrpcPort), appProtocol: 'grpc' },
        ],
      },
    });
    new KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name, labels },
      spec: { maxUnavailable: tcp(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });

    // The mesh: STRICT mTLS and deny by default, then any authenticated workload on the OTLP port.
    new NamespaceSecurity(this, 'Security', { labels });
    new AuthorizationPolicy(this, 'Allow', {
      metadata: { name, labels },
      spec: {
        selector: { matchLabels: selector },
        action: AuthorizationPolicySpecAction.ALLOW,
        // Every proxy of the mesh exports (apps, previews, the ingress gateway): any mesh identity, OTLP only.
        rules: [{ from: [{ source: { principals: ['*'] } }], to: [{ operation: { ports: [String(OTEL_COLLECTOR.otlpGrpcPort)] } }] }],
      },
    });
    new GoogleCloudAccess(this, 'GoogleCloud', { labels });
    new Sidecar(this, 'Sidecar', {
      metadata: { name, labels },
      spec: {
        workloadSelector: { labels: selector },
        egress: [{ hosts: [...googleCloudSidecarHosts(), `${env.controlPlaneNamespace}/*`] }],
        outboundTrafficPolicy: { mode: SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY },
      },
    });
    new CollectorTelemetry(this, 'Telemetry');

    // The network: default deny, DNS and istiod, then OTLP in from the mesh's namespaces and Google out.
    new NamespaceNetworkPolicy(this, 'NetworkPolicy', { env, labels });
    new KubeNetworkPolicy(this, 'CollectorNetworkPolicy', {
      metadata: { name, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            // Every namespace with sidecar injection: the apps', previews' and the gateway's.
            from: [{ namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }],
            ports: [{ protocol: 'TCP', port: tcp(OTEL_COLLECTOR.otlpGrpcPort) }],
          },
        ],
        egress: googleCloudEgress(env.dataplane ?? DEFAULT_DATAPLANE).map(({ cidr, port }) => ({
          to: [{ ipBlock: { cidr } }],
          ports: [{ protocol: 'TCP', port: tcp(port) }],
        })),
      },
    });
    new SidecarMetrics(this, 'Metrics', { labels });
  }
}

/** The collector's namespace: injected, Pod Security `restricted`; its construct goes into a cluster-scoped chart. */
export class CollectorNamespace extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AppNamespace(this, 'Namespace', { name: OTEL_COLLECTOR.namespace, partOf: OTEL_COLLECTOR.namespace });
  }
}
