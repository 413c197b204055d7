/**
 * The Google APIs the platform's two programs use, enabled by the bootstrap stack before
 * anything else, and never disabled when a stack is destroyed (other stacks and people
 * use the same project).
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/**
 * Each API, and which resource of the programs needs it. Sorted by name.
 *
 * The fleet and Config Sync APIs are enabled in every environment's project, not only where
 * `platform:appDelivery` is `configsync`: enabling an API creates no resource and grants no
 * access, the bootstrap stack never disables one, and a stack switched to `configsync` then
 * needs no bootstrap run first. Where Google documents them:
 * - gkehub.googleapis.com serves fleet memberships, features and feature memberships (Config
 *   Connector's reference names it as the service of GKEHubFeature and GKEHubFeatureMembership:
 *   https://cloud.google.com/config-connector/docs/reference/resource-docs/gkehub/gkehubfeature).
 * - anthosconfigmanagement.googleapis.com is the Config Management API that enabling Config Sync
 *   (the fleet's `configmanagement` feature) needs; GKE users need not enable the GKE Enterprise
 *   (anthos) API (https://cloud.google.com/anthos-config-management/docs/how-to/installing).
 * Config Connector's GKE add-on needs only the Kubernetes Engine API, Workload Identity and
 * Kubernetes Engine Monitoring (https://cloud.google.com/config-connector/docs/how-to/install-upgrade-uninstall);
 * the resources it manages use their own services' APIs, listed here for the Pulumi resources of
 * services' `uses` already.
 */
export const REQUIRED_SERVICES: Readonly<Record<string, string>> = {
  'anthosconfigmanagement.googleapis.com':
    "Config Sync: the fleet's Config Management feature and each cluster's feature membership (infra/config-sync.ts)",
  'artifactregistry.googleapis.com': 'the image repository (infra/registry.ts)',
  'binaryauthorization.googleapis.com': 'Binary Authorization of the cluster (enforced in prod)',
  'certificatemanager.googleapis.com': "the load balancer's certificate, map and DNS authorizations (infra/load-balancer.ts)",
  'cloudkms.googleapis.com': 'the stack secrets and GKE secrets-encryption keys (infra/kms.ts)',
  'cloudresourcemanager.googleapis.com': 'project IAM grants and project lookups',
  'cloudtrace.googleapis.com': "the mesh's traces, which the OpenTelemetry collector writes (charts/observability/collector.ts)",
  'compute.googleapis.com': 'network, firewall, NAT, load balancer (infra/network.ts, infra/load-balancer.ts)',
  'container.googleapis.com': 'the GKE cluster and node pool (infra/cluster.ts)',
  'dns.googleapis.com': 'the private googleapis.com zone for Private Google Access (infra/network.ts)',
  'gkehub.googleapis.com': "the fleet: each cluster's membership, and the Config Management feature (infra/config-sync.ts)",
  'iam.googleapis.com': 'service accounts and the Workload Identity pool (infra/ci-identity.ts)',
  'iamcredentials.googleapis.com': "CI's service account tokens after the federation exchange",
  'logging.googleapis.com': "the cluster's system and workload logs",
  'monitoring.googleapis.com': "the cluster's metrics and Managed Prometheus",
  'pubsub.googleapis.com': "the topics and subscriptions of services' `uses.publishes` and `uses.consumes` (infra/app-resources.ts)",
  'redis.googleapis.com': "Memorystore for Redis instances of services' `uses.redis` (infra/app-resources.ts)",
  'secretmanager.googleapis.com': "services' `uses.secrets`, mounted by GKE's Secret Manager add-on (infra/app-resources.ts)",
  'servicenetworking.googleapis.com': 'private services access: the peering Cloud SQL and Memorystore use (infra/network.ts)',
  'sqladmin.googleapis.com': "the Cloud SQL for PostgreSQL instance of services' `uses.postgres`, and the Auth Proxy's API",
  'storage.googleapis.com': "IAM on the Pulumi state bucket, and services' `uses.buckets`",
  'sts.googleapis.com': "Workload Identity Federation's token exchange for GitHub's OIDC tokens",
};

/** Resource name of an API's Service: `compute.googleapis.com` -> `<name>-compute`. */
export function serviceSlug(api: string): string {
  return api.replace(/\.googleapis\.com$/, '');
}

export interface ProjectServicesArgs {
  readonly project: string;
  /** @default REQUIRED_SERVICES' keys */
  readonly services?: readonly string[];
}

export class ProjectServices extends pulumi.ComponentResource {
  /** Every enabled API, for `dependsOn`. */
  readonly all: readonly gcp.projects.Service[];

  constructor(name: string, args: ProjectServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:project:Services', name, {}, opts);
    const apis = [...(args.services ?? Object.keys(REQUIRED_SERVICES))].sort();
    this.all = apis.map(
      (api) =>
        new gcp.projects.Service(
          `${name}-${serviceSlug(api)}`,
          {
            project: args.project,
            service: api,
            // Destroying the stack leaves the APIs on: other stacks' resources still use them.
            disableOnDestroy: false,
            disableDependentServices: false,
          },
          { parent: this },
        ),
    );
    this.registerOutputs({});
  }
}
