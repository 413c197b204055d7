/**
 * The decisions of app delivery through Config Sync (`platform:appDelivery: configsync`,
 * docs/scaling.md), as pure functions: per app, one namespace-scoped RepoSync pulling the app's
 * bundle (charts/bundle.ts) at its digest, and a Role with only what the app's objects need,
 * bound to that RepoSync's reconciler. infra/config-sync.ts wires them.
 *
 * Names and fields are Config Sync's at the vendored release (vendor/kpt-config-sync/<tag>:
 * facts.json from its Go sources, and the RepoSync CRD): infra/config-sync.test.ts holds them.
 */
import { environmentBundles, WORKLOADS_DIR } from '../charts/bundle';
import { isConfigConnectorObject } from '../charts/config-connector';
import type { EnvironmentSynthesis } from '../charts/environment';
import type { ManifestObject } from '../charts/schema';
import type { ManifestFile } from '../charts/synthesize';
import type { AppDelivery } from '../core/config-schema';
import { workloadIdentityMember, workloadServiceAccountEmail, workloadServiceAccountId } from '../charts/workload-identity';

/** Where Config Sync runs its reconcilers (pkg/api/configsync/register.go ControllerNamespace). */
export const CONFIG_SYNC_NAMESPACE = 'config-management-system';
/** The RepoSync name whose reconciler is `ns-reconciler-<namespace>` (pkg/api/configsync/register.go RepoSyncName). */
export const REPO_SYNC_NAME = 'repo-sync';
export const REPO_SYNC_API_VERSION = 'configsync.gke.io/v1beta1';
/** Repository path segment under which the apps' bundles are pushed: `<registry>/apps/<app>`. */
export const BUNDLE_PATH = 'apps';

/** The Kubernetes ServiceAccount of a namespace's `repo-sync` reconciler (pkg/core/names.go NsReconcilerName). */
export function reconcilerServiceAccount(namespace: string): string {
  return `ns-reconciler-${namespace}`;
}

/** The Google account every reconciler of a stack pulls bundles as (created by the bootstrap stack). */
export const CONFIG_SYNC_ACCOUNT = 'config-sync';
export const configSyncServiceAccountId = (stack: string): string => workloadServiceAccountId(CONFIG_SYNC_ACCOUNT, stack);
export const configSyncServiceAccountEmail = (stack: string, project: string): string =>
  workloadServiceAccountEmail(CONFIG_SYNC_ACCOUNT, stack, project);

/** The Workload Identity member of a namespace's reconciler, which may act as that account. */
export function reconcilerMember(project: string, namespace: string): string {
  return workloadIdentityMember(project, CONFIG_SYNC_NAMESPACE, reconcilerServiceAccount(namespace));
}

/** `<registry path>/apps/<app>`: the OCI repository of an app's bundles. */
export function bundleRepository(registryPath: string, app: string): string {
  return `${registryPath}/${BUNDLE_PATH}/${app}`;
}

/** The image a RepoSync pulls: the app's bundle at exactly this digest. */
export function bundleImage(registryPath: string, app: string, digest: string): string {
  return `${bundleRepository(registryPath, app)}@${digest}`;
}

/**
 * A RepoSync pulling one app's bundle through Workload Identity as `serviceAccountEmail`: the whole
 * bundle in the primary region's cluster (workloads and the Config Connector objects), only its
 * `workloads/` directory in any other (charts/bundle.ts), so the cloud resources have one owner.
 */
export function repoSync(namespace: string, image: string, serviceAccountEmail: string, primary = true): ManifestObject {
  return {
    apiVersion: REPO_SYNC_API_VERSION,
    kind: 'RepoSync',
    metadata: { name: REPO_SYNC_NAME, namespace },
    spec: {
      sourceType: 'oci',
      oci: { image, ...(!primary && { dir: WORKLOADS_DIR }), auth: 'gcpserviceaccount', gcpServiceAccountEmail: serviceAccountEmail },
    },
  };
}

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * What the reconciler does to the objects it manages: read and watch them (drift), apply
 * them (create, patch, update) and prune the ones removed from the bundle (delete).
 */
export const RECONCILER_VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** Kinds whose CRD declares a plural that the English rule does not give (Managed Prometheus' `Rules`). */
const IRREGULAR_RESOURCES: Readonly<Record<string, string>> = { Rules: 'rules' };

/**
 * A kind's resource name: its CRD's plural where irregular, else the lower-case kind made plural
 * by English rules (as the built-in kinds and the Istio, Gateway API and Managed Prometheus CRDs
 * name theirs; the test checks the CRDs the repository holds).
 */
export function resourceOf(kind: string): string {
  const irregular = IRREGULAR_RESOURCES[kind];
  if (irregular !== undefined) return irregular;
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> `` (core). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** One rule per API group over exactly the kinds the objects have, groups and resources sorted (linear in objects). */
export function reconcilerRules(objects: readonly ManifestObject[]): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const o of objects) {
    const group = apiGroupOf(o.apiVersion);
    const set = byGroup.get(group) ?? new Set<string>();
    set.add(resourceOf(o.kind));
    byGroup.set(group, set);
  }
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: RECONCILER_VERBS }));
}

/** What each delivery mode leaves to Pulumi, and what Config Sync pulls. */
export interface DeliveryPlan {
  /** The files Pulumi applies (infra/apps.ts): everything, or only the Namespaces under Config Sync. */
  readonly applied: { readonly files: readonly ManifestFile[] };
  /** The apps Config Sync delivers, each with its bundle's digest; none in `pulumi` mode. */
  readonly synced: readonly SyncedAppPlan[];
}

export interface SyncedAppPlan {
  readonly name: string;
  readonly namespace: string;
  readonly digest: string;
  /** Its workloads, which every cluster syncs. */
  readonly objects: readonly ManifestObject[];
  /** Its Config Connector objects (charts/config-connector.ts), which only the primary region's cluster syncs. */
  readonly cloudObjects: readonly ManifestObject[];
}

/** Splits an environment's synthesis by its delivery mode: linear in its objects. */
export function deliveryPlan(mode: AppDelivery, synthesis: EnvironmentSynthesis): DeliveryPlan {
  if (mode === 'pulumi') return { applied: synthesis, synced: [] };
  const isNamespace = (o: ManifestObject) => o.kind === 'Namespace';
  const bundles = environmentBundles(
    synthesis.apps.map((a) => a.app.name),
    synthesis.files,
  );
  return {
    applied: { files: synthesis.files.map((f) => ({ ...f, objects: f.objects.filter(isNamespace) })).filter((f) => f.objects.length > 0) },
    synced: synthesis.apps.map(({ app, synthesis: s }, i) => {
      const objects = s.files.flatMap((f) => f.objects.filter((o) => !isNamespace(o)));
      return {
        name: app.name,
        namespace: app.namespace,
        digest: bundles[i].manifest.digest,
        objects: objects.filter((o) => !isConfigConnectorObject(o)),
        cloudObjects: objects.filter(isConfigConnectorObject),
      };
    }),
  };
}
