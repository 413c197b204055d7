import { defineService } from '../define';

/** The front end: renders the book page from details and reviews. The only public service. */
export default defineService({
  name: 'productpage',
  description: 'BookInfo front end: renders the product page from details and reviews',
  owner: 'team-storefront',
  port: 9080,
  protocol: 'http',
  serviceAccountName: 'bookinfo-productpage',
  versions: [{ name: 'v1' }],
  probes: { readiness: { http: '/health' } },
  config: {
    // productpage's own settings (samples/bookinfo/src/productpage/productpage.py).
    values: { DETAILS_HOSTNAME: 'details', REVIEWS_HOSTNAME: 'reviews', FLOOD_FACTOR: '0' },
  },
  dependencies: ['details', 'reviews'],
  routes: [
    { path: '/productpage', match: 'exact' },
    { path: '/static', match: 'prefix' },
    { path: '/login', match: 'exact' },
    { path: '/logout', match: 'exact' },
    // Not used by the page itself: a JSON API, so it demonstrates JWT-protected routes.
    { path: '/api/v1/products', match: 'prefix', authRequired: true },
  ],
  traffic: { timeout: '10s', retries: { attempts: 2, perTryTimeout: '4s' } },
});
