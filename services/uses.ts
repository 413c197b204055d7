/**
 * The names of what a service's `uses` becomes, in one place: synthesis writes them into the
 * manifests (environment variables, volumes, the proxy's instance) and the Pulumi program creates
 * the resources under them, so the two always agree. Pure functions of the spec and the stack.
 *
 * Resource ids carry the stack and the namespace: preview stacks (`pr-<N>`) share dev's project,
 * and an environment may host several apps.
 */
import { PREVIEW_STACK } from '../core/config-schema';
import type { ServiceSpec, ServiceUses } from './spec';

/** Where GKE's Secret Manager add-on mounts a service's secrets: `<dir>/<name>`. */
export const SECRET_MOUNT_DIR = '/var/run/secrets/platform';
/** Where the Memorystore server CA is mounted: `<dir>/server-ca.pem`. */
export const REDIS_CA_DIR = '/var/run/secrets/redis';
/** The port the Cloud SQL Auth Proxy listens on in the pod (libpq's default). */
export const POSTGRES_PROXY_PORT = 5432;
/** Memorystore for Redis with in-transit encryption serves TLS on this port. */
export const REDIS_TLS_PORT = 6378;

/** The port the Cloud SQL Auth Proxy connects to on the instance's private IP (Cloud SQL's server-side proxy port). */
export const CLOUD_SQL_SERVER_PORT = 3307;

/** Whether the stack is a pull request's preview (`pr-<N>`), which provisions no `uses` resources. */
export function isPreviewStack(stack: string): boolean {
  return PREVIEW_STACK.test(stack);
}

/** Whether the service acts as a Google service account: `gcp.roles`, or any `uses` on a platform stack. */
export function needsGoogleIdentity(spec: ServiceSpec, stack: string): boolean {
  return spec.gcp !== undefined || (hasUses(spec) && !isPreviewStack(stack));
}

/**
 * The ports a service reaches on the private services access range: Cloud SQL's 3307 for
 * `postgres`, Memorystore's TLS port for `redis`. None on a preview stack.
 */
export function privateServicePorts(spec: ServiceSpec, stack: string): number[] {
  if (isPreviewStack(stack)) return [];
  return [
    ...(spec.uses?.postgres !== undefined ? [CLOUD_SQL_SERVER_PORT] : []),
    ...(spec.uses?.redis !== undefined ? [REDIS_TLS_PORT] : []),
  ];
}

/** `order-placed` -> `ORDER_PLACED`: the suffix of an environment variable named after a resource. */
export function envSuffix(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** Whether the spec declares anything under `uses` (each declared resource needs a Google identity). */
export function hasUses(spec: ServiceSpec): boolean {
  const uses: ServiceUses | undefined = spec.uses;
  if (uses === undefined) return false;
  return (
    uses.postgres !== undefined ||
    uses.redis !== undefined ||
    (uses.publishes?.length ?? 0) > 0 ||
    (uses.consumes?.length ?? 0) > 0 ||
    (uses.buckets?.length ?? 0) > 0 ||
    (uses.secrets?.length ?? 0) > 0
  );
}

/** The service's PostgreSQL database name. */
export function databaseName(spec: ServiceSpec): string {
  return spec.uses?.postgres?.database ?? spec.name.replace(/-/g, '_');
}

/** The environment's Cloud SQL for PostgreSQL instance, shared by the services that use postgres. */
export function sqlInstanceName(stack: string): string {
  return `${stack}-postgres`;
}

/** `<project>:<region>:<instance>`: what the Cloud SQL Auth Proxy connects to. */
export function sqlConnectionName(project: string, region: string, stack: string): string {
  return `${project}:${region}:${sqlInstanceName(stack)}`;
}

/** A service's Memorystore instance id (1-40 characters; the catalogue checks the length). */
export function redisInstanceName(stack: string, service: string): string {
  return `${stack}-${service}`;
}

/** The Pub/Sub topic id of an event. */
export function topicId(stack: string, namespace: string, event: string): string {
  return `${stack}.${namespace}.${event}`;
}

/** The Pub/Sub subscription id of one consumer of an event. */
export function subscriptionId(stack: string, namespace: string, event: string, service: string): string {
  return `${topicId(stack, namespace, event)}.${service}`;
}

/** The dead-letter topic id of one consumer's subscription. */
export function deadLetterTopicId(stack: string, namespace: string, event: string, service: string): string {
  return `${subscriptionId(stack, namespace, event, service)}.dead-letter`;
}

/** `projects/<project>/topics/<id>`. */
export function topicPath(project: string, id: string): string {
  return `projects/${project}/topics/${id}`;
}

/** `projects/<project>/subscriptions/<id>`. */
export function subscriptionPath(project: string, id: string): string {
  return `projects/${project}/subscriptions/${id}`;
}

/** A service's bucket: globally unique through the project id; at most 63 characters (checked where the project is known). */
export function bucketName(project: string, stack: string, service: string, name: string): string {
  return `${project}-${stack}-${service}-${name}`;
}

/** A service's Secret Manager secret id. */
export function secretId(stack: string, service: string, name: string): string {
  return `${stack}-${service}-${name}`;
}

/** The Kubernetes Secret the program writes with a service's Redis AUTH string and server CA. */
export function redisSecretName(service: string): string {
  return `${service}-redis`;
}

/** One line per use, for summaries: `postgres orders`, `redis 1 GiB`, `bucket labels`, ... */
export function describeUses(spec: ServiceSpec): string[] {
  const uses = spec.uses;
  if (uses === undefined) return [];
  return [
    ...(uses.postgres !== undefined ? [`postgres database ${databaseName(spec)}`] : []),
    ...(uses.redis !== undefined ? [`redis ${uses.redis.sizeGb ?? 1} GiB`] : []),
    ...(uses.publishes ?? []).map((e) => `publishes ${e}`),
    ...(uses.consumes ?? []).map((c) => `consumes ${c.event}`),
    ...(uses.buckets ?? []).map((b) => `bucket ${b.name}`),
    ...(uses.secrets ?? []).map((s) => `secret ${s.name}`),
  ];
}
