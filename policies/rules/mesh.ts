/**
 * Mesh rules: pod isolation (NetworkPolicy), Istio security (STRICT mTLS, deny-by-default
 * authorization, no allow-all), the edge Gateway (scoped hosts, TLS), and the cross-object
 * consistency that `istioctl analyze` checks on a live cluster (hosts, subsets, gateways,
 * selectors, references), here checked on the manifest set before anything is applied.
 *
 * Input can be any directory of YAML, so every field is read defensively, an object that
 * names no namespace is in `default` (where `kubectl apply` would put it), and a reference
 * resolves only to an object of the same set.
 */
import type { ManifestObject } from '../../charts/schema';
import { isPlatformObject } from '../platform';
import { objectId, type Finding, type ManifestContext, type ManifestRule } from '../types';
import { labelSelectorMatches, podMetadata, workloads, type Workload } from './pods';

/** Namespace of objects that name none. */
export const DEFAULT_NAMESPACE = 'default';
/** Istio's default `meshConfig.rootNamespace`: policies there without a selector apply mesh-wide. */
export const MESH_ROOT_NAMESPACE = 'istio-system';
const CLUSTER_DOMAIN = 'svc.cluster.local';

// ---------------------------------------------------------------------------------------
// Reading any YAML safely
// ---------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function obj(v: unknown): Json {
  return isJson(v) ? v : {};
}
function items(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isJson) : [];
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
/** A label map; YAML scalars (`inject: true`) are compared as the strings Kubernetes would need. */
function labelMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(obj(v)).filter(([, x]) => ['string', 'number', 'boolean'].includes(typeof x)).map(([k, x]) => [k, String(x)]));
}
function specOf(o: ManifestObject): Json {
  return obj(o.spec);
}
function namespaceOf(o: ManifestObject): string {
  return o.metadata.namespace ?? DEFAULT_NAMESPACE;
}
/** How reports name a namespace, whether or not its Namespace object is in the set. */
function namespaceId(ns: string): string {
  return objectId({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}
function finding(object: ManifestObject | string, message: string): Finding {
  return { object: typeof object === 'string' ? object : objectId(object), message };
}
function quoted(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

const NETWORKING = 'networking.istio.io';
const SECURITY = 'security.istio.io';

/** Objects of one kind in one API group (`''` is the core group); any version. */
function ofKind(ctx: ManifestContext, group: string, kind: string): ManifestObject[] {
  return ctx.objects.filter((o) => o.kind === kind && (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '') === group);
}

// ---------------------------------------------------------------------------------------
// Selectors
// ---------------------------------------------------------------------------------------

/** Istio's selectors (`matchLabels`, a Sidecar's `labels`): every pair is on the pod. */
function labelsMatch(selector: Record<string, string>, pod: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => pod[k] === v);
}

function isEmptyLabelSelector(selector: unknown): boolean {
  const s = obj(selector);
  return Object.keys(labelMap(s.matchLabels)).length === 0 && items(s.matchExpressions).length === 0;
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function formatLabelSelector(selector: unknown): string {
  const s = obj(selector);
  const expressions = items(s.matchExpressions).map((e) => `${str(e.key) ?? '?'} ${str(e.operator) ?? '?'}${e.values === undefined ? '' : ` (${strings(e.values).join(',')})`}`);
  return [formatLabels(labelMap(s.matchLabels)), ...expressions].filter((x) => x !== '').join(',') || '(empty)';
}

/** The `matchLabels` of an Istio security object, or of a Sidecar's `workloadSelector`. */
function istioSelector(o: ManifestObject): Record<string, string> {
  const spec = specOf(o);
  return o.kind === 'Sidecar' ? labelMap(obj(spec.workloadSelector).labels) : labelMap(obj(spec.selector).matchLabels);
}

/** Bound to Gateway API objects or waypoints instead of pods: selectors do not apply. */
function hasTargetRef(o: ManifestObject): boolean {
  const spec = specOf(o);
  return spec.targetRef !== undefined || items(spec.targetRefs).length > 0;
}

// ---------------------------------------------------------------------------------------
// The index every rule reads: workloads by namespace, Services, ServiceEntry hosts
// ---------------------------------------------------------------------------------------

interface MeshIndex {
  readonly workloads: readonly Workload[];
  /** Namespaces that run pods, sorted. */
  readonly namespaces: readonly string[];
  readonly byNamespace: ReadonlyMap<string, readonly Workload[]>;
  /** Services by `<name>.<namespace>`. */
  readonly services: ReadonlyMap<string, ManifestObject>;
  /** Hosts of ServiceEntries, fully qualified, with the entry. */
  readonly serviceEntryHosts: ReadonlyArray<{ readonly host: string; readonly entry: ManifestObject }>;
}

const indexes = new WeakMap<ManifestContext, MeshIndex>();

function meshIndex(ctx: ManifestContext): MeshIndex {
  const cached = indexes.get(ctx);
  if (cached !== undefined) return cached;
  const all = workloads(ctx.objects);
  const byNamespace = new Map<string, Workload[]>();
  for (const w of all) byNamespace.set(namespaceOf(w.object), [...(byNamespace.get(namespaceOf(w.object)) ?? []), w]);
  const services = new Map(ofKind(ctx, '', 'Service').map((s) => [`${s.metadata.name}.${namespaceOf(s)}`, s]));
  const serviceEntryHosts = ofKind(ctx, NETWORKING, 'ServiceEntry').flatMap((entry) => strings(specOf(entry).hosts).map((h) => ({ host: fqdn(h, namespaceOf(entry)), entry })));
  const index: MeshIndex = { workloads: all, namespaces: [...byNamespace.keys()].sort(), byNamespace, services, serviceEntryHosts };
  indexes.set(ctx, index);
  return index;
}

function workloadsIn(index: MeshIndex, ns: string): readonly Workload[] {
  return index.byNamespace.get(ns) ?? [];
}

/** Workloads an Istio object with this selector applies to: its namespace, or every one from the root namespace. */
function selectedWorkloads(index: MeshIndex, o: ManifestObject): Workload[] {
  const selector = istioSelector(o);
  const ns = namespaceOf(o);
  // A root-namespace Sidecar with a selector applies to its own namespace only.
  const scope = ns === MESH_ROOT_NAMESPACE && o.kind !== 'Sidecar' ? index.workloads : workloadsIn(index, ns);
  return scope.filter((w) => labelsMatch(selector, w.podLabels));
}

// ---------------------------------------------------------------------------------------
// Hosts
// ---------------------------------------------------------------------------------------

/**
 * Istio expands only dot-less short names, relative to the namespace of the object naming
 * them (pilot's `ResolveShortnameToFQDN`); `reviews.bookinfo` is taken as written, as an
 * FQDN that no Kubernetes Service has.
 */
function fqdn(host: string, ns: string): string {
  const h = host.toLowerCase();
  return h === '*' || h.includes('.') ? h : `${h}.${ns}.${CLUSTER_DOMAIN}`;
}

/** `*` covers everything, `*.example.com` every name under it (wildcards included). */
function hostCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  return p === '*' || p === h || (p.startsWith('*.') && h.endsWith(p.slice(1)));
}

const SERVICE_FQDN = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/;

interface Resolution {
  readonly fqdn: string;
  readonly service?: ManifestObject;
  readonly serviceEntry?: ManifestObject;
}

function resolveHost(index: MeshIndex, host: string, ns: string): Resolution {
  const name = fqdn(host, ns);
  const m = SERVICE_FQDN.exec(name);
  const service = m === null ? undefined : index.services.get(`${m[1]}.${m[2]}`);
  if (service !== undefined) return { fqdn: name, service };
  const entry = index.serviceEntryHosts.find((e) => hostCovers(e.host, name));
  return entry === undefined ? { fqdn: name } : { fqdn: name, serviceEntry: entry.entry };
}

function isResolved(r: Resolution): boolean {
  return r.service !== undefined || r.serviceEntry !== undefined;
}

/** Why a host did not resolve, with the spelling that would have. */
function unresolved(index: MeshIndex, host: string, r: Resolution): string {
  const expanded = r.fqdn === host.toLowerCase() ? `'${host}'` : `'${host}' (${r.fqdn})`;
  const hint = host.split('.').length === 2 && index.services.has(host.toLowerCase())
    ? `; Istio does not expand '<service>.<namespace>': write '${host.toLowerCase()}.${CLUSTER_DOMAIN}'`
    : '';
  return `${expanded} is not a Service or ServiceEntry host in the set${hint}`;
}

// ---------------------------------------------------------------------------------------
// VirtualServices and Gateways
// ---------------------------------------------------------------------------------------

interface Destination {
  /** Where in the spec, e.g. `http[0].route[1]`. */
  readonly where: string;
  readonly host: string;
  readonly subset?: string;
}

function destinationAt(where: string, d: unknown): Destination[] {
  const dest = obj(d);
  const host = str(dest.host);
  if (host === undefined) return [];
  const subset = str(dest.subset);
  return [{ where, host, ...(subset !== undefined && { subset }) }];
}

/** Route, mirror and mirrors destinations of every http, tcp and tls route. */
function destinations(vs: ManifestObject): Destination[] {
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
function bindsMesh(vs: ManifestObject): boolean {
  const gateways = strings(specOf(vs).gateways);
  return gateways.length === 0 || gateways.includes('mesh');
}

interface GatewayRef {
  /** As written in `gateways`. */
  readonly ref: string;
  readonly namespace: string;
  readonly name: string;
}

/** `<ns>/<name>`, a name in the VirtualService's namespace, or the legacy `<name>.<ns>[.svc...]`. */
function gatewayRefs(vs: ManifestObject): GatewayRef[] {
  const ns = namespaceOf(vs);
  return strings(specOf(vs).gateways).filter((g) => g !== 'mesh').map((ref) => {
    if (ref.includes('/')) {
      const [namespace = ns, name = ''] = ref.split('/');
      return { ref, namespace, name };
    }
    const [name = '', namespace = ns] = ref.split('.');
    return { ref, namespace, name };
  });
}

function findGateway(ctx: ManifestContext, ref: GatewayRef): ManifestObject | undefined {
  return ofKind(ctx, NETWORKING, 'Gateway').find((g) => g.metadata.name === ref.name && namespaceOf(g) === ref.namespace);
}

function servers(gw: ManifestObject): Json[] {
  return items(specOf(gw).servers);
}

function serverLabel(server: Json, i: number): string {
  const port = obj(server.port);
  const name = str(server.name) ?? str(port.name);
  return `servers[${i}]${name === undefined ? '' : ` '${name}'`} (${str(port.protocol) ?? '?'} ${String(port.number ?? '?')})`;
}

/** A Gateway host, `[<namespace>/]<host>`: the namespace part limits which VirtualServices may bind. */
function splitGatewayHost(h: string): { readonly namespace?: string; readonly host: string } {
  const slash = h.indexOf('/');
  return slash === -1 ? { host: h } : { namespace: h.slice(0, slash), host: h.slice(slash + 1) };
}

/** Whether `host` of a VirtualService in `vsNs` is within one of the Gateway's hosts. */
function gatewayServes(gw: ManifestObject, vsNs: string, host: string): boolean {
  return servers(gw).some((s) => strings(s.hosts).map(splitGatewayHost).some((g) => {
    const nsOk = g.namespace === undefined || g.namespace === '*' || (g.namespace === '.' ? namespaceOf(gw) === vsNs : g.namespace === vsNs);
    // Istio binds when the names overlap in either direction (`*.example.com` on a Gateway for `shop.example.com`, or the reverse).
    return nsOk && (hostCovers(g.host, host) || hostCovers(host, g.host));
  }));
}

function gatewayHostList(gw: ManifestObject): string[] {
  return [...new Set(servers(gw).flatMap((s) => strings(s.hosts)))];
}

/** Istio gateway proxies, told apart from application pods by how they are injected or labelled. */
function isGatewayWorkload(w: Workload): boolean {
  const annotations = labelMap(podMetadata(w).annotations);
  return (annotations['inject.istio.io/templates'] ?? '').split(',').includes('gateway')
    || w.podLabels.istio !== undefined
    || (w.pod.containers ?? []).some((c) => /\/proxyv2(:|@|$)/.test(c.image ?? ''));
}


// ---------------------------------------------------------------------------------------
// NetworkPolicy
// ---------------------------------------------------------------------------------------

type Direction = 'Ingress' | 'Egress';
const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

/** `policyTypes`, or what Kubernetes defaults it to: Ingress, plus Egress when egress rules exist. */
function policyTypes(np: ManifestObject): Direction[] {
  const spec = specOf(np);
  const declared = strings(spec.policyTypes).filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (declared.length > 0) return declared;
  const defaults: Direction[] = ['Ingress'];
  // Kubernetes adds Egress only for a non-empty egress list: `egress: []` isolates nothing.
  if (Array.isArray(spec.egress) && spec.egress.length > 0) defaults.push('Egress');
  return defaults;
}

function isolates(np: ManifestObject, direction: Direction): boolean {
  return policyTypes(np).includes(direction);
}

/** Selects every pod of its namespace and allows nothing in that direction. */
function deniesAll(np: ManifestObject, direction: Direction): boolean {
  const spec = specOf(np);
  const rules = direction === 'Ingress' ? spec.ingress : spec.egress;
  return isEmptyLabelSelector(spec.podSelector) && isolates(np, direction) && (rules === undefined || rules === null || (Array.isArray(rules) && rules.length === 0));
}

// ---------------------------------------------------------------------------------------
// PeerAuthentication and AuthorizationPolicy
// ---------------------------------------------------------------------------------------

function mtlsMode(pa: ManifestObject): string {
  return str(obj(specOf(pa).mtls).mode) ?? 'UNSET';
}

function hasNoSelector(o: ManifestObject): boolean {
  return Object.keys(istioSelector(o)).length === 0 && !hasTargetRef(o);
}

function action(ap: ManifestObject): string {
  return str(specOf(ap).action) ?? 'ALLOW';
}

/** ALLOW with no rules and no selector: nothing is allowed unless another policy says so. */
function isAllowNothing(ap: ManifestObject): boolean {
  const spec = specOf(ap);
  const noRules = spec.rules === undefined || spec.rules === null || (Array.isArray(spec.rules) && spec.rules.length === 0);
  return action(ap) === 'ALLOW' && spec.provider === undefined && hasNoSelector(ap) && noRules;
}

const MATCH_ALL_CIDRS = new Set(['0.0.0.0/0', '::/0']);
const NEGATIVE_SOURCE = ['notPrincipals', 'notRequestPrincipals', 'notNamespaces', 'notIpBlocks', 'notRemoteIpBlocks', 'notServiceAccounts', 'notTrustDomains'];
const NEGATIVE_OPERATION = ['notHosts', 'notPorts', 'notMethods', 'notPaths'];

/**
 * A source or operation that constrains nothing: no fields, or only `*` hosts/methods/paths
 * and 0.0.0.0/0 blocks. Principals, namespaces and request principals of `*` still require
 * an authenticated caller, so they count as constraints.
 */
function matchesEverything(fields: Json): boolean {
  return Object.entries(fields).every(([key, value]) => {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return true;
    const values = strings(value);
    if (key === 'ipBlocks' || key === 'remoteIpBlocks') return values.some((v) => MATCH_ALL_CIDRS.has(v));
    if (key === 'hosts' || key === 'methods' || key === 'paths') return values.includes('*');
    return false;
  });
}

/** A rule that matches every request: entries of `from` (and of `to`) are ORed, conditions of `when` ANDed. */
function ruleMatchesEverything(rule: Json): boolean {
  const from = items(rule.from).map((f) => obj(f.source));
  const to = items(rule.to).map((t) => obj(t.operation));
  return (from.length === 0 || from.some(matchesEverything)) && (to.length === 0 || to.some(matchesEverything)) && items(rule.when).length === 0;
}

/** Fields of an AuthorizationPolicy rule that read the request's JWT. */
function jwtFields(rule: Json): string[] {
  const fields = items(rule.from).flatMap((f) => ['requestPrincipals', 'notRequestPrincipals'].filter((k) => obj(f.source)[k] !== undefined));
  const claims = items(rule.when).map((w) => str(w.key) ?? '').filter((k) => k.startsWith('request.auth.'));
  return [...new Set([...fields, ...claims])];
}

/** The RequestAuthentications that apply to a workload: its namespace's, and mesh-wide ones. */
function requestAuthenticationsFor(ctx: ManifestContext, w: Workload): ManifestObject[] {
  const ns = namespaceOf(w.object);
  return ofKind(ctx, SECURITY, 'RequestAuthentication').filter((ra) => {
    const raNs = namespaceOf(ra);
    if (raNs !== ns && raNs !== MESH_ROOT_NAMESPACE) return false;
    return labelsMatch(istioSelector(ra), w.podLabels);
  });
}

// ---------------------------------------------------------------------------------------
// Sidecars and injection
// ---------------------------------------------------------------------------------------

/** The Sidecar a workload's proxy uses: one selecting it, else its namespace's, else the mesh default. */
function sidecarsFor(ctx: ManifestContext, w: Workload): ManifestObject[] {
  const ns = namespaceOf(w.object);
  const sidecars = ofKind(ctx, NETWORKING, 'Sidecar');
  const selecting = sidecars.filter((s) => namespaceOf(s) === ns && Object.keys(istioSelector(s)).length > 0 && labelsMatch(istioSelector(s), w.podLabels));
  if (selecting.length > 0) return selecting;
  const namespaceWide = sidecars.filter((s) => namespaceOf(s) === ns && Object.keys(istioSelector(s)).length === 0);
  if (namespaceWide.length > 0) return namespaceWide;
  return sidecars.filter((s) => namespaceOf(s) === MESH_ROOT_NAMESPACE && Object.keys(istioSelector(s)).length === 0);
}

/** Protocols Istio reads from a port name prefix or `appProtocol`. */
const ISTIO_PROTOCOLS = new Set(['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'udp', 'mongo', 'mysql', 'redis']);
const K8S_APP_PROTOCOLS = new Set(['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);

function namedProtocol(port: Json): boolean {
  const appProtocol = str(port.appProtocol)?.toLowerCase();
  if (appProtocol !== undefined && (ISTIO_PROTOCOLS.has(appProtocol) || K8S_APP_PROTOCOLS.has(appProtocol))) return true;
  const name = str(port.name)?.toLowerCase() ?? '';
  return [...ISTIO_PROTOCOLS].some((p) => name === p || name.startsWith(`${p}-`));
}

// ---------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------

const nm01DefaultDeny: ManifestRule = {
  id: 'NM01-default-deny',
  target: 'manifests',
  description: 'Every namespace that runs pods has a default-deny NetworkPolicy for both Ingress and Egress',
  why: 'Without a default deny, a pod no policy selects accepts and opens connections to anything: a new workload, or one whose labels drift, is silently unisolated, and a compromised pod can reach the whole cluster and the metadata server.',
  fix: 'Add a NetworkPolicy with `podSelector: {}`, `policyTypes: [Ingress, Egress]` and no rules to the namespace, then allow each flow explicitly.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM01'],
  check(ctx) {
    const policies = ofKind(ctx, 'networking.k8s.io', 'NetworkPolicy');
    return meshIndex(ctx).namespaces.flatMap((ns) => {
      const inNs = policies.filter((p) => namespaceOf(p) === ns);
      const missing = DIRECTIONS.filter((d) => !inNs.some((p) => deniesAll(p, d)));
      return missing.length === 0 ? [] : [finding(namespaceId(ns), `no default-deny NetworkPolicy (podSelector {}, no rules) for ${missing.join(' and ')} in namespace '${ns}'`)];
    });
  },
};

const nm01PodCoverage: ManifestRule = {
  id: 'NM01-pod-coverage',
  target: 'manifests',
  description: "Every workload's pods are selected by a NetworkPolicy for Ingress and for Egress",
  why: 'A pod that no NetworkPolicy selects for a direction is not isolated in that direction: any pod in the cluster can reach it, or it can reach any of them, whatever the mesh says (traffic that bypasses the sidecar is not checked by Istio).',
  fix: "Select the pods with a NetworkPolicy covering both directions (a namespace default-deny with `podSelector: {}` does), then allow the workload's flows.",
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM01'],
  check(ctx) {
    const policies = ofKind(ctx, 'networking.k8s.io', 'NetworkPolicy');
    return meshIndex(ctx).workloads.flatMap((w) => {
      const selecting = policies.filter((p) => namespaceOf(p) === namespaceOf(w.object) && labelSelectorMatches(specOf(p).podSelector ?? {}, w.podLabels));
      const missing = DIRECTIONS.filter((d) => !selecting.some((p) => isolates(p, d)));
      return missing.length === 0 ? [] : [finding(w.id, `pods (${formatLabels(w.podLabels) || 'no labels'}) are selected by no NetworkPolicy for ${missing.join(' and ')}`)];
    });
  },
};

const nm03StrictMtls: ManifestRule = {
  id: 'NM03-strict-mtls',
  target: 'manifests',
  description: 'Every namespace that runs pods is under a STRICT PeerAuthentication (its own, or mesh-wide in istio-system)',
  why: "Istio's default is PERMISSIVE: sidecars also accept plaintext, so any pod (or anything that reaches the pod IP) can call a service without a workload identity, bypassing the principals AuthorizationPolicies check, and traffic can be read on the wire.",
  fix: `Add a PeerAuthentication named \`default\` with \`mtls.mode: STRICT\` and no selector to the namespace (or to ${MESH_ROOT_NAMESPACE} for the whole mesh).`,
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM03'],
  check(ctx) {
    const pas = ofKind(ctx, SECURITY, 'PeerAuthentication').filter(hasNoSelector);
    const meshWide = pas.filter((p) => namespaceOf(p) === MESH_ROOT_NAMESPACE);
    return meshIndex(ctx).namespaces.flatMap((ns) => {
      const own = pas.filter((p) => namespaceOf(p) === ns);
      const weak = own.find((p) => !['STRICT', 'UNSET'].includes(mtlsMode(p)));
      if (weak !== undefined) return [finding(namespaceId(ns), `namespace-wide ${objectId(weak)} sets mtls.mode ${mtlsMode(weak)}, not STRICT`)];
      if (own.some((p) => mtlsMode(p) === 'STRICT')) return [];
      const meshWeak = meshWide.find((p) => !['STRICT', 'UNSET'].includes(mtlsMode(p)));
      if (meshWeak !== undefined) return [finding(namespaceId(ns), `inherits mtls.mode ${mtlsMode(meshWeak)} from mesh-wide ${objectId(meshWeak)}`)];
      if (meshWide.some((p) => mtlsMode(p) === 'STRICT')) return [];
      return [finding(namespaceId(ns), `no PeerAuthentication with mtls.mode STRICT for namespace '${ns}' nor mesh-wide in ${MESH_ROOT_NAMESPACE}`)];
    });
  },
};

const nm03NoPermissive: ManifestRule = {
  id: 'NM03-no-permissive',
  target: 'manifests',
  description: 'No PeerAuthentication sets PERMISSIVE or DISABLE, for a namespace, a workload or a port',
  why: 'One override re-opens plaintext: a PERMISSIVE or DISABLE mode on a workload or a port lets callers skip mTLS, so they arrive without an identity and the traffic is unencrypted, however STRICT the namespace is.',
  fix: 'Remove the override or set it to STRICT; a port that must take plaintext (a health check from outside the mesh) belongs outside the mesh, with a written exception.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM03'],
  check(ctx) {
    const weak = (mode: string | undefined) => mode === 'PERMISSIVE' || mode === 'DISABLE';
    return ofKind(ctx, SECURITY, 'PeerAuthentication').flatMap((pa) => {
      const out: Finding[] = [];
      if (weak(mtlsMode(pa))) out.push(finding(pa, `mtls.mode is ${mtlsMode(pa)}`));
      for (const [port, setting] of Object.entries(obj(specOf(pa).portLevelMtls))) {
        const mode = str(obj(setting).mode);
        if (weak(mode)) out.push(finding(pa, `portLevelMtls ${port} mode is ${String(mode)}`));
      }
      return out;
    });
  },
};

const nm04DenyByDefault: ManifestRule = {
  id: 'NM04-deny-by-default',
  target: 'manifests',
  description: 'Every namespace that runs pods has an allow-nothing AuthorizationPolicy (ALLOW, no selector, no rules)',
  why: 'A workload no AuthorizationPolicy selects allows every request. Deny-by-default makes each permitted caller an explicit ALLOW, so a new service or a forgotten policy fails closed instead of open.',
  fix: `Add an AuthorizationPolicy \`allow-nothing\` with \`spec: {}\` to the namespace (or to ${MESH_ROOT_NAMESPACE} for the whole mesh), then ALLOW each caller per workload.`,
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM04'],
  check(ctx) {
    const allowNothing = ofKind(ctx, SECURITY, 'AuthorizationPolicy').filter(isAllowNothing);
    return meshIndex(ctx).namespaces
      .filter((ns) => !allowNothing.some((ap) => namespaceOf(ap) === ns || namespaceOf(ap) === MESH_ROOT_NAMESPACE))
      .map((ns) => finding(namespaceId(ns), `no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace '${ns}' nor in ${MESH_ROOT_NAMESPACE}`));
  },
};

const nm05NoAllowAll: ManifestRule = {
  id: 'NM05-no-allow-all',
  target: 'manifests',
  description: 'No ALLOW AuthorizationPolicy has a rule that matches every request (`{}`, or empty from/to/when)',
  why: 'An ALLOW rule that matches everything switches deny-by-default off for what the policy selects: any caller, authenticated or not, reaches every path and method.',
  fix: 'Give every ALLOW rule a `from` naming the callers (principals or namespaces) and, where it matters, a `to` naming the operations.',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['NM05'],
  check(ctx) {
    return ofKind(ctx, SECURITY, 'AuthorizationPolicy').filter((ap) => action(ap) === 'ALLOW').flatMap((ap) => {
      const selector = istioSelector(ap);
      const scope = Object.keys(selector).length > 0 ? `workloads ${formatLabels(selector)}` : namespaceOf(ap) === MESH_ROOT_NAMESPACE ? 'every workload of the mesh' : `every workload in namespace '${namespaceOf(ap)}'`;
      return items(specOf(ap).rules).flatMap((rule, i) => (ruleMatchesEverything(rule) ? [finding(ap, `rules[${i}] matches every request: it allows anyone to reach ${scope}`)] : []));
    });
  },
};

const nm05PositiveAllow: ManifestRule = {
  id: 'NM05-positive-allow',
  target: 'manifests',
  description: 'ALLOW rules use positive matches only (no notPrincipals, notNamespaces, notPaths, notValues...); negations belong in DENY rules',
  why: "A negative match in an ALLOW rule allows everything except what it lists, so every caller or path nobody thought of is allowed; Istio's security guidance is ALLOW with positive matches, DENY with negative ones.",
  fix: 'Rewrite the rule to list what is allowed (principals, namespaces, paths, methods), or move the exclusion into a DENY policy.',
  severity: 'medium',
  enforcement: 'advisory',
  catalogue: ['NM05'],
  check(ctx) {
    return ofKind(ctx, SECURITY, 'AuthorizationPolicy').filter((ap) => action(ap) === 'ALLOW').flatMap((ap) =>
      items(specOf(ap).rules).flatMap((rule, i) => {
        const negatives = [
          ...items(rule.from).flatMap((f, j) => NEGATIVE_SOURCE.filter((k) => obj(f.source)[k] !== undefined).map((k) => `from[${j}].source.${k}`)),
          ...items(rule.to).flatMap((t, j) => NEGATIVE_OPERATION.filter((k) => obj(t.operation)[k] !== undefined).map((k) => `to[${j}].operation.${k}`)),
          ...items(rule.when).flatMap((w, j) => (w.notValues !== undefined ? [`when[${j}].notValues`] : [])),
        ];
        return negatives.length === 0 ? [] : [finding(ap, `ALLOW rules[${i}] uses negative matches: ${negatives.join(', ')}`)];
      }),
    );
  },
};

const nm06ScopedGatewayHosts: ManifestRule = {
  id: 'NM06-gateway-hosts',
  target: 'manifests',
  description: 'Gateway servers name their hosts: never `*` (or `ns/*`) nor a wildcard over a top-level domain (`*.com`)',
  why: 'A `*` host makes the gateway answer for any Host header: routes of every namespace that bind to it become public, and requests for names the platform never published (host-header attacks, domain fronting) are accepted.',
  fix: "List the environment's public hostnames (or a wildcard under a domain you own, `*.example.com`) in each server's `hosts`.",
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM06'],
  check(ctx) {
    // The documented exception (docs/edge.md): the platform's load balancer hop accepts any
    // SNI, because the load balancer sends none; apps' routes keep their own hosts.
    return ofKind(ctx, NETWORKING, 'Gateway').filter((gw) => !isPlatformObject(ctx, gw)).flatMap((gw) =>
      servers(gw).flatMap((s, i) => strings(s.hosts)
        .filter((h) => { const { host } = splitGatewayHost(h); return host === '*' || /^\*\.[^.]+$/.test(host); })
        .map((h) => finding(gw, `${serverLabel(s, i)} host '${h}' accepts any hostname${h.endsWith('/*') || h === '*' ? '' : ' under a top-level domain'}`))),
    );
  },
};

const TLS_TERMINATING = new Set(['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL']);

function hasServerCertificate(tls: Json): boolean {
  return str(tls.credentialName) !== undefined || strings(tls.credentialNames).length > 0 || items(tls.tlsCertificates).length > 0
    || (str(tls.serverCertificate) !== undefined && str(tls.privateKey) !== undefined);
}

const nm07HttpsCertificate: ManifestRule = {
  id: 'NM07-https-certificate',
  target: 'manifests',
  description: 'Every HTTPS (and terminating TLS) Gateway server has TLS settings with a certificate: credentialName, or serverCertificate and privateKey',
  why: 'An HTTPS server without a certificate does not serve TLS: the listener is rejected or clients get no valid certificate, so the edge is either down or pushed to plaintext.',
  fix: "Set `tls: { mode: SIMPLE, credentialName: <secret in the gateway's namespace> }` on the server.",
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM07', 'MC04'],
  check(ctx) {
    return ofKind(ctx, NETWORKING, 'Gateway').flatMap((gw) => servers(gw).flatMap((s, i) => {
      const protocol = (str(obj(s.port).protocol) ?? '').toUpperCase();
      const tls = isJson(s.tls) ? s.tls : undefined;
      if (protocol !== 'HTTPS' && protocol !== 'TLS') return [];
      if (tls === undefined) return [finding(gw, `${serverLabel(s, i)} has no tls settings`)];
      const mode = str(tls.mode) ?? 'PASSTHROUGH';
      if (protocol === 'HTTPS' && !TLS_TERMINATING.has(mode) && mode !== 'ISTIO_MUTUAL') return [finding(gw, `${serverLabel(s, i)} has tls.mode ${mode}, which does not terminate HTTPS`)];
      if (TLS_TERMINATING.has(mode) && !hasServerCertificate(tls)) return [finding(gw, `${serverLabel(s, i)} tls.mode ${mode} has no credentialName (nor serverCertificate and privateKey)`)];
      return [];
    }));
  },
};

const CLEARTEXT_HTTP = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

const nm07HttpRedirect: ManifestRule = {
  id: 'NM07-http-redirect',
  target: 'manifests',
  description: 'Every plaintext HTTP Gateway server redirects to HTTPS (`tls.httpsRedirect: true`)',
  why: 'A plaintext listener that serves the routes exposes credentials, cookies and data to anyone on the path, and lets a downgrade attacker keep users on HTTP.',
  fix: 'Set `tls: { httpsRedirect: true }` on the HTTP server (it then answers 301 to HTTPS), or remove the server.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM07'],
  check(ctx) {
    return ofKind(ctx, NETWORKING, 'Gateway').flatMap((gw) => servers(gw).flatMap((s, i) => {
      const protocol = (str(obj(s.port).protocol) ?? '').toUpperCase();
      return CLEARTEXT_HTTP.has(protocol) && obj(s.tls).httpsRedirect !== true ? [finding(gw, `${serverLabel(s, i)} serves plaintext without tls.httpsRedirect`)] : [];
    }));
  },
};

const WEAK_TLS_VERSIONS = new Set(['TLSV1_0', 'TLSV1_1']);

const nm07MinTls: ManifestRule = {
  id: 'NM07-min-tls-version',
  target: 'manifests',
  description: 'Gateway servers do not allow TLS below 1.2 (minProtocolVersion, maxProtocolVersion)',
  why: 'TLS 1.0 and 1.1 are deprecated (RFC 8996): their cipher suites and handshake have known attacks (BEAST, POODLE-style downgrades) and compliance baselines (PCI DSS) forbid them.',
  fix: 'Leave minProtocolVersion unset (TLS 1.2 is the default) or set it to TLSV1_2 or TLSV1_3; never cap maxProtocolVersion below TLSV1_2.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM07'],
  check(ctx) {
    return ofKind(ctx, NETWORKING, 'Gateway').flatMap((gw) => servers(gw).flatMap((s, i) => {
      const tls = obj(s.tls);
      return (['minProtocolVersion', 'maxProtocolVersion'] as const)
        .filter((k) => WEAK_TLS_VERSIONS.has(str(tls[k]) ?? ''))
        .map((k) => finding(gw, `${serverLabel(s, i)} tls.${k} is ${String(tls[k])}`));
    }));
  },
};

/** Where a DestinationRule sets TLS: top-level, per port, per subset and per subset port. */
function destinationRuleTls(dr: ManifestObject): Array<{ readonly where: string; readonly tls: Json }> {
  const spec = specOf(dr);
  const inPolicy = (prefix: string, policy: Json) => [
    ...(isJson(policy.tls) ? [{ where: `${prefix}.tls`, tls: policy.tls }] : []),
    ...items(policy.portLevelSettings).flatMap((p, i) => (isJson(p.tls) ? [{ where: `${prefix}.portLevelSettings[${i}].tls`, tls: p.tls }] : [])),
  ];
  return [
    ...inPolicy('trafficPolicy', obj(spec.trafficPolicy)),
    ...items(spec.subsets).flatMap((s, i) => inPolicy(`subsets[${i}].trafficPolicy`, obj(s.trafficPolicy))),
  ];
}

const nm08OriginationCa: ManifestRule = {
  id: 'NM08-origination-ca',
  target: 'manifests',
  description: 'A DestinationRule that originates TLS (mode SIMPLE or MUTUAL) verifies the server: caCertificates or credentialName, and no insecureSkipVerify',
  why: "Without a CA to check against, Envoy does not verify the upstream's certificate: the connection is encrypted but anyone who can intercept it (DNS, egress path) can impersonate the server and read or change the traffic.",
  fix: 'Set `tls.caCertificates` (a CA bundle on the proxy) or `tls.credentialName` (a secret with ca.crt), and `sni`/`subjectAltNames` for the upstream name; remove insecureSkipVerify.',
  severity: 'medium',
  enforcement: 'advisory',
  catalogue: ['NM08'],
  check(ctx) {
    return ofKind(ctx, NETWORKING, 'DestinationRule').flatMap((dr) => destinationRuleTls(dr).flatMap(({ where, tls }) => {
      const mode = str(tls.mode);
      if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return [];
      if (tls.insecureSkipVerify === true) return [finding(dr, `${where} mode ${mode} sets insecureSkipVerify`)];
      return str(tls.caCertificates) === undefined && str(tls.credentialName) === undefined ? [finding(dr, `${where} mode ${mode} has neither caCertificates nor credentialName`)] : [];
    }));
  },
};

const nm09SidecarEgress: ManifestRule = {
  id: 'NM09-sidecar-egress',
  target: 'manifests',
  description: "Every workload's proxy uses a Sidecar whose egress hosts are scoped (not `*/*`)",
  why: 'Without a Sidecar, a proxy knows and can reach every service of the mesh: a compromised pod can call anything its AuthorizationPolicies do not stop, and every proxy holds (and recomputes) the whole mesh config.',
  fix: "Add a Sidecar selecting the workload with `egress.hosts` listing its dependencies (`./svc.ns.svc.cluster.local`) and istiod's namespace, and `outboundTrafficPolicy.mode: REGISTRY_ONLY`.",
  severity: 'medium',
  enforcement: 'advisory',
  catalogue: ['NM09'],
  check(ctx) {
    // Gateway proxies take no Sidecar: Istio scopes them by the routes bound to them.
    return meshIndex(ctx).workloads.filter((w) => !isGatewayWorkload(w)).flatMap((w) => {
      const sidecars = sidecarsFor(ctx, w);
      if (sidecars.length === 0) return [finding(w.id, 'no Sidecar applies to the pods: their proxy reaches every service of the mesh')];
      return sidecars.flatMap((s) => {
        const egress = items(specOf(s).egress);
        if (egress.length === 0) return [finding(w.id, `${objectId(s)} has no egress listeners: the proxy reaches every service of the mesh`)];
        const open = egress.flatMap((e) => strings(e.hosts)).filter((h) => h === '*/*' || h === '*');
        return open.length === 0 ? [] : [finding(w.id, `${objectId(s)} egress host ${quoted(open)} allows every namespace`)];
      });
    });
  },
};

const nm10Injection: ManifestRule = {
  id: 'NM10-injection',
  target: 'manifests',
  description: "Every workload gets an Istio sidecar: its namespace is labelled istio-injection=enabled or istio.io/rev (or its pods opt in), and nothing opts out",
  why: 'A pod without a sidecar is outside the mesh: with STRICT mTLS it cannot talk to meshed services, and nothing it serves is protected by mTLS, AuthorizationPolicies or telemetry.',
  fix: 'Label the namespace `istio-injection: enabled` (or `istio.io/rev: <revision>`) and remove `sidecar.istio.io/inject: "false"` from the pod template.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM10'],
  check(ctx) {
    const namespaces = new Map(ofKind(ctx, '', 'Namespace').map((n) => [n.metadata.name, labelMap(n.metadata.labels)]));
    return meshIndex(ctx).workloads.flatMap((w) => {
      if (w.pod.hostNetwork === true) return [];
      const ns = namespaceOf(w.object);
      const nsLabels = namespaces.get(ns);
      // The webhook selects pods by the label; the (deprecated) annotation can still opt out.
      const podLabel = w.podLabels['sidecar.istio.io/inject'];
      const podAnnotation = labelMap(podMetadata(w).annotations)['sidecar.istio.io/inject'];
      if (nsLabels?.['istio-injection'] === 'disabled') return [finding(w.id, `namespace '${ns}' is labelled istio-injection=disabled`)];
      if (podLabel === 'false' || podAnnotation === 'false') return [finding(w.id, 'the pod template sets sidecar.istio.io/inject=false')];
      const nsOn = nsLabels !== undefined && (nsLabels['istio-injection'] === 'enabled' || nsLabels['istio.io/rev'] !== undefined);
      if (nsOn || podLabel === 'true' || w.podLabels['istio.io/rev'] !== undefined) return [];
      return [finding(w.id, nsLabels === undefined
        ? `namespace '${ns}' is not in the set and the pods do not set sidecar.istio.io/inject=true: injection is not enabled`
        : `namespace '${ns}' has neither istio-injection=enabled nor istio.io/rev, and the pods do not set sidecar.istio.io/inject=true`)];
    });
  },
};

const nm10PortProtocol: ManifestRule = {
  id: 'NM10-port-protocol',
  target: 'manifests',
  description: 'Service ports declare their protocol for Istio: appProtocol, or a name `<protocol>[-suffix]` (http, grpc, tcp, tls...)',
  why: "Istio sniffs the protocol of an undeclared port: HTTP routing, retries, AuthorizationPolicy paths and metrics may not apply, and server-first protocols stall until the sniffing times out.",
  fix: 'Set `appProtocol: http` (or grpc, tcp, tls, https...) on the port, or name it `http`, `http-web`, `grpc`, `tcp-db`...',
  severity: 'low',
  enforcement: 'advisory',
  catalogue: ['NM10'],
  check(ctx) {
    return ofKind(ctx, '', 'Service').filter((s) => specOf(s).type !== 'ExternalName').flatMap((s) =>
      items(specOf(s).ports).filter((p) => !namedProtocol(p)).map((p) => finding(s, `port ${String(p.port ?? '?')} (name '${str(p.name) ?? ''}', appProtocol '${str(p.appProtocol) ?? ''}') declares no protocol Istio knows`)),
    );
  },
};

const mc01DestinationHosts: ManifestRule = {
  id: 'MC01-destination-hosts',
  target: 'manifests',
  description: 'VirtualService route and mirror destinations are Services of the set (`svc`, `svc.ns.svc.cluster.local`) or ServiceEntry hosts',
  why: 'A destination no registry knows has no Envoy cluster: requests routed there fail with 503 (no healthy upstream), and a typo in a host ships an outage.',
  fix: 'Name an existing Service (short name in the same namespace, or `<svc>.<ns>.svc.cluster.local`); for an external host, add a ServiceEntry.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC01'],
  check(ctx) {
    const index = meshIndex(ctx);
    return ofKind(ctx, NETWORKING, 'VirtualService').flatMap((vs) => destinations(vs).flatMap((d) => {
      const r = resolveHost(index, d.host, namespaceOf(vs));
      return isResolved(r) ? [] : [finding(vs, `${d.where} destination ${unresolved(index, d.host, r)}`)];
    }));
  },
};

const mc02Subsets: ManifestRule = {
  id: 'MC02-subsets',
  target: 'manifests',
  description: "Every subset a VirtualService routes to is defined in a DestinationRule for that host",
  why: 'A route to an undefined subset has no cluster: Envoy returns 503 for all of its traffic (istioctl IST0101), typically after a version was renamed or its DestinationRule not applied.',
  fix: 'Add the subset (name and version labels) to the DestinationRule of the host, or route to a subset it defines.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC02'],
  check(ctx) {
    const rules = ofKind(ctx, NETWORKING, 'DestinationRule');
    return ofKind(ctx, NETWORKING, 'VirtualService').flatMap((vs) => destinations(vs).flatMap((d) => {
      if (d.subset === undefined) return [];
      const host = fqdn(d.host, namespaceOf(vs));
      const forHost = rules.filter((dr) => fqdn(str(specOf(dr).host) ?? '', namespaceOf(dr)) === host);
      if (forHost.length === 0) return [finding(vs, `${d.where} subset '${d.subset}' of ${host}: no DestinationRule for that host`)];
      const defined = forHost.flatMap((dr) => items(specOf(dr).subsets).map((s) => str(s.name) ?? ''));
      return defined.includes(d.subset) ? [] : [finding(vs, `${d.where} subset '${d.subset}' of ${host} is not defined by ${forHost.map((dr) => objectId(dr)).join(', ')} (subsets: ${quoted(defined)})`)];
    }));
  },
};

