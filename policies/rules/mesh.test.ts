import type { ManifestObject } from '../../charts/schema';
import { evaluate } from '../engine';
import { objectId, type Finding } from '../types';
import { edgeRules } from './edge';
import { meshConsistencyRules } from './mesh-consistency';
import { meshSecurityRules } from './mesh-security';
import { networkRules } from './network';
import { edgeGateway, platformObjects } from '../../charts/mesh/edge-gateway';

// GIVEN a hardened mesh shaped like what charts/ synthesizes (a `shop` namespace with two
// versions of `web` and one of `api`, the platform's ingress gateway in `istio-ingress`),
// every rule is run through `evaluate`, the path the runners use, and one mutation per case
// breaks (or, for the accepted cases, bends without breaking) the rule under test.

type Labels = Record<string, string>;
type Spec = Record<string, unknown>;

/** The NetworkPolicy, mesh and edge rules, run together as the runners run them. */
const meshRules = [...networkRules.filter((r) => r.id.startsWith('NM01-')), ...meshSecurityRules, ...edgeRules, ...meshConsistencyRules];

const NETWORKING = 'networking.istio.io/v1';
const SECURITY = 'security.istio.io/v1';

function namespace(name: string, labels: Labels = {}): ManifestObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function deployment(ns: string, name: string, podLabels: Labels, container: Spec, annotations: Labels = {}): ManifestObject {
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

function app(name: string, version: string): ManifestObject {
  return deployment('shop', `${name}-${version}`, { app: name, version }, {
    name,
    image: `europe-docker.pkg.dev/proj/images/${name}:1.4.0`,
    ports: [{ containerPort: 8080, name: 'http' }],
  });
}

function service(ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec };
}

function httpService(ns: string, name: string): ManifestObject {
  return service(ns, name, { type: 'ClusterIP', selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, appProtocol: 'http' }] });
}

function networking(kind: string, ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: NETWORKING, kind, metadata: { name, namespace: ns }, spec };
}

function security(kind: string, ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: SECURITY, kind, metadata: { name, namespace: ns }, spec };
}

function networkPolicy(ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

function pdb(ns: string, name: string, spec: Spec): ManifestObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec };
}

const GATEWAY_POD: Labels = { app: 'istio-ingress', istio: 'ingress', 'sidecar.istio.io/inject': 'true' };
const INGRESS_PRINCIPAL = 'cluster.local/ns/istio-ingress/sa/istio-ingress';
const WEB_PRINCIPAL = 'cluster.local/ns/shop/sa/web';
const WEB = 'web.shop.svc.cluster.local';

