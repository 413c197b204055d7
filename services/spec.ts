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

/** Override of some of a tier's quantities; the others keep the tier's values. */
export interface ResourceOverride {
  /** CPU, in Kubernetes quantity form (`100m`, `1`). @default - the tier's */
  readonly cpu?: string;
  /** Memory, in Kubernetes quantity form (`128Mi`, `1Gi`). @default - the tier's */
  readonly memory?: string;
}

/** Requests and limits of the container: a tier, optionally overridden per quantity. */
export interface ResourceSpec {
  /**
   * Named size; requests and limits come from `RESOURCE_TIERS`.
   * @default - the environment's default tier (`platform:defaultTier`)
   */
  readonly tier?: ResourceTier;
  /** Override of the tier's requests. @default - the tier's requests */
  readonly requests?: ResourceOverride;
  /** Override of the tier's limits. @default - the tier's limits */
  readonly limits?: ResourceOverride;
}

/** Bounds of the HorizontalPodAutoscaler in one profile. */
export interface ReplicaRange {
  /** Fewest replicas (1-1000); also the PodDisruptionBudget's floor. */
  readonly min: number;
  /** Most replicas (1-1000), at least `min`. */
  readonly max: number;
}

/** Replica ranges per environment profile and the autoscaling target. */
export interface ReplicaSpec {
  /** Replicas in `dev` environments. @default - `{ min: 1, max: 2 }` */
  readonly dev?: ReplicaRange;
  /** Replicas in `staging` environments. @default - `{ min: 2, max: 4 }` */
  readonly staging?: ReplicaRange;
  /** Replicas in `prod` environments. @default - `{ min: 3, max: 10 }` */
  readonly prod?: ReplicaRange;
  /** HPA target: average CPU utilisation, percent of requests. @default 70 */
  readonly cpuTargetPercent?: number;
}

/** How a probe checks the container: an HTTP GET on a path, a TCP connect or gRPC health. */
export type ProbeCheck = { readonly http: string } | { readonly tcp: true } | { readonly grpc: true };

/** Health checks of the container. */
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

/** Configuration kept in git: a ConfigMap whose content hash rolls the pods when it changes. */
export interface ConfigSpec {
  /** Key/value settings, exposed to the container as environment variables. @default - none */
  readonly values?: Readonly<Record<string, string>>;
  /** Files, by file name, mounted read-only under `mountPath`. @default - none */
  readonly files?: Readonly<Record<string, string>>;
  /** Where `files` are mounted. @default - `/etc/<service>` */
  readonly mountPath?: string;
}

/** Which requests of a version's traffic go to it regardless of weights. */
export interface HeaderMatch {
  /** Header name, lower case (`end-user`). */
  readonly header: string;
  /** Exact value to match; set this or `prefix`. @default - none */
  readonly exact?: string;
  /** Value prefix to match; set this or `exact`. @default - none */
  readonly prefix?: string;
}

/** One version of the service: a Deployment of its own, with a share of the traffic. */
export interface VersionSpec {
  /** Version label, DNS-1123 label (`v1`, `v2`, `canary`). Names the Deployment `<service>-<name>`. */
  readonly name: string;
  /**
   * Key of this version's image in `services/releases/<env>.yaml` under the service.
   * @default - the version name
   */
  readonly image?: string;
  /** Share of traffic, percent; all weights of a service sum to 100. @default - 100 for a single version */
  readonly weight?: number;
  /** Requests matching this header go to this version ahead of the weights. @default - none */
  readonly headerMatch?: HeaderMatch;
  /** Extra environment variables for this version only. @default - none */
  readonly env?: Readonly<Record<string, string>>;
}

/** How a route's path is compared with the request's: the whole path, or its beginning. */
export type RouteMatch = 'exact' | 'prefix';

/** Cross-origin resource sharing for browsers calling the route from other sites. */
export interface CorsPolicy {
  /** Origins allowed to call the route, e.g. `https://app.example.com`; at least one. */
  readonly allowOrigins: readonly string[];
  /** HTTP methods allowed. @default - not set in the VirtualService */
  readonly allowMethods?: readonly string[];
  /** Request headers allowed. @default - not set in the VirtualService */
  readonly allowHeaders?: readonly string[];
  /** How long browsers may cache the preflight answer. @default - not set in the VirtualService */
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
  /** Send this route to one version only (a subset) instead of the service's split. @default - the weights */
  readonly version?: string;
  /** Whether `path` must match the whole request path or its beginning. @default 'prefix' */
  readonly match?: RouteMatch;
  /** Path the service sees instead of the matched one. @default - the path as requested */
  readonly rewrite?: string;
  /** Reject requests without a valid JWT on this route. @default false */
  readonly authRequired?: boolean;
  /** Whole-request timeout on this route. @default - the service's `traffic.timeout` */
  readonly timeout?: Duration;
  /** CORS answers for browsers. @default - none (no CORS headers) */
  readonly cors?: CorsPolicy;
}

