// GIVEN the Config Connector objects the platform renders for a generated catalogue that uses every
// kind of `uses` (charts/config-connector.ts), patched into what a rule must reject or may accept,
// WHEN a rule runs through `evaluate` (the path `npm run policy` takes), THEN it reports exactly
// the objects that break its guarantee; the fields it reads are those of the vendored CRDs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { syntheticEnvironment } from '../../bench/catalogue';
import { CONFIG_CONNECTOR_CRDS } from '../../charts/apiserver/crd-files';
import { appResourcePlan } from '../../charts/cloud-plan';
import { CLOUD_FILE, configConnectorObjects, IAM_API, SECRET_MANAGER_API } from '../../charts/config-connector';
import { synthesizeEnvironment } from '../../charts/environment';
import { validateObject, type ManifestObject } from '../../charts/schema';
import { loadEnvironment } from '../../core/config';
import type { EnvironmentProfile } from '../../services/spec';
import { RULES } from '../catalogue';
import { evaluate } from '../engine';
import { objectId } from '../types';
import { configConnectorRules, DATA_KINDS } from './config-connector';
import { gcpRules } from './gcp';
import { managedServiceRules } from './managed-services';

const { config, app, catalogue, releases } = syntheticEnvironment(loadEnvironment('prod'), 20);
/** What the platform renders for the app in prod: every rule accepts it. */
const rendered: readonly ManifestObject[] = configConnectorObjects(
  app,
  appResourcePlan([{ namespace: 'bench', catalogue }], config),
  config,
);

const ids = (objects: readonly ManifestObject[]) => objects.map(objectId);

function findings(ruleId: string, objects: readonly ManifestObject[], profile: EnvironmentProfile = 'prod'): string[] {
  const rule = configConnectorRules.find((r) => r.id === ruleId);
  if (rule === undefined) throw new Error(`no rule ${ruleId}`);
  const report = evaluate(
    [rule],
    { manifests: { objects, profile, allowedRegistries: [] } },
    { environment: profile, exceptions: [], today: '2026-11-30' },
  );
  return report.violations.map((v) => `${v.object}: ${v.message}`);
}

/** The first rendered object of a kind (and name suffix), to patch. */
function first(kind: string, test: (o: ManifestObject) => boolean = () => true): ManifestObject {
  const found = rendered.find((o) => o.kind === kind && test(o));
  if (found === undefined) throw new Error(`the rendered objects have no ${kind} to patch`);
  return found;
}

/** A copy of `o` with fields changed at dotted paths (`undefined` deletes). */
function patched(o: ManifestObject, changes: Record<string, unknown>): ManifestObject {
  const copy = structuredClone(o) as Record<string, unknown>;
  for (const [at, value] of Object.entries(changes)) {
    const keys = at.split('.');
    let node = copy;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    if (value === undefined) delete node[keys[keys.length - 1]];
    else node[keys[keys.length - 1]] = value;
  }
  return copy as ManifestObject;
}

/** The rendered objects with `o` replaced by its patched copy. */
function replacing(o: ManifestObject, changes: Record<string, unknown>): ManifestObject[] {
  return rendered.map((x) => (x === o ? patched(o, changes) : x));
}

const user = first('SQLUser');
const subscription = first('PubSubSubscription', (o) => !o.metadata.name.endsWith('.dead-letter'));
const keeper = first('PubSubSubscription', (o) => o.metadata.name.endsWith('.dead-letter'));
const bucket = first('StorageBucket');
const secret = first('SecretManagerSecret');
const database = first('SQLDatabase');
const grant = first('IAMPolicyMember', (o) => (o.spec as { resourceRef: { kind: string } }).resourceRef.kind === 'StorageBucket');
const id = objectId;
const ns = 'bench';
const secretVersion: ManifestObject = {
  apiVersion: SECRET_MANAGER_API,
  kind: 'SecretManagerSecretVersion',
  metadata: { name: 'api-key-1', namespace: ns },
  spec: { secretRef: { name: secret.metadata.name }, secretData: { value: 'hunter2' } },
};
const partialPolicy = (members: unknown[]): ManifestObject => ({
  apiVersion: IAM_API,
  kind: 'IAMPartialPolicy',
  metadata: { name: 'extra', namespace: ns },
  spec: { resourceRef: { kind: 'StorageBucket', name: bucket.metadata.name }, bindings: [{ role: 'roles/storage.objectViewer', members }] },
});
const policy = (members: string[], resourceRef: Record<string, unknown>): ManifestObject => ({
  apiVersion: IAM_API,
  kind: 'IAMPolicy',
  metadata: { name: 'whole', namespace: ns },
  spec: { resourceRef, bindings: [{ role: 'roles/pubsub.subscriber', members }] },
});
const ACCOUNT = (grant.spec as { member: string }).member;

