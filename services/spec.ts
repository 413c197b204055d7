/**
 * The ServiceSpec: the contract an app team writes to.
 *
 * Pure TypeScript on purpose: no cdk8s and no Pulumi here, so a catalogue can be
 * type-checked, validated and reviewed without either. `charts/` turns a validated
 * spec into manifests; the mesh layer reads the traffic fields.
 */

/** Wire protocol of the service port. Istio picks its protocol from the port name. */
export type Protocol = 'http' | 'grpc' | 'tcp';

import type { ResourceTier } from '../core/environment';

// The environment's own terms live in core/ (the config schema reads them); re-exported for catalogues.
export { ENVIRONMENT_PROFILES, RESOURCE_TIERS_ORDER, type EnvironmentProfile, type ResourceTier } from '../core/environment';

/** A duration as Istio and Kubernetes write it: `250ms`, `5s`, `1m`, `1h`. */
export type Duration = `${number}${'ms' | 's' | 'm' | 'h'}`;

/** Kubernetes quantities, for overrides of a tier: `250m` CPU, `256Mi` memory. */
export interface ResourceAmounts {
  /** CPU, in Kubernetes quantity form (`100m`, `1`). */
  readonly cpu: string;
  /** Memory, in Kubernetes quantity form (`128Mi`, `1Gi`). */
  readonly memory: string;
}

export interface ResourceSpec {
  /**
   * Named size; requests and limits come from `RESOURCE_TIERS`.
   * @default - the environment's default tier (`platform:defaultTier`)
   */
  readonly tier?: ResourceTier;
  /** Override of the tier's requests. @default - the tier's requests */
  readonly requests?: Partial<ResourceAmounts>;
  /** Override of the tier's limits. @default - the tier's limits */
  readonly limits?: Partial<ResourceAmounts>;
}

export interface ReplicaRange {
  readonly min: number;
  readonly max: number;
}

export interface ReplicaSpec {
  /** Per-profile overrides. @default - `DEFAULT_REPLICAS` for the profile */
  readonly dev?: ReplicaRange;
  readonly staging?: ReplicaRange;
  readonly prod?: ReplicaRange;
  /** HPA target: average CPU utilisation, percent of requests. @default 70 */
  readonly cpuTargetPercent?: number;
}

/** How a probe checks the container: an HTTP GET on a path, a TCP connect or gRPC health. */
export type ProbeCheck =
  | { readonly http: string }
  | { readonly tcp: true }
  | { readonly grpc: true };

export interface ProbeSpec {
  /**
   * Gates traffic. @default - `{ tcp: true }` (for `grpc` services, `{ grpc: true }`)
   */
  readonly readiness?: ProbeCheck;
  /**
   * Restarts a hung container. Kept different from readiness on purpose: a liveness
   * probe that fails with readiness restarts pods that are only overloaded.
   * @default - `{ tcp: true }`
   */
  readonly liveness?: ProbeCheck;
  /**
   * Holds the other probes back while a slow starter (a JVM) boots.
   * @default - the readiness check, allowed `startupSeconds` to pass
   */
  readonly startup?: ProbeCheck;
  /** Longest time the service may take to start. @default 60 */
  readonly startupSeconds?: number;
}

/** A secret reference: the name of a Kubernetes Secret and a key. Never a value. */
export interface SecretRef {
  /** Environment variable the value is exposed as, e.g. `DB_PASSWORD`. */
  readonly env: string;
  /** Name of the Kubernetes Secret (managed outside this repo, e.g. by External Secrets). */
  readonly secret: string;
  /** Key inside the Secret. */
  readonly key: string;
}

export interface ConfigSpec {
  /** Key/value settings, exposed to the container as environment variables. */
  readonly values?: Readonly<Record<string, string>>;
  /** Files, by file name, mounted read-only under `mountPath`. */
  readonly files?: Readonly<Record<string, string>>;
  /** Where `files` are mounted. @default `/etc/<service>` */
  readonly mountPath?: string;
}

/** Which requests of a version's traffic go to it regardless of weights. */
export interface HeaderMatch {
  /** Header name, lower case (`end-user`). */
  readonly header: string;
  /** Exact value to match. */
  readonly exact?: string;
  /** Value prefix to match. */
  readonly prefix?: string;
}

export interface VersionSpec {
  /** Version label, DNS-1123 label (`v1`, `v2`, `canary`). Names the Deployment `<service>-<name>`. */
  readonly name: string;
  /**
   * Key of this version's image in `services/releases/<env>.yaml` under the service.
   * @default - the version name
   */
  readonly image?: string;
  /** Share of traffic, percent; all weights of a service sum to 100. @default 100 for a single version */
  readonly weight?: number;
  /** Requests matching this header go to this version ahead of the weights. */
  readonly headerMatch?: HeaderMatch;
  /** Extra environment variables for this version only. */
  readonly env?: Readonly<Record<string, string>>;
}

