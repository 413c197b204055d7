/**
 * Validation of `ServiceSpec.uses`: each service's declarations on their own, the event graph
 * between the services of a catalogue (one publisher per event, no consumer of an event nobody
 * publishes), and the warning for an event nobody consumes. The limits are Google Cloud's, as
 * the TSDoc of services/spec.ts states them (docs/events.md names where each was checked).
 */
import { closestMatch, type Problem } from '../core/problems';
import { isRecord } from '../core/json';
import { CONSUMER_DEFAULTS, durationMs } from './defaults';
import { isDNS1035Label, isDNS1123Label } from './names';
import { checkInt, isSection, type ProblemList, specLocation } from './problem-list';
import type { Catalogue, Duration, ServiceDefinition, ServiceSpec } from './spec';
import { bucketName, databaseName, envSuffix, redisInstanceName } from './uses';

/** PostgreSQL identifiers: lower-case letters, digits and `_`, starting with a letter, at most 63 bytes. */
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** Databases every PostgreSQL cluster already has (initdb creates them); Cloud SQL adds `cloudsqladmin`. */
const RESERVED_DATABASES = ['postgres', 'template0', 'template1', 'cloudsqladmin'];
/** Longest short name of a bucket and of a secret (services/spec.ts). */
export const BUCKET_NAME_MAX = 20;
export const SECRET_NAME_MAX = 40;
/** Memorystore for Redis instance ids are 1-40 characters (CreateInstanceRequest.instance_id). */
export const REDIS_INSTANCE_ID_MAX = 40;
/** Pub/Sub retry policy backoffs lie between 0 and 600 seconds; the defaults are 10s and 600s. */
const BACKOFF_MAX_MS = 600_000;
export const DEFAULT_MINIMUM_BACKOFF: Duration = CONSUMER_DEFAULTS.minimumBackoff;
export const DEFAULT_MAXIMUM_BACKOFF: Duration = CONSUMER_DEFAULTS.maximumBackoff;

/** The environment variables `uses` sets in the container, by the field that declares them. */
export function usesEnvironment(spec: ServiceSpec): Array<{ name: string; field: string }> {
  const uses = spec.uses;
  if (!isRecord(uses)) return [];
  const out: Array<{ name: string; field: string }> = [];
  if (uses.postgres !== undefined)
    for (const name of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER']) out.push({ name, field: 'uses.postgres' });
  if (uses.redis !== undefined)
    for (const name of ['REDIS_HOST', 'REDIS_PORT', 'REDIS_ADDR', 'REDIS_AUTH', 'REDIS_CA_FILE']) out.push({ name, field: 'uses.redis' });
  const strings = (list: unknown): Array<[string, number]> =>
    Array.isArray(list) ? list.flatMap((v: unknown, i) => (typeof v === 'string' ? [[v, i] as [string, number]] : [])) : [];
  const named = (list: unknown, key: string): Array<[string, number]> =>
    Array.isArray(list) ? strings(list.map((v: unknown) => (isRecord(v) ? v[key] : undefined))) : [];
  for (const [event, i] of strings(uses.publishes)) out.push({ name: `PUBSUB_TOPIC_${envSuffix(event)}`, field: `uses.publishes[${i}]` });
  for (const [event, i] of named(uses.consumes, 'event'))
    out.push({ name: `PUBSUB_SUBSCRIPTION_${envSuffix(event)}`, field: `uses.consumes[${i}].event` });
  for (const [name, i] of named(uses.buckets, 'name')) out.push({ name: `BUCKET_${envSuffix(name)}`, field: `uses.buckets[${i}].name` });
  return out;
}

/** A short name of the service's own (bucket, secret): a DNS-1123 label of at most `max`, unique in its list. */
function checkShortNames(p: ProblemList, field: string, list: unknown, max: number, example: string): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    p.add(field, list, 'must be a list', `write ${field.slice('uses.'.length)}: [{ name: '${example}' }]`);
    return;
  }
  const seen = new Set<string>();
  list.forEach((entry: unknown, i) => {
    if (!isRecord(entry)) {
      p.add(`${field}[${i}]`, entry, 'must be an object', `write { name: '${example}' }`);
      return;
    }
    const name = entry.name;
    if (typeof name !== 'string' || name.length > max || !isDNS1123Label(name)) {
      p.add(
        `${field}[${i}].name`,
        name,
        `must be at most ${max} lower-case letters, digits or "-", starting and ending with a letter or digit`,
        `rename it, e.g. '${example}'`,
      );
    } else if (seen.has(name)) {
      p.add(`${field}[${i}].name`, name, 'is declared twice', 'give each one a distinct name, or remove the duplicate');
    } else {
      seen.add(name);
    }
  });
}

