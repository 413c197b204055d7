import * as k8s from '@pulumi/kubernetes';
import { thrown } from '../test/fixtures/thrown';
import { environment, repoReleases } from '../test/fixtures/environments';
import { synthesize } from '../charts';
import { postgresIamUser } from '../charts/uses';
import { loadEnvironment, previewOf, type EnvironmentConfig } from '../core/config';
import catalogue from '../services/bookinfo';
import boutique from '../services/boutique';
import { defineCatalogue } from '../services/define';
import type { Catalogue, ServiceUses } from '../services/spec';
import { Apps } from './apps';
import { Network } from './network';
import { recordResources, registered, type RecordedResource } from './offline/engine';
import {
  AppResources,
  appResourcePlan,
  CONSUMER_DEFAULTS,
  needsAppResources,
  profileSettings,
  pubsubSeconds,
  pubsubServiceAgent,
} from './app-resources';

/** BookInfo with every kind of `uses`: details publishes and owns postgres and a bucket, ratings and reviews consume. */
function withUses(uses: Readonly<Record<string, ServiceUses>>): Catalogue {
  return defineCatalogue(
    'bookinfo',
    catalogue.services.map((d) => (uses[d.spec.name] === undefined ? d : { ...d, spec: { ...d.spec, uses: uses[d.spec.name] } })),
  );
}
const USES: Readonly<Record<string, ServiceUses>> = {
  details: { postgres: {}, publishes: ['order-placed'], buckets: [{ name: 'invoices' }] },
  ratings: {
    postgres: { database: 'ratings_db' },
    redis: { sizeGb: 2 },
    consumes: [{ event: 'order-placed', ackDeadlineSeconds: 60, maxDeliveryAttempts: 10, minimumBackoff: '1m', maximumBackoff: '5m' }],
    secrets: [{ name: 'api-key' }],
  },
  reviews: { consumes: [{ event: 'order-placed' }] },
};
const CATALOGUE = withUses(USES);
/** One app in namespace bookinfo, as infra/platform.ts hands AppResources the stack's apps. */
const one = (c: Catalogue) => [{ namespace: 'bookinfo', catalogue: c }];

const dev = loadEnvironment('dev');
const prod = loadEnvironment('prod');
const DEV_PROJECT = dev.gcpProject;

// GIVEN each stack's network and cluster provider, and the BookInfo apps on dev
// WHEN the uses of a catalogue with every kind are provisioned in dev and prod
const recording = recordResources({ stack: 'dev', gcpProject: DEV_PROJECT });
function provision(config: EnvironmentConfig, after: (resources: AppResources) => void = () => undefined) {
  const network = new Network(`${config.stack}-network`, { ...config, region: config.gcpRegion });
  const provider = new k8s.Provider(`platform-${config.stack}-provider`, { kubeconfig: 'unused' });
  const uses = (namespaces: k8s.yaml.ConfigGroup) => {
    const resources = new AppResources(`${config.stack}-uses`, {
      config,
      apps: one(CATALOGUE),
      network: network.vpc.id,
      privateServicesRange: network.privateServicesRange.name,
      privateServicesConnection: network.privateServicesConnection,
      provider,
      after: [namespaces],
    });
    after(resources);
    return resources.redisSecrets;
  };
  // The apps synthesized without `uses` (validation of `uses` is services/validate.ts's), wired as infra/platform.ts does.
  const synthesis = synthesize(
    environment(config.profile, { stack: config.stack, gcpProject: config.gcpProject }),
    catalogue,
    repoReleases(config.stack),
  );
  new Apps(config.stack, { synthesis, provider, after: [], objectsAfter: uses });
}
beforeAll(async () => {
  provision(dev);
  provision(prod);
  await registered();
});

const named = (type: string, name: string): RecordedResource => recording.one(type, name);

const SQL = 'gcp:sql/databaseInstance:DatabaseInstance';
const REDIS = 'gcp:redis/instance:Instance';
const TOPIC = 'gcp:pubsub/topic:Topic';
const SUBSCRIPTION = 'gcp:pubsub/subscription:Subscription';
const TOPIC_IAM = 'gcp:pubsub/topicIAMMember:TopicIAMMember';
const SUBSCRIPTION_IAM = 'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember';
const BUCKET = 'gcp:storage/bucket:Bucket';
const SECRET = 'gcp:secretmanager/secret:Secret';
const inStack = (stack: string) => (r: RecordedResource) => r.name.startsWith(`${stack}-uses`);
const member = (service: string, stack: string, project: string) => `serviceAccount:${service}-${stack}@${project}.iam.gserviceaccount.com`;
const AGENT = 'serviceAccount:service-123456789@gcp-sa-pubsub.iam.gserviceaccount.com';

