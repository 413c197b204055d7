/**
 * What the services' `uses` need in a platform stack, as a pure plan: the environment's Cloud SQL
 * for PostgreSQL instance with a database and an IAM database user per service, a Memorystore for
 * Redis instance per service, Pub/Sub topics and subscriptions with dead-letter topics, buckets
 * and Secret Manager secrets, each granted on the resource to the service's own Google service
 * account (created by the bootstrap stack, infra/workload-accounts.ts); none project-wide.
 *
 * Two deliveries read it: Pulumi resources (infra/app-resources.ts, `platform:appDelivery:
 * pulumi`) and Config Connector objects in each app's Config Sync bundle
 * (charts/config-connector.ts, `configsync`), so both create the same resources under the same
 * names. Names come from services/uses.ts, which synthesis reads too.
 */
import type { EnvironmentConfig } from '../core/config-schema';
import { assertNoProblems, type Problem } from '../core/problems';
import { CONSUMER_DEFAULTS, durationMs } from '../services/defaults';
import type { Catalogue, Duration, EventConsumer } from '../services/spec';
import {
  bucketName,
  databaseName,
  deadLetterTopicId,
  hasUses,
  redisInstanceName,
  redisSecretName,
  secretId,
  sqlInstanceName,
  subscriptionId,
  topicId,
} from '../services/uses';
import { postgresIamUser } from './uses';
import { workloadServiceAccountEmail } from './workload-identity';

/** Publishing to its own topics only (granted on each topic). */
export const PUBLISHER_ROLE = 'roles/pubsub.publisher';
/** Pulling and acknowledging on its own subscriptions only (granted on each subscription). */
export const SUBSCRIBER_ROLE = 'roles/pubsub.subscriber';
/** Reading, writing and deleting objects, without bucket IAM or ACLs (granted on the bucket). */
export const BUCKET_ROLE = 'roles/storage.objectUser';
/** Reading the secret's versions (granted on the secret). */
export const SECRET_ROLE = 'roles/secretmanager.secretAccessor';

/** PostgreSQL major version of the environment's instance. */
export const POSTGRES_VERSION = 'POSTGRES_17';
/** Memorystore for Redis version. */
export const REDIS_VERSION = 'REDIS_7_2';
/** How long a dead-letter subscription keeps a message for someone to look at it (the maximum, 7 days). */
export const DEAD_LETTER_RETENTION = '604800s';

/** Defaults of {@link EventConsumer} (services/defaults.ts). */
export { CONSUMER_DEFAULTS };

/** The Pub/Sub service agent of a project, which forwards messages to dead-letter topics. */
export function pubsubServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;
}

/** A Duration as Pub/Sub's seconds text: `1m` -> `60s`. */
export function pubsubSeconds(duration: Duration): string {
  return `${durationMs(duration) / 1000}s`;
}

export interface SubscriptionPlan {
  readonly event: string;
  readonly subscriptionId: string;
  /** The topic of the event, owned by its publisher. */
  readonly topicId: string;
  readonly deadLetterTopicId: string;
  readonly ackDeadlineSeconds: number;
  readonly maxDeliveryAttempts: number;
  readonly minimumBackoff: string;
  readonly maximumBackoff: string;
}

export interface BucketPlan {
  readonly name: string;
  readonly bucket: string;
}

export interface SecretPlan {
  readonly name: string;
  readonly secretId: string;
}

/** What one service gets. */
export interface ServiceResourcePlan {
  readonly service: string;
  /** Its app's namespace: where the Redis Secret goes, and what scopes its events' topics. */
  readonly namespace: string;
  /** `serviceAccount:<email>` of its Google service account. */
  readonly member: string;
  readonly email: string;
  readonly database?: { readonly name: string; readonly user: string };
  readonly redis?: { readonly instance: string; readonly memorySizeGb: number; readonly secret: string };
  readonly topics: ReadonlyArray<{ readonly event: string; readonly topicId: string }>;
  readonly subscriptions: readonly SubscriptionPlan[];
  readonly buckets: readonly BucketPlan[];
  readonly secrets: readonly SecretPlan[];
}

export interface AppResourcePlan {
  /** The environment's Cloud SQL instance, if any service uses postgres. */
  readonly sqlInstance?: string;
  /** Services with `uses`, app by app in catalogue order. */
  readonly services: readonly ServiceResourcePlan[];
}

type PlanEnvironment = Pick<EnvironmentConfig, 'stack' | 'gcpProject' | 'kind'>;

/** What the plan needs of an app: its namespace (events are scoped by it) and catalogue. */
export interface ResourceApp {
  readonly namespace: string;
  readonly catalogue: Catalogue;
}

