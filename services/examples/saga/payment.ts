import { defineService } from '../../define';

/**
 * Charges orders through an external payment provider (its API key is a Secret Manager secret)
 * and refunds cancelled ones: the compensating step of the saga.
 */
export default defineService({
  name: 'payment',
  description: 'Saga example: authorizes the payment of placed orders and refunds cancelled ones',
  owner: 'team-payments',
  port: 8080,
  versions: [{ name: 'v1' }],
  probes: { readiness: { http: '/ready' } },
  uses: {
    publishes: ['payment-authorized', 'payment-failed'],
    consumes: [
      // The provider may take a while to answer: a longer ack deadline, more attempts.
      { event: 'order-placed', ackDeadlineSeconds: 60, maxDeliveryAttempts: 10 },
      // A refund must not be lost: retry longer before the message goes to the dead-letter topic.
      { event: 'order-cancelled', maxDeliveryAttempts: 20, minimumBackoff: '30s' },
    ],
    secrets: [{ name: 'provider-api-key' }],
  },
});
