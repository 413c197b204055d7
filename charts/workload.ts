/**
 * The workload of one service: its ServiceAccount, its Service and one Deployment per
 * version, hardened by default (restricted pod security, probes, requests and limits,
 * spread across zones and nodes, graceful shutdown).
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  DEFAULT_RUN_AS_USER,
  DEFAULT_TERMINATION_GRACE_SECONDS,
  deploymentNameFor,
  imageKeyFor,
  portNameFor,
  probesFor,
  resourcesFor,
  serviceAccountFor,
  servicePortFor,
} from '../services/defaults';
import { parseImageReference } from '../services/releases';
import type { ProbeCheck, ResourceTier, ServiceSpec, VersionSpec } from '../services/spec';
import { ServiceConfig } from './config-map';
import { serviceLabels, versionLabels, versionSelector } from './labels';

/** Seconds the pod keeps serving after SIGTERM is due, so endpoints and sidecars drain first. */
export const PRE_STOP_SLEEP_SECONDS = 5;
const PROBE_PERIOD_SECONDS = 10;

export interface MicroserviceProps {
  readonly spec: ServiceSpec;
  /** The catalogue the service belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;
  /** Image reference per image key (from the environment's releases file). */
  readonly images: Readonly<Record<string, string>>;
  /** Tier for specs that do not name one. */
  readonly defaultTier: ResourceTier;
  /** Google service account the pods act as (Workload Identity), for specs with `gcp.roles` or (platform stacks) `uses`. */
  readonly gcpServiceAccount?: string;
}

export class Microservice extends Construct {
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Service; none for a worker without a port (nobody can call it). */
  public readonly service: kplus.Service | undefined;
  /** Deployments by version name, in spec order. */
  public readonly deployments: ReadonlyMap<string, kplus.Deployment>;
  public readonly config: ServiceConfig;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const { spec, partOf } = props;
    const labels = serviceLabels(partOf, spec);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: serviceAccountFor(spec),
        labels,
        ...(props.gcpServiceAccount !== undefined && { annotations: { 'iam.gke.io/gcp-service-account': props.gcpServiceAccount } }),
      },
      // The sidecar uses its own projected token; the app gets none unless it asks.
      automountToken: false,
    });
    this.config = new ServiceConfig(this, 'Config', { spec, labels });

    const deployments = new Map<string, kplus.Deployment>();
    for (const version of spec.versions) {
      deployments.set(version.name, this.addVersion(props, version));
    }
    this.deployments = deployments;

    this.service = spec.port === undefined ? undefined : this.addService(spec, labels, spec.port);
  }

  private addService(spec: ServiceSpec, labels: Record<string, string>, port: number): kplus.Service {
    const service = new kplus.Service(this, 'Service', {
      metadata: { name: spec.name, labels },
      type: kplus.ServiceType.CLUSTER_IP,
      // Istio reads the protocol from the port name (`http`, `grpc`, `tcp`).
      ports: [{ name: portNameFor(spec), port: servicePortFor(spec) ?? port, targetPort: port }],
    });
    // One Service over all versions: the mesh splits traffic between them by subset.
    service.selectLabel('app', spec.name);
    ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', appProtocolFor(spec)));
    return service;
  }

  private addVersion(props: MicroserviceProps, version: VersionSpec): kplus.Deployment {
    const { spec, partOf } = props;
    const labels = versionLabels(partOf, spec, version.name);
    const image = props.images[imageKeyFor(version)];
    const resources = resourcesFor(spec, props.defaultTier);
    const probes = spec.port === undefined ? undefined : probesFor(spec);
    const uid = spec.runAsUser ?? DEFAULT_RUN_AS_USER;
    const annotations: Record<string, string> = {
      'kubectl.kubernetes.io/default-container': spec.name,
      // The app starts only once its sidecar is ready, so its first calls do not fail.
      'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
    };
    if (this.config.hash !== '') annotations['checksum/config'] = this.config.hash;

    const deployment = new kplus.Deployment(this, `Deployment-${version.name}`, {
      metadata: { name: deploymentNameFor(spec, version), labels },
      podMetadata: { labels, annotations },
      select: false,
      // No fixed replicas: the HorizontalPodAutoscaler owns the count (a re-apply never resets it).
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      // Surge, never drop below the desired count: rolling upgrades without downtime.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      terminationGracePeriod: Duration.seconds(spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS),
      securityContext: {
        ensureNonRoot: true,
        user: uid,
        group: uid,
        fsGroup: uid,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      },
    });
    deployment.select(kplus.LabelSelector.of({ labels: versionSelector(spec, version.name) }));

    const container = deployment.addContainer({
      name: spec.name,
      image,
      imagePullPolicy: pullPolicyFor(image),
      ports: spec.port === undefined ? [] : [{ number: spec.port, name: portNameFor(spec) }],
      securityContext: {
        ensureNonRoot: true,
        user: uid,
        group: uid,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      },
      resources: {
        cpu: { request: cpu(resources.requests.cpu), limit: cpu(resources.limits.cpu) },
        memory: { request: memory(resources.requests.memory), limit: memory(resources.limits.memory) },
      },
      // A worker without a port has no probes: every probe kind (HTTP, TCP, gRPC) needs one.
      ...(probes !== undefined &&
        spec.port !== undefined && {
          readiness: probe(probes.readiness, spec.port, { periodSeconds: 5, failureThreshold: 3 }),
          liveness: probe(probes.liveness, spec.port, { periodSeconds: PROBE_PERIOD_SECONDS, failureThreshold: 3 }),
          startup: probe(probes.startup, spec.port, {
            periodSeconds: PROBE_PERIOD_SECONDS,
            failureThreshold: Math.max(1, Math.ceil(probes.startupSeconds / PROBE_PERIOD_SECONDS)),
          }),
        }),
    });

    for (const [name, value] of sortedEntries({ ...spec.env, ...version.env })) {
      container.env.addVariable(name, kplus.EnvValue.fromValue(value));
    }
    const configMap = this.config.configMap;
    if (configMap !== undefined) {
      for (const key of Object.keys(spec.config?.values ?? {}).sort()) {
        container.env.addVariable(key, kplus.EnvValue.fromConfigMap(configMap, key));
      }
      if (this.config.hasFiles) {
        const items = Object.fromEntries(
          Object.keys(spec.config?.files ?? {})
            .sort()
            .map((f) => [f, { path: f }]),
        );
        const volume = kplus.Volume.fromConfigMap(this, `ConfigFiles-${version.name}`, configMap, { name: 'config', items });
        container.mount(this.config.mountPath, volume, { readOnly: true });
      }
    }
    for (const s of spec.secrets ?? []) {
      const secret = kplus.Secret.fromSecretName(this, `Secret-${version.name}-${s.env}`, s.secret);
      container.env.addVariable(s.env, kplus.EnvValue.fromSecretValue({ secret, key: s.key }));
    }

    // The root filesystem is read-only; these are the only writable places.
    container.mount('/tmp', kplus.Volume.fromEmptyDir(this, `Tmp-${version.name}`, 'tmp', { sizeLimit: Size.mebibytes(256) }));
    (spec.writablePaths ?? []).forEach((p, i) => {
      container.mount(p, kplus.Volume.fromEmptyDir(this, `Writable-${version.name}-${i}`, `writable-${i}`));
    });

    hardenPodTemplate(ApiObject.of(deployment), spec, probes);
    return deployment;
  }
}

