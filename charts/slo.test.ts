import { sloFor } from '../services/defaults';
import reviews from '../services/bookinfo/reviews';
import cartservice from '../services/boutique/cartservice';
import {
  availabilityErrorRatio,
  burnRateQuery,
  clusterMatcher,
  errorBudget,
  latencyErrorRatio,
  sliRecordings,
  sliTarget,
  teamAlertQueries,
} from './slo';

const REVIEWS = { service: 'reviews', namespace: 'bookinfo' };
const CART = { service: 'cartservice', namespace: 'boutique', protocol: 'grpc' as const };
// prod's two regions: the primary cluster and europe-west4's (infra/cluster.ts clusterName).
const SCOPE = { clusters: ['platform-prod', 'platform-prod-europe-west4'], namespace: 'bookinfo', team: 'team-reviews' };

describe('the SLIs as PromQL', () => {
  it("counts BookInfo reviews' 5xx over the requests its own sidecars served", () => {
    expect(availabilityErrorRatio(REVIEWS, '5m')).toBe(
      [
        '(sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="bookinfo",destination_service_name="reviews",response_code=~"5.."}[5m])) or vector(0))',
        '/',
        'sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="bookinfo",destination_service_name="reviews"}[5m]))',
      ].join('\n'),
    );
  });

  it("counts a gRPC service's failures by the status codes that map to a 5xx, not by the HTTP code (200 for most gRPC failures)", () => {
    expect(availabilityErrorRatio(CART, '1h')).toBe(
      [
        '(sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="boutique",destination_service_name="cartservice",grpc_response_status=~"2|4|12|13|14|15"}[1h])) or vector(0))',
        '/',
        'sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="boutique",destination_service_name="cartservice"}[1h]))',
      ].join('\n'),
    );
  });

  it('counts requests slower than the threshold as one minus those in its bucket, over all of them', () => {
    expect(latencyErrorRatio(REVIEWS, '500ms', '30m')).toBe(
      [
        '1 - (',
        '  sum(rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_namespace="bookinfo",destination_service_name="reviews",le="500"}[30m]))',
        '  /',
        '  sum(rate(istio_request_duration_milliseconds_count{reporter="destination",destination_service_namespace="bookinfo",destination_service_name="reviews"}[30m]))',
        ')',
      ].join('\n'),
    );
    expect(latencyErrorRatio(REVIEWS, '2.5s', '5m')).toContain('le="2500"');
  });

  it('records each SLI over every window an alert reads, then its error budget, labelled with the service, the SLI and the team', () => {
    const slo = sloFor(cartservice.spec, 'prod');
    if (slo === undefined) throw new Error('cartservice serves requests');
    const latency = sliRecordings(CART, 'team-boutique', 'latency', slo);
    expect(latency.map((r) => r.record)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
      'slo:error_budget:ratio',
    ]);
    expect(new Set(latency.map((r) => JSON.stringify(r.labels)))).toEqual(
      new Set(['{"service":"cartservice","slo":"latency","team":"team-boutique"}']),
    );
    expect(latency[6].expr).toBe(latencyErrorRatio(CART, '500ms', '3d'));
  });

  it.each([
    ['availability', 99.9, 'vector(0.001)'],
    ['latency', 99, 'vector(0.01)'],
  ] as const)("records prod's %s budget (target %f) as the constant %s", (sli, target, expr) => {
    const slo = sloFor(cartservice.spec, 'prod');
    if (slo === undefined) throw new Error('cartservice serves requests');
    expect(sliTarget(sli, slo)).toBe(target);
    expect(sliRecordings(CART, 'team-boutique', sli, slo).at(-1)).toEqual({
      record: 'slo:error_budget:ratio',
      expr,
      labels: { service: 'cartservice', slo: sli, team: 'team-boutique' },
    });
  });

  it("records a spec's own objective as its budget, not the profile's", () => {
    const slo = sloFor({ ...reviews.spec, slo: { availability: 99.95, latency: { percentile: 95 } } }, 'prod');
    if (slo === undefined) throw new Error('reviews serves requests');
    expect(sliRecordings(REVIEWS, 'team-reviews', 'availability', slo).at(-1)?.expr).toBe('vector(0.0005)');
    expect(sliRecordings(REVIEWS, 'team-reviews', 'latency', slo).at(-1)?.expr).toBe('vector(0.05)');
  });
});

