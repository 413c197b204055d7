import { synthesize, type ManifestObject, type Synthesis } from '.';
import catalogue from '../services/bookinfo';
import { defineCatalogue } from '../services/define';
import type { ServiceSpec } from '../services/spec';
import { environment, repoReleases } from '../test/fixtures/environments';

// Shapes of the fields these tests read; the objects themselves are plain JSON.
interface Container {
  name: string;
  image: string;
  imagePullPolicy: string;
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, Record<string, string>> }>;
  ports: Array<{ containerPort: number; name: string }>;
  readinessProbe: Record<string, unknown>;
  livenessProbe: Record<string, unknown>;
  startupProbe: Record<string, unknown> & { failureThreshold: number; periodSeconds: number };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
  lifecycle: unknown;
  volumeMounts: Array<{ mountPath: string; name: string; readOnly?: boolean }>;
}
interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  containers: Container[];
  securityContext: Record<string, unknown>;
  terminationGracePeriodSeconds: number;
  topologySpreadConstraints: Array<{ topologyKey: string; whenUnsatisfiable: string; maxSkew: number }>;
  volumes: Array<{ name: string; emptyDir?: Record<string, unknown>; configMap?: { name: string } }>;
}
interface DeploymentJson extends ManifestObject {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    strategy: { rollingUpdate: Record<string, unknown> };
    template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: PodSpec };
  };
}

const devReleases = repoReleases('dev');
const dev = synthesize(environment('dev'), catalogue, devReleases);

function all(s: Synthesis): ManifestObject[] {
  return s.files.flatMap((f) => f.objects);
}
function find<T extends ManifestObject = ManifestObject>(s: Synthesis, kind: string, name: string): T {
  const found = all(s).find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found as T;
}
const deployment = (s: Synthesis, name: string) => find<DeploymentJson>(s, 'Deployment', name);
const container = (s: Synthesis, name: string) => deployment(s, name).spec.template.spec.containers[0];

/** A catalogue of one service, for tests of a single field. */
function single(overrides: Partial<ServiceSpec>, image = 'registry.example.com/team/svc:1.0.0'): Synthesis {
  const spec: ServiceSpec = {
    name: 'svc',
    description: 'test service',
    owner: 'team-a',
    port: 8080,
    versions: [{ name: 'v1' }],
    ...overrides,
  };
  const images = Object.fromEntries(spec.versions.map((v) => [v.image ?? v.name, image]));
  return synthesize(environment('dev'), defineCatalogue('test', [{ spec }]), { svc: images });
}

