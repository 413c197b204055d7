/**
 * What the services' `uses` become as Pulumi resources in a platform stack (the decisions are
 * charts/cloud-plan.ts `appResourcePlan`; this component only wires them): the environment's
 * Cloud SQL for PostgreSQL instance, and per service a database and an IAM database user, a
 * Memorystore for Redis instance (and the Kubernetes Secret with its address, AUTH string and
 * server CA), Pub/Sub topics and subscriptions with dead-letter topics, buckets and Secret Manager
 * secrets, each granted on the resource to the service's own Google service account.
 *
 * Under `platform:appDelivery: configsync` (docs/scaling.md) only the Cloud SQL instance and
 * what Config Connector cannot hand to the pods stay here (the Redis instances and their AUTH
 * Secrets); the rest is Config Connector objects in each app's bundle (charts/config-connector.ts),
 * so the stack does not grow with the services, and the Pub/Sub service agent's grants are the
 * bootstrap stack's, project-wide (infra/config-connector-identity.ts).
 *
 * Preview stacks (`pr-<N>`) create none of this: they have no Google identity, and their
 * pods run without Google access (infra/platform.ts never builds this component for them).
 */
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  appResourcePlan,
  BUCKET_ROLE,
  DEAD_LETTER_RETENTION,
  POSTGRES_VERSION,
  profileSettings,
  PUBLISHER_ROLE,
  pubsubServiceAgent,
  REDIS_VERSION,
  SECRET_ROLE,
  SUBSCRIBER_ROLE,
  type ResourceApp,
} from '../charts/cloud-plan';
import type { EnvironmentConfig } from '../core/config';

export * from '../charts/cloud-plan';
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
  /**
   * `configsync`: Config Connector creates the topics, subscriptions, databases, users, buckets and
   * secrets from the apps' bundles (charts/config-connector.ts); this creates only the Cloud SQL
   * instance and the Redis instances with their Secrets. Default `pulumi`: everything.
   */
  readonly delivery?: 'pulumi' | 'configsync';
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
    const byPulumi = args.delivery !== 'configsync';

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
    const needsAgent = byPulumi && plan.services.some((s) => s.subscriptions.length > 0);
    const agent = needsAgent
      ? gcp.organizations.getProjectOutput({ projectId: project }, { parent: this }).apply((p) => pubsubServiceAgent(p.number))
      : undefined;

    // Topics first, indexed by app namespace and event: a subscription names its publisher's topic.
    const topics = new Map<string, gcp.pubsub.Topic>();
    for (const service of byPulumi ? plan.services : []) {
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
      if (service.database !== undefined && this.sqlInstance !== undefined && byPulumi) {
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
      if (!byPulumi) continue;
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
