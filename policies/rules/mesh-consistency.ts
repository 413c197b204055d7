/**
 * Mesh consistency (MC01-MC09): the cross-object checks `istioctl analyze` runs on a live
 * cluster (hosts, subsets, gateways, selectors, references), here on the manifest set before
 * anything is applied. A reference resolves only to an object of the same set.
 */
import type { ManifestObject } from '../../charts/schema';
import {
  formatLabels,
  isJson,
  items,
  labelMap,
  obj,
  push,
  labelsMatch,
  namespaceOf,
  specOf,
  str,
  strings,
  workloadsSelectedBy,
  perRun,
  type Json,
  type Workload,
} from '../objects';
import { objectId, type Finding, type ManifestRule } from '../types';
import { finding, manifestRule } from './define';
import {
  MESH_ROOT_NAMESPACE,
  NETWORKING,
  SECURITY,
  bindsMesh,
  destinations,
  findGateway,
  formatLabelSelector,
  fqdn,
  gatewayHostList,
  gatewayRefs,
  gatewayServes,
  hasTargetRef,
  isGatewayWorkload,
  isResolved,
  istioSelector,
  quoted,
  resolveHost,
  selectedWorkloads,
  sidecarView,
  unresolved,
  workloadsMatching,
} from './istio';

/** Fields of an AuthorizationPolicy rule that read the request's JWT. */
function jwtFields(rule: Json): string[] {
  const fields = items(rule.from).flatMap((f) =>
    ['requestPrincipals', 'notRequestPrincipals'].filter((k) => obj(f.source)[k] !== undefined),
  );
  const claims = items(rule.when)
    .map((w) => str(w.key) ?? '')
    .filter((k) => k.startsWith('request.auth.'));
  return [...new Set([...fields, ...claims])];
}

/** The workloads some RequestAuthentication applies to (its namespace's, or mesh-wide from the root namespace), once per run. */
const authenticatedWorkloads = perRun((index): ReadonlySet<Workload> => {
  const selected = new Set(
    index.ofKind('RequestAuthentication', SECURITY).flatMap((ra) => {
      const ns = namespaceOf(ra);
      return workloadsMatching(index, ns === MESH_ROOT_NAMESPACE ? undefined : ns, istioSelector(ra));
    }),
  );
  return selected;
});

const mc01DestinationHosts = manifestRule(
  {
    id: 'MC01-destination-hosts',
    description:
      'VirtualService route and mirror destinations are Services of the set (`svc`, `svc.ns.svc.cluster.local`) or ServiceEntry hosts',
    why: 'A destination no registry knows has no Envoy cluster: requests routed there fail with 503 (no healthy upstream), and a typo in a host ships an outage.',
    fix: 'Name an existing Service (short name in the same namespace, or `<svc>.<ns>.svc.cluster.local`); for an external host, add a ServiceEntry.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC01'],
  },
  (_ctx, index) => {
    return index.ofKind('VirtualService', NETWORKING).flatMap((vs) =>
      destinations(vs).flatMap((d) => {
        const r = resolveHost(index, d.host, namespaceOf(vs));
        return isResolved(r) ? [] : [finding(vs, `${d.where} destination ${unresolved(index, d.host, r)}`)];
      }),
    );
  },
);

const mc02Subsets = manifestRule(
  {
    id: 'MC02-subsets',
    description: 'Every subset a VirtualService routes to is defined in a DestinationRule for that host',
    why: 'A route to an undefined subset has no cluster: Envoy returns 503 for all of its traffic (istioctl IST0101), typically after a version was renamed or its DestinationRule not applied.',
    fix: 'Add the subset (name and version labels) to the DestinationRule of the host, or route to a subset it defines.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC02'],
  },
  (_ctx, index) => {
    const rulesByHost = new Map<string, ManifestObject[]>();
    for (const dr of index.ofKind('DestinationRule', NETWORKING)) {
      const host = fqdn(str(specOf(dr).host) ?? '', namespaceOf(dr));
      push(rulesByHost, host, dr);
    }
    return index.ofKind('VirtualService', NETWORKING).flatMap((vs) =>
      destinations(vs).flatMap((d) => {
        if (d.subset === undefined) return [];
        const host = fqdn(d.host, namespaceOf(vs));
        const forHost = rulesByHost.get(host) ?? [];
        if (forHost.length === 0) return [finding(vs, `${d.where} subset '${d.subset}' of ${host}: no DestinationRule for that host`)];
        const defined = forHost.flatMap((dr) => items(specOf(dr).subsets).map((s) => str(s.name) ?? ''));
        return defined.includes(d.subset)
          ? []
          : [
              finding(
                vs,
                `${d.where} subset '${d.subset}' of ${host} is not defined by ${forHost.map((dr) => objectId(dr)).join(', ')} (subsets: ${quoted(defined)})`,
              ),
            ];
      }),
    );
  },
);

