import { defineService } from '../define';

/** Upstream: the same image, port and variables; its gRPC readiness probe (liveness: the platform's TCP check, see index.ts). */
export default defineService({
  name: 'adservice',
  description: 'Online Boutique ads, by product category (Java)',
  owner: 'team-boutique',
  port: 9555,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  env: { PORT: '9555' },
  // A JVM: upstream requests 200m/180Mi and allows 300m/300Mi; the medium tier covers it.
  resources: { tier: 'medium' },
  // Upstream waits 20 s before the first probe; the startup probe allows two minutes instead.
  probes: { readiness: { grpc: true }, startupSeconds: 120 },
});
