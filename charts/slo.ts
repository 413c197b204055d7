/**
 * A service's SLOs as PromQL: the error ratio of each SLI over each alert window and its error
 * budget (recorded by Managed Service for Prometheus rules, charts/slo-rules.ts), and the
 * multiwindow, multi-burn-rate alert queries over those recordings, one per team and app (Cloud
 * Monitoring alert policies, infra/alerting.ts). Pure:
 * strings in, strings out, so the exact PromQL is tested as tables.
 *
 * The SLIs come from the mesh: Istio's sidecar in front of each pod reports every request it
 * served as `istio_requests_total` and `istio_request_duration_milliseconds` with
 * `reporter="destination"` (vendor/istio-proxy/1.30.3: the labels of the server sidecar's report,
 * checked by charts/slo.upstream.test.ts). The service's own code needs no instrumentation.
 */
import { durationMs, type ResolvedSlo } from '../services/defaults';
import { ALERT_SEVERITIES, BURN_RATE_ALERTS, SLO_WINDOWS, type AlertSeverity, type PromRange } from '../services/slo';
import type { Duration, Protocol } from '../services/spec';

/** The two SLIs of every service that serves requests. */
export type SliName = 'availability' | 'latency';
export const SLI_NAMES: readonly SliName[] = ['availability', 'latency'];

/** Requests and their outcome, counted by the server sidecar (Istio's standard metrics). */
export const REQUESTS_METRIC = 'istio_requests_total';
/** The request duration histogram, in milliseconds. */
export const DURATION_METRIC = 'istio_request_duration_milliseconds';

/**
 * gRPC status codes the SLO counts as the service's failure: those Google maps to an HTTP 5xx
 * (google/rpc/code.proto, vendored under vendor/googleapis/): UNKNOWN, DEADLINE_EXCEEDED,
 * UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS. The others (CANCELLED, NOT_FOUND,
 * INVALID_ARGUMENT...) are the caller's doing, as a 4xx is for HTTP. Istio's label carries the
 * code as a number (`grpc_response_status="14"`).
 */
export const GRPC_SERVER_ERROR_CODES: readonly number[] = [2, 4, 12, 13, 14, 15];

/** The name of the recorded error ratio of an SLI over a window: `slo:sli_error:ratio_rate5m`. */
export function errorRatioRecord(window: PromRange): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** Which service the PromQL is about: its name and namespace in the mesh. */
export interface SloSubject {
  readonly service: string;
  readonly namespace: string;
  readonly protocol?: Protocol;
}

/** The requests the service's own sidecars served. */
function requestMatchers(s: SloSubject): string {
  return `reporter="destination",destination_service_namespace="${s.namespace}",destination_service_name="${s.service}"`;
}

/** Which of those requests failed: a 5xx, or for gRPC a status that maps to one. */
function errorMatcher(s: SloSubject): string {
  return s.protocol === 'grpc' ? `grpc_response_status=~"${GRPC_SERVER_ERROR_CODES.join('|')}"` : 'response_code=~"5.."';
}

/**
 * The share of failed requests over a window. Without errors the numerator would be empty (no
 * series), so it defaults to 0; without requests the ratio is empty, and no alert can fire.
 */
export function availabilityErrorRatio(s: SloSubject, window: PromRange): string {
  const requests = requestMatchers(s);
  return [
    `(sum(rate(${REQUESTS_METRIC}{${requests},${errorMatcher(s)}}[${window}])) or vector(0))`,
    '/',
    `sum(rate(${REQUESTS_METRIC}{${requests}}[${window}]))`,
  ].join('\n');
}

/**
 * The share of requests slower than the threshold over a window: 1 minus those within it (the
 * histogram bucket whose upper bound is the threshold, `le` as Envoy writes it: `500`, `2500`)
 * over all of them.
 */
export function latencyErrorRatio(s: SloSubject, threshold: Duration, window: PromRange): string {
  const requests = requestMatchers(s);
  const le = durationMs(threshold);
  return [
    '1 - (',
    `  sum(rate(${DURATION_METRIC}_bucket{${requests},le="${le}"}[${window}]))`,
    '  /',
    `  sum(rate(${DURATION_METRIC}_count{${requests}}[${window}]))`,
    ')',
  ].join('\n');
}

/**
 * The name of the recorded error budget of an SLI, a constant series (`vector(<budget>)`) beside its
 * error ratios: Sloth's name for it (vendor/sloth/v0.16.0 `examples/_gen/getting-started.yml`,
 * checked by charts/slo.upstream.test.ts). The alerts compare each service's ratios with its own
 * budget, so one query covers every service of a team whatever their objectives.
 */
