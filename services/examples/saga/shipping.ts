import { defineService } from '../../define';

/** Schedules the shipment of paid orders and keeps their shipping labels in a bucket of its own. */
export default defineService({
  name: 'shipping',
  description: 'Saga example: schedules the shipment of paid orders and stores their labels',
  owner: 'team-logistics',
  port: 8080,
  versions: [{ name: 'v1' }],
  probes: { readiness: { http: '/ready' } },
  uses: {
    publishes: ['shipment-scheduled', 'shipping-failed'],
    consumes: [{ event: 'payment-authorized' }],
    buckets: [{ name: 'labels' }],
  },
});