describe('app resource decisions', () => {
  it('names the IAM database user of a service account as Cloud SQL requires: the email without .gserviceaccount.com', () => {
    expect(postgresIamUser('orders-dev@my-proj.iam.gserviceaccount.com')).toBe('orders-dev@my-proj.iam');
  });

  it('names the Pub/Sub service agent from the project number', () => {
    expect(pubsubServiceAgent('42')).toBe('serviceAccount:service-42@gcp-sa-pubsub.iam.gserviceaccount.com');
  });

  it.each([
    ['10s', '10s'],
    ['1m', '60s'],
    ['1500ms', '1.5s'],
    ['0s', '0s'],
  ] as const)('writes %s as Pub/Sub seconds %s', (duration, seconds) => {
    expect(pubsubSeconds(duration)).toBe(seconds);
  });

  it('gives production HA, backups and versioning, and the other profiles neither', () => {
    expect(profileSettings('prod')).toEqual({
      sqlAvailability: 'REGIONAL',
      sqlTier: 'db-custom-2-7680',
      sqlBackups: true,
      redisTier: 'STANDARD_HA',
      bucketVersioning: true,
    });
    for (const profile of ['dev', 'staging'] as const)
      expect(profileSettings(profile)).toMatchObject({
        sqlAvailability: 'ZONAL',
        sqlBackups: false,
        redisTier: 'BASIC',
        bucketVersioning: false,
      });
  });

  it('plans nothing for BookInfo, which uses nothing, nor for an empty uses', () => {
    expect(needsAppResources(one(catalogue))).toBe(false);
    expect(appResourcePlan(one(catalogue), dev)).toEqual({ services: [] });
    expect(needsAppResources(one(withUses({ details: {} })))).toBe(false);
    expect(needsAppResources(one(withUses({ details: { secrets: [{ name: 'token' }] } })))).toBe(true);
  });

  it("resolves a consumer's defaults as the spec documents them", () => {
    const plan = appResourcePlan(one(CATALOGUE), dev);
    expect(plan.sqlInstance).toBe('dev-postgres');
    expect(plan.services.find((s) => s.service === 'reviews')?.subscriptions).toEqual([
      {
        event: 'order-placed',
        subscriptionId: 'dev.bookinfo.order-placed.reviews',
        topicId: 'dev.bookinfo.order-placed',
        deadLetterTopicId: 'dev.bookinfo.order-placed.reviews.dead-letter',
        ackDeadlineSeconds: CONSUMER_DEFAULTS.ackDeadlineSeconds,
        maxDeliveryAttempts: 5,
        minimumBackoff: '10s',
        maximumBackoff: '600s',
      },
    ]);
  });

  it("plans every app of the stack: one Cloud SQL instance, each app's events under its own namespace, each Redis Secret in its app's namespace", () => {
    const shop = defineCatalogue(
      'boutique',
      boutique.services.map((d) => {
        if (d.spec.name === 'checkoutservice') return { ...d, spec: { ...d.spec, uses: { postgres: {}, publishes: ['order-placed'] } } };
        if (d.spec.name === 'emailservice') return { ...d, spec: { ...d.spec, uses: { consumes: [{ event: 'order-placed' }] } } };
        return d;
      }),
    );
    const plan = appResourcePlan([...one(CATALOGUE), { namespace: 'shop', catalogue: shop }], dev);
    expect(plan.sqlInstance).toBe('dev-postgres');
    expect(plan.services.filter((s) => s.database !== undefined).map((s) => [s.namespace, s.service])).toEqual([
      ['bookinfo', 'details'],
      ['bookinfo', 'ratings'],
      ['shop', 'checkoutservice'],
    ]);
    const of = (name: string) => plan.services.find((s) => s.service === name);
    // The same event name in two apps is two topics: an app consumes its own app's events only.
    expect(of('details')?.topics).toEqual([{ event: 'order-placed', topicId: 'dev.bookinfo.order-placed' }]);
    expect(of('checkoutservice')?.topics).toEqual([{ event: 'order-placed', topicId: 'dev.shop.order-placed' }]);
    expect(of('emailservice')?.subscriptions.map((x) => [x.topicId, x.subscriptionId])).toEqual([
      ['dev.shop.order-placed', 'dev.shop.order-placed.emailservice'],
    ]);
    expect(of('cartservice')).toMatchObject({ namespace: 'shop', redis: { secret: 'cartservice-redis' } });
    expect(of('ratings')).toMatchObject({ namespace: 'bookinfo', redis: { secret: 'ratings-redis' } });
  });

  it('refuses an event nobody publishes and a bucket name over 63 characters, naming the service file', () => {
    const bad = withUses({ reviews: { consumes: [{ event: 'order-shipped' }], buckets: [{ name: 'a-very-long-bucket-name-xxxx' }] } });
    expect(thrown(() => appResourcePlan(one(bad), dev)).problems).toEqual([
      {
        where: 'services/bookinfo/reviews.ts',
        field: 'uses.consumes[].event',
        value: 'order-shipped',
        problem: 'is published by no service of the catalogue',
        fix: "add it to the publishing service's uses.publishes, or remove the consumer",
      },
      {
        where: 'services/bookinfo/reviews.ts',
        field: 'uses.buckets[].name',
        value: 'a-very-long-bucket-name-xxxx',
        problem:
          "makes the bucket name replace-me-platform-dev-dev-reviews-a-very-long-bucket-name-xxxx longer than Cloud Storage's 63 characters",
        fix: 'shorten the bucket (or service) name',
      },
    ]);
  });
});

