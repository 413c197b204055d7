import { planStack } from '../cli/plan-command';
import { gcpFindings, mandatoryPackViolations } from './testing/policy-check';
import { settle, type Recording } from './offline/engine';
import type { PlatformOutputs } from './platform';
import { describeSloAlerting } from './testing/slo-alerting';
import { synthesizeEnvironment } from '../charts/environment';
import { loadEnvironment, repoRoot } from '../core/config';
import { loadApps } from '../services/apps';
import { deliveryPlan, type SyncedAppPlan } from './config-sync-plan';

// GIVEN the prod stack WHEN the whole program runs under mocks
let recording: Recording;
let text: string;
let outputs: PlatformOutputs;
let synced: readonly SyncedAppPlan[];
beforeAll(async () => {
  const config = loadEnvironment('prod');
  synced = deliveryPlan(config.appDelivery, synthesizeEnvironment(config, loadApps(config, repoRoot()))).synced;
  ({ recording, text, outputs } = await planStack('prod'));
});

/** A RepoSync's namespace and the directory it reads ('' for the whole bundle): unique per stack. */
const syncKey = (sync: Record<string, unknown>): string => {
  const { metadata, spec } = sync as { metadata: { namespace: string }; spec: { oci: { dir?: string } } };
  return `${metadata.namespace}/${spec.oci.dir ?? ''}`;
};

