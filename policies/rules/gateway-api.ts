/**
 * Gateway API (`gateway.networking.k8s.io/v1` Gateway and HTTPRoute, GKE's own ingress API),
 * held to the edge rules of Istio Gateways (NM06, NM07) and checked for routes to Gateways
 * outside the set (MC03). Field names are those of the standard-channel CRDs vendored under
 * vendor/gateway-api/ (gateway-api.test.ts validates its fixtures against them).
 */
import type { ManifestObject } from '../../charts/schema';
import {
  isJson,
  items,
  labelSelectorMatches,
  namespaceLabelsOf,
  namespaceOf,
  obj,
  perRun,
  push,
  specOf,
  str,
  type Json,
  type ObjectIndex,
} from '../objects';
import type { ManifestRule } from '../types';
import { finding, manifestRule } from './define';

export const GATEWAY_API = 'gateway.networking.k8s.io';

function listeners(gw: ManifestObject): Json[] {
  return items(specOf(gw).listeners);
}

function listenerLabel(l: Json, i: number): string {
  return `listener '${str(l.name) ?? String(i)}' (${str(l.protocol) ?? '?'} port ${String(l.port)})`;
}

/** Protocols whose listeners match on a hostname (`hostname` is ignored for TCP and UDP). */
const HOSTNAME_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TLS']);

const nm06GatewayApiHosts = manifestRule(
  {
    id: 'NM06-gateway-api-hosts',
    description:
      'Gateway API HTTP, HTTPS and TLS listeners name a hostname: never unset, `*`, nor a wildcard over a top-level domain (`*.com`)',
    why: 'A listener without a hostname matches every hostname: routes of every namespace the listener admits become public under any Host header, and requests for names the platform never published (host-header attacks, domain fronting) are accepted.',
    fix: "Set each listener's `hostname` to the environment's public hostname (or a wildcard under a domain you own, `*.example.com`).",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM06'],
  },
  (_ctx, index) =>
    index.ofKind('Gateway', GATEWAY_API).flatMap((gw) =>
      listeners(gw).flatMap((l, i) => {
        if (!HOSTNAME_PROTOCOLS.has(str(l.protocol) ?? '')) return [];
        const host = str(l.hostname);
        if (host === undefined || host === '') return [finding(gw, `${listenerLabel(l, i)} has no hostname: it accepts any hostname`)];
        if (host === '*') return [finding(gw, `${listenerLabel(l, i)} hostname '*' accepts any hostname`)];
        return /^\*\.[^.]+$/.test(host)
          ? [finding(gw, `${listenerLabel(l, i)} hostname '${host}' accepts any hostname under a top-level domain`)]
          : [];
      }),
    ),
);

const nm07GatewayApiCertificate = manifestRule(
  {
    id: 'NM07-gateway-api-certificate',
    description: 'Every Gateway API HTTPS listener (and TLS listener in Terminate mode) has `tls.certificateRefs`',
    why: 'A listener that terminates TLS without a certificate is not programmed (its ResolvedRefs condition is false): the HTTPS edge is down, or clients are left with the plaintext listener.',
    fix: "Set `tls: { mode: Terminate, certificateRefs: [{ name: <Secret in the Gateway's namespace> }] }` on the listener.",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM07', 'MC04'],
  },
  (_ctx, index) =>
    index.ofKind('Gateway', GATEWAY_API).flatMap((gw) =>
      listeners(gw).flatMap((l, i) => {
        const protocol = str(l.protocol);
        const tls = obj(l.tls);
        // tls.mode defaults to Terminate; Passthrough hands the TLS stream to the backend.
        const terminates = (str(tls.mode) ?? 'Terminate') === 'Terminate';
        if (!(protocol === 'HTTPS' || (protocol === 'TLS' && terminates))) return [];
        if (!isJson(l.tls)) return [finding(gw, `${listenerLabel(l, i)} has no tls settings`)];
        if (!terminates) return [finding(gw, `${listenerLabel(l, i)} has tls.mode ${String(tls.mode)}, which does not terminate HTTPS`)];
        return items(tls.certificateRefs).length === 0 ? [finding(gw, `${listenerLabel(l, i)} has no tls.certificateRefs`)] : [];
      }),
    ),
);

// ---------------------------------------------------------------------------------------
// Routes and the listeners they attach to

interface Attachment {
  readonly route: ManifestObject;
  /** The parentRef's sectionName (a listener name) and port, when it names one. */
  readonly sectionName?: string;
  readonly port?: number;
}

/** A parentRef that names a Gateway (group and kind default to the Gateway API's Gateway). */
function gatewayParent(ref: Json): boolean {
  return (str(ref.group) ?? GATEWAY_API) === GATEWAY_API && (str(ref.kind) ?? 'Gateway') === 'Gateway';
}

function gatewayKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** HTTPRoutes by the `namespace/name` of each Gateway their parentRefs name, built once per run. */
const routesByGateway = perRun((index) => {
  const byGateway = new Map<string, Attachment[]>();
  for (const route of index.ofKind('HTTPRoute', GATEWAY_API)) {
    for (const ref of items(specOf(route).parentRefs).filter(gatewayParent)) {
      const name = str(ref.name);
      if (name === undefined) continue;
      push(byGateway, gatewayKey(str(ref.namespace) ?? namespaceOf(route), name), {
        route,
        sectionName: str(ref.sectionName),
        port: typeof ref.port === 'number' ? ref.port : undefined,
      });
    }
  }
  return byGateway;
});

