/**
 * The platform of one stack, composed: network -> GKE -> Istio -> load balancer -> apps (a
 * cluster with its Istio and apps per region of `platform:regions`, behind one load balancer),
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
import { ConfigConnector } from './config-connector';
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
import { regionPlans } from '../core/regions';
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
  /** The primary region's cluster (the only one of a single-region stack). */
  readonly clusterName?: pulumi.Input<string>;
  readonly clusterEndpoint?: pulumi.Input<string>;
  readonly kubeconfig?: pulumi.Input<string>;
  /** Every cluster of the stack, one per region, the primary first, with its kubeconfig (secret; `npm run sync-wait` reads them all). */
  readonly clusters?: ReadonlyArray<{ region: string; name: string; endpoint: pulumi.Input<string>; kubeconfig: pulumi.Input<string> }>;
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
  // The alerts read every region's cluster.
  const alerting = alertingPlan(
    config,
    apps,
    regionPlans(config).map((region) => clusterName(stack, region)),
  );
  assertNoProblems(alerting.problems, `the owners of ${stack}'s services are not teams of ${config.file}`);
  // Accounts, keys and IAM come from the bootstrap stack an administrator runs (docs/identity.md).
  const bootstrap = readBootstrap(config.bootstrapStackReference);
  // One VPC; per region a subnet, router and NAT, and a regional cluster with its own Istio,
  // gateway and edge hop, all behind the one load balancer (docs/regions.md). The primary region's
  // names are those every single-region stack always had; a further region's end in `-<region>`.
  const regions = regionPlans(config);
  const [primary] = regions;
  // App delivery (docs/scaling.md): under Config Sync, Pulumi applies only the namespaces (infra/config-sync.ts),
  // and Config Connector in the primary cluster creates what the services use (charts/config-connector.ts).
  const delivery = deliveryPlan(config.appDelivery, synthesis);
  const cloudNamespaces = delivery.synced.filter((a) => a.cloudObjects.length > 0).map((a) => a.namespace);
  const network = new Network(`${stack}-network`, {
    region: primary.region,
    subnetCidr: primary.subnetCidr,
    podsCidr: primary.podsCidr,
    servicesCidr: primary.servicesCidr,
    masterCidr: primary.masterCidr,
    privateServicesCidr: config.privateServicesCidr,
    ...(regions.length > 1 && { furtherRegions: regions.slice(1) }),
  });
  const clusters = regions.map(
    (region, i) =>
      new GkeCluster(clusterName(stack, region), {
        ...config,
        gcpRegion: region.region,
        zones: region.zones,
        masterCidr: region.masterCidr,
        network: network.vpc.id,
        subnetwork: network.regions[i].subnet.id,
        podRangeName: network.podRangeName,
        serviceRangeName: network.serviceRangeName,
        // One node account for the environment (bootstrap's, named after the primary cluster).
        nodeServiceAccount: bootstrap.nodeServiceAccount,
        // In the primary region: a further region's control plane reads it across regions.
        secretsEncryptionKey: bootstrap.gkeSecretsKey,
        configConnector: region.primary && cloudNamespaces.length > 0,
      }),
  );
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
  const meshes = regions.map((region, i) => {
    const provider = clusters[i].provider;
    const neg = negName(stack, region);
    const istio = new Istio(`${stack}-istio${region.suffix}`, {
      version: config.istioVersion,
      replicas: config.meshReplicas,
      gatewayNamespace: config.gatewayNamespace,
      gatewayName: config.gatewayName,
      controlPlaneNamespace: config.controlPlaneNamespace,
      negName: neg,
      gcpProject: config.gcpProject,
      provider,
    });
    const releases = [istio.base, istio.cni, istio.istiod, istio.gateway];
    // Traces to Cloud Trace through the collector, JSON access logs, Managed Prometheus (docs/observability.md).
    new Observability(`${stack}-observability${region.suffix}`, {
      env: config,
      provider,
      after: releases,
      ...(!region.primary && { resourcePrefix: `${stack}${region.suffix}` }),
    });
    return { region, provider, istio, releases, neg };
  });
  // One backend service over every region's gateway NEGs: the nearest healthy region serves.
  const lb = new LoadBalancer(`${stack}-lb`, {
    project: config.gcpProject,
    gateways: meshes.map((m) => ({ zones: m.region.zones, negName: m.neg, readyAfter: [m.istio.gateway] })),
    domains: certificateDomains(config),
  });
  // The load balancer hop's Gateway and certificate in every cluster (docs/edge.md); previews bind to dev's.
  const edges = meshes.map(
    (m) =>
      new EdgeHop(`${stack}-edge${m.region.suffix}`, {
        env: config,
        provider: m.provider,
        after: m.releases,
        // The drift check (plan account, `preview --refresh`) reads every resource, this Secret included.
        readers: [bootstrap.planServiceAccount],
      }),
  );
  // The services' data stores live in the primary region, once (docs/regions.md): every
  // cluster's pods reach them over the VPC; each cluster gets the Redis credentials.
  let appResources: AppResources | undefined;
  const applied = meshes.map(
    (m, i) =>
      new Apps(`${stack}${m.region.suffix}`, {
        synthesis: delivery.applied,
        provider: m.provider,
        after: [...m.releases, edges[i].gateway],
        ...(!m.region.primary && { resourcePrefix: `${stack}${m.region.suffix}` }),
        // What the services' `uses` need (platform stacks only: definePreview never builds it).
        objectsAfter: (namespaces) => {
          if (!needsAppResources(apps)) return [];
          if (appResources !== undefined)
            return appResources.redisSecretsIn({ suffix: m.region.suffix, provider: m.provider, after: [namespaces] });
          appResources = new AppResources(`${stack}-uses`, {
            config,
            apps: apps.map((a) => ({ namespace: a.app.namespace, catalogue: a.catalogue })),
            network: network.vpc.id,
            privateServicesRange: network.privateServicesRange.name,
            privateServicesConnection: network.privateServicesConnection,
            provider: m.provider,
            after: [namespaces],
            delivery: config.appDelivery,
          });
          return appResources.redisSecrets;
        },
      }),
  );
  // Config Connector in the primary cluster only: one owner for each Google resource (docs/scaling.md).
  const configConnector =
    cloudNamespaces.length > 0
      ? new ConfigConnector(`${stack}-configconnector`, {
          stack,
          project: config.gcpProject,
          namespaces: cloudNamespaces,
          provider: meshes[0].provider,
          after: [clusters[0].cluster, applied[0].namespaces],
        })
      : undefined;
  // Config Sync delivers the same apps to every cluster of the fleet (one RepoSync per app per cluster).
  if (delivery.synced.length > 0)
    new ConfigSync(`${stack}-configsync`, {
      project: config.gcpProject,
      clusters: meshes.map((m, i) => ({
        id: clusters[i].cluster.id,
        membershipId: clusterName(stack, m.region),
        suffix: m.region.suffix,
        primary: m.region.primary,
        provider: m.provider,
        after: [applied[i].namespaces, ...(m.region.primary ? (configConnector?.contexts ?? []) : [])],
      })),
      repository: registry.repository,
      registryPath: registry.path,
      serviceAccountEmail: configSyncServiceAccountEmail(stack, config.gcpProject),
      apps: delivery.synced,
    });
  // The SLOs' alert policies to each owner's channels, and a golden-signals dashboard per app (docs/slo.md).
  new Alerting(`${stack}-alerting`, { plan: alerting, project: config.gcpProject });
  const [cluster] = clusters;
  return {
    namespaces: namespacesOf(apps),
    urls,
    clusterName: cluster.cluster.name,
    clusterEndpoint: cluster.endpoint,
    kubeconfig: cluster.kubeconfig,
    clusters: clusters.map((c, i) => ({ region: regions[i].region, name: c.name, endpoint: c.endpoint, kubeconfig: c.kubeconfig })),
    gatewayIp: lb.address,
    certificateDnsRecords: lb.certificateDnsRecords,
    dnsRecords: pulumi
      .all([lb.address, lb.certificateDnsRecords])
      .apply(([address, records]) => dnsRecords(certificateDomains(config), address, records)),
    certificate: lb.certificateName.apply((name) => ({ name, project: config.gcpProject, location: 'global' })),
    registryPath: registry.path,
  };
}
