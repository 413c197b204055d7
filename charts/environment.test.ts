import { environment, repoReleases } from '../test/fixtures/environments';
import { thrown } from '../test/fixtures/thrown';
import type { AppConfig } from '../core/config';
import { RULES } from '../policies/catalogue';
import { evaluate, passed } from '../policies/engine';
import { environmentContext } from '../policies/platform';
import type { LoadedApp } from '../services/apps';
import bookinfo from '../services/bookinfo';
import { defineCatalogue, defineService } from '../services/define';
import type { Catalogue } from '../services/spec';
import { allowList } from './mesh/decisions';
import { synthesizeEnvironment, type EnvironmentSynthesis } from './environment';
import type { ManifestObject } from './schema';
import { synthesize } from './synthesize';

// GIVEN dev hosting BookInfo and a second app, shop, whose web service calls BookInfo's ratings
const env = environment('dev');
const settings = { ...env, kind: 'platform' as const, file: 'Pulumi.dev.yaml' } as unknown as Parameters<typeof synthesizeEnvironment>[0];
const IMAGE = 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.3';
const shop = (dependencies: string[], extra: Catalogue['services'] = []): Catalogue =>
  defineCatalogue('shop', [
    defineService({
      name: 'web',
      description: 'shop front end',
      owner: 'team-shop',
      port: 8080,
      versions: [{ name: 'v1' }],
      dependencies,
      routes: [{ path: '/' }],
      probes: { readiness: { http: '/ready' } },
    }),
    ...extra,
  ]);
const app = (name: string, namespace: string, host: string): AppConfig => ({
  name,
  namespace,
  host,
  catalogue: `services/${name}`,
  releases: `services/${name}/releases/dev.yaml`,
});
const apps = (shopCatalogue: Catalogue): LoadedApp[] => [
  { app: app('bookinfo', 'bookinfo', 'bookinfo.dev.example.com'), catalogue: bookinfo, releases: repoReleases('dev') },
  {
    app: app('shop', 'shop', 'shop.dev.example.com'),
    catalogue: shopCatalogue,
    releases: Object.fromEntries(shopCatalogue.services.map((d) => [d.spec.name, { v1: IMAGE }])),
  },
];

// WHEN the environment is synthesized
const synthesis: EnvironmentSynthesis = synthesizeEnvironment(settings, apps(shop(['bookinfo/ratings'])));
const objects = synthesis.files.flatMap((f) => f.objects);
const find = (kind: string, namespace: string, name: string): ManifestObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${namespace}/${name}`);
  return found;
};
const spec = (o: ManifestObject) => o.spec as Record<string, unknown>;

describe('an environment of several apps', () => {
  it("writes each app's files under its name, each object in its app's namespace with its part-of label", () => {
    expect(synthesis.apps.map((a) => a.app.name)).toEqual(['bookinfo', 'shop']);
    expect(synthesis.files.map((f) => f.name)).toEqual([
      'bookinfo/_shared.yaml',
      'bookinfo/productpage.yaml',
      'bookinfo/details.yaml',
      'bookinfo/reviews.yaml',
      'bookinfo/ratings.yaml',
      'shop/_shared.yaml',
      'shop/web.yaml',
    ]);
    for (const f of synthesis.files) {
      const name = f.name.split('/')[0];
      for (const o of f.objects) {
        expect([f.name, (o.metadata.labels as Record<string, string> | undefined)?.['app.kubernetes.io/part-of']]).toEqual([f.name, name]);
        if (o.kind !== 'Namespace') expect([f.name, o.metadata.namespace]).toEqual([f.name, name]);
      }
    }
  });

  it("routes each app at its own host, through its own Gateway's VirtualService", () => {
    expect(spec(find('VirtualService', 'shop', 'shop-public')).hosts).toEqual(['shop.dev.example.com']);
    expect(spec(find('VirtualService', 'bookinfo', 'bookinfo-public')).hosts).toEqual(['bookinfo.dev.example.com']);
  });

  it('allows the declared call across apps: the callee admits the caller identity of the other namespace, and only it', () => {
    const rules = spec(find('AuthorizationPolicy', 'bookinfo', 'ratings')).rules as Array<{
      from: Array<{ source: { principals: string[] } }>;
    }>;
    expect(rules[0].from[0].source.principals).toEqual(['cluster.local/ns/bookinfo/sa/bookinfo-reviews', 'cluster.local/ns/shop/sa/web']);
    // details is not called by shop: its policy does not name shop.
    expect(JSON.stringify(find('AuthorizationPolicy', 'bookinfo', 'details'))).not.toContain('ns/shop');
  });

  it('opens the path at L3/L4 both ways: the callee accepts the caller pods of that namespace, the caller may reach the callee pods there', () => {
    const ingress = spec(find('NetworkPolicy', 'bookinfo', 'ratings')).ingress as Array<{ from: unknown[]; ports: unknown[] }>;
    expect(ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
    });
    const egress = spec(find('NetworkPolicy', 'shop', 'web')).egress as unknown[];
    expect(egress).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'bookinfo' } },
          podSelector: { matchLabels: { app: 'ratings' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 9080 }],
    });
  });

  it("lets the caller's proxy reach the callee's Service in the other namespace, and nothing else of it", () => {
    const egress = spec(find('Sidecar', 'shop', 'web')).egress as Array<{ hosts: string[] }>;
    expect(egress[0].hosts).toEqual([
      'bookinfo/ratings.bookinfo.svc.cluster.local',
      'istio-system/*',
      'observability/otel-collector.observability.svc.cluster.local',
    ]);
  });

  it('lists callers of other apps as <app>/<service> in the allow-list the summary prints', () => {
    expect(allowList(bookinfo, synthesis.crossApp.get('bookinfo')).find((e) => e.service === 'ratings')?.callers).toEqual([
      'reviews',
      'shop/web',
    ]);
  });

  it('passes every policy, across both namespaces', () => {
    const report = evaluate(
      RULES,
      { manifests: environmentContext(objects, env, { profile: 'dev', allowedRegistries: ['docker.io/istio/'] }) },
      { environment: 'dev', exceptions: [], today: '2026-11-30' },
    );
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(passed(report)).toBe(true);
  });

  it.each([
    ['an app the environment does not host', 'payments/charge', 'names an app this environment does not host (it hosts bookinfo, shop)'],
    ['a service the app does not have', 'bookinfo/stock', 'is not a service of app bookinfo (services/bookinfo/index.ts)'],
    ["the caller's own app", 'shop/web2', 'names its own app'],
  ])('refuses a call to %s, naming the service and field, and returns nothing', (_title, dependency, problem) => {
    const extra = [defineService({ name: 'web2', description: 'x', owner: 'team-shop', port: 8081, versions: [{ name: 'v1' }] })];
    const error = thrown(() => synthesizeEnvironment(settings, apps(shop([dependency], extra))));
    expect(error.problems).toContainEqual(expect.objectContaining({ field: 'dependencies[0]', value: dependency, problem }));
    expect(error.message).toMatch(/^the apps of dev are invalid; nothing was written/);
  });

  it('refuses a call across apps when the catalogue is synthesized alone', () => {
    expect(thrown(() => synthesize(env, shop(['bookinfo/ratings']), { web: { v1: IMAGE } })).problems).toEqual([
      {
        where: 'charts/environment.test.ts',
        field: 'dependencies[0]',
        value: 'bookinfo/ratings',
        problem: 'names a service of another app, and this synthesis has no such app',
        fix: 'synthesize the environment that hosts both apps (npm run synth -- --env <env>, without --catalogue)',
      },
    ]);
  });
});
