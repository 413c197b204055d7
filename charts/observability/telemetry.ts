/**
 * Istio's Telemetry API, declared once for the mesh: the two extension providers istiod's
 * MeshConfig defines (infra/istio.ts merges `meshExtensionProviders` into the istiod values) and
 * the mesh-wide `Telemetry` in the root namespace that turns them on, with the environment's
 * trace sampling. docs/observability.md has the why; infra/telemetry.upstream.test.ts checks
 * every MeshConfig field name against Istio's MeshConfig at the pinned release.
 *
 * Pure: the same environment gives the same validated objects; the Pulumi program applies them
 * (infra/observability.ts), and the policy runs check them (policies/platform.ts).
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Telemetry } from '../../imports/telemetry.istio.io';
import { assertNoProblems } from '../../core/problems';
import { MANAGED_BY } from '../labels';
import type { ManifestObject } from '../schema';
import { OTEL_COLLECTOR } from './collector-names';
import { validated } from './validated';

/** Name of the OpenTelemetry tracing provider in `meshConfig.extensionProviders`. */
export const TRACING_PROVIDER = 'otel-tracing';
/** Name of the JSON access-log provider (Envoy's file access log on the proxy's stdout). */
export const ACCESS_LOG_PROVIDER = 'json-stdout';
/** The mesh-wide Telemetry: in the root namespace, without a selector, it applies to every proxy. */
export const MESH_TELEMETRY_NAME = 'mesh-default';

/** What the Telemetry objects need of the environment. */
export interface TelemetryEnvironment {
  /** istiod's namespace, which the charts make the mesh's root namespace (`global.istioNamespace`). */
  readonly controlPlaneNamespace: string;
  /** The project whose Cloud Trace the traces go to: the access log's trace link names it. */
  readonly gcpProject: string;
  /** `platform:traceSamplingPercent`: the share of requests traced, 0 to 100. */
  readonly traceSamplingPercent: number;
}

/**
 * The access log's fields: Istio's own JSON format (pilot/pkg/model/telemetry_logging.go
 * `EnvoyJSONLogFormatIstio` at 1.30.3, which a provider with `labels` replaces), plus the trace.
 * Cloud Logging's agent on GKE reads `logging.googleapis.com/trace` from a JSON log line into the
 * entry's `trace` (`projects/<project>/traces/<id>`), which links the line to the trace in Cloud
 * Trace; `trace_id` keeps the bare id for queries. `%TRACE_ID%` is Envoy's command operator for
 * the active span's trace id (empty when the request is not traced).
 * @see https://cloud.google.com/logging/docs/structured-logging#special-payload-fields
 */
export function accessLogLabels(gcpProject: string): Record<string, string> {
  return {
    authority: '%REQ(:AUTHORITY)%',
    bytes_received: '%BYTES_RECEIVED%',
    bytes_sent: '%BYTES_SENT%',
    connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
    downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
    downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
    duration: '%DURATION%',
    'logging.googleapis.com/trace': `projects/${gcpProject}/traces/%TRACE_ID%`,
    method: '%REQ(:METHOD)%',
    path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
    protocol: '%PROTOCOL%',
    request_id: '%REQ(X-REQUEST-ID)%',
    requested_server_name: '%REQUESTED_SERVER_NAME%',
    response_code: '%RESPONSE_CODE%',
    response_code_details: '%RESPONSE_CODE_DETAILS%',
    response_flags: '%RESPONSE_FLAGS%',
    route_name: '%ROUTE_NAME%',
    start_time: '%START_TIME%',
    trace_id: '%TRACE_ID%',
    upstream_cluster: '%UPSTREAM_CLUSTER_RAW%',
    upstream_host: '%UPSTREAM_HOST%',
    upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
    upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
    upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
    user_agent: '%REQ(USER-AGENT)%',
    x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  };
}

/** `meshConfig.extensionProviders`: traces over OTLP gRPC to the collector, access logs as JSON on stdout. */
export function meshExtensionProviders(env: Pick<TelemetryEnvironment, 'gcpProject'>): Record<string, unknown>[] {
  return [
    {
      name: TRACING_PROVIDER,
      // The collector's Service; istiod resolves it to the cluster outbound|4317||<host>.
      opentelemetry: { service: OTEL_COLLECTOR.host, port: OTEL_COLLECTOR.otlpGrpcPort },
    },
    {
      name: ACCESS_LOG_PROVIDER,
      // GKE's logging agent collects every container's stdout, the proxies' included.
      envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: accessLogLabels(env.gcpProject) } },
    },
  ];
}

/** Problems of the sampling percentage (config-schema reads it as 0-100 already; a direct caller may not). */
function samplingProblems(percent: number): void {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100)
    assertNoProblems([
      {
        where: 'meshTelemetry',
        field: 'traceSamplingPercent',
        value: percent,
        problem: 'must be a percentage from 0 to 100',
        fix: 'set platform:traceSamplingPercent to e.g. 1',
      },
    ]);
}

const LABELS = { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'telemetry' };

export interface MeshTelemetryProps {
  readonly env: TelemetryEnvironment;
}

/** The mesh-wide Telemetry: every proxy logs each request through the JSON provider and traces a sample. */
export class MeshTelemetry extends Construct {
  public readonly telemetry: Telemetry;

  constructor(scope: Construct, id: string, props: MeshTelemetryProps) {
    super(scope, id);
    samplingProblems(props.env.traceSamplingPercent);
    this.telemetry = new Telemetry(this, 'Resource', {
      metadata: { name: MESH_TELEMETRY_NAME, labels: LABELS },
      spec: {
        accessLogging: [{ providers: [{ name: ACCESS_LOG_PROVIDER }] }],
        tracing: [{ providers: [{ name: TRACING_PROVIDER }], randomSamplingPercentage: props.env.traceSamplingPercent }],
      },
    });
  }
}

/**
 * The collector's own proxies report no spans: every export reaching them would otherwise start
 * a trace of its own, exported through the same collector, a loop that never ends at 100%.
 * Their access logs stay.
 */
export class CollectorTelemetry extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Telemetry(this, 'Resource', {
      metadata: { name: OTEL_COLLECTOR.name, labels: LABELS },
      spec: { tracing: [{ disableSpanReporting: true }] },
    });
  }
}

/** The mesh-wide Telemetry as a manifest object, validated against the Telemetry CRD schema. */
export function meshTelemetry(env: TelemetryEnvironment): ManifestObject {
  const chart = new Chart(new App(), 'platform', { namespace: env.controlPlaneNamespace, disableResourceNameHashes: true });
  new MeshTelemetry(chart, 'Telemetry', { env });
  const [telemetry] = validated(chart.toJson() as ManifestObject[], 'the mesh-wide Telemetry');
  return telemetry;
}
