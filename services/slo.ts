/**
 * The terms of a service level objective that specs are validated against: the period, the
 * multiwindow, multi-burn-rate alerts of the Google SRE workbook, and the latency thresholds the
 * mesh's request duration histogram can measure exactly. charts/slo.ts turns them into PromQL.
 */
import type { Duration } from './spec';

/** A Prometheus range (`5m`, `1h`, `3d`): the alert windows go beyond `Duration`'s hours. */
export type PromRange = `${number}${'m' | 'h' | 'd'}`;

/** The SLO period: objectives are met (or not) over a rolling 30 days. */
export const SLO_PERIOD: PromRange = '30d';
export const SLO_PERIOD_HOURS = 30 * 24;

/** `page`: someone acts now. `ticket`: someone acts within the working day. */
export type AlertSeverity = 'page' | 'ticket';
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['page', 'ticket'];

/** One burn-rate alert: fires when both windows burn the error budget `factor` times too fast. */
export interface BurnRateAlert {
  readonly severity: AlertSeverity;
  /** The window that decides how much budget was spent. */
  readonly long: PromRange;
  /** The window that stops the alert soon after the burn stops. */
  readonly short: PromRange;
  /** Share of the period's error budget spent in the long window at this rate, percent. */
  readonly budgetPercent: number;
  /** Burn rate: the error ratio over the budget ratio (`budgetPercent` of 30 days spent in `long`). */
  readonly factor: number;
}

/**
 * The workbook's recommended parameters ("Alerting on SLOs", table 5-8) as Sloth ships them for a
 * 30-day period (vendor/sloth/v0.16.0/internal/alert/windows/google-30d.yaml; charts/slo.upstream.test.ts
 * holds this table equal to it): page on 2% of the budget in 1h or 5% in 6h, ticket on 10% in 1d or 3d.
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { severity: 'page', long: '1h', short: '5m', budgetPercent: 2, factor: 14.4 },
  { severity: 'page', long: '6h', short: '30m', budgetPercent: 5, factor: 6 },
  { severity: 'ticket', long: '1d', short: '2h', budgetPercent: 10, factor: 3 },
  { severity: 'ticket', long: '3d', short: '6h', budgetPercent: 10, factor: 1 },
];

/** Every window an alert reads, shortest first: each gets a recording rule per SLI. */
export const SLO_WINDOWS: readonly PromRange[] = [...new Set(BURN_RATE_ALERTS.flatMap((a) => [a.short, a.long]))].sort(
  (a, b) => rangeMinutes(a) - rangeMinutes(b),
);

/**
 * The lowest target (percent) every alert can fire at: with a budget of `100 - target` percent, the
 * fastest burn (14.4x) must stay below 100% errors. Rounded up to two decimals: 93.06.
 */
export const MIN_SLO_TARGET = Math.ceil((100 - 100 / Math.max(...BURN_RATE_ALERTS.map((a) => a.factor))) * 100) / 100;

/**
 * Upper bounds (ms) of the buckets of Istio's `istio_request_duration_milliseconds` histogram:
 * Envoy's default buckets (`HistogramSettingsImpl::defaultBuckets`, source/common/stats/histogram_impl.cc),
 * which Istio keeps unless a pod sets `sidecar.istio.io/statsHistogramBuckets`
 * (tools/packaging/common/envoy_bootstrap.json sets `histogram_bucket_settings` only then). A latency
 * threshold on a boundary counts the requests within it exactly (`le="<ms>"`); between two, it
 * could only be interpolated. The sub-millisecond and hour-long buckets are left out.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

/** A latency bucket boundary as a Duration: `250ms`, `1s`, `2.5s`. */
export function bucketDuration(ms: number): Duration {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}

/** Minutes in a Prometheus range. */
export function rangeMinutes(range: PromRange): number {
  const m = /^(\d+)([mhd])$/.exec(range);
  if (m === null) return Number.NaN;
  return Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2] as 'm' | 'h' | 'd'];
}