describe('the Cloud SQL for PostgreSQL instance', () => {
  it('is one per environment, private IP only on the VPC, with IAM database authentication', () => {
    expect(recording.ofType(SQL).map((r) => r.name)).toEqual(['dev-uses-postgres', 'prod-uses-postgres']);
    expect(named(SQL, 'dev-uses-postgres').inputs).toMatchObject({
      name: 'dev-postgres',
      project: DEV_PROJECT,
      region: 'europe-west1',
      databaseVersion: 'POSTGRES_17',
      deletionProtection: false,
      settings: {
        edition: 'ENTERPRISE',
        availabilityType: 'ZONAL',
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: 'dev-network-vpc-id',
          allocatedIpRange: 'dev-network-private-services',
          sslMode: 'ENCRYPTED_ONLY',
        },
        databaseFlags: [{ name: 'cloudsql.iam_authentication', value: 'on' }],
        backupConfiguration: { enabled: false },
      },
    });
  });

  it('is highly available, backed up with point-in-time recovery and deletion-protected in prod', () => {
    expect(named(SQL, 'prod-uses-postgres').inputs).toMatchObject({
      name: 'prod-postgres',
      deletionProtection: true,
      settings: {
        availabilityType: 'REGIONAL',
        deletionProtectionEnabled: true,
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7 },
      },
    });
  });

  it('waits for the servicenetworking peering of its network', () => {
    const connection = named('gcp:servicenetworking/connection:Connection', 'dev-network-private-services');
    expect(recording.dependsOn(named(SQL, 'dev-uses-postgres'), connection)).toBe(true);
    expect(recording.dependsOn(named(REDIS, 'dev-uses-ratings-redis'), connection)).toBe(true);
  });

  it('has a database and an IAM service account user per service that uses postgres, and no password', () => {
    const dbs = recording.ofType('gcp:sql/database:Database').filter(inStack('dev'));
    expect(dbs.map((r) => [r.name, r.inputs.name, r.inputs.instance])).toEqual([
      ['dev-uses-details-database', 'details', 'dev-postgres'],
      ['dev-uses-ratings-database', 'ratings_db', 'dev-postgres'],
    ]);
    const users = recording.ofType('gcp:sql/user:User').filter(inStack('dev'));
    expect(users.map((r) => r.inputs)).toEqual([
      { name: `details-dev@${DEV_PROJECT}.iam`, instance: 'dev-postgres', project: DEV_PROJECT, type: 'CLOUD_IAM_SERVICE_ACCOUNT' },
      { name: `ratings-dev@${DEV_PROJECT}.iam`, instance: 'dev-postgres', project: DEV_PROJECT, type: 'CLOUD_IAM_SERVICE_ACCOUNT' },
    ]);
  });
});

