/**
 * What the services' `uses` become in a platform stack: the environment's Cloud SQL for
 * PostgreSQL instance with a database and an IAM database user per service, a Memorystore
 * for Redis instance per service (and the Kubernetes Secret with its address, AUTH string
 * and server CA), Pub/Sub topics and subscriptions with dead-letter topics, buckets and
 * Secret Manager secrets. Every grant is IAM on the resource, to the service's own Google
 * service account (created by the bootstrap stack, infra/workload-accounts.ts); none is
 * project-wide.
 *
 * Preview stacks (`pr-<N>`) create none of this: they have no Google identity, and their
 * pods run without Google access (infra/platform.ts never builds this component for them).
 *
 * Names come from services/uses.ts, which synthesis reads too, so manifests and resources
 * agree. The decisions are the pure {@link appResourcePlan}; the component only wires it.
 */
import { postgresIamUser } from '../charts/uses';
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { EnvironmentConfig } from '../core/config';
import { assertNoProblems, type Problem } from '../core/problems';
import { workloadServiceAccountEmail } from '../charts/workload-identity';
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

export interface AppResourcesArgs {
  readonly config: Pick<EnvironmentConfig, 'stack' | 'kind' | 'gcpProject' | 'gcpRegion' | 'profile' | 'deletionProtection'>;
  /** The stack's apps (services/apps.ts `LoadedApp` fits). */
  readonly apps: readonly ResourceApp[];
  /** The VPC (its id): Cloud SQL's private network and Memorystore's authorized network. */
  readonly network: pulumi.Input<string>;
  /** The allocated range of private services access (its name), where the private IPs come from. */
  readonly privateServicesRange: pulumi.Input<string>;
  /** The servicenetworking peering; Cloud SQL and Memorystore cannot be created before it. */
  readonly privateServicesConnection: pulumi.Resource;
  /** The cluster's provider, for the Kubernetes Secrets with the Redis credentials. */
  readonly provider: k8s.Provider;
  /** What must exist before those Secrets: the apps' namespaces. */
  readonly after: readonly pulumi.Resource[];
}

/** Another cluster of the stack (a further region's) that needs the Redis credentials too. */
export interface SecretsCluster {
  /** Appended to the Secrets' resource names (`-<region>`). */
  readonly suffix: string;
  readonly provider: k8s.Provider;
  /** What must exist before those Secrets: the apps' namespaces in that cluster. */
  readonly after: readonly pulumi.Resource[];
}

interface RedisSecretSpec {
  readonly resourceName: string;
  readonly args: k8s.core.v1.SecretArgs;
}

export class AppResources extends pulumi.ComponentResource {
  /** The Kubernetes Secrets of the Redis credentials, which the apps' Deployments wait for. */
  readonly redisSecrets: readonly k8s.core.v1.Secret[];
  private readonly redisSecretSpecs: RedisSecretSpec[] = [];
  readonly sqlInstance?: gcp.sql.DatabaseInstance;

