/**
 * Defaults and the pure decisions derived from a ServiceSpec. Resolved once, here, so
 * the charts and the mesh layer never disagree about a replica count or a weight.
 */
import type {
  CircuitBreakerPolicy,
  Duration,
  EnvironmentProfile,
  ProbeCheck,
  ReplicaRange,
  ResourceAmounts,
  ResourceTier,
  ServiceSpec,
  VersionSpec,
} from './spec';

/**
 * Requests are what the scheduler reserves, limits what the container may burst to.
 * Memory limit == 2x request keeps OOM kills rare without letting one pod starve a node.
 */
export const RESOURCE_TIERS: Readonly<Record<ResourceTier, { requests: ResourceAmounts; limits: ResourceAmounts }>> = {
  small: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
  medium: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  large: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
};

/** dev is cheap; staging and prod keep two replicas at least so a node drain never drops a service. */
export const DEFAULT_REPLICAS: Readonly<Record<EnvironmentProfile, ReplicaRange>> = {
  dev: { min: 1, max: 2 },
  staging: { min: 2, max: 4 },
  prod: { min: 3, max: 10 },
};

export const DEFAULT_CPU_TARGET_PERCENT = 70;
export const DEFAULT_STARTUP_SECONDS = 60;
export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;
export const DEFAULT_RUN_AS_USER = 1000;

export function replicasFor(spec: ServiceSpec, profile: EnvironmentProfile): ReplicaRange {
  return spec.replicas?.[profile] ?? DEFAULT_REPLICAS[profile];
}

export function cpuTargetFor(spec: ServiceSpec): number {
  return spec.replicas?.cpuTargetPercent ?? DEFAULT_CPU_TARGET_PERCENT;
}

export function resourcesFor(spec: ServiceSpec, defaultTier: ResourceTier): { requests: ResourceAmounts; limits: ResourceAmounts } {
  const tier = RESOURCE_TIERS[spec.resources?.tier ?? defaultTier];
  return {
    requests: { ...tier.requests, ...spec.resources?.requests },
    limits: { ...tier.limits, ...spec.resources?.limits },
  };
}

export function serviceAccountFor(spec: ServiceSpec): string {
  return spec.serviceAccountName ?? spec.name;
}

export function imageKeyFor(version: VersionSpec): string {
  return version.image ?? version.name;
}

export function deploymentNameFor(spec: ServiceSpec, version: VersionSpec): string {
  return `${spec.name}-${version.name}`;
}

export function configMapNameFor(spec: ServiceSpec): string {
  return `${spec.name}-config`;
}

/** Weight per version; a single version without a weight takes all traffic. */
export function versionWeights(spec: ServiceSpec): ReadonlyArray<{ version: string; weight: number }> {
  if (spec.versions.length === 1) {
    const [only] = spec.versions;
    return [{ version: only.name, weight: only.weight ?? 100 }];
  }
  return spec.versions.map((v) => ({ version: v.name, weight: v.weight ?? 0 }));
}

export interface ResolvedProbes {
  readonly readiness: ProbeCheck;
  readonly liveness: ProbeCheck;
  readonly startup: ProbeCheck;
  readonly startupSeconds: number;
}

export function probesFor(spec: ServiceSpec): ResolvedProbes {
  const transport: ProbeCheck = spec.protocol === 'grpc' ? { grpc: true } : { tcp: true };
  const readiness = spec.probes?.readiness ?? transport;
  return {
    readiness,
    liveness: spec.probes?.liveness ?? { tcp: true },
    startup: spec.probes?.startup ?? readiness,
    startupSeconds: spec.probes?.startupSeconds ?? DEFAULT_STARTUP_SECONDS,
  };
}

/**
 * The port callers address the service on: the Service's port (`servicePort`, else `port`).
 * Undefined for a worker without a port, which has no Service.
 */
export function servicePortFor(spec: ServiceSpec): number | undefined {
  return spec.servicePort ?? spec.port;
}

