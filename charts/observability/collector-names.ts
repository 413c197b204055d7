/**
 * The OpenTelemetry collector's names, shared by what refers to it: the mesh's tracing provider
 * (telemetry.ts), the apps' Sidecar egress and NetworkPolicy (charts/mesh), its own objects
 * (collector.ts) and the Google service account the bootstrap stack creates for it
 * (infra/collector-identity.ts). Pure, no constructs.
 */
import { workloadServiceAccountEmail, workloadServiceAccountId } from '../workload-identity';

const NAMESPACE = 'observability';
const NAME = 'otel-collector';

export const OTEL_COLLECTOR = {
  namespace: NAMESPACE,
  /** Its Deployment, Service, ServiceAccount, ConfigMap and `app` label. */
  name: NAME,
  /** The Service's host, as the mesh's tracing provider names it. */
  host: `${NAME}.${NAMESPACE}.svc.cluster.local`,
  /** OTLP over gRPC: the receiver's port, and the Service's. */
  otlpGrpcPort: 4317,
  /** The health_check extension's port (the probes'). */
  healthPort: 13133,
} as const;

/**
 * A Sidecar egress host that makes the collector's Service visible to a proxy: Istio gives a
 * sidecar only the clusters its Sidecar's egress hosts name, and the tracer exports to the
 * cluster of the provider's Service (istio/istio#53701: without it, spans are dropped).
 */
export const OTEL_COLLECTOR_SIDECAR_HOST = `${NAMESPACE}/${OTEL_COLLECTOR.host}`;

/** The pinned release of the collector's contrib distribution (vendor/opentelemetry-collector/v<version>/facts.json). */
export const OTEL_COLLECTOR_VERSION = '0.159.0';
/** The distribution's image on Docker Hub (its `.goreleaser.yaml` docker manifest), fully qualified. */
export const OTEL_COLLECTOR_REPOSITORY = 'docker.io/otel/opentelemetry-collector-contrib';

/** The image at the pinned version, and at its digest when the environment has one (`platform:otelCollectorDigest`). */
export function otelCollectorImage(digest?: string): string {
  return `${OTEL_COLLECTOR_REPOSITORY}:${OTEL_COLLECTOR_VERSION}${digest === undefined ? '' : `@${digest}`}`;
}

/** The collector's Google service account id in a stack: `otel-collector-<stack>` (shortened as every workload's is). */
export function otelCollectorServiceAccountId(stack: string): string {
  return workloadServiceAccountId(NAME, stack);
}

export function otelCollectorServiceAccountEmail(stack: string, project: string): string {
  return workloadServiceAccountEmail(NAME, stack, project);
}