const mc03GatewayExists: ManifestRule = {
  id: 'MC03-gateway-exists',
  target: 'manifests',
  description: 'Every gateway a VirtualService binds to (`name` in its namespace, or `ns/name`) is a Gateway of the set',
  why: 'A VirtualService bound to a missing Gateway is ignored by that gateway: the public routes silently do not exist (404 at the edge).',
  fix: 'Bind to an existing Gateway by `<namespace>/<name>` (or its name when it is in the same namespace), or add the Gateway.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC03'],
  check(ctx) {
    return ofKind(ctx, NETWORKING, 'VirtualService').flatMap((vs) => gatewayRefs(vs)
      .filter((ref) => findGateway(ctx, ref) === undefined)
      .map((ref) => finding(vs, `gateway '${ref.ref}' (${ref.namespace}/${ref.name}) is not a Gateway in the set`)));
  },
};

const mc03GatewayHosts: ManifestRule = {
  id: 'MC03-gateway-hosts',
  target: 'manifests',
  description: "The hosts of a gateway-bound VirtualService are within its Gateways' hosts (namespace scoping included)",
  why: 'A gateway only serves hosts it declares: routes for other hosts are dropped (istioctl IST0132), so the route looks deployed but never answers.',
  fix: "Use the Gateway's hostnames in the VirtualService's `hosts`, or add the host to a Gateway server (and its certificate).",
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC03'],
  check(ctx) {
    return ofKind(ctx, NETWORKING, 'VirtualService').flatMap((vs) => {
      const ns = namespaceOf(vs);
      const hosts = strings(specOf(vs).hosts);
      const gateways = gatewayRefs(vs).map((ref) => findGateway(ctx, ref)).filter((g): g is ManifestObject => g !== undefined);
      const useless = gateways.filter((gw) => !hosts.some((h) => gatewayServes(gw, ns, h)));
      const out = useless.map((gw) => finding(vs, `none of its hosts (${quoted(hosts)}) is among the hosts of ${objectId(gw)} (${quoted(gatewayHostList(gw))})`));
      // Without `mesh`, a host no gateway serves is dead config; skip when every gateway was already reported.
      if (!bindsMesh(vs) && gateways.length > 0 && useless.length < gateways.length) {
        for (const h of hosts.filter((h) => !gateways.some((gw) => gatewayServes(gw, ns, h)))) {
          out.push(finding(vs, `host '${h}' is among the hosts of none of its gateways (${gateways.map((g) => objectId(g)).join(', ')})`));
        }
      }
      return out;
    });
  },
};

