import { sloFor } from '../services/defaults';
import reviews from '../services/bookinfo/reviews';
import cartservice from '../services/boutique/cartservice';
import { availabilityErrorRatio, burnRateQuery, errorBudget, latencyErrorRatio, serviceAlertQueries, sliRecordings } from './slo';

const REVIEWS = { service: 'reviews', namespace: 'bookinfo' };
const CART = { service: 'cartservice', namespace: 'boutique', protocol: 'grpc' as const };
const SCOPE = { cluster: 'platform-prod', namespace: 'bookinfo', service: 'reviews' };

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

  it('records each SLI over every window an alert reads, labelled with the service and the SLI', () => {
    const slo = sloFor(cartservice.spec, 'prod');
    if (slo === undefined) throw new Error('cartservice serves requests');
    const latency = sliRecordings(CART, 'latency', slo);
    expect(latency.map((r) => r.record)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
    ]);
    expect(new Set(latency.map((r) => JSON.stringify(r.labels)))).toEqual(new Set(['{"service":"cartservice","slo":"latency"}']));
    expect(latency[6].expr).toBe(latencyErrorRatio(CART, '500ms', '3d'));
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

  it("pages on reviews' availability in prod (99.9%) when 1h and 5m burn 14.4x, or 6h and 30m burn 6x", () => {
    expect(burnRateQuery(SCOPE, 'availability', 99.9, 'page')).toBe(
      [
        '(',
        '  slo:sli_error:ratio_rate5m{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="availability"} > (14.4 * 0.001)',
        'and',
        '  slo:sli_error:ratio_rate1h{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="availability"} > (14.4 * 0.001)',
        ')',
        'or',
        '(',
        '  slo:sli_error:ratio_rate30m{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="availability"} > (6 * 0.001)',
        'and',
        '  slo:sli_error:ratio_rate6h{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="availability"} > (6 * 0.001)',
        ')',
      ].join('\n'),
    );
  });

  it("opens a ticket on reviews' latency in prod (99% within 500ms) when 1d and 2h burn 3x, or 3d and 6h burn 1x", () => {
    expect(burnRateQuery(SCOPE, 'latency', 99, 'ticket')).toBe(
      [
        '(',
        '  slo:sli_error:ratio_rate2h{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="latency"} > (3 * 0.01)',
        'and',
        '  slo:sli_error:ratio_rate1d{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="latency"} > (3 * 0.01)',
        ')',
        'or',
        '(',
        '  slo:sli_error:ratio_rate6h{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="latency"} > (1 * 0.01)',
        'and',
        '  slo:sli_error:ratio_rate3d{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="latency"} > (1 * 0.01)',
        ')',
      ].join('\n'),
    );
  });

  it('gives every service four queries: page and ticket, availability and latency, at its targets', () => {
    const slo = sloFor(reviews.spec, 'prod');
    if (slo === undefined) throw new Error('reviews serves requests');
    expect(serviceAlertQueries(SCOPE, slo).map(({ severity, sli, target }) => `${severity} ${sli} ${target}`)).toEqual([
      'page availability 99.9',
      'page latency 99',
      'ticket availability 99.9',
      'ticket latency 99',
    ]);
  });
});
