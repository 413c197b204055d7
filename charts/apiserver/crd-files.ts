/**
 * Where the CRDs we hold outside imports/ are read from: the vendored Gateway API release
 * (scripts/vendor-gateway-api.sh). charts/schema.ts reads their OpenAPI schemas and
 * charts/apiserver/cel their rules, both on first use.
 */
import * as path from 'node:path';

export const GATEWAY_API_CRDS = path.resolve(__dirname, '..', '..', 'vendor', 'gateway-api', 'v1.6.1');
