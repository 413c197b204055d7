import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { CONFIG_CONNECTOR_CRDS } from '../charts/apiserver/crd-files';
import { environmentBundles } from '../charts/bundle';
import { synthesizeEnvironment } from '../charts/environment';
import { strictCrdSchema, type ManifestObject } from '../charts/schema';
import { loadEnvironment, repoRoot } from '../core/config';
import { loadApps } from '../services/apps';
import {
  bundleImage,
  CONFIG_SYNC_NAMESPACE,
  deliveryPlan,
  reconcilerMember,
  reconcilerRules,
  reconcilerServiceAccount,
  REPO_SYNC_API_VERSION,
  REPO_SYNC_NAME,
  repoSync,
  resourceOf,
} from './config-sync-plan';

const VENDOR = path.join(repoRoot(), 'vendor');
const CONFIG_SYNC = path.join(VENDOR, 'kpt-config-sync', 'v1.22.0');
const FACTS = JSON.parse(fs.readFileSync(path.join(CONFIG_SYNC, 'facts.json'), 'utf8')) as {
  controllerNamespace: string;
  repoSyncName: string;
  nsReconcilerPrefix: string;
  nsReconcilerNameFormat: string;
};

interface Crd {
  spec: {
    group: string;
    names: { kind: string; plural: string };
    versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Record<string, unknown> } }>;
  };
}
const crdsIn = (file: string): Crd[] =>
  parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Crd & { kind?: string })
    .filter((d) => d?.kind === 'CustomResourceDefinition');

const REPO_SYNC_CRD = crdsIn(path.join(CONFIG_SYNC, 'manifests', 'reposync-crd.yaml'))[0];

describe('the RepoSync of an app', () => {
  const obj = repoSync(
    'bookinfo',
    'europe-west1-docker.pkg.dev/p/images/apps/bookinfo@sha256:' + 'a'.repeat(64),
    'cs@p.iam.gserviceaccount.com',
  );

  it("is valid against Config Sync's RepoSync CRD at v1.22.0 (served version v1beta1)", () => {
    const [group, version] = REPO_SYNC_API_VERSION.split('/');
    expect(REPO_SYNC_CRD.spec.group).toBe(group);
    const served = REPO_SYNC_CRD.spec.versions.find((v) => v.name === version);
    expect(served?.served).toBe(true);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(strictCrdSchema(served?.schema.openAPIV3Schema ?? {}));
    expect(validate(obj) ? [] : validate.errors).toEqual([]);
  });

  it("reads only the bundle's workloads/ directory outside the primary region's cluster, and is still valid", () => {
    const other = repoSync('bookinfo', 'r/apps/bookinfo@sha256:' + 'a'.repeat(64), 'cs@p.iam.gserviceaccount.com', false);
    expect((other.spec as { oci: { dir?: string } }).oci.dir).toBe('workloads');
    expect((obj.spec as { oci: { dir?: string } }).oci.dir).toBeUndefined();
    const served = REPO_SYNC_CRD.spec.versions.find((v) => v.name === 'v1beta1');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(strictCrdSchema(served?.schema.openAPIV3Schema ?? {}));
    expect(validate(other) ? [] : validate.errors).toEqual([]);
  });

  it('is refused by the CRD with an auth type Config Sync does not know (the schema is enforced)', () => {
    const served = REPO_SYNC_CRD.spec.versions.find((v) => v.name === 'v1beta1');
    const validate = new Ajv({ strict: false }).compile(strictCrdSchema(served?.schema.openAPIV3Schema ?? {}));
    const spec = obj.spec as { oci: Record<string, unknown> };
    expect(validate({ ...obj, spec: { ...spec, oci: { ...spec.oci, auth: 'workloadidentity' } } })).toBe(false);
  });

  it('is named repo-sync so its reconciler is ns-reconciler-<namespace> in config-management-system (pkg/core/names.go)', () => {
    expect(REPO_SYNC_NAME).toBe(FACTS.repoSyncName);
    expect(CONFIG_SYNC_NAMESPACE).toBe(FACTS.controllerNamespace);
    expect(FACTS.nsReconcilerNameFormat).toBe('%s-%s');
    expect(reconcilerServiceAccount('bookinfo')).toBe(`${FACTS.nsReconcilerPrefix}-bookinfo`);
    expect(reconcilerMember('p', 'bookinfo')).toBe('serviceAccount:p.svc.id.goog[config-management-system/ns-reconciler-bookinfo]');
  });

  it('pulls the bundle at an exact digest', () => {
    expect(bundleImage('europe-west1-docker.pkg.dev/p/images', 'shop', 'sha256:abc')).toBe(
      'europe-west1-docker.pkg.dev/p/images/apps/shop@sha256:abc',
    );
  });
});

