/**
 * Rules on the managed Google Cloud services a ServiceSpec's `uses` becomes, checked on the
 * Pulumi resources: Cloud SQL (GK12), Memorystore (GK13), Pub/Sub (GK14), Cloud Storage
 * (GK15) and Secret Manager (GK16).
 *
 * Field names and values are those of `@pulumi/gcp`'s type definitions (the pinned provider):
 * `settings.ipConfiguration.{ipv4Enabled,privateNetwork,sslMode}`, `settings.connectorEnforcement`,
 * `settings.databaseFlags[].{name,value}`, `settings.backupConfiguration.{enabled,pointInTimeRecoveryEnabled}`,
 * `settings.availabilityType`, `settings.deletionProtectionEnabled` and `deletionProtection` of
 * `gcp.sql.DatabaseInstance`; `type` and `password`/`passwordWo` of `gcp.sql.User`; `authEnabled`,
 * `transitEncryptionMode` and `connectMode` of `gcp.redis.Instance`; `authorizationMode` and
 * `transitEncryptionMode` of `gcp.memorystore.Instance` (Valkey); `deadLetterPolicy.deadLetterTopic`,
 * `retryPolicy` and `topic` of `gcp.pubsub.Subscription`; `uniformBucketLevelAccess`,
 * `publicAccessPrevention` and `versioning.enabled` of `gcp.storage.Bucket`; `replication.{auto,userManaged}`
 * of `gcp.secretmanager.Secret`.
 */
import type { PolicyResource, ResourceContext, ResourceRule } from '../types';
import { resourceRule } from './define';
import { GCP_TYPES, asArray, field, grants, ofType, perResource, resolveReference, show } from './gcp-resources';
import {
  bucketPublicAccessPreventionProblem,
  bucketUniformAccessProblem,
  bucketVersioningProblem,
  deadLetterView,
  hasRetryPolicy,
  publicMembers,
  replicationDeclared,
  sqlUserProblems,
  type SubscriptionTopics,
} from './managed-service-checks';

/** A rule that only holds in prod. */
function prodOnly(
  check: (ctx: ResourceContext) => ReturnType<ResourceRule['check']>,
): (ctx: ResourceContext) => ReturnType<ResourceRule['check']> {
  return (ctx) => (ctx.profile === 'prod' ? check(ctx) : []);
}

// ---------------------------------------------------------------------------------------
// GK12 Cloud SQL

/** The database flag that turns on IAM database authentication, by engine (the provider's examples). */
function iamAuthenticationFlag(databaseVersion: unknown): string | undefined {
  if (typeof databaseVersion !== 'string') return undefined;
  if (databaseVersion.startsWith('POSTGRES')) return 'cloudsql.iam_authentication';
  if (databaseVersion.startsWith('MYSQL')) return 'cloudsql_iam_authentication';
  return undefined;
}

const sqlNoPublicIp = resourceRule(
  {
    id: 'GK12-sql-no-public-ip',
    description: 'Cloud SQL instances have no public IP address (settings.ipConfiguration.ipv4Enabled: false).',
    why: "A public IP puts the database's listener on the internet: it is then one leaked credential, authorized network or engine vulnerability away from a breach. The Cloud SQL Auth Proxy reaches the private IP from the cluster.",
    fix: 'Set settings.ipConfiguration.ipv4Enabled: false and settings.ipConfiguration.privateNetwork to the VPC (private services access).',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['GK12'],
  },
  perResource([GCP_TYPES.sqlInstance], (db) => {
    const ipv4 = field(db.props, 'settings.ipConfiguration.ipv4Enabled');
    return ipv4 === false
      ? []
      : [`settings.ipConfiguration.ipv4Enabled is ${show(ipv4)}: only false keeps the instance off the internet (no public IP address)`];
  }),
);