interface Case {
  readonly rule: string;
  readonly what: string;
  readonly objects: readonly ManifestObject[];
  readonly profile?: EnvironmentProfile;
  readonly expected: string[];
}

const rejected: Case[] = [
  {
    rule: 'GK12-kcc-sql-iam-users',
    what: 'a built-in user with an inline password',
    objects: replacing(user, { 'spec.type': 'BUILT_IN', 'spec.password': { value: 'hunter2' } }),
    expected: [
      `${id(user)}: spec.type is "BUILT_IN": users must log in with IAM`,
      `${id(user)}: spec.password is set: the password is in the bundle or a Kubernetes Secret`,
    ],
  },
  {
    rule: 'GK12-kcc-sql-iam-users',
    what: "a user without a type (the engine's built-in user) and a password from a Secret",
    objects: replacing(user, { 'spec.type': undefined, 'spec.password': { valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } } }),
    expected: [
      `${id(user)}: spec.type is not set (the engine's built-in password user by default): users must log in with IAM`,
      `${id(user)}: spec.password is set: the password is in the bundle or a Kubernetes Secret`,
    ],
  },
  {
    rule: 'GK12-kcc-data-abandoned',
    what: 'a database, a bucket and a secret that would be deleted with their objects',
    objects: rendered.map((o) =>
      o === database
        ? patched(o, { 'metadata.annotations': { 'cnrm.cloud.google.com/project-id': 'p' } })
        : o === bucket
          ? patched(o, { 'metadata.annotations': { 'cnrm.cloud.google.com/deletion-policy': 'delete' } })
          : o === secret
            ? patched(o, { 'metadata.annotations': undefined })
            : o,
    ),
    expected: [
      `${id(database)}: metadata.annotations["cnrm.cloud.google.com/deletion-policy"] is not set: deleting the object deletes the database and its tables`,
      `${id(bucket)}: metadata.annotations["cnrm.cloud.google.com/deletion-policy"] is "delete": deleting the object deletes the bucket (and, with force-destroy, its objects)`,
      `${id(secret)}: metadata.annotations["cnrm.cloud.google.com/deletion-policy"] is not set: deleting the object deletes the secret and every version of it`,
    ],
  },
  {
    rule: 'GK14-kcc-subscription-dead-letter',
    what: 'a subscription without a dead-letter policy (so the one that kept its dead letters reads an ordinary topic)',
    objects: replacing(subscription, { 'spec.deadLetterPolicy': undefined }),
    expected: [
      `${id(keeper)}: spec.deadLetterPolicy.deadLetterTopicRef is not set on the subscription to "${keeper.metadata.name}": undeliverable messages are retried until they expire`,
      `${id(subscription)}: spec.deadLetterPolicy.deadLetterTopicRef is not set on the subscription to "${(subscription.spec as { topicRef: { name: string } }).topicRef.name}": undeliverable messages are retried until they expire`,
    ],
  },
  {
    rule: 'GK14-kcc-dead-letters-kept',
    what: 'a dead-letter topic whose keeping subscription is gone',
    objects: rendered.filter((o) => o !== keeper),
    expected: [
      `PubSubTopic/${ns}/${keeper.metadata.name}: is a dead-letter topic with no subscription: the messages it receives are dropped`,
    ],
  },
  {
    rule: 'GK14-kcc-subscription-retry-policy',
    what: 'a subscription without a retry policy',
    objects: replacing(subscription, { 'spec.retryPolicy': undefined }),
    expected: [
      `${id(subscription)}: spec.retryPolicy is not set on the subscription to "${(subscription.spec as { topicRef: { name: string } }).topicRef.name}": failed messages are redelivered as soon as possible`,
    ],
  },
  {
    rule: 'GK15-kcc-bucket-uniform-access',
    what: 'a bucket with fine-grained access',
    objects: replacing(bucket, { 'spec.uniformBucketLevelAccess': false }),
    expected: [`${id(bucket)}: spec.uniformBucketLevelAccess is false: object ACLs can grant access outside IAM`],
  },
  {
    rule: 'GK15-kcc-bucket-public-access-prevention',
    what: 'a bucket that inherits public access prevention',
    objects: replacing(bucket, { 'spec.publicAccessPrevention': undefined }),
    expected: [`${id(bucket)}: spec.publicAccessPrevention is not set ("inherited" by default): the bucket can be made public`],
  },
  {
    rule: 'GK15-kcc-bucket-prod-versioning',
    what: 'a prod bucket without versioning',
    objects: replacing(bucket, { 'spec.versioning.enabled': false }),
    expected: [`${id(bucket)}: spec.versioning.enabled is false: overwritten and deleted objects cannot be restored`],
  },
  {
    rule: 'GK16-kcc-secret-replication',
    what: 'a secret without replication',
    objects: replacing(secret, { 'spec.replication': undefined }),
    expected: [`${id(secret)}: spec.replication is not set: neither auto nor userManaged replicas`],
  },
  {
    rule: 'GK16-kcc-secret-replication',
    what: 'a secret with user-managed replication and no replica',
    objects: replacing(secret, { 'spec.replication': { userManaged: { replicas: [] } } }),
    expected: [`${id(secret)}: spec.replication is {"userManaged":{"replicas":[]}}: neither auto nor userManaged replicas`],
  },
  {
    rule: 'GK16-kcc-no-secret-data',
    what: 'a secret version with inline data',
    objects: [...rendered, secretVersion],
    expected: [
      `${id(secretVersion)}: is a version of secret "${secret.metadata.name}" with spec.secretData.value set (the value is in the bundle): the value comes from the repo or the cluster`,
    ],
  },
  {
    rule: 'GK16-kcc-no-secret-data',
    what: 'a secret version that reads a Kubernetes Secret',
    objects: [...rendered, patched(secretVersion, { 'spec.secretData': { valueFrom: { secretKeyRef: { name: 'k', key: 'v' } } } })],
    expected: [
      `${id(secretVersion)}: is a version of secret "${secret.metadata.name}" reading spec.secretData.valueFrom {"secretKeyRef":{"name":"k","key":"v"}}: the value comes from the repo or the cluster`,
    ],
  },
  {
    rule: 'GK08-kcc-no-public-grants',
    what: 'a bucket granted to allUsers, and an IAMPartialPolicy to allAuthenticatedUsers',
    objects: [
      ...replacing(grant, { 'spec.member': 'allUsers' }),
      partialPolicy([{ member: ACCOUNT }, { member: 'allAuthenticatedUsers' }]),
    ],
    expected: [
      `${id(grant)}: grants roles/storage.objectUser on StorageBucket "${bucket.metadata.name}" to allUsers`,
      `IAMPartialPolicy/${ns}/extra: grants roles/storage.objectViewer on StorageBucket "${bucket.metadata.name}" to allAuthenticatedUsers`,
    ],
  },
  {
    rule: 'GK08-kcc-no-public-grants',
    what: 'an IAMPolicy (members as strings) to allUsers',
    objects: [...rendered, policy(['allUsers'], { kind: 'PubSubSubscription', name: subscription.metadata.name })],
    expected: [`IAMPolicy/${ns}/whole: grants roles/pubsub.subscriber on PubSubSubscription "${subscription.metadata.name}" to allUsers`],
  },
  {
    rule: 'GK08-kcc-resource-level-grants',
    what: "grants on an external project, on the namespace's project, on a folder and on an organization",
    objects: [
      ...replacing(grant, { 'spec.resourceRef': { kind: 'Project', external: 'projects/p' } }),
      patched(partialPolicy([{ memberFrom: { serviceAccountRef: { name: 'sa' } } }]), {
        'spec.resourceRef': { kind: 'Folder', external: 'folders/1' },
      }),
      policy([ACCOUNT], { kind: 'Project' }),
      patched(policy([ACCOUNT], { kind: 'Organization', external: '1' }), { 'metadata.name': 'org' }),
    ],
    expected: [
      `${id(grant)}: grants roles/storage.objectUser to ${ACCOUNT} on the whole Project "projects/p": grant it on the resource instead`,
      `IAMPartialPolicy/${ns}/extra: grants roles/storage.objectViewer to (a referenced account) on the whole Folder "folders/1": grant it on the resource instead`,
      `IAMPolicy/${ns}/whole: grants roles/pubsub.subscriber to ${ACCOUNT} on the whole Project (the namespace's): grant it on the resource instead`,
      `IAMPolicy/${ns}/org: grants roles/pubsub.subscriber to ${ACCOUNT} on the whole Organization "1": grant it on the resource instead`,
    ],
  },
];

