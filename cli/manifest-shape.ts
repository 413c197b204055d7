/**
 * The shape of an environment read back from its synthesized manifests, and what a change does
 * to it, drawn as a Mermaid graph for the pull-request comment (`npm run manifest-diff`). The
 * base commit exists only as manifests, so the shape comes from them, not from the catalogue:
 *
 * - allowed calls: each ALLOW AuthorizationPolicy's principals (`.../ns/<ns>/sa/<sa>`), resolved
 *   to services through the environment's ServiceAccounts (calls across apps included); the
 *   gateway's principal is left out, the public routes show what it calls;
 * - public routes: the VirtualServices bound to a gateway, one per host and URI match;
 * - traffic: each mesh VirtualService's default split and header routes (a service without one,
 *   a worker, by its Deployments' `version` labels).
 *
 * Pure functions over parsed objects, linear in their number.
 */
import { asList, asString, isRecord } from '../core/json';
import { flowchart, type FlowEdge, type FlowGroup, type FlowNode, type Flowchart, MERMAID_LIMITS, mermaidBlock, nodeId } from './mermaid';
import { headerRouteText, ids, routePathText, weightsText } from './service-graph';

/** `<app>/<service>` (the file path without `.yaml`) -> its parsed objects. */
export type ManifestObjects = ReadonlyMap<string, ReadonlyArray<{ readonly object: Readonly<Record<string, unknown>> }>>;

export interface ServiceRef {
  readonly app: string;
  readonly name: string;
}

export interface ShapeService extends ServiceRef {
  /** The default split (`v1 80% / v2 10% / v3 10%`), then each header route (`v2 if end-user=jason`). */
  readonly traffic: readonly string[];
}

export interface ShapeRoute {
  readonly app: string;
  readonly host: string;
  /** `exact`, `prefix` or `regex`, as the VirtualService's URI match says. */
  readonly match: string;
  readonly path: string;
  readonly target: ServiceRef;
}

/** Who is allowed to call: a service of the environment, or a principal none of its ServiceAccounts is. */
export type Caller = ({ readonly kind: 'service' } & ServiceRef) | { readonly kind: 'principal'; readonly principal: string };

export interface ShapeCall {
  readonly from: Caller;
  readonly to: ServiceRef;
}

