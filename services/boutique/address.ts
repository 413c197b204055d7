import { servicePortFor } from '../defaults';
import type { ServiceDefinition } from '../spec';

/**
 * The `<service>:<port>` address Online Boutique's `*_ADDR` variables take, from the callee's own
 * spec: its name (the Service's name in the namespace) and the port its Service listens on, so an
 * address can never drift from the Service the platform creates.
 */
export function addressOf(def: ServiceDefinition): string {
  const port = servicePortFor(def.spec);
  if (port === undefined) throw new Error(`${def.spec.name} has no port: nothing can address it`);
  return `${def.spec.name}:${port}`;
}
