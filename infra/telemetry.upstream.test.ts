/**
 * Upstream contract of the mesh's telemetry settings: every MeshConfig field the istiod values
 * set (meshConfig.extensionProviders: infra/istio.ts, charts/observability/telemetry.ts) is a
 * field of Istio's MeshConfig at the pinned release (istio/api's mesh/v1alpha1/config.proto,
 * vendored by scripts/vendor-istio-api.sh at the tag istio/istio's go.mod requires), under its
 * protobuf JSON name; and the istiod chart hands `meshConfig` to istiod and makes the
 * control-plane namespace the root namespace the mesh-wide Telemetry lives in.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { meshExtensionProviders } from '../charts/observability/telemetry';
import { loadEnvironment, repoRoot } from '../core/config';
import { istioValues, negName } from './istio';

const VERSION = loadEnvironment('dev').istioVersion;
const API = path.join(repoRoot(), 'vendor', 'istio-api', VERSION);
const PROTO = fs.readFileSync(path.join(API, 'mesh', 'v1alpha1', 'config.proto'), 'utf8');
const ISTIO = path.join(repoRoot(), 'vendor', 'istio', VERSION);

/** The body of `message <name> {...}` (the first one, nested or not). */
function messageBody(name: string, text = PROTO): string {
  const start = text.search(new RegExp(`\\bmessage ${name} \\{`));
  if (start < 0) throw new Error(`config.proto has no message ${name}`);
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(text.indexOf('{', start) + 1, i);
  }
  throw new Error(`message ${name} is not closed`);
}

/** A message's own fields (oneof members included, nested messages and enums not): JSON name -> type. `within`: search there only. */
function fieldsOf(name: string, within = PROTO): Record<string, string> {
  let body = messageBody(name, within).replace(/\/\/.*$/gm, '');
  // Drop nested message and enum bodies, innermost first.
  for (let before = ''; before !== body; ) {
    before = body;
    body = body.replace(/\b(message|enum) \w+ \{[^{}]*\}/g, '');
  }
  const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return Object.fromEntries(
    [...body.matchAll(/^\s*(?:repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*\d+\s*(?:\[[^\]]*\])?;/gm)].map((m) => [camel(m[2]), m[1]]),
  );
}

describe('the vendored MeshConfig definition', () => {
  it('is istio/api at the tag of the pinned Istio release, with its commit', () => {
    expect(fs.readFileSync(path.join(API, 'SOURCE'), 'utf8')).toMatch(
      new RegExp(`^repo: https://github.com/istio/api\ntag: ${VERSION.replace(/\./g, '\\.')}\ncommit: [0-9a-f]{40}\n$`),
    );
  });
});

describe('meshConfig.extensionProviders', () => {
  const providers = meshExtensionProviders({ gcpProject: 'my-project' });

  it('is a repeated ExtensionProvider of MeshConfig', () => {
    expect(fieldsOf('MeshConfig').extensionProviders).toBe('ExtensionProvider');
  });

  it("sets each provider's name and one provider kind, both fields of ExtensionProvider", () => {
    const fields = fieldsOf('ExtensionProvider');
    expect(fields).toMatchObject({
      name: 'string',
      opentelemetry: 'OpenTelemetryTracingProvider',
      envoyFileAccessLog: 'EnvoyFileAccessLogProvider',
    });
    for (const provider of providers) expect(Object.keys(provider).filter((k) => fields[k] === undefined)).toEqual([]);
  });

  it('points the OpenTelemetry tracer at a service and port, the fields OpenTelemetryTracingProvider has', () => {
    const fields = fieldsOf('OpenTelemetryTracingProvider');
    expect(fields).toMatchObject({ service: 'string', port: 'uint32' });
    const [tracing] = providers as [{ opentelemetry: Record<string, unknown> }];
    expect(Object.keys(tracing.opentelemetry).filter((k) => fields[k] === undefined)).toEqual([]);
    expect(typeof tracing.opentelemetry.port).toBe('number');
  });

  it('writes the file access log to a path with a logFormat of labels (a Struct: JSON), the fields EnvoyFileAccessLogProvider has', () => {
    const fields = fieldsOf('EnvoyFileAccessLogProvider');
    expect(fields).toMatchObject({ path: 'string', logFormat: 'LogFormat' });
    // Its own nested LogFormat (EnvoyOpenTelemetryLogProvider has another).
    const logFormat = fieldsOf('LogFormat', messageBody('EnvoyFileAccessLogProvider'));
    expect(logFormat).toMatchObject({ text: 'string', labels: 'google.protobuf.Struct' });
    const [, accessLog] = providers as [unknown, { envoyFileAccessLog: { logFormat: Record<string, unknown> } & Record<string, unknown> }];
    expect(Object.keys(accessLog.envoyFileAccessLog).filter((k) => fields[k] === undefined)).toEqual([]);
    expect(Object.keys(accessLog.envoyFileAccessLog.logFormat)).toEqual(['labels']);
  });

  it("reaches istiod: the chart merges .Values.meshConfig into the mesh config, whose root namespace is istiod's", () => {
    const configMap = fs.readFileSync(path.join(ISTIO, 'manifests/charts/istio-control/istio-discovery/templates/configmap.yaml'), 'utf8');
    expect(configMap).toContain('{{- $mesh := mergeOverwrite $originalMesh .Values.meshConfig }}');
    expect(configMap).toContain('rootNamespace: {{ .Values.meshConfig.rootNamespace | default .Values.global.istioNamespace }}');
    const values = istioValues('istiod', {
      replicas: 1,
      controlPlaneNamespace: 'istio-system',
      gatewayName: 'istio-ingress',
      negName: negName('dev'),
      gcpProject: 'my-project',
    });
    expect(values).toMatchObject({ global: { istioNamespace: 'istio-system' }, meshConfig: { extensionProviders: providers } });
    expect(values.meshConfig).not.toHaveProperty('rootNamespace');
  });
});
