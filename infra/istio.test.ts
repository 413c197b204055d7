import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import { recordResources, registered, settle, type RecordedResource } from './offline/engine';
import {
  gatewaySelector,
  Istio,
  ISTIO_CHART_REPO,
  istioProblems,
  istioValues,
  mergeValues,
  negAnnotation,
  negName,
  readValuesFile,
  type IstioSettings,
} from './istio';
import { gatewayIdentity } from '../charts/mesh/decisions';
import { meshExtensionProviders } from '../charts/observability/telemetry';
import { thrown } from '../test/fixtures/thrown';

const recording = recordResources({ stack: 'dev' });
// Typed boundary: the SDK's settings module is internal. getMonitor is the recorder's
// monitor, wrapped once more to see the provider of each request, which the recording
// leaves out.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- typed boundary: an internal SDK module
const sdk = require('@pulumi/pulumi/runtime/settings') as {
  getMonitor(): { registerResource(req: { getName(): string; getProvider(): string }, callback: unknown): unknown };
};
const providerOf = new Map<string, string>();
const monitor = sdk.getMonitor();
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req, callback) => {
  providerOf.set(req.getName(), req.getProvider());
  return register(req, callback);
};

const RELEASE = 'kubernetes:helm.sh/v3:Release';
const NAMESPACE = 'kubernetes:core/v1:Namespace';
const SETTINGS: IstioSettings = {
  replicas: 2,
  controlPlaneNamespace: 'istio-system',
  gatewayName: 'istio-ingress',
  negName: 'istio-gateway-dev-https',
  gcpProject: 'my-project',
};
const ARGS = {
  version: '1.30.3',
  replicas: 2,
  gatewayNamespace: 'istio-ingress',
  gatewayName: 'istio-ingress',
  controlPlaneNamespace: 'istio-system',
  negName: 'istio-gateway-dev-https',
  gcpProject: 'my-project',
};

describe('negName', () => {
  it.each([
    ['dev', 'istio-gateway-dev-https'],
    ['prod', 'istio-gateway-prod-https'],
    ['pr-123', 'istio-gateway-pr-123-https'],
  ])('names the NEG of stack %s %s', (stack, expected) => {
    expect(negName(stack)).toBe(expected);
  });

  it("names a further region's NEG with its suffix", () => {
    expect(negName('prod', { suffix: '-europe-west4' })).toBe('istio-gateway-prod-europe-west4-https');
  });

  it('rejects a stack whose name cannot be part of a NEG name', () => {
    expect(thrown(() => negName('Dev_1')).message).toBe(
      '1 problem found:\n  - negName: stack "Dev_1" gives the NEG name "istio-gateway-Dev_1-https", which is not a lower-case RFC 1035 name of at most 63 characters. Fix: use a stack name of lower-case letters, digits and "-", at most 43 characters',
    );
  });
});

describe('negAnnotation', () => {
  it('asks GKE for a standalone NEG of the Service port 443 with the given name', () => {
    expect(negAnnotation('istio-gateway-dev-https')).toBe('{"exposed_ports":{"443":{"name":"istio-gateway-dev-https"}}}');
    expect(JSON.parse(negAnnotation('n'))).toEqual({ exposed_ports: { 443: { name: 'n' } } });
  });
});

describe('gatewaySelector', () => {
  it.each([
    ['istio-ingress', { istio: 'ingress' }],
    ['istio-public', { istio: 'public' }],
    ['edge', { istio: 'edge' }],
    ['my-istio-gw', { istio: 'my-istio-gw' }],
  ])('labels the pods of release %s with %j', (gatewayName, expected) => {
    expect(gatewaySelector(gatewayName)).toEqual(expected);
  });

  it('is the selector the mesh Gateway objects use', () => {
    const env = {
      namespace: 'bookinfo',
      domain: 'dev.example.com',
      gatewayNamespace: 'istio-ingress',
      gatewayName: 'istio-ingress',
      controlPlaneNamespace: 'istio-system',
    };
    expect(gatewaySelector(env.gatewayName)).toEqual(gatewayIdentity(env).selector);
  });
});

