import { defineService } from '../define';

/** Upstream: the same image and port, its gRPC readiness probe; REDIS_ADDR comes from `uses.redis` (see index.ts on TLS and AUTH). */
export default defineService({
  name: 'cartservice',
  description: 'Online Boutique shopping cart, in Redis (C#)',
  owner: 'team-boutique',
  port: 7070,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  probes: { readiness: { grpc: true } },
  // Upstream's redis-cart Deployment is replaced by a Memorystore instance of its own; the platform
  // sets REDIS_ADDR (host:port), REDIS_AUTH and REDIS_CA_FILE (services/spec.ts RedisUse).
  uses: { redis: {} },
});
