// NM02 cases on the compliant workload of ./workloads.fixture.ts, NM01 cases on the hardened mesh of ./mesh.fixture.ts.

import { networkRules } from './network';
import { describeCases as describeWorkloadCases, type Case, type Rejection, SERVICE, at, on, service } from './workloads.fixture';
import {
  describeCases as describeMeshCases,
  type Accepted,
  NO_EGRESS_DENY,
  type Rejected,
  add,
  all,
  networkPolicy,
  patch,
  remove,
} from './mesh.fixture';

const rejectedExposure: Rejection[] = [
  // NM02
  {
    rule: 'NM02-service-type',
    what: 'a NodePort Service',
    mutate: (o) => {
      at(service(o), 'spec').type = 'NodePort';
    },
    expected: on(SERVICE, 'spec.type is NodePort'),
  },
  {
    rule: 'NM02-service-type',
    what: 'a LoadBalancer Service',
    mutate: (o) => {
      at(service(o), 'spec').type = 'LoadBalancer';
    },
    expected: on(SERVICE, 'spec.type is LoadBalancer'),
  },
];

const acceptedExposure: Case[] = [
  {
    rule: 'NM02-service-type',
    what: 'a Service without a type (ClusterIP)',
    mutate: (o) => {
      delete at(service(o), 'spec').type;
    },
  },
];

describeWorkloadCases(
  'exposure rules (NM02)',
  networkRules.filter((r) => r.id === 'NM02-service-type'),
  rejectedExposure,
  acceptedExposure,
);

const rejectedIsolation: Rejected[] = [
  // NM01: namespace default-deny
  {
    rule: 'NM01-default-deny',
    what: 'a namespace without a default-deny policy',
    mutate: remove('NetworkPolicy/shop/default-deny'),
    expected: [
      {
        object: 'Namespace/shop',
        message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress and Egress in namespace 'shop'",
      },
    ],
  },
  {
    rule: 'NM01-default-deny',
    what: 'a default-deny for Ingress only',
    mutate: patch('NetworkPolicy/istio-ingress/default-deny', { 'spec.policyTypes': ['Ingress'] }),
    expected: [
      {
        object: 'Namespace/istio-ingress',
        message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Egress in namespace 'istio-ingress'",
      },
    ],
  },
  {
    rule: 'NM01-default-deny',
    what: 'a "default-deny" whose empty ingress rule allows every source',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.ingress': [{}] }),
    expected: [
      { object: 'Namespace/shop', message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress in namespace 'shop'" },
    ],
  },
  {
    rule: 'NM01-default-deny',
    what: 'a deny-all that selects some pods only',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.podSelector': { matchLabels: { app: 'web' } } }),
    expected: [
      {
        object: 'Namespace/shop',
        message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress and Egress in namespace 'shop'",
      },
    ],
  },
  {
    rule: 'NM01-default-deny',
    what: 'no policyTypes and no egress field (Kubernetes defaults to Ingress only)',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': undefined }),
    expected: [{ object: 'Namespace/shop', message: NO_EGRESS_DENY }],
  },
  {
    // SetDefaults_NetworkPolicy appends Egress only `if len(obj.Spec.Egress) != 0`.
    rule: 'NM01-default-deny',
    what: 'no policyTypes and an empty egress list (Kubernetes defaults to Ingress only)',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': undefined, 'spec.egress': [] }),
    expected: [{ object: 'Namespace/shop', message: NO_EGRESS_DENY }],
  },
  {
    rule: 'NM01-default-deny',
    what: 'a pod that names no namespace (it lands in default)',
    mutate: add({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug' },
      spec: { containers: [{ name: 'sh', image: 'busybox:1.36' }] },
    }),
    expected: [
      {
        object: 'Namespace/default',
        message: "no default-deny NetworkPolicy (podSelector {}, no rules) for Ingress and Egress in namespace 'default'",
      },
    ],
  },
  // NM01: every pod covered
  {
    rule: 'NM01-pod-coverage',
    what: 'pods selected by an Ingress-only policy, or by none',
    mutate: all(
      remove('NetworkPolicy/shop/default-deny'),
      add(
        networkPolicy('shop', 'web', {
          podSelector: { matchLabels: { app: 'web' } },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } }], ports: [{ port: 8080 }] },
          ],
        }),
      ),
    ),
    expected: [
      { object: 'Deployment/shop/web-v1', message: 'pods (app=web,version=v1) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/web-v2', message: 'pods (app=web,version=v2) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/api-v1', message: 'pods (app=api,version=v1) are selected by no NetworkPolicy for Ingress and Egress' },
    ],
  },
  {
    rule: 'NM01-pod-coverage',
    what: 'a NotIn expression that leaves api out',
    mutate: patch('NetworkPolicy/shop/default-deny', {
      'spec.podSelector': { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] },
    }),
    expected: [
      { object: 'Deployment/shop/api-v1', message: 'pods (app=api,version=v1) are selected by no NetworkPolicy for Ingress and Egress' },
    ],
  },
  {
    rule: 'NM01-pod-coverage',
    what: 'a pod without labels that names no namespace',
    mutate: add({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'debug' },
      spec: { containers: [{ name: 'sh', image: 'busybox:1.36' }] },
    }),
    expected: [{ object: 'Pod/debug', message: 'pods (no labels) are selected by no NetworkPolicy for Ingress and Egress' }],
  },
  {
    rule: 'NM01-pod-coverage',
    what: 'no policyTypes and an empty egress list (Kubernetes defaults to Ingress only)',
    mutate: patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': undefined, 'spec.egress': [] }),
    expected: [
      { object: 'Deployment/shop/web-v1', message: 'pods (app=web,version=v1) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/web-v2', message: 'pods (app=web,version=v2) are selected by no NetworkPolicy for Egress' },
      { object: 'Deployment/shop/api-v1', message: 'pods (app=api,version=v1) are selected by no NetworkPolicy for Egress' },
    ],
  },
];

const acceptedIsolation: Accepted[] = [
  {
    rule: 'NM01-default-deny',
    what: 'a default-deny split into one policy per direction',
    mutate: all(
      patch('NetworkPolicy/shop/default-deny', { 'spec.policyTypes': ['Ingress'] }),
      add(networkPolicy('shop', 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] })),
    ),
  },
  {
    rule: 'NM01-default-deny',
    what: 'an allow policy beside the default-deny',
    mutate: add(
      networkPolicy('shop', 'allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ],
      }),
    ),
  },
  {
    rule: 'NM01-pod-coverage',
    what: 'pods covered by matchExpressions (In, Exists)',
    mutate: all(
      remove('NetworkPolicy/shop/default-deny'),
      add(
        networkPolicy('shop', 'apps', {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] },
          policyTypes: ['Ingress', 'Egress'],
        }),
        networkPolicy('shop', 'versioned', {
          podSelector: { matchExpressions: [{ key: 'version', operator: 'Exists' }] },
          policyTypes: ['Ingress', 'Egress'],
        }),
      ),
    ),
  },
];

describeMeshCases(
  'pod isolation rules (NM01)',
  networkRules.filter((r) => r.id.startsWith('NM01-')),
  rejectedIsolation,
  acceptedIsolation,
);