describe('mergeValues', () => {
  it('merges maps key by key and replaces lists and scalars, as Helm does', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: 'y', e: true })).toEqual({
      a: { b: 1, c: [3] },
      d: 'y',
      e: true,
    });
  });
});

describe('readValuesFile', () => {
  it('names the file and line of invalid YAML', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-values-'));
    fs.writeFileSync(path.join(dir, 'base.yaml'), 'a: 1\na: 2\n');
    const [problem] = thrown(() => readValuesFile('base', dir)).problems;
    expect(problem).toMatchObject({ field: 'line 2', problem: 'is not valid YAML (DUPLICATE_KEY)' });
    expect(problem.where.endsWith(path.join(path.basename(dir), 'base.yaml'))).toBe(true);
  });
});

describe('istioValues', () => {
  it('keeps the repository files as the base of every chart', () => {
    expect(istioValues('base', SETTINGS)).toEqual({ defaultRevision: 'default', global: { istioNamespace: 'istio-system' } });
    expect(istioValues('cni', SETTINGS)).toEqual(readValuesFile('cni'));
  });

  it("installs the CNI agent with the GKE platform profile and GKE's CNI binary directory", () => {
    expect(istioValues('cni', SETTINGS)).toEqual({ global: { platform: 'gke' }, cni: { cniBinDir: '/home/kubernetes/bin' } });
  });

  it('tells istiod the CNI agent redirects traffic, so the injector adds no privileged init container', () => {
    expect(istioValues('istiod', SETTINGS)).toMatchObject({ cni: { enabled: true } });
  });

  it('runs istiod and the gateway under the RuntimeDefault seccomp profile', () => {
    expect(istioValues('istiod', SETTINGS).seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(istioValues('gateway', SETTINGS).securityContext).toEqual({
      seccompProfile: { type: 'RuntimeDefault' },
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    });
  });

  it('runs istiod with the configured replicas as the autoscaling minimum', () => {
    expect(istioValues('istiod', SETTINGS)).toMatchObject({ replicaCount: 2, autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5 });
  });

  it('raises the autoscaling maximum to the replicas when they exceed it', () => {
    const settings = { ...SETTINGS, replicas: 7 };
    expect(istioValues('istiod', settings)).toMatchObject({ autoscaleMin: 7, autoscaleMax: 7 });
    expect(istioValues('gateway', settings)).toMatchObject({ replicaCount: 7, autoscaling: { minReplicas: 7, maxReplicas: 7 } });
  });

  it('keeps a PodDisruptionBudget for istiod and the gateway', () => {
    expect(istioValues('istiod', SETTINGS)).toMatchObject({ global: { defaultPodDisruptionBudget: { enabled: true } } });
    expect(istioValues('gateway', SETTINGS).podDisruptionBudget).toEqual({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('spreads istiod and the gateway across zones, then nodes', () => {
    const spread = (labels: Record<string, string>) => [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: labels },
      },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } },
    ];
    expect(istioValues('istiod', SETTINGS).topologySpreadConstraints).toEqual(spread({ app: 'istiod' }));
    expect(istioValues('gateway', SETTINGS).topologySpreadConstraints).toEqual(spread({ istio: 'ingress' }));
  });

  it("declares the mesh-wide Telemetry's providers: traces to the collector, JSON access logs on stdout linked to the project's traces", () => {
    expect(istioValues('istiod', SETTINGS).meshConfig).toEqual({
      extensionProviders: meshExtensionProviders({ gcpProject: 'my-project' }),
    });
    expect(istioValues('istiod', SETTINGS).meshConfig).toMatchObject({
      extensionProviders: [
        { name: 'otel-tracing', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } },
        {
          name: 'json-stdout',
          envoyFileAccessLog: {
            path: '/dev/stdout',
            logFormat: { labels: { 'logging.googleapis.com/trace': 'projects/my-project/traces/%TRACE_ID%', trace_id: '%TRACE_ID%' } },
          },
        },
      ],
    });
  });

  it('points the charts at the control plane namespace', () => {
    const settings = { ...SETTINGS, controlPlaneNamespace: 'mesh-system' };
    expect(istioValues('base', settings)).toMatchObject({ global: { istioNamespace: 'mesh-system' } });
    expect(istioValues('istiod', settings)).toMatchObject({ global: { istioNamespace: 'mesh-system', logAsJson: true } });
  });

  it('gives the gateway a ClusterIP Service with the standalone NEG annotation, so the load balancer is the only way in', () => {
    expect(istioValues('gateway', SETTINGS).service).toEqual({
      type: 'ClusterIP',
      annotations: { 'cloud.google.com/neg': '{"exposed_ports":{"443":{"name":"istio-gateway-dev-https"}}}' },
      ports: [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
      ],
    });
  });

  it('labels the gateway pods with the selector of its release name', () => {
    expect(istioValues('gateway', { ...SETTINGS, gatewayName: 'istio-public' }).labels).toEqual({ istio: 'public' });
  });

  it('rejects zero replicas and a NEG name GKE would refuse', () => {
    expect(
      thrown(() => istioValues('gateway', { ...SETTINGS, replicas: 0, negName: 'NEG' })).problems.map((p) => [p.field, p.value]),
    ).toEqual([
      ['replicas', 0],
      ['negName', 'NEG'],
    ]);
  });
});