export type RouteMatch = 'exact' | 'prefix';

export interface CorsPolicy {
  readonly allowOrigins: readonly string[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly maxAge?: Duration;
}

/** A public (gateway) route: a host-relative path that reaches this service. */
export interface PublicRoute {
  /** Host-relative path, starting with `/`. */
  readonly path: string;
  /**
   * Host the route is served on; must be the environment's domain or a name under it.
   * @default - the environment's domain (`platform:domain`)
   */
  readonly host?: string;
  /** Send this route to one version only (a subset) instead of the service's split. */
  readonly version?: string;
  /** @default 'prefix' */
  readonly match?: RouteMatch;
  /** Path the service sees instead of the matched one. */
  readonly rewrite?: string;
  /** Reject requests without a valid JWT on this route. @default false */
  readonly authRequired?: boolean;
  /** @default - the service's `traffic.timeout` */
  readonly timeout?: Duration;
  readonly cors?: CorsPolicy;
}

export interface RetryPolicy {
  /** @default 2 */
  readonly attempts?: number;
  /** @default '2s' */
  readonly perTryTimeout?: Duration;
  /** Envoy retry conditions. @default 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes' */
  readonly retryOn?: string;
}

/** Circuit breaker: connection pool limits and outlier detection. */
export interface CircuitBreakerPolicy {
  /** @default 100 */
  readonly maxConnections?: number;
  /** @default 64 */
  readonly http1MaxPendingRequests?: number;
  /** @default 1000 */
  readonly http2MaxRequests?: number;
  /** Consecutive 5xx before a host is ejected. @default 5 */
  readonly consecutive5xxErrors?: number;
  /** @default '10s' */
  readonly interval?: Duration;
  /** @default '30s' */
  readonly baseEjectionTime?: Duration;
  /** @default 50 */
  readonly maxEjectionPercent?: number;
}

/** Fault injection, for testing resilience. Refused in production profiles. */
export interface FaultInjection {
  readonly delay?: { readonly fixedDelay: Duration; readonly percent: number };
  readonly abort?: { readonly httpStatus: number; readonly percent: number };
}

export interface TrafficPolicy {
  /** Whole-request timeout for calls to this service. @default '10s' */
  readonly timeout?: Duration;
  readonly retries?: RetryPolicy;
  readonly circuitBreaker?: CircuitBreakerPolicy;
  /** Non-production only. */
  readonly faults?: FaultInjection;
}

export interface ServiceSpec {
  /** DNS-1123 label; names the Service, Deployments (`<name>-<version>`) and ConfigMap. */
  readonly name: string;
  /** One line: what the service does. */
  readonly description: string;
  /** Owning team, used as the `team` label and in alerts. */
  readonly owner: string;
  /** Port the container listens on and the Service exposes (1-65535). */
  readonly port: number;
  /** @default 'http' */
  readonly protocol?: Protocol;
  /**
   * Kubernetes ServiceAccount; the workload identity the mesh authorises.
   * @default - the service name
   */
  readonly serviceAccountName?: string;
  /** At least one. */
  readonly versions: readonly VersionSpec[];
  readonly replicas?: ReplicaSpec;
  readonly resources?: ResourceSpec;
  readonly probes?: ProbeSpec;
  /** Plain environment variables. Secrets go in `secrets`, never here. */
  readonly env?: Readonly<Record<string, string>>;
  /** Becomes a ConfigMap; its content hash rolls the pods when it changes. */
  readonly config?: ConfigSpec;
  readonly secrets?: readonly SecretRef[];
  /** Names of the services this one calls. The mesh allow-lists are derived from these. */
  readonly dependencies?: readonly string[];
  /** Routes through the public gateway. */
  readonly routes?: readonly PublicRoute[];
  readonly traffic?: TrafficPolicy;
  /**
   * Extra writable directories (emptyDir) besides `/tmp`; the root filesystem is read-only.
   * @default - none
   */
  readonly writablePaths?: readonly string[];
  /** UID and GID the container runs as (never 0). @default 1000 */
  readonly runAsUser?: number;
  /** Seconds between SIGTERM and SIGKILL, after the endpoint is drained. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Google Cloud access: a Google service account bound to this service's Kubernetes
   * ServiceAccount through Workload Identity, granted exactly these project roles.
   * @default - no Google Cloud access
   */
  readonly gcp?: { readonly roles: readonly string[] };
}

/** A spec together with where it was written, so errors can name the file. */
export interface ServiceDefinition {
  readonly spec: ServiceSpec;
  /** Repository-relative file that defined the spec, when known. */
  readonly source?: string;
}

export interface Catalogue {
  /** Catalogue name, DNS-1123 label; the `app.kubernetes.io/part-of` label. */
  readonly name: string;
  readonly services: readonly ServiceDefinition[];
}
