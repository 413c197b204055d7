/**
 * App delivery through Config Sync (`platform:appDelivery: configsync`, docs/scaling.md): the
 * cluster joins the project's fleet with Config Sync enabled, and each app gets one
 * namespace-scoped RepoSync that pulls the app's bundle (charts/bundle.ts) from Artifact Registry
 * at the digest computed here from the same synthesis CI pushed (`npm run bundle -- --push`).
 * A deploy moves `spec.oci.image` of each changed app's RepoSync: the preview shows the new digest.
 *
 * Only the namespaces, the RepoSyncs and their RBAC are Pulumi resources: the count grows with
 * apps, not with services. The reconciler of each RepoSync (`ns-reconciler-<namespace>` in
 * config-management-system) may manage only the kinds its app's objects have, in its namespace,
 * and pulls as the stack's Config Sync account (bootstrap's, with Workload Identity), which may
 * read this repository only.
 */
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import {
  bundleImage,
  CONFIG_SYNC_NAMESPACE,
  reconcilerRules,
  reconcilerServiceAccount,
  REPO_SYNC_API_VERSION,
  REPO_SYNC_NAME,
  repoSync,
  type SyncedAppPlan,
} from './config-sync-plan';

/** Reading images (and so bundles) from one repository. */
export const BUNDLE_READER_ROLE = 'roles/artifactregistry.reader';
/** The Role each app's reconciler gets in the app's namespace. */
export const RECONCILER_ROLE = 'config-sync-reconciler';

/** One app as Config Sync delivers it: its bundle's manifest digest (charts/bundle.ts) and objects (the Role follows their kinds). */
export type SyncedApp = SyncedAppPlan;

/** One cluster of the fleet Config Sync delivers to. */
export interface SyncedCluster {
  /** The cluster's id (`projects/.../clusters/<name>`). */
  readonly id: pulumi.Input<string>;
  /** Its fleet membership id (the cluster's name). */
  readonly membershipId: string;
  /** Suffix of its resource names: '' for the primary region's, `-<region>` for another's. */
  readonly suffix: string;
  /** The primary region's cluster syncs the whole bundle, its Config Connector objects included; the others only `workloads/`. */
  readonly primary: boolean;
  readonly provider: k8s.Provider;
  /** What its RepoSyncs wait for besides Config Sync: the app namespaces in that cluster (and, in the primary, Config Connector). */
  readonly after: readonly pulumi.Resource[];
}

export interface ConfigSyncArgs {
  readonly project: string;
  /** The clusters to register in the fleet; each gets every app's RepoSync. */
  readonly clusters: readonly SyncedCluster[];
  /** The Artifact Registry repository the bundles are pushed to. */
  readonly repository: gcp.artifactregistry.Repository;
  /** `<region>-docker.pkg.dev/<project>/<repository>`. */
  readonly registryPath: pulumi.Input<string>;
  /** The Google account the reconcilers pull as (the bootstrap stack's, infra/config-sync-identity.ts). */
  readonly serviceAccountEmail: pulumi.Input<string>;
  readonly apps: readonly SyncedApp[];
}

export class ConfigSync extends pulumi.ComponentResource {
  /** Per cluster, in the order given. */
  readonly memberships: readonly gcp.gkehub.Membership[];
  readonly featureMemberships: readonly gcp.gkehub.FeatureMembership[];
  /** App -> the image its RepoSyncs pull (`<registry>/apps/<app>@sha256:...`). */
  readonly images: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ConfigSyncArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:configsync:ConfigSync', name, {}, opts);
    const parent = { parent: this };
    // The fleet's Config Management feature: one per project, global.
    const feature = new gcp.gkehub.Feature(
      `${name}-feature`,
      { project: args.project, name: 'configmanagement', location: 'global' },
      parent,
    );
    new gcp.artifactregistry.RepositoryIamMember(
      `${name}-bundle-reader`,
      {
        project: args.project,
        location: args.repository.location,
        repository: args.repository.repositoryId,
        role: BUNDLE_READER_ROLE,
        member: pulumi.interpolate`serviceAccount:${args.serviceAccountEmail}`,
      },
      parent,
    );
    const images: Record<string, pulumi.Output<string>> = {};
    for (const app of args.apps) {
      images[app.name] = pulumi.output(args.registryPath).apply((path) => bundleImage(path, app.name, app.digest));
    }
    const memberships: gcp.gkehub.Membership[] = [];
    const featureMemberships: gcp.gkehub.FeatureMembership[] = [];
    for (const cluster of args.clusters) {
      const prefix = `${name}${cluster.suffix}`;
      const membership = new gcp.gkehub.Membership(
        `${prefix}-membership`,
        {
          project: args.project,
          membershipId: cluster.membershipId,
          endpoint: { gkeCluster: { resourceLink: pulumi.interpolate`//container.googleapis.com/${cluster.id}` } },
        },
        parent,
      );
      // Config Sync on, with no root source: the apps' RepoSyncs are its only sources; Google upgrades it.
      const featureMembership = new gcp.gkehub.FeatureMembership(
        `${prefix}-feature-membership`,
        {
          project: args.project,
          location: 'global',
          feature: feature.name,
          membership: membership.membershipId,
          configmanagement: { management: 'MANAGEMENT_AUTOMATIC', configSync: { enabled: true } },
        },
        parent,
      );
      memberships.push(membership);
      featureMemberships.push(featureMembership);
      const k8sOpts = { parent: this, provider: cluster.provider };
      for (const app of args.apps) {
        const role = new k8s.rbac.v1.Role(
          `${prefix}-${app.name}-role`,
          {
            metadata: { name: RECONCILER_ROLE, namespace: app.namespace },
            rules: reconcilerRules(cluster.primary ? [...app.objects, ...app.cloudObjects] : app.objects).map((r) => ({
              apiGroups: [...r.apiGroups],
              resources: [...r.resources],
              verbs: [...r.verbs],
            })),
          },
          { ...k8sOpts, dependsOn: [...cluster.after] },
        );
        const binding = new k8s.rbac.v1.RoleBinding(
          `${prefix}-${app.name}-rolebinding`,
          {
            metadata: { name: RECONCILER_ROLE, namespace: app.namespace },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RECONCILER_ROLE },
            subjects: [{ kind: 'ServiceAccount', name: reconcilerServiceAccount(app.namespace), namespace: CONFIG_SYNC_NAMESPACE }],
          },
          { ...k8sOpts, dependsOn: [role] },
        );
        const spec = pulumi
          .all([images[app.name], args.serviceAccountEmail])
          .apply(([img, email]) => repoSync(app.namespace, img, email, cluster.primary).spec as Record<string, unknown>);
        // The RepoSync CRD exists once Config Sync is installed (the feature membership).
        new k8s.apiextensions.CustomResource(
          `${prefix}-${app.name}-reposync`,
          { apiVersion: REPO_SYNC_API_VERSION, kind: 'RepoSync', metadata: { name: REPO_SYNC_NAME, namespace: app.namespace }, spec },
          { ...k8sOpts, dependsOn: [featureMembership, binding, ...cluster.after] },
        );
      }
    }
    this.memberships = memberships;
    this.featureMemberships = featureMemberships;
    this.images = pulumi.all(images);
    this.registerOutputs({ images: this.images });
  }
}
