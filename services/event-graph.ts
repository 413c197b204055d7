/**
 * The event graph of a catalogue: each event (Pub/Sub topic) with the one service that publishes
 * it and the services that consume it (a subscription each). For summaries (`npm start`), docs and
 * tests; validateCatalogue has already refused an event with two publishers or none.
 */
import type { Catalogue } from './spec';

/** One topic: who owns it, who subscribes. */
export interface EventTopic {
  readonly event: string;
  readonly publisher: string;
  /** Consuming services, sorted by name. */
  readonly consumers: readonly string[];
}

/** Every published event of a valid catalogue, sorted by name. Linear: publishers and consumers are indexed once. */
export function eventGraph(catalogue: Catalogue): EventTopic[] {
  const publisher = new Map<string, string>();
  const consumers = new Map<string, string[]>();
  for (const { spec } of catalogue.services) {
    for (const event of spec.uses?.publishes ?? []) publisher.set(event, spec.name);
    for (const { event } of spec.uses?.consumes ?? []) {
      const list = consumers.get(event);
      if (list === undefined) consumers.set(event, [spec.name]);
      else list.push(spec.name);
    }
  }
  return [...publisher.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([event, owner]) => ({ event, publisher: owner, consumers: [...(consumers.get(event) ?? [])].sort() }));
}

/** `order -> order-placed -> payment, shipping`, one line per topic. */
export function formatEventGraph(topics: readonly EventTopic[]): string[] {
  return topics.map((t) => `${t.publisher} -> ${t.event} -> ${t.consumers.length > 0 ? t.consumers.join(', ') : '(no consumer)'}`);
}
