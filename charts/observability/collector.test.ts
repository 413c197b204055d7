/**
 * The collector, checked against the facts of its pinned release
 * (vendor/opentelemetry-collector/v<version>/facts.json, scripts/extract-otel-collector-facts.js):
 * the image, its user and config path, the components of the contrib distribution, and every
 * config key we set. Then the objects: hardened, in the mesh, passing every policy rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { RULES } from '../../policies/catalogue';
import { evaluate } from '../../policies/engine';
import type { ManifestObject } from '../schema';
import {
  collectorConfig,
  collectorReplicas,
  OTEL_COLLECTOR_CONFIG_PATH,
  OTEL_COLLECTOR_USER,
  type CollectorEnvironment,
} from './collector';
import {
  OTEL_COLLECTOR,
  OTEL_COLLECTOR_REPOSITORY,
  OTEL_COLLECTOR_VERSION,
  otelCollectorImage,
  otelCollectorServiceAccountId,
} from './collector-names';
import { collectorObjects } from './index';

interface Facts {
  release: {
    tag: string;
    commit: string;
    version: string;
    images: string[];
    user: { uid: number; gid: number };
    cmd: string[];
    components: Record<'receivers' | 'processors' | 'exporters' | 'extensions', string[]>;
  };
  collector: {
    configKeys: string[];
    serviceKeys: string[];
    pipelineKeys: string[];
    tracesSignal: string;
    components: Record<'otlpreceiver' | 'batchprocessor' | 'memorylimiterprocessor', { type: string; keys: string[] }>;
    httpServerKeys: string[];
  };
  googlecloudExporter: { keys: string[] };
}
const FACTS_FILE = path.resolve(__dirname, '..', '..', 'vendor', 'opentelemetry-collector', `v${OTEL_COLLECTOR_VERSION}`, 'facts.json');
const facts = JSON.parse(fs.readFileSync(FACTS_FILE, 'utf8')) as Facts;

const DEV: CollectorEnvironment = { stack: 'dev', profile: 'dev', gcpProject: 'my-project', controlPlaneNamespace: 'istio-system' };
const DIGEST = `sha256:${'a'.repeat(64)}`;
const PROD: CollectorEnvironment = { ...DEV, stack: 'prod', profile: 'prod', otelCollectorDigest: DIGEST };

/** Dotted key paths of a config map, to `depth` levels. */
function keyPaths(value: unknown, depth: number, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth === 0) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = prefix === '' ? k : `${prefix}.${k}`;
    return [p, ...keyPaths(v, depth - 1, p)];
  });
}

