import * as path from 'node:path';
import { eventGraph, formatEventGraph } from '../../event-graph';
import { loadReleases, validateReleases } from '../../releases';
import { deadLetterTopicId, subscriptionId, topicId } from '../../uses';
import { catalogueWarnings, validateCatalogue, validateForEnvironment } from '../../validate';
import saga from '.';

const RELEASES = 'services/examples/saga/releases.yaml';

describe('the saga example catalogue', () => {
  it('is valid, with no warnings: every event has one publisher and at least one consumer', () => {
    expect(saga.name).toBe('saga');
    expect(saga.source).toBe('services/examples/saga/index.ts');
    expect(validateCatalogue(saga)).toEqual([]);
    expect(catalogueWarnings(saga)).toEqual([]);
  });

  it('is the choreography of docs/events.md: order -> payment -> shipping, compensated through order-cancelled', () => {
    expect(formatEventGraph(eventGraph(saga))).toEqual([
      'order -> order-cancelled -> payment',
      'order -> order-placed -> payment',
      'payment -> payment-authorized -> shipping',
      'payment -> payment-failed -> order',
      'shipping -> shipment-scheduled -> order',
      'shipping -> shipping-failed -> order',
    ]);
  });

  it('couples its services only through events: no service calls another', () => {
    expect(saga.services.map((d) => [d.spec.name, d.spec.dependencies ?? []])).toEqual([
      ['order', []],
      ['payment', []],
      ['shipping', []],
    ]);
  });

  it('declares a database for order, a secret for payment and a bucket for shipping', () => {
    expect(saga.services.map(({ spec }) => [spec.name, spec.uses?.postgres, spec.uses?.secrets, spec.uses?.buckets])).toEqual([
      ['order', { database: 'orders' }, undefined, undefined],
      ['payment', undefined, [{ name: 'provider-api-key' }], undefined],
      ['shipping', undefined, undefined, [{ name: 'labels' }]],
    ]);
  });

  it('names a topic per event and, per consumer, a subscription and a dead-letter topic (dev, namespace saga)', () => {
    const ids = eventGraph(saga).flatMap(({ event, consumers }) => [
      topicId('dev', 'saga', event),
      ...consumers.flatMap((c) => [subscriptionId('dev', 'saga', event, c), deadLetterTopicId('dev', 'saga', event, c)]),
    ]);
    expect(ids.slice(0, 3)).toEqual([
      'dev.saga.order-cancelled',
      'dev.saga.order-cancelled.payment',
      'dev.saga.order-cancelled.payment.dead-letter',
    ]);
    expect(ids).toHaveLength(6 * 3);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is valid in every environment, even in a project with the longest id (30 characters, gcloud projects create)', () => {
    const gcpProject = 'p'.repeat(30);
    for (const stack of ['dev', 'staging', 'prod'] as const) {
      const rules = {
        profile: stack,
        defaultTier: 'small' as const,
        domain: 'example.com',
        hasJwtIssuer: true,
        stackFile: `Pulumi.${stack}.yaml`,
        stack,
        gcpProject,
      };
      expect(validateForEnvironment(saga, rules)).toEqual([]);
    }
  });

  it('has every version pinned in its releases fixture', () => {
    const releases = loadReleases(path.join(__dirname, 'releases.yaml'), RELEASES);
    expect(validateReleases(releases, saga, { requireDigests: false, file: RELEASES })).toEqual([]);
  });
});
