import { sloFor } from '../services/defaults';
import bookinfo from '../services/bookinfo';
import reviews from '../services/bookinfo/reviews';
import loadgenerator from '../services/boutique/loadgenerator';
import { appDashboard, DASHBOARD_COLUMNS, serviceCharts } from './dashboard';

const PROPS = { app: 'bookinfo', stack: 'prod', clusters: ['platform-prod'], namespace: 'bookinfo' };
const slo = sloFor(reviews.spec, 'prod');
interface Chart {
  title: string;
  xyChart: {
    dataSets: Array<{ timeSeriesQuery: { prometheusQuery: string; unitOverride: string } }>;
    thresholds?: Array<{ label: string; value: number }>;
  };
}

describe("a service's golden signals", () => {
  const charts = serviceCharts(PROPS, { spec: reviews.spec, ...(slo !== undefined && { slo }) }) as unknown as Chart[];
  const query = (i: number) => charts[i].xyChart.dataSets[0].timeSeriesQuery.prometheusQuery;

  it('are traffic, errors, latency at the objective percentile, and saturation', () => {
    expect(charts.map((c) => c.title)).toEqual([
      'reviews: requests',
      'reviews: errors',
      'reviews: latency p99',
      'reviews: CPU, share of request',
    ]);
  });

  it("plot the mesh's request rate and latency percentile of the requests the service's sidecars served", () => {
    const requests = 'cluster="platform-prod",namespace="bookinfo",reporter="destination",destination_service_name="reviews"';
    expect(query(0)).toBe(`sum(rate(istio_requests_total{${requests}}[5m]))`);
    expect(query(2)).toBe(`histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${requests}}[5m])))`);
  });

  it('plot the error ratio the SLO records, with the error budget and the latency objective as thresholds', () => {
    expect(query(1)).toBe('slo:sli_error:ratio_rate5m{cluster="platform-prod",namespace="bookinfo",service="reviews",slo="availability"}');
    expect(charts[1].xyChart.thresholds).toEqual([
      { label: 'error budget (99.9% available)', value: 0.001, color: 'RED', direction: 'ABOVE' },
    ]);
    expect(charts[2].xyChart.thresholds).toEqual([{ label: 'objective (500ms)', value: 500, color: 'RED', direction: 'ABOVE' }]);
  });

  it("plot each pod's CPU against its request, with the autoscaling target", () => {
    expect(query(3)).toBe(
      'max by (pod_name) (kubernetes_io:container_cpu_request_utilization{monitored_resource="k8s_container",cluster_name="platform-prod",namespace_name="bookinfo",container_name="reviews"})',
    );
    expect(charts[3].xyChart.thresholds).toEqual([{ label: 'autoscaling target (70%)', value: 0.7, color: 'YELLOW', direction: 'ABOVE' }]);
  });

  it("read every region's cluster, each cluster's error ratio its own line", () => {
    const both = serviceCharts(
      { ...PROPS, clusters: ['platform-prod', 'platform-prod-europe-west4'] },
      { spec: reviews.spec, ...(slo !== undefined && { slo }) },
    ) as unknown as Chart[];
    const q = (i: number) => both[i].xyChart.dataSets[0].timeSeriesQuery.prometheusQuery;
    expect(q(0)).toContain('{cluster=~"platform-prod|platform-prod-europe-west4",namespace="bookinfo",');
    expect(q(1)).toBe(
      'slo:sli_error:ratio_rate5m{cluster=~"platform-prod|platform-prod-europe-west4",namespace="bookinfo",service="reviews",slo="availability"}',
    );
    expect((both[1].xyChart.dataSets[0] as unknown as { legendTemplate: string }).legendTemplate).toBe('failed share, ${cluster}');
    expect(q(3)).toContain('cluster_name=~"platform-prod|platform-prod-europe-west4",namespace_name="bookinfo"');
  });

  it('are only saturation for a worker that serves no requests', () => {
    expect((serviceCharts(PROPS, { spec: loadgenerator.spec }) as unknown as Chart[]).map((c) => c.title)).toEqual([
      'loadgenerator: CPU, share of request',
    ]);
  });
});

describe("an app's dashboard", () => {
  const services = bookinfo.services.map((d) => {
    const resolved = sloFor(d.spec, 'prod');
    return { spec: d.spec, ...(resolved !== undefined && { slo: resolved }) };
  });
  const dashboard = appDashboard({ ...PROPS, services }) as {
    displayName: string;
    mosaicLayout: {
      columns: number;
      tiles: Array<{
        xPos: number;
        yPos: number;
        width: number;
        height: number;
        widget: { title: string; sectionHeader?: { subtitle: string } };
      }>;
    };
  };
  const { tiles } = dashboard.mosaicLayout;

  it('is named after the app and the stack', () => {
    expect(dashboard.displayName).toBe('bookinfo (prod): golden signals');
  });

  it('has a header and a row of four charts per service, in catalogue order, with the owner and the objectives', () => {
    expect(tiles.filter((t) => t.widget.sectionHeader !== undefined).map((t) => t.widget.title)).toEqual([
      'productpage',
      'details',
      'reviews',
      'ratings',
    ]);
    expect(tiles).toHaveLength(4 * 5);
    expect(tiles[10].widget.sectionHeader?.subtitle).toBe(
      'BookInfo book reviews; v2 and v3 add star ratings. Owner team-reviews; SLO over 30 days: 99.9% of requests succeed, 99% within 500ms.',
    );
  });

  it('keeps every tile inside the grid, with no two tiles overlapping', () => {
    expect(dashboard.mosaicLayout.columns).toBe(DASHBOARD_COLUMNS);
    const cells = new Set<string>();
    for (const t of tiles) {
      expect(t.xPos).toBeGreaterThanOrEqual(0);
      expect(t.xPos + t.width).toBeLessThanOrEqual(DASHBOARD_COLUMNS);
      for (let x = t.xPos; x < t.xPos + t.width; x++)
        for (let y = t.yPos; y < t.yPos + t.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});
