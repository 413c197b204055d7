import { synthesize, type ManifestObject, type Synthesis } from '..';
import catalogue from '../../services/bookinfo';
import { defineCatalogue } from '../../services/define';
import type { ServiceSpec } from '../../services/spec';
import { environment, repoReleases } from '../../test/fixtures/environments';
import { thrown } from '../../test/fixtures/thrown';

const dev = synthesize(environment('dev'), catalogue, repoReleases('dev'));

type Json = Record<string, unknown> & { spec: Record<string, unknown> };
const all = (s: Synthesis): ManifestObject[] => s.files.flatMap((f) => f.objects);
function get(s: Synthesis, kind: string, name: string): Json {
  const found = all(s).find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found as unknown as Json;
}
const kinds = (s: Synthesis, kind: string) => all(s).filter((o) => o.kind === kind) as unknown as Json[];

/** A catalogue of the given services, each pinned to one tag per version, synthesized for a profile. */
function synth(specs: ServiceSpec[], profile: 'dev' | 'prod' = 'dev', overrides: Parameters<typeof environment>[1] = {}): Synthesis {
  const pins = Object.fromEntries(
    specs.map((s) => [s.name, Object.fromEntries(s.versions.map((v) => [v.name, `example.com/${s.name}@sha256:${'c'.repeat(64)}`]))]),
  );
  return synthesize(
    environment(profile, overrides),
    defineCatalogue(
      'shop',
      specs.map((spec) => ({ spec })),
    ),
    pins,
  );
}
const svc = (name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  description: 'x',
  owner: 'team-a',
  port: 8080,
  versions: [{ name: 'v1' }],
  ...extra,
});

describe('edge', () => {
  it('emits no Gateway: the public routes bind to the platform edge Gateway with their own hosts', () => {
    expect(kinds(dev, 'Gateway')).toEqual([]);
    expect(get(dev, 'VirtualService', 'bookinfo-public').spec).toMatchObject({
      hosts: ['dev.bookinfo.example.com'],
      gateways: ['istio-ingress/edge'],
    });
  });

  it('names the edge Gateway in the configured gateway namespace', () => {
    const s = synth([svc('web', { routes: [{ path: '/' }] })], 'dev', { gatewayNamespace: 'gateways' });
    expect(get(s, 'VirtualService', 'shop-public').spec.gateways).toEqual(['gateways/edge']);
  });

  it('routes the five BookInfo paths to productpage:9080 in first-match order', () => {
    const vs = get(dev, 'VirtualService', 'bookinfo-public');
    expect(vs.spec).toMatchObject({ hosts: ['dev.bookinfo.example.com'], gateways: ['istio-ingress/edge'] });
    const http = vs.spec.http as Array<{
      match: Array<{ uri: Record<string, string> }>;
      route: Array<{ destination: { host: string; port: { number: number } } }>;
    }>;
    expect(http.map((h) => h.match[0].uri)).toEqual([
      { exact: '/productpage' },
      { exact: '/logout' },
      { exact: '/login' },
      { prefix: '/api/v1/products' },
      { prefix: '/static' },
    ]);
    for (const h of http)
      expect(h.route.map((r) => [r.destination.host, r.destination.port.number])).toEqual([
        ['productpage.bookinfo.svc.cluster.local', 9080],
      ]);
  });

  it('carries rewrite, timeout, CORS, a pinned version and the split to the gateway route', () => {
    const s = synth([
      svc('api', {
        versions: [
          { name: 'v1', weight: 90 },
          { name: 'v2', weight: 10 },
        ],
        routes: [
          {
            path: '/api',
            rewrite: '/',
            timeout: '2s',
            cors: { allowOrigins: ['https://app.example.com'], allowMethods: ['GET'], maxAge: '1h' },
          },
          { path: '/beta', match: 'exact', version: 'v2' },
        ],
      }),
    ]);
    const http = get(s, 'VirtualService', 'shop-public').spec.http as Json[];
    expect(http[0]).toMatchObject({ match: [{ uri: { exact: '/beta' } }], route: [{ destination: { subset: 'v2' } }] });
    expect(http[1]).toMatchObject({
      match: [{ uri: { prefix: '/api' } }],
      rewrite: { uri: '/' },
      timeout: '2s',
      corsPolicy: { allowOrigins: [{ exact: 'https://app.example.com' }], allowMethods: ['GET'], maxAge: '1h' },
      route: [
        { destination: { subset: 'v1' }, weight: 90 },
        { destination: { subset: 'v2' }, weight: 10 },
      ],
    });
  });

  it('serves extra hosts under the domain and matches each route on its host', () => {
    const s = synth([
      svc('api', { routes: [{ path: '/', host: 'api.dev.bookinfo.example.com' }] }),
      svc('web', { routes: [{ path: '/' }] }),
    ]);
    expect(get(s, 'VirtualService', 'shop-public').spec.hosts).toEqual(['api.dev.bookinfo.example.com', 'dev.bookinfo.example.com']);
    const http = get(s, 'VirtualService', 'shop-public').spec.http as Json[];
    expect(http.map((h) => h.match)).toEqual([
      [{ uri: { prefix: '/' }, authority: { exact: 'api.dev.bookinfo.example.com' } }],
      [{ uri: { prefix: '/' }, authority: { exact: 'dev.bookinfo.example.com' } }],
    ]);
  });

  it('emits no public VirtualService when nothing is public', () => {
    const s = synth([svc('worker')]);
    expect(kinds(s, 'Gateway')).toEqual([]);
    expect(kinds(s, 'VirtualService').map((v) => (v.metadata as { name: string }).name)).toEqual(['worker']);
  });
});

