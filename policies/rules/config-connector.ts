/**
 * The managed-service rules on Config Connector objects: under `platform:appDelivery: configsync`
 * a service's `uses` is not Pulumi resources but objects of its app's bundle (`<app>/_cloud.yaml`,
 * charts/config-connector.ts), which Config Sync applies and Config Connector turns into Google
 * resources. Each `-kcc-` rule holds the guarantee of its Pulumi twin (GK08, GK12, GK14-GK16: same
 * decision, from managed-service-checks.ts, same severity and enforcement) on those objects, plus
 * one the Pulumi delivery gets from deletion protection: data is abandoned, never deleted, with its
 * object.
 *
 * Kinds and fields are Config Connector's at the vendored release (vendor/k8s-config-connector,
 * the CRDs; policies/rules/config-connector.test.ts holds them): `spec.type` and `spec.password` of
 * SQLUser; `spec.topicRef`, `spec.deadLetterPolicy.deadLetterTopicRef` (`name` and `namespace`, or
 * `external`) and `spec.retryPolicy` of PubSubSubscription; `spec.uniformBucketLevelAccess`,
 * `spec.publicAccessPrevention` and `spec.versioning.enabled` of StorageBucket;
 * `spec.replication.{auto,automatic,userManaged.replicas}` of SecretManagerSecret; `spec.secretData`
 * of SecretManagerSecretVersion; `spec.member`, `spec.role` and `spec.resourceRef` of
 * IAMPolicyMember, and `spec.bindings[].{role,members}` of IAMPartialPolicy (members as
 * `{member}`) and IAMPolicy (members as strings).
 */
import type { ManifestObject } from '../../charts/schema';
import { CONFIG_CONNECTOR_FACTS, IAM_API, PUBSUB_API, SECRET_MANAGER_API, SQL_API, STORAGE_API } from '../../charts/config-connector';
import { items, namespaceOf, obj, specOf, str, valueAt, type ObjectIndex } from '../objects';
import type { Finding, ManifestRule, RuleInfo } from '../types';
import { finding, manifestRule } from './define';
import { gcpRules } from './gcp';
import { asArray, show } from './gcp-resources';
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
import { managedServiceRules } from './managed-services';

const group = (apiVersion: string): string => apiVersion.slice(0, apiVersion.indexOf('/'));
const PUBSUB = group(PUBSUB_API);
const IAM = group(IAM_API);
const SQL = group(SQL_API);
const STORAGE = group(STORAGE_API);
const SECRET_MANAGER = group(SECRET_MANAGER_API);

/** A rule's info with its Pulumi twin's severity, enforcement and catalogue entries: the same guarantee, on the other delivery. */
function twinOf(twinId: string, info: Pick<RuleInfo, 'id' | 'description' | 'why' | 'fix'>): RuleInfo {
  const twin = [...managedServiceRules, ...gcpRules].find((r) => r.id === twinId);
  if (twin === undefined) throw new Error(`policies/rules/config-connector.ts: ${info.id} names twin ${twinId}, which is not a rule`);
  return { ...info, severity: twin.severity, enforcement: twin.enforcement, catalogue: twin.catalogue };
}

/** Findings from a check of each object of a Config Connector kind. */
function perObject(kind: string, apiGroup: string, check: (o: ManifestObject, spec: Record<string, unknown>) => readonly string[]) {
  return (index: ObjectIndex): Finding[] =>
    index.ofKind(kind, apiGroup).flatMap((o) => check(o, specOf(o)).map((message) => finding(o, message)));
}

// ---------------------------------------------------------------------------------------
// GK12 Cloud SQL

const sqlIamUsers = manifestRule(
  twinOf('GK12-sql-iam-users', {
    id: 'GK12-kcc-sql-iam-users',
    description:
      'Config Connector SQLUsers log in with IAM (spec.type CLOUD_IAM_SERVICE_ACCOUNT, CLOUD_IAM_USER or another CLOUD_IAM_* type), never with a password (spec.password).',
    why: "A built-in user needs a password: inline (spec.password.value) it is in the repository and every bundle pushed to the registry; from a Kubernetes Secret (valueFrom) someone must create, rotate and hand it to the workload. An IAM user logs in as the service's Google account with short-lived tokens.",
    fix: 'Set spec.type: CLOUD_IAM_SERVICE_ACCOUNT with the service account email without .gserviceaccount.com as spec.resourceID, and remove spec.password (the platform does this for `uses.postgres`).',
  }),
  (_ctx, index) =>
    perObject('SQLUser', SQL, (_o, spec) =>
      sqlUserProblems('spec.type', spec.type, { 'spec.password': spec.password }, 'the bundle or a Kubernetes Secret'),
    )(index),
);

