import { planStack } from '../cli/plan-command';
import { gcpFindings, mandatoryPackViolations } from './testing/policy-check';
import type { Recording } from './offline/engine';
import { synthesizeEnvironment } from '../charts/environment';
import { loadEnvironment, repoRoot } from '../core/config';
import { loadApps } from '../services/apps';
import { deliveryPlan, type SyncedAppPlan } from './config-sync-plan';

// GIVEN the prod stack WHEN the whole program runs under mocks
let recording: Recording;
let text: string;
let synced: readonly SyncedAppPlan[];
beforeAll(async () => {
  const config = loadEnvironment('prod');
  synced = deliveryPlan(config.appDelivery, synthesizeEnvironment(config, loadApps(config, repoRoot()))).synced;
  ({ recording, text } = await planStack('prod'));
});

describe('the prod platform, where it differs from dev', () => {
  it('protects the cluster from deletion and enforces Binary Authorization on the stable channel', () => {
    expect(recording.one('gcp:container/cluster:Cluster').inputs).toMatchObject({
      deletionProtection: true,
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      releaseChannel: { channel: 'STABLE' },
    });
  });

  it('runs on standard (not spot) nodes, at least two per zone', () => {
    expect(recording.one('gcp:container/nodePool:NodePool').inputs).toMatchObject({
      autoscaling: { minNodeCount: 2, maxNodeCount: 5 },
      nodeConfig: { spot: false },
    });
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

  it('delivers its apps through Config Sync: the cluster in the fleet, Config Sync on, one RepoSync per app at its bundle digest', () => {
    expect(recording.one('gcp:gkehub/membership:Membership').inputs).toMatchObject({
      membershipId: 'platform-prod',
      endpoint: { gkeCluster: { resourceLink: expect.stringMatching(/^\/\/container\.googleapis\.com\//) } },
    });
    expect(recording.one('gcp:gkehub/feature:Feature').inputs).toMatchObject({ name: 'configmanagement', location: 'global' });
    expect(recording.one('gcp:gkehub/featureMembership:FeatureMembership').inputs).toMatchObject({
      configmanagement: { configSync: { enabled: true } },
    });
    const syncs = recording
      .ofType('kubernetes:configsync.gke.io/v1beta1:RepoSync')
      .map((r) => r.inputs)
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(syncs).toEqual(
      synced.map((a) => ({
        apiVersion: 'configsync.gke.io/v1beta1',
        kind: 'RepoSync',
        metadata: { name: 'repo-sync', namespace: a.namespace },
        spec: {
          sourceType: 'oci',
          oci: {
            image: `europe-west1-docker.pkg.dev/replace-me-platform-prod/images/apps/${a.name}@${a.digest}`,
            auth: 'gcpserviceaccount',
            gcpServiceAccountEmail: 'config-sync-prod@replace-me-platform-prod.iam.gserviceaccount.com',
          },
        },
      })),
    );
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
    // apps twice: the services' managed resources (AppResources: cartservice's Memorystore), then their objects;
    // then the SLOs' alerting (policies, channels, dashboards).
    // Under Config Sync, apps holds only the namespaces; configsync the fleet, Config Sync and the RepoSyncs.
    expect(modules).toEqual([
      'network',
      'gke',
      'registry',
      'istio',
      'observability',
      'edge',
      'lb',
      'apps',
      'apps',
      'alerting',
      'configsync',
    ]);
    expect(text).toContain('deletionProtection=true');
    expect(text).not.toContain('gke-gcloud-auth-plugin');
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
