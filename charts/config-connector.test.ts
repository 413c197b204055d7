import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { syntheticCatalogue, syntheticEnvironment } from '../bench/catalogue';
import { loadEnvironment } from '../core/config';
import { RULES } from '../policies/catalogue';
import { evaluate } from '../policies/engine';
import { environmentContext } from '../policies/platform';
import { thrown } from '../test/fixtures/thrown';
import { CONFIG_CONNECTOR_DIR } from './apiserver/crd-files';
import { appResourcePlan } from './cloud-plan';
import {
  CLOUD_FILE,
  CONFIG_CONNECTOR_FACTS,
  configConnectorMember,
  configConnectorObjects,
  configConnectorRoles,
  configConnectorServiceAccountEmail,
  isConfigConnectorObject,
} from './config-connector';
import { synthesizeEnvironment } from './environment';
import { validateObject, type ManifestObject } from './schema';

// GIVEN prod's settings hosting the 25-service generated catalogue (every kind of `uses`, Redis at the 25th) as app `bench`
const { config, app, catalogue, releases } = syntheticEnvironment(loadEnvironment('prod'), 25);
const plan = appResourcePlan([{ namespace: 'bench', catalogue }], config);
const objects = configConnectorObjects(app, plan, config);
const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
const spec = (o: ManifestObject) => o.spec as Record<string, unknown>;

describe("an app's Config Connector objects", () => {
  it("are valid against Config Connector's CRDs at the vendored tag, every one", () => {
    expect(objects.length).toBeGreaterThan(40);
    expect(objects.flatMap((o) => validateObject(o, 'bench/_cloud.yaml'))).toEqual([]);
  });

  it('are refused by those CRDs with a field they do not declare (the schema is enforced)', () => {
    const [topic] = byKind('PubSubTopic');
    expect(validateObject({ ...topic, spec: { ...spec(topic), retention: '7d' } }, 'x')).not.toEqual([]);
    const [subscription] = byKind('PubSubSubscription');
    const { topicRef: _, ...noTopic } = spec(subscription);
    expect(validateObject({ ...subscription, spec: noTopic }, 'x')).not.toEqual([]);
  });

  it('create the same Google resources, under the same ids, as the Pulumi delivery plan', () => {
    const ids = (kind: string) => byKind(kind).map((o) => spec(o).resourceID);
    const services = plan.services;
    expect(ids('PubSubTopic').sort()).toEqual(
      [
        ...services.flatMap((s) => s.topics.map((t) => t.topicId)),
        ...services.flatMap((s) => s.subscriptions.map((x) => x.deadLetterTopicId)),
      ].sort(),
    );
    expect(ids('PubSubSubscription').sort()).toEqual(
      [
        ...services.flatMap((s) => s.subscriptions.map((x) => x.subscriptionId)),
        ...services.flatMap((s) => s.subscriptions.map((x) => x.deadLetterTopicId)),
      ].sort(),
    );
    expect(ids('SQLDatabase')).toEqual(services.flatMap((s) => (s.database === undefined ? [] : [s.database.name])));
    expect(ids('SQLUser')).toEqual(services.flatMap((s) => (s.database === undefined ? [] : [s.database.user])));
    expect(ids('StorageBucket')).toEqual(services.flatMap((s) => s.buckets.map((b) => b.bucket)));
    expect(ids('SecretManagerSecret')).toEqual(services.flatMap((s) => s.secrets.map((x) => x.secretId)));
    // Redis stays with Pulumi: its AUTH string must reach a Kubernetes Secret.
    expect(objects.some((o) => o.kind.startsWith('Redis'))).toBe(false);
  });

  it('grant each service its role on each of its own resources, and nothing else', () => {
    const grants = byKind('IAMPolicyMember').map(
      (o) => spec(o) as { member: string; role: string; resourceRef: { kind: string; name: string } },
    );
    const target = (name: string) => objects.find((o) => o.metadata.name === name && o.kind !== 'IAMPolicyMember');
    for (const g of grants) {
      const resource = target(g.resourceRef.name);
      expect(resource?.kind).toBe(g.resourceRef.kind);
      expect(g.member).toBe(
        `serviceAccount:${(resource?.metadata.labels as Record<string, string>).app}-prod@replace-me-platform-prod.iam.gserviceaccount.com`,
      );
    }
    const roles = new Map(grants.map((g) => [g.resourceRef.kind, g.role]));
    expect(Object.fromEntries(roles)).toEqual({
      PubSubTopic: 'roles/pubsub.publisher',
      PubSubSubscription: 'roles/pubsub.subscriber',
      StorageBucket: 'roles/storage.objectUser',
      SecretManagerSecret: 'roles/secretmanager.secretAccessor',
    });
    const publishers = plan.services.reduce((n, s) => n + s.topics.length, 0);
    const consumers = plan.services.reduce((n, s) => n + s.subscriptions.length, 0);
    expect(grants).toHaveLength(publishers + consumers + byKind('StorageBucket').length + byKind('SecretManagerSecret').length);
  });

  it('keep the data when the object goes (databases, buckets and secrets are abandoned, not deleted); topics and grants follow their objects', () => {
    expect(CONFIG_CONNECTOR_FACTS.deletionPolicyAnnotation).toBe('cnrm.cloud.google.com/deletion-policy');
    const abandoned = (o: ManifestObject) =>
      (o.metadata.annotations as Record<string, string>)[CONFIG_CONNECTOR_FACTS.deletionPolicyAnnotation] ===
      CONFIG_CONNECTOR_FACTS.deletionPolicyAbandon;
    expect([...new Set(objects.filter(abandoned).map((o) => o.kind))].sort()).toEqual([
      'SQLDatabase',
      'SecretManagerSecret',
      'StorageBucket',
    ]);
    for (const o of objects)
      expect((o.metadata.annotations as Record<string, string>)['cnrm.cloud.google.com/project-id']).toBe('replace-me-platform-prod');
    expect(objects.every((o) => o.metadata.namespace === 'bench' && isConfigConnectorObject(o))).toBe(true);
  });

  it('subscribe with the consumer settings and a dead-letter topic that keeps messages for a week', () => {
    const sub = byKind('PubSubSubscription').find((o) => !o.metadata.name.endsWith('.dead-letter'));
    expect(spec(sub as ManifestObject)).toMatchObject({
      topicRef: { name: expect.stringMatching(/^prod\.bench\.svc-\d{4}-changed$/) },
      ackDeadlineSeconds: expect.any(Number),
      deadLetterPolicy: { deadLetterTopicRef: { name: `${sub?.metadata.name}.dead-letter` }, maxDeliveryAttempts: expect.any(Number) },
      expirationPolicy: { ttl: '' },
    });
    expect(spec(byKind('PubSubSubscription').find((o) => o.metadata.name.endsWith('.dead-letter')) as ManifestObject)).toMatchObject({
      messageRetentionDuration: '604800s',
    });
  });
});