const mc03GatewayExists = manifestRule(
  {
    id: 'MC03-gateway-exists',
    description: 'Every gateway a VirtualService binds to (`name` in its namespace, or `ns/name`) is a Gateway of the set',
    why: 'A VirtualService bound to a missing Gateway is ignored by that gateway: the public routes silently do not exist (404 at the edge).',
    fix: 'Bind to an existing Gateway by `<namespace>/<name>` (or its name when it is in the same namespace), or add the Gateway.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC03'],
  },
  (_ctx, index) => {
    return index.ofKind('VirtualService', NETWORKING).flatMap((vs) =>
      gatewayRefs(vs)
        .filter((ref) => findGateway(index, ref) === undefined)
        .map((ref) => finding(vs, `gateway '${ref.ref}' (${ref.namespace}/${ref.name}) is not a Gateway in the set`)),
    );
  },
);

const mc03GatewayHosts = manifestRule(
  {
    id: 'MC03-gateway-hosts',
    description: "The hosts of a gateway-bound VirtualService are within its Gateways' hosts (namespace scoping included)",
    why: 'A gateway only serves hosts it declares: routes for other hosts are dropped (istioctl IST0132), so the route looks deployed but never answers.',
    fix: "Use the Gateway's hostnames in the VirtualService's `hosts`, or add the host to a Gateway server (and its certificate).",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC03'],
  },
  (_ctx, index) => {
    return index.ofKind('VirtualService', NETWORKING).flatMap((vs) => {
      const ns = namespaceOf(vs);
      const hosts = strings(specOf(vs).hosts);
      const gateways = gatewayRefs(vs)
        .map((ref) => findGateway(index, ref))
        .filter((g): g is ManifestObject => g !== undefined);
      const useless = gateways.filter((gw) => !hosts.some((h) => gatewayServes(gw, ns, h)));
      const out = useless.map((gw) =>
        finding(vs, `none of its hosts (${quoted(hosts)}) is among the hosts of ${objectId(gw)} (${quoted(gatewayHostList(gw))})`),
      );
      // Without `mesh`, a host no gateway serves is dead config; skip when every gateway was already reported.
      if (!bindsMesh(vs) && gateways.length > 0 && useless.length < gateways.length) {
        for (const h of hosts.filter((h) => !gateways.some((gw) => gatewayServes(gw, ns, h)))) {
          out.push(finding(vs, `host '${h}' is among the hosts of none of its gateways (${gateways.map((g) => objectId(g)).join(', ')})`));
        }
      }
      return out;
    });
  },
);

const mc04GatewaySelector = manifestRule(
  {
    id: 'MC04-gateway-selector',
    description: 'Every Gateway has a non-empty selector that picks gateway proxies (the ingress gateway), never application pods',
    why: 'An empty selector binds the Gateway to every gateway proxy of the mesh (egress and internal ones too, exposing the routes there); a selector that matches application pods, or no gateway at all, leaves the edge without its listeners.',
    fix: "Set `selector` to the ingress gateway's pod labels (e.g. `istio: ingress` for the Helm chart named istio-ingress).",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC04'],
  },
  (_ctx, index) => {
    const gatewayPods = index.workloads.filter(isGatewayWorkload);
    return index.ofKind('Gateway', NETWORKING).flatMap((gw) => {
      const selector = labelMap(specOf(gw).selector);
      if (Object.keys(selector).length === 0)
        return [finding(gw, 'selector is empty: the Gateway applies to every gateway proxy of the mesh')];
      const selected = workloadsMatching(index, undefined, selector);
      const apps = selected.filter((w) => !isGatewayWorkload(w));
      if (apps.length > 0)
        return [
          finding(
            gw,
            `selector ${formatLabels(selector)} selects application workloads (${apps.map((w) => w.id).join(', ')}), not an ingress gateway`,
          ),
        ];
      if (gatewayPods.length > 0 && selected.length === 0)
        return [
          finding(
            gw,
            `selector ${formatLabels(selector)} matches none of the gateway workloads in the set (${gatewayPods.map((w) => w.id).join(', ')})`,
          ),
        ];
      return [];
    });
  },
);

