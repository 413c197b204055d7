import * as fs from 'node:fs';
import * as path from 'node:path';
import { planStack } from '../cli/plan-command';
import { gcpFindings, mandatoryPackViolations } from './testing/policy-check';
import type { Recording } from './offline/engine';
import { describeSloAlerting } from './testing/slo-alerting';
import { settle } from './offline/engine';
import type { PlatformOutputs } from './platform';
import { clusterName, publicUrls } from './platform';
import { offlineBootstrapOutputs } from './bootstrap-outputs';
import catalogue from '../services/bookinfo';
import boutique from '../services/boutique';

// GIVEN the dev stack WHEN the whole program runs under mocks
let recording: Recording;
let outputs: PlatformOutputs;
let text: string;
beforeAll(async () => {
  ({ recording, outputs, text } = await planStack('dev'));
});

const components = () => recording.resources.filter((r) => !r.custom && r.type.startsWith('platform:')).map((r) => `${r.type} ${r.name}`);

describe('the dev platform', () => {
  it("builds every module: network, GKE, registry, Istio, load balancer, apps (CI identity is bootstrap's)", () => {
    expect(components().sort()).toEqual([
      // The SLOs' alert policies, the teams' channels and the apps' dashboards.
      'platform:alerting:Alerting dev-alerting',
      // Online Boutique's cartservice uses redis: the stack provisions it.
      'platform:apps:AppResources dev-uses',
      'platform:apps:Apps dev',
      'platform:edge:EdgeHop dev-edge',
      'platform:gke:Cluster platform-dev',
      'platform:istio:Istio dev-istio',
      'platform:lb:LoadBalancer dev-lb',
      'platform:network:Network dev-network',
      'platform:observability:Observability dev-observability',
      'platform:registry:ArtifactRegistry dev-registry',
    ]);
  });

  it('puts the cluster in the custom VPC and subnet, on the pods and services ranges', () => {
    const cluster = recording.one('gcp:container/cluster:Cluster');
    expect(cluster.inputs).toMatchObject({
      network: 'dev-network-vpc-id',
      subnetwork: 'dev-network-subnet-id',
      ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
    });
  });

  it('installs Istio through the cluster’s provider, and applies the apps after all four Istio releases (base, cni, istiod, gateway)', () => {
    const releases = recording.ofType('kubernetes:helm.sh/v3:Release');
    expect(releases.map((r) => r.name).sort()).toEqual(['dev-istio-base', 'dev-istio-cni', 'dev-istio-gateway', 'dev-istio-istiod']);
    const deployment = recording.one('kubernetes:apps/v1:Deployment', 'bookinfo/reviews-v2');
    for (const release of releases) expect(recording.dependsOn(deployment, release)).toBe(true);
    const route = recording.one('kubernetes:networking.istio.io/v1:VirtualService', 'bookinfo/bookinfo-public');
    expect(recording.dependsOn(route, recording.one('kubernetes:helm.sh/v3:Release', 'dev-istio-base'))).toBe(true);
  });

  it('creates the load balancer hop: the edge Gateway and its Secret in the gateway namespace, before the apps bind to it', () => {
    expect(recording.ofType('kubernetes:networking.istio.io/v1:Gateway').map((r) => r.name)).toEqual(['dev-edge-gateway']);
    const gateway = recording.one('kubernetes:networking.istio.io/v1:Gateway', 'dev-edge-gateway');
    expect(gateway.inputs).toMatchObject({
      metadata: { name: 'edge', namespace: 'istio-ingress' },
      spec: { servers: [{ hosts: ['*/*'], tls: { mode: 'SIMPLE', credentialName: 'bookinfo-dev-tls' } }] },
    });
    const secret = recording.one('kubernetes:core/v1:Secret', 'dev-edge-tls');
    expect(secret.inputs).toMatchObject({ type: 'kubernetes.io/tls', metadata: { name: 'bookinfo-dev-tls', namespace: 'istio-ingress' } });
    expect(recording.dependsOn(gateway, recording.one('kubernetes:helm.sh/v3:Release', 'dev-istio-base'))).toBe(true);
    const route = recording.one('kubernetes:networking.istio.io/v1:VirtualService', 'bookinfo/bookinfo-public');
    expect(route.inputs).toMatchObject({ spec: { gateways: ['istio-ingress/edge'], hosts: ['bookinfo.dev.example.com'] } });
    expect(recording.dependsOn(route, gateway)).toBe(true);
  });

  it('points the load balancer at the gateway’s NEG once the gateway is installed', () => {
    const backend = recording.one('gcp:compute/backendService:BackendService');
    expect(recording.dependsOn(backend, recording.one('kubernetes:helm.sh/v3:Release', 'dev-istio-gateway'))).toBe(true);
    const negLookups = recording.calls.filter((c) => c.token === 'gcp:compute/getNetworkEndpointGroup:getNetworkEndpointGroup');
    expect(negLookups.map((c) => [c.inputs.name, c.inputs.zone])).toEqual([
      ['istio-gateway-dev-https', 'europe-west1-b'],
      ['istio-gateway-dev-https', 'europe-west1-c'],
      ['istio-gateway-dev-https', 'europe-west1-d'],
    ]);
    expect(recording.one('kubernetes:helm.sh/v3:Release', 'dev-istio-gateway').inputs).toMatchObject({
      values: { service: { annotations: { 'cloud.google.com/neg': '{"exposed_ports":{"443":{"name":"istio-gateway-dev-https"}}}' } } },
    });
  });

  it("exports what users need: every app's namespace and URLs, the certificate covering the domain and each app host", async () => {
    expect(outputs.namespaces).toEqual({ bookinfo: 'bookinfo', boutique: 'boutique' });
    expect(outputs.urls).toEqual(
      [...publicUrls(catalogue, 'bookinfo.dev.example.com'), ...publicUrls(boutique, 'boutique.dev.example.com')].sort(),
    );
    expect(outputs.urls).toContain('https://bookinfo.dev.example.com/productpage');
    expect(outputs.urls).toContain('https://boutique.dev.example.com/');
    expect(await settle(outputs.gatewayIp as never)).toBe('198.51.100.7');
    expect(await settle(outputs.certificateDnsRecords as never)).toEqual(
      ['dev.example.com', 'bookinfo.dev.example.com', 'boutique.dev.example.com'].map((domain, i) => ({
        name: `_acme-challenge.${domain}.`,
        type: 'CNAME',
        data: `dev-lb-dns-auth-${i}.authorize.certificatemanager.goog.`,
      })),
    );
    expect(recording.ofType('gcp:certificatemanager/certificateMapEntry:CertificateMapEntry').map((r) => r.inputs.hostname)).toEqual([
      'dev.example.com',
      '*.dev.example.com',
      'bookinfo.dev.example.com',
      '*.bookinfo.dev.example.com',
      'boutique.dev.example.com',
      '*.boutique.dev.example.com',
    ]);
    expect(await settle(outputs.registryPath as never)).toBe('europe-west1-docker.pkg.dev/replace-me-platform-dev/images');
    expect(await settle(outputs.kubeconfig as never)).toContain('gke-gcloud-auth-plugin');
    expect(clusterName('dev')).toBe('platform-dev');
  });

  it('exports every DNS record to create and the certificate they unlock, as the dns-records fixture has them', async () => {
    const fixture = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'stack-outputs', 'dev.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(await settle(outputs.dnsRecords as never)).toEqual(fixture.dnsRecords);
    expect(await settle(outputs.certificate as never)).toEqual(fixture.certificate);
    expect(await settle(outputs.certificateDnsRecords as never)).toEqual(fixture.certificateDnsRecords);
  });
});

