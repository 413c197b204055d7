// GIVEN the platform's mesh-wide Telemetry (charts/observability/telemetry.ts, validated against its
// CRD) at a sampling percentage, WHEN the policy runs for a profile, THEN OB03 reports exactly the
// prod Telemetries above the bound.
import { meshTelemetry } from '../../charts/observability/telemetry';
import type { ManifestObject } from '../../charts/schema';
import type { EnvironmentProfile } from '../../core/environment';
import { evaluate } from '../engine';
import { PROD_MAX_TRACE_SAMPLING_PERCENT, telemetryRules } from './telemetry';

const telemetry = (traceSamplingPercent: number): ManifestObject =>
  meshTelemetry({ controlPlaneNamespace: 'istio-system', gcpProject: 'my-project', traceSamplingPercent });

function findings(profile: EnvironmentProfile, objects: readonly ManifestObject[]): string[] {
  const report = evaluate(
    telemetryRules,
    { manifests: { objects, profile, allowedRegistries: [] } },
    { environment: profile, exceptions: [], today: '2026-01-01' },
  );
  return report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`);
}

describe('OB03-trace-sampling', () => {
  it('rejects a prod Telemetry that samples more than the bound', () => {
    expect(findings('prod', [telemetry(25)])).toEqual([
      'OB03-trace-sampling Telemetry/istio-system/mesh-default: tracing[0].randomSamplingPercentage is 25, above 10 in prod',
    ]);
  });

  it.each([1, 0.5, PROD_MAX_TRACE_SAMPLING_PERCENT])('accepts a prod Telemetry sampling %p%', (percent) => {
    expect(findings('prod', [telemetry(percent)])).toEqual([]);
  });

  it.each<EnvironmentProfile>(['dev', 'staging'])('leaves %s free to sample everything', (profile) => {
    expect(findings(profile, [telemetry(100)])).toEqual([]);
  });

  it('reports a sampling percentage that is not a number, and leaves one that is unset to the mesh default', () => {
    const base = telemetry(1);
    const spec = base.spec as { tracing: Record<string, unknown>[] };
    const withValue = (value: unknown): ManifestObject => ({
      ...base,
      spec: { tracing: [{ ...spec.tracing[0], randomSamplingPercentage: value }] },
    });
    expect(findings('prod', [withValue('50')])).toEqual([
      'OB03-trace-sampling Telemetry/istio-system/mesh-default: tracing[0].randomSamplingPercentage is "50", not a number',
    ]);
    expect(findings('prod', [withValue(undefined)])).toEqual([]);
  });
});
