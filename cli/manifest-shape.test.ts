import { synthesizeEnvironment } from '../charts/environment';
import { stackInputs } from '../infra/inputs';
import type { LoadedApp } from '../services/apps';
import type { ServiceSpec } from '../services/spec';
import { parseFlowchart } from '../test/mermaid';
import { flowchart } from './mermaid';
import {
  diffShapes,
  manifestShape,
  MAX_SHAPE_LINKS,
  shapeChanges,
  shapeDiffGraph,
  shapeSection,
  trafficChange,
  type ManifestObjects,
  type Shape,
} from './manifest-shape';
import { environmentGraph, ids } from './service-graph';
import { graphApps } from './graph-command';

type Obj = Record<string, unknown>;

const meta = (name: string, namespace: string, app?: string): Obj => ({ name, namespace, ...(app !== undefined && { labels: { app } }) });
const account = (name: string, namespace: string, app: string): Obj => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: meta(name, namespace, app),
});
const deployment = (app: string, namespace: string, version: string): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `${app}-${version}`, namespace, labels: { app, version } },
});
const destination = (host: string, subset: string, weight?: number): Obj => ({
  destination: { host, subset },
  ...(weight !== undefined && { weight }),
});
const meshRoutes = (service: string, namespace: string, weights: Array<[string, number]>, header?: [string, string, string]): Obj => {
  const host = `${service}.${namespace}.svc.cluster.local`;
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: meta(service, namespace, service),
    spec: {
      hosts: [host],
      http: [
        ...(header === undefined
          ? []
          : [{ name: 'by-header', match: [{ headers: { [header[0]]: { exact: header[1] } } }], route: [destination(host, header[2])] }]),
        { name: 'default', route: weights.map(([subset, weight]) => destination(host, subset, weights.length === 1 ? undefined : weight)) },
      ],
    },
  };
};
const publicRoutes = (namespace: string, host: string, routes: Array<[string, string, string]>): Obj => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: meta(`${namespace}-public`, namespace),
  spec: {
    gateways: ['istio-ingress/edge'],
    hosts: [host],
    http: routes.map(([match, path, service]) => ({
      match: [{ uri: { [match]: path } }],
      route: [destination(`${service}.${namespace}.svc.cluster.local`, 'v1', 100)],
    })),
  },
});
const allow = (service: string, namespace: string, principals: string[]): Obj => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: meta(service, namespace, service),
  spec: { action: 'ALLOW', rules: [{ from: [{ source: { principals } }] }], selector: { matchLabels: { app: service } } },
});
const principal = (namespace: string, sa: string): string => `cluster.local/ns/${namespace}/sa/${sa}`;
const GATEWAY = principal('istio-ingress', 'istio-ingress');

function tree(files: Record<string, Obj[]>): ManifestObjects {
  return new Map(Object.entries(files).map(([file, objects]) => [file, objects.map((object) => ({ object }))]));
}

/** A shop (web public, api called by web and by ops/audit, a canary by header) and ops. */
function base(): Record<string, Obj[]> {
  return {
    'ops/audit': [account('audit', 'ops', 'audit'), deployment('audit', 'ops', 'v1')],
    'shop/_shared': [publicRoutes('shop', 'shop.test', [['exact', '/', 'web']])],
    'shop/api': [
      account('shop-api', 'shop', 'api'),
      deployment('api', 'shop', 'v1'),
      deployment('api', 'shop', 'v2'),
      meshRoutes(
        'api',
        'shop',
        [
          ['v1', 90],
          ['v2', 10],
        ],
        ['x-canary', 'yes', 'v2'],
      ),
      allow('api', 'shop', [principal('ops', 'audit'), principal('shop', 'shop-web')]),
    ],
    'shop/web': [
      account('shop-web', 'shop', 'web'),
      deployment('web', 'shop', 'v1'),
      meshRoutes('web', 'shop', [['v1', 100]]),
      allow('web', 'shop', [GATEWAY]),
    ],
  };
}