  constructor(name: string, args: AppResourcesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:apps:AppResources', name, {}, opts);
    const { config } = args;
    const plan = appResourcePlan(args.apps, config);
    const settings = profileSettings(config.profile);
    const project = config.gcpProject;
    const child = { parent: this };
    const afterPeering = { parent: this, dependsOn: [args.privateServicesConnection] };

    if (plan.sqlInstance !== undefined) {
      this.sqlInstance = new gcp.sql.DatabaseInstance(
        `${name}-postgres`,
        {
          name: plan.sqlInstance,
          project,
          region: config.gcpRegion,
          databaseVersion: POSTGRES_VERSION,
          deletionProtection: config.deletionProtection,
          settings: {
            edition: 'ENTERPRISE',
            tier: settings.sqlTier,
            availabilityType: settings.sqlAvailability,
            // Google-side protection too, so no API call (console, gcloud) can delete it in prod.
            deletionProtectionEnabled: config.deletionProtection,
            ipConfiguration: {
              // Private IP only: reached through the Cloud SQL Auth Proxy sidecar, never from the internet.
              ipv4Enabled: false,
              privateNetwork: args.network,
              allocatedIpRange: args.privateServicesRange,
              sslMode: 'ENCRYPTED_ONLY',
            },
            // IAM database authentication: services log in as their Google service account, no password.
            databaseFlags: [{ name: 'cloudsql.iam_authentication', value: 'on' }],
            backupConfiguration: settings.sqlBackups
              ? {
                  enabled: true,
                  pointInTimeRecoveryEnabled: true,
                  transactionLogRetentionDays: 7,
                  startTime: '01:00',
                  backupRetentionSettings: { retainedBackups: 14, retentionUnit: 'COUNT' },
                }
              : { enabled: false },
          },
        },
        afterPeering,
      );
    }

    // The Pub/Sub service agent forwards undeliverable messages: it needs publisher on each
    // dead-letter topic and subscriber on each source subscription.
    const needsAgent = plan.services.some((s) => s.subscriptions.length > 0);
    const agent = needsAgent
      ? gcp.organizations.getProjectOutput({ projectId: project }, { parent: this }).apply((p) => pubsubServiceAgent(p.number))
      : undefined;

    // Topics first, indexed by app namespace and event: a subscription names its publisher's topic.
    const topics = new Map<string, gcp.pubsub.Topic>();
    for (const service of plan.services) {
      for (const t of service.topics) {
        const topic = new gcp.pubsub.Topic(`${name}-${service.service}-topic-${t.event}`, { name: t.topicId, project }, child);
        topics.set(`${service.namespace}/${t.event}`, topic);
        new gcp.pubsub.TopicIAMMember(
          `${name}-${service.service}-topic-${t.event}-publisher`,
          { project, topic: topic.name, role: PUBLISHER_ROLE, member: service.member },
          child,
        );
      }
    }

    const redisSecrets: k8s.core.v1.Secret[] = [];
    for (const service of plan.services) {
      const prefix = `${name}-${service.service}`;
      if (service.database !== undefined && this.sqlInstance !== undefined) {
        new gcp.sql.Database(`${prefix}-database`, { name: service.database.name, instance: this.sqlInstance.name, project }, child);
        new gcp.sql.User(
          `${prefix}-database-user`,
          { name: service.database.user, instance: this.sqlInstance.name, project, type: 'CLOUD_IAM_SERVICE_ACCOUNT' },
          child,
        );
      }
      if (service.redis !== undefined) {
        const redis = new gcp.redis.Instance(
          `${prefix}-redis`,
          {
            name: service.redis.instance,
            project,
            region: config.gcpRegion,
            tier: settings.redisTier,
            memorySizeGb: service.redis.memorySizeGb,
            redisVersion: REDIS_VERSION,
            authorizedNetwork: args.network,
            // Its /29 (or /28 for STANDARD_HA) comes from the peering's allocated ranges: ours only.
            connectMode: 'PRIVATE_SERVICE_ACCESS',
            authEnabled: true,
            transitEncryptionMode: 'SERVER_AUTHENTICATION',
          },
          afterPeering,
        );
        const spec: RedisSecretSpec = {
          resourceName: `${prefix}-redis-secret`,
          args: {
            metadata: { name: service.redis.secret, namespace: service.namespace },
            type: 'Opaque',
            stringData: {
              host: redis.host,
              auth: pulumi.secret(redis.authString),
              'server-ca.pem': redis.serverCaCerts.apply((certs) => certs[0]?.cert ?? ''),
            },
          },
        };
        this.redisSecretSpecs.push(spec);
        redisSecrets.push(
          new k8s.core.v1.Secret(spec.resourceName, spec.args, { parent: this, provider: args.provider, dependsOn: [...args.after] }),
        );
      }
      for (const s of service.subscriptions) {
        const source = topics.get(`${service.namespace}/${s.event}`);
        if (source === undefined) continue; // unreachable: appResourcePlan refused it
        const deadLetter = new gcp.pubsub.Topic(`${prefix}-dead-letter-${s.event}`, { name: s.deadLetterTopicId, project }, child);
        // Messages published to a topic without subscriptions are lost: keep them for a week.
        new gcp.pubsub.Subscription(
          `${prefix}-dead-letter-${s.event}`,
          {
            name: s.deadLetterTopicId,
            project,
            topic: deadLetter.id,
            messageRetentionDuration: DEAD_LETTER_RETENTION,
            expirationPolicy: { ttl: '' },
          },
          child,
        );
        const subscription = new gcp.pubsub.Subscription(
          `${prefix}-subscription-${s.event}`,
          {
            name: s.subscriptionId,
            project,
            topic: source.id,
            ackDeadlineSeconds: s.ackDeadlineSeconds,
            retryPolicy: { minimumBackoff: s.minimumBackoff, maximumBackoff: s.maximumBackoff },
            deadLetterPolicy: { deadLetterTopic: deadLetter.id, maxDeliveryAttempts: s.maxDeliveryAttempts },
            // The default expires a subscription after 31 days without subscribers: never.
            expirationPolicy: { ttl: '' },
          },
          child,
        );
        new gcp.pubsub.SubscriptionIAMMember(
          `${prefix}-subscription-${s.event}-subscriber`,
          { project, subscription: subscription.name, role: SUBSCRIBER_ROLE, member: service.member },
          child,
        );
        if (agent !== undefined) {
          new gcp.pubsub.TopicIAMMember(
            `${prefix}-dead-letter-${s.event}-agent-publisher`,
            { project, topic: deadLetter.name, role: PUBLISHER_ROLE, member: agent },
            child,
          );
          new gcp.pubsub.SubscriptionIAMMember(
            `${prefix}-subscription-${s.event}-agent-subscriber`,
            { project, subscription: subscription.name, role: SUBSCRIBER_ROLE, member: agent },
            child,
          );
        }
      }
      for (const b of service.buckets) {
        const bucket = new gcp.storage.Bucket(
          `${prefix}-bucket-${b.name}`,
          {
            name: b.bucket,
            project,
            location: config.gcpRegion,
            uniformBucketLevelAccess: true,
            publicAccessPrevention: 'enforced',
            versioning: { enabled: settings.bucketVersioning },
            // Never deleted with its objects: a destroy fails until someone empties it on purpose.
            forceDestroy: false,
          },
          child,
        );
        new gcp.storage.BucketIAMMember(
          `${prefix}-bucket-${b.name}-user`,
          { bucket: bucket.name, role: BUCKET_ROLE, member: service.member },
          child,
        );
      }
      for (const s of service.secrets) {
        // Created empty: the value is added outside the repo (`gcloud secrets versions add`).
        const secret = new gcp.secretmanager.Secret(
          `${prefix}-secret-${s.name}`,
          { secretId: s.secretId, project, replication: { auto: {} } },
          child,
        );
        new gcp.secretmanager.SecretIamMember(
          `${prefix}-secret-${s.name}-accessor`,
          { project, secretId: secret.secretId, role: SECRET_ROLE, member: service.member },
          child,
        );
      }
    }
    this.redisSecrets = redisSecrets;
    this.registerOutputs({});
  }

  /**
   * The same Redis credentials in another cluster of the stack (a further region's, whose pods
   * reach the primary region's instances over the VPC): the Secrets its apps' Deployments wait for.
   */
  redisSecretsIn(cluster: SecretsCluster): k8s.core.v1.Secret[] {
    return this.redisSecretSpecs.map(
      (spec) =>
        new k8s.core.v1.Secret(`${spec.resourceName}${cluster.suffix}`, spec.args, {
          parent: this,
          provider: cluster.provider,
          dependsOn: [...cluster.after],
        }),
    );
  }
}
