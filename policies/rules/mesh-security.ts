/**
 * Istio security: STRICT mTLS (NM03), deny-by-default authorization without allow-all or
 * negative ALLOW rules (NM04, NM05), verified TLS origination (NM08), scoped Sidecar egress
 * (NM09), and every workload in the mesh with ports Istio can read (NM10).
 */
import type { ManifestObject } from '../../charts/schema';
import { isJson, items, labelMap, namespaceId, push, namespaceOf, obj, show, specOf, str, strings, type Json } from '../objects';
import { objectId, type Finding, type ManifestRule } from '../types';
import { finding, manifestRule } from './define';
import { MESH_ROOT_NAMESPACE, NETWORKING, SECURITY, hasTargetRef, isGatewayWorkload, istioSelector, quoted, sidecarsFor } from './istio';
import { formatLabels } from '../objects';

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
const NEGATIVE_SOURCE = [
  'notPrincipals',
  'notRequestPrincipals',
  'notNamespaces',
  'notIpBlocks',
  'notRemoteIpBlocks',
  'notServiceAccounts',
  'notTrustDomains',
];
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
  return (
    (from.length === 0 || from.some(matchesEverything)) && (to.length === 0 || to.some(matchesEverything)) && items(rule.when).length === 0
  );
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

const nm03StrictMtls = manifestRule(
  {
    id: 'NM03-strict-mtls',
    description: 'Every namespace that runs pods is under a STRICT PeerAuthentication (its own, or mesh-wide in istio-system)',
    why: "Istio's default is PERMISSIVE: sidecars also accept plaintext, so any pod (or anything that reaches the pod IP) can call a service without a workload identity, bypassing the principals AuthorizationPolicies check, and traffic can be read on the wire.",
    fix: `Add a PeerAuthentication named \`default\` with \`mtls.mode: STRICT\` and no selector to the namespace (or to ${MESH_ROOT_NAMESPACE} for the whole mesh).`,
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM03'],
  },
  (_ctx, index) => {
    const pas = index.ofKind('PeerAuthentication', SECURITY).filter(hasNoSelector);
    const meshWide = pas.filter((p) => namespaceOf(p) === MESH_ROOT_NAMESPACE);
    const byNamespace = new Map<string, ManifestObject[]>();
    for (const p of pas) push(byNamespace, namespaceOf(p), p);
    return index.namespaces.flatMap((ns) => {
      const own = byNamespace.get(ns) ?? [];
      const weak = own.find((p) => !['STRICT', 'UNSET'].includes(mtlsMode(p)));
      if (weak !== undefined)
        return [finding(namespaceId(ns), `namespace-wide ${objectId(weak)} sets mtls.mode ${mtlsMode(weak)}, not STRICT`)];
      if (own.some((p) => mtlsMode(p) === 'STRICT')) return [];
      const meshWeak = meshWide.find((p) => !['STRICT', 'UNSET'].includes(mtlsMode(p)));
      if (meshWeak !== undefined)
        return [finding(namespaceId(ns), `inherits mtls.mode ${mtlsMode(meshWeak)} from mesh-wide ${objectId(meshWeak)}`)];
      if (meshWide.some((p) => mtlsMode(p) === 'STRICT')) return [];
      return [
        finding(
          namespaceId(ns),
          `no PeerAuthentication with mtls.mode STRICT for namespace '${ns}' nor mesh-wide in ${MESH_ROOT_NAMESPACE}`,
        ),
      ];
    });
  },
);