// ---------------------------------------------------------------------------------------
// GK14 Pub/Sub

/** A topic reference (`topicRef`, `deadLetterTopicRef`) as a key: `<namespace>/<name>` of a PubSubTopic (the referrer's namespace by default), or `external:<id>`. */
function topicKey(ref: unknown, referrer: ManifestObject): string | undefined {
  const r = obj(ref);
  const name = str(r.name);
  if (name !== undefined && name !== '') return `${str(r.namespace) ?? namespaceOf(referrer)}/${name}`;
  const external = str(r.external);
  return external === undefined || external === '' ? undefined : `external:${external}`;
}

/** GK14's view of the run's subscriptions (built once per rule run: linear in the subscriptions). */
function pubsubView(index: ObjectIndex) {
  const subscriptions = index.ofKind('PubSubSubscription', PUBSUB).map((s) => {
    const spec = specOf(s);
    const topics: SubscriptionTopics<string> = {
      topic: topicKey(spec.topicRef, s),
      deadLetterTopic: topicKey(valueAt(spec, ['deadLetterPolicy', 'deadLetterTopicRef']), s),
    };
    return { s, spec, topics };
  });
  return { subscriptions, view: deadLetterView(subscriptions.map((x) => x.topics)) };
}

const topicName = (spec: Record<string, unknown>): string => show(obj(spec.topicRef).name ?? obj(spec.topicRef).external);

const subscriptionDeadLetter = manifestRule(
  twinOf('GK14-subscription-dead-letter', {
    id: 'GK14-kcc-subscription-dead-letter',
    description:
      'Every Config Connector PubSubSubscription has a dead-letter topic (spec.deadLetterPolicy.deadLetterTopicRef), except those that read a dead-letter topic.',
    why: 'Without one, a message the consumer can never process is redelivered until it expires, blocking ordered keys and hiding the failure; a dead-letter topic sets it aside where it can be inspected and replayed.',
    fix: 'Set spec.deadLetterPolicy: { deadLetterTopicRef: { name: <PubSubTopic> }, maxDeliveryAttempts: 5 } (the platform does this for `uses.consumes`).',
  }),
  (_ctx, index) => {
    const { subscriptions, view } = pubsubView(index);
    return subscriptions
      .filter(({ topics }) => topics.deadLetterTopic === undefined && !view.readsDeadLetters(topics))
      .map(({ s, spec }) =>
        finding(
          s,
          `spec.deadLetterPolicy.deadLetterTopicRef is ${show(valueAt(spec, ['deadLetterPolicy', 'deadLetterTopicRef']))} on the subscription to ${topicName(spec)}: undeliverable messages are retried until they expire`,
        ),
      );
  },
);

const deadLettersKept = manifestRule(
  twinOf('GK14-dead-letters-kept', {
    id: 'GK14-kcc-dead-letters-kept',
    description: 'Every Config Connector PubSubTopic that is a dead-letter topic has a PubSubSubscription that keeps its messages.',
    why: 'Pub/Sub drops messages published to a topic with no subscription: a dead-letter topic without one silently deletes every message it receives.',
    fix: 'Add a PubSubSubscription with spec.topicRef to the dead-letter topic and a long spec.messageRetentionDuration (e.g. "604800s").',
  }),
  (_ctx, index) =>
    // Only topics of the run: an external reference, or a topic of another bundle, may be read elsewhere.
    pubsubView(index).view.unread.flatMap((key) => {
      const slash = key.indexOf('/');
      const topic = key.startsWith('external:') ? undefined : index.find('PubSubTopic', key.slice(0, slash), key.slice(slash + 1));
      return topic === undefined
        ? []
        : [finding(topic, 'is a dead-letter topic with no subscription: the messages it receives are dropped')];
    }),
);

