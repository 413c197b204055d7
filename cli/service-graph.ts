/**
 * The service graph of an environment as a Mermaid flowchart (`npm run graph`): one box per app
 * with the ingress gateway, each public route (host and path) and the service it reaches, every
 * service with its versions and weights, the calls the mesh allows (across apps too), the topics
 * (publisher -> topic -> subscribers) and the data stores, buckets and secrets each service uses.
 * Built from the same decisions as the manifests (charts/mesh/decisions.ts), in one pass over
 * the services: linear in their number.
 */
import { callersOf, publicRoutes, weightedVersions, type CrossApp, type ResolvedRoute } from '../charts/mesh/decisions';
import { eventGraph } from '../services/event-graph';
import type { Catalogue, ServiceSpec, VersionSpec } from '../services/spec';
import { databaseName } from '../services/uses';
import { nodeId, type FlowEdge, type FlowNode, type Flowchart } from './mermaid';

/** One app of the environment, as the graph needs it. */
export interface GraphApp {
  readonly name: string;
  readonly namespace: string;
  /** The app's host: routes without a host of their own are served there. */
  readonly host: string;
  readonly catalogue: Catalogue;
  /** Its calls to and from the other apps (charts/mesh/decisions.ts `crossAppIndex`). */
  readonly crossApp: CrossApp;
}

/** The ids of the graph's nodes, shared with the graph of a change (cli/manifest-shape.ts). */
export const ids = {
  app: (app: string): string => nodeId('app', app),
  gateway: (app: string): string => nodeId('gw', app),
  route: (app: string, host: string, match: string, path: string): string => nodeId('route', app, host, match, path),
  service: (app: string, service: string): string => nodeId('svc', app, service),
  topic: (app: string, event: string): string => nodeId('topic', app, event),
  postgres: (app: string, service: string): string => nodeId('pg', app, service),
  redis: (app: string, service: string): string => nodeId('redis', app, service),
  bucket: (app: string, service: string, name: string): string => nodeId('bucket', app, service, name),
  secret: (app: string, service: string, name: string): string => nodeId('secret', app, service, name),
};

/** `v1 80% / v2 10% / v3 10%`: the split of the service's default route. */
export function weightsText(weights: ReadonlyArray<{ version: string; weight: number }>): string {
  return weights.map((w) => `${w.version} ${w.weight}%`).join(' / ');
}

/** `v2 if end-user=jason`: a version that takes the requests with a header ahead of the weights. */
export function headerRouteText(version: string, header: string, match: { exact?: string; prefix?: string }): string {
  return match.exact !== undefined ? `${version} if ${header}=${match.exact}` : `${version} if ${header} starts with ${match.prefix ?? ''}`;
}

function headerRoutes(versions: readonly VersionSpec[]): string[] {
  return versions.flatMap((v) => (v.headerMatch === undefined ? [] : [headerRouteText(v.name, v.headerMatch.header, v.headerMatch)]));
}

/** `/productpage` for an exact path, `/static*` for a prefix, `(JWT)` when the route requires a token. */
export function routePathText(path: string, match: string, authRequired = false): string {
  return `${path}${match === 'prefix' ? '*' : ''}${authRequired ? ' (JWT)' : ''}`;
}

function serviceNode(app: string, spec: ServiceSpec): FlowNode {
  return {
    id: ids.service(app, spec.name),
    shape: 'round',
    lines: [
      spec.name,
      weightsText(weightedVersions(spec)),
      ...headerRoutes(spec.versions),
      ...(spec.port === undefined ? ['worker, no Service'] : []),
    ],
  };
}

function routeNode(app: string, r: ResolvedRoute): FlowNode {
  return {
    id: ids.route(app, r.host, r.match, r.path),
    shape: 'asymmetric',
    lines: [r.host, routePathText(r.path, r.match, r.authRequired)],
  };
}

