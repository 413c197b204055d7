import type { ManifestObject } from '../../charts/schema';
import { evaluate } from '../engine';
import { objectId, type Finding, type ManifestRule } from '../types';
import { edgeRules } from './edge';
import { meshConsistencyRules } from './mesh-consistency';
import { meshSecurityRules } from './mesh-security';
import { networkRules } from './network';

// The fixture of the mesh rule tests (*.test.ts beside it): GIVEN a hardened mesh shaped like what charts/ synthesizes (a `shop` namespace with two
// versions of `web` and one of `api`, the platform's ingress gateway in `istio-ingress`),
// every rule is run through `evaluate`, the path the runners use, and one mutation per case
// breaks (or, for the accepted cases, bends without breaking) the rule under test.

export type Labels = Record<string, string>;
export type Spec = Record<string, unknown>;

/** The NetworkPolicy, mesh and edge rules, run together as the runners run them. */
export const meshRules = [
  ...networkRules.filter((r) => r.id.startsWith('NM01-')),
  ...meshSecurityRules,
  ...edgeRules,
  ...meshConsistencyRules,
];

export const NETWORKING = 'networking.istio.io/v1';
export const SECURITY = 'security.istio.io/v1';

export function namespace(name: string, labels: Labels = {}): ManifestObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function deployment(ns: string, name: string, podLabels: Labels, container: Spec, annotations: Labels = {}): ManifestObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: podLabels },
    spec: {
      replicas: 2,
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels, annotations },
        spec: { serviceAccountName: podLabels.app, automountServiceAccountToken: false, containers: [container] },
      },
    },
  };
}

export function app(name: string, version: string): ManifestObject {
  return deployment(
    'shop',
    `${name}-${version}`,
    { app: name, version },
    {
      name,
      image: `europe-docker.pkg.dev/proj/images/${name}:1.4.0`,
      ports: [{ containerPort: 8080, name: 'http' }],
    },
  );
}

export function service(ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec };
}

export function httpService(ns: string, name: string): ManifestObject {
  return service(ns, name, {
    type: 'ClusterIP',
    selector: { app: name },
    ports: [{ name: 'http', port: 80, targetPort: 8080, appProtocol: 'http' }],
  });
}

export function networking(kind: string, ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: NETWORKING, kind, metadata: { name, namespace: ns }, spec };
}

export function security(kind: string, ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: SECURITY, kind, metadata: { name, namespace: ns }, spec };
}

export function networkPolicy(ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function pdb(ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec };
}

export const GATEWAY_POD: Labels = { app: 'istio-ingress', istio: 'ingress', 'sidecar.istio.io/inject': 'true' };
export const INGRESS_PRINCIPAL = 'cluster.local/ns/istio-ingress/sa/istio-ingress';
export const WEB_PRINCIPAL = 'cluster.local/ns/shop/sa/web';
export const WEB = 'web.shop.svc.cluster.local';

