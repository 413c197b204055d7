/**
 * The platform's observability objects of an environment, and the shared constructs each mesh
 * namespace gets. infra/observability.ts applies `observabilityObjects`; the policy runs check them
 * next to the apps' (policies/platform.ts).
 */
import { App, Chart } from 'cdk8s';
import type { ManifestObject } from '../schema';
import { CollectorNamespace, OtelCollector, type CollectorEnvironment } from './collector';
import { OTEL_COLLECTOR } from './collector-names';
import { gatewayPodMonitoring, istiodPodMonitoring } from './monitoring';
import { meshTelemetry, type TelemetryEnvironment } from './telemetry';
import { validated } from './validated';

export * from './collector-names';
export { collectorConfig, collectorReplicas, OtelCollector, type CollectorEnvironment } from './collector';
export {
  gatewayPodMonitoring,
  istiodPodMonitoring,
  monitoringRules,
  SidecarMetrics,
  type MonitoringRulesProps,
  type RulesSpecGroups,
} from './monitoring';
export {
  accessLogLabels,
  meshExtensionProviders,
  meshTelemetry,
  ACCESS_LOG_PROVIDER,
  MESH_TELEMETRY_NAME,
  TRACING_PROVIDER,
} from './telemetry';
export { TraceExport } from './trace-export';

/** What the platform's observability objects need of an environment (core/config-schema.ts `EnvironmentConfig` has it all). */
export interface ObservabilityEnvironment extends CollectorEnvironment, TelemetryEnvironment {
  readonly gatewayNamespace: string;
  readonly gatewayName: string;
}

/** The collector's namespace and objects, in apply order (the namespace first), validated. */
export function collectorObjects(env: CollectorEnvironment): ManifestObject[] {
  const cluster = new Chart(new App(), 'cluster', { disableResourceNameHashes: true });
  new CollectorNamespace(cluster, 'Namespace');
  const chart = new Chart(new App(), 'observability', { namespace: OTEL_COLLECTOR.namespace, disableResourceNameHashes: true });
  new OtelCollector(chart, 'Collector', { env });
  return validated([...(cluster.toJson() as ManifestObject[]), ...(chart.toJson() as ManifestObject[])], 'the OpenTelemetry collector');
}

/**
 * Everything the platform deploys for observability: the collector, the mesh-wide Telemetry and
 * the PodMonitorings of istiod and the ingress gateway.
 */
export function observabilityObjects(env: ObservabilityEnvironment): ManifestObject[] {
  return [...collectorObjects(env), meshTelemetry(env), istiodPodMonitoring(env), gatewayPodMonitoring(env)];
}