const mc04GatewaySelector: ManifestRule = {
  id: 'MC04-gateway-selector',
  target: 'manifests',
  description: 'Every Gateway has a non-empty selector that picks gateway proxies (the ingress gateway), never application pods',
  why: 'An empty selector binds the Gateway to every gateway proxy of the mesh (egress and internal ones too, exposing the routes there); a selector that matches application pods, or no gateway at all, leaves the edge without its listeners.',
  fix: 'Set `selector` to the ingress gateway\'s pod labels (e.g. `istio: ingress` for the Helm chart named istio-ingress).',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC04'],
  check(ctx) {
    const index = meshIndex(ctx);
    const gatewayPods = index.workloads.filter(isGatewayWorkload);
    return ofKind(ctx, NETWORKING, 'Gateway').flatMap((gw) => {
      const selector = labelMap(specOf(gw).selector);
      if (Object.keys(selector).length === 0) return [finding(gw, 'selector is empty: the Gateway applies to every gateway proxy of the mesh')];
      const selected = index.workloads.filter((w) => labelsMatch(selector, w.podLabels));
      const apps = selected.filter((w) => !isGatewayWorkload(w));
      if (apps.length > 0) return [finding(gw, `selector ${formatLabels(selector)} selects application workloads (${apps.map((w) => w.id).join(', ')}), not an ingress gateway`)];
      if (gatewayPods.length > 0 && selected.length === 0) return [finding(gw, `selector ${formatLabels(selector)} matches none of the gateway workloads in the set (${gatewayPods.map((w) => w.id).join(', ')})`)];
      return [];
    });
  },
};

