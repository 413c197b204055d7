/**
 * Reading Istio objects: selectors, hosts, VirtualService destinations and gateway
 * bindings, and the host index the mesh rules resolve names in (built once per run).
 *
 * Istio's rules for names are pilot's: a dot-less short name expands in the namespace of the
 * object naming it, and a reference resolves only to an object of the same set.
 */
import type { ManifestObject } from '../../charts/schema';
import {
  items,
  labelMap,
  push,
  labelsMatch,
  namespaceOf,
  obj,
  show,
  specOf,
  str,
  strings,
  perRun,
  type Json,
  type ObjectIndex,
  type Workload,
} from '../objects';

/** Istio's default `meshConfig.rootNamespace`: policies there without a selector apply mesh-wide. */
export const MESH_ROOT_NAMESPACE = 'istio-system';
export const CLUSTER_DOMAIN = 'svc.cluster.local';
export const NETWORKING = 'networking.istio.io';
export const SECURITY = 'security.istio.io';

export function quoted(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

// ---------------------------------------------------------------------------------------
// Selectors

export function isEmptyLabelSelector(selector: unknown): boolean {
  const s = obj(selector);
  return Object.keys(labelMap(s.matchLabels)).length === 0 && items(s.matchExpressions).length === 0;
}

function plainLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function formatLabelSelector(selector: unknown): string {
  const s = obj(selector);
  const expressions = items(s.matchExpressions).map(
    (e) => `${str(e.key) ?? '?'} ${str(e.operator) ?? '?'}${e.values === undefined ? '' : ` (${strings(e.values).join(',')})`}`,
  );
  return [plainLabels(labelMap(s.matchLabels)), ...expressions].filter((x) => x !== '').join(',') || '(empty)';
}

/** The `matchLabels` of an Istio security object, or of a Sidecar's `workloadSelector`. */
export function istioSelector(o: ManifestObject): Record<string, string> {
  const spec = specOf(o);
  return o.kind === 'Sidecar' ? labelMap(obj(spec.workloadSelector).labels) : labelMap(obj(spec.selector).matchLabels);
}

/** Bound to Gateway API objects or waypoints instead of pods: selectors do not apply. */
export function hasTargetRef(o: ManifestObject): boolean {
  const spec = specOf(o);
  return spec.targetRef !== undefined || items(spec.targetRefs).length > 0;
}

/** Workloads a map selector picks in a namespace (or in every one when undefined), through the index. */
export function workloadsMatching(index: ObjectIndex, namespace: string | undefined, selector: Record<string, string>): Workload[] {
  return index.selectWorkloads(namespace, selector, (w) => labelsMatch(selector, w.podLabels));
}

/** Workloads an Istio object with this selector applies to: its namespace, or every one from the root namespace. */
export function selectedWorkloads(index: ObjectIndex, o: ManifestObject): Workload[] {
  const ns = namespaceOf(o);
  // A root-namespace Sidecar with a selector applies to its own namespace only.
  return workloadsMatching(index, ns === MESH_ROOT_NAMESPACE && o.kind !== 'Sidecar' ? undefined : ns, istioSelector(o));
}

// ---------------------------------------------------------------------------------------
// Hosts

/**
 * Istio expands only dot-less short names, relative to the namespace of the object naming
 * them (pilot's `ResolveShortnameToFQDN`); `reviews.bookinfo` is taken as written, as an
 * FQDN that no Kubernetes Service has.
 */
export function fqdn(host: string, ns: string): string {
  const h = host.toLowerCase();
  return h === '*' || h.includes('.') ? h : `${h}.${ns}.${CLUSTER_DOMAIN}`;
}

/** `*` covers everything, `*.example.com` every name under it (wildcards included). */
export function hostCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  return p === '*' || p === h || (p.startsWith('*.') && h.endsWith(p.slice(1)));
}

const SERVICE_FQDN = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/;

export interface Resolution {
  readonly fqdn: string;
  readonly service?: ManifestObject;
  readonly serviceEntry?: ManifestObject;
}

export function resolveHost(index: ObjectIndex, host: string, ns: string): Resolution {
  const hosts = hostIndex(index);
  const name = fqdn(host, ns);
  const m = SERVICE_FQDN.exec(name);
  const service = m === null ? undefined : hosts.services.get(`${m[1]}.${m[2]}`);
  if (service !== undefined) return { fqdn: name, service };
  const serviceEntry = hosts.serviceEntryFor(name);
  return serviceEntry === undefined ? { fqdn: name } : { fqdn: name, serviceEntry };
}

export function isResolved(r: Resolution): boolean {
  return r.service !== undefined || r.serviceEntry !== undefined;
}

