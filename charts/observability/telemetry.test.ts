import { thrown } from '../../test/fixtures/thrown';
import { apiServerValidation } from '../apiserver';
import { validateObject } from '../schema';
import { ACCESS_LOG_PROVIDER, accessLogLabels, meshExtensionProviders, meshTelemetry, TRACING_PROVIDER } from './telemetry';

const ENV = { controlPlaneNamespace: 'istio-system', gcpProject: 'my-project', traceSamplingPercent: 100 };

describe('meshTelemetry', () => {
  it.each([
    ['dev', 100],
    ['staging', 10],
    ['prod', 1],
  ])("turns both providers on mesh-wide, tracing %s's default %p%", (_profile, traceSamplingPercent) => {
    expect(meshTelemetry({ ...ENV, traceSamplingPercent })).toEqual({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: {
        name: 'mesh-default',
        namespace: 'istio-system',
        labels: { 'app.kubernetes.io/managed-by': 'platform-cdk8s', 'app.kubernetes.io/component': 'telemetry' },
      },
      spec: {
        accessLogging: [{ providers: [{ name: 'json-stdout' }] }],
        tracing: [{ providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: traceSamplingPercent }],
      },
    });
  });

  it("lives in the control-plane namespace, Istio's root namespace, whatever it is called", () => {
    expect(meshTelemetry({ ...ENV, controlPlaneNamespace: 'mesh-system' }).metadata.namespace).toBe('mesh-system');
  });

  it('is valid against the Telemetry CRD schema and its rules', () => {
    const telemetry = meshTelemetry(ENV);
    expect(validateObject(telemetry, 'x')).toEqual([]);
    expect(apiServerValidation(telemetry)).toMatchObject({ fieldErrors: [], celErrors: [], notChecked: [], covered: true });
  });

  it('refuses a sampling percentage outside 0-100, naming the setting', () => {
    expect(thrown(() => meshTelemetry({ ...ENV, traceSamplingPercent: 150 })).message).toBe(
      '1 problem found:\n  - meshTelemetry: traceSamplingPercent 150 must be a percentage from 0 to 100. Fix: set platform:traceSamplingPercent to e.g. 1',
    );
  });
});

describe('meshExtensionProviders', () => {
  it('declares the OTLP gRPC tracer at the collector and the JSON access log on stdout, under the names the Telemetry uses', () => {
    expect(meshExtensionProviders({ gcpProject: 'my-project' })).toEqual([
      { name: TRACING_PROVIDER, opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } },
      { name: ACCESS_LOG_PROVIDER, envoyFileAccessLog: { path: '/dev/stdout', logFormat: { labels: accessLogLabels('my-project') } } },
    ]);
  });
});

describe('accessLogLabels', () => {
  const labels = accessLogLabels('my-project');

  it("links each line to its trace in the environment's Cloud Trace, and keeps the bare trace id", () => {
    expect(labels['logging.googleapis.com/trace']).toBe('projects/my-project/traces/%TRACE_ID%');
    expect(labels.trace_id).toBe('%TRACE_ID%');
  });

  it("keeps every field of Istio's default JSON format (pilot/pkg/model/telemetry_logging.go EnvoyJSONLogFormatIstio, 1.30.3)", () => {
    // Istio's own format, which a provider with labels replaces: the request, its outcome and the peers.
    expect(labels).toMatchObject({
      start_time: '%START_TIME%',
      route_name: '%ROUTE_NAME%',
      method: '%REQ(:METHOD)%',
      path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
      protocol: '%PROTOCOL%',
      response_code: '%RESPONSE_CODE%',
      response_flags: '%RESPONSE_FLAGS%',
      response_code_details: '%RESPONSE_CODE_DETAILS%',
      connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
      bytes_received: '%BYTES_RECEIVED%',
      bytes_sent: '%BYTES_SENT%',
      duration: '%DURATION%',
      upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
      x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
      user_agent: '%REQ(USER-AGENT)%',
      request_id: '%REQ(X-REQUEST-ID)%',
      authority: '%REQ(:AUTHORITY)%',
      upstream_host: '%UPSTREAM_HOST%',
      upstream_cluster: '%UPSTREAM_CLUSTER_RAW%',
      upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
      downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
      downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
      requested_server_name: '%REQUESTED_SERVER_NAME%',
      upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
    });
    expect(Object.keys(labels)).toHaveLength(26);
  });
});