const mc05VirtualServiceConflicts: ManifestRule = {
  id: 'MC05-virtualservice-conflicts',
  target: 'manifests',
  description: 'No two VirtualServices define the same host for the same gateway (`mesh` or a named Gateway)',
  why: 'Istio merges or picks between VirtualServices for the same host on the same gateway in an order nobody controls: routes disappear or shadow each other depending on creation time (istioctl IST0109).',
  fix: 'Merge the routes into one VirtualService per host and gateway, or use delegate VirtualServices.',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['MC05'],
  check(ctx) {
    const owners = new Map<string, { gateway: string; host: string; services: ManifestObject[] }>();
    for (const vs of ofKind(ctx, NETWORKING, 'VirtualService')) {
      const ns = namespaceOf(vs);
      const gateways = [...(bindsMesh(vs) ? ['mesh'] : []), ...gatewayRefs(vs).map((r) => `${r.namespace}/${r.name}`)];
      for (const gateway of new Set(gateways)) {
        for (const host of new Set(strings(specOf(vs).hosts).map((h) => fqdn(h, ns)))) {
          const key = `${gateway} ${host}`;
          const entry = owners.get(key) ?? { gateway, host, services: [] };
          entry.services.push(vs);
          owners.set(key, entry);
        }
      }
    }
    return [...owners.values()].filter((e) => e.services.length > 1).flatMap(({ gateway, host, services }) =>
      services.map((vs) => finding(vs, `host '${host}' on gateway '${gateway}' is also defined by ${services.filter((o) => o !== vs).map((o) => objectId(o)).join(', ')}`)));
  },
};