const sqlPrivateNetwork = resourceRule(
  {
    id: 'GK12-sql-private-network',
    description: 'Cloud SQL instances are reached on a private IP in the VPC (settings.ipConfiguration.privateNetwork).',
    why: 'Without a private network the instance is reachable only through a public IP (or not at all): the workloads in the cluster must reach it over the VPC.',
    fix: 'Set settings.ipConfiguration.privateNetwork to the VPC id, after a private services access connection (gcp.servicenetworking.Connection) exists.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK12'],
  },
  perResource([GCP_TYPES.sqlInstance], (db) => {
    const network = field(db.props, 'settings.ipConfiguration.privateNetwork');
    return typeof network === 'string' && network !== ''
      ? []
      : [`settings.ipConfiguration.privateNetwork is ${show(network)}: the instance has no private IP in the VPC`];
  }),
);

const sqlIamAuthentication = resourceRule(
  {
    id: 'GK12-sql-iam-authentication',
    description:
      'PostgreSQL and MySQL instances turn on IAM database authentication (database flag cloudsql.iam_authentication, cloudsql_iam_authentication on MySQL, "on").',
    why: 'With IAM authentication a workload logs in as its own Google service account with short-lived tokens: no password to create, store, rotate or leak. Without the flag, IAM users cannot log in and passwords creep back.',
    fix: 'Add { name: "cloudsql.iam_authentication", value: "on" } to settings.databaseFlags (MySQL: cloudsql_iam_authentication).',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK12'],
  },
  perResource([GCP_TYPES.sqlInstance], (db) => {
    const flag = iamAuthenticationFlag(db.props.databaseVersion);
    if (flag === undefined) return [];
    const value = asArray(field(db.props, 'settings.databaseFlags')).find((f) => field(f, 'name') === flag);
    const current = value === undefined ? undefined : field(value, 'value');
    return current === 'on'
      ? []
      : [
          `settings.databaseFlags ${flag} is ${show(current)} on ${show(db.props.databaseVersion)}: IAM users cannot log in, so passwords are needed`,
        ];
  }),
);

/** sslMode values that refuse unencrypted connections. */
const ENCRYPTED_SSL_MODES: readonly string[] = ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'];

const sqlEncryptedConnections = resourceRule(
  {
    id: 'GK12-sql-encrypted-connections',
    description:
      'Cloud SQL instances refuse unencrypted connections (settings.ipConfiguration.sslMode ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED, or settings.connectorEnforcement REQUIRED).',
    why: 'The default (ALLOW_UNENCRYPTED_AND_ENCRYPTED) lets any client in the VPC connect in clear text, exposing queries, data and IAM login tokens to anyone on the path. The Auth Proxy always encrypts; direct connections must too.',
    fix: 'Set settings.ipConfiguration.sslMode: "ENCRYPTED_ONLY" (connections through the Cloud SQL Auth Proxy still work), or settings.connectorEnforcement: "REQUIRED" to accept only the proxy and connectors.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK12'],
  },
  perResource([GCP_TYPES.sqlInstance], (db) => {
    const mode = field(db.props, 'settings.ipConfiguration.sslMode');
    const connector = field(db.props, 'settings.connectorEnforcement');
    if ((typeof mode === 'string' && ENCRYPTED_SSL_MODES.includes(mode)) || connector === 'REQUIRED') return [];
    return [
      `settings.ipConfiguration.sslMode is ${show(mode)} and settings.connectorEnforcement is ${show(connector)}: clients may connect without TLS`,
    ];
  }),
);

const sqlProdDeletionProtection = resourceRule(
  {
    id: 'GK12-sql-prod-deletion-protection',
    description:
      'In prod, Cloud SQL instances are protected from deletion in Pulumi (deletionProtection, true by default) and in the API (settings.deletionProtectionEnabled: true).',
    why: "Deleting an instance deletes its databases and its automated backups: a replacement in a diff, a stray `pulumi destroy` or a console click would lose production data. The provider's flag guards Pulumi only; the API flag guards every surface.",
    fix: 'Leave deletionProtection unset or true, and set settings.deletionProtectionEnabled: true on the prod instance.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK12', 'GK04'],
  },
  prodOnly(
    perResource([GCP_TYPES.sqlInstance], (db) => [
      ...(db.props.deletionProtection === false
        ? ['deletionProtection is false: `pulumi destroy` or a replacement deletes the instance']
        : []),
      ...(field(db.props, 'settings.deletionProtectionEnabled') === true
        ? []
        : [
            `settings.deletionProtectionEnabled is ${show(field(db.props, 'settings.deletionProtectionEnabled'))}: prod requires true (the API, gcloud and the console can delete the instance)`,
          ]),
    ]),
  ),
);

