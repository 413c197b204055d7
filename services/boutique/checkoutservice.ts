import { defineService } from '../define';
import { addressOf } from './address';
import cartservice from './cartservice';
import currencyservice from './currencyservice';
import emailservice from './emailservice';
import paymentservice from './paymentservice';
import productcatalogservice from './productcatalogservice';
import shippingservice from './shippingservice';

/** Upstream: the same image, port and variables; its gRPC readiness probe (liveness: the platform's TCP check, see index.ts). */
export default defineService({
  name: 'checkoutservice',
  description: 'Online Boutique checkout: charges, ships and confirms an order (Go)',
  owner: 'team-boutique',
  port: 5050,
  protocol: 'grpc',
  versions: [{ name: 'v1' }],
  probes: { readiness: { grpc: true } },
  env: {
    PORT: '5050',
    PRODUCT_CATALOG_SERVICE_ADDR: addressOf(productcatalogservice),
    SHIPPING_SERVICE_ADDR: addressOf(shippingservice),
    PAYMENT_SERVICE_ADDR: addressOf(paymentservice),
    EMAIL_SERVICE_ADDR: addressOf(emailservice),
    CURRENCY_SERVICE_ADDR: addressOf(currencyservice),
    CART_SERVICE_ADDR: addressOf(cartservice),
  },
  dependencies: [productcatalogservice, shippingservice, paymentservice, emailservice, currencyservice, cartservice].map(
    (d) => d.spec.name,
  ),
});