const mc05SidecarOverlap: ManifestRule = {
  id: 'MC05-sidecar-overlap',
  target: 'manifests',
  description: 'At most one Sidecar selects each workload, and at most one Sidecar per namespace has no selector',
  why: 'When two Sidecars apply to the same proxy Istio uses one of them, chosen by creation time: the egress scope the workload gets is unpredictable (istioctl IST0109/IST0110).',
  fix: 'Merge the Sidecars, or make their workloadSelectors disjoint.',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['MC05'],
  check(ctx) {
    const index = meshIndex(ctx);
    const sidecars = ofKind(ctx, NETWORKING, 'Sidecar');
    const covered = (s: ManifestObject): Workload[] => (Object.keys(istioSelector(s)).length === 0 ? [] : selectedWorkloads(index, s).filter((w) => namespaceOf(w.object) === namespaceOf(s)));
    return sidecars.flatMap((s) => {
      const out: Finding[] = [];
      const others = sidecars.filter((o) => o !== s && namespaceOf(o) === namespaceOf(s));
      if (Object.keys(istioSelector(s)).length === 0) {
        const wide = others.filter((o) => Object.keys(istioSelector(o)).length === 0);
        if (wide.length > 0) out.push(finding(s, `has no workloadSelector, like ${wide.map((o) => objectId(o)).join(', ')}: namespace '${namespaceOf(s)}' has several default Sidecars`));
        return out;
      }
      const mine = covered(s);
      for (const o of others) {
        const shared = covered(o).filter((w) => mine.includes(w));
        if (shared.length > 0) out.push(finding(s, `selects ${shared.map((w) => w.id).join(', ')}, also selected by ${objectId(o)}`));
      }
      return out;
    });
  },
};