describe("the reconciler's Role", () => {
  const obj = (apiVersion: string, kind: string): ManifestObject => ({ apiVersion, kind, metadata: { name: 'x' } });

  it("has one rule per API group over exactly the objects' kinds, with the verbs of apply, drift and prune", () => {
    expect(
      reconcilerRules([
        obj('apps/v1', 'Deployment'),
        obj('v1', 'Service'),
        obj('networking.istio.io/v1', 'VirtualService'),
        obj('v1', 'ServiceAccount'),
        obj('apps/v1', 'Deployment'),
      ]),
    ).toEqual([
      {
        apiGroups: [''],
        resources: ['serviceaccounts', 'services'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: expect.any(Array) },
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: expect.any(Array) },
    ]);
  });

  it.each([
    ['NetworkPolicy', 'networkpolicies'],
    ['HorizontalPodAutoscaler', 'horizontalpodautoscalers'],
    ['PodDisruptionBudget', 'poddisruptionbudgets'],
    ['ConfigMap', 'configmaps'],
    // Istio 1.30.3's crd-all.gen.yaml names these plurals (checked by hand: its CRDs live outside the repository).
    ['AuthorizationPolicy', 'authorizationpolicies'],
    ['ServiceEntry', 'serviceentries'],
    ['Telemetry', 'telemetries'],
    ['Sidecar', 'sidecars'],
  ])('names kind %s as resource %s', (kind, resource) => {
    expect(resourceOf(kind)).toBe(resource);
  });

  it('names every kind of the CRDs the repository holds as their CRDs do', () => {
    const files = [
      ...[
        'monitoring.googleapis.com_podmonitorings.yaml',
        'monitoring.googleapis.com_clusterpodmonitorings.yaml',
        'monitoring.googleapis.com_rules.yaml',
      ].map((f) => path.join(VENDOR, 'prometheus-engine', 'v0.17.2', 'charts', 'operator', 'crds', f)),
      ...fs
        .readdirSync(path.join(VENDOR, 'gateway-api', 'v1.6.1'))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => path.join(VENDOR, 'gateway-api', 'v1.6.1', f)),
      // Config Connector's kinds, which the primary cluster's reconcilers apply (charts/config-connector.ts).
      ...fs.readdirSync(CONFIG_CONNECTOR_CRDS).map((f) => path.join(CONFIG_CONNECTOR_CRDS, f)),
    ];
    const names = files.flatMap(crdsIn).map((c) => c.spec.names);
    const spc = (
      JSON.parse(fs.readFileSync(path.join(VENDOR, 'secrets-store-csi-driver', 'v1.6.0', 'secretproviderclass.json'), 'utf8')) as {
        crd: Crd;
      }
    ).crd.spec.names;
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(names.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['PubSubSubscription', 'IAMPolicyMember', 'SQLUser', 'SecretManagerSecret']),
    );
    for (const { kind, plural } of [...names, spc]) expect([kind, resourceOf(kind)]).toEqual([kind, plural]);
  });
});

describe('the delivery plan of an environment', () => {
  const config = loadEnvironment('prod');
  const synthesis = synthesizeEnvironment(config, loadApps(config, repoRoot()));
  const objects = synthesis.files.flatMap((f) => f.objects);

  it('leaves everything to Pulumi in pulumi mode', () => {
    const plan = deliveryPlan('pulumi', synthesis);
    expect(plan.applied.files.flatMap((f) => f.objects)).toHaveLength(objects.length);
    expect(plan.synced).toEqual([]);
  });

  it('leaves only the namespaces to Pulumi under Config Sync, and syncs each app at its bundle digest', () => {
    const plan = deliveryPlan('configsync', synthesis);
    expect(plan.applied.files.flatMap((f) => f.objects).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/bookinfo',
      'Namespace/boutique',
    ]);
    const bundles = environmentBundles(['bookinfo', 'boutique'], synthesis.files);
    expect(plan.synced.map((s) => [s.name, s.namespace, s.digest])).toEqual([
      ['bookinfo', 'bookinfo', bundles[0].manifest.digest],
      ['boutique', 'boutique', bundles[1].manifest.digest],
    ]);
    expect(plan.synced.reduce((n, s) => n + s.objects.length, 0)).toBe(objects.length - 2);
  });

  it('gives each reconciler only the kinds its app has', () => {
    const plan = deliveryPlan('configsync', synthesis);
    const bookinfo = reconcilerRules(plan.synced[0].objects).flatMap((r) => r.resources);
    const boutique = reconcilerRules(plan.synced[1].objects).flatMap((r) => r.resources);
    // Online Boutique reaches outside the mesh (ServiceEntry); BookInfo does not.
    expect(boutique).toContain('serviceentries');
    expect(bookinfo).not.toContain('serviceentries');
    expect(bookinfo).not.toContain('namespaces');
  });
});
