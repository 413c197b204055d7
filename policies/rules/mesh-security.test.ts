// GIVEN the hardened mesh of ./mesh.fixture.ts, WHEN one mutation breaks (or bends) it, THEN the rule under test reports
// it (or does not); every case runs all the mesh rules, as the runners do.

import { meshSecurityRules } from './mesh-security';
import {
  describeCases,
  type Accepted,
  type Rejected,
  WEB_PRINCIPAL,
  add,
  all,
  each,
  networking,
  patch,
  remove,
  security,
  service,
  shopWorkloads,
} from './mesh.fixture';

const rejected: Rejected[] = [
  // NM03: STRICT mTLS
  {
    rule: 'NM03-strict-mtls',
    what: 'a namespace without a PeerAuthentication',
    mutate: remove('PeerAuthentication/shop/default'),
    expected: [
      {
        object: 'Namespace/shop',
        message: "no PeerAuthentication with mtls.mode STRICT for namespace 'shop' nor mesh-wide in istio-system",
      },
    ],
  },
  {
    rule: 'NM03-strict-mtls',
    what: 'a PERMISSIVE namespace-wide PeerAuthentication',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.mtls.mode': 'PERMISSIVE' }),
    expected: [
      { object: 'Namespace/shop', message: 'namespace-wide PeerAuthentication/shop/default sets mtls.mode PERMISSIVE, not STRICT' },
    ],
  },
  {
    rule: 'NM03-strict-mtls',
    what: 'a namespace inheriting a PERMISSIVE mesh-wide PeerAuthentication',
    mutate: all(
      remove('PeerAuthentication/shop/default'),
      add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } })),
    ),
    expected: [
      { object: 'Namespace/shop', message: 'inherits mtls.mode PERMISSIVE from mesh-wide PeerAuthentication/istio-system/default' },
    ],
  },
  {
    rule: 'NM03-strict-mtls',
    what: 'a STRICT PeerAuthentication that selects one workload only',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.selector': { matchLabels: { app: 'web' } } }),
    expected: [
      {
        object: 'Namespace/shop',
        message: "no PeerAuthentication with mtls.mode STRICT for namespace 'shop' nor mesh-wide in istio-system",
      },
    ],
  },
  {
    rule: 'NM03-strict-mtls',
    what: 'a namespace PeerAuthentication with mode UNSET and nothing mesh-wide',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.mtls': {} }),
    expected: [
      {
        object: 'Namespace/shop',
        message: "no PeerAuthentication with mtls.mode STRICT for namespace 'shop' nor mesh-wide in istio-system",
      },
    ],
  },
  // NM03: no plaintext overrides
  {
    rule: 'NM03-no-permissive',
    what: 'mtls.mode DISABLE',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.mtls.mode': 'DISABLE' }),
    expected: [{ object: 'PeerAuthentication/shop/default', message: 'mtls.mode is DISABLE' }],
  },
  {
    rule: 'NM03-no-permissive',
    what: 'a STRICT workload policy with a PERMISSIVE port',
    mutate: add(
      security('PeerAuthentication', 'shop', 'web-metrics', {
        selector: { matchLabels: { app: 'web' } },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { 15090: { mode: 'PERMISSIVE' } },
      }),
    ),
    expected: [{ object: 'PeerAuthentication/shop/web-metrics', message: 'portLevelMtls 15090 mode is PERMISSIVE' }],
  },
  {
    rule: 'NM03-no-permissive',
    what: 'a PERMISSIVE policy with a DISABLE port',
    mutate: patch('PeerAuthentication/shop/default', {
      'spec.mtls.mode': 'PERMISSIVE',
      'spec.portLevelMtls': { 8080: { mode: 'DISABLE' } },
    }),
    expected: [
      { object: 'PeerAuthentication/shop/default', message: 'mtls.mode is PERMISSIVE' },
      { object: 'PeerAuthentication/shop/default', message: 'portLevelMtls 8080 mode is DISABLE' },
    ],
  },
  // NM04: deny by default
  {
    rule: 'NM04-deny-by-default',
    what: 'a namespace without allow-nothing',
    mutate: remove('AuthorizationPolicy/shop/allow-nothing'),
    expected: [
      {
        object: 'Namespace/shop',
        message: "no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace 'shop' nor in istio-system",
      },
    ],
  },
  {
    rule: 'NM04-deny-by-default',
    what: 'an allow-nothing that selects some workloads only',
    mutate: patch('AuthorizationPolicy/istio-ingress/allow-nothing', { 'spec.selector': { matchLabels: { istio: 'ingress' } } }),
    expected: [
      {
        object: 'Namespace/istio-ingress',
        message:
          "no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace 'istio-ingress' nor in istio-system",
      },
    ],
  },
  {
    rule: 'NM04-deny-by-default',
    what: 'a DENY policy without rules (it denies nothing)',
    mutate: patch('AuthorizationPolicy/shop/allow-nothing', { 'spec.action': 'DENY' }),
    expected: [
      {
        object: 'Namespace/shop',
        message: "no allow-nothing AuthorizationPolicy (action ALLOW, no selector, no rules) in namespace 'shop' nor in istio-system",
      },
    ],
  },
  // NM05: no allow-all
  {
    rule: 'NM05-no-allow-all',
    what: 'an empty rule on a workload policy',
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.rules': [{}] }),
    expected: [
      { object: 'AuthorizationPolicy/shop/web', message: 'rules[0] matches every request: it allows anyone to reach workloads app=web' },
    ],
  },
  {
    rule: 'NM05-no-allow-all',
    what: 'a namespace policy from 0.0.0.0/0 for every method',
    mutate: add(
      security('AuthorizationPolicy', 'shop', 'open', {
        rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/8', '0.0.0.0/0'] } }], to: [{ operation: { methods: ['*'] } }] }],
      }),
    ),
    expected: [
      {
        object: 'AuthorizationPolicy/shop/open',
        message: "rules[0] matches every request: it allows anyone to reach every workload in namespace 'shop'",
      },
    ],
  },
  {
    rule: 'NM05-no-allow-all',
    what: 'a mesh-wide policy for every path',
    mutate: add(
      security('AuthorizationPolicy', 'istio-system', 'open', { action: 'ALLOW', rules: [{ to: [{ operation: { paths: ['*'] } }] }] }),
    ),
    expected: [
      {
        object: 'AuthorizationPolicy/istio-system/open',
        message: 'rules[0] matches every request: it allows anyone to reach every workload of the mesh',
      },
    ],
  },
  {
    rule: 'NM05-no-allow-all',
    what: 'an empty source ORed with a real one, in a second rule',
    mutate: patch('AuthorizationPolicy/shop/api', {
      'spec.rules.1': { from: [{ source: { principals: [WEB_PRINCIPAL] } }, { source: {} }] },
    }),
    expected: [
      { object: 'AuthorizationPolicy/shop/api', message: 'rules[1] matches every request: it allows anyone to reach workloads app=api' },
    ],
  },
  // NM05: positive matches in ALLOW
  {
    rule: 'NM05-positive-allow',
    what: 'notPrincipals in an ALLOW rule',
    mutate: patch('AuthorizationPolicy/shop/api', {
      'spec.rules': [{ from: [{ source: { notPrincipals: ['cluster.local/ns/shop/sa/untrusted'] } }] }],
    }),
    expected: [{ object: 'AuthorizationPolicy/shop/api', message: 'ALLOW rules[0] uses negative matches: from[0].source.notPrincipals' }],
  },
  {
    rule: 'NM05-positive-allow',
    what: 'notPaths and notValues in an ALLOW rule',
    mutate: patch('AuthorizationPolicy/shop/api', {
      'spec.rules': [
        {
          from: [{ source: { principals: [WEB_PRINCIPAL] } }],
          to: [{ operation: { methods: ['GET'] } }, { operation: { notPaths: ['/admin/*'] } }],
          when: [{ key: 'request.headers[x-tenant]', notValues: ['internal'] }],
        },
      ],
    }),
    expected: [
      {
        object: 'AuthorizationPolicy/shop/api',
        message: 'ALLOW rules[0] uses negative matches: to[1].operation.notPaths, when[0].notValues',
      },
    ],
  },
  // NM08: TLS origination
  {
    rule: 'NM08-origination-ca',
    what: 'SIMPLE with insecureSkipVerify, top-level',
    mutate: patch('DestinationRule/shop/payments', {
      'spec.trafficPolicy': { tls: { mode: 'SIMPLE', caCertificates: '/etc/ssl/certs/ca-certificates.crt', insecureSkipVerify: true } },
    }),
    expected: [{ object: 'DestinationRule/shop/payments', message: 'trafficPolicy.tls mode SIMPLE sets insecureSkipVerify' }],
  },
  {
    rule: 'NM08-origination-ca',
    what: 'SIMPLE with insecureSkipVerify on a port',
    mutate: patch('DestinationRule/shop/payments', { 'spec.trafficPolicy.portLevelSettings.0.tls.insecureSkipVerify': true }),
    expected: [
      { object: 'DestinationRule/shop/payments', message: 'trafficPolicy.portLevelSettings[0].tls mode SIMPLE sets insecureSkipVerify' },
    ],
  },
  {
    rule: 'NM08-origination-ca',
    what: 'SIMPLE on a port without a CA',
    mutate: patch('DestinationRule/shop/payments', { 'spec.trafficPolicy.portLevelSettings.0.tls.caCertificates': undefined }),
    expected: [
      {
        object: 'DestinationRule/shop/payments',
        message: 'trafficPolicy.portLevelSettings[0].tls mode SIMPLE has neither caCertificates nor credentialName',
      },
    ],
  },
  {
    rule: 'NM08-origination-ca',
    what: 'MUTUAL on a subset without a CA',
    mutate: patch('DestinationRule/shop/web', {
      'spec.subsets.1.trafficPolicy': {
        tls: { mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem' },
      },
    }),
    expected: [
      {
        object: 'DestinationRule/shop/web',
        message: 'subsets[1].trafficPolicy.tls mode MUTUAL has neither caCertificates nor credentialName',
      },
    ],
  },
  // NM09: Sidecar egress
  {
    rule: 'NM09-sidecar-egress',
    what: 'a workload no Sidecar applies to',
    mutate: remove('Sidecar/shop/api'),
    expected: [
      { object: 'Deployment/shop/api-v1', message: 'no Sidecar applies to the pods: their proxy reaches every service of the mesh' },
    ],
  },
  {
    rule: 'NM09-sidecar-egress',
    what: "a Sidecar with '*/*' egress",
    mutate: patch('Sidecar/shop/web', { 'spec.egress.0.hosts': ['./api.shop.svc.cluster.local', '*/*'] }),
    expected: each(['Deployment/shop/web-v1', 'Deployment/shop/web-v2'], "Sidecar/shop/web egress host '*/*' allows every namespace"),
  },
  {
    rule: 'NM09-sidecar-egress',
    what: 'a Sidecar without egress listeners',
    mutate: patch('Sidecar/shop/api', { 'spec.egress': undefined }),
    expected: [
      {
        object: 'Deployment/shop/api-v1',
        message: 'Sidecar/shop/api has no egress listeners: the proxy reaches every service of the mesh',
      },
    ],
  },
  {
    rule: 'NM09-sidecar-egress',
    what: "an open mesh default in istio-system ('*')",
    mutate: all(remove('Sidecar/shop/api'), add(networking('Sidecar', 'istio-system', 'default', { egress: [{ hosts: ['*'] }] }))),
    expected: [{ object: 'Deployment/shop/api-v1', message: "Sidecar/istio-system/default egress host '*' allows every namespace" }],
  },
  // NM10: injection
  {
    rule: 'NM10-injection',
    what: 'injection disabled on the namespace, even for a pod that opts in',
    mutate: all(
      patch('Namespace/shop', { 'metadata.labels': { 'istio-injection': 'disabled' } }),
      patch('Deployment/shop/api-v1', { 'spec.template.metadata.labels["sidecar.istio.io/inject"]': 'true' }),
    ),
    expected: each(shopWorkloads, "namespace 'shop' is labelled istio-injection=disabled"),
  },
  {
    rule: 'NM10-injection',
    what: 'a pod opting out by annotation in an injected namespace',
    mutate: patch('Deployment/shop/web-v1', { 'spec.template.metadata.annotations["sidecar.istio.io/inject"]': 'false' }),
    expected: [{ object: 'Deployment/shop/web-v1', message: 'the pod template sets sidecar.istio.io/inject=false' }],
  },
  {
    rule: 'NM10-injection',
    what: 'a pod opting out by label in an injected namespace',
    mutate: patch('Deployment/shop/api-v1', { 'spec.template.metadata.labels["sidecar.istio.io/inject"]': 'false' }),
    expected: [{ object: 'Deployment/shop/api-v1', message: 'the pod template sets sidecar.istio.io/inject=false' }],
  },
  {
    rule: 'NM10-injection',
    what: 'a namespace without injection labels',
    mutate: patch('Namespace/shop', { 'metadata.labels': {} }),
    expected: each(
      shopWorkloads,
      "namespace 'shop' has neither istio-injection=enabled nor istio.io/rev, and the pods do not set sidecar.istio.io/inject=true",
    ),
  },
  {
    rule: 'NM10-injection',
    what: 'a namespace missing from the set',
    mutate: remove('Namespace/shop'),
    expected: each(
      shopWorkloads,
      "namespace 'shop' is not in the set and the pods do not set sidecar.istio.io/inject=true: injection is not enabled",
    ),
  },
  {
    // The injector's object webhook selects pods by the label; an annotation never reaches it.
    rule: 'NM10-injection',
    what: 'a pod that opts in by annotation only, in an unlabelled namespace',
    mutate: patch('Deployment/istio-ingress/istio-ingress', {
      'spec.template.metadata.labels["sidecar.istio.io/inject"]': undefined,
      'spec.template.metadata.annotations["sidecar.istio.io/inject"]': 'true',
    }),
    expected: [
      {
        object: 'Deployment/istio-ingress/istio-ingress',
        message:
          "namespace 'istio-ingress' has neither istio-injection=enabled nor istio.io/rev, and the pods do not set sidecar.istio.io/inject=true",
      },
    ],
  },
  // NM10: port protocols
  {
    rule: 'NM10-port-protocol',
    what: 'a port named web without appProtocol',
    mutate: patch('Service/shop/web', { 'spec.ports.0': { name: 'web', port: 80, targetPort: 8080 } }),
    expected: [{ object: 'Service/shop/web', message: "port 80 (name 'web', appProtocol '') declares no protocol Istio knows" }],
  },
  {
    rule: 'NM10-port-protocol',
    what: 'a name that only starts like a protocol and an unknown appProtocol',
    mutate: patch('Service/shop/api', { 'spec.ports.0': { name: 'httpx', port: 80, targetPort: 8080, appProtocol: 'h3' } }),
    expected: [{ object: 'Service/shop/api', message: "port 80 (name 'httpx', appProtocol 'h3') declares no protocol Istio knows" }],
  },
];