const accepted: Case[] = [
  {
    rule: 'GK12-kcc-sql-iam-users',
    what: 'a CLOUD_IAM_USER',
    objects: replacing(user, { 'spec.type': 'CLOUD_IAM_USER' }),
    expected: [],
  },
  {
    rule: 'GK14-kcc-subscription-dead-letter',
    what: 'a subscription that keeps dead letters (it reads a dead-letter topic), without one of its own',
    objects: rendered,
    expected: [],
  },
  {
    rule: 'GK14-kcc-subscription-dead-letter',
    what: 'a dead-letter topic given as an external reference, kept by a subscription to the same reference',
    objects: rendered.map((o) =>
      o === subscription
        ? patched(o, { 'spec.deadLetterPolicy.deadLetterTopicRef': { external: 'projects/p/topics/dlq' } })
        : o === keeper
          ? patched(o, { 'spec.topicRef': { external: 'projects/p/topics/dlq' } })
          : o,
    ),
    expected: [],
  },
  {
    rule: 'GK14-kcc-dead-letters-kept',
    what: 'a dead-letter topic outside the bundle (external): it may be read elsewhere',
    objects: [...replacing(subscription, { 'spec.deadLetterPolicy.deadLetterTopicRef': { external: 'projects/p/topics/dlq' } })],
    expected: [],
  },
  {
    rule: 'GK14-kcc-dead-letters-kept',
    what: "a dead-letter topic read by a subscription that names the topic's namespace explicitly",
    objects: replacing(keeper, { 'spec.topicRef.namespace': ns }),
    expected: [],
  },
  {
    rule: 'GK14-kcc-subscription-retry-policy',
    what: 'an empty retry policy (Pub/Sub backs off with its defaults)',
    objects: replacing(subscription, { 'spec.retryPolicy': {} }),
    expected: [],
  },
  {
    rule: 'GK15-kcc-bucket-prod-versioning',
    what: 'a bucket without versioning in dev',
    objects: replacing(bucket, { 'spec.versioning.enabled': false }),
    profile: 'dev',
    expected: [],
  },
  {
    rule: 'GK16-kcc-secret-replication',
    what: "user-managed replicas, and Config Connector's older automatic: true",
    objects: [
      ...replacing(secret, { 'spec.replication': { userManaged: { replicas: [{ location: 'europe-west1' }] } } }),
      patched(secret, { 'metadata.name': 'other', 'spec.replication': { automatic: true } }),
    ],
    expected: [],
  },
  {
    rule: 'GK08-kcc-resource-level-grants',
    what: 'a grant on a referenced service account (not the hierarchy)',
    objects: replacing(grant, { 'spec.resourceRef': { kind: 'IAMServiceAccount', name: 'sa' } }),
    expected: [],
  },
];