/** A Pub/Sub retry backoff: a duration from 0s to 600s; its milliseconds, or undefined when invalid or absent. */
function checkBackoff(p: ProblemList, field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? durationMs(value as Duration) : Number.NaN;
  if (Number.isNaN(ms)) {
    p.add(field, value, 'is not a duration', "write it as a number and a unit: '10s', '1m'");
    return undefined;
  }
  if (ms > BACKOFF_MAX_MS) {
    p.add(field, value, "is above Pub/Sub's longest backoff, 600s", "use '0s' to '600s' (10m)");
    return undefined;
  }
  return ms;
}

function checkPublishes(p: ProblemList, publishes: unknown): void {
  if (publishes === undefined) return;
  if (!Array.isArray(publishes)) {
    p.add('uses.publishes', publishes, 'must be a list of event names', "write publishes: ['order-placed']");
    return;
  }
  publishes.forEach((event: unknown, i) => {
    if (typeof event !== 'string' || !isDNS1035Label(event)) {
      p.add(
        `uses.publishes[${i}]`,
        event,
        'is not an event name: at most 63 lower-case letters, digits or "-", starting with a letter and ending with a letter or digit',
        "name the event in the past tense, e.g. 'order-placed'",
      );
    } else if (publishes.indexOf(event) !== i) {
      p.add(`uses.publishes[${i}]`, event, 'is listed twice', 'remove the duplicate');
    }
  });
}

function checkConsumes(p: ProblemList, consumes: unknown): void {
  if (consumes === undefined) return;
  if (!Array.isArray(consumes)) {
    p.add('uses.consumes', consumes, 'must be a list', "write consumes: [{ event: 'order-placed' }]");
    return;
  }
  const seen = new Set<string>();
  consumes.forEach((c: unknown, i) => {
    const field = `uses.consumes[${i}]`;
    if (!isRecord(c)) {
      p.add(field, c, 'must be an object', "write { event: 'order-placed' }");
      return;
    }
    if (c.event === undefined) {
      p.missing(`${field}.event`, 'is required', "name the event consumed, e.g. event: 'order-placed'");
    } else if (typeof c.event !== 'string' || !isDNS1035Label(c.event)) {
      p.add(
        `${field}.event`,
        c.event,
        'is not an event name: at most 63 lower-case letters, digits or "-", starting with a letter and ending with a letter or digit',
        "use the name the publisher lists in uses.publishes, e.g. 'order-placed'",
      );
    } else if (seen.has(c.event)) {
      p.add(`${field}.event`, c.event, 'is consumed twice: each consumer has one subscription per event', 'merge the two entries into one');
    } else {
      seen.add(c.event);
    }
    checkInt(p, `${field}.ackDeadlineSeconds`, c.ackDeadlineSeconds, 10, 600, 'use 10 to 600 seconds (Pub/Sub limits), e.g. 30');
    checkInt(p, `${field}.maxDeliveryAttempts`, c.maxDeliveryAttempts, 5, 100, 'use 5 to 100 deliveries (Pub/Sub limits), e.g. 5');
    const min = checkBackoff(p, `${field}.minimumBackoff`, c.minimumBackoff);
    const max = checkBackoff(p, `${field}.maximumBackoff`, c.maximumBackoff);
    const resolvedMin = min ?? (c.minimumBackoff === undefined ? durationMs(DEFAULT_MINIMUM_BACKOFF) : undefined);
    const resolvedMax = max ?? (c.maximumBackoff === undefined ? durationMs(DEFAULT_MAXIMUM_BACKOFF) : undefined);
    if (resolvedMin !== undefined && resolvedMax !== undefined && resolvedMin > resolvedMax) {
      const minText = typeof c.minimumBackoff === 'string' ? c.minimumBackoff : `${DEFAULT_MINIMUM_BACKOFF} (the default)`;
      p.add(
        `${field}.maximumBackoff`,
        c.maximumBackoff ?? DEFAULT_MAXIMUM_BACKOFF,
        `is shorter than minimumBackoff ${minText}`,
        'set maximumBackoff to at least minimumBackoff',
      );
    }
  });
}

