import { defineService } from '../define';

/** Upstream: the same image, port and variables; its gRPC readiness probe (liveness: the platform's TCP check, see index.ts). */
export default defineService({
  name: 'emailservice',
  description: 'Online Boutique order confirmation emails, mocked (Python)',
  owner: 'team-boutique',
  port: 8080,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  probes: { readiness: { grpc: true } },
  // Upstream's Service listens on 5000 in front of the container's 8080 (EMAIL_SERVICE_ADDR emailservice:5000).
  servicePort: 5000,
  env: { PORT: '8080', DISABLE_PROFILER: '1' },
});
