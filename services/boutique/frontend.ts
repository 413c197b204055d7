import { defineService } from '../define';
import adservice from './adservice';
import { addressOf } from './address';
import cartservice from './cartservice';
import checkoutservice from './checkoutservice';
import currencyservice from './currencyservice';
import productcatalogservice from './productcatalogservice';
import recommendationservice from './recommendationservice';
import shippingservice from './shippingservice';

const callees = [productcatalogservice, currencyservice, cartservice, recommendationservice, shippingservice, checkoutservice, adservice];

/**
 * Upstream: the same image, container port 8080 behind a Service on 80, the same variables and
 * an HTTP readiness probe on `/_healthz`. Its `frontend-external` LoadBalancer Service is replaced by the
 * public route `/` through the environment's gateway. Upstream's probes send a `Cookie:
 * shop_session-id=x-readiness-probe` header (so probes do not mint sessions); ProbeSpec has no
 * headers, so ours do not.
 */
export default defineService({
  name: 'frontend',
  description: 'Online Boutique web front end (Go)',
  owner: 'team-boutique',
  port: 8080,
  servicePort: 80,
  versions: [{ name: 'v1' }],
  // Upstream's HTTP readiness probe; liveness stays the platform's TCP check (see index.ts).
  probes: { readiness: { http: '/_healthz' } },
  env: {
    PORT: '8080',
    PRODUCT_CATALOG_SERVICE_ADDR: addressOf(productcatalogservice),
    CURRENCY_SERVICE_ADDR: addressOf(currencyservice),
    CART_SERVICE_ADDR: addressOf(cartservice),
    RECOMMENDATION_SERVICE_ADDR: addressOf(recommendationservice),
    SHIPPING_SERVICE_ADDR: addressOf(shippingservice),
    CHECKOUT_SERVICE_ADDR: addressOf(checkoutservice),
    AD_SERVICE_ADDR: addressOf(adservice),
    // Upstream sets it though the shopping assistant is not deployed by default at v0.10.6: the
    // frontend refuses to start without it (src/frontend/main.go, mustMapEnv) and calls it only from
    // its /assistant handler (handlers.go). Kept as upstream writes it, and not a dependency, so the
    // mesh allows no call to it.
    SHOPPING_ASSISTANT_SERVICE_ADDR: 'shoppingassistantservice:80',
    ENABLE_PROFILER: '0',
  },
  dependencies: callees.map((d) => d.spec.name),
  routes: [{ path: '/' }],
});