describe('service-to-service traffic', () => {
  it('gives every service a DestinationRule with mTLS, a connection pool, outlier detection and a subset per version', () => {
    expect(kinds(dev, 'DestinationRule').map((d) => (d.metadata as { name: string }).name)).toEqual([
      'productpage',
      'details',
      'reviews',
      'ratings',
    ]);
    expect(get(dev, 'DestinationRule', 'reviews').spec).toEqual({
      host: 'reviews.bookinfo.svc.cluster.local',
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v3', labels: { version: 'v3' } },
      ],
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 64, http2MaxRequests: 1000 } },
        // reviews overrides two of the circuit breaker defaults.
        outlierDetection: { consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '60s', maxEjectionPercent: 50 },
      },
    });
    expect(get(dev, 'DestinationRule', 'details').spec).toMatchObject({
      trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5, baseEjectionTime: '30s' } },
    });
  });

  it('sends end-user jason to reviews v2 ahead of the 80/10/10 split, with timeout and retries', () => {
    const http = get(dev, 'VirtualService', 'reviews').spec.http as Json[];
    const retries = {
      attempts: 2,
      perTryTimeout: '1s',
      retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
    };
    expect(http).toEqual([
      {
        name: 'v2-by-header',
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2', port: { number: 9080 } } }],
        timeout: '3s',
        retries,
      },
      {
        name: 'default',
        route: ['v1', 'v2', 'v3'].map((subset, i) => ({
          destination: { host: 'reviews.bookinfo.svc.cluster.local', subset, port: { number: 9080 } },
          weight: [80, 10, 10][i],
        })),
        timeout: '3s',
        retries,
      },
    ]);
  });

  it('injects faults outside production', () => {
    const faulty = svc('pay', {
      traffic: { faults: { delay: { fixedDelay: '2s', percent: 10 }, abort: { httpStatus: 503, percent: 5 } } },
    });
    const http = get(synth([faulty]), 'VirtualService', 'pay').spec.http as Json[];
    expect(http[0].fault).toEqual({
      delay: { fixedDelay: '2s', percentage: { value: 10 } },
      abort: { httpStatus: 503, percentage: { value: 5 } },
    });
    expect(get(synth([svc('pay')]), 'VirtualService', 'pay').spec.http).not.toContainEqual(
      expect.objectContaining({ fault: expect.anything() }),
    );
  });

  it('refuses fault injection in production', () => {
    const error = thrown(() => synth([svc('pay', { traffic: { faults: { abort: { httpStatus: 503, percent: 5 } } } })], 'prod'));
    expect(error.problems).toEqual([
      expect.objectContaining({
        where: 'service "pay"',
        field: 'traffic.faults',
        problem: 'injects faults, which production environments refuse',
      }),
    ]);
  });

  it('routes tcp services with a tcp split and no HTTP settings', () => {
    const s = synth([svc('db', { protocol: 'tcp', port: 5432 })]);
    expect(get(s, 'VirtualService', 'db').spec).toEqual({
      hosts: ['db.bookinfo.svc.cluster.local'],
      tcp: [{ route: [{ destination: { host: 'db.bookinfo.svc.cluster.local', subset: 'v1', port: { number: 5432 } }, weight: 100 }] }],
    });
  });
});