describe('the Config Connector rules', () => {
  it.each(configConnectorRules.flatMap((r) => (['dev', 'prod'] as const).map((profile) => ({ id: r.id, profile }))))(
    '$id accepts the rendered objects in $profile',
    ({ id: ruleId, profile }) => {
      expect(findings(ruleId, rendered, profile)).toEqual([]);
    },
  );

  it.each(rejected)('$rule rejects $what', ({ rule, objects, profile, expected }) => {
    expect(findings(rule, objects, profile)).toEqual(expected);
  });

  it.each(accepted)('$rule accepts $what', ({ rule, objects, profile, expected }) => {
    expect(findings(rule, objects, profile)).toEqual(expected);
  });

  it('has a rejecting case for every rule', () => {
    expect(configConnectorRules.map((r) => r.id).filter((r) => !rejected.some((c) => c.rule === r))).toEqual([]);
  });

  it('rejects only objects the CRDs accept: each failing case is a valid Config Connector object, so only the policy stands in the way', () => {
    for (const c of rejected)
      expect({ what: c.what, problems: c.objects.flatMap((o) => validateObject(o, 'bench/_cloud.yaml')) }).toEqual({
        what: c.what,
        problems: [],
      });
  });

  it('gives each rule a -kcc- id prefixed by a catalogue entry, beside the twin whose severity and enforcement it keeps', () => {
    const twins = new Map([...managedServiceRules, ...gcpRules].map((r) => [r.id, r]));
    for (const rule of configConnectorRules) {
      expect(rule.id).toMatch(/^[A-Z]{2}\d{2}-kcc-[a-z0-9-]+$/);
      expect(rule.catalogue).toContain(rule.id.split('-')[0]);
      expect(rule.target).toBe('manifests');
      const twin = twins.get(rule.id.replace('-kcc-', '-'));
      if (twin !== undefined)
        expect([rule.severity, rule.enforcement, rule.catalogue]).toEqual([twin.severity, twin.enforcement, twin.catalogue]);
    }
    expect(configConnectorRules.filter((r) => r.enforcement === 'advisory').map((r) => r.id)).toEqual([
      'GK14-kcc-dead-letters-kept',
      'GK14-kcc-subscription-retry-policy',
      'GK15-kcc-bucket-prod-versioning',
    ]);
    expect(RULES.filter((r) => r.id.includes('-kcc-'))).toEqual(configConnectorRules);
  });
});

