/**
 * Metrics with Google Cloud Managed Service for Prometheus: GKE's managed collection (on for
 * every cluster, infra/cluster.ts) scrapes what PodMonitoring objects select and keeps the series
 * in Cloud Monitoring. Every mesh namespace gets one for its sidecars' merged metrics endpoint,
 * and the NetworkPolicy that lets the managed collectors reach it; istiod gets one in the
 * control-plane namespace. `monitoringRules` is the typed way to emit recording and alerting rules.
 *
 * The facts (ports, paths, labels, the collectors' namespace) are checked against the vendored
 * Istio and prometheus-engine files in monitoring.test.ts.
 */
import { App, Chart } from 'cdk8s';
import { IntOrString, KubeNetworkPolicy } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  PodMonitoring,
  PodMonitoringSpecEndpointsPort,
  Rules,
  type PodMonitoringSpecEndpoints,
  type RulesSpecGroups,
} from '../../imports/monitoring.googleapis.com';
import { MANAGED_BY } from '../labels';
import { gatewayIdentity } from '../mesh/decisions';
import type { ManifestObject } from '../schema';
import { validated } from './validated';

export type { RulesSpecGroups };

/**
 * Where each sidecar serves its merged metrics (Envoy's and the app's own, when the app's pod
 * declares `prometheus.io/*`): pilot-agent's status port. The injector points the pod's
 * `prometheus.io/port` and `path` annotations here (pkg/kube/inject/webhook.go applyPrometheusMerge)
 * and leaves the port out of the inbound capture, so a plain-HTTP scrape reaches it under STRICT mTLS.
 */
export const SIDECAR_METRICS = { port: 15020, path: '/stats/prometheus' } as const;
/** istiod's monitoring port (`--monitoringAddr=:15014`, container port `http-monitoring`) and Prometheus' default path. */
export const ISTIOD_METRICS = { port: 15014, portName: 'http-monitoring', path: '/metrics' } as const;
/** The pods of the managed collection that scrape: the collector DaemonSet in GKE's system namespace. */
export const MANAGED_COLLECTORS = { namespace: 'gmp-system', labels: { 'app.kubernetes.io/name': 'collector' } } as const;
/** The label the injector puts on every pod it adds a sidecar to; the sidecar PodMonitoring selects it. */
export const INJECTED_POD_LABEL = { 'security.istio.io/tlsMode': 'istio' } as const;
/**
 * One sample a minute per series: managed collection's default, and what Cloud Monitoring bills
 * by. The burn-rate windows (5 minutes and up) need no finer resolution.
 */
export const SCRAPE_INTERVAL = '60s';

/** Names of the objects. */
export const SIDECAR_POD_MONITORING = 'istio-proxies';
export const ISTIOD_POD_MONITORING = 'istiod';
export const METRICS_SCRAPE_POLICY = 'allow-metrics-scrape';

const endpoint = (port: number, path: string): PodMonitoringSpecEndpoints => ({
  port: PodMonitoringSpecEndpointsPort.fromNumber(port),
  path,
  interval: SCRAPE_INTERVAL,
});

export interface SidecarMetricsProps {
  readonly labels: Record<string, string>;
}

/** In a mesh namespace: the PodMonitoring of its sidecars and the NetworkPolicy that lets the managed collectors scrape them. */
export class SidecarMetrics extends Construct {
  public readonly podMonitoring: PodMonitoring;

  constructor(scope: Construct, id: string, props: SidecarMetricsProps) {
    super(scope, id);
    this.podMonitoring = new PodMonitoring(this, 'PodMonitoring', {
      metadata: { name: SIDECAR_POD_MONITORING, labels: props.labels },
      spec: {
        selector: { matchLabels: { ...INJECTED_POD_LABEL } },
        endpoints: [endpoint(SIDECAR_METRICS.port, SIDECAR_METRICS.path)],
        // The series carry the workload, as Istio's own dashboards key on it.
        targetLabels: { fromPod: [{ from: 'app' }, { from: 'version' }] },
      },
    });
    // The namespace's default-deny would drop the scrape: the collectors run in their own pods.
    new KubeNetworkPolicy(this, 'ScrapeAccess', {
      metadata: { name: METRICS_SCRAPE_POLICY, labels: props.labels },
      spec: {
        // Every pod of the namespace: each has a sidecar (the injector's label is not in the manifests to select).
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': MANAGED_COLLECTORS.namespace } },
                podSelector: { matchLabels: { ...MANAGED_COLLECTORS.labels } },
              },
            ],
            ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(SIDECAR_METRICS.port) }],
          },
        ],
      },
    });
  }
}

const PLATFORM_LABELS = { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'monitoring' };

function single(chart: Chart, what: string): ManifestObject {
  const [obj] = validated(chart.toJson() as ManifestObject[], what);
  return obj;
}

/** The PodMonitoring of istiod, in the control-plane namespace (istiod's pods are labelled `app: istiod`). */
export function istiodPodMonitoring(env: { readonly controlPlaneNamespace: string }): ManifestObject {
  const chart = new Chart(new App(), 'platform', { namespace: env.controlPlaneNamespace, disableResourceNameHashes: true });
  new PodMonitoring(chart, 'Istiod', {
    metadata: { name: ISTIOD_POD_MONITORING, labels: PLATFORM_LABELS },
    spec: { selector: { matchLabels: { app: 'istiod' } }, endpoints: [endpoint(ISTIOD_METRICS.port, ISTIOD_METRICS.path)] },
  });
  return single(chart, "istiod's PodMonitoring");
}

/**
 * The PodMonitoring of the ingress gateway's proxies, in its namespace: the chart annotates its
 * pods for the same merged endpoint (`prometheus.io/port: 15020`, `/stats/prometheus`).
 */
export function gatewayPodMonitoring(env: { readonly gatewayNamespace: string; readonly gatewayName: string }): ManifestObject {
  const chart = new Chart(new App(), 'platform', { namespace: env.gatewayNamespace, disableResourceNameHashes: true });
  new PodMonitoring(chart, 'Gateway', {
    metadata: { name: env.gatewayName, labels: PLATFORM_LABELS },
    spec: {
      selector: { matchLabels: gatewayIdentity(env).selector },
      endpoints: [endpoint(SIDECAR_METRICS.port, SIDECAR_METRICS.path)],
    },
  });
  return single(chart, "the ingress gateway's PodMonitoring");
}

export interface MonitoringRulesProps {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Rule groups as Prometheus writes them: recording (`record`) and alerting (`alert`, `for`) rules. */
  readonly groups: readonly RulesSpecGroups[];
}

/**
 * A `Rules` object (namespace-scoped recording and alerting rules, evaluated by the managed rule
 * evaluator over that namespace's series), validated against its CRD schema and rules.
 */
export function monitoringRules(props: MonitoringRulesProps): ManifestObject {
  const chart = new Chart(new App(), 'rules', { namespace: props.namespace, disableResourceNameHashes: true });
  new Rules(chart, 'Rules', { metadata: { name: props.name, labels: props.labels }, spec: { groups: [...props.groups] } });
  return single(chart, `Rules ${props.namespace}/${props.name}`);
}