const mc05VirtualServiceConflicts = manifestRule(
  {
    id: 'MC05-virtualservice-conflicts',
    description: 'No two VirtualServices define the same host for the same gateway (`mesh` or a named Gateway)',
    why: 'Istio merges or picks between VirtualServices for the same host on the same gateway in an order nobody controls: routes disappear or shadow each other depending on creation time (istioctl IST0109).',
    fix: 'Merge the routes into one VirtualService per host and gateway, or use delegate VirtualServices.',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC05'],
  },
  (_ctx, index) => {
    const owners = new Map<string, { gateway: string; host: string; services: ManifestObject[] }>();
    for (const vs of index.ofKind('VirtualService', NETWORKING)) {
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
    return [...owners.values()]
      .filter((e) => e.services.length > 1)
      .flatMap(({ gateway, host, services }) =>
        services.map((vs) =>
          finding(
            vs,
            `host '${host}' on gateway '${gateway}' is also defined by ${services
              .filter((o) => o !== vs)
              .map((o) => objectId(o))
              .join(', ')}`,
          ),
        ),
      );
  },
);

const mc05SidecarOverlap = manifestRule(
  {
    id: 'MC05-sidecar-overlap',
    description: 'At most one Sidecar selects each workload, and at most one Sidecar per namespace has no selector',
    why: 'When two Sidecars apply to the same proxy Istio uses one of them, chosen by creation time: the egress scope the workload gets is unpredictable (istioctl IST0109/IST0110).',
    fix: 'Merge the Sidecars, or make their workloadSelectors disjoint.',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC05'],
  },
  (_ctx, index) => {
    const view = sidecarView(index);
    const sidecars = index.ofKind('Sidecar', NETWORKING);
    const order = new Map(sidecars.map((s, i) => [s, i]));
    const out: Finding[] = [];
    for (const s of sidecars) {
      const ns = namespaceOf(s);
      if (Object.keys(istioSelector(s)).length === 0) {
        const wide = view.namespaceWide(ns).filter((o) => o !== s);
        if (wide.length > 0)
          out.push(
            finding(
              s,
              `has no workloadSelector, like ${wide.map((o) => objectId(o)).join(', ')}: namespace '${ns}' has several default Sidecars`,
            ),
          );
        continue;
      }
      // The workloads s selects, grouped by the other Sidecars that select them too.
      const shared = new Map<ManifestObject, Workload[]>();
      for (const w of selectedWorkloads(index, s).filter((w) => w.namespace === ns)) {
        for (const o of view.selecting(w)) {
          if (o !== s) push(shared, o, w);
        }
      }
      for (const [o, ws] of [...shared].sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))) {
        out.push(finding(s, `selects ${ws.map((w) => w.id).join(', ')}, also selected by ${objectId(o)}`));
      }
    }
    return out;
  },
);

const mc07DestinationRuleHost = manifestRule(
  {
    id: 'MC07-destinationrule-host',
    description: 'Every DestinationRule host (other than a wildcard) is a Service of the set or a ServiceEntry host',
    why: 'A DestinationRule for a host nobody routes to applies nothing: its TLS mode, circuit breakers and subsets are silently missing for the service that was meant, typically after a rename or a short name in the wrong namespace.',
    fix: 'Set `host` to the Service (`<svc>.<ns>.svc.cluster.local`), or add the ServiceEntry for an external host.',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC07'],
  },
  (_ctx, index) => {
    return index.ofKind('DestinationRule', NETWORKING).flatMap((dr) => {
      const host = str(specOf(dr).host);
      if (host === undefined) return [finding(dr, 'has no host')];
      if (host.startsWith('*')) return [];
      const r = resolveHost(index, host, namespaceOf(dr));
      return isResolved(r) ? [] : [finding(dr, `host ${unresolved(index, host, r)}`)];
    });
  },
);

const mc07SubsetPods = manifestRule(
  {
    id: 'MC07-subset-pods',
    description: "Every DestinationRule subset's labels select at least one workload's pods behind the Service",
    why: 'A subset that selects no pods has no endpoints: traffic routed to it fails with 503, often because a Deployment lost its version label or was renamed.',
    fix: "Make the subset's labels match the pod template labels of the version's Deployment (e.g. `version: v2`), or remove the subset.",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC07'],
  },
  (_ctx, index) => {
    return index.ofKind('DestinationRule', NETWORKING).flatMap((dr) => {
      const host = str(specOf(dr).host);
      const service = host === undefined || host.startsWith('*') ? undefined : resolveHost(index, host, namespaceOf(dr)).service;
      if (service === undefined) return [];
      const selector = labelMap(specOf(service).selector);
      if (Object.keys(selector).length === 0) return [];
      const pods = workloadsMatching(index, namespaceOf(service), selector);
      return items(specOf(dr).subsets).flatMap((subset) => {
        const labels = labelMap(subset.labels);
        return pods.some((w) => labelsMatch(labels, w.podLabels))
          ? []
          : [
              finding(
                dr,
                `subset '${str(subset.name) ?? '?'}' (${formatLabels(labels) || 'no labels'}) selects no pods of ${objectId(service)}`,
              ),
            ];
      });
    });
  },
);