const sqlProdBackups = resourceRule(
  {
    id: 'GK12-sql-prod-backups',
    description:
      'In prod, Cloud SQL instances take automated backups with point-in-time recovery (settings.backupConfiguration.enabled and pointInTimeRecoveryEnabled).',
    why: 'Without backups a bad migration, a dropped table or a corrupted disk is permanent; point-in-time recovery restores to the second before the mistake instead of to last night.',
    fix: 'Set settings.backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true } on the prod instance.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK12'],
  },
  prodOnly(
    perResource([GCP_TYPES.sqlInstance], (db) => {
      const enabled = field(db.props, 'settings.backupConfiguration.enabled');
      const pitr = field(db.props, 'settings.backupConfiguration.pointInTimeRecoveryEnabled');
      const isPostgres = typeof db.props.databaseVersion === 'string' && db.props.databaseVersion.startsWith('POSTGRES');
      return [
        ...(enabled === true ? [] : [`settings.backupConfiguration.enabled is ${show(enabled)}: prod requires automated backups`]),
        // Point-in-time recovery is this field on PostgreSQL (and SQL Server); MySQL uses binary logs.
        ...(!isPostgres || pitr === true
          ? []
          : [`settings.backupConfiguration.pointInTimeRecoveryEnabled is ${show(pitr)}: prod requires point-in-time recovery`]),
      ];
    }),
  ),
);

const sqlProdHighAvailability = resourceRule(
  {
    id: 'GK12-sql-prod-high-availability',
    description: 'In prod, Cloud SQL instances are highly available (settings.availabilityType: REGIONAL).',
    why: 'A ZONAL instance is down for as long as its zone is, and during its maintenance; REGIONAL keeps a standby in another zone and fails over automatically.',
    fix: 'Set settings.availabilityType: "REGIONAL" on the prod instance (it needs backups and point-in-time recovery on).',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK12'],
  },
  prodOnly(
    perResource([GCP_TYPES.sqlInstance], (db) => {
      const type = field(db.props, 'settings.availabilityType');
      return type === 'REGIONAL' ? [] : [`settings.availabilityType is ${show(type)}: prod requires REGIONAL, a standby in another zone`];
    }),
  ),
);

const sqlIamUsers = resourceRule(
  {
    id: 'GK12-sql-iam-users',
    description: 'Cloud SQL users the program creates log in with IAM (type CLOUD_IAM_*), never with a password.',
    why: 'A built-in user has a password, which the program would have to generate and keep in the Pulumi state and hand to the workload; IAM users log in as a Google identity with short-lived tokens.',
    fix: 'Create the user with type: "CLOUD_IAM_SERVICE_ACCOUNT" and the service account email without .gserviceaccount.com as its name; remove password and passwordWo.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK12'],
  },
  perResource([GCP_TYPES.sqlUser], (u) =>
    sqlUserProblems('type', u.props.type, { password: u.props.password, passwordWo: u.props.passwordWo }, 'the program and its state'),
  ),
);

// ---------------------------------------------------------------------------------------
// GK13 Memorystore

const redisAuth = resourceRule(
  {
    id: 'GK13-redis-auth',
    description: 'Memorystore instances require authentication (Redis: authEnabled: true; Valkey: authorizationMode IAM_AUTH).',
    why: 'Without AUTH any client that reaches the instance on the network (any pod of the VPC) reads and writes every key.',
    fix: 'Set authEnabled: true on a gcp.redis.Instance (the AUTH string reaches the service through a Kubernetes Secret), or authorizationMode: "IAM_AUTH" on a gcp.memorystore.Instance.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK13'],
  },
  perResource([GCP_TYPES.redisInstance, GCP_TYPES.valkeyInstance], (r) => {
    if (r.type === GCP_TYPES.redisInstance)
      return r.props.authEnabled === true
        ? []
        : [`authEnabled is ${show(r.props.authEnabled)} (false by default): any client in the VPC can connect`];
    return r.props.authorizationMode === 'IAM_AUTH'
      ? []
      : [`authorizationMode is ${show(r.props.authorizationMode)}: IAM_AUTH required, else any client in the VPC can connect`];
  }),
);