describe('zero trust', () => {
  it('makes mTLS STRICT and denies everything by default in the namespace', () => {
    expect(get(dev, 'PeerAuthentication', 'default')).toMatchObject({
      apiVersion: 'security.istio.io/v1',
      spec: { mtls: { mode: 'STRICT' } },
    });
    expect(get(dev, 'AuthorizationPolicy', 'allow-nothing').spec).toEqual({});
  });

  it('allows each service exactly the callers that declare it as a dependency', () => {
    const allows = kinds(dev, 'AuthorizationPolicy')
      .filter((p) => p.spec.action === 'ALLOW')
      .map((p) => [
        (p.spec.selector as { matchLabels: { app: string } }).matchLabels.app,
        (p.spec.rules as Array<{ from: Array<{ source: { principals: string[] } }> }>)[0].from[0].source.principals,
      ]);
    expect(allows).toEqual([
      ['productpage', ['cluster.local/ns/istio-ingress/sa/istio-ingress']],
      ['details', ['cluster.local/ns/bookinfo/sa/bookinfo-productpage']],
      ['reviews', ['cluster.local/ns/bookinfo/sa/bookinfo-productpage']],
      ['ratings', ['cluster.local/ns/bookinfo/sa/bookinfo-reviews']],
    ]);
  });

  it('emits no ALLOW policy for a service nobody calls', () => {
    const s = synth([svc('batch')]);
    expect(kinds(s, 'AuthorizationPolicy').map((p) => (p.metadata as { name: string }).name)).toEqual(['allow-nothing']);
    expect(get(s, 'NetworkPolicy', 'batch').spec.ingress).toEqual([]);
  });

  it('limits each sidecar’s egress to its dependencies, the control plane and the trace collector', () => {
    expect(get(dev, 'Sidecar', 'productpage').spec).toEqual({
      workloadSelector: { labels: { app: 'productpage' } },
      egress: [
        {
          hosts: [
            './details.bookinfo.svc.cluster.local',
            './reviews.bookinfo.svc.cluster.local',
            'istio-system/*',
            'observability/otel-collector.observability.svc.cluster.local',
          ],
        },
      ],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(get(dev, 'Sidecar', 'ratings').spec).toMatchObject({
      egress: [{ hosts: ['istio-system/*', 'observability/otel-collector.observability.svc.cluster.local'] }],
    });
  });

  it('requires a JWT from the environment issuer on auth-required routes through the gateway', () => {
    expect(get(dev, 'RequestAuthentication', 'productpage-jwt').spec).toEqual({
      selector: { matchLabels: { app: 'productpage' } },
      // cdk8s import emits the CRD's legacy spelling of jwksUri; both are in the v1 schema.
      jwtRules: [
        { issuer: 'https://accounts.google.com', jwks_uri: 'https://www.googleapis.com/oauth2/v3/certs', forwardOriginalToken: true },
      ],
    });
    expect(get(dev, 'AuthorizationPolicy', 'productpage-require-jwt').spec).toEqual({
      selector: { matchLabels: { app: 'productpage' } },
      action: 'DENY',
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/istio-ingress'], notRequestPrincipals: ['*'] } }],
          to: [{ operation: { paths: ['/api/v1/products*'] } }],
        },
      ],
    });
    expect(kinds(dev, 'RequestAuthentication')).toHaveLength(1);
  });

  it('refuses auth-required routes in an environment without a JWT issuer', () => {
    const error = thrown(() =>
      synth([svc('api', { routes: [{ path: '/private', authRequired: true }] })], 'dev', { jwtIssuer: undefined, jwksUri: undefined }),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({ field: 'routes[0].authRequired', problem: 'needs a JWT issuer, and Pulumi.dev.yaml sets none' }),
    ]);
  });

  it('mirrors the allow-list in NetworkPolicies, after a default deny', () => {
    expect(get(dev, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const ingressFrom = (name: string) => (get(dev, 'NetworkPolicy', name).spec.ingress as Array<{ from: unknown[] }>)[0].from;
    expect(ingressFrom('ratings')).toEqual([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['reviews'] }] } }]);
    expect(ingressFrom('details')).toEqual([
      { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['productpage'] }] } },
    ]);
    expect(ingressFrom('reviews')).toEqual([
      { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['productpage'] }] } },
    ]);
    expect(ingressFrom('productpage')).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } },
        podSelector: { matchLabels: { istio: 'ingress' } },
      },
    ]);
    expect(get(dev, 'NetworkPolicy', 'productpage').spec.egress).toEqual([
      { to: [{ podSelector: { matchLabels: { app: 'details' } } }], ports: [{ protocol: 'TCP', port: 9080 }] },
      { to: [{ podSelector: { matchLabels: { app: 'reviews' } } }], ports: [{ protocol: 'TCP', port: 9080 }] },
    ]);
  });

  it('lets every pod reach DNS and istiod', () => {
    expect(get(dev, 'NetworkPolicy', 'allow-dns-and-istiod').spec).toMatchObject({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
              podSelector: { matchLabels: { app: 'istiod' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 15012 }],
        },
      ],
    });
  });
});