const subscriptionRetryPolicy = manifestRule(
  twinOf('GK14-subscription-retry-policy', {
    id: 'GK14-kcc-subscription-retry-policy',
    description:
      'Every Config Connector PubSubSubscription has a retry policy (spec.retryPolicy), except those that read a dead-letter topic.',
    why: 'Without one, a nacked or expired message is redelivered as soon as possible: a failing consumer gets the same messages again at once instead of backing off exponentially.',
    fix: 'Set spec.retryPolicy: { minimumBackoff: "10s", maximumBackoff: "600s" } (any values from 0s to 600s).',
  }),
  (_ctx, index) => {
    const { subscriptions, view } = pubsubView(index);
    return subscriptions
      .filter(({ spec, topics }) => !hasRetryPolicy(spec.retryPolicy) && !view.readsDeadLetters(topics))
      .map(({ s, spec }) =>
        finding(
          s,
          `spec.retryPolicy is not set on the subscription to ${topicName(spec)}: failed messages are redelivered as soon as possible`,
        ),
      );
  },
);

// ---------------------------------------------------------------------------------------
// GK15 Cloud Storage

const bucketUniformAccess = manifestRule(
  twinOf('GK15-bucket-uniform-access', {
    id: 'GK15-kcc-bucket-uniform-access',
    description: 'Config Connector StorageBuckets use uniform bucket-level access (spec.uniformBucketLevelAccess: true).',
    why: 'With fine-grained access, object ACLs grant access beside IAM, invisible in the IAM policy and easy to make public by accident; uniform access makes IAM on the bucket the only way in.',
    fix: 'Set spec.uniformBucketLevelAccess: true and grant access with an IAMPolicyMember on the bucket.',
  }),
  (_ctx, index) =>
    perObject('StorageBucket', STORAGE, (_o, spec) =>
      bucketUniformAccessProblem('spec.uniformBucketLevelAccess', spec.uniformBucketLevelAccess),
    )(index),
);

const bucketPublicAccessPrevention = manifestRule(
  twinOf('GK15-bucket-public-access-prevention', {
    id: 'GK15-kcc-bucket-public-access-prevention',
    description: 'Config Connector StorageBuckets enforce public access prevention (spec.publicAccessPrevention: "enforced").',
    why: 'The default ("inherited") relies on an organization policy the project may not have; "enforced" makes any grant to allUsers or allAuthenticatedUsers fail, whoever adds it.',
    fix: 'Set spec.publicAccessPrevention: "enforced" on the StorageBucket.',
  }),
  (_ctx, index) =>
    perObject('StorageBucket', STORAGE, (_o, spec) =>
      bucketPublicAccessPreventionProblem('spec.publicAccessPrevention', spec.publicAccessPrevention),
    )(index),
);

const bucketProdVersioning = manifestRule(
  twinOf('GK15-bucket-prod-versioning', {
    id: 'GK15-kcc-bucket-prod-versioning',
    description: 'In prod, Config Connector StorageBuckets keep object versions (spec.versioning.enabled: true).',
    why: 'Without versioning an overwrite or a delete (a bug, a compromised service) loses the previous data for good; with it the noncurrent version can be restored.',
    fix: 'Set spec.versioning: { enabled: true } on the prod StorageBucket, with a spec.lifecycleRule that deletes old noncurrent versions.',
  }),
  (ctx, index) =>
    ctx.profile !== 'prod'
      ? []
      : perObject('StorageBucket', STORAGE, (_o, spec) =>
          bucketVersioningProblem('spec.versioning.enabled', valueAt(spec, ['versioning', 'enabled'])),
        )(index),
);

// ---------------------------------------------------------------------------------------
// GK16 Secret Manager

const secretReplication = manifestRule(
  twinOf('GK16-secret-replication', {
    id: 'GK16-kcc-secret-replication',
    description:
      'Every Config Connector SecretManagerSecret declares its replication (spec.replication.auto, or spec.replication.userManaged with replicas).',
    why: 'The replication decides where the secret value is stored: automatic replication keeps it available in every region; user-managed pins it to named regions for data residency.',
    fix: 'Set spec.replication: { auto: {} }, or spec.replication: { userManaged: { replicas: [{ location: "<region>" }] } }.',
  }),
  (_ctx, index) =>
    perObject('SecretManagerSecret', SECRET_MANAGER, (_o, spec) => {
      const replication = obj(spec.replication);
      const declared = replicationDeclared({
        auto: replication.auto,
        automatic: replication.automatic,
        replicas: asArray(valueAt(replication, ['userManaged', 'replicas'])),
      });
      return declared ? [] : [`spec.replication is ${show(spec.replication)}: neither auto nor userManaged replicas`];
    })(index),
);