describe('Memorystore for Redis', () => {
  it('is one instance per service using redis, with AUTH and TLS on private services access', () => {
    expect(named(REDIS, 'dev-uses-ratings-redis').inputs).toMatchObject({
      name: 'dev-ratings',
      region: 'europe-west1',
      tier: 'BASIC',
      memorySizeGb: 2,
      authorizedNetwork: 'dev-network-vpc-id',
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      authEnabled: true,
      transitEncryptionMode: 'SERVER_AUTHENTICATION',
    });
    expect(named(REDIS, 'prod-uses-ratings-redis').inputs).toMatchObject({ tier: 'STANDARD_HA' });
  });

  it("writes host, AUTH string and server CA into the service's Secret in the app namespace, through the cluster's provider", () => {
    const secret = named('kubernetes:core/v1:Secret', 'dev-uses-ratings-redis-secret');
    expect(secret.inputs).toMatchObject({ metadata: { name: 'ratings-redis', namespace: 'bookinfo' }, type: 'Opaque' });
    expect(Object.keys(secret.inputs.stringData as object).sort()).toEqual(['auth', 'host', 'server-ca.pem']);
    expect(secret.provider).toMatch(/::platform-dev-provider::/);
    const namespace = recording.ofType('kubernetes:core/v1:Namespace').find((r) => r.parent?.endsWith('::dev-namespaces') === true);
    expect(recording.dependsOn(secret, namespace as RecordedResource)).toBe(true);
  });

  it('is waited for by the apps: the Deployments depend on the Secret', () => {
    const secret = named('kubernetes:core/v1:Secret', 'dev-uses-ratings-redis-secret');
    const ratings = recording
      .ofType('kubernetes:apps/v1:Deployment')
      .find((r) => r.name === 'bookinfo/ratings-v1' && inStackTree(r, 'dev'));
    expect(ratings).toBeDefined();
    expect(recording.dependsOn(ratings as RecordedResource, secret)).toBe(true);
  });
});

/** Whether a Kubernetes object belongs to a stack's Apps component (`dev`, `prod`). */
function inStackTree(r: RecordedResource, stack: string): boolean {
  return r.parent?.endsWith(`::${stack}-objects`) === true;
}

describe('Pub/Sub', () => {
  it("creates each published event's topic, owned by its publisher, and a dead-letter topic per consumer", () => {
    expect(
      recording
        .ofType(TOPIC)
        .filter(inStack('dev'))
        .map((r) => [r.name, r.inputs.name])
        .sort(),
    ).toEqual([
      ['dev-uses-details-topic-order-placed', 'dev.bookinfo.order-placed'],
      ['dev-uses-ratings-dead-letter-order-placed', 'dev.bookinfo.order-placed.ratings.dead-letter'],
      ['dev-uses-reviews-dead-letter-order-placed', 'dev.bookinfo.order-placed.reviews.dead-letter'],
    ]);
  });

  it('gives each consumer a subscription with its ack deadline, retry policy and dead-letter policy, never expiring', () => {
    expect(named(SUBSCRIPTION, 'dev-uses-ratings-subscription-order-placed').inputs).toEqual({
      name: 'dev.bookinfo.order-placed.ratings',
      project: DEV_PROJECT,
      topic: 'dev-uses-details-topic-order-placed-id',
      ackDeadlineSeconds: 60,
      retryPolicy: { minimumBackoff: '60s', maximumBackoff: '300s' },
      deadLetterPolicy: { deadLetterTopic: 'dev-uses-ratings-dead-letter-order-placed-id', maxDeliveryAttempts: 10 },
      expirationPolicy: { ttl: '' },
    });
  });

  it('keeps dead letters a week in a subscription of the dead-letter topic (a topic without one loses them)', () => {
    expect(named(SUBSCRIPTION, 'dev-uses-reviews-dead-letter-order-placed').inputs).toMatchObject({
      name: 'dev.bookinfo.order-placed.reviews.dead-letter',
      topic: 'dev-uses-reviews-dead-letter-order-placed-id',
      messageRetentionDuration: '604800s',
    });
  });

  it('grants publisher on its own topic to the publisher only, and subscriber on its own subscription to each consumer only', () => {
    const grants = [...recording.ofType(TOPIC_IAM), ...recording.ofType(SUBSCRIPTION_IAM)]
      .filter(inStack('dev'))
      .filter((r) => r.inputs.member !== AGENT)
      .map((r) => [r.inputs.topic ?? r.inputs.subscription, r.inputs.role, r.inputs.member]);
    expect(grants.sort()).toEqual([
      ['dev.bookinfo.order-placed', 'roles/pubsub.publisher', member('details', 'dev', DEV_PROJECT)],
      ['dev.bookinfo.order-placed.ratings', 'roles/pubsub.subscriber', member('ratings', 'dev', DEV_PROJECT)],
      ['dev.bookinfo.order-placed.reviews', 'roles/pubsub.subscriber', member('reviews', 'dev', DEV_PROJECT)],
    ]);
  });

  it('lets the Pub/Sub service agent publish to each dead-letter topic and subscribe to each source subscription', () => {
    const grants = [...recording.ofType(TOPIC_IAM), ...recording.ofType(SUBSCRIPTION_IAM)]
      .filter(inStack('dev'))
      .filter((r) => r.inputs.member === AGENT)
      .map((r) => [r.inputs.topic ?? r.inputs.subscription, r.inputs.role]);
    expect(grants.sort()).toEqual([
      ['dev.bookinfo.order-placed.ratings', 'roles/pubsub.subscriber'],
      ['dev.bookinfo.order-placed.ratings.dead-letter', 'roles/pubsub.publisher'],
      ['dev.bookinfo.order-placed.reviews', 'roles/pubsub.subscriber'],
      ['dev.bookinfo.order-placed.reviews.dead-letter', 'roles/pubsub.publisher'],
    ]);
    expect(recording.calls.filter((c) => c.token === 'gcp:organizations/getProject:getProject').map((c) => c.inputs)).toContainEqual({
      projectId: DEV_PROJECT,
    });
  });
});