describe('an environment delivered through Config Sync', () => {
  it.each(['dev', 'prod'] as const)('passes every Config Connector rule on the cloud objects it synthesizes in %s', (stack) => {
    const env = {
      ...loadEnvironment(stack),
      apps: [app],
      allowedRegistries: config.allowedRegistries,
      teams: config.teams,
      appDelivery: 'configsync' as const,
    };
    const synthesis = synthesizeEnvironment(env, [{ app, catalogue, releases }]);
    const cloud = synthesis.files.find((f) => f.name === `${app.name}/${CLOUD_FILE}`)?.objects ?? [];
    expect(new Set(cloud.map((o) => o.kind))).toEqual(
      new Set(['PubSubTopic', 'PubSubSubscription', 'IAMPolicyMember', 'SQLDatabase', 'SQLUser', 'StorageBucket', 'SecretManagerSecret']),
    );
    const report = evaluate(
      configConnectorRules,
      { manifests: { objects: synthesis.files.flatMap((f) => f.objects), profile: env.profile, allowedRegistries: env.allowedRegistries } },
      { environment: stack, exceptions: [], today: '2026-11-30' },
    );
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(ids(cloud).length).toBeGreaterThan(20);
  });
});

// ---------------------------------------------------------------------------------------
// The fields the rules read, in Config Connector's CRDs at the vendored tag

type Schema = { properties?: Record<string, Schema>; items?: Schema; type?: string; description?: string };