/** The hardened mesh: every rule accepts it. */
function compliant(): ManifestObject[] {
  return [
    namespace('shop', { 'istio-injection': 'enabled' }),
    // The Helm gateway chart's namespace is not labelled: its pods opt in with a label.
    namespace('istio-ingress'),
    deployment('istio-ingress', 'istio-ingress', GATEWAY_POD, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0', ports: [{ containerPort: 8443, name: 'https' }] }),
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
        { name: 'https', port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-tls' } },
        { name: 'http', port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } },
      ],
    }),
    networking('VirtualService', 'shop', 'shop-public', {
      hosts: ['shop.example.com'],
      gateways: ['istio-ingress/shop-gateway'],
      http: [{
        name: 'web',
        route: [
          { destination: { host: WEB, subset: 'v1', port: { number: 80 } }, weight: 90 },
          { destination: { host: WEB, subset: 'v2', port: { number: 80 } }, weight: 10 },
        ],
      }],
    }),
    networking('VirtualService', 'shop', 'api', { hosts: ['api'], http: [{ name: 'default', route: [{ destination: { host: 'api', subset: 'v1' } }] }] }),
    networking('DestinationRule', 'shop', 'web', {
      host: WEB,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }],
    }),
    networking('DestinationRule', 'shop', 'api', {
      host: 'api.shop.svc.cluster.local',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    }),
    // TLS origination to the external payments API, verified against the system CAs.
    networking('DestinationRule', 'shop', 'payments', {
      host: 'api.payments.example.net',
      trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE', sni: 'api.payments.example.net', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } }] },
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

type Mutation = (objects: readonly ManifestObject[]) => ManifestObject[];
type Node = Record<string, unknown> | unknown[];

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null;
}

/** `spec.servers.0.tls` or `spec.template.metadata.labels["sidecar.istio.io/inject"]`. */
function pathKeys(path: string): string[] {
  return [...path.matchAll(/\["([^"]+)"\]|([^.[\]]+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

function get(node: Node, key: string): unknown {
  return Array.isArray(node) ? node[Number(key)] : node[key];
}

/** Sets a value; `undefined` deletes the key (or removes the array element). */
function put(node: Node, key: string, value: unknown): void {
  if (Array.isArray(node)) {
    if (value === undefined) node.splice(Number(key), 1);
    else node[Number(key)] = value;
  } else if (value === undefined) {
    delete node[key];
  } else {
    node[key] = value;
  }
}

function requireObject(objects: readonly ManifestObject[], id: string): void {
  if (!objects.some((o) => objectId(o) === id)) throw new Error(`no ${id} in the fixture`);
}

/** Changes fields of one object (dotted paths, array indexes as numbers). */
function patch(id: string, changes: Record<string, unknown>): Mutation {
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

function remove(...ids: string[]): Mutation {
  return (objects) => {
    ids.forEach((id) => requireObject(objects, id));
    return objects.filter((o) => !ids.includes(objectId(o)));
  };
}

function add(...extra: ManifestObject[]): Mutation {
  return (objects) => [...objects, ...extra];
}

function all(...mutations: Mutation[]): Mutation {
  return (objects) => mutations.reduce<ManifestObject[]>((acc, m) => m(acc), [...objects]);
}

// ---------------------------------------------------------------------------------------
// Running the rules as the runners do
// ---------------------------------------------------------------------------------------

function report(objects: readonly ManifestObject[]) {
  return evaluate(meshRules, { manifests: { objects, profile: 'dev', allowedRegistries: [] } }, { environment: 'dev', exceptions: [], today: '2026-11-23' });
}

/** The findings of one rule, the others run alongside as they do in the runners. */
function findings(ruleId: string, objects: readonly ManifestObject[]): Finding[] {
  if (!meshRules.some((r) => r.id === ruleId)) throw new Error(`no rule ${ruleId}`);
  return report(objects).violations.filter((v) => v.rule.id === ruleId).map((v) => ({ object: v.object, message: v.message }));
}

interface Accepted {
  readonly rule: string;
  readonly what: string;
  readonly mutate: Mutation;
}

interface Rejected extends Accepted {
  readonly expected: readonly Finding[];
}

const shopWorkloads = ['Deployment/shop/web-v1', 'Deployment/shop/web-v2', 'Deployment/shop/api-v1'];
const each = (objects: readonly string[], message: string): Finding[] => objects.map((object) => ({ object, message }));

const NO_EGRESS_DENY = "no default-deny NetworkPolicy (podSelector {}, no rules) for Egress in namespace 'shop'";
const NOT_A_HOST = 'is not a Service or ServiceEntry host in the set';

const rejected: Rejected[] = [
  // NM01: namespace default-deny
  {
    rule: 'NM01-default-deny', what: 'a namespace without a default-deny policy',
    mutate: remove('NetworkPolicy/shop/default-deny'),
    expected: [{ object: 'Namespace/shop', message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress and Egress in namespace 'shop'" }],
  },
  {
    rule: 'NM01-default-deny', what: 'a default-deny for Ingress only',
    mutate: patch('NetworkPolicy/istio-ingress/default-deny', { 'spec.policyTypes': ['Ingress'] }),
    expected: [{ object: 'Namespace/istio-ingress', message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Egress in namespace 'istio-ingress'" }],
  },
  {
    rule: 'NM01-default-deny', what: 'a "default-deny" whose empty ingress rule allows every source',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.ingress': [{}] }),
    expected: [{ object: 'Namespace/shop', message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress in namespace 'shop'" }],
  },
  {
    rule: 'NM01-default-deny', what: 'a deny-all that selects some pods only',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.podSelector': { matchLabels: { app: 'web' } } }),
    expected: [{ object: 'Namespace/shop', message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress and Egress in namespace 'shop'" }],
  },
  {
    rule: 'NM01-default-deny', what: 'no policyTypes and no egress field (Kubernetes defaults to Ingress only)',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': undefined }),
    expected: [{ object: 'Namespace/shop', message: NO_EGRESS_DENY }],
  },
  {
    // SetDefaults_NetworkPolicy appends Egress only `if len(obj.Spec.Egress) != 0`.
    rule: 'NM01-default-deny', what: 'no policyTypes and an empty egress list (Kubernetes defaults to Ingress only)',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': undefined, 'spec.egress': [] }),
    expected: [{ object: 'Namespace/shop', message: NO_EGRESS_DENY }],
  },
  {
    rule: 'NM01-default-deny', what: 'a pod that names no namespace (it lands in default)',
    mutate: add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' }, spec: { containers: [{ name: 'sh', image: 'busybox:1.36' }] } }),
    expected: [{ object: 'Namespace/default', message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress and Egress in namespace 'default'" }],
  },

  // NM01: every pod covered
  {
    rule: 'NM01-pod-coverage', what: 'pods selected by an Ingress-only policy, or by none',
    mutate: all(
      remove('NetworkPolicy/shop/default-deny'),
      add(networkPolicy('shop', 'web', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }], ports: [{ port: 8080 }] }],
      })),
    ),
    expected: [
      { object: 'Deployment/shop/web-v1', message: 'pods (app=web,version=v1) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/web-v2', message: 'pods (app=web,version=v2) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/api-v1', message: 'pods (app=api,version=v1) are selected by no NetworkPolicy for Ingress and Egress' },
    ],
  },
  {
    rule: 'NM01-pod-coverage', what: 'a NotIn expression that leaves api out',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.podSelector': { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] } }),
    expected: [{ object: 'Deployment/shop/api-v1', message: 'pods (app=api,version=v1) are selected by no NetworkPolicy for Ingress and Egress' }],
  },
  {
    rule: 'NM01-pod-coverage', what: 'a pod without labels that names no namespace',
    mutate: add({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' }, spec: { containers: [{ name: 'sh', image: 'busybox:1.36' }] } }),
    expected: [{ object: 'Pod/debug', message: 'pods (no labels) are selected by no NetworkPolicy for Ingress and Egress' }],
  },
  {
    rule: 'NM01-pod-coverage', what: 'no policyTypes and an empty egress list (Kubernetes defaults to Ingress only)',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': undefined, 'spec.egress': [] }),
    expected: [
      { object: 'Deployment/shop/web-v1', message: 'pods (app=web,version=v1) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/web-v2', message: 'pods (app=web,version=v2) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/api-v1', message: 'pods (app=api,version=v1) are selected by no NetworkPolicy for Egress' },
    ],
  },

  // NM03: STRICT mTLS
  {
    rule: 'NM03-strict-mtls', what: 'a namespace without a PeerAuthentication',
    mutate: remove('PeerAuthentication/shop/default'),
    expected: [{ object: 'Namespace/shop', message: "no PeerAuthentication with mtls.mode STRICT for namespace 'shop' nor mesh-wide in istio-system" }],
  },
  {
    rule: 'NM03-strict-mtls', what: 'a PERMISSIVE namespace-wide PeerAuthentication',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.mtls.mode': 'PERMISSIVE' }),
    expected: [{ object: 'Namespace/shop', message: 'namespace-wide PeerAuthentication/shop/default sets mtls.mode PERMISSIVE, not STRICT' }],
  },
  {
    rule: 'NM03-strict-mtls', what: 'a namespace inheriting a PERMISSIVE mesh-wide PeerAuthentication',
    mutate: all(remove('PeerAuthentication/shop/default'), add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } }))),
    expected: [{ object: 'Namespace/shop', message: 'inherits mtls.mode PERMISSIVE from mesh-wide PeerAuthentication/istio-system/default' }],
  },
  {
    rule: 'NM03-strict-mtls', what: 'a STRICT PeerAuthentication that selects one workload only',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.selector': { matchLabels: { app: 'web' } } }),
    expected: [{ object: 'Namespace/shop', message: "no PeerAuthentication with mtls.mode STRICT for namespace 'shop' nor mesh-wide in istio-system" }],
  },
  {
    rule: 'NM03-strict-mtls', what: 'a namespace PeerAuthentication with mode UNSET and nothing mesh-wide',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.mtls': {} }),
    expected: [{ object: 'Namespace/shop', message: "no PeerAuthentication with mtls.mode STRICT for namespace 'shop' nor mesh-wide in istio-system" }],
  },

  // NM03: no plaintext overrides
  {
    rule: 'NM03-no-permissive', what: 'mtls.mode DISABLE',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.mtls.mode': 'DISABLE' }),
    expected: [{ object: 'PeerAuthentication/shop/default', message: 'mtls.mode is DISABLE' }],
  },
  {
    rule: 'NM03-no-permissive', what: 'a STRICT workload policy with a PERMISSIVE port',
    mutate: add(security('PeerAuthentication', 'shop', 'web-metrics', {
      selector: { matchLabels: { app: 'web' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 15090: { mode: 'PERMISSIVE' } },
    })),
    expected: [{ object: 'PeerAuthentication/shop/web-metrics', message: 'portLevelMtls 15090 mode is PERMISSIVE' }],
  },
  {
    rule: 'NM03-no-permissive', what: 'a PERMISSIVE policy with a DISABLE port',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.mtls.mode': 'PERMISSIVE', 'spec.portLevelMtls': { 8080: { mode: 'DISABLE' } } }),
    expected: [
      { object: 'PeerAuthentication/shop/default', message: 'mtls.mode is PERMISSIVE' },
      { object: 'PeerAuthentication/shop/default', message: 'portLevelMtls 8080 mode is DISABLE' },
    ],
  },

  // NM04: deny by default
  {
    rule: 'NM04-deny-by-default', what: 'a namespace without allow-nothing',
    mutate: remove('AuthorizationPolicy/shop/allow-nothing'),
    expected: [{ object: 'Namespace/shop', message: "no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace 'shop' nor in istio-system" }],
  },
  {
    rule: 'NM04-deny-by-default', what: 'an allow-nothing that selects some workloads only',
    mutate: patch('AuthorizationPolicy/istio-ingress/allow-nothing', { 'spec.selector': { matchLabels: { istio: 'ingress' } } }),
    expected: [{ object: 'Namespace/istio-ingress', message: "no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace 'istio-ingress' nor in istio-system" }],
  },
  {
    rule: 'NM04-deny-by-default', what: 'a DENY policy without rules (it denies nothing)',
    mutate: patch('AuthorizationPolicy/shop/allow-nothing', { 'spec.action': 'DENY' }),
    expected: [{ object: 'Namespace/shop', message: "no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace 'shop' nor in istio-system" }],
  },

  // NM05: no allow-all
  {
    rule: 'NM05-no-allow-all', what: 'an empty rule on a workload policy',
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.rules': [{}] }),
    expected: [{ object: 'AuthorizationPolicy/shop/web', message: 'rules[0] matches every request: it allows anyone to reach workloads app=web' }],
  },
  {
    rule: 'NM05-no-allow-all', what: 'a namespace policy from 0.0.0.0/0 for every method',
    mutate: add(security('AuthorizationPolicy', 'shop', 'open', {
      rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8', '0.0.0.0/0'] } }], to: [{ operation: { methods: ['*'] } }] }],
    })),
    expected: [{ object: 'AuthorizationPolicy/shop/open', message: "rules[0] matches every request: it allows anyone to reach every workload in namespace 'shop'" }],
  },
  {
    rule: 'NM05-no-allow-all', what: 'a mesh-wide policy for every path',
    mutate: add(security('AuthorizationPolicy', 'istio-system', 'open', { action: 'ALLOW', rules: [{ to: [{ operation: { paths: ['*'] } }] }] })),
    expected: [{ object: 'AuthorizationPolicy/istio-system/open', message: 'rules[0] matches every request: it allows anyone to reach every workload of the mesh' }],
  },
  {
    rule: 'NM05-no-allow-all', what: 'an empty source ORed with a real one, in a second rule',
    mutate: patch('AuthorizationPolicy/shop/api', {
      'spec.rules.1': { from: [{ source: { principals: [WEB_PRINCIPAL] } }, { source: {} }] },
    }),
    expected: [{ object: 'AuthorizationPolicy/shop/api', message: 'rules[1] matches every request: it allows anyone to reach workloads app=api' }],
  },

  // NM05: positive matches in ALLOW
  {
    rule: 'NM05-positive-allow', what: 'notPrincipals in an ALLOW rule',
    mutate: patch('AuthorizationPolicy/shop/api', { 'spec.rules': [{ from: [{ source: { notPrincipals: ['cluster.local/ns/shop/sa/untrusted'] } }] }] }),
    expected: [{ object: 'AuthorizationPolicy/shop/api', message: 'ALLOW rules[0] uses negative matches: from[0].source.notPrincipals' }],
  },
  {
    rule: 'NM05-positive-allow', what: 'notPaths and notValues in an ALLOW rule',
    mutate: patch('AuthorizationPolicy/shop/api', {
      'spec.rules': [{
        from: [{ source: { principals: [WEB_PRINCIPAL] } }],
        to: [{ operation: { methods: ['GET'] } }, { operation: { notPaths: ['/admin/*'] } }],
        when: [{ key: 'request.headers[x-tenant]', notValues: ['internal'] }],
      }],
    }),
    expected: [{ object: 'AuthorizationPolicy/shop/api', message: 'ALLOW rules[0] uses negative matches: to[1].operation.notPaths, when[0].notValues' }],
  },

  // NM06: gateway hosts
  {
    rule: 'NM06-gateway-hosts', what: "a namespace-scoped '*' host",
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['shop/*'] }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) host 'shop/*' accepts any hostname" }],
  },
  {
    rule: 'NM06-gateway-hosts', what: 'a wildcard over a top-level domain',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.1.hosts': ['shop.example.com', '*.com'] }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[1] 'http' (HTTP 80) host '*.com' accepts any hostname under a top-level domain" }],
  },
  {
    rule: 'NM06-gateway-hosts', what: "'*' on both servers",
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['*'], 'spec.servers.1.hosts': ['*/*'] }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) host '*' accepts any hostname" },
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[1] 'http' (HTTP 80) host '*/*' accepts any hostname" },
    ],
  },

  // NM07: certificates
  {
    rule: 'NM07-https-certificate', what: 'an HTTPS server without credentialName',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.credentialName': undefined }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) tls.mode SIMPLE has no credentialName (nor serverCertificate and privateKey)" }],
  },
  {
    rule: 'NM07-https-certificate', what: 'an HTTPS server without tls settings',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls': undefined }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) has no tls settings" }],
  },
  {
    rule: 'NM07-https-certificate', what: 'an HTTPS server whose tls.mode defaults to PASSTHROUGH',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.mode': undefined }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) has tls.mode PASSTHROUGH, which does not terminate HTTPS" }],
  },
  {
    rule: 'NM07-https-certificate', what: 'an unnamed TLS server terminating with a certificate but no key',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.2': { port: { number: 9443, protocol: 'TLS' }, hosts: ['shop.example.com'], tls: { mode: 'MUTUAL', serverCertificate: '/etc/certs/tls.crt' } },
    }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: 'servers[2] (TLS 9443) tls.mode MUTUAL has no credentialName (nor serverCertificate and privateKey)' }],
  },

  // NM07: HTTP redirects
  {
    rule: 'NM07-http-redirect', what: 'an HTTP server that serves the routes',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.1.tls': undefined }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[1] 'http' (HTTP 80) serves plaintext without tls.httpsRedirect" }],
  },
  {
    rule: 'NM07-http-redirect', what: 'an http2 server (lower case) with httpsRedirect false',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.1.port.protocol': 'http2', 'spec.servers.1.tls.httpsRedirect': false }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[1] 'http' (http2 80) serves plaintext without tls.httpsRedirect" }],
  },

  // NM07: TLS versions
  {
    rule: 'NM07-min-tls-version', what: 'minProtocolVersion TLSV1_1',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.minProtocolVersion': 'TLSV1_1' }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) tls.minProtocolVersion is TLSV1_1" }],
  },
  {
    rule: 'NM07-min-tls-version', what: 'both bounds at TLSV1_0',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.minProtocolVersion': 'TLSV1_0', 'spec.servers.0.tls.maxProtocolVersion': 'TLSV1_0' }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) tls.minProtocolVersion is TLSV1_0" },
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) tls.maxProtocolVersion is TLSV1_0" },
    ],
  },

  // NM08: TLS origination
  {
    rule: 'NM08-origination-ca', what: 'SIMPLE with insecureSkipVerify, top-level',
    mutate: patch('DestinationRule/shop/payments', { 'spec.trafficPolicy': { tls: { mode: 'SIMPLE', caCertificates: '/etc/ssl/certs/ca-certificates.crt', insecureSkipVerify: true } } }),
    expected: [{ object: 'DestinationRule/shop/payments', message: 'trafficPolicy.tls mode SIMPLE sets insecureSkipVerify' }],
  },
  {
    rule: 'NM08-origination-ca', what: 'SIMPLE with insecureSkipVerify on a port',
    mutate: patch('DestinationRule/shop/payments', { 'spec.trafficPolicy.portLevelSettings.0.tls.insecureSkipVerify': true }),
    expected: [{ object: 'DestinationRule/shop/payments', message: 'trafficPolicy.portLevelSettings[0].tls mode SIMPLE sets insecureSkipVerify' }],
  },
  {
    rule: 'NM08-origination-ca', what: 'SIMPLE on a port without a CA',
    mutate: patch('DestinationRule/shop/payments', { 'spec.trafficPolicy.portLevelSettings.0.tls.caCertificates': undefined }),
    expected: [{ object: 'DestinationRule/shop/payments', message: 'trafficPolicy.portLevelSettings[0].tls mode SIMPLE has neither caCertificates nor credentialName' }],
  },
  {
    rule: 'NM08-origination-ca', what: 'MUTUAL on a subset without a CA',
    mutate: patch('DestinationRule/shop/web', { 'spec.subsets.1.trafficPolicy': { tls: { mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem' } } }),
    expected: [{ object: 'DestinationRule/shop/web', message: 'subsets[1].trafficPolicy.tls mode MUTUAL has neither caCertificates nor credentialName' }],
  },

  // NM09: Sidecar egress
  {
    rule: 'NM09-sidecar-egress', what: 'a workload no Sidecar applies to',
    mutate: remove('Sidecar/shop/api'),
    expected: [{ object: 'Deployment/shop/api-v1', message: 'no Sidecar applies to the pods: their proxy reaches every service of the mesh' }],
  },
  {
    rule: 'NM09-sidecar-egress', what: "a Sidecar with '*/*' egress",
    mutate: patch('Sidecar/shop/web', { 'spec.egress.0.hosts': ['./api.shop.svc.cluster.local', '*/*'] }),
    expected: each(['Deployment/shop/web-v1', 'Deployment/shop/web-v2'], "Sidecar/shop/web egress host '*/*' allows every namespace"),
  },
  {
    rule: 'NM09-sidecar-egress', what: 'a Sidecar without egress listeners',
    mutate: patch('Sidecar/shop/api', { 'spec.egress': undefined }),
    expected: [{ object: 'Deployment/shop/api-v1', message: 'Sidecar/shop/api has no egress listeners: the proxy reaches every service of the mesh' }],
  },
  {
    rule: 'NM09-sidecar-egress', what: "an open mesh default in istio-system ('*')",
    mutate: all(remove('Sidecar/shop/api'), add(networking('Sidecar', 'istio-system', 'default', { egress: [{ hosts: ['*'] }] }))),
    expected: [{ object: 'Deployment/shop/api-v1', message: "Sidecar/istio-system/default egress host '*' allows every namespace" }],
  },

  // NM10: injection
  {
    rule: 'NM10-injection', what: 'injection disabled on the namespace, even for a pod that opts in',
    mutate: all(
      patch('Namespace/shop', { 'metadata.labels': { 'istio-injection': 'disabled' } }),
      patch('Deployment/shop/api-v1', { 'spec.template.metadata.labels["sidecar.istio.io/inject"]': 'true' }),
    ),
    expected: each(shopWorkloads, "namespace 'shop' is labelled istio-injection=disabled"),
  },
  {
    rule: 'NM10-injection', what: 'a pod opting out by annotation in an injected namespace',
    mutate: patch('Deployment/shop/web-v1', { 'spec.template.metadata.annotations["sidecar.istio.io/inject"]': 'false' }),
    expected: [{ object: 'Deployment/shop/web-v1', message: 'the pod template sets sidecar.istio.io/inject=false' }],
  },
  {
    rule: 'NM10-injection', what: 'a pod opting out by label in an injected namespace',
    mutate: patch('Deployment/shop/api-v1', { 'spec.template.metadata.labels["sidecar.istio.io/inject"]': 'false' }),
    expected: [{ object: 'Deployment/shop/api-v1', message: 'the pod template sets sidecar.istio.io/inject=false' }],
  },
  {
    rule: 'NM10-injection', what: 'a namespace without injection labels',
    mutate: patch('Namespace/shop', { 'metadata.labels': {} }),
    expected: each(shopWorkloads, "namespace 'shop' has neither istio-injection=enabled nor istio.io/rev, and the pods do not set sidecar.istio.io/inject=true"),
  },
  {
    rule: 'NM10-injection', what: 'a namespace missing from the set',
    mutate: remove('Namespace/shop'),
    expected: each(shopWorkloads, "namespace 'shop' is not in the set and the pods do not set sidecar.istio.io/inject=true: injection is not enabled"),
  },
  {
    // The injector's object webhook selects pods by the label; an annotation never reaches it.
    rule: 'NM10-injection', what: 'a pod that opts in by annotation only, in an unlabelled namespace',
    mutate: patch('Deployment/istio-ingress/istio-ingress', {
      'spec.template.metadata.labels["sidecar.istio.io/inject"]': undefined,
      'spec.template.metadata.annotations["sidecar.istio.io/inject"]': 'true',
    }),
    expected: [{ object: 'Deployment/istio-ingress/istio-ingress', message: "namespace 'istio-ingress' has neither istio-injection=enabled nor istio.io/rev, and the pods do not set sidecar.istio.io/inject=true" }],
  },

  // NM10: port protocols
  {
    rule: 'NM10-port-protocol', what: 'a port named web without appProtocol',
    mutate: patch('Service/shop/web', { 'spec.ports.0': { name: 'web', port: 80, targetPort: 8080 } }),
    expected: [{ object: 'Service/shop/web', message: "port 80 (name 'web', appProtocol '') declares no protocol Istio knows" }],
  },
  {
    rule: 'NM10-port-protocol', what: 'a name that only starts like a protocol and an unknown appProtocol',
    mutate: patch('Service/shop/api', { 'spec.ports.0': { name: 'httpx', port: 80, targetPort: 8080, appProtocol: 'h3' } }),
    expected: [{ object: 'Service/shop/api', message: "port 80 (name 'httpx', appProtocol 'h3') declares no protocol Istio knows" }],
  },

  // MC01: destination hosts
  {
    rule: 'MC01-destination-hosts', what: 'a misspelt short host',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.route.0.destination.host': 'wbe' }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: `http[0].route[0] destination 'wbe' (wbe.shop.svc.cluster.local) ${NOT_A_HOST}` }],
  },
  {
    rule: 'MC01-destination-hosts', what: 'a mirror to a missing service',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.mirror': { host: 'web-shadow' } }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: `http[0].mirror destination 'web-shadow' (web-shadow.shop.svc.cluster.local) ${NOT_A_HOST}` }],
  },
  {
    rule: 'MC01-destination-hosts', what: 'one of several mirrors to a missing FQDN',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.mirrors': [{ destination: { host: 'web-canary.shop.svc.cluster.local' }, percentage: { value: 5 } }] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: `http[0].mirrors[0] destination 'web-canary.shop.svc.cluster.local' ${NOT_A_HOST}` }],
  },
  {
    rule: 'MC01-destination-hosts', what: "'reviews.bookinfo', which Istio does not expand, with the spelling that would resolve",
    mutate: all(
      add(service('bookinfo', 'reviews', { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] })),
      patch('VirtualService/shop/api', { 'spec.http.0.route.0.destination': { host: 'reviews.bookinfo' } }),
    ),
    expected: [{
      object: 'VirtualService/shop/api',
      message: `http[0].route[0] destination 'reviews.bookinfo' ${NOT_A_HOST}; Istio does not expand '<service>.<namespace>': write 'reviews.bookinfo.svc.cluster.local'`,
    }],
  },
  {
    rule: 'MC01-destination-hosts', what: "'reviews.bookinfo' when there is no such Service (no hint)",
    mutate: patch('VirtualService/shop/api', { 'spec.http.0.route.0.destination': { host: 'reviews.bookinfo' } }),
    expected: [{ object: 'VirtualService/shop/api', message: `http[0].route[0] destination 'reviews.bookinfo' ${NOT_A_HOST}` }],
  },
  {
    rule: 'MC01-destination-hosts', what: 'a TCP route to a missing service',
    mutate: add(networking('VirtualService', 'shop', 'db', { hosts: ['db'], tcp: [{ route: [{ destination: { host: 'db', port: { number: 5432 } } }] }] })),
    expected: [{ object: 'VirtualService/shop/db', message: `tcp[0].route[0] destination 'db' (db.shop.svc.cluster.local) ${NOT_A_HOST}` }],
  },

  // MC02: subsets
  {
    rule: 'MC02-subsets', what: 'a subset the DestinationRule does not define',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.route.1.destination.subset': 'v3' }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: `http[0].route[1] subset 'v3' of ${WEB} is not defined by DestinationRule/shop/web (subsets: 'v1', 'v2')` }],
  },
  {
    rule: 'MC02-subsets', what: 'subsets of a host without a DestinationRule',
    mutate: remove('DestinationRule/shop/web'),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[0] subset 'v1' of ${WEB}: no DestinationRule for that host` },
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[1] subset 'v2' of ${WEB}: no DestinationRule for that host` },
    ],
  },
  {
    rule: 'MC02-subsets', what: "a DestinationRule for 'web.shop', which is not the route's host",
    mutate: patch('DestinationRule/shop/web', { 'spec.host': 'web.shop' }),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[0] subset 'v1' of ${WEB}: no DestinationRule for that host` },
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[1] subset 'v2' of ${WEB}: no DestinationRule for that host` },
    ],
  },
  {
    rule: 'MC02-subsets', what: 'a mirror to an undefined subset',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.mirror': { host: 'web', subset: 'shadow' } }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: `http[0].mirror subset 'shadow' of ${WEB} is not defined by DestinationRule/shop/web (subsets: 'v1', 'v2')` }],
  },

  // MC03: gateways exist
  {
    rule: 'MC03-gateway-exists', what: 'a misspelt <namespace>/<name> gateway',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['istio-ingress/shop-gw'] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: "gateway 'istio-ingress/shop-gw' (istio-ingress/shop-gw) is not a Gateway in the set" }],
  },
  {
    rule: 'MC03-gateway-exists', what: "a bare name, looked up in the VirtualService's namespace",
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['shop-gateway'] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: "gateway 'shop-gateway' (shop/shop-gateway) is not a Gateway in the set" }],
  },
  {
    rule: 'MC03-gateway-exists', what: 'a legacy <name>.<namespace> in the wrong namespace',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['mesh', 'shop-gateway.shop'] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: "gateway 'shop-gateway.shop' (shop/shop-gateway) is not a Gateway in the set" }],
  },

  // MC03: gateway hosts
  {
    rule: 'MC03-gateway-hosts', what: 'a VirtualService host the Gateway does not serve',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.hosts': ['shop.example.org'] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: "none of its hosts ('shop.example.org') is among the hosts of Gateway/istio-ingress/shop-gateway ('shop.example.com')" }],
  },
  {
    rule: 'MC03-gateway-hosts', what: 'one extra host no gateway serves, without mesh',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.hosts': ['shop.example.com', 'admin.example.com'] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: "host 'admin.example.com' is among the hosts of none of its gateways (Gateway/istio-ingress/shop-gateway)" }],
  },
  {
    rule: 'MC03-gateway-hosts', what: 'a Gateway host reserved for another namespace',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['payments/shop.example.com'], 'spec.servers.1.hosts': ['payments/shop.example.com'] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: "none of its hosts ('shop.example.com') is among the hosts of Gateway/istio-ingress/shop-gateway ('payments/shop.example.com')" }],
  },
  {
    rule: 'MC03-gateway-hosts', what: "a './' Gateway host, which admits only the gateway's own namespace",
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['./shop.example.com'], 'spec.servers.1.hosts': ['./shop.example.com'] }),
    expected: [{ object: 'VirtualService/shop/shop-public', message: "none of its hosts ('shop.example.com') is among the hosts of Gateway/istio-ingress/shop-gateway ('./shop.example.com')" }],
  },

  // MC04: gateway selector
  {
    rule: 'MC04-gateway-selector', what: 'an empty selector',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.selector': {} }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: 'selector is empty: the Gateway applies to every gateway proxy of the mesh' }],
  },
  {
    rule: 'MC04-gateway-selector', what: 'a selector matching application pods',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.selector': { app: 'web' } }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: 'selector app=web selects application workloads (Deployment/shop/web-v1, Deployment/shop/web-v2), not an ingress gateway' }],
  },
  {
    rule: 'MC04-gateway-selector', what: 'a selector matching none of the gateway proxies in the set',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.selector': { istio: 'egress' } }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: 'selector istio=egress matches none of the gateway workloads in the set (Deployment/istio-ingress/istio-ingress)' }],
  },

  // MC05: VirtualService conflicts
  {
    rule: 'MC05-virtualservice-conflicts', what: 'two VirtualServices for one host on one Gateway',
    mutate: add(networking('VirtualService', 'shop', 'shop-canary', {
      hosts: ['shop.example.com'], gateways: ['istio-ingress/shop-gateway'], http: [{ route: [{ destination: { host: 'web', subset: 'v2' } }] }],
    })),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-canary" },
      { object: 'VirtualService/shop/shop-canary', message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-public" },
    ],
  },
  {
    rule: 'MC05-virtualservice-conflicts', what: 'the same Gateway named the legacy way',
    mutate: add(networking('VirtualService', 'shop', 'shop-canary', {
      hosts: ['SHOP.example.com'], gateways: ['shop-gateway.istio-ingress.svc.cluster.local'], http: [{ route: [{ destination: { host: 'web', subset: 'v2' } }] }],
    })),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-canary" },
      { object: 'VirtualService/shop/shop-canary', message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-public" },
    ],
  },
  {
    rule: 'MC05-virtualservice-conflicts', what: 'a short and a fully qualified host for the same service on mesh',
    mutate: add(networking('VirtualService', 'shop', 'api-canary', { hosts: ['api.shop.svc.cluster.local'], gateways: ['mesh'], http: [{ route: [{ destination: { host: 'api' } }] }] })),
    expected: [
      { object: 'VirtualService/shop/api', message: "host 'api.shop.svc.cluster.local' on gateway 'mesh' is also defined by VirtualService/shop/api-canary" },
      { object: 'VirtualService/shop/api-canary', message: "host 'api.shop.svc.cluster.local' on gateway 'mesh' is also defined by VirtualService/shop/api" },
    ],
  },

  // MC05: Sidecar overlaps
  {
    rule: 'MC05-sidecar-overlap', what: 'a Sidecar selecting pods two others already select',
    mutate: add(networking('Sidecar', 'shop', 'version-v1', { workloadSelector: { labels: { version: 'v1' } }, egress: [{ hosts: ['istio-system/*'] }] })),
    expected: [
      { object: 'Sidecar/shop/web', message: 'selects Deployment/shop/web-v1, also selected by Sidecar/shop/version-v1' },
      { object: 'Sidecar/shop/api', message: 'selects Deployment/shop/api-v1, also selected by Sidecar/shop/version-v1' },
      { object: 'Sidecar/shop/version-v1', message: 'selects Deployment/shop/web-v1, also selected by Sidecar/shop/web' },
      { object: 'Sidecar/shop/version-v1', message: 'selects Deployment/shop/api-v1, also selected by Sidecar/shop/api' },
    ],
  },
  {
    rule: 'MC05-sidecar-overlap', what: 'two Sidecars without a selector in one namespace',
    mutate: add(
      networking('Sidecar', 'shop', 'default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] }),
      networking('Sidecar', 'shop', 'default-2', { egress: [{ hosts: ['istio-system/*'] }] }),
    ),
    expected: [
      { object: 'Sidecar/shop/default', message: "has no workloadSelector, like Sidecar/shop/default-2: namespace 'shop' has several default Sidecars" },
      { object: 'Sidecar/shop/default-2', message: "has no workloadSelector, like Sidecar/shop/default: namespace 'shop' has several default Sidecars" },
    ],
  },

  // MC07: DestinationRule hosts
  {
    rule: 'MC07-destinationrule-host', what: 'a misspelt short host',
    mutate: patch('DestinationRule/shop/web', { 'spec.host': 'wbe' }),
    expected: [{ object: 'DestinationRule/shop/web', message: `host 'wbe' (wbe.shop.svc.cluster.local) ${NOT_A_HOST}` }],
  },
  {
    rule: 'MC07-destinationrule-host', what: "'api.shop', with the spelling that would resolve",
    mutate: patch('DestinationRule/shop/api', { 'spec.host': 'api.shop' }),
    expected: [{ object: 'DestinationRule/shop/api', message: `host 'api.shop' ${NOT_A_HOST}; Istio does not expand '<service>.<namespace>': write 'api.shop.svc.cluster.local'` }],
  },
  {
    rule: 'MC07-destinationrule-host', what: 'no host at all',
    mutate: patch('DestinationRule/shop/web', { 'spec.host': undefined }),
    expected: [{ object: 'DestinationRule/shop/web', message: 'has no host' }],
  },

  // MC07: subsets select pods
  {
    rule: 'MC07-subset-pods', what: 'subset labels selecting no pods',
    mutate: patch('DestinationRule/shop/web', { 'spec.subsets.1.labels': { version: 'v3' } }),
    expected: [{ object: 'DestinationRule/shop/web', message: "subset 'v2' (version=v3) selects no pods of Service/shop/web" }],
  },
  {
    rule: 'MC07-subset-pods', what: "a subset whose version's Deployment is gone",
    mutate: remove('Deployment/shop/web-v2'),
    expected: [{ object: 'DestinationRule/shop/web', message: "subset 'v2' (version=v2) selects no pods of Service/shop/web" }],
  },

  // MC08: selectors match
  {
    rule: 'MC08-selector-matches', what: 'an AuthorizationPolicy with a misspelt label',
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.selector.matchLabels.app': 'wbe' }),
    expected: [{ object: 'AuthorizationPolicy/shop/web', message: "selector app=wbe matches no workload in namespace 'shop'" }],
  },
  {
    rule: 'MC08-selector-matches', what: 'a RequestAuthentication and a Sidecar selecting nothing',
    mutate: all(
      patch('RequestAuthentication/shop/web-jwt', { 'spec.selector.matchLabels': { app: 'frontend' } }),
      patch('Sidecar/shop/api', { 'spec.workloadSelector.labels': { app: 'api', version: 'v9' } }),
    ),
    expected: [
      { object: 'RequestAuthentication/shop/web-jwt', message: "selector app=frontend matches no workload in namespace 'shop'" },
      { object: 'Sidecar/shop/api', message: "selector app=api,version=v9 matches no workload in namespace 'shop'" },
    ],
  },
  {
    rule: 'MC08-selector-matches', what: 'a policy selecting pods of another namespace',
    mutate: add(security('AuthorizationPolicy', 'istio-ingress', 'web', { selector: { matchLabels: { app: 'web' } }, rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] })),
    expected: [{ object: 'AuthorizationPolicy/istio-ingress/web', message: "selector app=web matches no workload in namespace 'istio-ingress'" }],
  },
  {
    rule: 'MC08-selector-matches', what: 'a PeerAuthentication in istio-system selecting nothing anywhere',
    mutate: add(security('PeerAuthentication', 'istio-system', 'payments', { selector: { matchLabels: { app: 'payments' } }, mtls: { mode: 'STRICT' } })),
    expected: [{ object: 'PeerAuthentication/istio-system/payments', message: "selector app=payments matches no workload in any namespace" }],
  },

  // MC08: JWT policies need a RequestAuthentication
  {
    rule: 'MC08-jwt-authentication', what: 'notRequestPrincipals without a RequestAuthentication',
    mutate: remove('RequestAuthentication/shop/web-jwt'),
    expected: [{ object: 'AuthorizationPolicy/shop/web-require-jwt', message: 'uses notRequestPrincipals but no RequestAuthentication selects Deployment/shop/web-v1, Deployment/shop/web-v2' }],
  },
  {
    rule: 'MC08-jwt-authentication', what: 'requestPrincipals and a claim on a workload no RequestAuthentication selects',
    mutate: patch('AuthorizationPolicy/shop/api', {
      'spec.rules': [{ from: [{ source: { requestPrincipals: ['https://auth.example.com/*'] } }], when: [{ key: 'request.auth.claims[groups]', values: ['admins'] }] }],
    }),
    expected: [{ object: 'AuthorizationPolicy/shop/api', message: 'uses requestPrincipals, request.auth.claims[groups] but no RequestAuthentication selects Deployment/shop/api-v1' }],
  },
  {
    rule: 'MC08-jwt-authentication', what: 'a RequestAuthentication in another namespace',
    mutate: all(
      remove('RequestAuthentication/shop/web-jwt'),
      add(security('RequestAuthentication', 'istio-ingress', 'web-jwt', { selector: { matchLabels: { app: 'web' } }, jwtRules: [{ issuer: 'https://auth.example.com' }] })),
    ),
    expected: [{ object: 'AuthorizationPolicy/shop/web-require-jwt', message: 'uses notRequestPrincipals but no RequestAuthentication selects Deployment/shop/web-v1, Deployment/shop/web-v2' }],
  },
  {
    rule: 'MC08-jwt-authentication', what: 'a RequestAuthentication covering one version only',
    mutate: patch('RequestAuthentication/shop/web-jwt', { 'spec.selector.matchLabels': { app: 'web', version: 'v1' } }),
    expected: [{ object: 'AuthorizationPolicy/shop/web-require-jwt', message: 'uses notRequestPrincipals but no RequestAuthentication selects Deployment/shop/web-v2' }],
  },

  // MC09: PDB selectors
  {
    rule: 'MC09-pdb-selector', what: 'a PDB selecting nothing',
    mutate: patch('PodDisruptionBudget/shop/web', { 'spec.selector.matchLabels.app': 'wbe' }),
    expected: [{ object: 'PodDisruptionBudget/shop/web', message: "selector app=wbe matches no workload's pods in namespace 'shop'" }],
  },
  {
    rule: 'MC09-pdb-selector', what: 'a PDB without a selector',
    mutate: patch('PodDisruptionBudget/shop/api', { 'spec.selector': undefined }),
    expected: [{ object: 'PodDisruptionBudget/shop/api', message: 'has no selector: it selects no pods' }],
  },
  {
    rule: 'MC09-pdb-selector', what: 'a PDB whose expression matches no version',
    mutate: patch('PodDisruptionBudget/shop/web', { 'spec.selector.matchExpressions': [{ key: 'version', operator: 'In', values: ['v3'] }] }),
    expected: [{ object: 'PodDisruptionBudget/shop/web', message: "selector app=web,version In (v3) matches no workload's pods in namespace 'shop'" }],
  },

  // MC09: Service selectors
  {
    rule: 'MC09-service-pods', what: 'a Service selecting nothing',
    mutate: patch('Service/shop/api', { 'spec.selector.app': 'apii' }),
    expected: [{ object: 'Service/shop/api', message: "selector app=apii matches no workload's pods in namespace 'shop'" }],
  },
  {
    rule: 'MC09-service-pods', what: "a Service selecting pods of another namespace",
    mutate: add(httpService('istio-ingress', 'web')),
    expected: [{ object: 'Service/istio-ingress/web', message: "selector app=web matches no workload's pods in namespace 'istio-ingress'" }],
  },
];

