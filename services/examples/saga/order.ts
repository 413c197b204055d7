import { defineService } from '../../define';

/**
 * Takes orders and owns their state: starts the saga (`order-placed`) and ends it, either when
 * the shipment is scheduled or by cancelling the order when payment or shipping fails, which
 * tells payment to give the money back (`order-cancelled`).
 */
export default defineService({
  name: 'order',
  description: 'Saga example: takes orders, keeps their state, cancels them when payment or shipping fails',
  owner: 'team-checkout',
  port: 8080,
  versions: [{ name: 'v1' }],
  probes: { readiness: { http: '/ready' } },
  routes: [{ path: '/api/orders', match: 'prefix' }],
  uses: {
    postgres: { database: 'orders' },
    publishes: ['order-placed', 'order-cancelled'],
    consumes: [
      { event: 'shipment-scheduled' },
      // Compensation: cancel the order; order-cancelled makes payment refund it.
      { event: 'payment-failed' },
      { event: 'shipping-failed' },
    ],
  },
});
