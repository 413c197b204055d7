/**
 * Upstream contract of the SLOs, against vendored copies of the projects' own data files:
 * the burn-rate windows and factors Sloth generates (vendor/sloth), the labels Istio's sidecar puts
 * on its request metric (vendor/istio-proxy, at the proxy commit Istio 1.30.3 pins), the gRPC codes
 * Google maps to an HTTP 5xx (vendor/googleapis) and the Managed Prometheus Rules CRD
 * (vendor/prometheus-engine). A version bump (scripts/vendor-*.sh) re-checks each.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadEnvironment } from '../core/config';
import { loadApps } from '../services/apps';
import { BURN_RATE_ALERTS, rangeMinutes, SLO_PERIOD, SLO_WINDOWS, type PromRange } from '../services/slo';
import { REPO_ROOT } from '../test/fixtures/environments';
import { synthesizeEnvironment } from './environment';
import { ERROR_BUDGET_RECORD, errorBudget, errorRatioRecord, GRPC_SERVER_ERROR_CODES } from './slo';
import type { PrometheusRule, RulesSpec } from './slo-rules';

const VENDOR = path.join(REPO_ROOT, 'vendor');
const read = (...parts: string[]) => fs.readFileSync(path.join(VENDOR, ...parts), 'utf8');
const ISTIO_TAG = (parse(fs.readFileSync(path.join(REPO_ROOT, 'Pulumi.yaml'), 'utf8')) as { config: Record<string, string> }).config[
  'platform:istioVersion'
];

describe("Sloth's alert windows for a 30-day period (v0.16.0)", () => {
  interface SlothWindow {
    errorBudgetPercent: number;
    shortWindow: PromRange;
    longWindow: PromRange;
  }
  const windows = parse(read('sloth', 'v0.16.0', 'internal', 'alert', 'windows', 'google-30d.yaml')) as {
    kind: string;
    spec: { sloPeriod: string; page: Record<'quick' | 'slow', SlothWindow>; ticket: Record<'quick' | 'slow', SlothWindow> };
  };
  /** Sloth's burn-rate factor (internal/alert/window.go `getBurnRateFactor`): the budget share spent over the long window, as a speed. */
  const factor = (w: SlothWindow) => (w.errorBudgetPercent * (rangeMinutes(SLO_PERIOD) / 60)) / 100 / (rangeMinutes(w.longWindow) / 60);

  it('is the tag and commit SOURCE names', () => {
    expect(read('sloth', 'v0.16.0', 'SOURCE')).toMatch(/^repo: https:\/\/github.com\/slok\/sloth\ntag: v0\.16\.0\ncommit: [0-9a-f]{40}\n/);
    expect(windows.kind).toBe('AlertWindows');
  });

  it('has our SLO period', () => {
    expect(windows.spec.sloPeriod).toBe(SLO_PERIOD);
  });

  it('equals our burn-rate table: windows, budget shares and factors, page then ticket, quick then slow', () => {
    const theirs = (['page', 'ticket'] as const).flatMap((severity) =>
      (['quick', 'slow'] as const).map((speed) => {
        const w = windows.spec[severity][speed];
        return { severity, long: w.longWindow, short: w.shortWindow, budgetPercent: w.errorBudgetPercent, factor: factor(w) };
      }),
    );
    expect(theirs.map((t) => ({ ...t, factor: Number(t.factor.toPrecision(12)) }))).toEqual(BURN_RATE_ALERTS);
  });
});

describe("Sloth's SLO recordings (v0.16.0, examples/getting-started.yml and the rules Sloth generates for it)", () => {
  interface SlothRule {
    record?: string;
    expr: string;
    labels?: Record<string, string>;
  }
  const slos = parse(read('sloth', 'v0.16.0', 'examples', 'getting-started.yml')) as { slos: Array<{ name: string; objective: number }> };
  const generated = parseAllDocuments(read('sloth', 'v0.16.0', 'examples', '_gen', 'getting-started.yml'))
    .map((d) => d.toJS() as { groups: Array<{ name: string; rules: SlothRule[] }> } | null)
    .flatMap((doc) => doc?.groups ?? []);
  const availability = slos.slos.find((s) => s.name === 'requests-availability');
  const rules = generated.flatMap((g) => g.rules).filter((r) => r.labels?.sloth_slo === 'requests-availability');

  it('records the error ratio of every window ours do, under the same name', () => {
    const windows = rules.filter((r) => r.record?.startsWith('slo:sli_error:ratio_rate')).map((r) => r.labels?.sloth_window);
    for (const window of SLO_WINDOWS) {
      expect(windows).toContain(window);
      expect(rules.map((r) => r.record)).toContain(errorRatioRecord(window));
    }
  });

  it('records the error budget of an objective as the constant series slo:error_budget:ratio = vector(1 - objective), labelled like the ratios', () => {
    expect(availability?.objective).toBe(99.9);
    const budget = rules.find((r) => r.record === ERROR_BUDGET_RECORD);
    expect(budget?.expr).toMatch(/^vector\(1-0\.999\d*\)$/);
    // Sloth writes 1 minus the objective as a ratio; ours is the same value, written exactly.
    const theirs = 1 - Number(budget?.expr.match(/^vector\(1-([\d.]+)\)$/)?.[1]);
    expect(Number(theirs.toPrecision(12))).toBe(errorBudget(availability?.objective ?? 0));
    // The SLO's identity labels are on the budget as on the ratios, so the two match series for series.
    const ratio = rules.find((r) => r.record === errorRatioRecord('5m'));
    const { sloth_window: _window, ...identity } = ratio?.labels ?? {};
    expect(budget?.labels).toEqual(identity);
  });
});