const accepted: Accepted[] = [
  {
    rule: 'NM01-default-deny', what: 'a default-deny split into one policy per direction',
    mutate: all(
      patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': ['Ingress'] }),
      add(networkPolicy('shop', 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] })),
    ),
  },
  {
    rule: 'NM01-default-deny', what: 'an allow policy beside the default-deny',
    mutate: add(networkPolicy('shop', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] })),
  },
  {
    rule: 'NM01-pod-coverage', what: 'pods covered by matchExpressions (In, Exists)',
    mutate: all(
      remove('NetworkPolicy/shop/default-deny'),
      add(
        networkPolicy('shop', 'apps', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, policyTypes: ['Ingress', 'Egress'] }),
        networkPolicy('shop', 'versioned', { podSelector: { matchExpressions: [{ key: 'version', operator: 'Exists' }] }, policyTypes: ['Ingress', 'Egress'] }),
      ),
    ),
  },

  {
    rule: 'NM03-strict-mtls', what: 'a mesh-wide STRICT PeerAuthentication in istio-system',
    mutate: all(
      remove('PeerAuthentication/shop/default', 'PeerAuthentication/istio-ingress/default'),
      add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } })),
    ),
  },
  {
    rule: 'NM03-strict-mtls', what: 'a namespace left UNSET under a mesh-wide STRICT',
    mutate: all(
      patch('PeerAuthentication/shop/default', { 'spec.mtls': undefined }),
      add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } })),
    ),
  },
  {
    rule: 'NM03-strict-mtls', what: 'STRICT namespaces under a PERMISSIVE mesh (the namespace wins)',
    mutate: add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } })),
  },
  {
    rule: 'NM03-no-permissive', what: 'a STRICT port override',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.portLevelMtls': { 8080: { mode: 'STRICT' } } }),
  },

  {
    rule: 'NM04-deny-by-default', what: 'a mesh-wide allow-nothing in istio-system',
    mutate: all(
      remove('AuthorizationPolicy/shop/allow-nothing', 'AuthorizationPolicy/istio-ingress/allow-nothing'),
      add(security('AuthorizationPolicy', 'istio-system', 'allow-nothing', { action: 'ALLOW', rules: [] })),
    ),
  },

  {
    rule: 'NM05-no-allow-all', what: "principals ['*'] (it still requires a workload identity)",
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.rules': [{ from: [{ source: { principals: ['*'] } }] }] }),
  },
  {
    rule: 'NM05-no-allow-all', what: 'a rule constrained by a when condition only',
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.rules': [{ when: [{ key: 'source.namespace', values: ['istio-ingress'] }] }] }),
  },
  {
    rule: 'NM05-no-allow-all', what: 'an empty rule in a DENY policy',
    mutate: add(security('AuthorizationPolicy', 'shop', 'deny-all', { action: 'DENY', rules: [{}] })),
  },
  {
    rule: 'NM05-positive-allow', what: 'a DENY policy with notPaths',
    mutate: add(security('AuthorizationPolicy', 'shop', 'api-only-v1', { selector: { matchLabels: { app: 'api' } }, action: 'DENY', rules: [{ to: [{ operation: { notPaths: ['/v1/*'] } }] }] })),
  },

  {
    rule: 'NM06-gateway-hosts', what: 'a wildcard under an owned domain and a namespace-scoped host',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['*.example.com'], 'spec.servers.1.hosts': ['shop/shop.example.com'] }),
  },

  {
    rule: 'NM07-https-certificate', what: 'a certificate and key on the proxy instead of a credential',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls': { mode: 'SIMPLE', serverCertificate: '/etc/certs/tls.crt', privateKey: '/etc/certs/tls.key' } }),
  },
  {
    rule: 'NM07-https-certificate', what: 'a TLS passthrough server',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.2': { name: 'tls', port: { number: 9443, name: 'tls', protocol: 'TLS' }, hosts: ['db.example.com'], tls: { mode: 'PASSTHROUGH' } } }),
  },
  {
    rule: 'NM07-http-redirect', what: 'a Gateway with the HTTPS server only',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.1': undefined }),
  },
  {
    rule: 'NM07-min-tls-version', what: 'TLS 1.2 to 1.3',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.minProtocolVersion': 'TLSV1_2', 'spec.servers.0.tls.maxProtocolVersion': 'TLSV1_3' }),
  },
  {
    rule: 'NM08-origination-ca', what: 'SIMPLE verified against a credential',
    mutate: patch('DestinationRule/shop/payments', { 'spec.trafficPolicy.portLevelSettings.0.tls': { mode: 'SIMPLE', credentialName: 'payments-ca', sni: 'api.payments.example.net' } }),
  },

  {
    rule: 'NM09-sidecar-egress', what: 'a Sidecar without selector covering the namespace',
    mutate: all(
      remove('Sidecar/shop/web', 'Sidecar/shop/api'),
      add(networking('Sidecar', 'shop', 'default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] })),
    ),
  },
  {
    rule: 'NM09-sidecar-egress', what: 'a scoped mesh default in istio-system',
    mutate: all(
      remove('Sidecar/shop/api'),
      add(networking('Sidecar', 'istio-system', 'default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] })),
    ),
  },
  {
    // Istio gives gateway proxies (Router) a default scope (Proxy.SetSidecarScope): no Sidecar configures them.
    rule: 'NM09-sidecar-egress', what: 'a gateway proxy without a Sidecar (Sidecars do not apply to gateways)',
    mutate: remove('Sidecar/istio-ingress/default'),
  },

  {
    rule: 'NM10-injection', what: 'a hostNetwork pod (never injected)',
    mutate: patch('Deployment/shop/api-v1', { 'spec.template.spec.hostNetwork': true, 'spec.template.metadata.labels["sidecar.istio.io/inject"]': 'false' }),
  },
  {
    rule: 'NM10-injection', what: 'a namespace labelled with a revision',
    mutate: patch('Namespace/shop', { 'metadata.labels': { 'istio.io/rev': '1-24' } }),
  },
  {
    rule: 'NM10-injection', what: 'pods labelled with a revision in an unlabelled namespace',
    mutate: all(
      patch('Namespace/shop', { 'metadata.labels': {} }),
      ...shopWorkloads.map((id) => patch(id, { 'spec.template.metadata.labels["istio.io/rev"]': '1-24' })),
    ),
  },
  {
    rule: 'NM10-port-protocol', what: 'a protocol-prefixed name and a Kubernetes appProtocol',
    mutate: all(
      patch('Service/shop/web', { 'spec.ports.0': { name: 'http-web', port: 80, targetPort: 8080 } }),
      patch('Service/shop/api', { 'spec.ports.0': { name: 'api', port: 80, targetPort: 8080, appProtocol: 'kubernetes.io/h2c' } }),
    ),
  },
  {
    rule: 'NM10-port-protocol', what: 'an ExternalName Service with an unnamed port',
    mutate: add(service('shop', 'legacy', { type: 'ExternalName', externalName: 'legacy.example.net', ports: [{ port: 8443 }] })),
  },

  {
    rule: 'MC01-destination-hosts', what: "the short host 'web', resolved in the VirtualService's namespace (in any case)",
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.route.0.destination.host': 'web', 'spec.http.0.route.1.destination.host': 'WEB' }),
  },
  {
    rule: 'MC01-destination-hosts', what: 'a ServiceEntry host',
    mutate: add(networking('VirtualService', 'shop', 'payments', { hosts: ['api.payments.example.net'], http: [{ timeout: '5s', route: [{ destination: { host: 'api.payments.example.net', port: { number: 80 } } }] }] })),
  },
  {
    rule: 'MC01-destination-hosts', what: 'a host under a wildcard ServiceEntry',
    mutate: all(
      patch('ServiceEntry/shop/payments', { 'spec.hosts': ['*.payments.example.net'], 'spec.resolution': 'NONE' }),
      add(networking('VirtualService', 'shop', 'payments', { hosts: ['eu.payments.example.net'], http: [{ route: [{ destination: { host: 'eu.payments.example.net' } }] }] })),
    ),
  },
  {
    rule: 'MC01-destination-hosts', what: 'the FQDN of a Service in another namespace',
    mutate: all(
      add(service('bookinfo', 'reviews', { ports: [{ name: 'http', port: 9080 }] })),
      patch('VirtualService/shop/api', { 'spec.http.0.mirror': { host: 'reviews.bookinfo.svc.cluster.local' } }),
    ),
  },
  {
    rule: 'MC02-subsets', what: 'a route without a subset, which needs no DestinationRule',
    mutate: all(remove('DestinationRule/shop/api'), patch('VirtualService/shop/api', { 'spec.http.0.route.0.destination.subset': undefined })),
  },
  {
    rule: 'MC02-subsets', what: "a DestinationRule with a short host in the service's namespace",
    mutate: patch('DestinationRule/shop/web', { 'spec.host': 'web' }),
  },

  {
    rule: 'MC03-gateway-exists', what: 'the legacy <name>.<namespace>.svc.cluster.local reference, with mesh',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['shop-gateway.istio-ingress.svc.cluster.local', 'mesh'] }),
  },
  {
    rule: 'MC03-gateway-hosts', what: "Gateway hosts scoped to the VirtualService's namespace and to any namespace",
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['shop/shop.example.com'], 'spec.servers.1.hosts': ['*/shop.example.com'] }),
  },
  {
    rule: 'MC03-gateway-hosts', what: 'a wildcard Gateway host covering the VirtualService host',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['*.example.com'], 'spec.servers.1.hosts': ['*.example.com'] }),
  },
  {
    rule: 'MC03-gateway-hosts', what: 'a mesh host beside the public one when the VirtualService also binds mesh',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.hosts': ['shop.example.com', WEB], 'spec.gateways': ['istio-ingress/shop-gateway', 'mesh'] }),
  },
  {
    // Istio (pickMatchingGatewayHosts; istioctl's IST0132 check) binds when the hosts overlap either way.
    rule: 'MC03-gateway-hosts', what: 'a wildcard VirtualService host overlapping the Gateway host',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.hosts': ['*.example.com'] }),
  },

  {
    rule: 'MC04-gateway-selector', what: 'a gateway proxy recognised by its injection template',
    mutate: all(
      patch('Deployment/istio-ingress/istio-ingress', {
        'spec.template.metadata.labels': { app: 'istio-ingress', 'sidecar.istio.io/inject': 'true' },
        'spec.template.metadata.annotations["inject.istio.io/templates"]': 'gateway',
        'spec.template.spec.containers.0.image': 'auto',
      }),
      patch('Gateway/istio-ingress/shop-gateway', { 'spec.selector': { app: 'istio-ingress' } }),
    ),
  },
  {
    rule: 'MC04-gateway-selector', what: 'a gateway installed outside the set (no gateway proxy to check against)',
    mutate: remove('Deployment/istio-ingress/istio-ingress'),
  },

  {
    rule: 'MC05-virtualservice-conflicts', what: 'one host on mesh and on a Gateway',
    mutate: add(networking('VirtualService', 'shop', 'shop-internal', { hosts: ['shop.example.com'], gateways: ['mesh'], http: [{ route: [{ destination: { host: 'web', subset: 'v1' } }] }] })),
  },
  {
    rule: 'MC05-sidecar-overlap', what: 'a namespace default beside Sidecars with disjoint selectors',
    mutate: add(networking('Sidecar', 'shop', 'default', { egress: [{ hosts: ['istio-system/*'] }] })),
  },

  {
    rule: 'MC07-destinationrule-host', what: 'a wildcard host',
    mutate: add(networking('DestinationRule', 'shop', 'example', { host: '*.example.net', trafficPolicy: { tls: { mode: 'SIMPLE', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } } })),
  },
  {
    rule: 'MC07-destinationrule-host', what: 'a host under a wildcard ServiceEntry',
    mutate: patch('ServiceEntry/shop/payments', { 'spec.hosts': ['*.payments.example.net'], 'spec.resolution': 'NONE' }),
  },
  {
    rule: 'MC07-subset-pods', what: 'a subset without labels',
    mutate: patch('DestinationRule/shop/api', { 'spec.subsets.1': { name: 'any' } }),
  },

  {
    rule: 'MC08-selector-matches', what: 'a policy in istio-system selecting pods in any namespace',
    mutate: add(security('AuthorizationPolicy', 'istio-system', 'web-deny-debug', { selector: { matchLabels: { app: 'web' } }, action: 'DENY', rules: [{ to: [{ operation: { paths: ['/debug/*'] } }] }] })),
  },
  {
    rule: 'MC08-jwt-authentication', what: 'a mesh-wide RequestAuthentication in istio-system',
    mutate: all(
      remove('RequestAuthentication/shop/web-jwt'),
      add(security('RequestAuthentication', 'istio-system', 'jwt', { jwtRules: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' }] })),
    ),
  },

  {
    rule: 'MC09-pdb-selector', what: 'matchExpressions (NotIn, Exists) that select pods',
    mutate: patch('PodDisruptionBudget/shop/web', { 'spec.selector': { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }, { key: 'version', operator: 'Exists' }] } }),
  },
  {
    rule: 'MC09-service-pods', what: 'an ExternalName Service with a selector',
    mutate: add(service('shop', 'legacy', { type: 'ExternalName', externalName: 'legacy.example.net', selector: { app: 'legacy' }, ports: [{ port: 8443 }] })),
  },
  {
    rule: 'MC09-service-pods', what: 'a Service without a selector (endpoints managed elsewhere)',
    mutate: add(service('shop', 'db', { ports: [{ name: 'tcp-postgres', port: 5432 }] })),
  },
];