/** Retries of failed calls to this service, made by the caller's sidecar. */
export interface RetryPolicy {
  /** Retries after the first attempt (0-10). @default 2 */
  readonly attempts?: number;
  /** Timeout of each attempt. @default '2s' */
  readonly perTryTimeout?: Duration;
  /** Envoy retry conditions. @default 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes' */
  readonly retryOn?: string;
}

/** Circuit breaker: connection pool limits and outlier detection. */
export interface CircuitBreakerPolicy {
  /** Most TCP connections to the service, per caller sidecar. @default 100 */
  readonly maxConnections?: number;
  /** Most requests queued while waiting for a connection. @default 64 */
  readonly http1MaxPendingRequests?: number;
  /** Most concurrent requests to the service. @default 1000 */
  readonly http2MaxRequests?: number;
  /** Consecutive 5xx before a host is ejected. @default 5 */
  readonly consecutive5xxErrors?: number;
  /** Time between ejection sweeps. @default '10s' */
  readonly interval?: Duration;
  /** Shortest ejection; grows with each ejection of the same host. @default '30s' */
  readonly baseEjectionTime?: Duration;
  /** Most hosts ejected at once, percent. @default 50 */
  readonly maxEjectionPercent?: number;
}

/** Fault injection, for testing resilience. Refused in production profiles. */
export interface FaultInjection {
  /** Delay a share of the requests. @default - no delay */
  readonly delay?: {
    /** How long to delay each affected request. */
    readonly fixedDelay: Duration;
    /** Share of the requests delayed (0-100). */
    readonly percent: number;
  };
  /** Fail a share of the requests with an HTTP status. @default - no abort */
  readonly abort?: {
    /** Status returned to the caller (200-599), e.g. 503. */
    readonly httpStatus: number;
    /** Share of the requests aborted (0-100). */
    readonly percent: number;
  };
}

/** How callers' sidecars treat calls to this service. */
export interface TrafficPolicy {
  /** Whole-request timeout for calls to this service. @default '10s' */
  readonly timeout?: Duration;
  /** Retries of failed calls. @default - the defaults of each field */
  readonly retries?: RetryPolicy;
  /** Connection limits and outlier detection. @default - the defaults of each field */
  readonly circuitBreaker?: CircuitBreakerPolicy;
  /** Non-production only. @default - no faults */
  readonly faults?: FaultInjection;
}

/**
 * A PostgreSQL database of the service's own on the environment's Cloud SQL instance, reached
 * through the Cloud SQL Auth Proxy (a native sidecar) with IAM database authentication as the
 * service's Google service account: no password anywhere. The container gets libpq's variables:
 * `PGHOST=127.0.0.1`, `PGPORT=5432`, `PGDATABASE` and `PGUSER`.
 */
export interface PostgresUse {
  /**
   * Database name: lower-case letters, digits and `_`, starting with a letter, at most 63.
   * @default - the service name with `-` as `_`
   */
  readonly database?: string;
}

/**
 * A Memorystore for Redis instance of the service's own, with AUTH and in-transit encryption
 * (TLS), on the environment's private services access range. The container gets `REDIS_HOST`,
 * `REDIS_PORT`, `REDIS_ADDR` (`host:port`), `REDIS_AUTH` (from a Kubernetes Secret the program
 * writes, never in the repo) and the server CA at `REDIS_CA_FILE`.
 */
export interface RedisUse {
  /** Memory, GiB (1-300). @default 1 */
  readonly sizeGb?: number;
}

/**
 * A subscription of the service's own to an event another service publishes, with a dead-letter
 * topic and a retry policy. The container gets `PUBSUB_SUBSCRIPTION_<EVENT>` (the subscription's
 * full name; `<EVENT>` is the event name upper-cased, `-` as `_`).
 */
