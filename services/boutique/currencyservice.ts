import { defineService } from '../define';

/** Upstream: the same image, port and variables; its gRPC readiness probe (liveness: the platform's TCP check, see index.ts). */
export default defineService({
  name: 'currencyservice',
  description: 'Online Boutique currency conversion (Node.js)',
  owner: 'team-boutique',
  port: 7000,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  probes: { readiness: { grpc: true } },
  env: { PORT: '7000', DISABLE_PROFILER: '1' },
});