describe('istioProblems', () => {
  it('accepts the dev settings', () => {
    expect(istioProblems('istio', ARGS)).toEqual([]);
  });

  it('refuses the gateway in the control plane namespace, which must not get sidecar injection', () => {
    expect(
      thrown(() => new Istio('same', { ...ARGS, gatewayNamespace: 'istio-system', provider: undefined as unknown as k8s.Provider }))
        .message,
    ).toBe(
      '1 problem found:\n  - Istio "same": gatewayNamespace "istio-system" is the control plane namespace, which must not get sidecar injection. Fix: give the gateway its own namespace, e.g. \'istio-ingress\'',
    );
  });

  it('refuses a CNI namespace shared with istiod or the gateway, since it must be privileged', () => {
    expect(istioProblems('istio', { ...ARGS, cniNamespace: 'istio-ingress' }).map((p) => [p.field, p.value])).toEqual([
      ['cniNamespace', 'istio-ingress'],
    ]);
    expect(istioProblems('istio', { ...ARGS, cniNamespace: 'istio-system' })[0].problem).toBe(
      'is shared with istiod or the gateway, and the CNI node agent\'s namespace must be Pod Security "privileged"',
    );
    expect(istioProblems('istio', { ...ARGS, cniNamespace: 'Kube_System' }).map((p) => p.field)).toEqual(['cniNamespace']);
  });

  it('refuses an unpinned chart version', () => {
    expect(istioProblems('istio', { ...ARGS, version: '1.30' })).toEqual([
      {
        where: 'Istio "istio"',
        field: 'version',
        value: '1.30',
        problem: 'must be a pinned chart version x.y.z',
        fix: 'set platform:istioVersion to e.g. 1.30.3',
      },
    ]);
  });
});