/** Whether the listener's allowedRoutes admit routes of `ns` (`from` defaults to Same). */
function admits(gw: ManifestObject, listener: Json, ns: string, index: ObjectIndex): boolean {
  const namespaces = obj(obj(listener.allowedRoutes).namespaces);
  switch (str(namespaces.from) ?? 'Same') {
    case 'All':
      return true;
    case 'Selector':
      return labelSelectorMatches(namespaces.selector, namespaceLabelsOf(index, ns));
    default:
      return ns === namespaceOf(gw);
  }
}

/** The HTTPRoutes attached to one listener of a Gateway. */
function attachedRoutes(index: ObjectIndex, gw: ManifestObject, listener: Json): ManifestObject[] {
  return (routesByGateway(index).get(gatewayKey(namespaceOf(gw), gw.metadata.name)) ?? [])
    .filter(
      (a) => (a.sectionName === undefined || a.sectionName === str(listener.name)) && (a.port === undefined || a.port === listener.port),
    )
    .filter((a) => admits(gw, listener, namespaceOf(a.route), index))
    .map((a) => a.route);
}

/** A rule whose filters redirect to https (and so serves nothing in plaintext). */
function redirectsToHttps(rule: Json): boolean {
  return items(rule.filters).some((f) => f.type === 'RequestRedirect' && obj(f.requestRedirect).scheme === 'https');
}

/** Routes with no rules get the CRD's default rule (a PathPrefix `/` match with no filters), which serves. */
function routeRules(route: ManifestObject): Json[] {
  const rules = specOf(route).rules;
  return Array.isArray(rules) ? items(rules) : [{}];
}

const nm07GatewayApiHttpRedirect = manifestRule(
  {
    id: 'NM07-gateway-api-http-redirect',
    description:
      'Every Gateway API HTTP listener has an HTTPRoute attached that redirects to HTTPS, and every route attached to it only redirects',
    why: 'A plaintext listener whose routes serve the backends exposes credentials, cookies and data to anyone on the path, and lets a downgrade attacker keep users on HTTP; one with no route at all answers 404 instead of sending users to HTTPS.',
    fix: 'Attach an HTTPRoute to the HTTP listener (parentRefs with its sectionName) whose only rule has a `RequestRedirect` filter with `scheme: https` (statusCode 301), and attach the serving routes to the HTTPS listener only.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM07'],
  },
  (_ctx, index) =>
    index.ofKind('Gateway', GATEWAY_API).flatMap((gw) =>
      listeners(gw).flatMap((l, i) => {
        if (str(l.protocol) !== 'HTTP') return [];
        const routes = attachedRoutes(index, gw, l);
        const serving = routes.filter((r) => !routeRules(r).every(redirectsToHttps));
        if (serving.length > 0)
          return [
            finding(
              gw,
              `${listenerLabel(l, i)} serves plaintext: ${serving.map((r) => `HTTPRoute/${namespaceOf(r)}/${r.metadata.name}`).join(', ')} has a rule without a RequestRedirect to scheme https`,
            ),
          ];
        return routes.length === 0 ? [finding(gw, `${listenerLabel(l, i)} has no HTTPRoute attached that redirects to HTTPS`)] : [];
      }),
    ),
);

const mc03HttpRouteParent = manifestRule(
  {
    id: 'MC03-httproute-parent',
    description: "The Gateways an HTTPRoute's parentRefs name are in the set",
    why: 'A route whose parent Gateway does not exist is attached to nothing: its hosts are not served, usually after a Gateway rename or a wrong namespace. Advisory: the Gateway may be managed elsewhere (a platform team, another stack).',
    fix: "Name a Gateway of the set in `parentRefs` (with its `namespace` when it is not the route's), or add the Gateway.",
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['MC03'],
  },
  (_ctx, index) =>
    index.ofKind('HTTPRoute', GATEWAY_API).flatMap((route) =>
      items(specOf(route).parentRefs)
        .filter(gatewayParent)
        .flatMap((ref) => {
          const name = str(ref.name);
          const ns = str(ref.namespace) ?? namespaceOf(route);
          if (name === undefined) return [finding(route, 'a parentRef names no Gateway')];
          const exists = gatewayNames(index).has(gatewayKey(ns, name));
          return exists ? [] : [finding(route, `parentRef Gateway '${name}' (namespace '${ns}') is not in the set`)];
        }),
    ),
);

const gatewayNames = perRun(
  (index) => new Set(index.ofKind('Gateway', GATEWAY_API).map((gw) => gatewayKey(namespaceOf(gw), gw.metadata.name))),
);

/** Gateway API rules, in report order. */
export const gatewayApiRules: readonly ManifestRule[] = [
  nm06GatewayApiHosts,
  nm07GatewayApiCertificate,
  nm07GatewayApiHttpRedirect,
  mc03HttpRouteParent,
];
