import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { syntheticEnvironment } from '../bench/catalogue';
import { CONFIG_CONNECTOR_OPERATOR_CRDS } from '../charts/apiserver/crd-files';
import { appResourcePlan } from '../charts/cloud-plan';
import { CONFIG_CONNECTOR_FACTS, configConnectorObjects } from '../charts/config-connector';
import { validateObject } from '../charts/schema';
import { loadEnvironment } from '../core/config';
import { configConnectorContext, configConnectorObject } from './config-connector';
import { ConfigConnectorIdentity, configConnectorIdentityPlan } from './config-connector-identity';
import { recordPlatformStack, recordResources, registered, type Recording } from './offline/engine';
import { definePlatform } from './platform';

// GIVEN prod (Config Sync, two regions) hosting a 20-service generated catalogue whose services use
// Pub/Sub, PostgreSQL, a bucket and a secret, as app `bench`
const { config, app, catalogue, releases } = syntheticEnvironment(loadEnvironment('prod'), 20);

let recording: Recording;
beforeAll(async () => {
  // WHEN the whole program runs under mocks
  recording = recordPlatformStack(config);

  definePlatform({ config, apps: [{ app, catalogue, releases }] });
  await registered();
});

describe('a Config Sync stack whose services use Google resources', () => {
  it("turns on GKE's Config Connector add-on in the primary region's cluster only", () => {
    const addons = Object.fromEntries(
      recording
        .ofType('gcp:container/cluster:Cluster')
        .map((c) => [c.inputs.name, (c.inputs.addonsConfig as Record<string, unknown>).configConnectorConfig]),
    );
    expect(addons).toEqual({ 'platform-prod': { enabled: true }, 'platform-prod-europe-west4': undefined });
  });

  it('runs Config Connector namespaced there, the app acting as its own Google account, both objects valid against the operator CRDs', () => {
    const operator = recording.one('kubernetes:core.cnrm.cloud.google.com/v1beta1:ConfigConnector');
    const context = recording.one('kubernetes:core.cnrm.cloud.google.com/v1beta1:ConfigConnectorContext');
    // Through the primary cluster's provider: `<urn>::<id>`, the URN ending in the provider's name.
    const providerName = (ref?: string) => ref?.split('::').at(-2);
    expect([operator.provider, context.provider].map(providerName)).toEqual(['platform-prod-k8s', 'platform-prod-k8s']);
    expect(operator.inputs).toMatchObject({ metadata: { name: CONFIG_CONNECTOR_FACTS.configConnectorName }, spec: { mode: 'namespaced' } });
    expect(context.inputs).toMatchObject({
      metadata: { name: CONFIG_CONNECTOR_FACTS.configConnectorContextName, namespace: 'bench' },
      spec: { googleServiceAccount: 'cc-bench-prod@replace-me-platform-prod.iam.gserviceaccount.com' },
    });
    for (const o of [configConnectorObject(), configConnectorContext('bench', 'prod', 'p')]) expect(validateObject(o, 'x')).toEqual([]);
    // The operator accepts only these names (operator/pkg/apis/core/v1beta1/constants.go).
    const crds = fs
      .readdirSync(CONFIG_CONNECTOR_OPERATOR_CRDS)
      .flatMap((f) =>
        parseAllDocuments(fs.readFileSync(path.join(CONFIG_CONNECTOR_OPERATOR_CRDS, f), 'utf8')).map(
          (d) => d.toJS() as { spec: { names: { kind: string }; scope: string } },
        ),
      );
    expect(Object.fromEntries(crds.map((c) => [c.spec.names.kind, c.spec.scope]))).toEqual({
      ConfigConnector: 'Cluster',
      ConfigConnectorContext: 'Namespaced',
    });
  });

  it("syncs the app's cloud objects in the primary cluster only, after its context exists, with the reconciler allowed those kinds there only", () => {
    const primarySync = recording.one('kubernetes:configsync.gke.io/v1beta1:RepoSync', 'prod-configsync-synthetic-20-reposync');
    const otherSync = recording.one('kubernetes:configsync.gke.io/v1beta1:RepoSync', 'prod-configsync-europe-west4-synthetic-20-reposync');
    expect((primarySync.inputs.spec as { oci: { dir?: string } }).oci.dir).toBeUndefined();
    expect((otherSync.inputs.spec as { oci: { dir?: string } }).oci.dir).toBe('workloads');
    const context = recording.one('kubernetes:core.cnrm.cloud.google.com/v1beta1:ConfigConnectorContext');
    expect(recording.dependsOn(primarySync, context)).toBe(true);
    const groups = (name: string) =>
      (recording.one('kubernetes:rbac.authorization.k8s.io/v1:Role', name).inputs.rules as Array<{ apiGroups: string[] }>).flatMap(
        (r) => r.apiGroups,
      );
    expect(groups('prod-configsync-synthetic-20-role')).toEqual(
      expect.arrayContaining(['iam.cnrm.cloud.google.com', 'pubsub.cnrm.cloud.google.com', 'sql.cnrm.cloud.google.com']),
    );
    expect(groups('prod-configsync-europe-west4-synthetic-20-role').filter((g) => g.endsWith('.cnrm.cloud.google.com'))).toEqual([]);
  });

  it('leaves to Pulumi only what Config Connector cannot hand to a pod: the Cloud SQL instance (no topic, subscription, database, bucket or secret)', () => {
    const types = new Set(recording.resources.map((r) => r.type));
    for (const t of [
      'gcp:pubsub/topic:Topic',
      'gcp:pubsub/subscription:Subscription',
      'gcp:pubsub/topicIAMMember:TopicIAMMember',
      'gcp:sql/database:Database',
      'gcp:sql/user:User',
      'gcp:storage/bucket:Bucket',
      'gcp:secretmanager/secret:Secret',
    ])
      expect([t, types.has(t)]).toEqual([t, false]);
    expect(recording.one('gcp:sql/databaseInstance:DatabaseInstance').inputs).toMatchObject({ name: 'prod-postgres' });
  });
});

