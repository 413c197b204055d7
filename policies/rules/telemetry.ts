/**
 * OB03: the mesh's trace sampling in production stays within bounds. Tracing every request of a
 * production mesh costs (Cloud Trace bills per span ingested; each proxy adds latency and
 * memory per span) without telling more than a sample does; the environment's setting is
 * `platform:traceSamplingPercent` (charts/observability/telemetry.ts), and any Telemetry an app
 * adds is held to the same bound.
 */
import { items, obj, specOf } from '../objects';
import type { ManifestRule } from '../types';
import { finding, manifestRule } from './define';

/** The most a prod Telemetry may sample, in percent. */
export const PROD_MAX_TRACE_SAMPLING_PERCENT = 10;

const TELEMETRY = 'telemetry.istio.io';

const traceSampling = manifestRule(
  {
    id: 'OB03-trace-sampling',
    description: `In prod, no Telemetry samples more than ${PROD_MAX_TRACE_SAMPLING_PERCENT}% of requests for tracing (tracing[].randomSamplingPercentage)`,
    why: "every sampled request makes a span at each proxy it crosses: at production volume a high rate multiplies Cloud Trace's ingestion cost and the proxies' memory and latency, and a sample already shows where time goes",
    fix: `set platform:traceSamplingPercent (the mesh-wide Telemetry) or the Telemetry's tracing[].randomSamplingPercentage to ${PROD_MAX_TRACE_SAMPLING_PERCENT} or less (docs/observability.md)`,
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['OB03'],
  },
  (ctx, index) =>
    ctx.profile !== 'prod'
      ? []
      : index.ofKind('Telemetry', TELEMETRY).flatMap((t) =>
          items(specOf(t).tracing).flatMap((tracing, i) => {
            const value = obj(tracing).randomSamplingPercentage;
            if (value === undefined) return [];
            if (typeof value !== 'number')
              return [finding(t, `tracing[${i}].randomSamplingPercentage is ${JSON.stringify(value)}, not a number`)];
            return value > PROD_MAX_TRACE_SAMPLING_PERCENT
              ? [finding(t, `tracing[${i}].randomSamplingPercentage is ${value}, above ${PROD_MAX_TRACE_SAMPLING_PERCENT} in prod`)]
              : [];
          }),
        ),
);

export const telemetryRules: readonly ManifestRule[] = [traceSampling];