const mc07DestinationRuleHost: ManifestRule = {
  id: 'MC07-destinationrule-host',
  target: 'manifests',
  description: 'Every DestinationRule host (other than a wildcard) is a Service of the set or a ServiceEntry host',
  why: 'A DestinationRule for a host nobody routes to applies nothing: its TLS mode, circuit breakers and subsets are silently missing for the service that was meant, typically after a rename or a short name in the wrong namespace.',
  fix: 'Set `host` to the Service (`<svc>.<ns>.svc.cluster.local`), or add the ServiceEntry for an external host.',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['MC07'],
  check(ctx) {
    const index = meshIndex(ctx);
    return ofKind(ctx, NETWORKING, 'DestinationRule').flatMap((dr) => {
      const host = str(specOf(dr).host);
      if (host === undefined) return [finding(dr, 'has no host')];
      if (host.startsWith('*')) return [];
      const r = resolveHost(index, host, namespaceOf(dr));
      return isResolved(r) ? [] : [finding(dr, `host ${unresolved(index, host, r)}`)];
    });
  },
};

const mc07SubsetPods: ManifestRule = {
  id: 'MC07-subset-pods',
  target: 'manifests',
  description: "Every DestinationRule subset's labels select at least one workload's pods behind the Service",
  why: 'A subset that selects no pods has no endpoints: traffic routed to it fails with 503, often because a Deployment lost its version label or was renamed.',
  fix: "Make the subset's labels match the pod template labels of the version's Deployment (e.g. `version: v2`), or remove the subset.",
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC07'],
  check(ctx) {
    const index = meshIndex(ctx);
    return ofKind(ctx, NETWORKING, 'DestinationRule').flatMap((dr) => {
      const host = str(specOf(dr).host);
      const service = host === undefined || host.startsWith('*') ? undefined : resolveHost(index, host, namespaceOf(dr)).service;
      if (service === undefined) return [];
      const selector = labelMap(specOf(service).selector);
      if (Object.keys(selector).length === 0) return [];
      const pods = workloadsIn(index, namespaceOf(service)).filter((w) => labelsMatch(selector, w.podLabels));
      return items(specOf(dr).subsets).flatMap((subset) => {
        const labels = labelMap(subset.labels);
        return pods.some((w) => labelsMatch(labels, w.podLabels)) ? [] : [finding(dr, `subset '${str(subset.name) ?? '?'}' (${formatLabels(labels) || 'no labels'}) selects no pods of ${objectId(service)}`)];
      });
    });
  },
};

