import { defineService } from '../define';

/** Upstream: the same image, port and variables; its gRPC readiness probe (liveness: the platform's TCP check, see index.ts). */
export default defineService({
  name: 'productcatalogservice',
  description: 'Online Boutique product catalogue, from a JSON file (Go)',
  owner: 'team-boutique',
  port: 3550,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  probes: { readiness: { grpc: true } },
  env: { PORT: '3550', DISABLE_PROFILER: '1' },
});