const accepted: Accepted[] = [
  {
    rule: 'NM03-strict-mtls',
    what: 'a mesh-wide STRICT PeerAuthentication in istio-system',
    mutate: all(
      remove('PeerAuthentication/shop/default', 'PeerAuthentication/istio-ingress/default'),
      add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } })),
    ),
  },
  {
    rule: 'NM03-strict-mtls',
    what: 'a namespace left UNSET under a mesh-wide STRICT',
    mutate: all(
      patch('PeerAuthentication/shop/default', { 'spec.mtls': undefined }),
      add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } })),
    ),
  },
  {
    rule: 'NM03-strict-mtls',
    what: 'STRICT namespaces under a PERMISSIVE mesh (the namespace wins)',
    mutate: add(security('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } })),
  },
  {
    rule: 'NM03-no-permissive',
    what: 'a STRICT port override',
    mutate: patch('PeerAuthentication/shop/default', { 'spec.portLevelMtls': { 8080: { mode: 'STRICT' } } }),
  },
  {
    rule: 'NM04-deny-by-default',
    what: 'a mesh-wide allow-nothing in istio-system',
    mutate: all(
      remove('AuthorizationPolicy/shop/allow-nothing', 'AuthorizationPolicy/istio-ingress/allow-nothing'),
      add(security('AuthorizationPolicy', 'istio-system', 'allow-nothing', { action: 'ALLOW', rules: [] })),
    ),
  },
  {
    rule: 'NM05-no-allow-all',
    what: "principals ['*'] (it still requires a workload identity)",
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.rules': [{ from: [{ source: { principals: ['*'] } }] }] }),
  },
  {
    rule: 'NM05-no-allow-all',
    what: 'a rule constrained by a when condition only',
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.rules': [{ when: [{ key: 'source.namespace', values: ['istio-ingress'] }] }] }),
  },
  {
    rule: 'NM05-no-allow-all',
    what: 'an empty rule in a DENY policy',
    mutate: add(security('AuthorizationPolicy', 'shop', 'deny-all', { action: 'DENY', rules: [{}] })),
  },
  {
    rule: 'NM05-positive-allow',
    what: 'a DENY policy with notPaths',
    mutate: add(
      security('AuthorizationPolicy', 'shop', 'api-only-v1', {
        selector: { matchLabels: { app: 'api' } },
        action: 'DENY',
        rules: [{ to: [{ operation: { notPaths: ['/v1/*'] } }] }],
      }),
    ),
  },
  {
    rule: 'NM08-origination-ca',
    what: 'SIMPLE verified against a credential',
    mutate: patch('DestinationRule/shop/payments', {
      'spec.trafficPolicy.portLevelSettings.0.tls': { mode: 'SIMPLE', credentialName: 'payments-ca', sni: 'api.payments.example.net' },
    }),
  },
  {
    rule: 'NM09-sidecar-egress',
    what: 'a Sidecar without selector covering the namespace',
    mutate: all(
      remove('Sidecar/shop/web', 'Sidecar/shop/api'),
      add(networking('Sidecar', 'shop', 'default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] })),
    ),
  },
  {
    rule: 'NM09-sidecar-egress',
    what: 'a scoped mesh default in istio-system',
    mutate: all(
      remove('Sidecar/shop/api'),
      add(networking('Sidecar', 'istio-system', 'default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] })),
    ),
  },
  {
    // Istio gives gateway proxies (Router) a default scope (Proxy.SetSidecarScope): no Sidecar configures them.
    rule: 'NM09-sidecar-egress',
    what: 'a gateway proxy without a Sidecar (Sidecars do not apply to gateways)',
    mutate: remove('Sidecar/istio-ingress/default'),
  },
  {
    rule: 'NM10-injection',
    what: 'a hostNetwork pod (never injected)',
    mutate: patch('Deployment/shop/api-v1', {
      'spec.template.spec.hostNetwork': true,
      'spec.template.metadata.labels["sidecar.istio.io/inject"]': 'false',
    }),
  },
  {
    rule: 'NM10-injection',
    what: 'a namespace labelled with a revision',
    mutate: patch('Namespace/shop', { 'metadata.labels': { 'istio.io/rev': '1-24' } }),
  },
  {
    rule: 'NM10-injection',
    what: 'pods labelled with a revision in an unlabelled namespace',
    mutate: all(
      patch('Namespace/shop', { 'metadata.labels': {} }),
      ...shopWorkloads.map((id) => patch(id, { 'spec.template.metadata.labels["istio.io/rev"]': '1-24' })),
    ),
  },
  {
    rule: 'NM10-port-protocol',
    what: 'a protocol-prefixed name and a Kubernetes appProtocol',
    mutate: all(
      patch('Service/shop/web', { 'spec.ports.0': { name: 'http-web', port: 80, targetPort: 8080 } }),
      patch('Service/shop/api', { 'spec.ports.0': { name: 'api', port: 80, targetPort: 8080, appProtocol: 'kubernetes.io/h2c' } }),
    ),
  },
  {
    rule: 'NM10-port-protocol',
    what: 'an ExternalName Service with an unnamed port',
    mutate: add(service('shop', 'legacy', { type: 'ExternalName', externalName: 'legacy.example.net', ports: [{ port: 8443 }] })),
  },
];

describeCases('mesh security rules (NM03-NM05, NM08-NM10)', meshSecurityRules, rejected, accepted);
