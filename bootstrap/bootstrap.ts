/**
 * The bootstrap stack of one environment: everything that needs project-level IAM or
 * comes before the platform stack, so that CI needs no IAM administration. An
 * administrator runs it once per environment, and again when IAM changes (a new app
 * repository, a service with new `gcp.roles` or its first `uses`). See docs/identity.md.
 *
 * APIs first; then the KMS keys, the node service account, the CI accounts bound to
 * their GitHub environments, the services' Google accounts and the trace collector's, each
 * waiting for them.
 */
import { loadEnvironment } from '../core/config';
import type { BootstrapOutputs } from '../infra/bootstrap-outputs';
import { loadApps } from '../services/apps';
import { CiIdentity } from '../infra/ci-identity';
import { clusterName, NodeServiceAccount } from '../infra/cluster';
import { CollectorIdentity } from '../infra/collector-identity';
import { ConfigConnectorIdentity, configConnectorIdentityPlan } from '../infra/config-connector-identity';
import { ConfigSyncIdentity } from '../infra/config-sync-identity';
import { PlatformKeys } from '../infra/kms';
import { ProjectServices } from '../infra/project-services';
import { WorkloadAccounts, type WorkloadApp } from '../infra/workload-accounts';
import type { BootstrapConfig } from './config';
import type * as pulumi from '@pulumi/pulumi';

/** The stack outputs, by the names of {@link BootstrapOutputs}. */
export type BootstrapStackOutputs = { readonly [K in keyof BootstrapOutputs]: pulumi.Input<BootstrapOutputs[K]> };

/**
 * The apps of the platform stack of the same name (its `platform:apps` in Pulumi.<stack>.yaml),
 * each in its namespace: whose services get Google accounts bound to their Kubernetes ServiceAccounts.
 */
export function bootstrapApps(stack: string, root: string): WorkloadApp[] {
  return loadApps(loadEnvironment(stack, root), root).map((a) => ({ namespace: a.app.namespace, catalogue: a.catalogue }));
}

/**
 * The app namespaces whose Config Sync reconcilers pull bundles: every app's when the platform
 * stack of the same name delivers its apps through Config Sync (`platform:appDelivery`), else none.
 */
export function configSyncNamespaces(stack: string, root: string): string[] {
  const environment = loadEnvironment(stack, root);
  return environment.appDelivery === 'configsync' ? environment.apps.map((a) => a.namespace) : [];
}

/**
 * `apps`: the platform stack's apps of the same name (services/apps.ts `loadApps`), for the services' Google accounts.
 * `syncNamespaces`: `configSyncNamespaces`, whose reconcilers get the Config Sync account.
 */
export function defineBootstrap(
  config: BootstrapConfig,
  apps: readonly WorkloadApp[],
  syncNamespaces: readonly string[] = [],
): BootstrapStackOutputs {
  const { stack, gcpProject: project } = config;
  const services = new ProjectServices(`${stack}-apis`, { project });
  const afterApis = { dependsOn: [...services.all] };
  const keys = new PlatformKeys(`${stack}-keys`, { project, location: config.gcpRegion }, afterApis);
  const nodes = new NodeServiceAccount(clusterName(stack), { project }, afterApis);
  const ci = new CiIdentity(
    `${stack}-ci`,
    {
      project,
      stack,
      repository: config.repository,
      appRepositories: config.appRepositories,
      previews: config.previews,
      stateBucket: config.stateBucket,
      secretsKey: keys.stackSecretsKey.id,
      nodeServiceAccount: nodes.account.name,
    },
    afterApis,
  );
  const workloads = new WorkloadAccounts(`${stack}-workloads`, { project, stack, apps }, afterApis);
  // The trace collector's account (Cloud Trace only); the platform stack runs the collector.
  new CollectorIdentity(`${stack}-otel-collector`, { project, stack }, afterApis);
  // The account Config Sync's reconcilers pull the apps' bundles as (infra/config-sync.ts).
  if (syncNamespaces.length > 0) {
    new ConfigSyncIdentity(`${stack}-config-sync`, { project, stack, namespaces: syncNamespaces }, afterApis);
    // Config Connector's accounts, which create what the services use from the apps' bundles (infra/config-connector.ts).
    const plan = configConnectorIdentityPlan(apps, stack, project);
    if (plan.accounts.length > 0 || plan.pubsubAgent)
      new ConfigConnectorIdentity(`${stack}-config-connector`, { project, stack, plan }, afterApis);
  }
  const { deployer, plan, preview } = ci.accountEmails;
  return {
    workloadIdentityProvider: ci.providerName,
    githubEnvironments: ci.environments,
    deployerServiceAccount: deployer as pulumi.Output<string>,
    planServiceAccount: plan as pulumi.Output<string>,
    ...(preview === undefined ? {} : { previewServiceAccount: preview }),
    pusherServiceAccount: ci.pusherEmail,
    nodeServiceAccount: nodes.account.email,
    gkeSecretsKey: keys.gkeSecretsKey.id,
    secretsProvider: keys.secretsProvider,
    stateBucket: config.stateBucket,
    workloadServiceAccounts: workloads.emails,
  };
}
