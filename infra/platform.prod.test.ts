import { planStack } from '../cli/plan-command';
import { gcpFindings, mandatoryPackViolations } from './testing/policy-check';
import type { Recording } from './offline/engine';

// GIVEN the prod stack WHEN the whole program runs under mocks
let recording: Recording;
let text: string;
beforeAll(async () => {
  ({ recording, text } = await planStack('prod'));
});

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

  it('deploys digest-pinned images with three to ten replicas', () => {
    const deployment = recording.one('kubernetes:apps/v1:Deployment', 'bookinfo/reviews-v1').inputs as {
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    };
    expect(deployment.spec.template.spec.containers[0].image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(recording.one('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'bookinfo/reviews-v1').inputs).toMatchObject({
      spec: { minReplicas: 3, maxReplicas: 10 },
    });
  });

  it('prints the plan grouped by module in build order', () => {
    const modules = [...text.matchAll(/^(\w+) {2}\(platform:/gm)].map((m) => m[1]);
    // gke, istio, observability and edge once per region; apps three times: the services' managed resources
    // (AppResources: cartservice's Memorystore, once), then their objects in each region's cluster;
    // then the SLOs' alerting (policies, channels, dashboards).
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

  it("applies every app to both clusters, the second region's under its own names, and the edge hop to each", () => {
    const deployments = recording.ofType('kubernetes:apps/v1:Deployment').map((d) => d.name);
    expect(deployments).toContain('bookinfo/reviews-v1');
    expect(deployments).toContain('prod-europe-west4-bookinfo/reviews-v1');
    expect(deployments.filter((n) => n.startsWith('prod-europe-west4-') && !n.includes('otel')).length).toBe(
      deployments.filter((n) => !n.startsWith('prod-europe-west4-') && !n.includes('otel')).length,
    );
    expect(recording.one('kubernetes:apps/v1:Deployment', 'prod-europe-west4-bookinfo/reviews-v1').provider).toContain(
      'platform-prod-europe-west4-k8s',
    );
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

describe('the prod SLO alerting', () => {
  it('pages and tickets each owner through its team channel: two policies per service that serves requests, a dashboard per app', () => {
    const policies = recording.ofType('gcp:monitoring/alertPolicy:AlertPolicy');
    // BookInfo's 4 services and Online Boutique's 10 (its load generator serves no requests).
    expect(policies).toHaveLength(28);
    const channels = new Map(
      recording
        .ofType('gcp:monitoring/notificationChannel:NotificationChannel')
        .map((c) => [(c.inputs.labels as { email_address: string }).email_address, String(c.inputs.project)]),
    );
    expect([...channels.keys()].sort()).toEqual(
      ['team-boutique', 'team-catalog', 'team-reviews', 'team-storefront'].map((t) => `${t}+prod@example.com`),
    );
    for (const p of policies)
      expect(p.inputs.notificationChannels).toEqual([
        expect.stringMatching(/^projects\/replace-me-platform-prod\/notificationChannels\/\d+$/),
      ]);
    expect(recording.ofType('gcp:monitoring/dashboard:Dashboard').map((d) => d.name)).toEqual([
      'prod-bookinfo-dashboard',
      'prod-boutique-dashboard',
    ]);
  });

  it('shows the policies with their channels and the dashboards in the plan', () => {
    expect(text).toContain('alerting  (platform:alerting:Alerting "prod-alerting")');
    expect(text).toMatch(
      /AlertPolicy prod-bookinfo-reviews-page {2}severity=CRITICAL {2}userLabels\.team=team-reviews {2}notificationChannels=\[projects\/replace-me-platform-prod\/notificationChannels\/\d+\]/,
    );
    expect(text).toContain('Dashboard prod-boutique-dashboard');
  });
});