const redisTransitEncryption = resourceRule(
  {
    id: 'GK13-redis-transit-encryption',
    description: 'Memorystore instances encrypt traffic in transit (transitEncryptionMode: SERVER_AUTHENTICATION).',
    why: 'Without TLS the AUTH string and every value travel in clear text through the VPC; SERVER_AUTHENTICATION also lets the client verify the server against its CA.',
    fix: 'Set transitEncryptionMode: "SERVER_AUTHENTICATION" (it cannot be changed later: the instance is replaced) and give the client the server CA.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK13'],
  },
  perResource([GCP_TYPES.redisInstance, GCP_TYPES.valkeyInstance], (r) =>
    r.props.transitEncryptionMode === 'SERVER_AUTHENTICATION'
      ? []
      : [
          `transitEncryptionMode is ${show(r.props.transitEncryptionMode)} (disabled by default): traffic and the AUTH string are in clear text`,
        ],
  ),
);

const redisPrivateServiceAccess = resourceRule(
  {
    id: 'GK13-redis-private-service-access',
    description: 'Memorystore for Redis instances connect through private services access (connectMode: PRIVATE_SERVICE_ACCESS).',
    why: 'Both modes keep the instance private, but DIRECT_PEERING (the default) peers a Google-managed VPC per instance and picks its own ranges; private services access shares the allocated range of Cloud SQL, is managed in one place and is what Google recommends.',
    fix: 'Set connectMode: "PRIVATE_SERVICE_ACCESS" and authorizedNetwork to the VPC, after the private services access connection exists (changing it replaces the instance).',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['GK13'],
  },
  perResource([GCP_TYPES.redisInstance], (r) =>
    r.props.connectMode === 'PRIVATE_SERVICE_ACCESS'
      ? []
      : [`connectMode is ${show(r.props.connectMode)} (DIRECT_PEERING by default): PRIVATE_SERVICE_ACCESS recommended`],
  ),
);

// ---------------------------------------------------------------------------------------
// GK14 Pub/Sub

/**
 * A subscription's topics as keys: the Topic resource of the stack a reference resolves to, or the
 * reference itself when it points outside the stack.
 */
function topicsOf(s: PolicyResource, ctx: ResourceContext): SubscriptionTopics<PolicyResource | string> {
  const key = (ref: unknown): PolicyResource | string | undefined =>
    typeof ref !== 'string' || ref === '' ? undefined : (resolveReference(ref, ctx.resources, [GCP_TYPES.topic]) ?? ref);
  return { topic: key(s.props.topic), deadLetterTopic: key(field(s.props, 'deadLetterPolicy.deadLetterTopic')) };
}

/** GK14's view of the stack's subscriptions, and each subscription's topics. */
function pubsubView(ctx: ResourceContext) {
  const subscriptions = ofType(ctx, GCP_TYPES.subscription).map((s) => ({ s, topics: topicsOf(s, ctx) }));
  return { subscriptions, view: deadLetterView(subscriptions.map((x) => x.topics)) };
}

const subscriptionDeadLetter = resourceRule(
  {
    id: 'GK14-subscription-dead-letter',
    description:
      'Every Pub/Sub subscription has a dead-letter topic (deadLetterPolicy.deadLetterTopic), except those that read a dead-letter topic.',
    why: 'Without one, a message the consumer can never process (a poison message) is redelivered until it expires, blocking ordered keys, burning retries and hiding the failure; a dead-letter topic sets it aside where it can be inspected and replayed.',
    fix: 'Set deadLetterPolicy: { deadLetterTopic: <topic id>, maxDeliveryAttempts: 5 } and grant the Pub/Sub service agent publisher on that topic and subscriber on the subscription.',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK14'],
  },
  (ctx) => {
    const { subscriptions, view } = pubsubView(ctx);
    return subscriptions
      .filter(({ topics }) => topics.deadLetterTopic === undefined && !view.readsDeadLetters(topics))
      .map(({ s }) => ({
        object: s.name,
        message: `deadLetterPolicy.deadLetterTopic is ${show(field(s.props, 'deadLetterPolicy.deadLetterTopic'))} on the subscription to ${show(s.props.topic)}: undeliverable messages are retried until they expire`,
      }));
  },
);