const SELECTING_KINDS: ReadonlyArray<readonly [string, string]> = [
  [SECURITY, 'AuthorizationPolicy'], [SECURITY, 'RequestAuthentication'], [SECURITY, 'PeerAuthentication'], [NETWORKING, 'Sidecar'],
];

const mc08SelectorMatches: ManifestRule = {
  id: 'MC08-selector-matches',
  target: 'manifests',
  description: 'The selector of every AuthorizationPolicy, RequestAuthentication, PeerAuthentication and Sidecar matches at least one workload',
  why: 'A policy whose selector matches nothing protects nothing: the ALLOW/DENY, JWT or mTLS setting meant for a workload is silently not applied (a typo in a label, a renamed app).',
  fix: "Make the selector's labels match the workload's pod template labels (in the policy's namespace, or any namespace from istio-system).",
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC08'],
  check(ctx) {
    const index = meshIndex(ctx);
    return SELECTING_KINDS.flatMap(([group, kind]) => ofKind(ctx, group, kind)).flatMap((o) => {
      const selector = istioSelector(o);
      if (Object.keys(selector).length === 0 || hasTargetRef(o)) return [];
      if (selectedWorkloads(index, o).length > 0) return [];
      const scope = namespaceOf(o) === MESH_ROOT_NAMESPACE ? 'any namespace' : `namespace '${namespaceOf(o)}'`;
      return [finding(o, `selector ${formatLabels(selector)} matches no workload in ${scope}`)];
    });
  },
};