describe("Config Connector's accounts (bootstrap)", () => {
  it('are one per app that uses anything, with the admin roles of what it uses, acting through its namespace controller; the Pub/Sub agent may dead-letter', async () => {
    const plan = configConnectorIdentityPlan(
      [
        { namespace: 'bench', catalogue },
        { namespace: 'empty', catalogue: { ...catalogue, services: [] } },
      ],
      'prod',
      'p',
    );
    expect(plan).toEqual({
      accounts: [
        { namespace: 'bench', roles: ['roles/cloudsql.admin', 'roles/pubsub.admin', 'roles/secretmanager.admin', 'roles/storage.admin'] },
      ],
      pubsubAgent: true,
    });
    const identity = recordResources({ stack: 'prod', gcpProject: 'p' });
    new ConfigConnectorIdentity('prod-config-connector', { project: 'p', stack: 'prod', plan });
    await registered();
    expect(identity.one('gcp:serviceaccount/account:Account').inputs).toMatchObject({ accountId: 'cc-bench-prod' });
    expect(identity.one('gcp:serviceaccount/iAMMember:IAMMember').inputs).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:p.svc.id.goog[cnrm-system/cnrm-controller-manager-bench]',
    });
    const projectRoles = identity.ofType('gcp:projects/iAMMember:IAMMember').map((r) => r.inputs.role);
    expect(projectRoles.sort()).toEqual([
      'roles/cloudsql.admin',
      'roles/pubsub.admin',
      'roles/pubsub.publisher',
      'roles/pubsub.subscriber',
      'roles/secretmanager.admin',
      'roles/storage.admin',
    ]);
  });

  it('cover exactly the apps whose bundles carry Config Connector objects', () => {
    const resourcePlan = appResourcePlan([{ namespace: 'bench', catalogue }], config);
    const withObjects = configConnectorObjects(app, resourcePlan, config).length > 0;
    const accounts = configConnectorIdentityPlan([{ namespace: 'bench', catalogue }], 'prod', config.gcpProject).accounts;
    expect(withObjects).toBe(true);
    expect(accounts.map((a) => a.namespace)).toEqual(['bench']);
    // An app whose services use only Redis (which stays with Pulumi) has neither objects nor an account.
    const redisOnly = { ...catalogue, services: catalogue.services.filter((s) => s.spec.name === 'svc-0001') };
    expect(configConnectorObjects(app, appResourcePlan([{ namespace: 'bench', catalogue: redisOnly }], config), config)).toEqual([]);
    expect(configConnectorIdentityPlan([{ namespace: 'bench', catalogue: redisOnly }], 'prod', 'p').accounts).toEqual([]);
  });
});
