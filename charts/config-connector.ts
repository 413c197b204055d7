/**
 * The services' `uses` as Config Connector objects, for `platform:appDelivery: configsync`
 * (docs/scaling.md): each app's bundle carries, beside its workloads, the Pub/Sub topics and
 * subscriptions (with dead-letter topics), the PostgreSQL databases and IAM database users, the
 * buckets and the Secret Manager secrets its services declare, each with its IAM grant to the
 * service's own Google account. Config Connector, running namespaced in the primary region's
 * cluster as the app's own Google account (infra/config-connector.ts), creates them and keeps them
 * converged; so the Pulumi stack does not grow with the services.
 *
 * Same decisions as the Pulumi delivery (charts/cloud-plan.ts `appResourcePlan`, read by
 * infra/app-resources.ts): the same resources under the same names. What Config Connector cannot
 * hand to a pod stays in Pulumi: the shared Cloud SQL instance, the Redis instances and their
 * AUTH Secrets, and the Pub/Sub service agent's grants.
 *
 * Kinds, fields and annotations are Config Connector's at the vendored release
 * (vendor/k8s-config-connector/<tag>: the CRDs, which charts/schema.ts validates every object
 * against, and facts.json from its Go constants); charts/config-connector.test.ts holds them.
 * Data is never deleted with its object: databases, buckets and secrets carry the `abandon`
 * deletion policy, so removing a service (or its `uses`) leaves them for someone to delete on purpose.
 */
import facts from '../vendor/k8s-config-connector/v1.155.1/facts.json';
import {
  type AppResourcePlan,
  BUCKET_ROLE,
  DEAD_LETTER_RETENTION,
  profileSettings,
  PUBLISHER_ROLE,
  SECRET_ROLE,
  type ServiceResourcePlan,
  SUBSCRIBER_ROLE,
} from './cloud-plan';
import { MANAGED_BY } from './labels';
import { workloadIdentityMember, workloadServiceAccountEmail, workloadServiceAccountId } from './workload-identity';
import type { ManifestObject } from './schema';
import type { EnvironmentConfig } from '../core/config-schema';

/** The file of an app's Config Connector objects in its synthesis (`<app>/_cloud.yaml`): no service file can be named so. */
export const CLOUD_FILE = '_cloud.yaml';

export const CONFIG_CONNECTOR_FACTS = facts;

export const PUBSUB_API = 'pubsub.cnrm.cloud.google.com/v1beta1';
export const IAM_API = 'iam.cnrm.cloud.google.com/v1beta1';
export const SQL_API = 'sql.cnrm.cloud.google.com/v1beta1';
export const STORAGE_API = 'storage.cnrm.cloud.google.com/v1beta1';
export const SECRET_MANAGER_API = 'secretmanager.cnrm.cloud.google.com/v1beta1';

/** Whether an object is a Config Connector resource (its API group is one of `*.cnrm.cloud.google.com`). */
export function isConfigConnectorObject(obj: Pick<ManifestObject, 'apiVersion'>): boolean {
  return /^[a-z0-9.-]+\.cnrm\.cloud\.google\.com\//.test(obj.apiVersion);
}

/**
 * What Config Connector needs at project level to create an app's resources, by what the app uses:
 * Pub/Sub for topics and subscriptions (and their IAM), Cloud SQL for databases and IAM users,
 * Storage for buckets (and their IAM), Secret Manager for secrets (and their IAM). The bootstrap
 * stack grants them to the app's Config Connector account (infra/config-connector-identity.ts).
 */
export function configConnectorRoles(services: readonly ServiceResourcePlan[]): string[] {
  const roles = new Set<string>();
  for (const s of services) {
    if (s.topics.length > 0 || s.subscriptions.length > 0) roles.add('roles/pubsub.admin');
    if (s.database !== undefined) roles.add('roles/cloudsql.admin');
    if (s.buckets.length > 0) roles.add('roles/storage.admin');
    if (s.secrets.length > 0) roles.add('roles/secretmanager.admin');
  }
  return [...roles].sort();
}

type CloudEnvironment = Pick<EnvironmentConfig, 'gcpProject' | 'gcpRegion' | 'profile'>;

interface Scope {
  readonly namespace: string;
  readonly app: string;
  readonly project: string;
}

function object(
  scope: Scope,
  apiVersion: string,
  kind: string,
  name: string,
  service: string,
  spec: Record<string, unknown>,
  abandon = false,
): ManifestObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: scope.namespace,
      labels: {
        app: service,
        'app.kubernetes.io/part-of': scope.app,
        'app.kubernetes.io/managed-by': MANAGED_BY,
      },
      annotations: {
        [facts.projectIdAnnotation]: scope.project,
        ...(abandon && { [facts.deletionPolicyAnnotation]: facts.deletionPolicyAbandon }),
      },
    },
    spec,
  };
}

/** A grant of `role` on one of the app's objects to a member: an IAMPolicyMember naming the object. */
function grant(scope: Scope, service: string, name: string, target: ManifestObject, role: string, member: string): ManifestObject {
  return object(scope, IAM_API, 'IAMPolicyMember', name, service, {
    member,
    role,
    resourceRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.metadata.name },
  });
}