const deadLettersKept = resourceRule(
  {
    id: 'GK14-dead-letters-kept',
    description: 'Every dead-letter topic of the stack has a subscription that keeps its messages.',
    why: 'Pub/Sub drops messages published to a topic with no subscription: a dead-letter topic without one silently deletes every message it receives.',
    fix: 'Create a subscription on the dead-letter topic (with a long messageRetentionDuration, e.g. "604800s") for inspection and replay.',
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['GK14'],
  },
  (ctx) =>
    // Only the stack's own topics: a reference outside the stack may be read elsewhere.
    pubsubView(ctx)
      .view.unread.filter((t): t is PolicyResource => typeof t !== 'string')
      .map((t) => ({ object: t.name, message: 'is a dead-letter topic with no subscription: the messages it receives are dropped' })),
);

const subscriptionRetryPolicy = resourceRule(
  {
    id: 'GK14-subscription-retry-policy',
    description:
      'Every Pub/Sub subscription has a retry policy (retryPolicy with minimumBackoff and maximumBackoff), except those that read a dead-letter topic.',
    why: 'Without one, a nacked or expired message is redelivered as soon as possible: a failing consumer gets the same messages again at once instead of backing off exponentially. A subscription that keeps dead letters is read by people and replay tools, not by a consumer in a loop.',
    fix: 'Set retryPolicy: { minimumBackoff: "10s", maximumBackoff: "600s" } (any values from 0s to 600s).',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['GK14'],
  },
  (ctx) => {
    const { subscriptions, view } = pubsubView(ctx);
    return subscriptions
      .filter(({ s, topics }) => !hasRetryPolicy(field(s.props, 'retryPolicy')) && !view.readsDeadLetters(topics))
      .map(({ s }) => ({
        object: s.name,
        message: `retryPolicy is not set on the subscription to ${show(s.props.topic)}: failed messages are redelivered as soon as possible`,
      }));
  },
);

// ---------------------------------------------------------------------------------------
// GK15 Cloud Storage

const bucketUniformAccess = resourceRule(
  {
    id: 'GK15-bucket-uniform-access',
    description: 'Buckets use uniform bucket-level access (uniformBucketLevelAccess: true).',
    why: 'With fine-grained access, object ACLs grant access beside IAM, invisible in the IAM policy and easy to make public by accident; uniform access makes IAM on the bucket the only way in.',
    fix: 'Set uniformBucketLevelAccess: true and grant access with gcp.storage.BucketIAMMember.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK15'],
  },
  perResource([GCP_TYPES.bucket], (b) => bucketUniformAccessProblem('uniformBucketLevelAccess', b.props.uniformBucketLevelAccess)),
);

const bucketPublicAccessPrevention = resourceRule(
  {
    id: 'GK15-bucket-public-access-prevention',
    description: 'Buckets enforce public access prevention (publicAccessPrevention: "enforced").',
    why: 'The default ("inherited") relies on an organization policy the project may not have; "enforced" makes any grant to allUsers or allAuthenticatedUsers fail, whoever adds it.',
    fix: 'Set publicAccessPrevention: "enforced" on the bucket.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK15'],
  },
  perResource([GCP_TYPES.bucket], (b) => bucketPublicAccessPreventionProblem('publicAccessPrevention', b.props.publicAccessPrevention)),
);

const BUCKET_IAM = /^gcp:storage\/bucketIAM(Member|Binding|Policy):/;