describe('mesh rules', () => {
  it('find nothing wrong with the hardened mesh', () => {
    const result = report(compliant());
    expect(result.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(result.rulesRun).toBe(meshRules.length);
  });

  it.each(meshRules.map((r) => r.id))('%s accepts the hardened mesh', (id) => {
    expect(findings(id, compliant())).toEqual([]);
  });

  it.each(rejected)('$rule rejects $what', ({ rule, mutate, expected }) => {
    expect(findings(rule, mutate(compliant()))).toEqual(expected);
  });

  it.each(accepted)('$rule accepts $what', ({ rule, mutate }) => {
    const objects = mutate(compliant());
    // An accepted case proves nothing if its mutation changed nothing.
    expect(objects).not.toEqual(compliant());
    expect(findings(rule, objects)).toEqual([]);
  });

  it('has a rejecting case for every rule', () => {
    expect(meshRules.map((r) => r.id).filter((id) => !rejected.some((c) => c.rule === id))).toEqual([]);
  });

  it('has cases only for rules that exist', () => {
    const ids = new Set(meshRules.map((r) => r.id));
    expect([...rejected, ...accepted].map((c) => c.rule).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('gives every rule a unique id prefixed by a catalogue entry it lists', () => {
    const ids = meshRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of meshRules) {
      expect(rule.catalogue).toContain(rule.id.split('-')[0]);
      expect(rule.target).toBe('manifests');
    }
  });

  it('marks only good practice as advisory', () => {
    expect(meshRules.filter((r) => r.enforcement === 'advisory').map((r) => r.id)).toEqual([
      'NM05-positive-allow',
      'NM08-origination-ca',
      'NM09-sidecar-egress',
      'NM10-port-protocol',
    ]);
  });

  it('MC08-selector-matches rejects a Sidecar in istio-system whose selector matches pods of other namespaces only', () => {
    // Istio applies a root-namespace Sidecar to other namespaces only when it has no selector.
    const objects = add(networking('Sidecar', 'istio-system', 'web', { workloadSelector: { labels: { app: 'web' } }, egress: [{ hosts: ['istio-system/*'] }] }))(compliant());
    expect(findings('MC08-selector-matches', objects)).toEqual([
      { object: 'Sidecar/istio-system/web', message: expect.stringContaining('app=web') },
    ]);
  });
});

describe('NM06-gateway-hosts and the platform edge Gateway (docs/edge.md)', () => {
  const ENV = { gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress', tlsCredential: 'edge-tls' };
  const edge = edgeGateway(ENV);
  const platform = platformObjects(ENV);
  const ANY_HOST = "servers[0] 'https-load-balancer' (HTTPS 443) host '*/*' accepts any hostname";

  function nm06(objects: readonly ManifestObject[], platformObjects?: readonly ManifestObject[]): Finding[] {
    const manifests = { objects, profile: 'dev' as const, allowedRegistries: [], ...(platformObjects !== undefined && { platformObjects }) };
    return evaluate(meshRules, { manifests }, { environment: 'dev', exceptions: [], today: '2026-11-23' }).violations
      .filter((v) => v.rule.id === 'NM06-gateway-hosts').map((v) => ({ object: v.object, message: v.message }));
  }

  it("accepts the load balancer hop's any-SNI server in an environment run, which knows it as the platform's", () => {
    expect(nm06([edge], platform)).toEqual([]);
  });

  it('rejects the same Gateway in a run that knows no platform objects (a directory of YAML)', () => {
    expect(nm06([edge])).toEqual([{ object: 'Gateway/istio-ingress/edge', message: ANY_HOST }]);
  });

  it('rejects a Gateway of an app that copies the platform one under another name', () => {
    const copy = { ...edge, metadata: { ...edge.metadata, name: 'shop-edge', namespace: 'shop' } };
    expect(nm06([edge, copy], platform)).toEqual([{ object: 'Gateway/shop/shop-edge', message: ANY_HOST }]);
  });

  it('rejects the platform Gateway once its spec is not exactly the platform one (a server added)', () => {
    const spec = edge.spec as { servers: unknown[] };
    const changed = { ...edge, spec: { ...spec, servers: [...spec.servers, { port: { number: 8443, name: 'https-admin', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'x' } }] } };
    expect(nm06([changed], platform)).toEqual([
      { object: 'Gateway/istio-ingress/edge', message: ANY_HOST },
      { object: 'Gateway/istio-ingress/edge', message: "servers[1] 'https-admin' (HTTPS 8443) host '*' accepts any hostname" },
    ]);
  });
});
