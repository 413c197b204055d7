/**
 * The mesh decisions, as pure functions over the catalogue and environment: hosts,
 * identities, who may call whom, and the order of the public routes. The constructs in
 * this folder only turn these into objects; the summary prints them.
 */
import { serviceAccountFor, servicePortFor, versionWeights } from '../../services/defaults';
import type { Catalogue, CorsPolicy, Duration, PublicRoute, RouteMatch, ServiceSpec } from '../../services/spec';
import { needsGoogleIdentity, privateServicePorts } from '../../services/uses';

export interface MeshEnvironment {
  readonly namespace: string;
  readonly domain: string;
  readonly gatewayNamespace: string;
  readonly gatewayName: string;
  readonly controlPlaneNamespace: string;
}

/** In-mesh FQDN of a service; DestinationRules and VirtualServices use it so they work from any namespace. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** The SPIFFE-style principal Istio authorizes a workload by. */
export function principal(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * The Helm `gateway` chart names the ServiceAccount after the release and labels pods
 * `istio: <release without "istio-">` (release `istio-ingress` -> `istio: ingress`).
 */
export function gatewayIdentity(env: Pick<MeshEnvironment, 'gatewayNamespace' | 'gatewayName'>): {
  selector: Record<string, string>;
  principal: string;
} {
  return {
    selector: { istio: env.gatewayName.replace(/^istio-/, '') },
    principal: principal(env.gatewayNamespace, env.gatewayName),
  };
}

/** For each service, the services that declare it as a dependency, sorted by name. */
export function callersOf(catalogue: Catalogue): ReadonlyMap<string, readonly ServiceSpec[]> {
  const callers = new Map<string, ServiceSpec[]>(catalogue.services.map((d) => [d.spec.name, []]));
  for (const { spec } of catalogue.services) {
    for (const dep of spec.dependencies ?? []) callers.get(dep)?.push(spec);
  }
  for (const list of callers.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return callers;
}

export function isPublic(spec: ServiceSpec): boolean {
  return (spec.routes ?? []).length > 0;
}

/** Principals allowed to call a service: its callers' identities, plus the ingress gateway for public services. */
export function allowedPrincipals(spec: ServiceSpec, callers: readonly ServiceSpec[], env: MeshEnvironment): string[] {
  const principals = callers.map((c) => principal(env.namespace, serviceAccountFor(c)));
  if (isPublic(spec)) principals.push(gatewayIdentity(env).principal);
  return [...new Set(principals)].sort();
}

/** Who may call whom, for the summary: `caller -> service` edges, gateway included. */
export function allowList(catalogue: Catalogue): Array<{ service: string; callers: string[] }> {
  const callers = callersOf(catalogue);
  return catalogue.services.map(({ spec }) => ({
    service: spec.name,
    callers: [...(isPublic(spec) ? ['ingress-gateway'] : []), ...(callers.get(spec.name) ?? []).map((c) => c.name)],
  }));
}

/**
 * What every service's mesh objects need to know about the rest of the catalogue,
 * computed once per synthesis (looking it up per service would make synthesis quadratic).
 */
export interface MeshIndex {
  readonly callers: ReadonlyMap<string, readonly ServiceSpec[]>;
  /** Container port of every service that has one (NetworkPolicies match the pod's port, after the Service's translation). */
  readonly ports: ReadonlyMap<string, number>;
  readonly routes: readonly ResolvedRoute[];
  /** Some service has `gcp` access or (on a platform stack) `uses`: the namespace gets the Google Cloud ServiceEntries. */
  readonly googleCloud: boolean;
  /** The ports services reach on the private services access range (Cloud SQL, Memorystore), sorted; empty when none. */
  readonly privateServicePorts: readonly number[];
}

/** `stack` decides whether `uses` are wired (not on `pr-<N>` previews: charts/uses.ts). */
export function meshIndex(catalogue: Catalogue, domain: string, stack = ''): MeshIndex {
  const privatePorts = new Set<number>();
  for (const { spec } of catalogue.services) for (const port of privateServicePorts(spec, stack)) privatePorts.add(port);
  return {
    callers: callersOf(catalogue),
    ports: new Map(catalogue.services.flatMap((d) => (d.spec.port === undefined ? [] : [[d.spec.name, d.spec.port] as const]))),
    routes: publicRoutes(catalogue, domain),
    googleCloud: catalogue.services.some((d) => needsGoogleIdentity(d.spec, stack)),
    privateServicePorts: [...privatePorts].sort((a, b) => a - b),
  };
}

export interface ResolvedRoute {
  readonly host: string;
  readonly path: string;
  readonly match: RouteMatch;
  readonly service: string;
  /** The Service's port (`servicePort`, else `port`): the gateway's destination port. */
  readonly port: number;
  readonly version?: string;
  readonly rewrite?: string;
  readonly authRequired: boolean;
  readonly timeout?: Duration;
  readonly cors?: CorsPolicy;
  readonly spec: ServiceSpec;
}

/**
 * Every public route of the catalogue in the order the gateway must try them: Istio
 * takes the first match, so exact paths come first, then prefixes longest first (so
 * `/api/v1` is not swallowed by `/api`), ties by host and path for a stable order.
 */
export function publicRoutes(catalogue: Catalogue, domain: string): ResolvedRoute[] {
  const routes: ResolvedRoute[] = [];
  for (const { spec } of catalogue.services) {
    for (const r of spec.routes ?? []) routes.push(resolveRoute(spec, r, domain));
  }
  return routes.sort(
    (a, b) =>
      (a.match === b.match ? 0 : a.match === 'exact' ? -1 : 1) ||
      b.path.length - a.path.length ||
      compare(a.host, b.host) ||
      compare(a.path, b.path),
  );
}

function resolveRoute(spec: ServiceSpec, r: PublicRoute, domain: string): ResolvedRoute {
  return {
    host: r.host ?? domain,
    path: r.path,
    match: r.match ?? 'prefix',
    service: spec.name,
    // Validation refuses routes on a service without a port; 0 is never reached.
    port: servicePortFor(spec) ?? 0,
    authRequired: r.authRequired ?? false,
    spec,
    ...(r.version !== undefined && { version: r.version }),
    ...(r.rewrite !== undefined && { rewrite: r.rewrite }),
    ...(r.timeout !== undefined && { timeout: r.timeout }),
    ...(r.cors !== undefined && { cors: r.cors }),
  };
}

/** Hosts of a catalogue's public routes: the domain plus any route hosts, sorted. */
export function gatewayHosts(routes: readonly ResolvedRoute[], domain: string): string[] {
  return [...new Set([domain, ...routes.map((r) => r.host)])].sort(compare);
}

/** Weighted destinations of a service's default route, zero weights left out. */
export function weightedVersions(spec: ServiceSpec): Array<{ version: string; weight: number }> {
  return versionWeights(spec).filter((w) => w.weight > 0);
}

/** Path matcher of an AuthorizationPolicy for a route, as the workload sees the path (after rewrite). */
export function authorizationPath(route: ResolvedRoute): string[] {
  const path = route.rewrite ?? route.path;
  // A trailing `*` is a string prefix in Istio authorization, the same as a route's prefix match.
  return route.match === 'exact' ? [path] : [`${path}*`];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