describe('the pinned collector release (facts.json)', () => {
  it('is the version the image pins, read at a tagged commit', () => {
    expect(facts.release).toMatchObject({
      tag: `v${OTEL_COLLECTOR_VERSION}`,
      version: OTEL_COLLECTOR_VERSION,
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  it("names the image: the contrib distribution's Docker Hub repository, which the default allowed registries admit", () => {
    expect(facts.release.images).toContain(OTEL_COLLECTOR_REPOSITORY.replace(/^docker\.io\//, ''));
    expect(otelCollectorImage()).toBe(`docker.io/otel/opentelemetry-collector-contrib:${OTEL_COLLECTOR_VERSION}`);
    expect(otelCollectorImage(DIGEST)).toBe(`docker.io/otel/opentelemetry-collector-contrib:${OTEL_COLLECTOR_VERSION}@${DIGEST}`);
  });

  it("runs as the image's user, with the config path of the image's default command", () => {
    expect(facts.release.user).toEqual({ uid: OTEL_COLLECTOR_USER, gid: OTEL_COLLECTOR_USER });
    expect(facts.release.cmd).toEqual(['--config', OTEL_COLLECTOR_CONFIG_PATH]);
  });

  it('ships every component the config uses', () => {
    expect(facts.release.components.receivers).toContain('otlpreceiver');
    expect(facts.release.components.processors).toEqual(expect.arrayContaining(['batchprocessor', 'memorylimiterprocessor']));
    expect(facts.release.components.exporters).toContain('googlecloudexporter');
    expect(facts.release.components.extensions).toContain('healthcheckextension');
  });
});

describe('collectorConfig', () => {
  const config = collectorConfig({ gcpProject: 'my-project' }) as Record<string, Record<string, unknown>>;

  it('is OTLP gRPC in, memory_limiter and batch, the googlecloud exporter out, for traces only', () => {
    expect(config.service).toEqual({
      extensions: ['health_check'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['googlecloud'] } },
    });
    expect(config.exporters).toEqual({ googlecloud: { project: 'my-project' } });
  });

  it('uses only the top-level, service and pipeline keys the collector reads, and its traces signal', () => {
    expect(Object.keys(config).filter((k) => !facts.collector.configKeys.includes(k))).toEqual([]);
    expect(Object.keys(config.service).filter((k) => !facts.collector.serviceKeys.includes(k))).toEqual([]);
    const pipelines = config.service.pipelines as Record<string, Record<string, unknown>>;
    expect(Object.keys(pipelines)).toEqual([facts.collector.tracesSignal]);
    expect(Object.keys(pipelines.traces).filter((k) => !facts.collector.pipelineKeys.includes(k))).toEqual([]);
  });

  it("names each component by its type, and sets only keys of that component's config", () => {
    const { otlpreceiver, batchprocessor, memorylimiterprocessor } = facts.collector.components;
    expect(Object.keys(config.receivers)).toEqual([otlpreceiver.type]);
    expect(Object.keys(config.processors)).toEqual([memorylimiterprocessor.type, batchprocessor.type]);
    const unknown = (value: unknown, known: string[]) => keyPaths(value, 3).filter((k) => !known.includes(k));
    expect(unknown(config.receivers.otlp, otlpreceiver.keys)).toEqual([]);
    expect(unknown(config.processors.batch, batchprocessor.keys)).toEqual([]);
    expect(unknown(config.processors.memory_limiter, memorylimiterprocessor.keys)).toEqual([]);
    expect(unknown(config.exporters.googlecloud, facts.googlecloudExporter.keys)).toEqual([]);
    expect(unknown(config.extensions.health_check, facts.collector.httpServerKeys)).toEqual([]);
  });

  it('listens on the OTLP gRPC and health ports on every address of the pod (the sidecar forwards to the pod IP)', () => {
    expect(config.receivers).toEqual({ otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTEL_COLLECTOR.otlpGrpcPort}` } } } });
    expect(config.extensions).toEqual({ health_check: { endpoint: `0.0.0.0:${OTEL_COLLECTOR.healthPort}` } });
  });
});

describe('collectorReplicas', () => {
  it.each([
    ['dev', 1],
    ['staging', 2],
    ['prod', 2],
  ] as const)('runs %s with %p', (profile, replicas) => {
    expect(collectorReplicas(profile)).toBe(replicas);
  });
});

describe('otelCollectorServiceAccountId', () => {
  it.each([
    ['dev', 'otel-collector-dev'],
    ['prod', 'otel-collector-prod'],
    ['a-very-long-stack-name', 'otel-collector-a-very-l-630ea5'],
  ])('names the Google account of stack %s %s (6-30 characters)', (stack, id) => {
    expect(otelCollectorServiceAccountId(stack)).toBe(id);
    expect(id.length).toBeLessThanOrEqual(30);
  });
});

describe('collectorObjects', () => {
  const dev = collectorObjects(DEV);
  const find = (objects: readonly ManifestObject[], kind: string, name: string = OTEL_COLLECTOR.name) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name) as ManifestObject & { spec: Record<string, unknown> };
  const pod = (objects: readonly ManifestObject[]) =>
    (find(objects, 'Deployment').spec.template as { spec: { containers: Record<string, unknown>[]; securityContext: unknown } }).spec;

  it('puts the namespace first, injected and Pod Security restricted', () => {
    expect(dev[0]).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'observability', labels: { 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    expect(new Set(dev.slice(1).map((o) => o.metadata.namespace))).toEqual(new Set(['observability']));
  });

  it("annotates the ServiceAccount with the stack's collector account, and mounts no token", () => {
    expect(find(dev, 'ServiceAccount')).toMatchObject({
      metadata: { annotations: { 'iam.gke.io/gcp-service-account': 'otel-collector-dev@my-project.iam.gserviceaccount.com' } },
      automountServiceAccountToken: false,
    });
  });

  it('holds the config the container reads, and rolls the pods when it changes', () => {
    const configMap = find(dev, 'ConfigMap') as unknown as { data: Record<string, string> };
    expect(load(configMap.data['config.yaml'])).toEqual(collectorConfig(DEV));
    const other = collectorObjects({ ...DEV, gcpProject: 'other-project' });
    const hash = (objects: readonly ManifestObject[]) =>
      (find(objects, 'Deployment').spec.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations[
        'checksum/config'
      ];
    expect(hash(dev)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(other)).not.toBe(hash(dev));
  });

  it('runs a hardened container: non-root, read-only root, no capabilities, resources, distinct probes', () => {
    expect(pod(dev).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod(dev).containers[0]).toMatchObject({
      image: `docker.io/otel/opentelemetry-collector-contrib:${OTEL_COLLECTOR_VERSION}`,
      imagePullPolicy: 'Always',
      args: ['--config', '/etc/otelcol-contrib/config.yaml'],
      volumeMounts: [{ name: 'config', mountPath: '/etc/otelcol-contrib', readOnly: true }],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      readinessProbe: { httpGet: { path: '/', port: 13133 } },
      livenessProbe: { tcpSocket: { port: 13133 } },
      securityContext: {
        runAsNonRoot: true,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
  });

  it('pins the image by digest, pulled IfNotPresent, with two replicas in prod', () => {
    const prod = collectorObjects(PROD);
    expect(find(prod, 'Deployment').spec.replicas).toBe(2);
    expect(pod(prod).containers[0]).toMatchObject({ image: otelCollectorImage(DIGEST), imagePullPolicy: 'IfNotPresent' });
  });

  it('lets any mesh identity call the OTLP port only, and the proxy reach only Google and istiod', () => {
    expect(find(dev, 'AuthorizationPolicy').spec).toEqual({
      selector: { matchLabels: { app: 'otel-collector' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['*'] } }], to: [{ operation: { ports: ['4317'] } }] }],
    });
    expect(find(dev, 'Sidecar').spec).toMatchObject({
      egress: [{ hosts: ['./*.googleapis.com', './metadata.google.internal', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(find(dev, 'PeerAuthentication', 'default').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  it('reports no spans of its own proxies (they would trace the exports they receive, without end)', () => {
    expect(find(dev, 'Telemetry').spec).toEqual({ tracing: [{ disableSpanReporting: true }] });
  });

  it('takes OTLP from injected namespaces only, and reaches the metadata server and Google APIs', () => {
    expect(find(dev, 'NetworkPolicy').spec).toEqual({
      podSelector: { matchLabels: { app: 'otel-collector' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }], ports: [{ protocol: 'TCP', port: 4317 }] },
      ],
      egress: [
        { to: [{ ipBlock: { cidr: '169.254.169.252/32' } }], ports: [{ protocol: 'TCP', port: 988 }] },
        { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        { to: [{ ipBlock: { cidr: '199.36.153.8/30' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    });
  });

  it.each([
    ['dev', DEV],
    ['prod', PROD],
  ] as const)('passes every policy rule in %s, as the platform objects they are', (profile, env) => {
    // As platform objects (what the policy runs of an environment see them as): OB01 leaves the collector's Service to the platform team.
    const objects = collectorObjects(env);
    const report = evaluate(
      RULES,
      { manifests: { objects, profile, allowedRegistries: ['docker.io/otel/'], platformObjects: objects } },
      { environment: profile, exceptions: [], today: '2026-01-01' },
    );
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
  });
});