/** What a service uses besides compute: nodes, and a line from the service to each. */
function usesOf(app: string, spec: ServiceSpec): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const uses = spec.uses;
  const nodes: FlowNode[] = [];
  if (uses?.postgres !== undefined)
    nodes.push({ id: ids.postgres(app, spec.name), shape: 'cylinder', lines: ['postgres', `database ${databaseName(spec)}`] });
  if (uses?.redis !== undefined)
    nodes.push({ id: ids.redis(app, spec.name), shape: 'stadium', lines: ['redis', `${uses.redis.sizeGb ?? 1} GiB`] });
  for (const b of uses?.buckets ?? [])
    nodes.push({ id: ids.bucket(app, spec.name, b.name), shape: 'trapezoid', lines: ['bucket', b.name] });
  for (const s of uses?.secrets ?? [])
    nodes.push({ id: ids.secret(app, spec.name, s.name), shape: 'subroutine', lines: ['secret', s.name] });
  const from = ids.service(app, spec.name);
  return { nodes, edges: nodes.map((n) => ({ from, to: n.id, arrow: 'open' })) };
}

/**
 * The environment's graph: a box per app, in the environment's order, then the links: gateway ->
 * route -> service, allowed calls (caller -> service; a call across apps is labelled
 * `<app>/<service>` as its caller writes it), events, and what each service uses.
 */
export function environmentGraph(env: string, apps: readonly GraphApp[]): Flowchart {
  const routes: FlowEdge[] = [];
  const calls: FlowEdge[] = [];
  const events: FlowEdge[] = [];
  const uses: FlowEdge[] = [];
  const groups = apps.map((a) => {
    const specs = a.catalogue.services.map((d) => d.spec);
    const resolved = publicRoutes(a.catalogue, a.host);
    const gateway: FlowNode[] = resolved.length === 0 ? [] : [{ id: ids.gateway(a.name), shape: 'hexagon', lines: ['ingress gateway'] }];
    const routeNodes = resolved.map((r) => routeNode(a.name, r));
    resolved.forEach((r, i) => {
      routes.push({ from: ids.gateway(a.name), to: routeNodes[i].id, arrow: 'solid' });
      routes.push({
        from: routeNodes[i].id,
        to: ids.service(a.name, r.service),
        arrow: 'solid',
        ...(r.version !== undefined && { label: `${r.version} only` }),
      });
    });

    const callers = callersOf(a.catalogue);
    for (const spec of specs) {
      const to = ids.service(a.name, spec.name);
      for (const caller of callers.get(spec.name) ?? []) calls.push({ from: ids.service(a.name, caller.name), to, arrow: 'solid' });
      for (const remote of a.crossApp.remoteCallers.get(spec.name) ?? [])
        calls.push({ from: ids.service(remote.app, remote.spec.name), to, arrow: 'solid', label: `${a.name}/${spec.name}` });
    }

    const topics = eventGraph(a.catalogue);
    const topicNodes: FlowNode[] = topics.map((t) => ({
      id: ids.topic(a.name, t.event),
      shape: 'parallelogram',
      lines: ['topic', t.event],
    }));
    for (const t of topics) {
      const topic = ids.topic(a.name, t.event);
      events.push({ from: ids.service(a.name, t.publisher), to: topic, arrow: 'dotted' });
      for (const consumer of t.consumers) events.push({ from: topic, to: ids.service(a.name, consumer), arrow: 'dotted' });
    }

    const stores = specs.map((spec) => usesOf(a.name, spec));
    uses.push(...stores.flatMap((s) => s.edges));
    return {
      id: ids.app(a.name),
      title: `${a.name} (namespace ${a.namespace})`,
      nodes: [
        ...gateway,
        ...routeNodes,
        ...specs.map((spec) => serviceNode(a.name, spec)),
        ...topicNodes,
        ...stores.flatMap((s) => s.nodes),
      ],
    };
  });
  return {
    comments: [`The service graph of ${env}, generated by npm run graph -- --env ${env}`],
    groups,
    edges: [...routes, ...calls, ...events, ...uses],
  };
}
