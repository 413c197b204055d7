import type { Finding, PolicyResource } from '../types';
import type { EnvironmentProfile } from '../../services/spec';
import { managedServiceRules } from './managed-services';
import { describeResourceRules, patch, resource, ruleFindings, type ResourceCase } from './resource-rules.fixture';

// GIVEN the managed services a catalogue's `uses` becomes, hardened and shaped like the mock
// recording of infra/ (ids are `<name>-id`), each rule is run through `evaluate`, the path the
// runners use.

const T = {
  sql: 'gcp:sql/databaseInstance:DatabaseInstance',
  database: 'gcp:sql/database:Database',
  sqlUser: 'gcp:sql/user:User',
  redis: 'gcp:redis/instance:Instance',
  valkey: 'gcp:memorystore/instance:Instance',
  topic: 'gcp:pubsub/topic:Topic',
  subscription: 'gcp:pubsub/subscription:Subscription',
  topicMember: 'gcp:pubsub/topicIAMMember:TopicIAMMember',
  bucket: 'gcp:storage/bucket:Bucket',
  bucketMember: 'gcp:storage/bucketIAMMember:BucketIAMMember',
  bucketBinding: 'gcp:storage/bucketIAMBinding:BucketIAMBinding',
  secret: 'gcp:secretmanager/secret:Secret',
  secretVersion: 'gcp:secretmanager/secretVersion:SecretVersion',
} as const;

const ORDERS = 'serviceAccount:dev-orders@proj.iam.gserviceaccount.com';

/** What the program declares for a saga-like catalogue, reduced to the fields the rules read; every rule accepts it in dev and prod. */
function hardened(): PolicyResource[] {
  return [
    resource(T.sql, 'dev-postgres', {
      name: 'dev-postgres',
      databaseVersion: 'POSTGRES_16',
      deletionProtection: true,
      settings: {
        tier: 'db-custom-1-3840',
        edition: 'ENTERPRISE',
        availabilityType: 'REGIONAL',
        deletionProtectionEnabled: true,
        ipConfiguration: { ipv4Enabled: false, privateNetwork: 'net-vpc-id', sslMode: 'ENCRYPTED_ONLY' },
        databaseFlags: [{ name: 'cloudsql.iam_authentication', value: 'on' }],
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
      },
    }),
    resource(T.database, 'dev-postgres-orders', { instance: 'dev-postgres', name: 'orders' }),
    resource(T.sqlUser, 'dev-postgres-orders-user', {
      instance: 'dev-postgres',
      name: 'dev-orders@proj.iam',
      type: 'CLOUD_IAM_SERVICE_ACCOUNT',
    }),
    resource(T.redis, 'dev-cart', {
      name: 'dev-cart',
      authEnabled: true,
      transitEncryptionMode: 'SERVER_AUTHENTICATION',
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      authorizedNetwork: 'net-vpc-id',
    }),
    resource(T.topic, 'order-placed', { name: 'dev.shop.order-placed' }),
    resource(T.topic, 'order-placed-payment-dlq', { name: 'dev.shop.order-placed.payment.dead-letter' }),
    resource(T.subscription, 'order-placed-payment', {
      name: 'dev.shop.order-placed.payment',
      topic: 'order-placed-id',
      ackDeadlineSeconds: 30,
      deadLetterPolicy: { deadLetterTopic: 'order-placed-payment-dlq-id', maxDeliveryAttempts: 5 },
      retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
    }),
    // Keeps the dead letters: it reads a dead-letter topic, so it needs neither a dead-letter topic nor a retry policy.
    resource(T.subscription, 'order-placed-payment-dlq-sub', {
      name: 'dev.shop.order-placed.payment.dead-letter',
      topic: 'order-placed-payment-dlq-id',
      messageRetentionDuration: '604800s',
    }),
    resource(T.topicMember, 'order-placed-publisher', { topic: 'order-placed-id', role: 'roles/pubsub.publisher', member: ORDERS }),
    resource(T.bucket, 'orders-invoices', {
      name: 'proj-dev-orders-invoices',
      location: 'EU',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
    }),
    resource(T.bucketMember, 'orders-invoices-user', { bucket: 'orders-invoices-id', role: 'roles/storage.objectUser', member: ORDERS }),
    resource(T.secret, 'orders-api-key', { secretId: 'dev-orders-api-key', replication: { auto: {} } }),
  ];
}