const mc08JwtAuthentication: ManifestRule = {
  id: 'MC08-jwt-authentication',
  target: 'manifests',
  description: 'An AuthorizationPolicy that reads the JWT (requestPrincipals, notRequestPrincipals, request.auth claims) applies only to workloads a RequestAuthentication selects',
  why: 'Without a RequestAuthentication the proxy never validates a token, so the request has no principal or claims: ALLOW rules on them never match and DENY rules on their absence match everything, so the policy does not do what it says.',
  fix: "Add a RequestAuthentication (issuer and jwksUri) selecting the same workloads in the policy's namespace, or a mesh-wide one in istio-system.",
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['MC08'],
  check(ctx) {
    const index = meshIndex(ctx);
    return ofKind(ctx, SECURITY, 'AuthorizationPolicy').flatMap((ap) => {
      if (hasTargetRef(ap)) return [];
      const fields = [...new Set(items(specOf(ap).rules).flatMap(jwtFields))];
      if (fields.length === 0) return [];
      const unauthenticated = selectedWorkloads(index, ap).filter((w) => requestAuthenticationsFor(ctx, w).length === 0);
      return unauthenticated.length === 0 ? [] : [finding(ap, `uses ${fields.join(', ')} but no RequestAuthentication selects ${unauthenticated.map((w) => w.id).join(', ')}`)];
    });
  },
};

const mc09PdbSelector: ManifestRule = {
  id: 'MC09-pdb-selector',
  target: 'manifests',
  description: "Every PodDisruptionBudget's selector matches the pods of at least one workload in its namespace",
  why: 'A PDB that selects no pods protects nothing: node drains and upgrades can evict every replica of the workload it was written for at once.',
  fix: "Set the PDB's selector to the workload's pod template labels.",
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['MC09'],
  check(ctx) {
    const index = meshIndex(ctx);
    return ctx.objects.filter((o) => o.kind === 'PodDisruptionBudget').flatMap((pdb) => {
      const selector = specOf(pdb).selector;
      if (!isJson(selector)) return [finding(pdb, 'has no selector: it selects no pods')];
      const matched = workloadsIn(index, namespaceOf(pdb)).some((w) => labelSelectorMatches(selector, w.podLabels));
      return matched ? [] : [finding(pdb, `selector ${formatLabelSelector(selector)} matches no workload's pods in namespace '${namespaceOf(pdb)}'`)];
    });
  },
};

const mc09ServicePods: ManifestRule = {
  id: 'MC09-service-pods',
  target: 'manifests',
  description: "Every Service with a selector matches the pods of at least one workload in its namespace",
  why: 'A Service whose selector matches no pods has no endpoints: every call to it fails (503 in the mesh, connection refused outside), typically after a label rename.',
  fix: "Make the Service's selector match the workload's pod template labels (usually `app: <name>` only, so every version is behind it).",
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['MC09'],
  check(ctx) {
    const index = meshIndex(ctx);
    return ofKind(ctx, '', 'Service').flatMap((svc) => {
      const selector = labelMap(specOf(svc).selector);
      if (Object.keys(selector).length === 0 || specOf(svc).type === 'ExternalName') return [];
      return workloadsIn(index, namespaceOf(svc)).some((w) => labelsMatch(selector, w.podLabels)) ? [] : [finding(svc, `selector ${formatLabels(selector)} matches no workload's pods in namespace '${namespaceOf(svc)}'`)];
    });
  },
};

/** Mesh and network rules, in catalogue order. */
export const meshRules: readonly ManifestRule[] = [
  nm01DefaultDeny,
  nm01PodCoverage,
  nm03StrictMtls,
  nm03NoPermissive,
  nm04DenyByDefault,
  nm05NoAllowAll,
  nm05PositiveAllow,
  nm06ScopedGatewayHosts,
  nm07HttpsCertificate,
  nm07HttpRedirect,
  nm07MinTls,
  nm08OriginationCa,
  nm09SidecarEgress,
  nm10Injection,
  nm10PortProtocol,
  mc01DestinationHosts,
  mc02Subsets,
  mc03GatewayExists,
  mc03GatewayHosts,
  mc04GatewaySelector,
  mc05VirtualServiceConflicts,
  mc05SidecarOverlap,
  mc07DestinationRuleHost,
  mc07SubsetPods,
  mc08SelectorMatches,
  mc08JwtAuthentication,
  mc09PdbSelector,
  mc09ServicePods,
];
