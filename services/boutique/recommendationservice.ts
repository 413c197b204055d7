import { defineService } from '../define';
import { addressOf } from './address';
import productcatalogservice from './productcatalogservice';

/** Upstream: the same image, port and variables; its gRPC readiness probe (liveness: the platform's TCP check, see index.ts). */
export default defineService({
  name: 'recommendationservice',
  description: 'Online Boutique product recommendations (Python)',
  owner: 'team-boutique',
  port: 8080,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  probes: { readiness: { grpc: true } },
  // Upstream requests 100m/220Mi and allows 200m/450Mi; the medium tier covers it.
  resources: { tier: 'medium' },
  env: { PORT: '8080', PRODUCT_CATALOG_SERVICE_ADDR: addressOf(productcatalogservice), DISABLE_PROFILER: '1' },
  dependencies: [productcatalogservice.spec.name],
});