export interface EventConsumer {
  /** The event (topic) consumed: a name some service of the catalogue publishes. */
  readonly event: string;
  /** Seconds the service has to acknowledge a message (10-600). @default 30 */
  readonly ackDeadlineSeconds?: number;
  /** Deliveries of a message before it goes to the dead-letter topic (5-100). @default 5 */
  readonly maxDeliveryAttempts?: number;
  /** Shortest wait before a redelivery (0s-600s). @default '10s' */
  readonly minimumBackoff?: Duration;
  /** Longest wait before a redelivery (0s-600s), at least `minimumBackoff`. @default '600s' */
  readonly maximumBackoff?: Duration;
}

/**
 * A Cloud Storage bucket of the service's own: uniform bucket-level access, public access
 * prevention enforced, versioning in prod, access for this service only. The container gets
 * `BUCKET_<NAME>` (the bucket's name; `<NAME>` upper-cased, `-` as `_`).
 */
export interface BucketUse {
  /** Short name, unique within the service: lower-case letters, digits and `-`, at most 20. */
  readonly name: string;
}

/**
 * A Secret Manager secret of the service's own, created empty by the program and given a value
 * outside the repo (`gcloud secrets versions add`). GKE's Secret Manager add-on mounts its
 * latest version as the file `/var/run/secrets/platform/<name>`.
 */
export interface SecretUse {
  /** Short name, unique within the service, the file name: lower-case letters, digits and `-`, at most 40. */
  readonly name: string;
}

/**
 * What the service uses besides compute: its data stores, the events it publishes and consumes,
 * its buckets and secrets. The platform provisions each as managed Google Cloud resources, binds
 * IAM on the resource to this service's Google service account only, and wires the manifests
 * (environment variables, volumes, sidecars, mesh egress). docs/events.md shows the event patterns.
 */
export interface ServiceUses {
  /** A database of its own on the environment's Cloud SQL for PostgreSQL instance. @default - none */
  readonly postgres?: PostgresUse;
  /** A Memorystore for Redis instance of its own. @default - none */
  readonly redis?: RedisUse;
  /**
   * Events this service publishes; it owns these Pub/Sub topics and only it may publish to them.
   * Names: lower-case letters, digits and `-`, starting with a letter (`order-placed`). The container
   * gets `PUBSUB_TOPIC_<EVENT>` (the topic's full name). @default - none
   */
  readonly publishes?: readonly string[];
  /** Events this service consumes, each through a subscription of its own. @default - none */
  readonly consumes?: readonly EventConsumer[];
  /** Cloud Storage buckets of its own. @default - none */
  readonly buckets?: readonly BucketUse[];
  /** Secret Manager secrets, mounted as files. @default - none */
  readonly secrets?: readonly SecretUse[];
}

/**
 * A latency objective: `percentile` percent of requests complete within `threshold`, as the
 * service's own sidecar measures them (Istio's `istio_request_duration_milliseconds`).
 */
export interface LatencyObjective {
  /**
   * Share of requests, percent, that must complete within `threshold`: at least 93.06 (below it,
   * a 14.4x burn of the budget is more than every request being slow, so the fastest page could
   * never fire) and below 100, e.g. 95 or 99.
   * @default - the profile's: 95 in dev and staging, 99 in prod
   */
  readonly percentile?: number;
  /**
   * The latency a request must not exceed: a bucket boundary of the mesh's request duration
   * histogram (`1ms`, `5ms`, `10ms`, `25ms`, `50ms`, `100ms`, `250ms`, `500ms`, `1s`, `2.5s`, `5s`,
   * `10s`, `30s`, `60s`), so the share of faster requests is counted exactly, not interpolated.
   * @default - the profile's: '1s' in dev, '500ms' in staging and prod
   */
  readonly threshold?: Duration;
}

/**
 * The service's service level objectives, over a rolling 30-day window, measured from the mesh's
 * request metrics (the sidecar in front of the service). The platform records the error ratios as
 * Managed Service for Prometheus rules and pages the `owner` on fast burns of the error budget
 * (docs/slo.md). A worker without a `port`, or a `tcp` service, serves no requests to measure and
 * gets no SLO.
 */
export interface SloSpec {
  /**
   * Share of requests that must succeed, percent over 30 days: at least 93.06 and below 100 (e.g.
   * 99.9). A failure is a 5xx response; for a `grpc` service, a status that maps to a 5xx
   * (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS).
   * @default - the profile's: 99 in dev, 99.5 in staging, 99.9 in prod
   */
  readonly availability?: number;
  /** `percentile` percent of requests complete within `threshold`. @default - the profile's (see each field) */
  readonly latency?: LatencyObjective;
}