const SELECTING_KINDS: ReadonlyArray<readonly [string, string]> = [
  [SECURITY, 'AuthorizationPolicy'],
  [SECURITY, 'RequestAuthentication'],
  [SECURITY, 'PeerAuthentication'],
  [NETWORKING, 'Sidecar'],
];

const mc08SelectorMatches = manifestRule(
  {
    id: 'MC08-selector-matches',
    description:
      'The selector of every AuthorizationPolicy, RequestAuthentication, PeerAuthentication and Sidecar matches at least one workload',
    why: 'A policy whose selector matches nothing protects nothing: the ALLOW/DENY, JWT or mTLS setting meant for a workload is silently not applied (a typo in a label, a renamed app).',
    fix: "Make the selector's labels match the workload's pod template labels (in the policy's namespace, or any namespace from istio-system).",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['MC08'],
  },
  (_ctx, index) => {
    return SELECTING_KINDS.flatMap(([group, kind]) => index.ofKind(kind, group)).flatMap((o) => {
      const selector = istioSelector(o);
      if (Object.keys(selector).length === 0 || hasTargetRef(o)) return [];
      if (selectedWorkloads(index, o).length > 0) return [];
      const scope = namespaceOf(o) === MESH_ROOT_NAMESPACE ? 'any namespace' : `namespace '${namespaceOf(o)}'`;
      return [finding(o, `selector ${formatLabels(selector)} matches no workload in ${scope}`)];
    });
  },
);

const mc08JwtAuthentication = manifestRule(
  {
    id: 'MC08-jwt-authentication',
    description:
      'An AuthorizationPolicy that reads the JWT (requestPrincipals, notRequestPrincipals, request.auth claims) applies only to workloads a RequestAuthentication selects',
    why: 'Without a RequestAuthentication the proxy never validates a token, so the request has no principal or claims: ALLOW rules on them never match and DENY rules on their absence match everything, so the policy does not do what it says.',
    fix: "Add a RequestAuthentication (issuer and jwksUri) selecting the same workloads in the policy's namespace, or a mesh-wide one in istio-system.",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC08'],
  },
  (_ctx, index) => {
    const authenticated = authenticatedWorkloads(index);
    return index.ofKind('AuthorizationPolicy', SECURITY).flatMap((ap) => {
      if (hasTargetRef(ap)) return [];
      const fields = [...new Set(items(specOf(ap).rules).flatMap(jwtFields))];
      if (fields.length === 0) return [];
      const unauthenticated = selectedWorkloads(index, ap).filter((w) => !authenticated.has(w));
      return unauthenticated.length === 0
        ? []
        : [finding(ap, `uses ${fields.join(', ')} but no RequestAuthentication selects ${unauthenticated.map((w) => w.id).join(', ')}`)];
    });
  },
);

const mc09PdbSelector = manifestRule(
  {
    id: 'MC09-pdb-selector',
    description: "Every PodDisruptionBudget's selector matches the pods of at least one workload in its namespace",
    why: 'A PDB that selects no pods protects nothing: node drains and upgrades can evict every replica of the workload it was written for at once.',
    fix: "Set the PDB's selector to the workload's pod template labels.",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC09'],
  },
  (_ctx, index) => {
    return index.ofKind('PodDisruptionBudget').flatMap((pdb) => {
      const selector = specOf(pdb).selector;
      if (!isJson(selector)) return [finding(pdb, 'has no selector: it selects no pods')];
      const matched = workloadsSelectedBy(index, namespaceOf(pdb), selector).length > 0;
      return matched
        ? []
        : [finding(pdb, `selector ${formatLabelSelector(selector)} matches no workload's pods in namespace '${namespaceOf(pdb)}'`)];
    });
  },
);

const mc09ServicePods = manifestRule(
  {
    id: 'MC09-service-pods',
    description: 'Every Service with a selector matches the pods of at least one workload in its namespace',
    why: 'A Service whose selector matches no pods has no endpoints: every call to it fails (503 in the mesh, connection refused outside), typically after a label rename.',
    fix: "Make the Service's selector match the workload's pod template labels (usually `app: <name>` only, so every version is behind it).",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC09'],
  },
  (_ctx, index) => {
    return index.ofKind('Service', '').flatMap((svc) => {
      const selector = labelMap(specOf(svc).selector);
      if (Object.keys(selector).length === 0 || specOf(svc).type === 'ExternalName') return [];
      return workloadsMatching(index, namespaceOf(svc), selector).length > 0
        ? []
        : [finding(svc, `selector ${formatLabels(selector)} matches no workload's pods in namespace '${namespaceOf(svc)}'`)];
    });
  },
);

/** Mesh consistency rules, in report order. */
export const meshConsistencyRules: readonly ManifestRule[] = [
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