describe('buckets and secrets', () => {
  it('creates the bucket in the region with uniform access, public access prevention and no force-destroy; versioned in prod', () => {
    expect(named(BUCKET, 'dev-uses-details-bucket-invoices').inputs).toEqual({
      name: `${DEV_PROJECT}-dev-details-invoices`,
      project: DEV_PROJECT,
      location: 'europe-west1',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: false },
      forceDestroy: false,
    });
    expect(named(BUCKET, 'prod-uses-details-bucket-invoices').inputs).toMatchObject({ versioning: { enabled: true } });
  });

  it('grants the declaring service object user on its bucket only', () => {
    expect(named('gcp:storage/bucketIAMMember:BucketIAMMember', 'dev-uses-details-bucket-invoices-user').inputs).toEqual({
      bucket: `${DEV_PROJECT}-dev-details-invoices`,
      role: 'roles/storage.objectUser',
      member: member('details', 'dev', DEV_PROJECT),
    });
  });

  it('creates the secret empty (no version) with automatic replication, readable by its service only', () => {
    expect(named(SECRET, 'dev-uses-ratings-secret-api-key').inputs).toEqual({
      secretId: 'dev-ratings-api-key',
      project: DEV_PROJECT,
      replication: { auto: {} },
    });
    expect(recording.ofType('gcp:secretmanager/secretVersion:SecretVersion')).toEqual([]);
    expect(named('gcp:secretmanager/secretIamMember:SecretIamMember', 'dev-uses-ratings-secret-api-key-accessor').inputs).toEqual({
      project: DEV_PROJECT,
      secretId: 'dev-ratings-api-key',
      role: 'roles/secretmanager.secretAccessor',
      member: member('ratings', 'dev', DEV_PROJECT),
    });
  });
});

describe('least privilege and previews', () => {
  it('grants nothing on the project: every role is bound on its resource', () => {
    expect(recording.ofType('gcp:projects/iAMMember:IAMMember')).toEqual([]);
    expect(recording.resources.filter((r) => /^gcp:projects\//.test(r.type))).toEqual([]);
  });

  it('refuses a preview stack: pr-<N> stacks have no Google identity, so no uses resources', () => {
    expect(() => appResourcePlan(one(CATALOGUE), previewOf(dev, 'pr-7'))).toThrow(
      'pr-7: a preview stack provisions no `uses` resources (its pods have no Google identity); infra/platform.ts builds AppResources for platform stacks only',
    );
  });

  it('counts, per platform stack, the resources the catalogue’s uses become', () => {
    const count = (stack: string) => recording.resources.filter((r) => r.custom && inStack(stack)(r)).length;
    // 1 instance + 2 databases + 2 users; 1 Redis + its Secret; 1 topic + 1 publisher grant;
    // per consumer (2): a dead-letter topic and its subscription, a subscription, its grant and 2 agent grants;
    // 1 bucket + grant; 1 secret + grant.
    expect(count('dev')).toBe(5 + 2 + 2 + 2 * 6 + 2 + 2);
    expect(count('prod')).toBe(count('dev'));
  });
});
