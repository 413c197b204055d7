import bookinfo from '../../services/bookinfo';
import type { Catalogue, PublicRoute, ServiceSpec } from '../../services/spec';
import {
  allowList,
  allowedPrincipals,
  authorizationPath,
  callersOf,
  gatewayHosts,
  gatewayIdentity,
  isPublic,
  principal,
  publicRoutes,
  serviceHost,
  weightedVersions,
  type MeshEnvironment,
  type ResolvedRoute,
} from './decisions';

/** allowedPrincipals with the callers the catalogue declares, as synthesize passes them. */
const principalsIn = (catalogue: Catalogue, spec: ServiceSpec, env: MeshEnvironment): string[] =>
  allowedPrincipals(spec, callersOf(catalogue).get(spec.name) ?? [], env);

const ENV: MeshEnvironment = {
  namespace: 'bookinfo',
  domain: 'dev.bookinfo.example.com',
  gatewayNamespace: 'istio-ingress',
  gatewayName: 'istio-ingress',
  controlPlaneNamespace: 'istio-system',
};
const DOMAIN = ENV.domain;
const GATEWAY_PRINCIPAL = 'cluster.local/ns/istio-ingress/sa/istio-ingress';
const PRODUCTPAGE_PRINCIPAL = 'cluster.local/ns/bookinfo/sa/bookinfo-productpage';

/** A minimal valid spec, with overrides. */
function svc(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return { name, description: `${name} service`, owner: 'team-test', port: 8080, versions: [{ name: 'v1' }], ...extra };
}

function catalogueOf(...specs: ServiceSpec[]): Catalogue {
  return { name: 'test', services: specs.map((spec) => ({ spec })) };
}

function bookinfoSpec(name: string): ServiceSpec {
  const def = bookinfo.services.find((d) => d.spec.name === name);
  if (def === undefined) throw new Error(`no ${name} in BookInfo`);
  return def.spec;
}

/** A resolved route built by hand, for the functions that only read a few fields. */
function resolved(route: Partial<ResolvedRoute> & Pick<ResolvedRoute, 'path' | 'match'>): ResolvedRoute {
  const spec = svc('web');
  return { host: DOMAIN, service: spec.name, port: spec.port ?? 0, authRequired: false, spec, ...route };
}

describe('serviceHost', () => {
  it.each([
    ['details', 'bookinfo', 'details.bookinfo.svc.cluster.local'],
    ['reviews', 'shop', 'reviews.shop.svc.cluster.local'],
    ['a', 'b', 'a.b.svc.cluster.local'],
  ])('%s in %s -> %s', (service, namespace, expected) => {
    expect(serviceHost(service, namespace)).toBe(expected);
  });
});

describe('principal', () => {
  it.each([
    ['bookinfo', 'bookinfo-reviews', 'cluster.local/ns/bookinfo/sa/bookinfo-reviews'],
    ['istio-ingress', 'istio-ingress', 'cluster.local/ns/istio-ingress/sa/istio-ingress'],
    ['shop', 'default', 'cluster.local/ns/shop/sa/default'],
  ])('namespace %s, service account %s -> %s', (namespace, sa, expected) => {
    expect(principal(namespace, sa)).toBe(expected);
  });
});

describe('gatewayIdentity', () => {
  it.each<[string, Partial<MeshEnvironment>, { selector: Record<string, string>; principal: string }]>([
    ['the Helm release istio-ingress', {}, { selector: { istio: 'ingress' }, principal: GATEWAY_PRINCIPAL }],
    [
      'a release without the istio- prefix keeps its name',
      { gatewayName: 'edge' },
      { selector: { istio: 'edge' }, principal: 'cluster.local/ns/istio-ingress/sa/edge' },
    ],
    [
      'the namespace comes from gatewayNamespace',
      { gatewayNamespace: 'gateways', gatewayName: 'istio-public' },
      { selector: { istio: 'public' }, principal: 'cluster.local/ns/gateways/sa/istio-public' },
    ],
    [
      'only a leading istio- is removed',
      { gatewayName: 'my-istio-gw' },
      { selector: { istio: 'my-istio-gw' }, principal: 'cluster.local/ns/istio-ingress/sa/my-istio-gw' },
    ],
    ['the workload namespace is not used', { namespace: 'elsewhere' }, { selector: { istio: 'ingress' }, principal: GATEWAY_PRINCIPAL }],
  ])('%s', (_name, overrides, expected) => {
    expect(gatewayIdentity({ ...ENV, ...overrides })).toEqual(expected);
  });
});