describe(`the request metric of Istio's server sidecar (istio/proxy as Istio ${ISTIO_TAG} pins it)`, () => {
  const dir = path.join('istio-proxy', ISTIO_TAG);
  const template = read(dir, 'testdata', 'metric', 'server_request_total.yaml.tmpl');
  const labels = [...template.matchAll(/^ {2}- name: (\w+)\n(?: {4}value: (.*)\n)?/gm)].map((m) => ({ name: m[1], value: m[2] }));

  it("is the proxy commit Istio's istio.deps pins, at the Istio tag the platform installs", () => {
    const deps = JSON.parse(read(dir, 'istio.deps')) as Array<{ name: string; lastStableSHA: string }>;
    const proxy = deps.find((d) => d.name === 'PROXY_REPO_SHA')?.lastStableSHA;
    const source = read(dir, 'SOURCE');
    expect(source).toContain(`commit: ${proxy}\n`);
    const istio = read('istio', ISTIO_TAG, 'SOURCE').match(/^commit: (\w+)$/m)?.[1];
    expect(source).toContain(`tag ${ISTIO_TAG} commit ${istio},`);
  });

  it('is istio_requests_total, reported by the server sidecar as reporter="destination"', () => {
    expect(template).toMatch(/^name: istio_requests_total$/m);
    expect(labels).toContainEqual({ name: 'reporter', value: 'destination' });
  });

  it('carries every label the SLO selects on', () => {
    const names = new Set(labels.map((l) => l.name));
    for (const label of ['destination_service_name', 'destination_service_namespace', 'response_code', 'grpc_response_status']) {
      expect(names).toContain(label);
    }
  });

  it('carries the gRPC status in grpc_response_status, on requests whose protocol is grpc', () => {
    expect(template).toContain('{{- if .Vars.GrpcResponseStatus }}\n    value: grpc');
    expect(labels).toContainEqual({ name: 'grpc_response_status', value: '"{{ .Vars.GrpcResponseStatus }}"' });
  });
});

describe("Google's gRPC status codes (google/rpc/code.proto)", () => {
  const [commit] = fs.readdirSync(path.join(VENDOR, 'googleapis'));
  const proto = read('googleapis', commit, 'google', 'rpc', 'code.proto');
  const codes = [...proto.matchAll(/\/\/ HTTP Mapping: (\d{3})[^\n]*\n\s+([A-Z_]+) = (\d+);/g)].map((m) => ({
    name: m[2],
    code: Number(m[3]),
    http: Number(m[1]),
  }));

  it('maps every code to an HTTP status', () => {
    expect(codes).toHaveLength(17);
  });

  it('maps exactly the codes the SLO counts as failures to a 5xx', () => {
    const serverErrors = codes.filter((c) => c.http >= 500).map((c) => c.code);
    expect(serverErrors.sort((a, b) => a - b)).toEqual(GRPC_SERVER_ERROR_CODES);
  });
});

describe('the Managed Prometheus Rules CRD (prometheus-engine v0.17.2)', () => {
  const crd = parseAllDocuments(read('prometheus-engine', 'v0.17.2', 'charts', 'operator', 'crds', 'monitoring.googleapis.com_rules.yaml'))
    .map((d) => d.toJS() as { spec: { versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: SchemaNode } }> } })
    .at(0);
  interface SchemaNode {
    properties?: Record<string, SchemaNode>;
    items?: SchemaNode;
    'x-kubernetes-validations'?: Array<{ rule: string; message: string }>;
  }
  const v1 = crd?.spec.versions.find((v) => v.name === 'v1');
  const group = v1?.schema.openAPIV3Schema.properties?.spec.properties?.groups.items;
  const rule = group?.properties?.rules.items;
  const prod = loadEnvironment('prod');
  const all = synthesizeEnvironment(prod, loadApps(prod, REPO_ROOT))
    .files.flatMap((f) => f.objects)
    .filter((o) => o.kind === 'Rules')
    .flatMap((o) => (o.spec as RulesSpec).groups.flatMap((g) => g.rules));

  it('serves v1, whose groups and rules have the fields our types declare', () => {
    expect(v1?.served).toBe(true);
    expect(Object.keys(group?.properties ?? {}).sort()).toEqual(['interval', 'name', 'rules']);
    const fields: ReadonlyArray<keyof PrometheusRule> = ['alert', 'annotations', 'expr', 'for', 'labels', 'record'];
    expect(Object.keys(rule?.properties ?? {}).sort()).toEqual(fields);
  });

  it('requires exactly one of record or alert, and annotations only on an alert: every rule we emit is a plain recording', () => {
    expect(rule?.['x-kubernetes-validations']?.map((v) => v.rule)).toEqual([
      '(has(self.record) ? 1 : 0) + (has(self.alert) ? 1 : 0) == 1',
      '!has(self.annotations) || has(self.alert)',
    ]);
    expect(all.length).toBeGreaterThan(100);
    for (const r of all) {
      expect(r.record).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      expect(r).not.toHaveProperty('alert');
      expect(r).not.toHaveProperty('annotations');
    }
  });
});