/** The api's split moves to 50/50, ops/audit may no longer call it but an unknown robot may, and /api becomes public. */
function head(): Record<string, Obj[]> {
  const files = base();
  files['shop/api'] = [
    ...files['shop/api'].slice(0, 3),
    meshRoutes(
      'api',
      'shop',
      [
        ['v1', 50],
        ['v2', 50],
      ],
      ['x-canary', 'yes', 'v2'],
    ),
    allow('api', 'shop', [principal('other', 'robot'), principal('shop', 'shop-web')]),
  ];
  files['shop/_shared'] = [
    publicRoutes('shop', 'shop.test', [
      ['exact', '/', 'web'],
      ['prefix', '/api', 'api'],
    ]),
  ];
  return files;
}

describe('manifestShape', () => {
  const shape = manifestShape(tree(base()));

  it('reads the callers from the ALLOW policies through the ServiceAccounts, across apps, leaving the gateway to the routes', () => {
    expect([...shape.calls.keys()]).toEqual(['ops/audit -> shop/api', 'shop/web -> shop/api']);
  });

  it('reads each public route of the gateway-bound VirtualServices, and each service’s split and header routes', () => {
    expect([...shape.routes.values()]).toEqual([
      { app: 'shop', host: 'shop.test', match: 'exact', path: '/', target: { app: 'shop', name: 'web' } },
    ]);
    expect(shape.services.get('shop/api')).toEqual({ app: 'shop', name: 'api', traffic: ['v1 90% / v2 10%', 'v2 if x-canary=yes'] });
    expect(shape.services.get('shop/web')?.traffic).toEqual(['v1 100%']);
  });

  it('gives a service without a mesh VirtualService (a worker) its Deployments’ versions', () => {
    expect(shape.services.get('ops/audit')).toEqual({ app: 'ops', name: 'audit', traffic: ['v1'] });
  });

  it('keeps a principal that is no ServiceAccount of the environment as it is written', () => {
    expect([...manifestShape(tree(head())).calls.values()].map((c) => c.from)).toEqual([
      { kind: 'principal', principal: 'cluster.local/ns/other/sa/robot' },
      { kind: 'service', app: 'shop', name: 'web' },
    ]);
  });
});