/** Why a host did not resolve, with the spelling that would have. */
export function unresolved(index: ObjectIndex, host: string, r: Resolution): string {
  const expanded = r.fqdn === host.toLowerCase() ? `'${host}'` : `'${host}' (${r.fqdn})`;
  const hint =
    host.split('.').length === 2 && hostIndex(index).services.has(host.toLowerCase())
      ? `; Istio does not expand '<service>.<namespace>': write '${host.toLowerCase()}.${CLUSTER_DOMAIN}'`
      : '';
  return `${expanded} is not a Service or ServiceEntry host in the set${hint}`;
}

/** Services by `<name>.<namespace>`, and ServiceEntry hosts (fully qualified) by name and wildcard suffix. */
export interface HostIndex {
  readonly services: ReadonlyMap<string, ManifestObject>;
  /** The first ServiceEntry (in input order) whose host covers the name. */
  serviceEntryFor(name: string): ManifestObject | undefined;
}

export const hostIndex = perRun((index): HostIndex => {
  const services = new Map<string, ManifestObject>();
  for (const s of index.ofKind('Service', '')) {
    const key = `${s.metadata.name}.${namespaceOf(s)}`;
    services.set(key, s);
  }
  // Exact hosts, `*.suffix` wildcards keyed by `.suffix`, and `*`; each with its order, so the first entry still wins.
  const exact = new Map<string, { readonly order: number; readonly entry: ManifestObject }>();
  const suffixes = new Map<string, { readonly order: number; readonly entry: ManifestObject }>();
  let any: { readonly order: number; readonly entry: ManifestObject } | undefined;
  let order = 0;
  for (const entry of index.ofKind('ServiceEntry', NETWORKING)) {
    for (const h of strings(specOf(entry).hosts)) {
      const host = fqdn(h, namespaceOf(entry));
      const at = { order: order++, entry };
      if (host === '*') any ??= at;
      else if (host.startsWith('*.')) {
        if (!suffixes.has(host.slice(1))) suffixes.set(host.slice(1), at);
      } else if (!exact.has(host)) exact.set(host, at);
    }
  }
  const serviceEntryFor = (name: string): ManifestObject | undefined => {
    const h = name.toLowerCase();
    let best = exact.get(h);
    for (let i = h.indexOf('.'); i !== -1; i = h.indexOf('.', i + 1)) {
      const hit = suffixes.get(h.slice(i));
      if (hit !== undefined && (best === undefined || hit.order < best.order)) best = hit;
    }
    if (any !== undefined && (best === undefined || any.order < best.order)) best = any;
    return best?.entry;
  };
  const built: HostIndex = { services, serviceEntryFor };
  return built;
});

// ---------------------------------------------------------------------------------------
// VirtualServices and Gateways

export interface Destination {
  /** Where in the spec, e.g. `http[0].route[1]`. */
  readonly where: string;
  readonly host: string;
  readonly subset?: string;
}

export function destinationAt(where: string, d: unknown): Destination[] {
  const dest = obj(d);
  const host = str(dest.host);
  if (host === undefined) return [];
  const subset = str(dest.subset);
  return [{ where, host, ...(subset !== undefined && { subset }) }];
}

/** Route, mirror and mirrors destinations of every http, tcp and tls route. */
export function destinations(vs: ManifestObject): Destination[] {
  const spec = specOf(vs);
  const out: Destination[] = [];
  for (const section of ['http', 'tcp', 'tls'] as const) {
    items(spec[section]).forEach((route, i) => {
      items(route.route).forEach((r, j) => out.push(...destinationAt(`${section}[${i}].route[${j}]`, r.destination)));
      if (section !== 'http') return;
      out.push(...destinationAt(`http[${i}].mirror`, route.mirror));
      items(route.mirrors).forEach((m, j) => out.push(...destinationAt(`http[${i}].mirrors[${j}]`, m.destination)));
    });
  }
  return out;
}

/** `mesh` when the VirtualService names no gateway (the default) or names it. */
export function bindsMesh(vs: ManifestObject): boolean {
  const gateways = strings(specOf(vs).gateways);
  return gateways.length === 0 || gateways.includes('mesh');
}

export interface GatewayRef {
  /** As written in `gateways`. */
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
}

/** `<ns>/<name>`, a name in the VirtualService's namespace, or the legacy `<name>.<ns>[.svc...]`. */
export function gatewayRefs(vs: ManifestObject): GatewayRef[] {
  const ns = namespaceOf(vs);
  return strings(specOf(vs).gateways)
    .filter((g) => g !== 'mesh')
    .map((ref) => {
      if (ref.includes('/')) {
        const [namespace = ns, name = ''] = ref.split('/');
        return { ref, namespace, name };
      }
      const [name = '', namespace = ns] = ref.split('.');
      return { ref, namespace, name };
    });
}