/** The spec's `uses`, field by field (the schema reports unknown fields and wrong types). */
export function checkUses(p: ProblemList, spec: ServiceSpec): void {
  const uses = spec.uses;
  if (uses === undefined || !isSection(p, 'uses', uses, "write uses: { postgres: {}, publishes: ['order-placed'] }")) return;
  if (isSection(p, 'uses.postgres', uses.postgres, "write postgres: {} or postgres: { database: 'orders' }")) {
    const database: unknown = uses.postgres?.database;
    if (database !== undefined && (typeof database !== 'string' || !DATABASE_NAME.test(database))) {
      p.add(
        'uses.postgres.database',
        database,
        'is not a database name: at most 63 lower-case letters, digits or "_", starting with a letter',
        "rename it, e.g. 'orders', or leave it out for the service name with '-' as '_'",
      );
    } else if (uses.postgres !== undefined && typeof spec.name === 'string') {
      const resolved = databaseName(spec);
      if (RESERVED_DATABASES.includes(resolved)) {
        p.add(
          database === undefined ? 'uses.postgres' : 'uses.postgres.database',
          resolved,
          'is a database every Cloud SQL for PostgreSQL instance already has',
          "choose another name, e.g. postgres: { database: 'app' }",
        );
      }
    }
  }
  if (isSection(p, 'uses.redis', uses.redis, 'write redis: {} or redis: { sizeGb: 1 }')) {
    checkInt(p, 'uses.redis.sizeGb', uses.redis?.sizeGb, 1, 300, 'use 1 to 300 GiB (Memorystore for Redis limits)');
  }
  checkPublishes(p, uses.publishes);
  checkConsumes(p, uses.consumes);
  checkShortNames(p, 'uses.buckets', uses.buckets, BUCKET_NAME_MAX, 'labels');
  checkShortNames(p, 'uses.secrets', uses.secrets, SECRET_NAME_MAX, 'api-key');
  if (Array.isArray(uses.buckets) && typeof spec.name === 'string') {
    uses.buckets.forEach((b: unknown, i) => {
      const name = isRecord(b) && typeof b.name === 'string' ? b.name : undefined;
      if (name !== undefined && `${spec.name}-${name}`.includes('google')) {
        p.add(
          `uses.buckets[${i}].name`,
          name,
          `makes a bucket name containing "google" ("...-${spec.name}-${name}"), which Cloud Storage refuses`,
          'rename the bucket (or the service) so that "google" does not appear',
        );
      }
    });
  }
  const set = new Set<string>([
    ...Object.keys(isRecord(spec.env) ? spec.env : {}),
    ...Object.keys(isRecord(spec.config?.values) ? spec.config.values : {}),
    ...(Array.isArray(spec.secrets) ? spec.secrets.map((s: { env?: unknown }) => String(s?.env)) : []),
  ]);
  for (const { name, field } of usesEnvironment(spec)) {
    if (set.has(name)) {
      p.add('env', name, `is also set by ${field}`, `remove ${name} from env, config.values and secrets: ${field} provides it`);
    }
  }
}