describe('the shape of a change', () => {
  it('draws the new and removed calls and routes and the changed weights, and nothing else', () => {
    const diff = diffShapes(manifestShape(tree(base())), manifestShape(tree(head())));
    expect(shapeChanges(diff)).toBe(4);
    expect(shapeSection(diff, 'dev').join('\n')).toBe(
      [
        '**Shape of the change**: 1 new call, 1 removed call, 1 new public route, weights changed: shop/api',
        '',
        '```mermaid',
        'flowchart LR',
        '  subgraph app__ops ["ops"]',
        '    svc__ops__audit("audit<br>v1")',
        '  end',
        '  subgraph app__shop ["shop"]',
        '    gw__shop{{"ingress gateway"}}',
        '    route__shop__shop_2etest__prefix___2fapi>"shop.test<br>/api*"]',
        '    svc__shop__api("api<br>now v1 50% / v2 50%<br>was v1 90% / v2 10%<br>v2 if x-canary=yes")',
        '  end',
        '  principal__cluster_2elocal_2fns_2fother_2fsa_2frobot["principal<br>cluster.local/ns/other/sa/robot"]',
        '  gw__shop ==>|"new route"| route__shop__shop_2etest__prefix___2fapi',
        '  route__shop__shop_2etest__prefix___2fapi ==> svc__shop__api',
        '  principal__cluster_2elocal_2fns_2fother_2fsa_2frobot ==>|"new call"| svc__shop__api',
        '  svc__ops__audit -.->|"removed call"| svc__shop__api',
        '  classDef added fill:#dafbe1,stroke:#1a7f37,color:#1a7f37',
        '  classDef removed fill:#ffebe9,stroke:#cf222e,color:#cf222e,stroke-dasharray:5 5',
        '  classDef changed fill:#fff8c5,stroke:#9a6700,color:#9a6700',
        '  class route__shop__shop_2etest__prefix___2fapi added',
        '  class svc__shop__api changed',
        '  linkStyle 0,1,2 stroke:#1a7f37,stroke-width:3px',
        '  linkStyle 3 stroke:#cf222e,stroke-width:2px',
        '```',
        '',
        'Green, thick: added; red, dotted: removed; amber: weights changed (now, then was).',
        '',
      ].join('\n'),
    );
  });

  it('says nothing when the shape did not change (a new image is no change in shape)', () => {
    const changed = base();
    changed['shop/web'][1] = {
      ...deployment('web', 'shop', 'v1'),
      spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } },
    };
    const diff = diffShapes(manifestShape(tree(base())), manifestShape(tree(changed)));
    expect(shapeChanges(diff)).toBe(0);
    expect(shapeSection(diff, 'dev')).toEqual([]);
  });

  it('marks the services of a removed environment removed, and of a new one added', () => {
    const removed = parseFlowchart(flowchart(shapeDiffGraph(diffShapes(manifestShape(tree(base())), undefined))));
    expect(removed.nodeClasses.get('svc__ops__audit')).toBe('removed');
    expect(removed.nodeClasses.get('svc__shop__api')).toBe('removed');
    expect(removed.edges.every((e) => e.arrow === '-.->')).toBe(true);
    const added = parseFlowchart(flowchart(shapeDiffGraph(diffShapes(undefined, manifestShape(tree(base()))))));
    expect([...added.nodeClasses.values()].every((c) => c === 'added')).toBe(true);
    expect(added.edges.map((e) => e.label ?? '')).toEqual(['new route', '', 'new call', 'new call']);
  });

  it(`counts instead of drawing beyond ${MAX_SHAPE_LINKS} links`, () => {
    const many: Record<string, Obj[]> = {
      'shop/api': [
        account('api', 'shop', 'api'),
        allow(
          'api',
          'shop',
          Array.from({ length: MAX_SHAPE_LINKS + 1 }, (_, i) => principal('x', `c${i}`)),
        ),
      ],
    };
    expect(shapeSection(diffShapes(undefined, manifestShape(tree(many))), 'dev')).toEqual([
      '**Shape of the change**: 61 new calls',
      '',
      'Too many to draw here (61 links): `npm run graph -- --env dev` draws the whole graph.',
      '',
    ]);
  });

  it.each([
    [['a'], ['a'], ['a']],
    [['v1 100%'], ['v1 50% / v2 50%'], ['now v1 50% / v2 50%', 'was v1 100%']],
    [['v1 90% / v2 10%', 'v2 if h=x'], ['v1 90% / v2 10%'], ['was v2 if h=x', 'v1 90% / v2 10%']],
  ])('writes the traffic %j -> %j as %j', (before, after, lines) => {
    expect(trafficChange(before, after)).toEqual(lines);
  });
});

