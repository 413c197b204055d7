/**
 * The platform of one stack, composed: network -> GKE -> Istio -> load balancer -> apps,
 * or for a pull request's `pr-<N>` stack, only the apps on the dev cluster. Called by
 * `infra/index.ts` under the Pulumi engine and by `npm run plan` under mocks.
 */
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { synthesizeEnvironment, type EnvironmentSynthesis } from '../charts/environment';
import { publicRoutes } from '../charts/mesh/decisions';
import type { LoadedApp } from '../services/apps';
import type { Catalogue } from '../services/spec';
import { Alerting, alertingPlan } from './alerting';
import { AppResources, needsAppResources } from './app-resources';
import { Apps } from './apps';
import { readBootstrap } from './bootstrap-outputs';
import { PUSHER_ROLE } from './ci-identity';
import { clusterName, GkeCluster } from './cluster';
import { ConfigSync } from './config-sync';
import { configSyncServiceAccountEmail, deliveryPlan } from './config-sync-plan';
import type { EnvironmentConfig } from '../core/config';
import { assertNoProblems } from '../core/problems';
import { dnsRecords, type DnsRecord } from './dns-records';
import { EdgeHop } from './edge-hop';
import { Istio, negName } from './istio';
import { LoadBalancer } from './load-balancer';
import { Network } from './network';
import { Observability } from './observability';
import { ArtifactRegistry } from './registry';

export interface PlatformInputs {
  readonly config: EnvironmentConfig;
  /** The apps the stack deploys (services/apps.ts `loadApps`): catalogues and pins. */
  readonly apps: readonly LoadedApp[];
}

/** The stack outputs users need. */
export interface PlatformOutputs {
  /** App -> its namespace. */
  readonly namespaces: Record<string, string>;
  readonly urls: pulumi.Input<string[]>;
  readonly clusterName?: pulumi.Input<string>;
  readonly clusterEndpoint?: pulumi.Input<string>;
  readonly kubeconfig?: pulumi.Input<string>;
  readonly gatewayIp?: pulumi.Input<string>;
  /** CNAME records to create so Google can issue the (wildcard) certificate. */
  readonly certificateDnsRecords?: pulumi.Input<Array<{ name: string; type: string; data: string }>>;
  /** Every DNS record to create, CNAMEs and A records (`npm run dns-records`, docs/deploy.md). */
  readonly dnsRecords?: pulumi.Input<DnsRecord[]>;
  /** The managed certificate those records let Google issue: where to watch its state. */
  readonly certificate?: pulumi.Input<{ name: string; project: string; location: string }>;
  readonly registryPath?: pulumi.Input<string>;
}

export { clusterName };

/** Public URLs of the catalogue at its host: one per public path (prefixes as written). */
export function publicUrls(catalogue: Catalogue, host: string): string[] {
  return [...new Set(publicRoutes(catalogue, host).map((r) => `https://${r.host}${r.path}`))].sort();
}

/** Public URLs of every app, sorted. */
export function environmentUrls(apps: readonly LoadedApp[]): string[] {
  return [...new Set(apps.flatMap((a) => publicUrls(a.catalogue, a.app.host)))].sort();
}

/**
 * Domains of the environment's certificate: its domain and each app's host (each with its
 * wildcard, which serves the app's route hosts and `pr-<N>.<host>` previews), without repeats.
 */
export function certificateDomains(config: Pick<EnvironmentConfig, 'domain' | 'apps'>): string[] {
  return [...new Set([config.domain, ...config.apps.map((a) => a.host)])];
}

function namespacesOf(apps: readonly LoadedApp[]): Record<string, string> {
  return Object.fromEntries(apps.map((a) => [a.app.name, a.app.namespace]));
}

/** What a preview stack deploys onto: the dev stack (its kubeconfig output) and dev's GCP project. */
export interface PreviewTarget {
  readonly devStack: pulumi.StackReference;
}

export function definePlatform(inputs: PlatformInputs, preview?: PreviewTarget): PlatformOutputs {
  const { config, apps } = inputs;
  // The same synthesis as `npm run synth`: invalid input fails before any resource exists.
  const synthesis = synthesizeEnvironment(config, apps);
  const urls = environmentUrls(apps);
  if (config.kind === 'preview')
    return definePreview(config, apps, synthesis, urls, preview ?? { devStack: new pulumi.StackReference(config.devStackReference) });
  return defineFull(config, apps, synthesis, urls);
}

/**
 * A pull request's apps (those it changes, and the apps they call), each in namespace
 * `pr-<N>-<app>` on the dev cluster, through the dev gateway. No cluster, no load balancer.
 */
function definePreview(
  config: EnvironmentConfig,
  apps: readonly LoadedApp[],
  synthesis: EnvironmentSynthesis,
  urls: string[],
  target: PreviewTarget,
): PlatformOutputs {
  const provider = new k8s.Provider(`${config.stack}-dev-cluster`, {
    kubeconfig: target.devStack.requireOutput('kubeconfig') as pulumi.Output<string>,
    enableServerSideApply: true,
  });
  new Apps(config.stack, { synthesis, provider, after: [] });
  return { namespaces: namespacesOf(apps), urls };
}