function consumerPlan(env: PlanEnvironment, namespace: string, service: string, consumer: EventConsumer): SubscriptionPlan {
  return {
    event: consumer.event,
    subscriptionId: subscriptionId(env.stack, namespace, consumer.event, service),
    topicId: topicId(env.stack, namespace, consumer.event),
    deadLetterTopicId: deadLetterTopicId(env.stack, namespace, consumer.event, service),
    ackDeadlineSeconds: consumer.ackDeadlineSeconds ?? CONSUMER_DEFAULTS.ackDeadlineSeconds,
    maxDeliveryAttempts: consumer.maxDeliveryAttempts ?? CONSUMER_DEFAULTS.maxDeliveryAttempts,
    minimumBackoff: pubsubSeconds(consumer.minimumBackoff ?? CONSUMER_DEFAULTS.minimumBackoff),
    maximumBackoff: pubsubSeconds(consumer.maximumBackoff ?? CONSUMER_DEFAULTS.maximumBackoff),
  };
}

/**
 * The resources the apps' `uses` need in one platform stack: one Cloud SQL instance for the
 * environment, the rest per service. Events are an app's own (topics are scoped by its
 * namespace). Validation of the specs is services/validate.ts's; this still refuses what would
 * make a broken plan (an event consumed that nobody publishes, a bucket name too long), naming
 * the service, field and fix.
 */
export function appResourcePlan(apps: readonly ResourceApp[], env: PlanEnvironment): AppResourcePlan {
  if (env.kind === 'preview')
    throw new Error(
      `${env.stack}: a preview stack provisions no \`uses\` resources (its pods have no Google identity); infra/platform.ts builds AppResources for platform stacks only`,
    );
  const problems: Problem[] = [];
  const services = apps.flatMap(({ namespace, catalogue }) => {
    const published = new Set(catalogue.services.flatMap((d) => d.spec.uses?.publishes ?? []));
    return catalogue.services
      .filter((d) => hasUses(d.spec))
      .map(({ spec, source }): ServiceResourcePlan => {
        const uses = spec.uses ?? {};
        const where = source ?? `service "${spec.name}"`;
        const email = workloadServiceAccountEmail(spec.name, env.stack, env.gcpProject);
        for (const consumer of uses.consumes ?? []) {
          if (!published.has(consumer.event))
            problems.push({
              where,
              field: 'uses.consumes[].event',
              value: consumer.event,
              problem: 'is published by no service of the catalogue',
              fix: `add it to the publishing service's uses.publishes, or remove the consumer`,
            });
        }
        const buckets = (uses.buckets ?? []).map((b) => ({
          name: b.name,
          bucket: bucketName(env.gcpProject, env.stack, spec.name, b.name),
        }));
        for (const b of buckets) {
          if (b.bucket.length > 63)
            problems.push({
              where,
              field: 'uses.buckets[].name',
              value: b.name,
              problem: `makes the bucket name ${b.bucket} longer than Cloud Storage's 63 characters`,
              fix: 'shorten the bucket (or service) name',
            });
        }
        return {
          service: spec.name,
          namespace,
          email,
          member: `serviceAccount:${email}`,
          ...(uses.postgres !== undefined && { database: { name: databaseName(spec), user: postgresIamUser(email) } }),
          ...(uses.redis !== undefined && {
            redis: {
              instance: redisInstanceName(env.stack, spec.name),
              memorySizeGb: uses.redis.sizeGb ?? 1,
              secret: redisSecretName(spec.name),
            },
          }),
          topics: (uses.publishes ?? []).map((event) => ({ event, topicId: topicId(env.stack, namespace, event) })),
          subscriptions: (uses.consumes ?? []).map((c) => consumerPlan(env, namespace, spec.name, c)),
          buckets,
          secrets: (uses.secrets ?? []).map((s) => ({ name: s.name, secretId: secretId(env.stack, spec.name, s.name) })),
        };
      });
  });
  assertNoProblems(problems);
  return {
    ...(services.some((s) => s.database !== undefined) && { sqlInstance: sqlInstanceName(env.stack) }),
    services,
  };
}

/** Whether an app declares anything that becomes a resource (then a platform stack builds {@link AppResources}). */
export function needsAppResources(apps: ReadonlyArray<{ readonly catalogue: Catalogue }>): boolean {
  return apps.some((a) => a.catalogue.services.some((d) => hasUses(d.spec)));
}

/** Settings that differ by profile: production gets high availability, backups with PITR and versioning. */
export function profileSettings(profile: EnvironmentConfig['profile']): {
  sqlAvailability: 'REGIONAL' | 'ZONAL';
  sqlTier: string;
  sqlBackups: boolean;
  redisTier: 'STANDARD_HA' | 'BASIC';
  bucketVersioning: boolean;
} {
  const prod = profile === 'prod';
  return {
    sqlAvailability: prod ? 'REGIONAL' : 'ZONAL',
    // Dedicated-core Enterprise machines: shared-core tiers have no SLA.
    sqlTier: prod ? 'db-custom-2-7680' : 'db-custom-1-3840',
    sqlBackups: prod,
    redisTier: prod ? 'STANDARD_HA' : 'BASIC',
    bucketVersioning: prod,
  };
}
