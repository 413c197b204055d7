import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import { recordResources } from './offline/engine';
import { synthesize } from '../charts';
import catalogue from '../services/bookinfo';
import { defineCatalogue } from '../services/define';
import { environment, repoReleases } from '../test/fixtures/environments';
import { Apps } from './apps';

const recording = recordResources({ stack: 'dev', gcpProject: 'my-proj' });
const flush = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('Apps', () => {
  beforeAll(async () => {
    // GIVEN the BookInfo dev synthesis, a cluster provider and a stand-in for the Istio releases
    const provider = new k8s.Provider('cluster', { kubeconfig: 'unused' });
    const istio = new gcp.compute.Network('istio-stand-in', {});
    const withStorage = defineCatalogue('bookinfo', [
      ...catalogue.services.filter((d) => d.spec.name !== 'details'),
      {
        ...catalogue.services[1],
        spec: { ...catalogue.services[1].spec, gcp: { roles: ['roles/storage.objectViewer', 'roles/pubsub.publisher'] } },
      },
    ]);
    const synthesis = synthesize(environment('dev', { gcpProject: 'my-proj' }), withStorage, repoReleases('dev'));
    // WHEN the apps are applied
    new Apps('bookinfo', { synthesis, provider, after: [istio] });
    await flush();
  });

  const k8sObjects = () => recording.resources.filter((r) => r.type.startsWith('kubernetes:') && r.custom);

  it('applies every synthesized object as its typed Kubernetes or Istio resource', () => {
    const types = new Set(k8sObjects().map((r) => r.type));
    expect([...types].sort()).toEqual([
      'kubernetes:apps/v1:Deployment',
      'kubernetes:autoscaling/v2:HorizontalPodAutoscaler',
      'kubernetes:core/v1:ConfigMap',
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:Service',
      'kubernetes:core/v1:ServiceAccount',
      'kubernetes:monitoring.googleapis.com/v1:PodMonitoring',
      'kubernetes:monitoring.googleapis.com/v1:Rules',
      'kubernetes:networking.istio.io/v1:DestinationRule',
      'kubernetes:networking.istio.io/v1:ServiceEntry',
      'kubernetes:networking.istio.io/v1:Sidecar',
      'kubernetes:networking.istio.io/v1:VirtualService',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy',
      'kubernetes:policy/v1:PodDisruptionBudget',
      'kubernetes:security.istio.io/v1:AuthorizationPolicy',
      'kubernetes:security.istio.io/v1:PeerAuthentication',
      'kubernetes:security.istio.io/v1:RequestAuthentication',
    ]);
    // No per-catalogue Gateway any more (the platform owns it), two Google Cloud ServiceEntries for the gcp service,
    // each service's SLO Rules, and the namespace's observability objects (the sidecars' PodMonitoring, the scrape and
    // trace-export NetworkPolicies).
    expect(k8sObjects()).toHaveLength(64);
    expect(recording.one('kubernetes:apps/v1:Deployment', 'bookinfo/reviews-v2').inputs).toMatchObject({
      metadata: { name: 'reviews-v2', namespace: 'bookinfo' },
    });
  });

  it('applies everything after Istio, and the namespace before everything else', () => {
    const istio = recording.one('gcp:compute/network:Network', 'istio-stand-in');
    const namespace = recording.one('kubernetes:core/v1:Namespace', 'bookinfo');
    for (const r of k8sObjects()) expect(recording.dependsOn(r, istio)).toBe(true);
    for (const r of k8sObjects().filter((o) => o !== namespace)) expect(recording.dependsOn(r, namespace)).toBe(true);
    expect(recording.dependsOn(namespace, recording.one('kubernetes:core/v1:Service', 'bookinfo/reviews'))).toBe(false);
  });

  it('creates no Google resource for a service with Google Cloud access: bootstrap owns its account and roles, synthesis only names it', () => {
    expect(recording.resources.filter((r) => r.type.startsWith('gcp:') && r.name !== 'istio-stand-in')).toEqual([]);
    expect(recording.one('kubernetes:core/v1:ServiceAccount', 'bookinfo/bookinfo-details').inputs).toMatchObject({
      metadata: { annotations: { 'iam.gke.io/gcp-service-account': 'details-dev@my-proj.iam.gserviceaccount.com' } },
    });
  });
});
