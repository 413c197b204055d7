/**
 * Where the CRDs we hold outside imports/ are read from: the vendored Gateway API release
 * (scripts/vendor-gateway-api.sh), and the SecretProviderClass CRD of the Secrets Store CSI
 * driver (GKE's Secret Manager add-on serves it; extracted by scripts/extract-uses-facts.js).
 * charts/schema.ts reads their OpenAPI schemas and charts/apiserver/cel their rules, both on
 * first use.
 */
import * as path from 'node:path';
import secretProviderClass from '../../vendor/secrets-store-csi-driver/v1.6.0/secretproviderclass.json';

export const GATEWAY_API_CRDS = path.resolve(__dirname, '..', '..', 'vendor', 'gateway-api', 'v1.6.1');

/** The Managed Service for Prometheus CRDs (scripts/vendor-prometheus-engine.sh): the `Rules` of the SLOs. */
export const PROMETHEUS_ENGINE_CRDS = path.resolve(
  __dirname,
  '..',
  '..',
  'vendor',
  'prometheus-engine',
  'v0.17.2',
  'charts',
  'operator',
  'crds',
);

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