const nm03NoPermissive = manifestRule(
  {
    id: 'NM03-no-permissive',
    description: 'No PeerAuthentication sets PERMISSIVE or DISABLE, for a namespace, a workload or a port',
    why: 'One override re-opens plaintext: a PERMISSIVE or DISABLE mode on a workload or a port lets callers skip mTLS, so they arrive without an identity and the traffic is unencrypted, however STRICT the namespace is.',
    fix: 'Remove the override or set it to STRICT; a port that must take plaintext (a health check from outside the mesh) belongs outside the mesh, with a written exception.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM03'],
  },
  (_ctx, index) => {
    const weak = (mode: string | undefined) => mode === 'PERMISSIVE' || mode === 'DISABLE';
    return index.ofKind('PeerAuthentication', SECURITY).flatMap((pa) => {
      const out: Finding[] = [];
      if (weak(mtlsMode(pa))) out.push(finding(pa, `mtls.mode is ${mtlsMode(pa)}`));
      for (const [port, setting] of Object.entries(obj(specOf(pa).portLevelMtls))) {
        const mode = str(obj(setting).mode);
        if (weak(mode)) out.push(finding(pa, `portLevelMtls ${port} mode is ${String(mode)}`));
      }
      return out;
    });
  },
);

const nm04DenyByDefault = manifestRule(
  {
    id: 'NM04-deny-by-default',
    description: 'Every namespace that runs pods has an allow-nothing AuthorizationPolicy (ALLOW, no selector, no rules)',
    why: 'A workload no AuthorizationPolicy selects allows every request. Deny-by-default makes each permitted caller an explicit ALLOW, so a new service or a forgotten policy fails closed instead of open.',
    fix: `Add an AuthorizationPolicy \`allow-nothing\` with \`spec: {}\` to the namespace (or to ${MESH_ROOT_NAMESPACE} for the whole mesh), then ALLOW each caller per workload.`,
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM04'],
  },
  (_ctx, index) => {
    const denied = new Set(index.ofKind('AuthorizationPolicy', SECURITY).filter(isAllowNothing).map(namespaceOf));
    return index.namespaces
      .filter((ns) => !denied.has(ns) && !denied.has(MESH_ROOT_NAMESPACE))
      .map((ns) =>
        finding(
          namespaceId(ns),
          `no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace '${ns}' nor in ${MESH_ROOT_NAMESPACE}`,
        ),
      );
  },
);

const nm05NoAllowAll = manifestRule(
  {
    id: 'NM05-no-allow-all',
    description: 'No ALLOW AuthorizationPolicy has a rule that matches every request (`{}`, or empty from/to/when)',
    why: 'An ALLOW rule that matches everything switches deny-by-default off for what the policy selects: any caller, authenticated or not, reaches every path and method.',
    fix: 'Give every ALLOW rule a `from` naming the callers (principals or namespaces) and, where it matters, a `to` naming the operations.',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['NM05'],
  },
  (_ctx, index) => {
    return index
      .ofKind('AuthorizationPolicy', SECURITY)
      .filter((ap) => action(ap) === 'ALLOW')
      .flatMap((ap) => {
        const selector = istioSelector(ap);
        const scope =
          Object.keys(selector).length > 0
            ? `workloads ${formatLabels(selector)}`
            : namespaceOf(ap) === MESH_ROOT_NAMESPACE
              ? 'every workload of the mesh'
              : `every workload in namespace '${namespaceOf(ap)}'`;
        return items(specOf(ap).rules).flatMap((rule, i) =>
          ruleMatchesEverything(rule) ? [finding(ap, `rules[${i}] matches every request: it allows anyone to reach ${scope}`)] : [],
        );
      });
  },
);

const nm05PositiveAllow = manifestRule(
  {
    id: 'NM05-positive-allow',
    description:
      'ALLOW rules use positive matches only (no notPrincipals, notNamespaces, notPaths, notValues...); negations belong in DENY rules',
    why: "A negative match in an ALLOW rule allows everything except what it lists, so every caller or path nobody thought of is allowed; Istio's security guidance is ALLOW with positive matches, DENY with negative ones.",
    fix: 'Rewrite the rule to list what is allowed (principals, namespaces, paths, methods), or move the exclusion into a DENY policy.',
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['NM05'],
  },
  (_ctx, index) => {
    return index
      .ofKind('AuthorizationPolicy', SECURITY)
      .filter((ap) => action(ap) === 'ALLOW')
      .flatMap((ap) =>
        items(specOf(ap).rules).flatMap((rule, i) => {
          const negatives = [
            ...items(rule.from).flatMap((f, j) =>
              NEGATIVE_SOURCE.filter((k) => obj(f.source)[k] !== undefined).map((k) => `from[${j}].source.${k}`),
            ),
            ...items(rule.to).flatMap((t, j) =>
              NEGATIVE_OPERATION.filter((k) => obj(t.operation)[k] !== undefined).map((k) => `to[${j}].operation.${k}`),
            ),
            ...items(rule.when).flatMap((w, j) => (w.notValues !== undefined ? [`when[${j}].notValues`] : [])),
          ];
          return negatives.length === 0 ? [] : [finding(ap, `ALLOW rules[${i}] uses negative matches: ${negatives.join(', ')}`)];
        }),
      );
  },
);