export interface Shape {
  /** By `<app>/<service>`. */
  readonly services: ReadonlyMap<string, ShapeService>;
  readonly routes: ReadonlyMap<string, ShapeRoute>;
  readonly calls: ReadonlyMap<string, ShapeCall>;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const refKey = (r: ServiceRef): string => `${r.app}/${r.name}`;
const callerKey = (c: Caller): string => (c.kind === 'service' ? refKey(c) : `principal ${c.principal}`);
const routeKey = (r: ShapeRoute): string => [r.app, r.host, r.match, r.path].join(' ');
const callKey = (c: ShapeCall): string => `${callerKey(c.from)} -> ${refKey(c.to)}`;

const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
const labelsOf = (o: Readonly<Record<string, unknown>>): Record<string, unknown> => record(record(o.metadata).labels);
const namespaceOf = (o: Readonly<Record<string, unknown>>): string => asString(record(o.metadata).namespace) ?? '';

/** `reviews.bookinfo.svc.cluster.local` -> service `reviews` of the app in namespace `bookinfo`; a short name is in `app`. */
function serviceOfHost(host: string, apps: ReadonlyMap<string, string>, app: string): ServiceRef {
  const [name, namespace = ''] = host.split('.');
  return { app: namespace === '' ? app : (apps.get(namespace) ?? namespace), name };
}

/** The subsets and weights of a route's destinations, zero weights left out (as synthesis leaves them out). */
function split(route: unknown): Array<{ version: string; weight: number }> {
  const destinations = asList(route).map(record);
  return destinations
    .map((d) => ({
      version: asString(record(d.destination).subset) ?? '(all)',
      weight: typeof d.weight === 'number' ? d.weight : destinations.length === 1 ? 100 : 0,
    }))
    .filter((w) => w.weight > 0);
}

/** A mesh VirtualService's traffic: the default split, then the header routes. */
function meshTraffic(spec: Record<string, unknown>): string[] {
  const http = asList(spec.http).map(record);
  const headers = http.flatMap((h) =>
    asList(h.match)
      .map(record)
      .flatMap((m) =>
        Object.entries(record(m.headers)).map(([header, value]) => {
          const subset = asString(record(asList(h.route).map(record)[0]?.destination).subset) ?? '(all)';
          const v = record(value);
          const regex = asString(v.regex);
          if (regex !== undefined) return `${subset} if ${header} matches ${regex}`;
          return headerRouteText(subset, header, { exact: asString(v.exact), prefix: asString(v.prefix) });
        }),
      ),
  );
  const fallback = http.find((h) => asList(h.match).length === 0);
  return [...(fallback === undefined ? [] : [weightsText(split(fallback.route))]), ...headers];
}

/** The shape of one environment's manifests (`<app>/<service>` -> objects, as `npm run manifest-diff` reads them). */
export function manifestShape(manifests: ManifestObjects): Shape {
  // One pass to index, one to resolve: both linear.
  const namespaces = new Map<string, string>();
  const accounts = new Map<string, ServiceRef>();
  const gatewayNamespaces = new Set<string>();
  const entries: Array<{ app: string; object: Readonly<Record<string, unknown>> }> = [];
  for (const [file, objects] of manifests) {
    for (const { object } of objects) {
      const namespace = namespaceOf(object);
      // The app is the file's folder (`<app>/<service>`), else the object's namespace, else the file.
      const app = file.includes('/') ? file.slice(0, file.indexOf('/')) : namespace !== '' ? namespace : file;
      if (namespace !== '' && !namespaces.has(namespace)) namespaces.set(namespace, app);
      const service = asString(labelsOf(object).app);
      const name = asString(record(object.metadata).name);
      if (object.kind === 'ServiceAccount' && service !== undefined && name !== undefined)
        accounts.set(`${namespace}/${name}`, { app, name: service });
      if (object.kind === 'VirtualService')
        for (const g of asList(record(object.spec).gateways))
          if (typeof g === 'string' && g.includes('/')) gatewayNamespaces.add(g.split('/')[0]);
      entries.push({ app, object });
    }
  }

  const services = new Map<string, ShapeService>();
  const versions = new Map<string, string[]>();
  const routes = new Map<string, ShapeRoute>();
  const calls = new Map<string, ShapeCall>();
  for (const { app, object } of entries) {
    const spec = record(object.spec);
    const service = asString(labelsOf(object).app);
    if (object.kind === 'Deployment' && service !== undefined) {
      const key = refKey({ app, name: service });
      const version = asString(labelsOf(object).version);
      if (!versions.has(key)) versions.set(key, []);
      if (version !== undefined) versions.get(key)?.push(version);
    }
    if (object.kind === 'VirtualService') {
      const gateways = asList(spec.gateways);
      if (gateways.length === 0) {
        const host = asString(asList(spec.hosts)[0]);
        if (host !== undefined) {
          const ref = serviceOfHost(host, namespaces, app);
          services.set(refKey(ref), { ...ref, traffic: meshTraffic(spec) });
        }
        continue;
      }
      for (const h of asList(spec.http).map(record)) {
        const destination = asString(record(record(asList(h.route)[0]).destination).host);
        if (destination === undefined) continue;
        const target = serviceOfHost(destination, namespaces, app);
        const matches = asList(h.match).map((m) => record(record(m).uri));
        for (const uri of matches.length === 0 ? [{ prefix: '/' }] : matches) {
          const [match, path] = Object.entries(uri).find(([, v]) => typeof v === 'string') ?? ['prefix', '/'];
          for (const host of asList(spec.hosts).filter((x): x is string => typeof x === 'string')) {
            const route = { app, host, match, path: String(path), target };
            routes.set(routeKey(route), route);
          }
        }
      }
    }
    if (object.kind === 'AuthorizationPolicy' && (spec.action ?? 'ALLOW') === 'ALLOW') {
      const target = asString(record(record(spec.selector).matchLabels).app);
      if (target === undefined) continue;
      const to = { app, name: target };
      const principals = asList(spec.rules).flatMap((rule) =>
        asList(record(rule).from).flatMap((from) => asList(record(record(from).source).principals)),
      );
      for (const principal of principals.filter((p): p is string => typeof p === 'string')) {
        const identity = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
        const account = identity === null ? undefined : accounts.get(`${identity[1]}/${identity[2]}`);
        if (account === undefined && identity !== null && gatewayNamespaces.has(identity[1])) continue;
        const call: ShapeCall = { from: account === undefined ? { kind: 'principal', principal } : { kind: 'service', ...account }, to };
        calls.set(callKey(call), call);
      }
    }
  }
  for (const [key, list] of versions) {
    if (services.has(key)) continue;
    const [app, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    services.set(key, { app, name, traffic: [[...new Set(list)].sort(compare).join(' / ')] });
  }
  return { services, routes, calls };
}

// ---------------------------------------------------------------------------------------
// What a change does to the shape

export interface ShapeDiff {
  readonly base: Shape;
  readonly head: Shape;
  readonly calls: { readonly added: readonly ShapeCall[]; readonly removed: readonly ShapeCall[] };
  readonly routes: { readonly added: readonly ShapeRoute[]; readonly removed: readonly ShapeRoute[] };
  /** Services on both sides whose split or header routes changed. */
  readonly traffic: ReadonlyArray<{ readonly service: ServiceRef; readonly before: readonly string[]; readonly after: readonly string[] }>;
}

const EMPTY: Shape = { services: new Map(), routes: new Map(), calls: new Map() };

function onlyIn<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): T[] {
  return [...a.keys()]
    .filter((k) => !b.has(k))
    .sort(compare)
    .map((k) => a.get(k) as T);
}

/** The calls and routes added and removed, and the traffic changed; an environment on one side only has everything added (or removed). */
export function diffShapes(base: Shape | undefined, head: Shape | undefined): ShapeDiff {
  const b = base ?? EMPTY;
  const h = head ?? EMPTY;
  const traffic = [...h.services.entries()]
    .filter(([k, s]) => {
      const before = b.services.get(k);
      return before !== undefined && before.traffic.join('\n') !== s.traffic.join('\n');
    })
    .sort(([x], [y]) => compare(x, y))
    .map(([k, s]) => ({ service: { app: s.app, name: s.name }, before: b.services.get(k)?.traffic ?? [], after: s.traffic }));
  return {
    base: b,
    head: h,
    calls: { added: onlyIn(h.calls, b.calls), removed: onlyIn(b.calls, h.calls) },
    routes: { added: onlyIn(h.routes, b.routes), removed: onlyIn(b.routes, h.routes) },
    traffic,
  };
}

/** How many things the change adds, removes or changes in shape. */
export function shapeChanges(d: ShapeDiff): number {
  return d.calls.added.length + d.calls.removed.length + d.routes.added.length + d.routes.removed.length + d.traffic.length;
}

/** Links a PR comment draws per environment (well under Mermaid's maxEdges): beyond, the counts stand alone (a comment holds 65,536 characters). */
export const MAX_SHAPE_LINKS = 60;

const CLASSES = {
  added: 'fill:#dafbe1,stroke:#1a7f37,color:#1a7f37',
  removed: 'fill:#ffebe9,stroke:#cf222e,color:#cf222e,stroke-dasharray:5 5',
  changed: 'fill:#fff8c5,stroke:#9a6700,color:#9a6700',
};
const LINK_CLASSES = { added: 'stroke:#1a7f37,stroke-width:3px', removed: 'stroke:#cf222e,stroke-width:2px' };

type Status = 'added' | 'removed';

/** The traffic lines that changed, `now ...` then `was ...`, then those that did not. */
export function trafficChange(before: readonly string[], after: readonly string[]): string[] {
  const was = new Set(before);
  const now = new Set(after);
  return [
    ...after.filter((l) => !was.has(l)).map((l) => `now ${l}`),
    ...before.filter((l) => !now.has(l)).map((l) => `was ${l}`),
    ...after.filter((l) => was.has(l)),
  ];
}

/**
 * The change as a graph: the services, routes and calls it touches, in a box per app; added ones
 * green and thick, removed ones red and dotted, services whose weights changed amber with the
 * split before and after. Unchanged services appear only as the ends of a changed link.
 */
export function shapeDiffGraph(d: ShapeDiff): Flowchart {
  const nodes = new Map<string, { app?: string; node: FlowNode }>();
  const changed = new Map(d.traffic.map((t) => [refKey(t.service), t]));
  const service = (ref: ServiceRef): string => {
    const id = ids.service(ref.app, ref.name);
    if (nodes.has(id)) return id;
    const key = refKey(ref);
    const head = d.head.services.get(key);
    const base = d.base.services.get(key);
    const t = changed.get(key);
    const status = head === undefined && base !== undefined ? 'removed' : base === undefined && head !== undefined ? 'added' : undefined;
    const lines = t !== undefined ? [ref.name, ...trafficChange(t.before, t.after)] : [ref.name, ...((head ?? base)?.traffic ?? [])];
    const className = t !== undefined ? 'changed' : status;
    nodes.set(id, { app: ref.app, node: { id, shape: 'round', lines, ...(className !== undefined && { className }) } });
    return id;
  };
  const caller = (c: Caller): string => {
    if (c.kind === 'service') return service(c);
    const id = nodeId('principal', c.principal);
    if (!nodes.has(id)) nodes.set(id, { node: { id, shape: 'rectangle', lines: ['principal', c.principal] } });
    return id;
  };

  const edges: FlowEdge[] = [];
  const link = (from: string, to: string, status: Status, label?: string): void => {
    edges.push({
      from,
      to,
      arrow: status === 'added' ? 'thick' : 'dotted',
      className: status,
      ...(label !== undefined && { label }),
    });
  };
  const route = (r: ShapeRoute, status: Status): void => {
    const gateway = ids.gateway(r.app);
    if (!nodes.has(gateway)) nodes.set(gateway, { app: r.app, node: { id: gateway, shape: 'hexagon', lines: ['ingress gateway'] } });
    const id = ids.route(r.app, r.host, r.match, r.path);
    nodes.set(id, { app: r.app, node: { id, shape: 'asymmetric', lines: [r.host, routePathText(r.path, r.match)], className: status } });
    link(gateway, id, status, status === 'added' ? 'new route' : 'removed route');
    link(id, service(r.target), status);
  };
  for (const r of d.routes.added) route(r, 'added');
  for (const r of d.routes.removed) route(r, 'removed');
  for (const c of d.calls.added) link(caller(c.from), service(c.to), 'added', 'new call');
  for (const c of d.calls.removed) link(caller(c.from), service(c.to), 'removed', 'removed call');
  for (const t of d.traffic) service(t.service);

  const byApp = new Map<string, FlowNode[]>();
  const outside: FlowNode[] = [];
  for (const { app, node } of nodes.values()) {
    if (app === undefined) outside.push(node);
    else if (byApp.has(app)) byApp.get(app)?.push(node);
    else byApp.set(app, [node]);
  }
  const groups: FlowGroup[] = [...byApp.keys()].sort(compare).map((app) => ({ id: ids.app(app), title: app, nodes: byApp.get(app) ?? [] }));
  return {
    groups,
    nodes: outside,
    edges,
    classes: CLASSES,
    linkClasses: LINK_CLASSES,
  };
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One line: `1 new call, 1 removed route, weights changed: bookinfo/reviews`. */
export function shapeSummary(d: ShapeDiff): string {
  return [
    ...(d.calls.added.length > 0 ? [count(d.calls.added.length, 'new call')] : []),
    ...(d.calls.removed.length > 0 ? [count(d.calls.removed.length, 'removed call')] : []),
    ...(d.routes.added.length > 0 ? [count(d.routes.added.length, 'new public route')] : []),
    ...(d.routes.removed.length > 0 ? [count(d.routes.removed.length, 'removed public route')] : []),
    ...(d.traffic.length > 0 ? [`weights changed: ${d.traffic.map((t) => refKey(t.service)).join(', ')}`] : []),
  ].join(', ');
}

/** The Markdown of an environment's change in shape for the PR comment; nothing when its shape did not change. */
export function shapeSection(d: ShapeDiff, env: string): string[] {
  if (shapeChanges(d) === 0) return [];
  const chart = shapeDiffGraph(d);
  const text = flowchart(chart);
  const heading = `**Shape of the change**: ${shapeSummary(d)}`;
  if (chart.edges.length > MAX_SHAPE_LINKS || text.length > MERMAID_LIMITS.maxTextSize)
    return [
      heading,
      '',
      `Too many to draw here (${chart.edges.length} links): \`npm run graph -- --env ${env}\` draws the whole graph.`,
      '',
    ];
  return [
    heading,
    '',
    mermaidBlock(text).trimEnd(),
    '',
    'Green, thick: added; red, dotted: removed; amber: weights changed (now, then was).',
    '',
  ];
}
