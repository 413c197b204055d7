import { defineService } from '../define';

/** Upstream: the same image, port and variables; its gRPC readiness probe (liveness: the platform's TCP check, see index.ts). */
export default defineService({
  name: 'shippingservice',
  description: 'Online Boutique shipping quotes and mock shipments (Go)',
  owner: 'team-boutique',
  port: 50051,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  probes: { readiness: { grpc: true } },
  env: { PORT: '50051', DISABLE_PROFILER: '1' },
});
