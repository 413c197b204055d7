/**
 * The decisions of the managed-service rules, shared by the two ways a service's `uses` is
 * delivered: as Pulumi resources (managed-services.ts, GK12-GK16) and as Config Connector objects
 * synced by Config Sync (config-connector.ts, the `-kcc-` rules). Each takes the values already read
 * from its input and the name of the field they were read from, so both kinds of rule hold the same
 * guarantee with messages that name their own field.
 */
import { PUBLIC_PRINCIPALS, show } from './gcp-resources';

/** Cloud SQL user types that log in with IAM (the provider's `type` values; Config Connector passes them to the API). */
export const IAM_USER_TYPES: readonly string[] = [
  'CLOUD_IAM_USER',
  'CLOUD_IAM_SERVICE_ACCOUNT',
  'CLOUD_IAM_GROUP',
  'CLOUD_IAM_GROUP_USER',
  'CLOUD_IAM_GROUP_SERVICE_ACCOUNT',
];

const isSet = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * GK12: why a Cloud SQL user does not log in with IAM (its `type`, and the password fields that
 * are set, kept where `passwordIn` says), or nothing.
 */
export function sqlUserProblems(
  typeField: string,
  type: unknown,
  passwords: Readonly<Record<string, unknown>>,
  passwordIn: string,
): string[] {
  return [
    ...(typeof type === 'string' && IAM_USER_TYPES.includes(type)
      ? []
      : [
          `${typeField} is ${show(type)}${type === undefined ? " (the engine's built-in password user by default)" : ''}: users must log in with IAM`,
        ]),
    ...Object.entries(passwords)
      .filter(([, value]) => isSet(value))
      .map(([key]) => `${key} is set: the password is in ${passwordIn}`),
  ];
}

/** A Pub/Sub subscription as GK14 sees it: the topic it reads and the one it dead-letters to, as keys of one topic namespace. */
export interface SubscriptionTopics<K> {
  readonly topic: K | undefined;
  readonly deadLetterTopic: K | undefined;
}

/**
 * GK14's view of a set of subscriptions: which topics are dead-letter topics, whether a
 * subscription reads one (it keeps dead letters: it needs neither a dead-letter topic nor a retry
 * policy of its own), and which dead-letter topics nobody reads (their messages are dropped).
 * Linear in the subscriptions.
 */
export function deadLetterView<K>(subscriptions: readonly SubscriptionTopics<K>[]): {
  readonly deadLetterTopics: ReadonlySet<K>;
  readsDeadLetters(s: SubscriptionTopics<K>): boolean;
  /** Dead-letter topics no subscription reads, in first-seen order. */
  readonly unread: readonly K[];
} {
  const dead = new Set<K>();
  const read = new Set<K>();
  for (const s of subscriptions) {
    if (s.deadLetterTopic !== undefined) dead.add(s.deadLetterTopic);
    if (s.topic !== undefined) read.add(s.topic);
  }
  return {
    deadLetterTopics: dead,
    readsDeadLetters: (s) => s.topic !== undefined && dead.has(s.topic),
    unread: [...dead].filter((t) => !read.has(t)),
  };
}

/** GK14: whether a subscription declares a retry policy (an empty one takes Pub/Sub's exponential backoff defaults). */
export function hasRetryPolicy(retryPolicy: unknown): boolean {
  return isSet(retryPolicy);
}

/** GK15: a bucket's uniform bucket-level access. */
export function bucketUniformAccessProblem(field: string, value: unknown): string[] {
  return value === true ? [] : [`${field} is ${show(value)}: object ACLs can grant access outside IAM`];
}

/** GK15: a bucket's public access prevention. */
export function bucketPublicAccessPreventionProblem(field: string, value: unknown): string[] {
  return value === 'enforced' ? [] : [`${field} is ${show(value)} ("inherited" by default): the bucket can be made public`];
}

/** GK15: a prod bucket's object versioning. */
export function bucketVersioningProblem(field: string, value: unknown): string[] {
  return value === true ? [] : [`${field} is ${show(value)}: overwritten and deleted objects cannot be restored`];
}

/**
 * GK16: whether a secret declares where its value is stored: automatic replication (an `auto`
 * object, or Config Connector's older `automatic: true`), or user-managed replicas.
 */
export function replicationDeclared(replication: { auto: unknown; automatic?: unknown; replicas: readonly unknown[] }): boolean {
  return isSet(replication.auto) || replication.automatic === true || replication.replicas.length > 0;
}

/** GK08/GK15: the members of a grant that make it public. */
export function publicMembers(members: readonly string[]): string[] {
  return members.filter((m) => PUBLIC_PRINCIPALS.includes(m));
}
