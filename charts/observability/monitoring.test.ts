/**
 * Managed Service for Prometheus: the objects, validated against the vendored CRDs
 * (vendor/prometheus-engine, scripts/vendor-prometheus-engine.sh), and the upstream facts they
 * rest on: where Istio serves each proxy's and istiod's metrics (vendor/istio), and which pods
 * of the managed collection scrape (the collector's chart template).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { environment, repoReleases } from '../../test/fixtures/environments';
import catalogue from '../../services/bookinfo';
import { thrown } from '../../test/fixtures/thrown';
import { apiServerValidation } from '../apiserver';
import { PROMETHEUS_ENGINE_DIR, PROMETHEUS_ENGINE_RELEASE } from '../apiserver/crd-files';
import { hasSchema, validateObject, type ManifestObject } from '../schema';
import { synthesize } from '../synthesize';
import {
  gatewayPodMonitoring,
  INJECTED_POD_LABEL,
  ISTIOD_METRICS,
  istiodPodMonitoring,
  MANAGED_COLLECTORS,
  monitoringRules,
  SIDECAR_METRICS,
} from './monitoring';

const ROOT = path.resolve(__dirname, '..', '..');
const ISTIO = path.join(ROOT, 'vendor', 'istio', '1.30.3');
const readIstio = (file: string): string => fs.readFileSync(path.join(ISTIO, file), 'utf8');
const readEngine = (file: string): string => fs.readFileSync(path.join(PROMETHEUS_ENGINE_DIR, file), 'utf8');

describe('the vendored prometheus-engine release', () => {
  it('holds exactly the files scripts/vendor-prometheus-engine.sh copies, with its commit', () => {
    const script = fs.readFileSync(path.join(ROOT, 'scripts', 'vendor-prometheus-engine.sh'), 'utf8');
    const listed = (/FILES=\(\n([\s\S]*?)\n\)/.exec(script)?.[1] ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    expect(
      files(PROMETHEUS_ENGINE_DIR)
        .map((f) => path.relative(PROMETHEUS_ENGINE_DIR, f))
        .filter((f) => f !== 'SOURCE')
        .sort(),
    ).toEqual([...listed].sort());
    expect(readEngine('SOURCE')).toMatch(
      new RegExp(
        `^repo: https://github.com/GoogleCloudPlatform/prometheus-engine\ntag: ${PROMETHEUS_ENGINE_RELEASE}\ncommit: [0-9a-f]{40}\n$`,
      ),
    );
  });

  it("runs the scraping collectors as a DaemonSet's own pods (not on the host network) in gmp-system, labelled app.kubernetes.io/name: collector", () => {
    const template = readEngine('charts/operator/templates/collector.yaml');
    expect(template).toContain('kind: DaemonSet\n');
    expect(template).toContain('  namespace: {{.Values.namespace.system}}\n');
    expect(template).not.toContain('hostNetwork');
    expect((parseYaml(readEngine('charts/values.global.yaml')) as { namespace: { system: string } }).namespace.system).toBe(
      MANAGED_COLLECTORS.namespace,
    );
    const helpers = readEngine('charts/operator/templates/_helpers.tpl');
    expect(helpers).toContain('{{- define "prometheus-engine.collector.selectorLabels" -}}\napp.kubernetes.io/name: collector\n{{- end }}');
    expect(MANAGED_COLLECTORS.labels).toEqual({ 'app.kubernetes.io/name': 'collector' });
  });

  it('registers the schemas of PodMonitoring, ClusterPodMonitoring and Rules at v1', () => {
    for (const kind of ['PodMonitoring', 'ClusterPodMonitoring', 'Rules'])
      expect(hasSchema('monitoring.googleapis.com/v1', kind)).toBe(true);
  });
});

describe("Istio's metrics endpoints (vendor/istio/1.30.3)", () => {
  it("points an injected pod's prometheus.io annotations at the sidecar's merged endpoint, leaves that port out of the capture, and labels the pod", () => {
    const [injected] = parseAllDocuments(readIstio('pkg/kube/inject/testdata/inject/hello.yaml.injected')).map(
      (d) => d.toJS() as unknown,
    ) as {
      spec: { template: { metadata: { annotations: Record<string, string>; labels: Record<string, string> } } };
    }[];
    const { annotations, labels } = injected.spec.template.metadata;
    expect(annotations).toMatchObject({
      'prometheus.io/port': String(SIDECAR_METRICS.port),
      'prometheus.io/path': SIDECAR_METRICS.path,
      'prometheus.io/scrape': 'true',
    });
    expect(labels).toMatchObject(INJECTED_POD_LABEL);
    // istio-validation's `-d`: inbound ports the redirection leaves alone, so a plain-HTTP scrape reaches pilot-agent under STRICT mTLS.
    expect(readIstio('pkg/kube/inject/testdata/inject/hello.yaml.injected')).toContain(
      `        - -d\n        - 15090,15021,${SIDECAR_METRICS.port}\n`,
    );
  });

  it("annotates the gateway chart's pods for the same endpoint", () => {
    const values = readIstio('manifests/charts/gateway/values.yaml');
    expect(values).toContain(`    prometheus.io/port: "${SIDECAR_METRICS.port}"\n`);
    expect(values).toContain(`    prometheus.io/path: "${SIDECAR_METRICS.path}"\n`);
  });

  it("serves istiod's metrics on 15014, the container port named http-monitoring", () => {
    const deployment = readIstio('manifests/charts/istio-control/istio-discovery/templates/deployment.yaml');
    expect(deployment).toContain(`          - --monitoringAddr=:${ISTIOD_METRICS.port}\n`);
    expect(deployment).toMatch(
      new RegExp(`- containerPort: ${ISTIOD_METRICS.port}\\n\\s+protocol: TCP\\n\\s+name: ${ISTIOD_METRICS.portName}\\n`),
    );
    expect(deployment).toContain(`        prometheus.io/port: "${ISTIOD_METRICS.port}"\n`);
    // No prometheus.io/path: Prometheus' default, /metrics.
    expect(deployment).not.toContain('prometheus.io/path');
    expect(ISTIOD_METRICS.path).toBe('/metrics');
  });

  it('keeps the proxies’ Prometheus stats on in the istiod chart’s defaults (Istio’s request metrics)', () => {
    const values = parseYaml(readIstio('manifests/charts/istio-control/istio-discovery/values.yaml')) as {
      _internal_defaults_do_not_set: { telemetry: { enabled: boolean; v2: { enabled: boolean; prometheus: { enabled: boolean } } } };
    };
    expect(values._internal_defaults_do_not_set.telemetry).toMatchObject({
      enabled: true,
      v2: { enabled: true, prometheus: { enabled: true } },
    });
  });
});

describe('every app namespace, as synthesized', () => {
  const dev = synthesize(environment('dev'), catalogue, repoReleases('dev'));
  const shared = dev.files[0].objects;
  const find = (kind: string, name: string) => shared.find((o) => o.kind === kind && o.metadata.name === name) as ManifestObject;

  it("has a PodMonitoring of its sidecars' merged metrics, every minute, labelled with the workload", () => {
    expect(find('PodMonitoring', 'istio-proxies')).toEqual({
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: {
        name: 'istio-proxies',
        namespace: 'bookinfo',
        labels: { 'app.kubernetes.io/part-of': 'bookinfo', 'app.kubernetes.io/managed-by': 'platform-cdk8s' },
      },
      spec: {
        selector: { matchLabels: { 'security.istio.io/tlsMode': 'istio' } },
        endpoints: [{ port: 15020, path: '/stats/prometheus', interval: '60s' }],
        targetLabels: { fromPod: [{ from: 'app' }, { from: 'version' }] },
      },
    });
  });

  it('is valid against the vendored PodMonitoring CRD: its schema and every one of its rules, none left unchecked', () => {
    const podMonitoring = find('PodMonitoring', 'istio-proxies');
    expect(validateObject(podMonitoring, 'x')).toEqual([]);
    expect(apiServerValidation(podMonitoring)).toEqual({ fieldErrors: [], celErrors: [], notChecked: [], covered: true });
    expect(dev.notChecked).toEqual([]);
  });

  it('lets the managed collectors scrape the sidecars, and the proxies export spans to the collector', () => {
    expect(find('NetworkPolicy', 'allow-metrics-scrape').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 15020 }],
        },
      ],
    });
    expect(find('NetworkPolicy', 'allow-trace-export').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
              podSelector: { matchLabels: { app: 'otel-collector' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: 4317 }],
        },
      ],
    });
  });
});

describe('istiodPodMonitoring and gatewayPodMonitoring', () => {
  it("scrape istiod's monitoring port in the control-plane namespace", () => {
    expect(istiodPodMonitoring({ controlPlaneNamespace: 'istio-system' })).toEqual({
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'PodMonitoring',
      metadata: {
        name: 'istiod',
        namespace: 'istio-system',
        labels: { 'app.kubernetes.io/managed-by': 'platform-cdk8s', 'app.kubernetes.io/component': 'monitoring' },
      },
      spec: { selector: { matchLabels: { app: 'istiod' } }, endpoints: [{ port: 15014, path: '/metrics', interval: '60s' }] },
    });
  });

  it("scrape the gateway's proxies, selected by the chart's istio label", () => {
    expect(gatewayPodMonitoring({ gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress' })).toMatchObject({
      metadata: { name: 'istio-ingress', namespace: 'istio-ingress' },
      spec: { selector: { matchLabels: { istio: 'ingress' } }, endpoints: [{ port: 15020, path: '/stats/prometheus' }] },
    });
  });
});

describe('monitoringRules', () => {
  const props = { namespace: 'bookinfo', name: 'slo-reviews', labels: { team: 'team-reviews' } };

  it('emits a Rules object valid against its CRD', () => {
    const rules = monitoringRules({
      ...props,
      groups: [
        {
          name: 'reviews-availability',
          interval: '30s',
          rules: [
            { record: 'reviews:requests:rate5m', expr: 'sum(rate(istio_requests_total{destination_app="reviews"}[5m]))' },
            { alert: 'ReviewsErrorBudgetBurn', expr: 'vector(1) > 0', for: '2m', labels: { severity: 'page' } },
          ],
        },
      ],
    });
    expect(rules).toMatchObject({
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'Rules',
      metadata: { namespace: 'bookinfo', name: 'slo-reviews' },
    });
  });

  it('refuses a rule that both records and alerts, as the CRD rule does', () => {
    const error = thrown(() =>
      monitoringRules({ ...props, groups: [{ name: 'g', rules: [{ record: 'a:b', alert: 'Both', expr: 'vector(1)' }] }] }),
    );
    expect(error.problems.map((p) => `${p.field}: ${p.problem}`)).toEqual([
      'Rules/slo-reviews spec.groups[0].rules[0]: Invalid value: Must set exactly one of Record or Alert (the API server would reject it: x-kubernetes-validations (rules.monitoring.googleapis.com v1 spec.groups[*].rules[*]): (has(self.record) ? 1 : 0) + (has(self.alert) ? 1 : 0) == 1)',
    ]);
  });
});

describe('a ClusterPodMonitoring', () => {
  it('is cluster-scoped: a namespace on it is refused as the API server refuses it', () => {
    const clusterPodMonitoring: ManifestObject = {
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'ClusterPodMonitoring',
      metadata: { name: 'all-proxies', namespace: 'bookinfo' },
      spec: { selector: { matchLabels: INJECTED_POD_LABEL }, endpoints: [{ port: 15020, interval: '60s' }] },
    };
    expect(apiServerValidation(clusterPodMonitoring).fieldErrors.map((e) => `${e.field}: ${e.type}`)).toEqual([
      'metadata.namespace: Forbidden',
    ]);
    const { namespace: _namespace, ...metadata } = clusterPodMonitoring.metadata;
    expect(apiServerValidation({ ...clusterPodMonitoring, metadata })).toMatchObject({ fieldErrors: [], celErrors: [] });
  });
});