/** The hardened stack with fields of one resource changed (dotted paths; undefined deletes). */
function patched(name: string, changes: Record<string, unknown>, resources = hardened()): PolicyResource[] {
  return patch(resources, name, changes);
}

function withExtra(...extra: PolicyResource[]): PolicyResource[] {
  return [...hardened(), ...extra];
}

function without(name: string): PolicyResource[] {
  return hardened().filter((r) => r.name !== name);
}

function findings(ruleId: string, resources: readonly PolicyResource[], profile: EnvironmentProfile = 'dev'): Finding[] {
  return ruleFindings(managedServiceRules, ruleId, resources, profile);
}

type Case = ResourceCase;

const rejected: Case[] = [
  {
    rule: 'GK12-sql-no-public-ip',
    what: 'an instance with a public IP',
    resources: patched('dev-postgres', { 'settings.ipConfiguration.ipv4Enabled': true }),
    expected: [
      {
        object: 'dev-postgres',
        message: 'settings.ipConfiguration.ipv4Enabled is true: only false keeps the instance off the internet (no public IP address)',
      },
    ],
  },
  {
    rule: 'GK12-sql-no-public-ip',
    what: 'an instance that leaves ipv4Enabled unset',
    resources: patched('dev-postgres', { 'settings.ipConfiguration.ipv4Enabled': undefined }),
    expected: [
      {
        object: 'dev-postgres',
        message: 'settings.ipConfiguration.ipv4Enabled is not set: only false keeps the instance off the internet (no public IP address)',
      },
    ],
  },
  {
    rule: 'GK12-sql-private-network',
    what: 'an instance without a private network',
    resources: patched('dev-postgres', { 'settings.ipConfiguration.privateNetwork': undefined }),
    expected: [
      { object: 'dev-postgres', message: 'settings.ipConfiguration.privateNetwork is not set: the instance has no private IP in the VPC' },
    ],
  },
  {
    rule: 'GK12-sql-iam-authentication',
    what: 'a PostgreSQL instance without database flags',
    resources: patched('dev-postgres', { 'settings.databaseFlags': undefined }),
    expected: [
      {
        object: 'dev-postgres',
        message:
          'settings.databaseFlags cloudsql.iam_authentication is not set on "POSTGRES_16": IAM users cannot log in, so passwords are needed',
      },
    ],
  },
  {
    rule: 'GK12-sql-iam-authentication',
    what: 'the flag turned off',
    resources: patched('dev-postgres', { 'settings.databaseFlags': [{ name: 'cloudsql.iam_authentication', value: 'off' }] }),
    expected: [
      {
        object: 'dev-postgres',
        message:
          'settings.databaseFlags cloudsql.iam_authentication is "off" on "POSTGRES_16": IAM users cannot log in, so passwords are needed',
      },
    ],
  },
  {
    rule: 'GK12-sql-iam-authentication',
    what: "a MySQL instance with PostgreSQL's flag name",
    resources: patched('dev-postgres', { databaseVersion: 'MYSQL_8_0' }),
    expected: [
      {
        object: 'dev-postgres',
        message:
          'settings.databaseFlags cloudsql_iam_authentication is not set on "MYSQL_8_0": IAM users cannot log in, so passwords are needed',
      },
    ],
  },
  {
    rule: 'GK12-sql-encrypted-connections',
    what: 'an instance that accepts unencrypted connections (the default)',
    resources: patched('dev-postgres', { 'settings.ipConfiguration.sslMode': undefined }),
    expected: [
      {
        object: 'dev-postgres',
        message:
          'settings.ipConfiguration.sslMode is not set and settings.connectorEnforcement is not set: clients may connect without TLS',
      },
    ],
  },
  {
    rule: 'GK12-sql-encrypted-connections',
    what: 'sslMode ALLOW_UNENCRYPTED_AND_ENCRYPTED with connectors optional',
    resources: patched('dev-postgres', {
      'settings.ipConfiguration.sslMode': 'ALLOW_UNENCRYPTED_AND_ENCRYPTED',
      'settings.connectorEnforcement': 'NOT_REQUIRED',
    }),
    expected: [
      {
        object: 'dev-postgres',
        message:
          'settings.ipConfiguration.sslMode is "ALLOW_UNENCRYPTED_AND_ENCRYPTED" and settings.connectorEnforcement is "NOT_REQUIRED": clients may connect without TLS',
      },
    ],
  },
  {
    rule: 'GK12-sql-iam-users',
    what: 'a built-in user with a password',
    resources: withExtra(resource(T.sqlUser, 'dev-postgres-admin', { instance: 'dev-postgres', name: 'admin', password: 'generated' })),
    expected: [
      {
        object: 'dev-postgres-admin',
        message: "type is not set (the engine's built-in password user by default): users must log in with IAM",
      },
      { object: 'dev-postgres-admin', message: 'password is set: the password is in the program and its state' },
    ],
  },
  {
    rule: 'GK12-sql-iam-users',
    what: 'an explicit BUILT_IN user with a write-only password',
    resources: withExtra(
      resource(T.sqlUser, 'dev-postgres-admin', { instance: 'dev-postgres', name: 'admin', type: 'BUILT_IN', passwordWo: 'generated' }),
    ),
    expected: [
      { object: 'dev-postgres-admin', message: 'type is "BUILT_IN": users must log in with IAM' },
      { object: 'dev-postgres-admin', message: 'passwordWo is set: the password is in the program and its state' },
    ],
  },
  {
    rule: 'GK12-sql-prod-deletion-protection',
    what: 'a prod instance without either protection',
    resources: patched('dev-postgres', { deletionProtection: false, 'settings.deletionProtectionEnabled': undefined }),
    profile: 'prod',
    expected: [
      { object: 'dev-postgres', message: 'deletionProtection is false: `pulumi destroy` or a replacement deletes the instance' },
      {
        object: 'dev-postgres',
        message:
          'settings.deletionProtectionEnabled is not set: prod requires true (the API, gcloud and the console can delete the instance)',
      },
    ],
  },
  {
    rule: 'GK12-sql-prod-backups',
    what: 'a prod instance without backups',
    resources: patched('dev-postgres', { 'settings.backupConfiguration': undefined }),
    profile: 'prod',
    expected: [
      { object: 'dev-postgres', message: 'settings.backupConfiguration.enabled is not set: prod requires automated backups' },
      {
        object: 'dev-postgres',
        message: 'settings.backupConfiguration.pointInTimeRecoveryEnabled is not set: prod requires point-in-time recovery',
      },
    ],
  },
  {
    rule: 'GK12-sql-prod-backups',
    what: 'prod backups without point-in-time recovery',
    resources: patched('dev-postgres', { 'settings.backupConfiguration.pointInTimeRecoveryEnabled': false }),
    profile: 'prod',
    expected: [
      {
        object: 'dev-postgres',
        message: 'settings.backupConfiguration.pointInTimeRecoveryEnabled is false: prod requires point-in-time recovery',
      },
    ],
  },
  {
    rule: 'GK12-sql-prod-high-availability',
    what: 'a zonal prod instance',
    resources: patched('dev-postgres', { 'settings.availabilityType': 'ZONAL' }),
    profile: 'prod',
    expected: [
      { object: 'dev-postgres', message: 'settings.availabilityType is "ZONAL": prod requires REGIONAL, a standby in another zone' },
    ],
  },
  {
    rule: 'GK13-redis-auth',
    what: 'a Redis instance without AUTH',
    resources: patched('dev-cart', { authEnabled: undefined }),
    expected: [{ object: 'dev-cart', message: 'authEnabled is not set (false by default): any client in the VPC can connect' }],
  },
  {
    rule: 'GK13-redis-auth',
    what: 'a Valkey instance with authorization disabled',
    resources: withExtra(
      resource(T.valkey, 'dev-cache', { authorizationMode: 'AUTH_DISABLED', transitEncryptionMode: 'SERVER_AUTHENTICATION' }),
    ),
    expected: [
      {
        object: 'dev-cache',
        message: 'authorizationMode is "AUTH_DISABLED": IAM_AUTH required, else any client in the VPC can connect',
      },
    ],
  },
  {
    rule: 'GK13-redis-transit-encryption',
    what: 'a Redis instance with TLS disabled',
    resources: patched('dev-cart', { transitEncryptionMode: 'DISABLED' }),
    expected: [
      {
        object: 'dev-cart',
        message: 'transitEncryptionMode is "DISABLED" (disabled by default): traffic and the AUTH string are in clear text',
      },
    ],
  },
  {
    rule: 'GK13-redis-transit-encryption',
    what: 'a Valkey instance without transit encryption',
    resources: withExtra(resource(T.valkey, 'dev-cache', { authorizationMode: 'IAM_AUTH' })),
    expected: [
      {
        object: 'dev-cache',
        message: 'transitEncryptionMode is not set (disabled by default): traffic and the AUTH string are in clear text',
      },
    ],
  },
  {
    rule: 'GK13-redis-private-service-access',
    what: 'a Redis instance on direct peering (the default)',
    resources: patched('dev-cart', { connectMode: undefined }),
    expected: [{ object: 'dev-cart', message: 'connectMode is not set (DIRECT_PEERING by default): PRIVATE_SERVICE_ACCESS recommended' }],
  },
  {
    rule: 'GK14-subscription-dead-letter',
    what: 'a subscription without a dead-letter policy (its former dead-letter topic is then an ordinary topic)',
    resources: patched('order-placed-payment', { deadLetterPolicy: undefined }),
    expected: [
      {
        object: 'order-placed-payment',
        message:
          'deadLetterPolicy.deadLetterTopic is not set on the subscription to "order-placed-id": undeliverable messages are retried until they expire',
      },
      {
        object: 'order-placed-payment-dlq-sub',
        message:
          'deadLetterPolicy.deadLetterTopic is not set on the subscription to "order-placed-payment-dlq-id": undeliverable messages are retried until they expire',
      },
    ],
  },
  {
    rule: 'GK14-subscription-dead-letter',
    what: 'a subscription on a topic that is a dead-letter topic of no subscription',
    resources: withExtra(
      resource(T.subscription, 'order-placed-audit', { topic: 'order-placed-id', retryPolicy: { minimumBackoff: '10s' } }),
    ),
    expected: [
      {
        object: 'order-placed-audit',
        message:
          'deadLetterPolicy.deadLetterTopic is not set on the subscription to "order-placed-id": undeliverable messages are retried until they expire',
      },
    ],
  },
  {
    rule: 'GK14-dead-letters-kept',
    what: 'a dead-letter topic nobody subscribes to',
    resources: without('order-placed-payment-dlq-sub'),
    expected: [
      {
        object: 'order-placed-payment-dlq',
        message: 'is a dead-letter topic with no subscription: the messages it receives are dropped',
      },
    ],
  },
  {
    rule: 'GK14-subscription-retry-policy',
    what: 'a subscription without a retry policy',
    resources: patched('order-placed-payment', { retryPolicy: undefined }),
    expected: [
      {
        object: 'order-placed-payment',
        message: 'retryPolicy is not set on the subscription to "order-placed-id": failed messages are redelivered as soon as possible',
      },
    ],
  },
  {
    rule: 'GK14-subscription-retry-policy',
    what: 'a subscription on a topic that is no longer a dead-letter topic',
    resources: patched('order-placed-payment', { 'deadLetterPolicy.deadLetterTopic': 'projects/other/topics/dead-letters' }),
    expected: [
      {
        object: 'order-placed-payment-dlq-sub',
        message:
          'retryPolicy is not set on the subscription to "order-placed-payment-dlq-id": failed messages are redelivered as soon as possible',
      },
    ],
  },
  {
    rule: 'GK15-bucket-uniform-access',
    what: 'a bucket with fine-grained ACLs',
    resources: patched('orders-invoices', { uniformBucketLevelAccess: false }),
    expected: [{ object: 'orders-invoices', message: 'uniformBucketLevelAccess is false: object ACLs can grant access outside IAM' }],
  },
  {
    rule: 'GK15-bucket-public-access-prevention',
    what: 'a bucket that leaves public access prevention to the organization',
    resources: patched('orders-invoices', { publicAccessPrevention: 'inherited' }),
    expected: [
      {
        object: 'orders-invoices',
        message: 'publicAccessPrevention is "inherited" ("inherited" by default): the bucket can be made public',
      },
    ],
  },
  {
    rule: 'GK15-bucket-public-access-prevention',
    what: 'a bucket without the field',
    resources: patched('orders-invoices', { publicAccessPrevention: undefined }),
    expected: [
      { object: 'orders-invoices', message: 'publicAccessPrevention is not set ("inherited" by default): the bucket can be made public' },
    ],
  },
  {
    rule: 'GK15-bucket-not-public',
    what: 'a bucket readable by everyone and writable by every Google account',
    resources: withExtra(
      resource(T.bucketMember, 'orders-invoices-public', {
        bucket: 'orders-invoices-id',
        role: 'roles/storage.objectViewer',
        member: 'allUsers',
      }),
      resource(T.bucketBinding, 'orders-invoices-writers', {
        bucket: 'orders-invoices-id',
        role: 'roles/storage.objectCreator',
        members: [ORDERS, 'allAuthenticatedUsers'],
      }),
    ),
    expected: [
      { object: 'orders-invoices-public', message: 'grants roles/storage.objectViewer on bucket "orders-invoices-id" to allUsers' },
      {
        object: 'orders-invoices-writers',
        message: 'grants roles/storage.objectCreator on bucket "orders-invoices-id" to allAuthenticatedUsers',
      },
    ],
  },
  {
    rule: 'GK15-bucket-prod-versioning',
    what: 'a prod bucket without versioning',
    resources: patched('orders-invoices', { versioning: undefined }),
    profile: 'prod',
    expected: [{ object: 'orders-invoices', message: 'versioning.enabled is not set: overwritten and deleted objects cannot be restored' }],
  },
  {
    rule: 'GK16-secret-replication',
    what: 'a secret without replication',
    resources: patched('orders-api-key', { replication: undefined }),
    expected: [{ object: 'orders-api-key', message: 'replication is not set: neither auto nor userManaged replicas' }],
  },
  {
    rule: 'GK16-secret-replication',
    what: 'user-managed replication without replicas',
    resources: patched('orders-api-key', { replication: { userManaged: { replicas: [] } } }),
    expected: [
      { object: 'orders-api-key', message: 'replication is {"userManaged":{"replicas":[]}}: neither auto nor userManaged replicas' },
    ],
  },
  {
    rule: 'GK16-no-secret-data',
    what: 'a secret version with its value in the program',
    resources: withExtra(resource(T.secretVersion, 'orders-api-key-v1', { secret: 'orders-api-key-id', secretData: '[secret]' })),
    expected: [
      {
        object: 'orders-api-key-v1',
        message: 'is a version of secret "orders-api-key-id" with secretData set: the value comes from the program',
      },
    ],
  },
  {
    rule: 'GK16-no-secret-data',
    what: 'a write-only secret version (kept out of the state, still in the program)',
    resources: withExtra(
      resource(T.secretVersion, 'orders-api-key-v1', { secret: 'orders-api-key-id', secretDataWo: '[secret]', secretDataWoVersion: 1 }),
    ),
    expected: [
      {
        object: 'orders-api-key-v1',
        message: 'is a version of secret "orders-api-key-id" with secretDataWo set: the value comes from the program',
      },
    ],
  },
];

