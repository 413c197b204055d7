/**
 * The mesh decisions, as pure functions over the catalogue and environment: hosts,
 * identities, who may call whom, and the order of the public routes. The constructs in
 * this folder only turn these into objects; the summary prints them.
 */
import type { Problem } from '../../core/problems';
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

/** Principals allowed to call a service: its callers' identities (other apps' too), plus the ingress gateway for public services. */
export function allowedPrincipals(
  spec: ServiceSpec,
  callers: readonly ServiceSpec[],
  env: MeshEnvironment,
  remoteCallers: readonly RemoteCaller[] = [],
): string[] {
  const principals = [
    ...callers.map((c) => principal(env.namespace, serviceAccountFor(c))),
    ...remoteCallers.map((c) => principal(c.namespace, serviceAccountFor(c.spec))),
  ];
  if (isPublic(spec)) principals.push(gatewayIdentity(env).principal);
  return [...new Set(principals)].sort();
}

/** Who may call whom, for the summary: `caller -> service` edges, gateway and other apps' callers (`<app>/<service>`) included. */
export function allowList(catalogue: Catalogue, crossApp: CrossApp = NO_CROSS_APP): Array<{ service: string; callers: string[] }> {
  const callers = callersOf(catalogue);
  return catalogue.services.map(({ spec }) => ({
    service: spec.name,
    callers: [
      ...(isPublic(spec) ? ['ingress-gateway'] : []),
      ...(callers.get(spec.name) ?? []).map((c) => c.name),
      ...(crossApp.remoteCallers.get(spec.name) ?? []).map((c) => `${c.app}/${c.spec.name}`),
    ],
  }));
}

/** A dependency on another app's service is written `<app>/<service>`. */
export function isCrossAppDependency(dependency: string): boolean {
  return dependency.includes('/');
}

/** A service of another app of the environment that a service calls. */
export interface RemoteService {
  readonly app: string;
  readonly namespace: string;
  readonly service: string;
  /** Its container port (NetworkPolicies match the pod's port). */
  readonly port: number;
}

/** A service of another app that calls a service of this one. */
export interface RemoteCaller {
  readonly app: string;
  readonly namespace: string;
  readonly spec: ServiceSpec;
}

/** One app's view of the others: the services it calls there, and who there calls it. */
export interface CrossApp {
  /** Keyed by the dependency as written, `<app>/<service>`. */
  readonly remote: ReadonlyMap<string, RemoteService>;
  /** Keyed by this app's service; sorted by app, then service. */
  readonly remoteCallers: ReadonlyMap<string, readonly RemoteCaller[]>;
}

export const NO_CROSS_APP: CrossApp = { remote: new Map(), remoteCallers: new Map() };

/** What the cross-app index needs of an app. */
export interface MeshApp {
  readonly name: string;
  readonly namespace: string;
  readonly catalogue: Catalogue;
  /** Where the app's catalogue is defined, for messages. */
  readonly where: string;
}

/**
 * Calls across the apps of an environment, indexed once: every `<app>/<service>` dependency
 * resolved to that app's namespace and the service's port, and for each called service the
 * callers of other apps. The mesh allows a call across apps only when it is declared so.
 */
export function crossAppIndex(apps: readonly MeshApp[]): { byApp: ReadonlyMap<string, CrossApp>; problems: Problem[] } {
  const problems: Problem[] = [];
  const appsByName = new Map(apps.map((a) => [a.name, a]));
  const services = new Map<string, ServiceSpec>();
  for (const a of apps) for (const { spec } of a.catalogue.services) services.set(`${a.name}/${spec.name}`, spec);
  const byApp = new Map<string, { remote: Map<string, RemoteService>; remoteCallers: Map<string, RemoteCaller[]> }>(
    apps.map((a) => [a.name, { remote: new Map(), remoteCallers: new Map() }]),
  );
  const known = [...appsByName.keys()].join(', ');
  for (const caller of apps) {
    for (const def of caller.catalogue.services) {
      (def.spec.dependencies ?? []).forEach((dep, i) => {
        if (!isCrossAppDependency(dep)) return;
        const [appName, serviceName] = dep.split('/');
        const where = def.source ?? `${caller.where} service "${def.spec.name}"`;
        const add = (problem: string, fix: string): void => {
          problems.push({ where, field: `dependencies[${i}]`, value: dep, problem, fix });
        };
        const target = appsByName.get(appName);
        if (appName === caller.name) return add('names its own app', `write just '${serviceName}'`);
        if (target === undefined)
          return add(
            `names an app this environment does not host (it hosts ${known})`,
            'add the app to platform:apps, or remove the dependency',
          );
        const spec = services.get(dep);
        if (spec === undefined)
          return add(
            `is not a service of app ${appName} (${target.where})`,
            `use one of: ${target.catalogue.services.map((d) => `${appName}/${d.spec.name}`).join(', ')}`,
          );
        if (spec.port === undefined)
          return add(`is a worker without a port in app ${appName}: nobody can call it`, `remove ${dep}, or give ${serviceName} a port`);
        byApp.get(caller.name)?.remote.set(dep, { app: appName, namespace: target.namespace, service: serviceName, port: spec.port });
        const callers = byApp.get(appName)?.remoteCallers;
        const list = callers?.get(serviceName);
        const entry = { app: caller.name, namespace: caller.namespace, spec: def.spec };
        if (list === undefined) callers?.set(serviceName, [entry]);
        else list.push(entry);
      });
    }
  }
  for (const entry of byApp.values())
    for (const list of entry.remoteCallers.values()) list.sort((a, b) => compare(a.app, b.app) || compare(a.spec.name, b.spec.name));
  return { byApp, problems };
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
  /** Calls to and from the other apps of the environment. */
  readonly crossApp: CrossApp;
}

/** `stack` decides whether `uses` are wired (not on `pr-<N>` previews: charts/uses.ts). */
export function meshIndex(catalogue: Catalogue, domain: string, stack = '', crossApp: CrossApp = NO_CROSS_APP): MeshIndex {
  const privatePorts = new Set<number>();
  for (const { spec } of catalogue.services) for (const port of privateServicePorts(spec, stack)) privatePorts.add(port);
  return {
    callers: callersOf(catalogue),
    ports: new Map(catalogue.services.flatMap((d) => (d.spec.port === undefined ? [] : [[d.spec.name, d.spec.port] as const]))),
    routes: publicRoutes(catalogue, domain),
    googleCloud: catalogue.services.some((d) => needsGoogleIdentity(d.spec, stack)),
    privateServicePorts: [...privatePorts].sort((a, b) => a - b),
    crossApp,
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