/**
 * Every Config Connector object of one app's services (those of `plan.services` in its namespace),
 * in the plan's order: linear in the services and what they use.
 */
export function configConnectorObjects(
  app: { readonly name: string; readonly namespace: string },
  plan: AppResourcePlan,
  env: CloudEnvironment,
): ManifestObject[] {
  const scope: Scope = { namespace: app.namespace, app: app.name, project: env.gcpProject };
  const settings = profileSettings(env.profile);
  const out: ManifestObject[] = [];
  for (const s of plan.services) {
    if (s.namespace !== app.namespace) continue;
    const add = (o: ManifestObject) => {
      out.push(o);
      return o;
    };
    for (const t of s.topics) {
      const topic = add(object(scope, PUBSUB_API, 'PubSubTopic', t.topicId, s.service, { resourceID: t.topicId }));
      add(grant(scope, s.service, `${t.topicId}.publisher`, topic, PUBLISHER_ROLE, s.member));
    }
    for (const sub of s.subscriptions) {
      const deadLetter = add(
        object(scope, PUBSUB_API, 'PubSubTopic', sub.deadLetterTopicId, s.service, { resourceID: sub.deadLetterTopicId }),
      );
      // Messages published to a topic without subscriptions are lost: keep the dead letters for a week.
      add(
        object(scope, PUBSUB_API, 'PubSubSubscription', sub.deadLetterTopicId, s.service, {
          resourceID: sub.deadLetterTopicId,
          topicRef: { name: deadLetter.metadata.name },
          messageRetentionDuration: DEAD_LETTER_RETENTION,
          expirationPolicy: { ttl: '' },
        }),
      );
      const subscription = add(
        object(scope, PUBSUB_API, 'PubSubSubscription', sub.subscriptionId, s.service, {
          resourceID: sub.subscriptionId,
          // The publisher's topic: events are an app's own, so it is an object of the same namespace.
          topicRef: { name: sub.topicId },
          ackDeadlineSeconds: sub.ackDeadlineSeconds,
          retryPolicy: { minimumBackoff: sub.minimumBackoff, maximumBackoff: sub.maximumBackoff },
          deadLetterPolicy: { deadLetterTopicRef: { name: deadLetter.metadata.name }, maxDeliveryAttempts: sub.maxDeliveryAttempts },
          // The default expires a subscription after 31 days without subscribers: never.
          expirationPolicy: { ttl: '' },
        }),
      );
      add(grant(scope, s.service, `${sub.subscriptionId}.subscriber`, subscription, SUBSCRIBER_ROLE, s.member));
    }
    if (s.database !== undefined && plan.sqlInstance !== undefined) {
      const instanceRef = { external: plan.sqlInstance };
      add(object(scope, SQL_API, 'SQLDatabase', s.service, s.service, { resourceID: s.database.name, instanceRef }, true));
      // IAM database authentication: the service logs in as its Google account, no password.
      add(
        object(scope, SQL_API, 'SQLUser', s.service, s.service, {
          resourceID: s.database.user,
          instanceRef,
          type: 'CLOUD_IAM_SERVICE_ACCOUNT',
        }),
      );
    }
    for (const b of s.buckets) {
      const bucket = add(
        object(
          scope,
          STORAGE_API,
          'StorageBucket',
          b.bucket,
          s.service,
          {
            resourceID: b.bucket,
            location: env.gcpRegion,
            uniformBucketLevelAccess: true,
            publicAccessPrevention: 'enforced',
            versioning: { enabled: settings.bucketVersioning },
          },
          true,
        ),
      );
      add(grant(scope, s.service, `${b.bucket}.object-user`, bucket, BUCKET_ROLE, s.member));
    }
    for (const secret of s.secrets) {
      // Created empty: the value is added outside the repo (`gcloud secrets versions add`).
      const created = add(
        object(
          scope,
          SECRET_MANAGER_API,
          'SecretManagerSecret',
          secret.secretId,
          s.service,
          { resourceID: secret.secretId, replication: { auto: {} } },
          true,
        ),
      );
      add(grant(scope, s.service, `${secret.secretId}.accessor`, created, SECRET_ROLE, s.member));
    }
  }
  return out;
}

/** The Google account Config Connector acts as in an app's namespace: `cc-<namespace>-<stack>` (shortened like every account id). */
export function configConnectorServiceAccountId(namespace: string, stack: string): string {
  return workloadServiceAccountId(`cc-${namespace}`, stack);
}

export function configConnectorServiceAccountEmail(namespace: string, stack: string, project: string): string {
  return workloadServiceAccountEmail(`cc-${namespace}`, stack, project);
}

/**
 * The Workload Identity member of Config Connector's controller for a namespace: the operator runs
 * one per ConfigConnectorContext, as `cnrm-controller-manager-<namespace>` in `cnrm-system`
 * (operator/pkg/k8s/constants.go, and its golden output, at the vendored tag).
 */
export function configConnectorMember(project: string, namespace: string): string {
  return workloadIdentityMember(project, facts.systemNamespace, `${facts.serviceAccountNamePrefix}${namespace}`);
}