describe('callersOf', () => {
  const callers = callersOf(bookinfo);
  const names = (service: string): string[] | undefined => callers.get(service)?.map((s) => s.name);

  it('has an entry for every service of the catalogue, and nothing else', () => {
    expect([...callers.keys()].sort()).toEqual(['details', 'productpage', 'ratings', 'reviews']);
  });

  it.each([
    ['productpage', []],
    ['details', ['productpage']],
    ['reviews', ['productpage']],
    ['ratings', ['reviews']],
  ])('BookInfo %s is called by %j', (service, expected) => {
    expect(names(service)).toEqual(expected);
  });

  it('returns the caller specs themselves', () => {
    expect(callers.get('ratings')).toEqual([bookinfoSpec('reviews')]);
  });

  it('sorts callers by name, whatever order they are declared in', () => {
    const catalogue = catalogueOf(
      svc('zeta', { dependencies: ['target'] }),
      svc('target'),
      svc('mid', { dependencies: ['target'] }),
      svc('alpha', { dependencies: ['target'] }),
    );
    expect(
      callersOf(catalogue)
        .get('target')
        ?.map((s) => s.name),
    ).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('ignores dependencies on services outside the catalogue', () => {
    const callersOfCrafted = callersOf(catalogueOf(svc('a', { dependencies: ['missing', 'b'] }), svc('b')));
    expect(callersOfCrafted.has('missing')).toBe(false);
    expect(callersOfCrafted.get('b')?.map((s) => s.name)).toEqual(['a']);
    expect(callersOfCrafted.get('a')).toEqual([]);
  });
});

describe('isPublic', () => {
  it.each<[string, ServiceSpec, boolean]>([
    ['BookInfo productpage', bookinfoSpec('productpage'), true],
    ['BookInfo details', bookinfoSpec('details'), false],
    ['BookInfo reviews', bookinfoSpec('reviews'), false],
    ['BookInfo ratings', bookinfoSpec('ratings'), false],
    ['a spec with an empty routes list', svc('x', { routes: [] }), false],
    ['a spec with one route', svc('x', { routes: [{ path: '/' }] }), true],
  ])('%s -> %s', (_name, spec, expected) => {
    expect(isPublic(spec)).toBe(expected);
  });
});

describe('allowedPrincipals', () => {
  it.each([
    ['ratings', ['cluster.local/ns/bookinfo/sa/bookinfo-reviews']],
    ['details', [PRODUCTPAGE_PRINCIPAL]],
    ['reviews', [PRODUCTPAGE_PRINCIPAL]],
    ['productpage', [GATEWAY_PRINCIPAL]],
  ])('BookInfo %s -> %j', (service, expected) => {
    expect(principalsIn(bookinfo, bookinfoSpec(service), ENV)).toEqual(expected);
  });

  it('uses the workload namespace for callers and the gateway namespace for the gateway', () => {
    const env: MeshEnvironment = { ...ENV, namespace: 'shop', gatewayNamespace: 'edge-system', gatewayName: 'edge' };
    const catalogue = catalogueOf(svc('front', { dependencies: ['api'] }), svc('api', { routes: [{ path: '/api' }] }));
    expect(principalsIn(catalogue, catalogue.services[1].spec, env)).toEqual([
      'cluster.local/ns/edge-system/sa/edge',
      'cluster.local/ns/shop/sa/front',
    ]);
  });

  it('uses the service account name of a caller, defaulting to its name', () => {
    const catalogue = catalogueOf(
      svc('a', { dependencies: ['t'], serviceAccountName: 'sa-a' }),
      svc('b', { dependencies: ['t'] }),
      svc('t'),
    );
    expect(principalsIn(catalogue, catalogue.services[2].spec, ENV)).toEqual([
      'cluster.local/ns/bookinfo/sa/b',
      'cluster.local/ns/bookinfo/sa/sa-a',
    ]);
  });

  it('de-duplicates callers sharing a service account, and sorts the principals', () => {
    const catalogue = catalogueOf(
      svc('zz', { dependencies: ['target'], serviceAccountName: 'shared' }),
      svc('aa', { dependencies: ['target'], serviceAccountName: 'shared' }),
      svc('mm', { dependencies: ['target'], serviceAccountName: 'a-first' }),
      svc('target', { routes: [{ path: '/' }] }),
    );
    expect(principalsIn(catalogue, catalogue.services[3].spec, ENV)).toEqual([
      'cluster.local/ns/bookinfo/sa/a-first',
      'cluster.local/ns/bookinfo/sa/shared',
      GATEWAY_PRINCIPAL,
    ]);
  });

  it('is empty for a private service nobody calls', () => {
    const catalogue = catalogueOf(svc('lonely'));
    expect(principalsIn(catalogue, catalogue.services[0].spec, ENV)).toEqual([]);
  });
});

describe('allowList', () => {
  it('lists BookInfo callers per service, in catalogue order, with the gateway for the public service', () => {
    expect(allowList(bookinfo)).toEqual([
      { service: 'productpage', callers: ['ingress-gateway'] },
      { service: 'details', callers: ['productpage'] },
      { service: 'reviews', callers: ['productpage'] },
      { service: 'ratings', callers: ['reviews'] },
    ]);
  });

  it('puts the gateway first, then callers sorted by name', () => {
    const catalogue = catalogueOf(
      svc('web', { dependencies: ['api'] }),
      svc('api', { routes: [{ path: '/api' }] }),
      svc('batch', { dependencies: ['api'] }),
    );
    expect(allowList(catalogue)).toEqual([
      { service: 'web', callers: [] },
      { service: 'api', callers: ['ingress-gateway', 'batch', 'web'] },
      { service: 'batch', callers: [] },
    ]);
  });
});

describe('publicRoutes', () => {
  it('orders BookInfo routes: exact first, then longer prefixes first', () => {
    const productpage = bookinfoSpec('productpage');
    const common = { host: DOMAIN, service: 'productpage', port: 9080, spec: productpage };
    expect(publicRoutes(bookinfo, DOMAIN)).toEqual([
      { ...common, path: '/productpage', match: 'exact', authRequired: false },
      { ...common, path: '/logout', match: 'exact', authRequired: false },
      { ...common, path: '/login', match: 'exact', authRequired: false },
      { ...common, path: '/api/v1/products', match: 'prefix', authRequired: true },
      { ...common, path: '/static', match: 'prefix', authRequired: false },
    ]);
  });

  it('does not let /api swallow /api/v1, whatever the declaration order', () => {
    const catalogue = catalogueOf(svc('legacy', { routes: [{ path: '/api' }] }), svc('v1', { routes: [{ path: '/api/v1' }] }));
    expect(publicRoutes(catalogue, DOMAIN).map((r) => [r.match, r.path, r.service])).toEqual([
      ['prefix', '/api/v1', 'v1'],
      ['prefix', '/api', 'legacy'],
    ]);
  });

  it('puts an exact path before a longer prefix', () => {
    const catalogue = catalogueOf(svc('a', { routes: [{ path: '/a/very/long/prefix' }, { path: '/x', match: 'exact' }] }));
    expect(publicRoutes(catalogue, DOMAIN).map((r) => [r.match, r.path])).toEqual([
      ['exact', '/x'],
      ['prefix', '/a/very/long/prefix'],
    ]);
  });

  it('breaks ties of equal length by host, then by path', () => {
    const catalogue = catalogueOf(
      svc('a', {
        routes: [
          { path: '/bb', host: 'z.dev.bookinfo.example.com' },
          { path: '/bb', host: 'a.dev.bookinfo.example.com' },
          { path: '/ab', host: 'a.dev.bookinfo.example.com' },
          { path: '/zz' },
          { path: '/aa' },
        ],
      }),
    );
    expect(publicRoutes(catalogue, DOMAIN).map((r) => `${r.host}${r.path}`)).toEqual([
      'a.dev.bookinfo.example.com/ab',
      'a.dev.bookinfo.example.com/bb',
      'dev.bookinfo.example.com/aa',
      'dev.bookinfo.example.com/zz',
      'z.dev.bookinfo.example.com/bb',
    ]);
  });

  it('defaults host to the domain, match to prefix and authRequired to false, and sets no optional fields', () => {
    const spec = svc('web', { port: 8081 });
    const withRoute = { ...spec, routes: [{ path: '/web' }] };
    const [route] = publicRoutes(catalogueOf(withRoute), 'shop.example.com');
    expect(route).toEqual({
      host: 'shop.example.com',
      path: '/web',
      match: 'prefix',
      service: 'web',
      port: 8081,
      authRequired: false,
      spec: withRoute,
    });
    for (const key of ['version', 'rewrite', 'timeout', 'cors']) expect(route).not.toHaveProperty(key);
  });

  it('carries host, match, version, rewrite, authRequired, timeout and cors when set', () => {
    const route: PublicRoute = {
      path: '/shop',
      host: 'api.shop.example.com',
      match: 'exact',
      version: 'v2',
      rewrite: '/',
      authRequired: true,
      timeout: '5s',
      cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET'], maxAge: '1h' },
    };
    const spec = svc('web', { routes: [route] });
    expect(publicRoutes(catalogueOf(spec), 'shop.example.com')).toEqual([
      {
        host: 'api.shop.example.com',
        path: '/shop',
        match: 'exact',
        service: 'web',
        port: 8080,
        version: 'v2',
        rewrite: '/',
        authRequired: true,
        timeout: '5s',
        cors: { allowOrigins: ['https://shop.example.com'], allowMethods: ['GET'], maxAge: '1h' },
        spec,
      },
    ]);
  });

  it('collects routes of every service and is empty when none is public', () => {
    expect(publicRoutes(catalogueOf(svc('a'), svc('b')), DOMAIN)).toEqual([]);
    const both = catalogueOf(svc('a', { routes: [{ path: '/a' }] }), svc('b', { routes: [{ path: '/bb' }] }));
    expect(publicRoutes(both, DOMAIN).map((r) => r.service)).toEqual(['b', 'a']);
  });
});

describe('gatewayHosts', () => {
  it.each<[string, Array<string | undefined>, string[]]>([
    ['no routes: the domain alone', [], [DOMAIN]],
    ['routes on the domain only', [undefined, undefined], [DOMAIN]],
    [
      'extra hosts, de-duplicated and sorted',
      ['z.dev.bookinfo.example.com', 'a.dev.bookinfo.example.com', 'z.dev.bookinfo.example.com'],
      ['a.dev.bookinfo.example.com', DOMAIN, 'z.dev.bookinfo.example.com'],
    ],
    ['an explicit domain host is not repeated', [DOMAIN, undefined], [DOMAIN]],
  ])('%s', (_name, hosts, expected) => {
    const routes = hosts.map((host) => resolved({ path: '/', match: 'prefix', host: host ?? DOMAIN }));
    expect(gatewayHosts(routes, DOMAIN)).toEqual(expected);
  });

  it('includes the domain even when no route uses it', () => {
    expect(gatewayHosts([resolved({ path: '/', match: 'prefix', host: 'api.dev.bookinfo.example.com' })], DOMAIN)).toEqual([
      'api.dev.bookinfo.example.com',
      DOMAIN,
    ]);
  });

  it('is the domain alone for BookInfo', () => {
    expect(gatewayHosts(publicRoutes(bookinfo, DOMAIN), DOMAIN)).toEqual([DOMAIN]);
  });
});

describe('weightedVersions', () => {
  it.each<[string, ServiceSpec, Array<{ version: string; weight: number }>]>([
    ['a single version without a weight takes 100', svc('a'), [{ version: 'v1', weight: 100 }]],
    ['a single version keeps an explicit weight', svc('a', { versions: [{ name: 'v1', weight: 100 }] }), [{ version: 'v1', weight: 100 }]],
    [
      'zero weights are left out',
      svc('a', {
        versions: [
          { name: 'v1', weight: 100 },
          { name: 'v2', weight: 0 },
        ],
      }),
      [{ version: 'v1', weight: 100 }],
    ],
    [
      'a version without a weight among several gets none',
      svc('a', { versions: [{ name: 'blue', weight: 100 }, { name: 'green' }] }),
      [{ version: 'blue', weight: 100 }],
    ],
    [
      'versions keep their declared order',
      svc('a', {
        versions: [
          { name: 'v2', weight: 30 },
          { name: 'v1', weight: 70 },
        ],
      }),
      [
        { version: 'v2', weight: 30 },
        { version: 'v1', weight: 70 },
      ],
    ],
    [
      'BookInfo reviews',
      bookinfoSpec('reviews'),
      [
        { version: 'v1', weight: 80 },
        { version: 'v2', weight: 10 },
        { version: 'v3', weight: 10 },
      ],
    ],
    ['BookInfo ratings', bookinfoSpec('ratings'), [{ version: 'v1', weight: 100 }]],
  ])('%s', (_name, spec, expected) => {
    expect(weightedVersions(spec)).toEqual(expected);
  });
});

describe('authorizationPath', () => {
  it.each<[string, Partial<ResolvedRoute> & Pick<ResolvedRoute, 'path' | 'match'>, string[]]>([
    ['exact', { path: '/productpage', match: 'exact' }, ['/productpage']],
    ['prefix', { path: '/static', match: 'prefix' }, ['/static*']],
    ['prefix ending in a slash', { path: '/api/', match: 'prefix' }, ['/api/*']],
    ['exact with rewrite uses the rewritten path', { path: '/shop', match: 'exact', rewrite: '/index.html' }, ['/index.html']],
    ['prefix with rewrite uses the rewritten path', { path: '/shop', match: 'prefix', rewrite: '/' }, ['/*']],
    ['prefix with a longer rewrite', { path: '/v1', match: 'prefix', rewrite: '/internal/v1' }, ['/internal/v1*']],
  ])('%s', (_name, route, expected) => {
    expect(authorizationPath(resolved(route))).toEqual(expected);
  });

  it('matches the BookInfo JWT-protected route', () => {
    const api = publicRoutes(bookinfo, DOMAIN).find((r) => r.authRequired);
    expect(api).toBeDefined();
    expect(authorizationPath(api as ResolvedRoute)).toEqual(['/api/v1/products*']);
  });
});