function defineFull(
  config: EnvironmentConfig,
  apps: readonly LoadedApp[],
  synthesis: EnvironmentSynthesis,
  urls: string[],
): PlatformOutputs {
  const { stack } = config;
  // Every owner must be a team with a channel before anything is created: an SLO alert must reach someone.
  const alerting = alertingPlan(config, apps, clusterName(stack));
  assertNoProblems(alerting.problems, `the owners of ${stack}'s services are not teams of ${config.file}`);
  // Accounts, keys and IAM come from the bootstrap stack an administrator runs (docs/identity.md).
  const bootstrap = readBootstrap(config.bootstrapStackReference);
  const network = new Network(`${stack}-network`, {
    region: config.gcpRegion,
    subnetCidr: config.subnetCidr,
    podsCidr: config.podsCidr,
    servicesCidr: config.servicesCidr,
    masterCidr: config.masterCidr,
    privateServicesCidr: config.privateServicesCidr,
  });
  const cluster = new GkeCluster(clusterName(stack), {
    ...config,
    network: network.vpc.id,
    subnetwork: network.subnet.id,
    podRangeName: network.podRangeName,
    serviceRangeName: network.serviceRangeName,
    nodeServiceAccount: bootstrap.nodeServiceAccount,
    secretsEncryptionKey: bootstrap.gkeSecretsKey,
  });
  const registry = new ArtifactRegistry(`${stack}-registry`, { project: config.gcpProject, region: config.gcpRegion });
  // The app repositories' pusher writes to this repository only (IAM on the repository, not the project).
  new gcp.artifactregistry.RepositoryIamMember(
    `${stack}-registry-pusher`,
    {
      project: config.gcpProject,
      location: registry.repository.location,
      repository: registry.repository.repositoryId,
      role: PUSHER_ROLE,
      member: pulumi.interpolate`serviceAccount:${bootstrap.pusherServiceAccount}`,
    },
    { parent: registry },
  );
  const neg = negName(stack);
  const istio = new Istio(`${stack}-istio`, {
    version: config.istioVersion,
    replicas: config.meshReplicas,
    gatewayNamespace: config.gatewayNamespace,
    gatewayName: config.gatewayName,
    controlPlaneNamespace: config.controlPlaneNamespace,
    negName: neg,
    gcpProject: config.gcpProject,
    provider: cluster.provider,
  });
  // Traces to Cloud Trace through the collector, JSON access logs, Managed Prometheus (docs/observability.md).
  new Observability(`${stack}-observability`, {
    env: config,
    provider: cluster.provider,
    after: [istio.base, istio.cni, istio.istiod, istio.gateway],
  });
  const lb = new LoadBalancer(`${stack}-lb`, {
    project: config.gcpProject,
    zones: [...config.zones],
    negName: neg,
    domains: certificateDomains(config),
    negsReadyAfter: [istio.gateway],
  });
  // The load balancer hop's Gateway and certificate (docs/edge.md); previews bind to dev's.
  const edge = new EdgeHop(`${stack}-edge`, {
    env: config,
    provider: cluster.provider,
    after: [istio.base, istio.cni, istio.istiod, istio.gateway],
    // The drift check (plan account, `preview --refresh`) reads every resource, this Secret included.
    readers: [bootstrap.planServiceAccount],
  });
  // App delivery (docs/scaling.md): under Config Sync, Pulumi applies only the namespaces (infra/config-sync.ts).
  const delivery = deliveryPlan(config.appDelivery, synthesis);
  const applied = new Apps(stack, {
    synthesis: delivery.applied,
    provider: cluster.provider,
    after: [istio.base, istio.cni, istio.istiod, istio.gateway, edge.gateway],
    // What the services' `uses` need (platform stacks only: definePreview never builds it).
    objectsAfter: (namespaces) =>
      needsAppResources(apps)
        ? new AppResources(`${stack}-uses`, {
            config,
            apps: apps.map((a) => ({ namespace: a.app.namespace, catalogue: a.catalogue })),
            network: network.vpc.id,
            privateServicesRange: network.privateServicesRange.name,
            privateServicesConnection: network.privateServicesConnection,
            provider: cluster.provider,
            after: [namespaces],
          }).redisSecrets
        : [],
  });
  if (delivery.synced.length > 0)
    new ConfigSync(`${stack}-configsync`, {
      project: config.gcpProject,
      cluster: { id: cluster.cluster.id, membershipId: clusterName(stack) },
      repository: registry.repository,
      registryPath: registry.path,
      serviceAccountEmail: configSyncServiceAccountEmail(stack, config.gcpProject),
      apps: delivery.synced,
      provider: cluster.provider,
      after: [applied.namespaces],
    });
  // The SLOs' alert policies to each owner's channels, and a golden-signals dashboard per app (docs/slo.md).
  new Alerting(`${stack}-alerting`, { plan: alerting, project: config.gcpProject });
  return {
    namespaces: namespacesOf(apps),
    urls,
    clusterName: cluster.cluster.name,
    clusterEndpoint: cluster.endpoint,
    kubeconfig: cluster.kubeconfig,
    gatewayIp: lb.address,
    certificateDnsRecords: lb.certificateDnsRecords,
    dnsRecords: pulumi
      .all([lb.address, lb.certificateDnsRecords])
      .apply(([address, records]) => dnsRecords(certificateDomains(config), address, records)),
    certificate: lb.certificateName.apply((name) => ({ name, project: config.gcpProject, location: 'global' })),
    registryPath: registry.path,
  };
}
