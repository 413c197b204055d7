import { DEFAULT_SLO, sloFor } from './defaults';
import { BURN_RATE_ALERTS, LATENCY_BUCKETS_MS, MIN_SLO_TARGET, SLO_WINDOWS, bucketDuration, rangeMinutes } from './slo';
import type { ServiceSpec } from './spec';
import { validateService } from './validate';

const base: ServiceSpec = { name: 'svc', description: 'A test service', owner: 'team-a', port: 8080, versions: [{ name: 'v1' }] };
const WHERE = 'services/shop/svc.ts (service "svc")';
const problems = (spec: Record<string, unknown>) => validateService({ spec: { ...base, ...spec }, source: 'services/shop/svc.ts' });

describe('the SLO terms', () => {
  it('records every window an alert reads, shortest first', () => {
    expect(SLO_WINDOWS).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
  });

  it('takes the lowest target from the fastest burn: 100 - 100/14.4, rounded up to 93.06', () => {
    expect(MIN_SLO_TARGET).toBe(93.06);
    // At the lowest target, a 14.4x burn of the budget still stays below 100% errors.
    expect(14.4 * (100 - MIN_SLO_TARGET)).toBeLessThan(100);
    expect(14.4 * (100 - 93.05)).toBeGreaterThan(100);
  });

  it('pages on the two fast burns and tickets the two slow ones', () => {
    expect(BURN_RATE_ALERTS.map((a) => `${a.severity} ${a.factor}x ${a.long}/${a.short}`)).toEqual([
      'page 14.4x 1h/5m',
      'page 6x 6h/30m',
      'ticket 3x 1d/2h',
      'ticket 1x 3d/6h',
    ]);
  });

  it.each([
    ['5m', 5],
    ['6h', 360],
    ['3d', 4320],
  ] as const)('reads the range %s as %i minutes', (range, minutes) => {
    expect(rangeMinutes(range)).toBe(minutes);
  });

  it('writes bucket boundaries as the Durations a spec uses', () => {
    expect(LATENCY_BUCKETS_MS.map(bucketDuration)).toEqual([
      '1ms',
      '5ms',
      '10ms',
      '25ms',
      '50ms',
      '100ms',
      '250ms',
      '500ms',
      '1s',
      '2.5s',
      '5s',
      '10s',
      '30s',
      '60s',
    ]);
  });
});

describe('sloFor', () => {
  it.each([
    ['dev', { availability: 99, latency: { percentile: 95, threshold: '1s' } }],
    ['staging', { availability: 99.5, latency: { percentile: 95, threshold: '500ms' } }],
    ['prod', { availability: 99.9, latency: { percentile: 99, threshold: '500ms' } }],
  ] as const)('gives a service without slo the %s profile defaults', (profile, expected) => {
    expect(sloFor(base, profile)).toEqual(expected);
    expect(DEFAULT_SLO[profile]).toEqual(expected);
  });

  it('keeps what the spec sets and fills the rest from the profile', () => {
    expect(sloFor({ ...base, slo: { availability: 99.95, latency: { threshold: '250ms' } } }, 'prod')).toEqual({
      availability: 99.95,
      latency: { percentile: 99, threshold: '250ms' },
    });
  });

  it('gives no SLO to a worker without a port, nor to a tcp service: they serve no requests', () => {
    const { port: _port, ...worker } = base;
    expect(sloFor(worker, 'prod')).toBeUndefined();
    expect(sloFor({ ...base, protocol: 'tcp' }, 'prod')).toBeUndefined();
    expect(sloFor({ ...base, protocol: 'grpc' }, 'prod')).toBeDefined();
  });
});

describe('validating slo', () => {
  it('accepts objectives at the bounds', () => {
    expect(problems({ slo: { availability: 93.06, latency: { percentile: 99.99, threshold: '1ms' } } })).toEqual([]);
    expect(problems({ slo: { availability: 99.999, latency: { threshold: '60s' } } })).toEqual([]);
  });

  it.each([
    [
      { availability: 100 },
      'slo.availability',
      100,
      'leaves no error budget: no service meets 100%, and every error would page',
      'use a target below 100, e.g. 99.9',
    ],
    [
      { availability: 90 },
      'slo.availability',
      90,
      'is below 93.06: its error budget is so large that burning it 14.4 times too fast is more than every request failing, so the fastest page could never fire',
      'use 93.06 or more, e.g. 99.9',
    ],
    [{ availability: '99.9' }, 'slo.availability', '99.9', 'must be a percentage (a number)', 'write e.g. 99.9'],
    [
      { latency: { percentile: 50 } },
      'slo.latency.percentile',
      50,
      'is below 93.06: its error budget is so large that burning it 14.4 times too fast is more than every request failing, so the fastest page could never fire',
      'use 93.06 or more, e.g. 95',
    ],
    [
      { latency: { threshold: '300ms' } },
      'slo.latency.threshold',
      '300ms',
      "is not a bucket boundary of the mesh's request duration histogram, so the share of requests within it cannot be counted",
      "use '250ms' or '500ms' (the boundaries: 1ms, 5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2.5s, 5s, 10s, 30s, 60s)",
    ],
    [
      { latency: { threshold: '2m' } },
      'slo.latency.threshold',
      '2m',
      "is not a bucket boundary of the mesh's request duration histogram, so the share of requests within it cannot be counted",
      "use '60s' (the boundaries: 1ms, 5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2.5s, 5s, 10s, 30s, 60s)",
    ],
    [
      { latency: { threshold: 'fast' } },
      'slo.latency.threshold',
      'fast',
      'is not a duration',
      "write it as a number and a unit: '250ms', '1s'",
    ],
  ])('reports slo %j', (slo, field, value, problem, fix) => {
    expect(problems({ slo })).toEqual([{ where: WHERE, field, value, problem, fix }]);
  });

  it('refuses an slo on a worker without a port, and on a tcp service', () => {
    const { port: _port, ...worker } = base;
    expect(validateService({ spec: { ...worker, slo: { availability: 99 } } })).toEqual([
      {
        where: 'service "svc"',
        field: 'slo',
        value: { availability: 99 },
        problem: 'is set on a worker without a port: it serves no requests, so there is nothing to measure',
        fix: 'remove slo',
      },
    ]);
    expect(problems({ protocol: 'tcp', slo: {} })).toEqual([
      {
        where: WHERE,
        field: 'slo',
        value: {},
        problem: "is set on a tcp service: the mesh measures requests of 'http' and 'grpc' services only",
        fix: 'remove slo',
      },
    ]);
  });

  it('reports an unknown field of slo through the schema, with the nearest name', () => {
    expect(problems({ slo: { availabilty: 99.9 } })).toEqual([
      expect.objectContaining({ where: WHERE, field: 'slo.availabilty', fix: expect.stringContaining('availability') }),
    ]);
  });
});
