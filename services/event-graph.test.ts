import { eventGraph, formatEventGraph } from './event-graph';
import type { Catalogue, ServiceSpec, ServiceUses } from './spec';

const svc = (name: string, uses?: ServiceUses): { spec: ServiceSpec } => ({
  spec: { name, description: 'x', owner: 'team-a', port: 8080, versions: [{ name: 'v1' }], ...(uses !== undefined && { uses }) },
});

describe('eventGraph', () => {
  it('lists each event with its publisher and its consumers, both sorted', () => {
    const catalogue: Catalogue = {
      name: 'shop',
      services: [
        svc('web'),
        svc('order', { publishes: ['order-placed', 'cart-checked-out'], consumes: [{ event: 'order-placed' }] }),
        svc('mail', { consumes: [{ event: 'order-placed' }] }),
        svc('audit', { consumes: [{ event: 'order-placed' }, { event: 'cart-checked-out' }] }),
      ],
    };
    expect(eventGraph(catalogue)).toEqual([
      { event: 'cart-checked-out', publisher: 'order', consumers: ['audit'] },
      { event: 'order-placed', publisher: 'order', consumers: ['audit', 'mail', 'order'] },
    ]);
  });

  it('keeps an event without consumers, and says so when formatted', () => {
    const topics = eventGraph({ name: 'shop', services: [svc('order', { publishes: ['order-placed'] })] });
    expect(formatEventGraph(topics)).toEqual(['order -> order-placed -> (no consumer)']);
  });

  it('is empty for a catalogue without events', () => {
    expect(eventGraph({ name: 'shop', services: [svc('web')] })).toEqual([]);
  });
});