describe('BookInfo dev synthesis', () => {
  it('emits one Deployment per version with readable names', () => {
    const names = all(dev)
      .filter((o) => o.kind === 'Deployment')
      .map((o) => o.metadata.name);
    expect(names).toEqual(['productpage-v1', 'details-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'ratings-v1']);
  });

  it('emits one Service and one ServiceAccount per service, with upstream account names', () => {
    expect(
      all(dev)
        .filter((o) => o.kind === 'Service')
        .map((o) => o.metadata.name),
    ).toEqual(['productpage', 'details', 'reviews', 'ratings']);
    expect(
      all(dev)
        .filter((o) => o.kind === 'ServiceAccount')
        .map((o) => o.metadata.name),
    ).toEqual(['bookinfo-productpage', 'bookinfo-details', 'bookinfo-reviews', 'bookinfo-ratings']);
  });

  it('puts every namespaced object in the environment namespace', () => {
    const namespaced = all(dev).filter((o) => o.kind !== 'Namespace');
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['bookinfo']));
  });

  it('leaves no cdk8s hash labels or hash-suffixed names anywhere', () => {
    const text = JSON.stringify(all(dev));
    expect(text).not.toContain('cdk8s.io/metadata.addr');
    const names = [...new Set(all(dev).map((o) => o.metadata.name))].sort();
    expect(names).toEqual([
      'allow-dns-and-istiod',
      'allow-metrics-scrape',
      'allow-nothing',
      'allow-trace-export',
      'bookinfo',
      'bookinfo-details',
      'bookinfo-productpage',
      'bookinfo-public',
      'bookinfo-ratings',
      'bookinfo-reviews',
      'default',
      'default-deny',
      'details',
      'details-slo',
      'details-v1',
      'istio-proxies',
      'productpage',
      'productpage-config',
      'productpage-jwt',
      'productpage-require-jwt',
      'productpage-slo',
      'productpage-v1',
      'ratings',
      'ratings-slo',
      'ratings-v1',
      'reviews',
      'reviews-slo',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
  });

  it('writes a shared file with the namespace and mesh-wide objects, then one file per service', () => {
    expect(dev.files.map((f) => f.name)).toEqual(['_shared.yaml', 'productpage.yaml', 'details.yaml', 'reviews.yaml', 'ratings.yaml']);
    expect(dev.files[0].objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/bookinfo',
      'VirtualService/bookinfo-public',
      'PeerAuthentication/default',
      'AuthorizationPolicy/allow-nothing',
      'NetworkPolicy/default-deny',
      'NetworkPolicy/allow-dns-and-istiod',
      'NetworkPolicy/allow-metrics-scrape',
      'NetworkPolicy/allow-trace-export',
      'PodMonitoring/istio-proxies',
    ]);
    expect(dev.files[3].objects.map((o) => o.kind)).toEqual([
      'ServiceAccount',
      'Service',
      'Deployment',
      'Deployment',
      'Deployment',
      'HorizontalPodAutoscaler',
      'HorizontalPodAutoscaler',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'PodDisruptionBudget',
      'PodDisruptionBudget',
      'DestinationRule',
      'VirtualService',
      'AuthorizationPolicy',
      'Sidecar',
      'NetworkPolicy',
      'Rules',
    ]);
  });

  it('labels the namespace for Istio sidecar injection and enforces Pod Security restricted', () => {
    expect(find(dev, 'Namespace', 'bookinfo').metadata.labels).toMatchObject({
      'istio-injection': 'enabled',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });
});

describe('Deployment', () => {
  it('carries app, version and the app.kubernetes.io labels, and selects on app+version only', () => {
    const d = deployment(dev, 'reviews-v2');
    const labels = {
      app: 'reviews',
      version: 'v2',
      'app.kubernetes.io/name': 'reviews',
      'app.kubernetes.io/instance': 'reviews-v2',
      'app.kubernetes.io/version': 'v2',
      'app.kubernetes.io/part-of': 'bookinfo',
      'app.kubernetes.io/managed-by': 'platform-cdk8s',
      team: 'team-reviews',
    };
    expect(d.metadata.labels).toEqual(labels);
    expect(d.spec.template.metadata.labels).toEqual(labels);
    expect(d.spec.selector.matchLabels).toEqual({ app: 'reviews', version: 'v2' });
  });

  it('runs the pinned image of its version under the service account of its service', () => {
    const d = deployment(dev, 'reviews-v3');
    expect(d.spec.template.spec.containers[0].image).toBe('docker.io/istio/examples-bookinfo-reviews-v3:1.20.3');
    expect(d.spec.template.spec.serviceAccountName).toBe('bookinfo-reviews');
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it('leaves the replica count to the autoscaler and never drops below it during a rollout', () => {
    const d = deployment(dev, 'details-v1');
    expect(d.spec.replicas).toBeUndefined();
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: 0 });
  });

  it('names the container port for Istio', () => {
    expect(container(dev, 'ratings-v1').ports).toEqual([{ containerPort: 9080, name: 'http' }]);
  });

  it('runs restricted: non-root, no escalation, no capabilities, RuntimeDefault seccomp, read-only root', () => {
    const c = container(dev, 'productpage-v1');
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1000,
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(deployment(dev, 'productpage-v1').spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('gives a writable /tmp and the spec’s writable paths as emptyDirs', () => {
    const d = deployment(dev, 'reviews-v1');
    expect(d.spec.template.spec.containers[0].volumeMounts).toEqual([
      { mountPath: '/tmp', name: 'tmp' },
      { mountPath: '/opt/ibm/wlp/output', name: 'writable-0' },
    ]);
    expect(d.spec.template.spec.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'writable-0', emptyDir: {} },
    ]);
  });

  it('spreads pods across zones and nodes without blocking scheduling', () => {
    const spread = deployment(dev, 'reviews-v1').spec.template.spec.topologySpreadConstraints;
    expect(spread.map((s) => [s.topologyKey, s.whenUnsatisfiable, s.maxSkew])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1],
      ['kubernetes.io/hostname', 'ScheduleAnyway', 1],
    ]);
  });

  it('shuts down gracefully: a preStop sleep and a grace period', () => {
    expect(container(dev, 'details-v1').lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(deployment(dev, 'details-v1').spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    expect(deployment(single({ terminationGracePeriodSeconds: 90 }), 'svc-v1').spec.template.spec.terminationGracePeriodSeconds).toBe(90);
  });

  it('has readiness on the health path, a different liveness check, and a startup budget', () => {
    const c = container(dev, 'reviews-v1');
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 9080 } });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 9080 } });
    expect(c.livenessProbe).not.toEqual(c.readinessProbe);
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 9080 } });
    // reviews allows 180 s to start: 18 periods of 10 s.
    expect(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds).toBe(180);
  });

  it('uses gRPC health checks for gRPC services', () => {
    const c = container(single({ protocol: 'grpc' }), 'svc-v1');
    expect(c.readinessProbe).toMatchObject({ grpc: { port: 8080 } });
    expect(c.readinessProbe).not.toHaveProperty('tcpSocket');
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 8080 } });
  });

  it('sets requests and limits from the environment tier, with spec overrides', () => {
    expect(container(dev, 'details-v1').resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '500m', memory: '128Mi' },
    });
    expect(container(dev, 'reviews-v1').resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '1', memory: '1024Mi' },
    }); // cdk8s-plus writes memory in Mi
  });

  it('always re-pulls a tag but trusts the node cache for a digest', () => {
    expect(container(dev, 'details-v1').imagePullPolicy).toBe('Always');
    const digest = `registry.example.com/team/svc@sha256:${'a'.repeat(64)}`;
    expect(container(single({}, digest), 'svc-v1').imagePullPolicy).toBe('IfNotPresent');
  });

  it('sets env vars in name order, version env over service env, secrets by reference', () => {
    const s = single({
      env: { ZED: 'z', ALPHA: 'a', MODE: 'service' },
      versions: [{ name: 'v1', env: { MODE: 'canary' } }],
      secrets: [{ env: 'DB_PASSWORD', secret: 'svc-db', key: 'password' }],
    });
    expect(container(s, 'svc-v1').env).toEqual([
      { name: 'ALPHA', value: 'a' },
      { name: 'MODE', value: 'canary' },
      { name: 'ZED', value: 'z' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'svc-db' } } },
    ]);
    expect(JSON.stringify(all(s))).not.toContain('kind":"Secret"');
  });
});