/**
 * What cdk8s-plus-27 cannot express, set through its escape hatch: the hash label it adds
 * to pods (we select on stable labels instead), `drop: [ALL]` (its Capability enum has no
 * ALL), seccomp, topology spread and gRPC probes. (The preStop sleep is added after
 * synthesis: see `withPreStopSleep`.)
 */
function hardenPodTemplate(obj: ApiObject, spec: ServiceSpec, probes: ReturnType<typeof probesFor> | undefined): void {
  const c = '/spec/template/spec/containers/0';
  obj.addJsonPatch(
    JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
    JsonPatch.add(`${c}/securityContext/capabilities`, { drop: ['ALL'] }),
    JsonPatch.add(`${c}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', topologySpread(spec)),
  );
  if (probes === undefined) return;
  const grpcProbes: Array<[string, ProbeCheck]> = [
    ['readinessProbe', probes.readiness],
    ['livenessProbe', probes.liveness],
    ['startupProbe', probes.startup],
  ];
  for (const [field, check] of grpcProbes) {
    if (!('grpc' in check)) continue;
    obj.addJsonPatch(JsonPatch.remove(`${c}/${field}/tcpSocket`), JsonPatch.add(`${c}/${field}/grpc`, { port: spec.port }));
  }
}

/** Spread a version's pods over zones first, then nodes; best effort so a small cluster still schedules. */
export function topologySpread(spec: ServiceSpec): object[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { app: spec.name } },
    matchLabelKeys: ['pod-template-hash'],
  }));
}

/** Digests never change, so the node cache is safe; a tag may move, so always re-pull it. */
export function pullPolicyFor(image: string): kplus.ImagePullPolicy {
  return parseImageReference(image)?.digest === undefined ? kplus.ImagePullPolicy.ALWAYS : kplus.ImagePullPolicy.IF_NOT_PRESENT;
}

export function appProtocolFor(spec: ServiceSpec): string {
  switch (spec.protocol ?? 'http') {
    case 'http':
      return 'http';
    case 'grpc':
      return 'grpc';
    case 'tcp':
      return 'tcp';
  }
}

function probe(check: ProbeCheck, port: number, timing: { periodSeconds: number; failureThreshold: number }): kplus.Probe {
  const options = {
    port,
    periodSeconds: Duration.seconds(timing.periodSeconds),
    failureThreshold: timing.failureThreshold,
    timeoutSeconds: Duration.seconds(2),
  };
  // gRPC checks start as TCP here and are rewritten by hardenPodTemplate (no gRPC probe in cdk8s-plus-27).
  return 'http' in check ? kplus.Probe.fromHttpGet(check.http, options) : kplus.Probe.fromTcpSocket(options);
}

function cpu(q: string): kplus.Cpu {
  return q.endsWith('m') ? kplus.Cpu.millis(Number(q.slice(0, -1))) : kplus.Cpu.units(Number(q));
}

function memory(q: string): Size {
  // Validation (services/validate.ts) admits binary units only.
  const n = Number(q.slice(0, -2));
  const unit = q.slice(-2);
  if (unit === 'Ki') return Size.kibibytes(n);
  if (unit === 'Gi') return Size.gibibytes(n);
  if (unit === 'Ti') return Size.tebibytes(n);
  return Size.mebibytes(n);
}

function sortedEntries(r: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Adds the native `preStop: { sleep }` action (Kubernetes 1.30+, no shell needed in the
 * image) to every container of a Deployment, so endpoints are removed before SIGTERM.
 * Applied to the synthesized JSON because cdk8s-plus-27's Kubernetes 1.27 types drop
 * fields they do not know, escape-hatch patches included.
 */
export function withPreStopSleep<T extends { kind: string }>(obj: T): T {
  if (obj.kind !== 'Deployment') return obj;
  const spec = (obj as unknown as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }).spec;
  for (const container of spec.template.spec.containers) {
    container.lifecycle = { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } };
  }
  return obj;
}