const accepted: Case[] = [
  {
    rule: 'GK12-sql-encrypted-connections',
    what: 'connectors required instead of sslMode',
    resources: patched('dev-postgres', { 'settings.ipConfiguration.sslMode': undefined, 'settings.connectorEnforcement': 'REQUIRED' }),
    expected: [],
  },
  {
    rule: 'GK12-sql-encrypted-connections',
    what: 'client certificates required',
    resources: patched('dev-postgres', { 'settings.ipConfiguration.sslMode': 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' }),
    expected: [],
  },
  {
    rule: 'GK12-sql-iam-authentication',
    what: 'a SQL Server instance (no such flag)',
    resources: patched('dev-postgres', { databaseVersion: 'SQLSERVER_2022_STANDARD', 'settings.databaseFlags': undefined }),
    expected: [],
  },
  {
    rule: 'GK12-sql-iam-authentication',
    what: 'a MySQL instance with its own flag name',
    resources: patched('dev-postgres', {
      databaseVersion: 'MYSQL_8_0',
      'settings.databaseFlags': [{ name: 'cloudsql_iam_authentication', value: 'on' }],
    }),
    expected: [],
  },
  {
    rule: 'GK12-sql-prod-deletion-protection',
    what: 'deletionProtection left unset (true by default) in prod',
    resources: patched('dev-postgres', { deletionProtection: undefined }),
    profile: 'prod',
    expected: [],
  },
  {
    rule: 'GK12-sql-prod-deletion-protection',
    what: 'a dev instance without protection',
    resources: patched('dev-postgres', { deletionProtection: false, 'settings.deletionProtectionEnabled': false }),
    expected: [],
  },
  {
    rule: 'GK12-sql-prod-backups',
    what: 'a dev instance without backups',
    resources: patched('dev-postgres', { 'settings.backupConfiguration': undefined }),
    expected: [],
  },
  {
    rule: 'GK12-sql-prod-backups',
    what: 'a prod MySQL instance with backups (point-in-time recovery is binary logs there)',
    resources: patched('dev-postgres', {
      databaseVersion: 'MYSQL_8_0',
      'settings.backupConfiguration.pointInTimeRecoveryEnabled': undefined,
    }),
    profile: 'prod',
    expected: [],
  },
  {
    rule: 'GK12-sql-prod-high-availability',
    what: 'a zonal dev instance',
    resources: patched('dev-postgres', { 'settings.availabilityType': 'ZONAL' }),
    expected: [],
  },
  {
    rule: 'GK12-sql-iam-users',
    what: 'an IAM group user',
    resources: patched('dev-postgres-orders-user', { type: 'CLOUD_IAM_GROUP' }),
    expected: [],
  },
  {
    rule: 'GK13-redis-auth',
    what: 'a Valkey instance with IAM authorization',
    resources: withExtra(
      resource(T.valkey, 'dev-cache', { authorizationMode: 'IAM_AUTH', transitEncryptionMode: 'SERVER_AUTHENTICATION' }),
    ),
    expected: [],
  },
  {
    rule: 'GK13-redis-private-service-access',
    what: 'a Valkey instance (Private Service Connect, no connectMode)',
    resources: withExtra(
      resource(T.valkey, 'dev-cache', { authorizationMode: 'IAM_AUTH', transitEncryptionMode: 'SERVER_AUTHENTICATION' }),
    ),
    expected: [],
  },
  {
    rule: 'GK14-subscription-dead-letter',
    what: 'a subscription on a dead-letter topic outside the stack, named by its path',
    resources: withExtra(
      resource(T.subscription, 'shared-dlq-a', {
        topic: 'orders-sub-a',
        deadLetterPolicy: { deadLetterTopic: 'projects/proj/topics/shared-dead-letter' },
      }),
      resource(T.subscription, 'shared-dlq-reader', { topic: 'projects/proj/topics/shared-dead-letter' }),
    ),
    expected: [],
  },
  {
    rule: 'GK14-subscription-dead-letter',
    what: 'a dead-letter topic referred to by its physical name in a full path (as under CrossGuard)',
    resources: patched('order-placed-payment', {
      'deadLetterPolicy.deadLetterTopic': 'projects/proj/topics/dev.shop.order-placed.payment.dead-letter',
    }),
    expected: [],
  },
  {
    rule: 'GK14-dead-letters-kept',
    what: 'a dead-letter topic outside the stack',
    resources: patched('order-placed-payment', { 'deadLetterPolicy.deadLetterTopic': 'projects/other/topics/dead-letters' }),
    expected: [],
  },
  {
    rule: 'GK15-bucket-prod-versioning',
    what: 'a dev bucket without versioning',
    resources: patched('orders-invoices', { versioning: undefined }),
    expected: [],
  },
  {
    rule: 'GK15-bucket-not-public',
    what: 'public grants on something else than a bucket (another rule judges those)',
    resources: withExtra(
      resource(T.topicMember, 'public-topic', { topic: 'order-placed-id', role: 'roles/pubsub.subscriber', member: 'allUsers' }),
    ),
    expected: [],
  },
  {
    rule: 'GK16-secret-replication',
    what: 'user-managed replication with a replica',
    resources: patched('orders-api-key', { replication: { userManaged: { replicas: [{ location: 'europe-west1' }] } } }),
    expected: [],
  },
];

describeResourceRules('managed service rules', {
  rules: managedServiceRules,
  hardened,
  rejected,
  accepted,
  advisory: [
    'GK13-redis-private-service-access',
    'GK14-dead-letters-kept',
    'GK14-subscription-retry-policy',
    'GK15-bucket-prod-versioning',
  ],
});

describe('managed service rules: more', () => {
  it('reports nothing on a stack without managed services', () => {
    for (const rule of managedServiceRules) expect([rule.id, findings(rule.id, [], 'prod')]).toEqual([rule.id, []]);
  });
});
