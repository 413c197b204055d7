/**
 * Where the CRDs we hold outside imports/ are read from: the vendored Gateway API release
 * (scripts/vendor-gateway-api.sh), the SecretProviderClass CRD of the Secrets Store CSI
 * driver (GKE's Secret Manager add-on serves it; extracted by scripts/extract-uses-facts.js), and
 * the Managed Service for Prometheus CRDs (scripts/vendor-prometheus-engine.sh; GKE serves them
 * when managed collection is on, infra/cluster.ts).
 * charts/schema.ts reads their OpenAPI schemas and charts/apiserver/cel their rules, both on
 * first use.
 */
import * as path from 'node:path';
import secretProviderClass from '../../vendor/secrets-store-csi-driver/v1.6.0/secretproviderclass.json';

export const GATEWAY_API_CRDS = path.resolve(__dirname, '..', '..', 'vendor', 'gateway-api', 'v1.6.1');

/** The prometheus-engine release whose CRDs GKE's managed collection serves, as vendored. */
export const PROMETHEUS_ENGINE_RELEASE = 'v0.17.2';
export const PROMETHEUS_ENGINE_DIR = path.resolve(__dirname, '..', '..', 'vendor', 'prometheus-engine', PROMETHEUS_ENGINE_RELEASE);
export const MONITORING_CRDS = path.join(PROMETHEUS_ENGINE_DIR, 'charts', 'operator', 'crds');
/** The API group of Managed Service for Prometheus. */
export const MONITORING_GROUP = 'monitoring.googleapis.com';
/** The version this repository emits, and the kinds `npm run import:monitoring` types. */
export const MONITORING_VERSION = 'v1';
export const MONITORING_KINDS = ['PodMonitoring', 'ClusterPodMonitoring', 'Rules'] as const;

/** The Config Connector release whose CRDs the apps' `uses` are rendered against (scripts/vendor-config-connector.sh). */
export const CONFIG_CONNECTOR_RELEASE = 'v1.155.1';
export const CONFIG_CONNECTOR_DIR = path.resolve(__dirname, '..', '..', 'vendor', 'k8s-config-connector', CONFIG_CONNECTOR_RELEASE);
/** The resource CRDs (one file per kind) and the operator's own (ConfigConnector, ConfigConnectorContext). */
export const CONFIG_CONNECTOR_CRDS = path.join(CONFIG_CONNECTOR_DIR, 'config', 'crds', 'resources');
export const CONFIG_CONNECTOR_OPERATOR_CRDS = path.join(CONFIG_CONNECTOR_DIR, 'operator', 'config', 'crd', 'bases');

/** The API group of the Secrets Store CSI driver's CRDs. */
export const SECRETS_STORE_GROUP = 'secrets-store.csi.x-k8s.io';

/**
 * The SecretProviderClass CRD (served version v1, descriptions dropped), as extracted from
 * kubernetes-sigs/secrets-store-csi-driver at `SECRET_PROVIDER_CLASS_CRD_SOURCE.commit`.
 */
export const SECRET_PROVIDER_CLASS_CRD: unknown = secretProviderClass.crd;
export const SECRET_PROVIDER_CLASS_CRD_SOURCE = {
  repository: secretProviderClass.repository,
  tag: secretProviderClass.tag,
  commit: secretProviderClass.commit,
  path: secretProviderClass.path,
} as const;
