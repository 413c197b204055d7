// GIVEN the hardened mesh of ./mesh.fixture.ts, WHEN one mutation breaks (or bends) it, THEN the rule under test reports
// it (or does not); every case runs all the mesh rules, as the runners do.

import { meshConsistencyRules } from './mesh-consistency';
import {
  describeCases,
  type Accepted,
  NOT_A_HOST,
  type Rejected,
  WEB,
  add,
  all,
  httpService,
  networking,
  patch,
  remove,
  security,
  service,
} from './mesh.fixture';

const rejected: Rejected[] = [
  // MC01: destination hosts
  {
    rule: 'MC01-destination-hosts',
    what: 'a misspelt short host',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.route.0.destination.host': 'wbe' }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: `http[0].route[0] destination 'wbe' (wbe.shop.svc.cluster.local) ${NOT_A_HOST}`,
      },
    ],
  },
  {
    rule: 'MC01-destination-hosts',
    what: 'a mirror to a missing service',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.mirror': { host: 'web-shadow' } }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: `http[0].mirror destination 'web-shadow' (web-shadow.shop.svc.cluster.local) ${NOT_A_HOST}`,
      },
    ],
  },
  {
    rule: 'MC01-destination-hosts',
    what: 'one of several mirrors to a missing FQDN',
    mutate: patch('VirtualService/shop/shop-public', {
      'spec.http.0.mirrors': [{ destination: { host: 'web-canary.shop.svc.cluster.local' }, percentage: { value: 5 } }],
    }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: `http[0].mirrors[0] destination 'web-canary.shop.svc.cluster.local' ${NOT_A_HOST}`,
      },
    ],
  },
  {
    rule: 'MC01-destination-hosts',
    what: "'reviews.bookinfo', which Istio does not expand, with the spelling that would resolve",
    mutate: all(
      add(service('bookinfo', 'reviews', { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080 }] })),
      patch('VirtualService/shop/api', { 'spec.http.0.route.0.destination': { host: 'reviews.bookinfo' } }),
    ),
    expected: [
      {
        object: 'VirtualService/shop/api',
        message: `http[0].route[0] destination 'reviews.bookinfo' ${NOT_A_HOST}; Istio does not expand '<service>.<namespace>': write 'reviews.bookinfo.svc.cluster.local'`,
      },
    ],
  },
  {
    rule: 'MC01-destination-hosts',
    what: "'reviews.bookinfo' when there is no such Service (no hint)",
    mutate: patch('VirtualService/shop/api', { 'spec.http.0.route.0.destination': { host: 'reviews.bookinfo' } }),
    expected: [{ object: 'VirtualService/shop/api', message: `http[0].route[0] destination 'reviews.bookinfo' ${NOT_A_HOST}` }],
  },
  {
    rule: 'MC01-destination-hosts',
    what: 'a TCP route to a missing service',
    mutate: add(
      networking('VirtualService', 'shop', 'db', {
        hosts: ['db'],
        tcp: [{ route: [{ destination: { host: 'db', port: { number: 5432 } } }] }],
      }),
    ),
    expected: [{ object: 'VirtualService/shop/db', message: `tcp[0].route[0] destination 'db' (db.shop.svc.cluster.local) ${NOT_A_HOST}` }],
  },
  // MC02: subsets
  {
    rule: 'MC02-subsets',
    what: 'a subset the DestinationRule does not define',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.route.1.destination.subset': 'v3' }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: `http[0].route[1] subset 'v3' of ${WEB} is not defined by DestinationRule/shop/web (subsets: 'v1', 'v2')`,
      },
    ],
  },
  {
    rule: 'MC02-subsets',
    what: 'subsets of a host without a DestinationRule',
    mutate: remove('DestinationRule/shop/web'),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[0] subset 'v1' of ${WEB}: no DestinationRule for that host` },
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[1] subset 'v2' of ${WEB}: no DestinationRule for that host` },
    ],
  },
  {
    rule: 'MC02-subsets',
    what: "a DestinationRule for 'web.shop', which is not the route's host",
    mutate: patch('DestinationRule/shop/web', { 'spec.host': 'web.shop' }),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[0] subset 'v1' of ${WEB}: no DestinationRule for that host` },
      { object: 'VirtualService/shop/shop-public', message: `http[0].route[1] subset 'v2' of ${WEB}: no DestinationRule for that host` },
    ],
  },
  {
    rule: 'MC02-subsets',
    what: 'a mirror to an undefined subset',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.http.0.mirror': { host: 'web', subset: 'shadow' } }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: `http[0].mirror subset 'shadow' of ${WEB} is not defined by DestinationRule/shop/web (subsets: 'v1', 'v2')`,
      },
    ],
  },
  // MC03: gateways exist
  {
    rule: 'MC03-gateway-exists',
    what: 'a misspelt <namespace>/<name> gateway',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['istio-ingress/shop-gw'] }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: "gateway 'istio-ingress/shop-gw' (istio-ingress/shop-gw) is not a Gateway in the set",
      },
    ],
  },
  {
    rule: 'MC03-gateway-exists',
    what: "a bare name, looked up in the VirtualService's namespace",
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['shop-gateway'] }),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: "gateway 'shop-gateway' (shop/shop-gateway) is not a Gateway in the set" },
    ],
  },
  {
    rule: 'MC03-gateway-exists',
    what: 'a legacy <name>.<namespace> in the wrong namespace',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['mesh', 'shop-gateway.shop'] }),
    expected: [
      { object: 'VirtualService/shop/shop-public', message: "gateway 'shop-gateway.shop' (shop/shop-gateway) is not a Gateway in the set" },
    ],
  },
  // MC03: gateway hosts
  {
    rule: 'MC03-gateway-hosts',
    what: 'a VirtualService host the Gateway does not serve',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.hosts': ['shop.example.org'] }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: "none of its hosts ('shop.example.org') is among the hosts of Gateway/istio-ingress/shop-gateway ('shop.example.com')",
      },
    ],
  },
  {
    rule: 'MC03-gateway-hosts',
    what: 'one extra host no gateway serves, without mesh',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.hosts': ['shop.example.com', 'admin.example.com'] }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: "host 'admin.example.com' is among the hosts of none of its gateways (Gateway/istio-ingress/shop-gateway)",
      },
    ],
  },
  {
    rule: 'MC03-gateway-hosts',
    what: 'a Gateway host reserved for another namespace',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.hosts': ['payments/shop.example.com'],
      'spec.servers.1.hosts': ['payments/shop.example.com'],
    }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message:
          "none of its hosts ('shop.example.com') is among the hosts of Gateway/istio-ingress/shop-gateway ('payments/shop.example.com')",
      },
    ],
  },
  {
    rule: 'MC03-gateway-hosts',
    what: "a './' Gateway host, which admits only the gateway's own namespace",
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.hosts': ['./shop.example.com'],
      'spec.servers.1.hosts': ['./shop.example.com'],
    }),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: "none of its hosts ('shop.example.com') is among the hosts of Gateway/istio-ingress/shop-gateway ('./shop.example.com')",
      },
    ],
  },
  // MC04: gateway selector
  {
    rule: 'MC04-gateway-selector',
    what: 'an empty selector',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.selector': {} }),
    expected: [
      {
        object: 'Gateway/istio-ingress/shop-gateway',
        message: 'selector is empty: the Gateway applies to every gateway proxy of the mesh',
      },
    ],
  },
  {
    rule: 'MC04-gateway-selector',
    what: 'a selector matching application pods',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.selector': { app: 'web' } }),
    expected: [
      {
        object: 'Gateway/istio-ingress/shop-gateway',
        message: 'selector app=web selects application workloads (Deployment/shop/web-v1, Deployment/shop/web-v2), not an ingress gateway',
      },
    ],
  },
  {
    rule: 'MC04-gateway-selector',
    what: 'a selector matching none of the gateway proxies in the set',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.selector': { istio: 'egress' } }),
    expected: [
      {
        object: 'Gateway/istio-ingress/shop-gateway',
        message: 'selector istio=egress matches none of the gateway workloads in the set (Deployment/istio-ingress/istio-ingress)',
      },
    ],
  },
  // MC05: VirtualService conflicts
  {
    rule: 'MC05-virtualservice-conflicts',
    what: 'two VirtualServices for one host on one Gateway',
    mutate: add(
      networking('VirtualService', 'shop', 'shop-canary', {
        hosts: ['shop.example.com'],
        gateways: ['istio-ingress/shop-gateway'],
        http: [{ route: [{ destination: { host: 'web', subset: 'v2' } }] }],
      }),
    ),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-canary",
      },
      {
        object: 'VirtualService/shop/shop-canary',
        message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-public",
      },
    ],
  },
  {
    rule: 'MC05-virtualservice-conflicts',
    what: 'the same Gateway named the legacy way',
    mutate: add(
      networking('VirtualService', 'shop', 'shop-canary', {
        hosts: ['SHOP.example.com'],
        gateways: ['shop-gateway.istio-ingress.svc.cluster.local'],
        http: [{ route: [{ destination: { host: 'web', subset: 'v2' } }] }],
      }),
    ),
    expected: [
      {
        object: 'VirtualService/shop/shop-public',
        message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-canary",
      },
      {
        object: 'VirtualService/shop/shop-canary',
        message: "host 'shop.example.com' on gateway 'istio-ingress/shop-gateway' is also defined by VirtualService/shop/shop-public",
      },
    ],
  },
  {
    rule: 'MC05-virtualservice-conflicts',
    what: 'a short and a fully qualified host for the same service on mesh',
    mutate: add(
      networking('VirtualService', 'shop', 'api-canary', {
        hosts: ['api.shop.svc.cluster.local'],
        gateways: ['mesh'],
        http: [{ route: [{ destination: { host: 'api' } }] }],
      }),
    ),
    expected: [
      {
        object: 'VirtualService/shop/api',
        message: "host 'api.shop.svc.cluster.local' on gateway 'mesh' is also defined by VirtualService/shop/api-canary",
      },
      {
        object: 'VirtualService/shop/api-canary',
        message: "host 'api.shop.svc.cluster.local' on gateway 'mesh' is also defined by VirtualService/shop/api",
      },
    ],
  },
  // MC05: Sidecar overlaps
  {
    rule: 'MC05-sidecar-overlap',
    what: 'a Sidecar selecting pods two others already select',
    mutate: add(
      networking('Sidecar', 'shop', 'version-v1', {
        workloadSelector: { labels: { version: 'v1' } },
        egress: [{ hosts: ['istio-system/*'] }],
      }),
    ),
    expected: [
      { object: 'Sidecar/shop/web', message: 'selects Deployment/shop/web-v1, also selected by Sidecar/shop/version-v1' },
      { object: 'Sidecar/shop/api', message: 'selects Deployment/shop/api-v1, also selected by Sidecar/shop/version-v1' },
      { object: 'Sidecar/shop/version-v1', message: 'selects Deployment/shop/web-v1, also selected by Sidecar/shop/web' },
      { object: 'Sidecar/shop/version-v1', message: 'selects Deployment/shop/api-v1, also selected by Sidecar/shop/api' },
    ],
  },
  {
    rule: 'MC05-sidecar-overlap',
    what: 'two Sidecars without a selector in one namespace',
    mutate: add(
      networking('Sidecar', 'shop', 'default', { egress: [{ hosts: ['./*', 'istio-system/*'] }] }),
      networking('Sidecar', 'shop', 'default-2', { egress: [{ hosts: ['istio-system/*'] }] }),
    ),
    expected: [
      {
        object: 'Sidecar/shop/default',
        message: "has no workloadSelector, like Sidecar/shop/default-2: namespace 'shop' has several default Sidecars",
      },
      {
        object: 'Sidecar/shop/default-2',
        message: "has no workloadSelector, like Sidecar/shop/default: namespace 'shop' has several default Sidecars",
      },
    ],
  },
  // MC07: DestinationRule hosts
  {
    rule: 'MC07-destinationrule-host',
    what: 'a misspelt short host',
    mutate: patch('DestinationRule/shop/web', { 'spec.host': 'wbe' }),
    expected: [{ object: 'DestinationRule/shop/web', message: `host 'wbe' (wbe.shop.svc.cluster.local) ${NOT_A_HOST}` }],
  },
  {
    rule: 'MC07-destinationrule-host',
    what: "'api.shop', with the spelling that would resolve",
    mutate: patch('DestinationRule/shop/api', { 'spec.host': 'api.shop' }),
    expected: [
      {
        object: 'DestinationRule/shop/api',
        message: `host 'api.shop' ${NOT_A_HOST}; Istio does not expand '<service>.<namespace>': write 'api.shop.svc.cluster.local'`,
      },
    ],
  },
  {
    rule: 'MC07-destinationrule-host',
    what: 'no host at all',
    mutate: patch('DestinationRule/shop/web', { 'spec.host': undefined }),
    expected: [{ object: 'DestinationRule/shop/web', message: 'has no host' }],
  },
  // MC07: subsets select pods
  {
    rule: 'MC07-subset-pods',
    what: 'subset labels selecting no pods',
    mutate: patch('DestinationRule/shop/web', { 'spec.subsets.1.labels': { version: 'v3' } }),
    expected: [{ object: 'DestinationRule/shop/web', message: "subset 'v2' (version=v3) selects no pods of Service/shop/web" }],
  },
  {
    rule: 'MC07-subset-pods',
    what: "a subset whose version's Deployment is gone",
    mutate: remove('Deployment/shop/web-v2'),
    expected: [{ object: 'DestinationRule/shop/web', message: "subset 'v2' (version=v2) selects no pods of Service/shop/web" }],
  },
  // MC08: selectors match
  {
    rule: 'MC08-selector-matches',
    what: 'an AuthorizationPolicy with a misspelt label',
    mutate: patch('AuthorizationPolicy/shop/web', { 'spec.selector.matchLabels.app': 'wbe' }),
    expected: [{ object: 'AuthorizationPolicy/shop/web', message: "selector app=wbe matches no workload in namespace 'shop'" }],
  },
  {
    rule: 'MC08-selector-matches',
    what: 'a RequestAuthentication and a Sidecar selecting nothing',
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
    rule: 'MC08-selector-matches',
    what: 'a policy selecting pods of another namespace',
    mutate: add(
      security('AuthorizationPolicy', 'istio-ingress', 'web', {
        selector: { matchLabels: { app: 'web' } },
        rules: [{ from: [{ source: { namespaces: ['shop'] } }] }],
      }),
    ),
    expected: [
      { object: 'AuthorizationPolicy/istio-ingress/web', message: "selector app=web matches no workload in namespace 'istio-ingress'" },
    ],
  },
  {
    rule: 'MC08-selector-matches',
    what: 'a PeerAuthentication in istio-system selecting nothing anywhere',
    mutate: add(
      security('PeerAuthentication', 'istio-system', 'payments', {
        selector: { matchLabels: { app: 'payments' } },
        mtls: { mode: 'STRICT' },
      }),
    ),
    expected: [
      { object: 'PeerAuthentication/istio-system/payments', message: 'selector app=payments matches no workload in any namespace' },
    ],
  },
  // MC08: JWT policies need a RequestAuthentication
  {
    rule: 'MC08-jwt-authentication',
    what: 'notRequestPrincipals without a RequestAuthentication',
    mutate: remove('RequestAuthentication/shop/web-jwt'),
    expected: [
      {
        object: 'AuthorizationPolicy/shop/web-require-jwt',
        message: 'uses notRequestPrincipals but no RequestAuthentication selects Deployment/shop/web-v1, Deployment/shop/web-v2',
      },
    ],
  },
  {
    rule: 'MC08-jwt-authentication',
    what: 'requestPrincipals and a claim on a workload no RequestAuthentication selects',
    mutate: patch('AuthorizationPolicy/shop/api', {
      'spec.rules': [
        {
          from: [{ source: { requestPrincipals: ['https://auth.example.com/*'] } }],
          when: [{ key: 'request.auth.claims[groups]', values: ['admins'] }],
        },
      ],
    }),
    expected: [
      {
        object: 'AuthorizationPolicy/shop/api',
        message: 'uses requestPrincipals, request.auth.claims[groups] but no RequestAuthentication selects Deployment/shop/api-v1',
      },
    ],
  },
  {
    rule: 'MC08-jwt-authentication',
    what: 'a RequestAuthentication in another namespace',
    mutate: all(
      remove('RequestAuthentication/shop/web-jwt'),
      add(
        security('RequestAuthentication', 'istio-ingress', 'web-jwt', {
          selector: { matchLabels: { app: 'web' } },
          jwtRules: [{ issuer: 'https://auth.example.com' }],
        }),
      ),
    ),
    expected: [
      {
        object: 'AuthorizationPolicy/shop/web-require-jwt',
        message: 'uses notRequestPrincipals but no RequestAuthentication selects Deployment/shop/web-v1, Deployment/shop/web-v2',
      },
    ],
  },
  {
    rule: 'MC08-jwt-authentication',
    what: 'a RequestAuthentication covering one version only',
    mutate: patch('RequestAuthentication/shop/web-jwt', { 'spec.selector.matchLabels': { app: 'web', version: 'v1' } }),
    expected: [
      {
        object: 'AuthorizationPolicy/shop/web-require-jwt',
        message: 'uses notRequestPrincipals but no RequestAuthentication selects Deployment/shop/web-v2',
      },
    ],
  },
  // MC09: PDB selectors
  {
    rule: 'MC09-pdb-selector',
    what: 'a PDB selecting nothing',
    mutate: patch('PodDisruptionBudget/shop/web', { 'spec.selector.matchLabels.app': 'wbe' }),
    expected: [{ object: 'PodDisruptionBudget/shop/web', message: "selector app=wbe matches no workload's pods in namespace 'shop'" }],
  },
  {
    rule: 'MC09-pdb-selector',
    what: 'a PDB without a selector',
    mutate: patch('PodDisruptionBudget/shop/api', { 'spec.selector': undefined }),
    expected: [{ object: 'PodDisruptionBudget/shop/api', message: 'has no selector: it selects no pods' }],
  },
  {
    rule: 'MC09-pdb-selector',
    what: 'a PDB whose expression matches no version',
    mutate: patch('PodDisruptionBudget/shop/web', {
      'spec.selector.matchExpressions': [{ key: 'version', operator: 'In', values: ['v3'] }],
    }),
    expected: [
      {
        object: 'PodDisruptionBudget/shop/web',
        message: "selector app=web,version In (v3) matches no workload's pods in namespace 'shop'",
      },
    ],
  },
  // MC09: Service selectors
  {
    rule: 'MC09-service-pods',
    what: 'a Service selecting nothing',
    mutate: patch('Service/shop/api', { 'spec.selector.app': 'apii' }),
    expected: [{ object: 'Service/shop/api', message: "selector app=apii matches no workload's pods in namespace 'shop'" }],
  },
  {
    rule: 'MC09-service-pods',
    what: 'a Service selecting pods of another namespace',
    mutate: add(httpService('istio-ingress', 'web')),
    expected: [
      { object: 'Service/istio-ingress/web', message: "selector app=web matches no workload's pods in namespace 'istio-ingress'" },
    ],
  },
];

const accepted: Accepted[] = [
  {
    rule: 'MC01-destination-hosts',
    what: "the short host 'web', resolved in the VirtualService's namespace (in any case)",
    mutate: patch('VirtualService/shop/shop-public', {
      'spec.http.0.route.0.destination.host': 'web',
      'spec.http.0.route.1.destination.host': 'WEB',
    }),
  },
  {
    rule: 'MC01-destination-hosts',
    what: 'a ServiceEntry host',
    mutate: add(
      networking('VirtualService', 'shop', 'payments', {
        hosts: ['api.payments.example.net'],
        http: [{ timeout: '5s', route: [{ destination: { host: 'api.payments.example.net', port: { number: 80 } } }] }],
      }),
    ),
  },
  {
    rule: 'MC01-destination-hosts',
    what: 'a host under a wildcard ServiceEntry',
    mutate: all(
      patch('ServiceEntry/shop/payments', { 'spec.hosts': ['*.payments.example.net'], 'spec.resolution': 'NONE' }),
      add(
        networking('VirtualService', 'shop', 'payments', {
          hosts: ['eu.payments.example.net'],
          http: [{ route: [{ destination: { host: 'eu.payments.example.net' } }] }],
        }),
      ),
    ),
  },
  {
    rule: 'MC01-destination-hosts',
    what: 'the FQDN of a Service in another namespace',
    mutate: all(
      add(service('bookinfo', 'reviews', { ports: [{ name: 'http', port: 9080 }] })),
      patch('VirtualService/shop/api', { 'spec.http.0.mirror': { host: 'reviews.bookinfo.svc.cluster.local' } }),
    ),
  },
  {
    rule: 'MC02-subsets',
    what: 'a route without a subset, which needs no DestinationRule',
    mutate: all(
      remove('DestinationRule/shop/api'),
      patch('VirtualService/shop/api', { 'spec.http.0.route.0.destination.subset': undefined }),
    ),
  },
  {
    rule: 'MC02-subsets',
    what: "a DestinationRule with a short host in the service's namespace",
    mutate: patch('DestinationRule/shop/web', { 'spec.host': 'web' }),
  },
  {
    rule: 'MC03-gateway-exists',
    what: 'the legacy <name>.<namespace>.svc.cluster.local reference, with mesh',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.gateways': ['shop-gateway.istio-ingress.svc.cluster.local', 'mesh'] }),
  },
  {
    rule: 'MC03-gateway-hosts',
    what: "Gateway hosts scoped to the VirtualService's namespace and to any namespace",
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.hosts': ['shop/shop.example.com'],
      'spec.servers.1.hosts': ['*/shop.example.com'],
    }),
  },
  {
    rule: 'MC03-gateway-hosts',
    what: 'a wildcard Gateway host covering the VirtualService host',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.hosts': ['*.example.com'],
      'spec.servers.1.hosts': ['*.example.com'],
    }),
  },
  {
    rule: 'MC03-gateway-hosts',
    what: 'a mesh host beside the public one when the VirtualService also binds mesh',
    mutate: patch('VirtualService/shop/shop-public', {
      'spec.hosts': ['shop.example.com', WEB],
      'spec.gateways': ['istio-ingress/shop-gateway', 'mesh'],
    }),
  },
  {
    // Istio (pickMatchingGatewayHosts; istioctl's IST0132 check) binds when the hosts overlap either way.
    rule: 'MC03-gateway-hosts',
    what: 'a wildcard VirtualService host overlapping the Gateway host',
    mutate: patch('VirtualService/shop/shop-public', { 'spec.hosts': ['*.example.com'] }),
  },
  {
    rule: 'MC04-gateway-selector',
    what: 'a gateway proxy recognised by its injection template',
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
    rule: 'MC04-gateway-selector',
    what: 'a gateway installed outside the set (no gateway proxy to check against)',
    mutate: remove('Deployment/istio-ingress/istio-ingress'),
  },
  {
    rule: 'MC05-virtualservice-conflicts',
    what: 'one host on mesh and on a Gateway',
    mutate: add(
      networking('VirtualService', 'shop', 'shop-internal', {
        hosts: ['shop.example.com'],
        gateways: ['mesh'],
        http: [{ route: [{ destination: { host: 'web', subset: 'v1' } }] }],
      }),
    ),
  },
  {
    rule: 'MC05-sidecar-overlap',
    what: 'a namespace default beside Sidecars with disjoint selectors',
    mutate: add(networking('Sidecar', 'shop', 'default', { egress: [{ hosts: ['istio-system/*'] }] })),
  },
  {
    rule: 'MC07-destinationrule-host',
    what: 'a wildcard host',
    mutate: add(
      networking('DestinationRule', 'shop', 'example', {
        host: '*.example.net',
        trafficPolicy: { tls: { mode: 'SIMPLE', caCertificates: '/etc/ssl/certs/ca-certificates.crt' } },
      }),
    ),
  },
  {
    rule: 'MC07-destinationrule-host',
    what: 'a host under a wildcard ServiceEntry',
    mutate: patch('ServiceEntry/shop/payments', { 'spec.hosts': ['*.payments.example.net'], 'spec.resolution': 'NONE' }),
  },
  {
    rule: 'MC07-subset-pods',
    what: 'a subset without labels',
    mutate: patch('DestinationRule/shop/api', { 'spec.subsets.1': { name: 'any' } }),
  },
  {
    rule: 'MC08-selector-matches',
    what: 'a policy in istio-system selecting pods in any namespace',
    mutate: add(
      security('AuthorizationPolicy', 'istio-system', 'web-deny-debug', {
        selector: { matchLabels: { app: 'web' } },
        action: 'DENY',
        rules: [{ to: [{ operation: { paths: ['/debug/*'] } }] }],
      }),
    ),
  },
  {
    rule: 'MC08-jwt-authentication',
    what: 'a mesh-wide RequestAuthentication in istio-system',
    mutate: all(
      remove('RequestAuthentication/shop/web-jwt'),
      add(
        security('RequestAuthentication', 'istio-system', 'jwt', {
          jwtRules: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' }],
        }),
      ),
    ),
  },
  {
    rule: 'MC09-pdb-selector',
    what: 'matchExpressions (NotIn, Exists) that select pods',
    mutate: patch('PodDisruptionBudget/shop/web', {
      'spec.selector': {
        matchExpressions: [
          { key: 'app', operator: 'NotIn', values: ['api'] },
          { key: 'version', operator: 'Exists' },
        ],
      },
    }),
  },
  {
    rule: 'MC09-service-pods',
    what: 'an ExternalName Service with a selector',
    mutate: add(
      service('shop', 'legacy', {
        type: 'ExternalName',
        externalName: 'legacy.example.net',
        selector: { app: 'legacy' },
        ports: [{ port: 8443 }],
      }),
    ),
  },
  {
    rule: 'MC09-service-pods',
    what: 'a Service without a selector (endpoints managed elsewhere)',
    mutate: add(service('shop', 'db', { ports: [{ name: 'tcp-postgres', port: 5432 }] })),
  },
];

describeCases('mesh consistency rules (MC01-MC09)', meshConsistencyRules, rejected, accepted);