describe('the shape of the sample, read back from its synthesized manifests', () => {
  const { config, apps } = stackInputs('dev');
  const shapeOf = (loaded: readonly LoadedApp[]): Shape => {
    const synthesis = synthesizeEnvironment(config, loaded);
    return manifestShape(new Map(synthesis.files.map((f) => [f.name.replace(/\.yaml$/, ''), f.objects.map((object) => ({ object }))])));
  };
  const withService = (name: string, change: (spec: ServiceSpec) => ServiceSpec): LoadedApp[] =>
    apps.map((a) => ({
      ...a,
      catalogue: { ...a.catalogue, services: a.catalogue.services.map((d) => (d.spec.name === name ? { ...d, spec: change(d.spec) } : d)) },
    }));
  const dev = shapeOf(apps);

  it('has the calls and routes the service graph draws from the catalogue', () => {
    const graph = parseFlowchart(flowchart(environmentGraph('dev', graphApps('dev'))));
    const calls = graph.edges.filter((e) => e.from.startsWith('svc__') && e.to.startsWith('svc__')).map((e) => `${e.from} -> ${e.to}`);
    const fromManifests = [...dev.calls.values()].map((c) =>
      c.from.kind === 'service' ? `${ids.service(c.from.app, c.from.name)} -> ${ids.service(c.to.app, c.to.name)}` : c.from.principal,
    );
    expect([...fromManifests].sort()).toEqual([...calls].sort());
    const routes = graph.edges.filter((e) => e.from.startsWith('route__')).map((e) => `${e.from} -> ${e.to}`);
    const routesFromManifests = [...dev.routes.values()].map(
      (r) => `${ids.route(r.app, r.host, r.match, r.path)} -> ${ids.service(r.target.app, r.target.name)}`,
    );
    expect([...routesFromManifests].sort()).toEqual([...routes].sort());
    expect(routes).toHaveLength(6);
    expect(dev.services.get('bookinfo/reviews')?.traffic).toEqual(['v1 80% / v2 10% / v3 10%', 'v2 if end-user=jason']);
  });

  it('shows a head where reviews stops calling ratings as one removed call, dotted and red', () => {
    const diff = diffShapes(dev, shapeOf(withService('reviews', (s) => ({ ...s, dependencies: [] }))));
    expect(shapeChanges(diff)).toBe(1);
    const section = shapeSection(diff, 'dev');
    expect(section[0]).toBe('**Shape of the change**: 1 removed call');
    const chart = parseFlowchart(`${section[2].replace(/^```mermaid\n/, '').replace(/```$/, '')}`);
    expect(chart.edges).toEqual([{ from: 'svc__bookinfo__reviews', to: 'svc__bookinfo__ratings', arrow: '-.->', label: 'removed call' }]);
    expect(chart.linkStyles.get(0)).toBe('stroke:#cf222e,stroke-width:2px');
    expect([...chart.groups.keys()]).toEqual(['app__bookinfo']);
  });

  it('shows a new public route and changed weights', () => {
    const routed = withService('details', (s) => ({ ...s, routes: [{ path: '/details', match: 'prefix' }] }));
    const head = shapeOf(
      routed.map((a) => ({
        ...a,
        catalogue: {
          ...a.catalogue,
          services: a.catalogue.services.map((d) =>
            d.spec.name === 'reviews'
              ? { ...d, spec: { ...d.spec, versions: d.spec.versions.map((v) => ({ ...v, weight: v.name === 'v1' ? 50 : 25 })) } }
              : d,
          ),
        },
      })),
    );
    const diff = diffShapes(dev, head);
    expect(diff.routes.added.map((r) => `${r.host}${r.path} -> ${r.target.name}`)).toEqual(['bookinfo.dev.example.com/details -> details']);
    expect(diff.traffic).toEqual([
      {
        service: { app: 'bookinfo', name: 'reviews' },
        before: ['v1 80% / v2 10% / v3 10%', 'v2 if end-user=jason'],
        after: ['v1 50% / v2 25% / v3 25%', 'v2 if end-user=jason'],
      },
    ]);
    const chart = parseFlowchart(flowchart(shapeDiffGraph(diff)));
    expect(chart.nodes.get('svc__bookinfo__reviews')?.label).toBe(
      'reviews\nnow v1 50% / v2 25% / v3 25%\nwas v1 80% / v2 10% / v3 10%\nv2 if end-user=jason',
    );
    expect(chart.nodeClasses.get('svc__bookinfo__reviews')).toBe('changed');
    // The gateway calls details now too: the routes show it, not as a call.
    expect(diff.calls).toEqual({ added: [], removed: [] });
  });
});