/** Event names a spec lists, with their index, whatever else is wrong with it. */
function listed(spec: ServiceSpec, key: 'publishes' | 'consumes'): Array<[string, number]> {
  const list: unknown = isRecord(spec.uses) ? spec.uses[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((v: unknown, i) => {
    const event = key === 'publishes' ? v : isRecord(v) ? v.event : undefined;
    return typeof event === 'string' ? [[event, i] as [string, number]] : [];
  });
}

const specsOf = (services: readonly unknown[]): ServiceDefinition[] =>
  services.filter((d): d is ServiceDefinition => isRecord(d) && isRecord(d.spec));

/**
 * The event graph's problems: an event published by two services (a topic has one owner), an
 * event consumed that no service publishes, and two services asking for the same database on
 * the environment's shared Cloud SQL instance. Publishers are indexed once; every entry with a
 * spec counts, so one broken service does not make its consumers' events look unknown.
 */
export function eventProblems(services: readonly unknown[]): Problem[] {
  const problems: Problem[] = [];
  const defs = specsOf(services);
  const publishers = new Map<string, ServiceDefinition>();
  const databases = new Map<string, ServiceDefinition>();
  for (const def of defs) {
    for (const [event, i] of listed(def.spec, 'publishes')) {
      const owner = publishers.get(event);
      if (owner === undefined) {
        publishers.set(event, def);
      } else if (owner !== def) {
        problems.push({
          where: specLocation(def),
          field: `uses.publishes[${i}]`,
          value: event,
          problem: `is already published by ${specLocation(owner)}: a topic has one owner`,
          fix: `publish a distinct event from this service (e.g. '${String(def.spec.name)}-${event}'), or remove it from one of them`,
        });
      }
    }
    if (isRecord(def.spec.uses) && isRecord(def.spec.uses.postgres) && typeof def.spec.name === 'string') {
      const database = databaseName(def.spec);
      const first = databases.get(database);
      if (first === undefined) {
        databases.set(database, def);
      } else {
        problems.push({
          where: specLocation(def),
          field: 'uses.postgres.database',
          value: database,
          problem: `is already the database of ${specLocation(first)} on the environment's Cloud SQL instance`,
          fix: 'give each service a database of its own: set uses.postgres.database to another name',
        });
      }
    }
  }
  const published = [...publishers.keys()].sort();
  for (const def of defs) {
    for (const [event, i] of listed(def.spec, 'consumes')) {
      if (publishers.has(event)) continue;
      const guess = closestMatch(event, published, Math.max(2, Math.min(3, Math.floor(event.length / 3))));
      problems.push({
        where: specLocation(def),
        field: `uses.consumes[${i}].event`,
        value: event,
        problem: 'is published by no service of this catalogue',
        fix:
          guess !== undefined
            ? `did you mean ${guess}?`
            : published.length > 0
              ? `consume one of: ${published.join(', ')}, or add '${event}' to the uses.publishes of the service that emits it`
              : `add '${event}' to the uses.publishes of the service that emits it`,
      });
    }
  }
  return problems;
}

/**
 * What is legal but probably a mistake: an event that no service of the catalogue consumes
 * (its topic would collect messages nobody reads). Reported, never fatal: the CLI prints these
 * and carries on. Same Problem shape as the errors.
 */
export function catalogueWarnings(catalogue: Catalogue): Problem[] {
  if (!isRecord(catalogue) || !Array.isArray(catalogue.services)) return [];
  const defs = specsOf(catalogue.services);
  const consumed = new Set<string>();
  for (const def of defs) for (const [event] of listed(def.spec, 'consumes')) consumed.add(event);
  const warnings: Problem[] = [];
  for (const def of defs) {
    for (const [event, i] of listed(def.spec, 'publishes')) {
      if (consumed.has(event)) continue;
      warnings.push({
        where: specLocation(def),
        field: `uses.publishes[${i}]`,
        value: event,
        problem: 'is consumed by no service of this catalogue',
        fix: `add uses.consumes: [{ event: '${event}' }] to the service that reacts to it, or stop publishing it`,
      });
    }
  }
  return warnings;
}

/** Cloud Storage bucket names are 3-63 characters (without dots, as ours are). */
export const BUCKET_NAME_LENGTH_MAX = 63;

/**
 * Problems of `uses` that depend on the environment: the Memorystore instance id
 * `redisInstanceName(stack, service)` must fit in 40 characters and, when the project is known,
 * each bucket name `bucketName(project, stack, service, name)` in 63.
 */
export function usesEnvironmentProblems(def: ServiceDefinition, stack: string, stackFile: string, project?: string): Problem[] {
  const spec = def.spec;
  if (!isRecord(spec.uses)) return [];
  const problems: Problem[] = [];
  const id = redisInstanceName(stack, spec.name);
  if (spec.uses.redis !== undefined && id.length > REDIS_INSTANCE_ID_MAX) {
    problems.push({
      where: specLocation(def),
      field: 'uses.redis',
      value: id,
      problem: `is the Memorystore instance id in ${stackFile}: ${id.length} characters, and Memorystore allows ${REDIS_INSTANCE_ID_MAX}`,
      fix: `shorten the service name to at most ${REDIS_INSTANCE_ID_MAX - stack.length - 1} characters`,
    });
  }
  if (project !== undefined && Array.isArray(spec.uses.buckets)) {
    spec.uses.buckets.forEach((b, i) => {
      if (!isRecord(b) || typeof b.name !== 'string') return;
      const bucket = bucketName(project, stack, spec.name, b.name);
      if (bucket.length <= BUCKET_NAME_LENGTH_MAX) return;
      problems.push({
        where: specLocation(def),
        field: `uses.buckets[${i}].name`,
        value: bucket,
        problem: `is the bucket's name in ${stackFile}: ${bucket.length} characters, and Cloud Storage allows ${BUCKET_NAME_LENGTH_MAX}`,
        fix: `shorten the bucket or service name by ${bucket.length - BUCKET_NAME_LENGTH_MAX} character${bucket.length - BUCKET_NAME_LENGTH_MAX === 1 ? '' : 's'}`,
      });
    });
  }
  return problems;
}