describe('the prod platform, where it differs from dev', () => {
  it('protects both clusters from deletion and enforces Binary Authorization on the stable channel', () => {
    const clusters = recording.ofType('gcp:container/cluster:Cluster');
    expect(clusters).toHaveLength(2);
    for (const cluster of clusters)
      expect(cluster.inputs).toMatchObject({
        deletionProtection: true,
        binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
        releaseChannel: { channel: 'STABLE' },
      });
  });

  it('runs both clusters on standard (not spot) nodes, at least two per zone', () => {
    const pools = recording.ofType('gcp:container/nodePool:NodePool');
    expect(pools).toHaveLength(2);
    for (const pool of pools)
      expect(pool.inputs).toMatchObject({ autoscaling: { minNodeCount: 2, maxNodeCount: 5 }, nodeConfig: { spot: false } });
  });

  it('runs istiod and the gateway with two replicas', () => {
    const values = (name: string) => recording.one('kubernetes:helm.sh/v3:Release', name).inputs.values as Record<string, unknown>;
    expect(values('prod-istio-istiod')).toMatchObject({ replicaCount: 2 });
    expect(values('prod-istio-gateway')).toMatchObject({ replicaCount: 2 });
  });

  it('deploys digest-pinned images with three to ten replicas (in the bundle Config Sync pulls)', () => {
    const objects = synced.find((a) => a.name === 'bookinfo')?.objects ?? [];
    const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    const deployment = named('Deployment', 'reviews-v1') as unknown as {
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    };
    expect(deployment.spec.template.spec.containers[0].image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(named('HorizontalPodAutoscaler', 'reviews-v1')).toMatchObject({ spec: { minReplicas: 3, maxReplicas: 10 } });
  });

  it('delivers its apps through Config Sync: both clusters in the fleet, Config Sync on, one RepoSync per app per cluster at its bundle digest', () => {
    expect(recording.ofType('gcp:gkehub/membership:Membership').map((r) => r.inputs.membershipId)).toEqual([
      'platform-prod',
      'platform-prod-europe-west4',
    ]);
    for (const m of recording.ofType('gcp:gkehub/membership:Membership'))
      expect(m.inputs).toMatchObject({
        endpoint: { gkeCluster: { resourceLink: expect.stringMatching(/^\/\/container\.googleapis\.com\//) } },
      });
    // One Config Management feature for the fleet, a feature membership per cluster.
    expect(recording.one('gcp:gkehub/feature:Feature').inputs).toMatchObject({ name: 'configmanagement', location: 'global' });
    const featureMemberships = recording.ofType('gcp:gkehub/featureMembership:FeatureMembership');
    expect(featureMemberships).toHaveLength(2);
    for (const f of featureMemberships) expect(f.inputs).toMatchObject({ configmanagement: { configSync: { enabled: true } } });
    const syncs = recording
      .ofType('kubernetes:configsync.gke.io/v1beta1:RepoSync')
      .map((r) => r.inputs)
      .sort((a, b) => syncKey(a).localeCompare(syncKey(b)));
    // The primary region's cluster syncs the whole bundle (workloads and Config Connector objects),
    // the other only its workloads: every Google resource has one owner.
    const expected = (primary: boolean) =>
      synced.map((a) => ({
        apiVersion: 'configsync.gke.io/v1beta1',
        kind: 'RepoSync',
        metadata: { name: 'repo-sync', namespace: a.namespace },
        spec: {
          sourceType: 'oci',
          oci: {
            image: `europe-west1-docker.pkg.dev/replace-me-platform-prod/images/apps/${a.name}@${a.digest}`,
            ...(!primary && { dir: 'workloads' }),
            auth: 'gcpserviceaccount',
            gcpServiceAccountEmail: 'config-sync-prod@replace-me-platform-prod.iam.gserviceaccount.com',
          },
        },
      }));
    // The same apps at the same digests in both regions' clusters.
    expect(syncs).toEqual([...expected(true), ...expected(false)].sort((a, b) => syncKey(a).localeCompare(syncKey(b))));
    // The bundles are read with roles/artifactregistry.reader on the repository only.
    expect(
      recording.one('gcp:artifactregistry/repositoryIamMember:RepositoryIamMember', 'prod-configsync-bundle-reader').inputs,
    ).toMatchObject({ role: 'roles/artifactregistry.reader', repository: 'images' });
  });

  it("applies no app object but the namespaces with Pulumi: the stack's size does not follow the services", () => {
    // ConfigGroup names an object `<namespace>/<name>`: of the apps', only their Namespaces are resources.
    const ofApps = recording.resources.filter((r) => /^(bookinfo|boutique)(\/|$)/.test(r.name) && r.type.startsWith('kubernetes:'));
    expect(ofApps.map((r) => `${r.type} ${r.name}`)).toEqual([
      'kubernetes:core/v1:Namespace bookinfo',
      'kubernetes:core/v1:Namespace boutique',
    ]);
  });

  it("binds each app's reconciler to a Role in the app's namespace only", () => {
    const binding = recording.one('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'prod-configsync-boutique-rolebinding').inputs;
    expect(binding).toMatchObject({
      metadata: { name: 'config-sync-reconciler', namespace: 'boutique' },
      roleRef: { kind: 'Role', name: 'config-sync-reconciler' },
      subjects: [{ kind: 'ServiceAccount', name: 'ns-reconciler-boutique', namespace: 'config-management-system' }],
    });
  });

  it('prints the plan grouped by module in build order', () => {
    const modules = [...text.matchAll(/^(\w+) {2}\(platform:/gm)].map((m) => m[1]);
    // gke, istio, observability and edge once per region; apps three times: the services' managed resources
    // (AppResources: cartservice's Memorystore, once), then their objects in each region's cluster;
    // then the SLOs' alerting (policies, channels, dashboards).
    // Under Config Sync, each region's apps hold only the namespaces; configsync the fleet, Config Sync and the RepoSyncs.
    expect(modules).toEqual([
      'network',
      'gke',
      'gke',
      'registry',
      'istio',
      'istio',
      'observability',
      'observability',
      'edge',
      'edge',
      'lb',
      'apps',
      'apps',
      'apps',
      'alerting',
      'configsync',
    ]);
    expect(text).toContain('deletionProtection=true');
    expect(text).not.toContain('gke-gcloud-auth-plugin');
  });
});

describe('prod in two regions, behind the one load balancer', () => {
  const regional = (type: string) =>
    recording
      .ofType(type)
      .map((r) => [r.name, r.inputs.region ?? r.inputs.location])
      .sort();

  it('gives every resource of both regions its own URN (the engine would refuse a repeated one)', () => {
    const urns = recording.resources.map((r) => r.urn);
    expect(urns.filter((u, i) => urns.indexOf(u) !== i)).toEqual([]);
    // The trace collector, once per cluster: the further region's under its prefix.
    expect(
      recording
        .ofType('kubernetes:apps/v1:Deployment')
        .map((d) => d.name)
        .filter((n) => n.endsWith('otel-collector')),
    ).toEqual(['observability/otel-collector', 'prod-europe-west4-observability/otel-collector']);
  });

  it('has one VPC with a subnet, a router and a NAT in each region', () => {
    expect(recording.ofType('gcp:compute/network:Network').map((r) => r.name)).toEqual(['prod-network-vpc']);
    expect(regional('gcp:compute/subnetwork:Subnetwork')).toEqual([
      ['prod-network-subnet', 'europe-west1'],
      ['prod-network-subnet-europe-west4', 'europe-west4'],
    ]);
    expect(regional('gcp:compute/router:Router')).toEqual([
      ['prod-network-router', 'europe-west1'],
      ['prod-network-router-europe-west4', 'europe-west4'],
    ]);
    expect(regional('gcp:compute/routerNat:RouterNat')).toEqual([
      ['prod-network-nat', 'europe-west1'],
      ['prod-network-nat-europe-west4', 'europe-west4'],
    ]);
    expect(recording.one('gcp:compute/subnetwork:Subnetwork', 'prod-network-subnet-europe-west4').inputs).toMatchObject({
      ipCidrRange: '10.11.0.0/20',
      secondaryIpRanges: [
        { rangeName: 'pods', ipCidrRange: '10.40.0.0/14' },
        { rangeName: 'services', ipCidrRange: '10.25.0.0/20' },
      ],
    });
  });

  it("opens the gateways and istiod's webhook in both regions' pod ranges", () => {
    const rules = Object.fromEntries(recording.ofType('gcp:compute/firewall:Firewall').map((r) => [r.name, r.inputs]));
    expect(rules['prod-network-allow-lb-to-gateway']).toMatchObject({ destinationRanges: ['10.20.0.0/14', '10.40.0.0/14'] });
    expect(rules['prod-network-allow-master-to-istiod']).toMatchObject({
      sourceRanges: ['172.16.0.0/28', '172.16.0.16/28'],
      destinationRanges: ['10.20.0.0/14', '10.40.0.0/14'],
    });
  });

  it("runs a regional cluster in each region, over that region's zones, with its own control plane range", () => {
    expect(regional('gcp:container/cluster:Cluster')).toEqual([
      ['platform-prod-cluster', 'europe-west1'],
      ['platform-prod-europe-west4-cluster', 'europe-west4'],
    ]);
    expect(recording.one('gcp:container/cluster:Cluster', 'platform-prod-europe-west4-cluster').inputs).toMatchObject({
      name: 'platform-prod-europe-west4',
      subnetwork: 'prod-network-subnet-europe-west4-id',
      privateClusterConfig: { masterIpv4CidrBlock: '172.16.0.16/28' },
    });
    expect(recording.one('gcp:container/nodePool:NodePool', 'platform-prod-europe-west4-pool').inputs.nodeLocations).toEqual([
      'europe-west4-a',
      'europe-west4-b',
      'europe-west4-c',
    ]);
  });

  it('installs Istio in each cluster, each gateway with its own NEG name, through its own provider', () => {
    const releases = recording.ofType('kubernetes:helm.sh/v3:Release');
    expect(releases.map((r) => r.name).sort()).toEqual(
      ['prod-istio', 'prod-istio-europe-west4'].flatMap((p) => ['base', 'cni', 'gateway', 'istiod'].map((c) => `${p}-${c}`)).sort(),
    );
    const providerOf = (name: string) => recording.one('kubernetes:helm.sh/v3:Release', name).provider;
    expect(providerOf('prod-istio-gateway')).toContain('platform-prod-k8s');
    expect(providerOf('prod-istio-europe-west4-gateway')).toContain('platform-prod-europe-west4-k8s');
    const negOf = (name: string) =>
      (recording.one('kubernetes:helm.sh/v3:Release', name).inputs.values as { service: { annotations: Record<string, string> } }).service
        .annotations['cloud.google.com/neg'];
    expect(negOf('prod-istio-gateway')).toContain('"name":"istio-gateway-prod-https"');
    expect(negOf('prod-istio-europe-west4-gateway')).toContain('"name":"istio-gateway-prod-europe-west4-https"');
  });

  it("puts both regions' gateway NEGs, every zone, in the one backend service, balanced by rate and health-checked", () => {
    const backend = recording.one('gcp:compute/backendService:BackendService');
    const groups = (backend.inputs.backends as Array<{ group: string; balancingMode: string }>).map((b) => {
      expect(b.balancingMode).toBe('RATE');
      return b.group.replace(/^.*\/zones\//, '');
    });
    expect(groups).toEqual([
      ...['b', 'c', 'd'].map((z) => `europe-west1-${z}/networkEndpointGroups/istio-gateway-prod-https`),
      ...['a', 'b', 'c'].map((z) => `europe-west4-${z}/networkEndpointGroups/istio-gateway-prod-europe-west4-https`),
    ]);
    expect(backend.inputs.healthChecks).toBe('prod-lb-health-id');
    // The backend service waits for both gateways (the NEG lookups depend on each release).
    for (const gateway of ['prod-istio-gateway', 'prod-istio-europe-west4-gateway'])
      expect(recording.dependsOn(backend, recording.one('kubernetes:helm.sh/v3:Release', gateway))).toBe(true);
  });

  it("delivers every app to both clusters (namespaces by Pulumi, the rest by Config Sync), the second region's under its own names, and the edge hop to each", () => {
    const namespaces = recording.ofType('kubernetes:core/v1:Namespace').map((n) => n.name);
    expect(namespaces).toEqual(
      expect.arrayContaining(['bookinfo', 'boutique', 'prod-europe-west4-bookinfo', 'prod-europe-west4-boutique']),
    );
    expect(recording.one('kubernetes:core/v1:Namespace', 'prod-europe-west4-bookinfo').provider).toContain(
      'platform-prod-europe-west4-k8s',
    );
    const syncs = recording.ofType('kubernetes:configsync.gke.io/v1beta1:RepoSync');
    expect(syncs.map((r) => r.name).sort()).toEqual([
      'prod-configsync-bookinfo-reposync',
      'prod-configsync-boutique-reposync',
      'prod-configsync-europe-west4-bookinfo-reposync',
      'prod-configsync-europe-west4-boutique-reposync',
    ]);
    expect(
      recording.one('kubernetes:configsync.gke.io/v1beta1:RepoSync', 'prod-configsync-europe-west4-bookinfo-reposync').provider,
    ).toContain('platform-prod-europe-west4-k8s');
    expect(
      recording
        .ofType('kubernetes:networking.istio.io/v1:Gateway')
        .map((g) => g.name)
        .filter((n) => n.startsWith('prod-edge')),
    ).toEqual(['prod-edge-gateway', 'prod-edge-europe-west4-gateway']);
  });

  it('keeps the data stores in the primary region, once, with the Redis credentials in both clusters', () => {
    expect(regional('gcp:redis/instance:Instance')).toEqual([['prod-uses-cartservice-redis', 'europe-west1']]);
    const secrets = recording.ofType('kubernetes:core/v1:Secret').filter((s) => s.name.startsWith('prod-uses-'));
    expect(secrets.map((s) => [s.name, s.provider?.includes('europe-west4') ?? false])).toEqual([
      ['prod-uses-cartservice-redis-secret', false],
      ['prod-uses-cartservice-redis-secret-europe-west4', true],
    ]);
  });

  it('exports every cluster with its kubeconfig, the primary first (npm run sync-wait waits on each)', async () => {
    const clusters = await Promise.all(
      (outputs.clusters ?? []).map(async (c) => [c.region, c.name, await settle(c.kubeconfig as never)] as const),
    );
    expect(clusters.map(([region, name]) => [region, name])).toEqual([
      ['europe-west1', 'platform-prod'],
      ['europe-west4', 'platform-prod-europe-west4'],
    ]);
    for (const [, name, kubeconfig] of clusters) {
      expect(kubeconfig).toContain('gke-gcloud-auth-plugin');
      expect(kubeconfig).toContain(`current-context: ${name}`);
    }
  });
});

describe('the prod program against the policy catalogue', () => {
  it('passes every mandatory rule through the CrossGuard pack, on its GCP and Kubernetes resources', () => {
    expect(mandatoryPackViolations(recording, 'prod', 'prod')).toEqual([]);
  });

  it('reports no advisory finding on its GCP resources either', () => {
    const { blocking, findings } = gcpFindings(recording, 'prod', 'prod');
    expect(blocking).toEqual([]);
    // Secrets are KMS-encrypted (GK07) and no IAM is granted on the project (GK08): none left.
    expect(findings).toEqual([]);
  });
});

describeSloAlerting('prod', () => ({ recording, text }));
