import { defineService } from '../define';
import { addressOf } from './address';
import frontend from './frontend';

/**
 * A worker without a port: Locust sending shoppers' requests to the frontend. No Service, no
 * probes, never public; its only egress is the frontend. Upstream: the same image and variables
 * (FRONTEND_ADDR is `frontend:80`, the frontend's Service port). Upstream's `frontend-check` init
 * container (busybox waiting for the frontend to answer before Locust starts) is left out: the spec
 * has no init containers, so Locust starts at once and its first requests may fail until the
 * frontend is ready.
 */
export default defineService({
  name: 'loadgenerator',
  description: 'Online Boutique load generator: simulated shoppers calling the frontend (Locust)',
  owner: 'team-boutique',
  versions: [{ name: 'v1' }],
  // Upstream requests 300m/256Mi and allows 500m/512Mi; the medium tier covers the memory.
  resources: { tier: 'medium' },
  env: { FRONTEND_ADDR: addressOf(frontend), USERS: '10', RATE: '1' },
  dependencies: [frontend.spec.name],
  // Upstream's grace period: Locust has nothing to drain.
  terminationGracePeriodSeconds: 5,
});