export const ERROR_BUDGET_RECORD = 'slo:error_budget:ratio';

/** The labels of every recording of a service's SLI: the service, the SLI, and the team that owns the service. */
export interface SliLabels {
  readonly service: string;
  readonly slo: SliName;
  readonly team: string;
}

/** One recording rule of an SLI: an error ratio over a window, or the SLI's error budget. */
export interface SliRecording {
  readonly record: string;
  readonly expr: string;
  readonly labels: SliLabels;
}

/** The target of an SLI, percent: the availability, or the latency percentile. */
export function sliTarget(sli: SliName, slo: ResolvedSlo): number {
  return sli === 'availability' ? slo.availability : slo.latency.percentile;
}

/** The error budget of a target as a ratio (99.9 -> 0.001), without floating-point noise. */
export function errorBudget(target: number): number {
  return Number(((100 - target) / 100).toPrecision(12));
}

/**
 * Every recording an SLI's alerts read: its error ratio over each window, shortest first, then its
 * error budget (`vector(0.001)` for 99.9%), all labelled with the service, the SLI and the owner's team.
 */
export function sliRecordings(s: SloSubject, team: string, sli: SliName, slo: ResolvedSlo): SliRecording[] {
  const labels: SliLabels = { service: s.service, slo: sli, team };
  return [
    ...SLO_WINDOWS.map((window) => ({
      record: errorRatioRecord(window),
      expr: sli === 'availability' ? availabilityErrorRatio(s, window) : latencyErrorRatio(s, slo.latency.threshold, window),
      labels,
    })),
    { record: ERROR_BUDGET_RECORD, expr: `vector(${errorBudget(sliTarget(sli, slo))})`, labels },
  ];
}

/**
 * Where an alert reads the recordings: a team's services in an app's namespace, on every cluster of
 * the stack (Managed Service for Prometheus labels every rule result with its cluster and namespace).
 */
export interface AlertScope {
  /** The stack's clusters, one per region, the primary first. */
  readonly clusters: readonly string[];
  readonly namespace: string;
  readonly team: string;
}

/**
 * The matcher on the stack's clusters: `cluster="a"` for one, `cluster=~"a|b"` for several (or on
 * another label holding the cluster's name, as Cloud Monitoring's `cluster_name`).
 * Cluster names are DNS labels (infra/cluster.ts refuses others), so none needs escaping; Prometheus
 * anchors the regular expression, so `a` does not match `a-b`.
 */
export function clusterMatcher(clusters: readonly string[], label = 'cluster'): string {
  if (clusters.length === 0) throw new Error('clusterMatcher: a stack has at least one cluster');
  for (const c of clusters)
    if (!/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(c)) throw new Error(`clusterMatcher: ${JSON.stringify(c)} is not a cluster name`);
  return clusters.length === 1 ? `${label}="${clusters[0]}"` : `${label}=~"${clusters.join('|')}"`;
}

/** The labels one service's SLI is identified by across the stack: each incident carries them. */
export const ALERT_MATCHING = 'on(cluster, namespace, service, slo)';

/**
 * The alert query of one SLI at one severity, for every service of a team in an app: any of the
 * severity's burn-rate alerts, each firing when both its long and its short window burn the
 * service's own budget `factor` times too fast (the workbook's multiwindow, multi-burn-rate alert,
 * written as Sloth writes it: `factor * budget`, the budget read from its recording). Matching
 * `on(cluster, namespace, service, slo)` keeps exactly those labels, so each burning service in
 * each cluster is its own incident, labelled with its service.
 */
export function burnRateQuery(scope: AlertScope, sli: SliName, severity: AlertSeverity): string {
  const selector = `{${clusterMatcher(scope.clusters)},namespace="${scope.namespace}",team="${scope.team}",slo="${sli}"}`;
  const burning = (window: PromRange, factor: number) =>
    `${errorRatioRecord(window)}${selector}\n    > ${ALERT_MATCHING} (${factor} * ${ERROR_BUDGET_RECORD}${selector})`;
  return BURN_RATE_ALERTS.filter((a) => a.severity === severity)
    .map((a) => `(\n  ${burning(a.short, a.factor)}\nand ${ALERT_MATCHING}\n  ${burning(a.long, a.factor)}\n)`)
    .join('\nor\n');
}

/** Every alert query of a team's services in an app: per severity, per SLI. */
export function teamAlertQueries(scope: AlertScope): ReadonlyArray<{ severity: AlertSeverity; sli: SliName; query: string }> {
  return ALERT_SEVERITIES.flatMap((severity) => SLI_NAMES.map((sli) => ({ severity, sli, query: burnRateQuery(scope, sli, severity) })));
}