const noSecretVersions = manifestRule(
  twinOf('GK16-no-secret-data', {
    id: 'GK16-kcc-no-secret-data',
    description: 'No bundle holds a Config Connector SecretManagerSecretVersion: secrets are created empty and filled outside the repo.',
    why: "A version's value is inline (spec.secretData.value: in the repository and in every bundle pushed to the registry) or read from a Kubernetes Secret (spec.secretData.valueFrom) that something in the pipeline must create. Filled outside the repo, the value never meets the pipeline.",
    fix: 'Remove the SecretManagerSecretVersion; add the value with `gcloud secrets versions add <secret id> --data-file=-` (an operator, or the system that owns the credential).',
  }),
  (_ctx, index) =>
    perObject('SecretManagerSecretVersion', SECRET_MANAGER, (_o, spec) => {
      const data = obj(spec.secretData);
      const source =
        data.value !== undefined
          ? ' with spec.secretData.value set (the value is in the bundle)'
          : data.valueFrom !== undefined
            ? ` reading spec.secretData.valueFrom ${show(data.valueFrom)}`
            : '';
      return [
        `is a version of secret ${show(obj(spec.secretRef).name ?? obj(spec.secretRef).external)}${source}: the value comes from the repo or the cluster`,
      ];
    })(index),
);

// ---------------------------------------------------------------------------------------
// GK08 IAM grants

/** One grant of a Config Connector IAM object: a role, its principals (references to accounts are left out: they are never public), and what it is on. */
interface KccGrant {
  readonly object: ManifestObject;
  readonly role: string;
  readonly members: readonly string[];
  readonly resourceRef: Record<string, unknown>;
}

/** Every grant of the run's IAMPolicyMember, IAMPartialPolicy and IAMPolicy objects. */
function kccGrants(index: ObjectIndex): KccGrant[] {
  const member = (o: ManifestObject): KccGrant[] => {
    const spec = specOf(o);
    const m = str(spec.member);
    return [{ object: o, role: str(spec.role) ?? '(no role)', members: m === undefined ? [] : [m], resourceRef: obj(spec.resourceRef) }];
  };
  const policy = (o: ManifestObject): KccGrant[] => {
    const spec = specOf(o);
    return items(spec.bindings).map((b) => ({
      object: o,
      role: str(b.role) ?? '(no role)',
      // IAMPartialPolicy lists { member } (or memberFrom); IAMPolicy lists the strings.
      members: asArray(b.members).flatMap((m) => {
        const value = typeof m === 'string' ? m : str(obj(m).member);
        return value === undefined ? [] : [value];
      }),
      resourceRef: obj(spec.resourceRef),
    }));
  };
  return [
    ...index.ofKind('IAMPolicyMember', IAM).flatMap(member),
    ...index.ofKind('IAMPartialPolicy', IAM).flatMap(policy),
    ...index.ofKind('IAMPolicy', IAM).flatMap(policy),
  ];
}

/** What a grant is on, as messages name it: `PubSubTopic "orders"`, `Project "projects/p"`, or `Project (the namespace's)`. */
function target(ref: Record<string, unknown>): string {
  const name = ref.external ?? ref.name;
  return `${str(ref.kind) ?? '(no kind)'} ${name === undefined ? "(the namespace's)" : show(name)}`;
}

const noPublicGrants = manifestRule(
  {
    id: 'GK08-kcc-no-public-grants',
    description:
      'No Config Connector IAM object (IAMPolicyMember, IAMPartialPolicy, IAMPolicy) grants anything to allUsers or allAuthenticatedUsers.',
    why: "A public grant exposes the resource (every object of a bucket, every message of a subscription, a secret's value) to the whole internet, or lets anyone write to it; a service's resources are for that service.",
    fix: "Remove the member; grant the service's own Google service account (spec.member: serviceAccount:<email>) on the resource.",
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['GK08', 'GK15'],
  },
  (_ctx, index) =>
    kccGrants(index).flatMap((g) =>
      publicMembers(g.members).map((m) => finding(g.object, `grants ${g.role} on ${target(g.resourceRef)} to ${m}`)),
    ),
);