describe('the burn-rate alerts as PromQL', () => {
  it.each([
    [99.9, 0.001],
    [99.95, 0.0005],
    [99, 0.01],
    [93.06, 0.0694],
  ])('writes the error budget of %f as %f, without floating-point noise', (target, budget) => {
    expect(errorBudget(target)).toBe(budget);
  });

  it.each([
    [['platform-dev'], 'cluster="platform-dev"'],
    [['platform-prod', 'platform-prod-europe-west4'], 'cluster=~"platform-prod|platform-prod-europe-west4"'],
  ])('matches the clusters %j as %s', (clusters, matcher) => {
    expect(clusterMatcher(clusters)).toBe(matcher);
  });

  it('refuses no cluster, and a name a regular expression would misread', () => {
    expect(() => clusterMatcher([])).toThrow('at least one cluster');
    expect(() => clusterMatcher(['platform.prod'])).toThrow('"platform.prod" is not a cluster name');
  });

  it("pages on team-reviews' services' availability in both of prod's regions when 1h and 5m burn 14.4x, or 6h and 30m burn 6x, each service's own budget", () => {
    const selector = '{cluster=~"platform-prod|platform-prod-europe-west4",namespace="bookinfo",team="team-reviews",slo="availability"}';
    expect(burnRateQuery(SCOPE, 'availability', 'page')).toBe(
      [
        '(',
        `  slo:sli_error:ratio_rate5m${selector}`,
        `    > on(cluster, namespace, service, slo) (14.4 * slo:error_budget:ratio${selector})`,
        'and on(cluster, namespace, service, slo)',
        `  slo:sli_error:ratio_rate1h${selector}`,
        `    > on(cluster, namespace, service, slo) (14.4 * slo:error_budget:ratio${selector})`,
        ')',
        'or',
        '(',
        `  slo:sli_error:ratio_rate30m${selector}`,
        `    > on(cluster, namespace, service, slo) (6 * slo:error_budget:ratio${selector})`,
        'and on(cluster, namespace, service, slo)',
        `  slo:sli_error:ratio_rate6h${selector}`,
        `    > on(cluster, namespace, service, slo) (6 * slo:error_budget:ratio${selector})`,
        ')',
      ].join('\n'),
    );
  });

  it("opens a ticket on team-reviews' services' latency when 1d and 2h burn 3x, or 3d and 6h burn 1x", () => {
    const query = burnRateQuery(SCOPE, 'latency', 'ticket');
    expect(
      [
        ...query.matchAll(
          /^ {2}(slo:sli_error:ratio_rate\w+)\{.*\n {4}> on\(cluster, namespace, service, slo\) \(([\d.]+) \* slo:error_budget:ratio\{/gm,
        ),
      ].map((m) => `${m[1]} ${m[2]}`),
    ).toEqual([
      'slo:sli_error:ratio_rate2h 3',
      'slo:sli_error:ratio_rate1d 3',
      'slo:sli_error:ratio_rate6h 1',
      'slo:sli_error:ratio_rate3d 1',
    ]);
    expect(query).toContain('team="team-reviews",slo="latency"}');
    expect(query).not.toContain('slo="availability"');
  });

  it("gives every team's services in an app four queries: page and ticket, availability and latency", () => {
    expect(teamAlertQueries(SCOPE).map(({ severity, sli }) => `${severity} ${sli}`)).toEqual([
      'page availability',
      'page latency',
      'ticket availability',
      'ticket latency',
    ]);
  });
});