describe('ConfigMap', () => {
  it('holds config values, exposed to the container by key', () => {
    expect(find(dev, 'ConfigMap', 'productpage-config')).toMatchObject({
      data: { DETAILS_HOSTNAME: 'details', FLOOD_FACTOR: '0', REVIEWS_HOSTNAME: 'reviews' },
    });
    expect(container(dev, 'productpage-v1').env).toContainEqual({
      name: 'DETAILS_HOSTNAME',
      valueFrom: { configMapKeyRef: { key: 'DETAILS_HOSTNAME', name: 'productpage-config' } },
    });
  });

  it('puts its content hash on the pod template, so a change rolls the pods', () => {
    const before = deployment(single({ config: { values: { LEVEL: 'info' } } }), 'svc-v1');
    const same = deployment(single({ config: { values: { LEVEL: 'info' } } }), 'svc-v1');
    const after = deployment(single({ config: { values: { LEVEL: 'debug' } } }), 'svc-v1');
    const hash = (d: DeploymentJson) => d.spec.template.metadata.annotations['checksum/config'];
    expect(hash(before)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(same)).toBe(hash(before));
    expect(hash(after)).not.toBe(hash(before));
  });

  it('mounts config files read-only at the mount path', () => {
    const s = single({ config: { files: { 'app.yaml': 'level: info\n' }, mountPath: '/etc/svc' } });
    expect(container(s, 'svc-v1').volumeMounts).toContainEqual({ mountPath: '/etc/svc', name: 'config', readOnly: true });
    expect(deployment(s, 'svc-v1').spec.template.spec.volumes).toContainEqual(
      expect.objectContaining({ name: 'config', configMap: expect.objectContaining({ name: 'svc-config' }) }),
    );
  });

  it('is not emitted, and no hash annotation set, when the spec has no config', () => {
    expect(
      all(dev)
        .filter((o) => o.kind === 'ConfigMap')
        .map((o) => o.metadata.name),
    ).toEqual(['productpage-config']);
    expect(deployment(dev, 'details-v1').spec.template.metadata.annotations).not.toHaveProperty('checksum/config');
  });
});

describe('Service', () => {
  it('selects every version of the app on a named port with its app protocol', () => {
    expect(find(dev, 'Service', 'reviews')).toMatchObject({
      spec: {
        type: 'ClusterIP',
        selector: { app: 'reviews' },
        ports: [{ name: 'http', port: 9080, targetPort: 9080, appProtocol: 'http' }],
      },
    });
  });

  it('names the port after the protocol for gRPC and TCP services', () => {
    expect(find(single({ protocol: 'grpc' }), 'Service', 'svc')).toMatchObject({
      spec: { ports: [{ name: 'grpc', appProtocol: 'grpc' }] },
    });
    expect(find(single({ protocol: 'tcp' }), 'Service', 'svc')).toMatchObject({ spec: { ports: [{ name: 'tcp', appProtocol: 'tcp' }] } });
  });
});

describe('autoscaling and disruption budget', () => {
  it('scales each version with an autoscaling/v2 HPA between the profile’s bounds', () => {
    expect(find(dev, 'HorizontalPodAutoscaler', 'reviews-v2')).toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: {
        minReplicas: 1,
        maxReplicas: 2,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews-v2' },
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
    const prod = synthesize(environment('prod'), catalogue, repoReleases('prod'));
    expect(find(prod, 'HorizontalPodAutoscaler', 'reviews-v2')).toMatchObject({ spec: { minReplicas: 3, maxReplicas: 10 } });
  });

  it('honours per-profile replicas and CPU target from the spec', () => {
    const s = single({ replicas: { dev: { min: 2, max: 3 }, cpuTargetPercent: 55 } });
    expect(find(s, 'HorizontalPodAutoscaler', 'svc-v1')).toMatchObject({
      spec: { minReplicas: 2, maxReplicas: 3, metrics: [{ resource: { target: { averageUtilization: 55 } } }] },
    });
  });

  it('lets a drain take one pod of a version at a time', () => {
    expect(find(dev, 'PodDisruptionBudget', 'reviews-v1')).toMatchObject({
      apiVersion: 'policy/v1',
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'reviews', version: 'v1' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
  });
});