const bucketNotPublic = resourceRule(
  {
    id: 'GK15-bucket-not-public',
    description: 'No bucket is granted to allUsers or allAuthenticatedUsers.',
    why: "A public grant exposes every object of the bucket (or lets anyone write to it) to the whole internet; a service's data is for that service.",
    fix: "Remove the grant; grant the service's own Google service account on the bucket.",
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['GK15'],
  },
  (ctx) =>
    grants(ctx)
      .filter(({ resource }) => BUCKET_IAM.test(resource.type))
      .flatMap(({ resource, grant }) =>
        publicMembers(grant.members).map((m) => ({
          object: resource.name,
          message: `grants ${grant.role} on bucket ${show(resource.props.bucket)} to ${m}`,
        })),
      ),
);

const bucketProdVersioning = resourceRule(
  {
    id: 'GK15-bucket-prod-versioning',
    description: 'In prod, buckets keep object versions (versioning.enabled: true).',
    why: 'Without versioning an overwrite or a delete (a bug, a compromised service) loses the previous data for good; with it the noncurrent version can be restored.',
    fix: 'Set versioning: { enabled: true } on the prod bucket, with a lifecycle rule that deletes old noncurrent versions.',
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['GK15'],
  },
  prodOnly(perResource([GCP_TYPES.bucket], (b) => bucketVersioningProblem('versioning.enabled', field(b.props, 'versioning.enabled')))),
);

// ---------------------------------------------------------------------------------------
// GK16 Secret Manager

const secretReplication = resourceRule(
  {
    id: 'GK16-secret-replication',
    description: 'Every Secret Manager secret declares its replication (replication.auto, or replication.userManaged with replicas).',
    why: 'The replication decides where the secret value is stored: automatic replication keeps it available in every region; user-managed pins it to named regions for data residency. A secret without one cannot be created.',
    fix: 'Set replication: { auto: {} }, or replication: { userManaged: { replicas: [{ location: "<region>" }] } }.',
    severity: 'low',
    enforcement: 'mandatory',
    catalogue: ['GK16'],
  },
  perResource([GCP_TYPES.secret], (s) => {
    const auto = field(s.props, 'replication.auto');
    const replicas = asArray(field(s.props, 'replication.userManaged.replicas'));
    if (replicationDeclared({ auto, replicas })) return [];
    return [`replication is ${show(s.props.replication)}: neither auto nor userManaged replicas`];
  }),
);

const noSecretVersions = resourceRule(
  {
    id: 'GK16-no-secret-data',
    description:
      'The program creates no Secret Manager secret versions (gcp.secretmanager.SecretVersion): secrets are created empty and filled outside the repo.',
    why: "A version's value comes from the program: it is in the repository, a config file or a generator, and then in the Pulumi state (secretData) or at least in every deploy's inputs (secretDataWo). Filled outside the repo, the value never meets the pipeline.",
    fix: 'Remove the SecretVersion; add the value with `gcloud secrets versions add <secret id> --data-file=-` (an operator, or the system that owns the credential).',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['GK16'],
  },
  perResource([GCP_TYPES.secretVersion], (v) => {
    const data = ['secretData', 'secretDataWo'].filter((key) => v.props[key] !== undefined && v.props[key] !== null);
    return [
      `is a version of secret ${show(v.props.secret)}${data.length === 0 ? '' : ` with ${data.join(' and ')} set`}: the value comes from the program`,
    ];
  }),
);

/** Rules on the managed services of `uses`, in report order. */
export const managedServiceRules: readonly ResourceRule[] = [
  sqlNoPublicIp,
  sqlPrivateNetwork,
  sqlIamAuthentication,
  sqlEncryptedConnections,
  sqlIamUsers,
  sqlProdDeletionProtection,
  sqlProdBackups,
  sqlProdHighAvailability,
  redisAuth,
  redisTransitEncryption,
  redisPrivateServiceAccess,
  subscriptionDeadLetter,
  deadLettersKept,
  subscriptionRetryPolicy,
  bucketUniformAccess,
  bucketPublicAccessPrevention,
  bucketNotPublic,
  bucketProdVersioning,
  secretReplication,
  noSecretVersions,
];