/** Port name Istio reads the protocol from (`http`, `grpc`, `tcp`). */
export function portNameFor(spec: ServiceSpec): string {
  return spec.protocol ?? 'http';
}

export interface ResolvedTraffic {
  readonly timeout: Duration;
  readonly retries: { readonly attempts: number; readonly perTryTimeout: Duration; readonly retryOn: string };
  readonly circuitBreaker: Required<CircuitBreakerPolicy>;
}

/**
 * Istio's own retry conditions: safe for non-idempotent requests (a connection that
 * never reached the app, or a 503 the app sent before doing anything).
 */
export const DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

/** Circuit breaker defaults: eject a host after 5 straight 5xx, never more than half of them. */
export const DEFAULT_CIRCUIT_BREAKER: Required<CircuitBreakerPolicy> = {
  maxConnections: 100,
  http1MaxPendingRequests: 64,
  http2MaxRequests: 1000,
  consecutive5xxErrors: 5,
  interval: '10s',
  baseEjectionTime: '30s',
  maxEjectionPercent: 50,
};

export function trafficFor(spec: ServiceSpec): ResolvedTraffic {
  const t = spec.traffic;
  return {
    timeout: t?.timeout ?? '10s',
    retries: {
      attempts: t?.retries?.attempts ?? 2,
      perTryTimeout: t?.retries?.perTryTimeout ?? '2s',
      retryOn: t?.retries?.retryOn ?? DEFAULT_RETRY_ON,
    },
    circuitBreaker: { ...DEFAULT_CIRCUIT_BREAKER, ...t?.circuitBreaker },
  };
}

/** Milliseconds in a Duration (`250ms`, `5s`, `1m`, `1h`). */
export function durationMs(d: Duration): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (m === null) return Number.NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** Defaults of an event subscription (`uses.consumes[]`), as EventConsumer's TSDoc states them (Pub/Sub's own defaults). */
export const CONSUMER_DEFAULTS: {
  readonly ackDeadlineSeconds: number;
  readonly maxDeliveryAttempts: number;
  readonly minimumBackoff: Duration;
  readonly maximumBackoff: Duration;
} = { ackDeadlineSeconds: 30, maxDeliveryAttempts: 5, minimumBackoff: '10s', maximumBackoff: '600s' };

/** A service's objectives with every default filled in (`sloFor`). */
export interface ResolvedSlo {
  /** Share of requests that must succeed, percent over 30 days. */
  readonly availability: number;
  readonly latency: {
    /** Share of requests, percent, that must complete within `threshold`. */
    readonly percentile: number;
    readonly threshold: Duration;
  };
}

/**
 * Objectives of a service that does not set them, per profile: dev and staging run fewer replicas
 * on cheaper nodes, so their pages would mostly be noise at prod's targets; prod promises three nines.
 */
export const DEFAULT_SLO: Readonly<Record<EnvironmentProfile, ResolvedSlo>> = {
  dev: { availability: 99, latency: { percentile: 95, threshold: '1s' } },
  staging: { availability: 99.5, latency: { percentile: 95, threshold: '500ms' } },
  prod: { availability: 99.9, latency: { percentile: 99, threshold: '500ms' } },
};

/**
 * Whether the service serves requests the mesh measures: it has a port, and HTTP or gRPC on it
 * (Istio's request metrics; a `tcp` service only has connection and byte counts).
 */
export function servesRequests(spec: ServiceSpec): boolean {
  return spec.port !== undefined && spec.protocol !== 'tcp';
}

/** The service's objectives in a profile, or undefined when it serves no requests (`servesRequests`). */
export function sloFor(spec: ServiceSpec, profile: EnvironmentProfile): ResolvedSlo | undefined {
  if (!servesRequests(spec)) return undefined;
  const defaults = DEFAULT_SLO[profile];
  return {
    availability: spec.slo?.availability ?? defaults.availability,
    latency: {
      percentile: spec.slo?.latency?.percentile ?? defaults.latency.percentile,
      threshold: spec.slo?.latency?.threshold ?? defaults.latency.threshold,
    },
  };
}