/** Where a DestinationRule sets TLS: top-level, per port, per subset and per subset port. */
function destinationRuleTls(dr: ManifestObject): Array<{ readonly where: string; readonly tls: Json }> {
  const spec = specOf(dr);
  const inPolicy = (prefix: string, policy: Json) => [
    ...(isJson(policy.tls) ? [{ where: `${prefix}.tls`, tls: policy.tls }] : []),
    ...items(policy.portLevelSettings).flatMap((p, i) =>
      isJson(p.tls) ? [{ where: `${prefix}.portLevelSettings[${i}].tls`, tls: p.tls }] : [],
    ),
  ];
  return [
    ...inPolicy('trafficPolicy', obj(spec.trafficPolicy)),
    ...items(spec.subsets).flatMap((s, i) => inPolicy(`subsets[${i}].trafficPolicy`, obj(s.trafficPolicy))),
  ];
}

const nm08OriginationCa = manifestRule(
  {
    id: 'NM08-origination-ca',
    description:
      'A DestinationRule that originates TLS (mode SIMPLE or MUTUAL) verifies the server: caCertificates or credentialName, and no insecureSkipVerify',
    why: "Without a CA to check against, Envoy does not verify the upstream's certificate: the connection is encrypted but anyone who can intercept it (DNS, egress path) can impersonate the server and read or change the traffic.",
    fix: 'Set `tls.caCertificates` (a CA bundle on the proxy) or `tls.credentialName` (a secret with ca.crt), and `sni`/`subjectAltNames` for the upstream name; remove insecureSkipVerify.',
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['NM08'],
  },
  (_ctx, index) => {
    return index.ofKind('DestinationRule', NETWORKING).flatMap((dr) =>
      destinationRuleTls(dr).flatMap(({ where, tls }) => {
        const mode = str(tls.mode);
        if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return [];
        if (tls.insecureSkipVerify === true) return [finding(dr, `${where} mode ${mode} sets insecureSkipVerify`)];
        return str(tls.caCertificates) === undefined && str(tls.credentialName) === undefined
          ? [finding(dr, `${where} mode ${mode} has neither caCertificates nor credentialName`)]
          : [];
      }),
    );
  },
);

const nm09SidecarEgress = manifestRule(
  {
    id: 'NM09-sidecar-egress',
    description: "Every workload's proxy uses a Sidecar whose egress hosts are scoped (not `*/*`)",
    why: 'Without a Sidecar, a proxy knows and can reach every service of the mesh: a compromised pod can call anything its AuthorizationPolicies do not stop, and every proxy holds (and recomputes) the whole mesh config.',
    fix: "Add a Sidecar selecting the workload with `egress.hosts` listing its dependencies (`./svc.ns.svc.cluster.local`) and istiod's namespace, and `outboundTrafficPolicy.mode: REGISTRY_ONLY`.",
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['NM09'],
  },
  (_ctx, index) => {
    // Gateway proxies take no Sidecar: Istio scopes them by the routes bound to them.
    return index.workloads
      .filter((w) => !isGatewayWorkload(w))
      .flatMap((w) => {
        const sidecars = sidecarsFor(index, w);
        if (sidecars.length === 0) return [finding(w.id, 'no Sidecar applies to the pods: their proxy reaches every service of the mesh')];
        return sidecars.flatMap((s) => {
          const egress = items(specOf(s).egress);
          if (egress.length === 0)
            return [finding(w.id, `${objectId(s)} has no egress listeners: the proxy reaches every service of the mesh`)];
          const open = egress.flatMap((e) => strings(e.hosts)).filter((h) => h === '*/*' || h === '*');
          return open.length === 0 ? [] : [finding(w.id, `${objectId(s)} egress host ${quoted(open)} allows every namespace`)];
        });
      });
  },
);