export interface ServiceSpec {
  /**
   * DNS-1035 label (lower-case letters, digits and `-`, starting with a letter, at most 63
   * characters): names the Service, Deployments (`<name>-<version>`) and ConfigMap.
   */
  readonly name: string;
  /** One line: what the service does. */
  readonly description: string;
  /**
   * Owning team, used as the `team` label and in alerts: a team of each environment's
   * `platform:teams`, whose notification channels the service's SLO alerts go to.
   */
  readonly owner: string;
  /**
   * Port the container listens on (1-65535), the Service's `targetPort`. Leave it out for a
   * worker nobody calls (a load generator, a queue consumer): it then gets no Service, no
   * DestinationRule or VirtualService and no probes (every probe kind needs a port), and may have
   * no `routes`, `probes`, `protocol`, `servicePort` or `traffic`, nor be another service's
   * dependency. Its own `dependencies` still open its egress.
   * @default - none: a worker without a Service
   */
  readonly port?: number;
  /**
   * Port the Service listens on (1-65535), when it differs from the container's `port`
   * (upstream manifests often expose 80 in front of 8080). Callers, the mesh's routes and the
   * gateway address the service on this port; the pod still listens on `port`.
   * @default - `port`
   */
  readonly servicePort?: number;
  /** Wire protocol; Istio reads it from the port name. @default 'http' */
  readonly protocol?: Protocol;
  /**
   * Kubernetes ServiceAccount; the workload identity the mesh authorises.
   * @default - the service name
   */
  readonly serviceAccountName?: string;
  /** The versions deployed side by side; at least one. */
  readonly versions: readonly VersionSpec[];
  /** Autoscaling bounds per profile. @default - the profile's defaults (see each field) */
  readonly replicas?: ReplicaSpec;
  /** CPU and memory. @default - the environment's default tier */
  readonly resources?: ResourceSpec;
  /** Health checks. @default - the defaults of each field */
  readonly probes?: ProbeSpec;
  /** Plain environment variables. Secrets go in `secrets`, never here. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** Becomes a ConfigMap; its content hash rolls the pods when it changes. @default - no ConfigMap */
  readonly config?: ConfigSpec;
  /** Values from Kubernetes Secrets, exposed as environment variables. @default - none */
  readonly secrets?: readonly SecretRef[];
  /**
   * Names of the services this one calls. The mesh allow-lists are derived from these. A service
   * of another app of the environment is written `<app>/<service>` (e.g. `bookinfo/ratings`): the
   * mesh allows that call across namespaces, and only that one.
   * @default - none
   */
  readonly dependencies?: readonly string[];
  /** Routes through the public gateway. @default - none (reachable inside the mesh only) */
  readonly routes?: readonly PublicRoute[];
  /** Timeouts, retries, circuit breaking and fault injection. @default - the defaults of each field */
  readonly traffic?: TrafficPolicy;
  /**
   * Extra writable directories (emptyDir) besides `/tmp`; the root filesystem is read-only.
   * @default - none
   */
  readonly writablePaths?: readonly string[];
  /** UID and GID the container runs as: never 0 (root), never 1337 (Istio's sidecar). @default 1000 */
  readonly runAsUser?: number;
  /** Seconds between SIGTERM and SIGKILL, after the endpoint is drained. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Google Cloud access: a Google service account bound to this service's Kubernetes
   * ServiceAccount through Workload Identity, granted exactly these project roles.
   * @default - no Google Cloud access
   */
  readonly gcp?: {
    /** Predefined IAM roles, e.g. `roles/pubsub.publisher`; at least one. */
    readonly roles: readonly string[];
  };
  /**
   * Data stores, events, buckets and secrets the service uses, provisioned by the platform with
   * least-privilege IAM on each resource. Declaring any gives the service a Google service account.
   * @default - none
   */
  readonly uses?: ServiceUses;
  /**
   * Service level objectives (availability, latency) over 30 days, with burn-rate alerts that page
   * the `owner`'s team. Not for a worker without a `port` or a `tcp` service: they serve no requests.
   * @default - the profile's objectives (see each field)
   */
  readonly slo?: SloSpec;
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
  /**
   * Who owns the app: GitHub users (`@name`) or teams (`@org/team`). `npm run codeowners` makes
   * them the code owners of the catalogue's directory and of its pins files in .github/CODEOWNERS,
   * so a pull request that changes them asks for their review.
   * @default - none: the repository's default owners review it
   */
  readonly owners?: readonly string[];
  /** Repository-relative file that defined the catalogue, when known. */
  readonly source?: string;
}