/**
 * Config Connector kinds of the resource hierarchy (`resourceRef.kind`, as in its IAMPolicyMember
 * samples and the resourcemanager service mapping at v1.155.1): a grant on one reaches every
 * resource below it. `kind: Project` alone names the namespace's project.
 */
const HIERARCHY_KINDS: readonly string[] = ['Project', 'Folder', 'Organization'];

const noHierarchyGrants = manifestRule(
  twinOf('GK08-resource-level-roles', {
    id: 'GK08-kcc-resource-level-grants',
    description:
      "Config Connector IAM objects of an app's bundle grant on the app's own resources, never on a Project, Folder or Organization (spec.resourceRef.kind).",
    why: "At project level a role reaches every topic, subscription, bucket or secret of the project, today's and tomorrow's, other teams' and other environments' included. A service's project roles are its spec's `gcp.roles`, bound by the Pulumi program where GK08 checks them, not a side effect of an app's bundle.",
    fix: "Point spec.resourceRef at the PubSubTopic, PubSubSubscription, StorageBucket or SecretManagerSecret the service uses (the platform does this for `uses`); a role that only exists at project level goes in the service's `gcp.roles`.",
  }),
  (_ctx, index) =>
    kccGrants(index)
      .filter((g) => HIERARCHY_KINDS.includes(str(g.resourceRef.kind) ?? ''))
      .map((g) =>
        finding(
          g.object,
          `grants ${g.role} to ${g.members.join(', ') || '(a referenced account)'} on the whole ${target(g.resourceRef)}: grant it on the resource instead`,
        ),
      ),
);

// ---------------------------------------------------------------------------------------
// Data outlives its object

/** Config Connector kinds that hold data, by what deleting the object would delete. */
export const DATA_KINDS: ReadonlyArray<{ readonly kind: string; readonly group: string; readonly holds: string }> = [
  { kind: 'SQLDatabase', group: SQL, holds: 'the database and its tables' },
  { kind: 'StorageBucket', group: STORAGE, holds: 'the bucket (and, with force-destroy, its objects)' },
  { kind: 'SecretManagerSecret', group: SECRET_MANAGER, holds: 'the secret and every version of it' },
];

const { deletionPolicyAnnotation: DELETION_POLICY, deletionPolicyAbandon: ABANDON } = CONFIG_CONNECTOR_FACTS;

const dataAbandoned = manifestRule(
  {
    id: 'GK12-kcc-data-abandoned',
    description: `Config Connector SQLDatabases, StorageBuckets and SecretManagerSecrets carry the annotation ${DELETION_POLICY}: ${ABANDON}.`,
    why: 'Config Sync prunes what leaves the bundle and Config Connector then deletes the Google resource: removing or renaming a service, or a `uses` entry, would delete its data in a sync, with no Pulumi preview and no deletion protection in the way. Abandoned, the resource outlives its object and is deleted on purpose.',
    fix: `Add metadata.annotations["${DELETION_POLICY}"]: "${ABANDON}" (the platform does this for \`uses\`); delete an abandoned resource with gcloud once its data is no longer needed.`,
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK12', 'GK15', 'GK16'],
  },
  (_ctx, index) =>
    DATA_KINDS.flatMap(({ kind, group: apiGroup, holds }) =>
      index.ofKind(kind, apiGroup).flatMap((o) => {
        const policy = obj(o.metadata.annotations)[DELETION_POLICY];
        return policy === ABANDON
          ? []
          : [
              finding(
                o,
                `metadata.annotations["${DELETION_POLICY}"] is ${policy === undefined ? 'not set' : JSON.stringify(policy)}: deleting the object deletes ${holds}`,
              ),
            ];
      }),
    ),
);

/** The managed-service rules on Config Connector objects, in report order. */
export const configConnectorRules: readonly ManifestRule[] = [
  sqlIamUsers,
  dataAbandoned,
  subscriptionDeadLetter,
  deadLettersKept,
  subscriptionRetryPolicy,
  bucketUniformAccess,
  bucketPublicAccessPrevention,
  bucketProdVersioning,
  secretReplication,
  noSecretVersions,
  noPublicGrants,
  noHierarchyGrants,
];
