/**
 * A saga by choreography (docs/events.md): order -> payment -> shipping, each step reacting to
 * the previous one's event, with compensation on failure: a failed payment or shipment cancels
 * the order, and a cancelled order is refunded. No service calls another: the event graph is
 * the only coupling, so `dependencies` stay empty.
 */
import { defineCatalogue } from '../../define';
import order from './order';
import payment from './payment';
import shipping from './shipping';

export const catalogue = defineCatalogue('saga', [order, payment, shipping]);
export default catalogue;