/** The served, stored version's spec schema of a vendored CRD (`<plural>.<group>`). */
function specSchema(crd: string): Schema {
  const doc = parse(
    fs.readFileSync(path.join(CONFIG_CONNECTOR_CRDS, `apiextensions.k8s.io_v1_customresourcedefinition_${crd}.yaml`), 'utf8'),
  ) as {
    spec: { versions: Array<{ name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Schema } }> };
  };
  const version = doc.spec.versions.find((v) => v.served && v.storage);
  return version?.schema.openAPIV3Schema.properties?.spec ?? {};
}

/** The schema at a path of property names (`[]` steps into array items). */
function at(schema: Schema, dotted: string): Schema | undefined {
  return dotted.split('.').reduce<Schema | undefined>((s, key) => (key === '[]' ? s?.items : s?.properties?.[key]), schema);
}

describe("the fields the rules read are Config Connector's (CRDs vendored at v1.155.1)", () => {
  it.each([
    ['sqlusers.sql', ['type', 'password.value', 'password.valueFrom']],
    [
      'pubsubsubscriptions.pubsub',
      [
        'topicRef.name',
        'topicRef.namespace',
        'topicRef.external',
        'deadLetterPolicy.deadLetterTopicRef.name',
        'deadLetterPolicy.deadLetterTopicRef.namespace',
        'deadLetterPolicy.deadLetterTopicRef.external',
        'retryPolicy.minimumBackoff',
      ],
    ],
    ['storagebuckets.storage', ['uniformBucketLevelAccess', 'publicAccessPrevention', 'versioning.enabled', 'lifecycleRule']],
    ['secretmanagersecrets.secretmanager', ['replication.auto', 'replication.automatic', 'replication.userManaged.replicas.[].location']],
    [
      'secretmanagersecretversions.secretmanager',
      ['secretRef.name', 'secretRef.external', 'secretData.value', 'secretData.valueFrom.secretKeyRef'],
    ],
    ['iampolicymembers.iam', ['member', 'role', 'resourceRef.kind', 'resourceRef.name', 'resourceRef.external']],
    ['iampartialpolicies.iam', ['resourceRef.kind', 'bindings.[].role', 'bindings.[].members.[].member']],
    ['iampolicies.iam', ['resourceRef.kind', 'bindings.[].role', 'bindings.[].members.[]']],
  ])('%s declares %p', (crd, fields) => {
    const spec = specSchema(`${crd}.cnrm.cloud.google.com`);
    expect(fields.filter((f) => at(spec, f) === undefined)).toEqual([]);
  });

  it('types the values the rules compare: booleans, IAMPolicy members as strings, SQLUser types including the IAM ones', () => {
    expect(at(specSchema('storagebuckets.storage.cnrm.cloud.google.com'), 'uniformBucketLevelAccess')?.type).toBe('boolean');
    expect(at(specSchema('secretmanagersecrets.secretmanager.cnrm.cloud.google.com'), 'replication.automatic')?.type).toBe('boolean');
    expect(at(specSchema('iampolicies.iam.cnrm.cloud.google.com'), 'bindings.[].members.[]')?.type).toBe('string');
    const type = at(specSchema('sqlusers.sql.cnrm.cloud.google.com'), 'type')?.description ?? '';
    for (const value of ['BUILT_IN', 'CLOUD_IAM_USER', 'CLOUD_IAM_SERVICE_ACCOUNT']) expect(type).toContain(`"${value}"`);
  });

  it('knows every data kind, the IAM grant kinds and secret versions as vendored CRDs', () => {
    const kinds = new Set(
      fs
        .readdirSync(CONFIG_CONNECTOR_CRDS)
        .map(
          (f) =>
            (parse(fs.readFileSync(path.join(CONFIG_CONNECTOR_CRDS, f), 'utf8')) as { spec: { names: { kind: string } } }).spec.names.kind,
        ),
    );
    for (const k of [...DATA_KINDS.map((d) => d.kind), 'IAMPolicyMember', 'IAMPartialPolicy', 'IAMPolicy', 'SecretManagerSecretVersion'])
      expect(kinds).toContain(k);
  });
});