describe('the Google identity Config Connector acts as', () => {
  it("is bound to the operator's per-namespace controller account (its golden output at the vendored tag)", () => {
    const golden = parseAllDocuments(
      fs.readFileSync(
        path.join(CONFIG_CONNECTOR_DIR, 'operator/pkg/controllers/configconnectorcontext/testdata/golden/simple/_expected.yaml'),
        'utf8',
      ),
    ).map((d) => d.toJS() as ManifestObject);
    const account = golden.find((o) => o.kind === 'ServiceAccount');
    expect(account?.metadata).toMatchObject({ name: 'cnrm-controller-manager-testns1', namespace: 'cnrm-system' });
    expect(configConnectorMember('p', 'testns1')).toBe(
      `serviceAccount:p.svc.id.goog[${account?.metadata.namespace}/${account?.metadata.name}]`,
    );
    expect(configConnectorServiceAccountEmail('bench', 'prod', 'p')).toBe('cc-bench-prod@p.iam.gserviceaccount.com');
  });

  it('gets only the admin roles of the products its app uses', () => {
    const only = (uses: Partial<(typeof plan.services)[number]>) => [
      { ...plan.services[0], topics: [], subscriptions: [], buckets: [], secrets: [], database: undefined, ...uses },
    ];
    expect(configConnectorRoles(plan.services)).toEqual([
      'roles/cloudsql.admin',
      'roles/pubsub.admin',
      'roles/secretmanager.admin',
      'roles/storage.admin',
    ]);
    expect(configConnectorRoles(only({ buckets: [{ name: 'a', bucket: 'b' }] }))).toEqual(['roles/storage.admin']);
    expect(configConnectorRoles(only({}))).toEqual([]);
  });
});

describe('an environment delivered through Config Sync', () => {
  const synthesis = synthesizeEnvironment({ ...config, appDelivery: 'configsync' }, [{ app, catalogue, releases }]);

  it('synthesizes the Config Connector objects into <app>/_cloud.yaml; Pulumi delivery does not', () => {
    const cloud = synthesis.files.find((f) => f.name === `${app.name}/${CLOUD_FILE}`);
    expect(cloud?.objects).toEqual(objects);
    const pulumi = synthesizeEnvironment({ ...config, appDelivery: 'pulumi' }, [{ app, catalogue, releases }]);
    expect(pulumi.files.some((f) => f.name.endsWith(CLOUD_FILE))).toBe(false);
  });

  it('adds no policy violation: every rule passes on the cloud objects, and the workloads fare as without them', () => {
    const all = synthesis.files.flatMap((f) => f.objects);
    const report = (objs: readonly ManifestObject[]) =>
      evaluate(
        RULES,
        { manifests: environmentContext(objs, config, config) },
        { environment: 'prod', exceptions: [], today: '2026-11-30' },
      );
    const withCloud = report(all).violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`);
    const without = report(all.filter((o) => !isConfigConnectorObject(o))).violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`);
    expect(all.filter(isConfigConnectorObject)).toHaveLength(objects.length);
    expect(withCloud).toEqual(without);
    expect(withCloud.filter((v) => /PubSub|IAMPolicyMember|SQL|StorageBucket|SecretManagerSecret/.test(v))).toEqual([]);
  });

  it('refuses a bucket whose name would be too long, naming the service and field, and returns nothing', () => {
    const long = { ...config, gcpProject: `p-${'x'.repeat(50)}`, appDelivery: 'configsync' as const };
    // The first 15 services: the 15th has the first bucket.
    const first = syntheticCatalogue(15);
    const problems = thrown(() => synthesizeEnvironment(long, [{ app, catalogue: first.catalogue, releases: first.releases }])).problems;
    expect(problems[0]).toMatchObject({ field: 'uses.buckets[].name', value: 'assets', fix: 'shorten the bucket (or service) name' });
  });
});