/** The hardened mesh: every rule accepts it. */
export function compliant(): ManifestObject[] {
  return [
    namespace('shop', { 'istio-injection': 'enabled' }),
    // The Helm gateway chart's namespace is not labelled: its pods opt in with a label.
    namespace('istio-ingress'),
    deployment('istio-ingress', 'istio-ingress', GATEWAY_POD, {
      name: 'istio-proxy',
      image: 'docker.io/istio/proxyv2:1.24.0',
      ports: [{ containerPort: 8443, name: 'https' }],
    }),
    app('web', 'v1'),
    app('web', 'v2'),
    app('api', 'v1'),
    httpService('shop', 'web'),
    httpService('shop', 'api'),
    networking('ServiceEntry', 'shop', 'payments', {
      hosts: ['api.payments.example.net'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 443 }],
    }),
    networking('Gateway', 'istio-ingress', 'shop-gateway', {
      selector: { istio: 'ingress' },
      servers: [
        {
          name: 'https',
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['shop.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'shop-tls' },
        },
        { name: 'http', port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } },
      ],
    }),
    networking('VirtualService', 'shop', 'shop-public', {
      hosts: ['shop.example.com'],
      gateways: ['istio-ingress/shop-gateway'],
      http: [
        {
          name: 'web',
          route: [
            { destination: { host: WEB, subset: 'v1', port: { number: 80 } }, weight: 90 },
            { destination: { host: WEB, subset: 'v2', port: { number: 80 } }, weight: 10 },
          ],
        },
      ],
    }),
    networking('VirtualService', 'shop', 'api', {
      hosts: ['api'],
      http: [{ name: 'default', route: [{ destination: { host: 'api', subset: 'v1' } }] }],
    }),
    networking('DestinationRule', 'shop', 'web', {
      host: WEB,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
      ],
    }),
    networking('DestinationRule', 'shop', 'api', {
      host: 'api.shop.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    }),
    // TLS origination to the external payments API, verified against the system CAs.
    networking('DestinationRule', 'shop', 'payments', {
      host: 'api.payments.example.net',
      trafficPolicy: {
        portLevelSettings: [
          {
            port: { number: 80 },
            tls: { mode: 'SIMPLE', sni: 'api.payments.example.net', caCertificates: '/etc/ssl/certs/ca-certificates.crt' },
          },
        ],
      },
    }),
    security('PeerAuthentication', 'shop', 'default', { mtls: { mode: 'STRICT' } }),
    security('PeerAuthentication', 'istio-ingress', 'default', { mtls: { mode: 'STRICT' } }),
    security('AuthorizationPolicy', 'shop', 'allow-nothing', {}),
    security('AuthorizationPolicy', 'istio-ingress', 'allow-nothing', {}),
    security('AuthorizationPolicy', 'istio-ingress', 'ingress-gateway', {
      selector: { matchLabels: { istio: 'ingress' } },
      action: 'ALLOW',
      rules: [{ to: [{ operation: { ports: ['8080', '8443'] } }] }],
    }),
    security('AuthorizationPolicy', 'shop', 'web', {
      selector: { matchLabels: { app: 'web' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: [INGRESS_PRINCIPAL] } }], to: [{ operation: { methods: ['GET', 'POST'] } }] }],
    }),
    security('AuthorizationPolicy', 'shop', 'api', {
      selector: { matchLabels: { app: 'api' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: [WEB_PRINCIPAL] } }], to: [{ operation: { methods: ['GET'], paths: ['/v1/*'] } }] }],
    }),
    security('RequestAuthentication', 'shop', 'web-jwt', {
      selector: { matchLabels: { app: 'web' } },
      jwtRules: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' }],
    }),
    security('AuthorizationPolicy', 'shop', 'web-require-jwt', {
      selector: { matchLabels: { app: 'web' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/account/*'] } }] }],
    }),
    networking('Sidecar', 'shop', 'web', {
      workloadSelector: { labels: { app: 'web' } },
      egress: [{ hosts: ['./api.shop.svc.cluster.local', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    }),
    networking('Sidecar', 'shop', 'api', {
      workloadSelector: { labels: { app: 'api' } },
      egress: [{ hosts: ['./api.payments.example.net', 'istio-system/*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    }),
    // Istio ignores Sidecars for gateway proxies; this one is only here because NM09 does
    // not exempt them (see "NM09-sidecar-egress accepts a gateway proxy without a Sidecar").
    networking('Sidecar', 'istio-ingress', 'default', { egress: [{ hosts: [`shop/${WEB}`, 'istio-system/*'] }] }),
    networkPolicy('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    networkPolicy('istio-ingress', 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    pdb('shop', 'web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }),
    pdb('shop', 'api', { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } }),
  ];
}

// ---------------------------------------------------------------------------------------
// Mutations of the baseline
// ---------------------------------------------------------------------------------------

export type Mutation = (objects: readonly ManifestObject[]) => ManifestObject[];
export type Node = Record<string, unknown> | unknown[];

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null;
}

/** `spec.servers.0.tls` or `spec.template.metadata.labels["sidecar.istio.io/inject"]`. */
export function pathKeys(path: string): string[] {
  return [...path.matchAll(/\["([^"]+)"\]|([^.[\]]+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

export function get(node: Node, key: string): unknown {
  return Array.isArray(node) ? node[Number(key)] : node[key];
}

/** Sets a value; `undefined` deletes the key (or removes the array element). */
export function put(node: Node, key: string, value: unknown): void {
  if (Array.isArray(node)) {
    if (value === undefined) node.splice(Number(key), 1);
    else node[Number(key)] = value;
  } else if (value === undefined) {
    delete node[key];
  } else {
    node[key] = value;
  }
}

export function requireObject(objects: readonly ManifestObject[], id: string): void {
  if (!objects.some((o) => objectId(o) === id)) throw new Error(`no ${id} in the fixture`);
}

/** Changes fields of one object (dotted paths, array indexes as numbers). */
export function patch(id: string, changes: Record<string, unknown>): Mutation {
  return (objects) => {
    requireObject(objects, id);
    return objects.map((o) => {
      if (objectId(o) !== id) return o;
      const copy: Record<string, unknown> = structuredClone({ ...o });
      for (const [path, value] of Object.entries(changes)) {
        const keys = pathKeys(path);
        let node: Node = copy;
        keys.slice(0, -1).forEach((key, i) => {
          let next = get(node, key);
          if (!isNode(next)) {
            next = /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
            put(node, key, next);
          }
          node = next as Node;
        });
        put(node, keys[keys.length - 1] ?? '', structuredClone(value));
      }
      return copy as unknown as ManifestObject;
    });
  };
}

export function remove(...ids: string[]): Mutation {
  return (objects) => {
    ids.forEach((id) => requireObject(objects, id));
    return objects.filter((o) => !ids.includes(objectId(o)));
  };
}

export function add(...extra: ManifestObject[]): Mutation {
  return (objects) => [...objects, ...extra];
}

export function all(...mutations: Mutation[]): Mutation {
  return (objects) => mutations.reduce<ManifestObject[]>((acc, m) => m(acc), [...objects]);
}

// ---------------------------------------------------------------------------------------
// Running the rules as the runners do
// ---------------------------------------------------------------------------------------

export function report(objects: readonly ManifestObject[]) {
  return evaluate(
    meshRules,
    { manifests: { objects, profile: 'dev', allowedRegistries: [] } },
    { environment: 'dev', exceptions: [], today: '2026-11-23' },
  );
}

/** The findings of one rule, the others run alongside as they do in the runners. */
export function findings(ruleId: string, objects: readonly ManifestObject[]): Finding[] {
  if (!meshRules.some((r) => r.id === ruleId)) throw new Error(`no rule ${ruleId}`);
  return report(objects)
    .violations.filter((v) => v.rule.id === ruleId)
    .map((v) => ({ object: v.object, message: v.message }));
}

export interface Accepted {
  readonly rule: string;
  readonly what: string;
  readonly mutate: Mutation;
}

export interface Rejected extends Accepted {
  readonly expected: readonly Finding[];
}

export const shopWorkloads = ['Deployment/shop/web-v1', 'Deployment/shop/web-v2', 'Deployment/shop/api-v1'];
export const each = (objects: readonly string[], message: string): Finding[] => objects.map((object) => ({ object, message }));

export const NO_EGRESS_DENY = "no default-deny NetworkPolicy (podSelector {}, no rules) for Egress in namespace 'shop'";
export const NOT_A_HOST = 'is not a Service or ServiceEntry host in the set';

/** The rejecting and accepting cases of one group of rules; every case runs all the mesh rules through `findings`. */
export function describeCases(
  name: string,
  rules: readonly ManifestRule[],
  rejected: readonly Rejected[],
  accepted: readonly Accepted[],
): void {
  describe(name, () => {
    it.each(rejected)('$rule rejects $what', ({ rule, mutate, expected }) => {
      expect(findings(rule, mutate(compliant()))).toEqual(expected);
    });

    if (accepted.length > 0) {
      it.each(accepted)('$rule accepts $what', ({ rule, mutate }) => {
        const objects = mutate(compliant());
        // An accepted case proves nothing if its mutation changed nothing.
        expect(objects).not.toEqual(compliant());
        expect(findings(rule, objects)).toEqual([]);
      });
    }

    it('has a rejecting case for every rule', () => {
      expect(rules.map((r) => r.id).filter((id) => !rejected.some((c) => c.rule === id))).toEqual([]);
    });

    it('has cases only for rules of the group', () => {
      const ids = new Set(rules.map((r) => r.id));
      expect([...rejected, ...accepted].map((c) => c.rule).filter((id) => !ids.has(id))).toEqual([]);
    });
  });
}