describe('the dev platform and its bootstrap stack', () => {
  const bootstrap = offlineBootstrapOutputs({ stack: 'dev', project: 'replace-me-platform-dev', region: 'europe-west1' });

  it('encrypts Secrets with the GKE key of organization/platform-bootstrap/dev and runs every node pool, the default one included, as the bootstrap node account', () => {
    expect(recording.one('gcp:container/cluster:Cluster').inputs).toMatchObject({
      databaseEncryption: {
        state: 'ENCRYPTED',
        keyName: 'projects/replace-me-platform-dev/locations/europe-west1/keyRings/platform/cryptoKeys/gke-secrets',
      },
      nodeConfig: { serviceAccount: 'platform-dev-nodes@replace-me-platform-dev.iam.gserviceaccount.com' },
    });
    expect(recording.one('gcp:container/nodePool:NodePool').inputs).toMatchObject({
      nodeConfig: { serviceAccount: bootstrap.nodeServiceAccount },
    });
  });

  it("lets the bootstrap's plan account read the hop's Secret, so its drift check can refresh it", () => {
    expect(recording.one('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding').inputs).toMatchObject({
      subjects: [{ kind: 'User', name: bootstrap.planServiceAccount }],
    });
  });

  it('grants the pusher writer on the image repository, and grants nothing on the project nor on any service account', () => {
    expect(recording.one('gcp:artifactregistry/repositoryIamMember:RepositoryIamMember').inputs).toEqual({
      project: 'replace-me-platform-dev',
      location: 'europe-west1',
      repository: 'images',
      role: 'roles/artifactregistry.writer',
      member: 'serviceAccount:ci-image-pusher@replace-me-platform-dev.iam.gserviceaccount.com',
    });
    expect(recording.resources.filter((r) => /^gcp:(projects|serviceaccount|organizations|folder)\//.test(r.type))).toEqual([]);
  });
});

describe('the dev platform: observability (docs/observability.md)', () => {
  const telemetry = () => recording.one('kubernetes:telemetry.istio.io/v1:Telemetry', 'istio-system/mesh-default');

  it('applies the mesh-wide Telemetry in the control-plane namespace, tracing every request in dev, after istiod', () => {
    expect(telemetry().inputs).toMatchObject({
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: {
        accessLogging: [{ providers: [{ name: 'json-stdout' }] }],
        tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 100 }],
      },
    });
    expect(recording.dependsOn(telemetry(), recording.one('kubernetes:helm.sh/v3:Release', 'dev-istio-istiod'))).toBe(true);
    expect(recording.one('kubernetes:helm.sh/v3:Release', 'dev-istio-istiod').inputs).toMatchObject({
      values: { meshConfig: { extensionProviders: [{ name: 'otel-tracing' }, { name: 'json-stdout' }] } },
    });
  });

  it('runs the collector in observability, one replica, as the Google account bootstrap creates for it', () => {
    expect(recording.one('kubernetes:core/v1:ServiceAccount', 'observability/otel-collector').inputs).toMatchObject({
      metadata: { annotations: { 'iam.gke.io/gcp-service-account': 'otel-collector-dev@replace-me-platform-dev.iam.gserviceaccount.com' } },
      automountServiceAccountToken: false,
    });
    const deployment = recording.one('kubernetes:apps/v1:Deployment', 'observability/otel-collector');
    expect(deployment.inputs).toMatchObject({
      spec: { replicas: 1, template: { spec: { containers: [{ image: 'docker.io/otel/opentelemetry-collector-contrib:0.159.0' }] } } },
    });
    const namespace = recording.one('kubernetes:core/v1:Namespace', 'observability');
    expect(recording.dependsOn(deployment, namespace)).toBe(true);
    expect(recording.dependsOn(deployment, recording.one('kubernetes:helm.sh/v3:Release', 'dev-istio-istiod'))).toBe(true);
  });

  it("scrapes istiod's and the gateway's metrics with Managed Prometheus, and every app namespace's sidecars", () => {
    expect(recording.one('kubernetes:monitoring.googleapis.com/v1:PodMonitoring', 'istio-system/istiod').inputs).toMatchObject({
      spec: { selector: { matchLabels: { app: 'istiod' } }, endpoints: [{ port: 15014, path: '/metrics' }] },
    });
    expect(recording.one('kubernetes:monitoring.googleapis.com/v1:PodMonitoring', 'istio-ingress/istio-ingress').inputs).toMatchObject({
      spec: { selector: { matchLabels: { istio: 'ingress' } }, endpoints: [{ port: 15020, path: '/stats/prometheus' }] },
    });
    for (const ns of ['bookinfo', 'boutique', 'observability'])
      expect(recording.one('kubernetes:monitoring.googleapis.com/v1:PodMonitoring', `${ns}/istio-proxies`).inputs).toMatchObject({
        spec: { endpoints: [{ port: 15020, path: '/stats/prometheus' }] },
      });
  });
});

describe('the dev program against the policy catalogue', () => {
  it('passes every mandatory rule through the CrossGuard pack, on its GCP and Kubernetes resources', () => {
    expect(mandatoryPackViolations(recording, 'dev', 'dev')).toEqual([]);
  });

  it('reports no advisory finding on its GCP resources either', () => {
    const { blocking, findings } = gcpFindings(recording, 'dev', 'dev');
    expect(blocking).toEqual([]);
    // Secrets are KMS-encrypted (GK07) and no IAM is granted on the project (GK08): none left.
    expect(findings).toEqual([]);
  });
});

describeSloAlerting('dev', () => ({ recording, text }));
