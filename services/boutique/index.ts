/**
 * Google's Online Boutique (github.com/GoogleCloudPlatform/microservices-demo) as a catalogue,
 * faithful to its release manifests at v0.10.6 (release/kubernetes-manifests.yaml, commit
 * 5b3a712ab85ccb8f6f7cd5b720d36ba9a8d041eb): the same workloads, images (pinned in
 * services/boutique/releases/<env>.yaml: the app's own pins file), container ports, Service ports, environment variable names and
 * probes. vendor/microservices-demo/v0.10.6/facts.json holds those facts (scripts/extract-boutique-facts.js)
 * and boutique.test.ts asserts this catalogue against them. The shopping assistant is not deployed
 * by that file, so it is not here either.
 *
 * What differs from upstream, and why:
 * - Hardening is the platform's, as for every service: restricted pod security, read-only root,
 *   seccomp, mTLS and allow-lists derived from `dependencies`. Upstream's security contexts match
 *   ours (UID and GID 1000, non-root, read-only root, no privilege escalation, drop ALL), so no
 *   service sets `runAsUser`.
 * - Liveness probes: upstream's liveness check is the same as its readiness check (gRPC health, or
 *   the frontend's GET /_healthz). The platform refuses that (policy RR02-distinct-probes: a liveness
 *   probe that fails with readiness restarts pods that are only overloaded), so readiness is
 *   upstream's and liveness is the platform's default TCP check on the same port.
 * - Requests and limits come from the platform's tiers, not upstream's per-container values.
 * - The frontend is public at `/` through the environment's gateway instead of upstream's
 *   `frontend-external` LoadBalancer Service.
 * - redis-cart (a `redis:alpine` Deployment) is replaced by `uses: { redis: {} }` on cartservice: a
 *   Memorystore instance with AUTH and in-transit encryption (TLS on 6378). The platform sets
 *   REDIS_ADDR to `host:port`. Caveat, read in src/cartservice at v0.10.6: cartservice passes
 *   REDIS_ADDR verbatim as a StackExchange.Redis configuration string (Startup.cs,
 *   `options.Configuration = redisAddress`) and reads neither REDIS_AUTH nor REDIS_CA_FILE, so with
 *   a bare `host:port` it connects without TLS and without a password, which Memorystore refuses.
 *   The upstream image does not work against this Redis as is: it needs REDIS_ADDR in
 *   StackExchange.Redis form (`host:port,ssl=true,password=...`) and the server CA trusted, which
 *   the platform does not provide today.
 * - loadgenerator runs without upstream's `frontend-check` init container (no init containers in
 *   the spec); frontend probes send no Cookie header (no probe headers in the spec).
 */
import { defineCatalogue } from '../define';
import adservice from './adservice';
import cartservice from './cartservice';
import checkoutservice from './checkoutservice';
import currencyservice from './currencyservice';
import emailservice from './emailservice';
import frontend from './frontend';
import loadgenerator from './loadgenerator';
import paymentservice from './paymentservice';
import productcatalogservice from './productcatalogservice';
import recommendationservice from './recommendationservice';
import shippingservice from './shippingservice';

// PLACEHOLDER owners: your organization's team for this app (npm run codeowners writes them to .github/CODEOWNERS).
export const catalogue = defineCatalogue(
  'boutique',
  [
    frontend,
    adservice,
    cartservice,
    checkoutservice,
    currencyservice,
    emailservice,
    paymentservice,
    productcatalogservice,
    recommendationservice,
    shippingservice,
    loadgenerator,
  ],
  { owners: ['@your-org/boutique'] },
);
export default catalogue;