describe('Istio', () => {
  let provider: k8s.Provider;
  let istio: Istio;
  const release = (name: string): RecordedResource => recording.one(RELEASE, name);

  beforeAll(async () => {
    // GIVEN a cluster provider and the dev settings WHEN Istio is declared
    provider = new k8s.Provider('test', { kubeconfig: 'x' });
    istio = new Istio('istio', { ...ARGS, provider });
    await registered();
  });

  const podSecurity = (level: string) => ({
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/warn': level,
    'pod-security.kubernetes.io/audit': level,
  });

  it('creates the control plane namespace, enforcing Pod Security restricted', () => {
    expect(recording.one(NAMESPACE, 'istio-control-plane').inputs).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'istio-system', labels: podSecurity('restricted') },
    });
  });

  it('creates the gateway namespace with sidecar injection on, enforcing Pod Security restricted', () => {
    expect(recording.one(NAMESPACE, 'istio-gateway-namespace').inputs).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'istio-ingress', labels: { 'istio-injection': 'enabled', ...podSecurity('restricted') } },
    });
  });

  it("creates the CNI agent's own namespace, Pod Security privileged for its hostPath volumes", () => {
    expect(recording.one(NAMESPACE, 'istio-cni-namespace').inputs).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'istio-cni', labels: podSecurity('privileged') },
    });
  });

  it.each([
    ['istio-base', 'base', 'istio-base', 'istio-system'],
    ['istio-cni', 'cni', 'istio-cni', 'istio-cni'],
    ['istio-istiod', 'istiod', 'istiod', 'istio-system'],
    ['istio-gateway', 'gateway', 'istio-ingress', 'istio-ingress'],
  ])('installs %s from the Istio chart %s, pinned, as release %s in %s', (resource, chart, name, namespace) => {
    expect(release(resource).inputs).toMatchObject({
      chart,
      name,
      namespace,
      version: '1.30.3',
      repositoryOpts: { repo: 'https://istio-release.storage.googleapis.com/charts' },
    });
    expect(ISTIO_CHART_REPO).toBe('https://istio-release.storage.googleapis.com/charts');
  });

  it('passes each chart its values from istioValues', () => {
    expect(release('istio-base').inputs.values).toEqual(istioValues('base', SETTINGS));
    expect(release('istio-cni').inputs.values).toEqual(istioValues('cni', SETTINGS));
    expect(release('istio-istiod').inputs.values).toEqual(istioValues('istiod', SETTINGS));
    expect(release('istio-gateway').inputs.values).toEqual(istioValues('gateway', SETTINGS));
  });

  it('installs istiod after the CRDs of base', () => {
    expect(recording.dependsOn(release('istio-istiod'), release('istio-base'))).toBe(true);
    expect(recording.dependsOn(release('istio-base'), release('istio-istiod'))).toBe(false);
  });

  it('installs the CNI agent after base and before istiod, so no injected pod starts without it', () => {
    expect(recording.dependsOn(release('istio-cni'), release('istio-base'))).toBe(true);
    expect(recording.dependsOn(release('istio-istiod'), release('istio-cni'))).toBe(true);
    expect(recording.dependsOn(release('istio-gateway'), release('istio-cni'))).toBe(true);
    expect(recording.dependsOn(release('istio-cni'), release('istio-istiod'))).toBe(false);
  });

  it('installs the gateway after istiod, whose injector its pods need', () => {
    expect(recording.dependsOn(release('istio-gateway'), release('istio-istiod'))).toBe(true);
    expect(recording.dependsOn(release('istio-istiod'), release('istio-gateway'))).toBe(false);
  });

  it('installs each release after its namespace', () => {
    const controlPlane = recording.one(NAMESPACE, 'istio-control-plane');
    expect(recording.dependsOn(release('istio-base'), controlPlane)).toBe(true);
    expect(recording.dependsOn(release('istio-istiod'), controlPlane)).toBe(true);
    expect(recording.dependsOn(release('istio-gateway'), recording.one(NAMESPACE, 'istio-gateway-namespace'))).toBe(true);
    expect(recording.dependsOn(release('istio-cni'), recording.one(NAMESPACE, 'istio-cni-namespace'))).toBe(true);
  });

  it('installs every namespace and release with the provider passed in', async () => {
    const reference = `${await settle(provider.urn)}::${await settle(provider.id)}`;
    const installed = [
      'istio-control-plane',
      'istio-cni-namespace',
      'istio-gateway-namespace',
      'istio-base',
      'istio-cni',
      'istio-istiod',
      'istio-gateway',
    ];
    expect(installed.map((name) => [name, providerOf.get(name)])).toEqual(installed.map((name) => [name, reference]));
  });

  it('parents every namespace and release to the component', () => {
    const component = recording.one('platform:istio:Istio', 'istio');
    const children = recording.resources
      .filter((r) => r.parent === component.urn)
      .map((r) => r.name)
      .sort();
    expect(children).toEqual([
      'istio-base',
      'istio-cni',
      'istio-cni-namespace',
      'istio-control-plane',
      'istio-gateway',
      'istio-gateway-namespace',
      'istio-istiod',
    ]);
  });

  it('exposes the four releases for others to depend on', async () => {
    expect(await settle(istio.base.urn)).toBe(release('istio-base').urn);
    expect(await settle(istio.cni.urn)).toBe(release('istio-cni').urn);
    expect(await settle(istio.istiod.urn)).toBe(release('istio-istiod').urn);
    expect(await settle(istio.gateway.urn)).toBe(release('istio-gateway').urn);
  });
});
