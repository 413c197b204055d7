import { defineService } from '../define';

/**
 * Three versions, as upstream: v1 shows no stars, v2 black stars, v3 red stars.
 * Most traffic stays on v1; user "jason" always sees v2 (the header route), as in
 * Istio's request-routing task.
 */
export default defineService({
  name: 'reviews',
  description: 'BookInfo book reviews; v2 and v3 add star ratings',
  owner: 'team-reviews',
  port: 9080,
  serviceAccountName: 'bookinfo-reviews',
  versions: [
    { name: 'v1', weight: 80 },
    { name: 'v2', weight: 10, headerMatch: { header: 'end-user', exact: 'jason' } },
    { name: 'v3', weight: 10 },
  ],
  // A WebSphere Liberty JVM: more memory, and time to start.
  resources: { tier: 'medium', limits: { memory: '1Gi' } },
  probes: { readiness: { http: '/health' }, startupSeconds: 180 },
  env: { LOG_DIR: '/tmp/logs' },
  writablePaths: ['/opt/ibm/wlp/output'],
  dependencies: ['ratings'],
  traffic: {
    timeout: '3s',
    retries: { attempts: 2, perTryTimeout: '1s' },
    circuitBreaker: { consecutive5xxErrors: 3, baseEjectionTime: '60s' },
  },
});
