/**
 * One Cloud Monitoring dashboard per app: a row per service with its golden signals (traffic,
 * errors, latency, saturation), from the mesh's metrics and the SLO recordings in Managed Service
 * for Prometheus, with the service's objectives drawn as thresholds. Pure: the dashboard is JSON
 * (`gcp.monitoring.Dashboard` `dashboardJson`); infra/alerting.ts creates it.
 *
 * Field names are those of google.monitoring.dashboard.v1 (vendored under vendor/googleapis/,
 * checked by infra/dashboard.upstream.test.ts), in their JSON (lowerCamelCase) form.
 */
import { clusterMatcher, DURATION_METRIC, errorBudget, errorRatioRecord, REQUESTS_METRIC } from '../charts/slo';
import { cpuTargetFor, durationMs, type ResolvedSlo } from '../services/defaults';
import type { ServiceSpec } from '../services/spec';

/** The grid: the API allows 1 to 12 columns (layouts.proto `MosaicLayout.columns`). */
export const DASHBOARD_COLUMNS = 12;
const CHART_WIDTH = 3;
const CHART_HEIGHT = 4;
const HEADER_HEIGHT = 1;
/** The window of the rates plotted: long enough to smooth a minute's scrape, short enough to show a spike. */
const RATE_WINDOW = '5m';

export interface DashboardService {
  readonly spec: ServiceSpec;
  /** Its objectives, or undefined for a service that serves no requests (only its saturation is drawn). */
  readonly slo?: ResolvedSlo;
}

export interface AppDashboardProps {
  readonly app: string;
  readonly stack: string;
  /** The stack's GKE clusters (every region's): Managed Service for Prometheus labels every series with its cluster. */
  readonly clusters: readonly string[];
  readonly namespace: string;
  readonly services: readonly DashboardService[];
}

interface Threshold {
  readonly label: string;
  readonly value: number;
  readonly color: 'YELLOW' | 'RED';
  readonly direction: 'ABOVE' | 'BELOW';
}

interface Tile {
  readonly xPos: number;
  readonly yPos: number;
  readonly width: number;
  readonly height: number;
  readonly widget: Record<string, unknown>;
}

/** What a chart's values are: the unit (MetricDescriptor's syntax) and the axis label. */
const UNITS = {
  rate: { unit: '1/s', label: 'requests/s' },
  ratio: { unit: '1', label: 'share (1 = 100%)' },
  ms: { unit: 'ms', label: 'ms' },
} as const;

/** A line chart of one PromQL query. */
function chart(
  title: string,
  query: string,
  units: (typeof UNITS)[keyof typeof UNITS],
  legend: string,
  thresholds: readonly Threshold[] = [],
): Record<string, unknown> {
  return {
    title,
    xyChart: {
      dataSets: [{ timeSeriesQuery: { prometheusQuery: query, unitOverride: units.unit }, plotType: 'LINE', legendTemplate: legend }],
      ...(thresholds.length > 0 && { thresholds: thresholds.map((t) => ({ ...t })) }),
      yAxis: { label: units.label, scale: 'LINEAR' },
    },
  };
}

/** The four golden signals of a service that serves requests, and its saturation alone otherwise. */
export function serviceCharts(props: Omit<AppDashboardProps, 'services'>, service: DashboardService): Array<Record<string, unknown>> {
  const { spec, slo } = service;
  const name = spec.name;
  const clusters = clusterMatcher(props.clusters);
  const requests = `${clusters},namespace="${props.namespace}",reporter="destination",destination_service_name="${name}"`;
  const cpuTarget = cpuTargetFor(spec) / 100;
  const saturation = chart(
    `${name}: CPU, share of request`,
    `max by (pod_name) (kubernetes_io:container_cpu_request_utilization{monitored_resource="k8s_container",${clusterMatcher(props.clusters, 'cluster_name')},namespace_name="${props.namespace}",container_name="${name}"})`,
    UNITS.ratio,
    '${pod_name}',
    [{ label: `autoscaling target (${cpuTargetFor(spec)}%)`, value: cpuTarget, color: 'YELLOW', direction: 'ABOVE' }],
  );
  if (slo === undefined) return [saturation];
  const percentile = slo.latency.percentile;
  return [
    chart(`${name}: requests`, `sum(rate(${REQUESTS_METRIC}{${requests}}[${RATE_WINDOW}]))`, UNITS.rate, 'requests/s'),
    chart(
      `${name}: errors`,
      `${errorRatioRecord('5m')}{${clusters},namespace="${props.namespace}",service="${name}",slo="availability"}`,
      UNITS.ratio,
      // One line per cluster (region): the recordings are per cluster.
      'failed share, ${cluster}',
      [{ label: `error budget (${slo.availability}% available)`, value: errorBudget(slo.availability), color: 'RED', direction: 'ABOVE' }],
    ),
    chart(
      `${name}: latency p${percentile}`,
      `histogram_quantile(${percentile / 100}, sum by (le) (rate(${DURATION_METRIC}_bucket{${requests}}[${RATE_WINDOW}])))`,
      UNITS.ms,
      `p${percentile}`,
      [{ label: `objective (${slo.latency.threshold})`, value: durationMs(slo.latency.threshold), color: 'RED', direction: 'ABOVE' }],
    ),
    saturation,
  ];
}

/** The subtitle of a service's row: who owns it and what it promises. */
function subtitle(service: DashboardService): string {
  const { spec, slo } = service;
  const objectives =
    slo === undefined
      ? 'no SLO: it serves no requests'
      : `SLO over 30 days: ${slo.availability}% of requests succeed, ${slo.latency.percentile}% within ${slo.latency.threshold}`;
  return `${spec.description}. Owner ${spec.owner}; ${objectives}.`;
}

/** The dashboard of an app: a header and a row of charts per service, in catalogue order. */
export function appDashboard(props: AppDashboardProps): Record<string, unknown> {
  const tiles: Tile[] = [];
  let y = 0;
  for (const service of props.services) {
    tiles.push({
      xPos: 0,
      yPos: y,
      width: DASHBOARD_COLUMNS,
      height: HEADER_HEIGHT,
      widget: { title: service.spec.name, sectionHeader: { subtitle: subtitle(service), dividerBelow: true } },
    });
    y += HEADER_HEIGHT;
    serviceCharts(props, service).forEach((widget, i) => {
      tiles.push({ xPos: i * CHART_WIDTH, yPos: y, width: CHART_WIDTH, height: CHART_HEIGHT, widget });
    });
    y += CHART_HEIGHT;
  }
  return {
    displayName: dashboardName(props.app, props.stack),
    mosaicLayout: { columns: DASHBOARD_COLUMNS, tiles },
  };
}

/** How the dashboard is named in the console, and in the alerts that point at it. */
export function dashboardName(app: string, stack: string): string {
  return `${app} (${stack}): golden signals`;
}