const nm10Injection = manifestRule(
  {
    id: 'NM10-injection',
    description:
      'Every workload gets an Istio sidecar: its namespace is labelled istio-injection=enabled or istio.io/rev (or its pods opt in), and nothing opts out',
    why: 'A pod without a sidecar is outside the mesh: with STRICT mTLS it cannot talk to meshed services, and nothing it serves is protected by mTLS, AuthorizationPolicies or telemetry.',
    fix: 'Label the namespace `istio-injection: enabled` (or `istio.io/rev: <revision>`) and remove `sidecar.istio.io/inject: "false"` from the pod template.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM10'],
  },
  (_ctx, index) => {
    const namespaces = new Map(index.ofKind('Namespace', '').map((n) => [n.metadata.name, labelMap(n.metadata.labels)]));
    return index.workloads.flatMap((w) => {
      if (w.pod.hostNetwork === true) return [];
      const ns = w.namespace;
      const nsLabels = namespaces.get(ns);
      // The webhook selects pods by the label; the (deprecated) annotation can still opt out.
      const podLabel = w.podLabels['sidecar.istio.io/inject'];
      const podAnnotation = labelMap(w.podMetadata.annotations)['sidecar.istio.io/inject'];
      if (nsLabels?.['istio-injection'] === 'disabled') return [finding(w.id, `namespace '${ns}' is labelled istio-injection=disabled`)];
      if (podLabel === 'false' || podAnnotation === 'false') return [finding(w.id, 'the pod template sets sidecar.istio.io/inject=false')];
      const nsOn = nsLabels !== undefined && (nsLabels['istio-injection'] === 'enabled' || nsLabels['istio.io/rev'] !== undefined);
      if (nsOn || podLabel === 'true' || w.podLabels['istio.io/rev'] !== undefined) return [];
      return [
        finding(
          w.id,
          nsLabels === undefined
            ? `namespace '${ns}' is not in the set and the pods do not set sidecar.istio.io/inject=true: injection is not enabled`
            : `namespace '${ns}' has neither istio-injection=enabled nor istio.io/rev, and the pods do not set sidecar.istio.io/inject=true`,
        ),
      ];
    });
  },
);

const nm10PortProtocol = manifestRule(
  {
    id: 'NM10-port-protocol',
    description: 'Service ports declare their protocol for Istio: appProtocol, or a name `<protocol>[-suffix]` (http, grpc, tcp, tls...)',
    why: 'Istio sniffs the protocol of an undeclared port: HTTP routing, retries, AuthorizationPolicy paths and metrics may not apply, and server-first protocols stall until the sniffing times out.',
    fix: 'Set `appProtocol: http` (or grpc, tcp, tls, https...) on the port, or name it `http`, `http-web`, `grpc`, `tcp-db`...',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['NM10'],
  },
  (_ctx, index) => {
    return index
      .ofKind('Service', '')
      .filter((s) => specOf(s).type !== 'ExternalName')
      .flatMap((s) =>
        items(specOf(s).ports)
          .filter((p) => !namedProtocol(p))
          .map((p) =>
            finding(
              s,
              `port ${show(p.port ?? '?')} (name '${str(p.name) ?? ''}', appProtocol '${str(p.appProtocol) ?? ''}') declares no protocol Istio knows`,
            ),
          ),
      );
  },
);

/** Mesh security rules, in report order. */
export const meshSecurityRules: readonly ManifestRule[] = [
  nm03StrictMtls,
  nm03NoPermissive,
  nm04DenyByDefault,
  nm05NoAllowAll,
  nm05PositiveAllow,
  nm08OriginationCa,
  nm09SidecarEgress,
  nm10Injection,
  nm10PortProtocol,
];