/** The Gateway a reference names; a name may belong to objects of other groups, so the first Istio one wins. */
export function findGateway(index: ObjectIndex, ref: GatewayRef): ManifestObject | undefined {
  return gatewaysByName(index).get(`${ref.namespace}/${ref.name}`);
}

const gatewaysByName = perRun((index): ReadonlyMap<string, ManifestObject> => {
  const byName = new Map<string, ManifestObject>();
  for (const g of index.ofKind('Gateway', NETWORKING)) {
    const key = `${namespaceOf(g)}/${g.metadata.name}`;
    if (!byName.has(key)) byName.set(key, g);
  }
  return byName;
});

export function servers(gw: ManifestObject): Json[] {
  return items(specOf(gw).servers);
}

export function serverLabel(server: Json, i: number): string {
  const port = obj(server.port);
  const name = str(server.name) ?? str(port.name);
  return `servers[${i}]${name === undefined ? '' : ` '${name}'`} (${str(port.protocol) ?? '?'} ${show(port.number ?? '?')})`;
}

/** A Gateway host, `[<namespace>/]<host>`: the namespace part limits which VirtualServices may bind. */
export function splitGatewayHost(h: string): { readonly namespace?: string; readonly host: string } {
  const slash = h.indexOf('/');
  return slash === -1 ? { host: h } : { namespace: h.slice(0, slash), host: h.slice(slash + 1) };
}

/** Whether `host` of a VirtualService in `vsNs` is within one of the Gateway's hosts. */
export function gatewayServes(gw: ManifestObject, vsNs: string, host: string): boolean {
  return servers(gw).some((s) =>
    strings(s.hosts)
      .map(splitGatewayHost)
      .some((g) => {
        const nsOk =
          g.namespace === undefined || g.namespace === '*' || (g.namespace === '.' ? namespaceOf(gw) === vsNs : g.namespace === vsNs);
        // Istio binds when the names overlap in either direction (`*.example.com` on a Gateway for `shop.example.com`, or the reverse).
        return nsOk && (hostCovers(g.host, host) || hostCovers(host, g.host));
      }),
  );
}

export function gatewayHostList(gw: ManifestObject): string[] {
  return [...new Set(servers(gw).flatMap((s) => strings(s.hosts)))];
}

/** Istio gateway proxies, told apart from application pods by how they are injected or labelled. */
export function isGatewayWorkload(w: Workload): boolean {
  const annotations = labelMap(w.podMetadata.annotations);
  return (
    (annotations['inject.istio.io/templates'] ?? '').split(',').includes('gateway') ||
    w.podLabels.istio !== undefined ||
    items(w.pod.containers).some((c) => /\/proxyv2(:|@|$)/.test(str(c.image) ?? ''))
  );
}

// ---------------------------------------------------------------------------------------
// Sidecars

export interface SidecarView {
  /** The Sidecars with a workloadSelector that select the workload (from its own namespace), in input order. */
  selecting(w: Workload): readonly ManifestObject[];
  /** The Sidecars of a namespace without a workloadSelector, in input order. */
  namespaceWide(namespace: string): readonly ManifestObject[];
}

/** Which Sidecars apply to what, built once per run by one pass over the Sidecars. */
export const sidecarView = perRun((index): SidecarView => {
  const selecting = new Map<Workload, ManifestObject[]>();
  const wide = new Map<string, ManifestObject[]>();
  for (const s of index.ofKind('Sidecar', NETWORKING)) {
    const selector = istioSelector(s);
    if (Object.keys(selector).length === 0) {
      push(wide, namespaceOf(s), s);
      continue;
    }
    for (const w of workloadsMatching(index, namespaceOf(s), selector)) {
      push(selecting, w, s);
    }
  }
  const view: SidecarView = { selecting: (w) => selecting.get(w) ?? [], namespaceWide: (ns) => wide.get(ns) ?? [] };
  return view;
});

/** The Sidecar a workload's proxy uses: one selecting it, else its namespace's, else the mesh default. */
export function sidecarsFor(index: ObjectIndex, w: Workload): readonly ManifestObject[] {
  const view = sidecarView(index);
  const selecting = view.selecting(w);
  if (selecting.length > 0) return selecting;
  const namespaceWide = view.namespaceWide(w.namespace);
  if (namespaceWide.length > 0) return namespaceWide;
  return view.namespaceWide(MESH_ROOT_NAMESPACE);
}
