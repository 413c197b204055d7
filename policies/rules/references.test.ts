import { evaluate } from '../engine';
import type { Finding } from '../types';
import { referenceRules } from './references';

// GIVEN a namespace whose Deployment, Service, NetworkPolicy and referenced objects all
// exist, WHEN one field is changed, THEN the reference rule about it reports exactly that.

// The fixtures' shapes: the fields these tests set, read or delete, not the whole Kubernetes API.
type Metadata = { name: string; namespace?: string; labels?: Record<string, string> };
type LabelSelector = { matchLabels?: Record<string, string> };
type AntiAffinityTerm = { topologyKey: string; labelSelector: LabelSelector; namespaces?: string[]; namespaceSelector?: LabelSelector };
type PodAntiAffinity = {
  requiredDuringSchedulingIgnoredDuringExecution?: AntiAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; podAffinityTerm: AntiAffinityTerm }[];
};
type Container = {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  env: { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }[];
  envFrom?: { secretRef: { name: string; optional?: boolean } }[];
  readinessProbe: { httpGet: { path: string; port: string | number } };
  livenessProbe: { tcpSocket: { port: string | number } };
};
type PodSpec = {
  serviceAccountName: string;
  affinity: { podAntiAffinity: PodAntiAffinity };
  volumes: { name: string; configMap: { name: string } }[];
  containers: Container[];
};
type Base<K extends string> = { apiVersion: string; kind: K; metadata: Metadata };
type Deployment = Base<'Deployment'> & {
  spec: { selector: LabelSelector; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};
type Service = Base<'Service'> & {
  spec: { selector: Record<string, string>; ports: { name: string; port: number; targetPort?: string | number }[] };
};
type NetworkPolicy = Base<'NetworkPolicy'> & { spec: { podSelector: LabelSelector; policyTypes: string[] } };
type K8sObject = Base<'Namespace' | 'ServiceAccount' | 'Secret' | 'ConfigMap'> | Deployment | Service | NetworkPolicy;
type Kind = K8sObject['kind'];

const DEPLOYMENT = 'Deployment/shop/web';
const SERVICE = 'Service/shop/web';

function set(): K8sObject[] {
  const meta = <K extends Kind>(kind: K, name: string, apiVersion = 'v1') => ({ apiVersion, kind, metadata: { name, namespace: 'shop' } });
  return [
    { ...meta('Namespace', 'shop'), metadata: { name: 'shop', labels: { team: 'shop' } } },
    meta('ServiceAccount', 'web'),
    meta('Secret', 'web-db'),
    meta('ConfigMap', 'web-config'),
    {
      ...meta('Deployment', 'web', 'apps/v1'),
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            serviceAccountName: 'web',
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } },
                ],
              },
            },
            volumes: [
              { name: 'config', configMap: { name: 'web-config' } },
              { name: 'ca', configMap: { name: 'kube-root-ca.crt' } },
            ],
            containers: [
              {
                name: 'web',
                image: 'web:1',
                ports: [{ name: 'http', containerPort: 8080 }],
                env: [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'web-db', key: 'url' } } }],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
                livenessProbe: { tcpSocket: { port: 8080 } },
              },
            ],
          },
        },
      },
    },
    { ...meta('Service', 'web'), spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      ...meta('NetworkPolicy', 'web', 'networking.k8s.io/v1'),
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
    },
  ];
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fixture has no ${what}`);
  return value;
}
const named = <K extends Kind>(objects: K8sObject[], kind: K): Extract<K8sObject, { kind: K }> =>
  found(
    objects.find((o): o is Extract<K8sObject, { kind: K }> => o.kind === kind),
    kind,
  );
const podSpec = (objects: K8sObject[]): PodSpec => named(objects, 'Deployment').spec.template.spec;
const container = (objects: K8sObject[]): Container => podSpec(objects).containers[0];
const antiTerm = (objects: K8sObject[]): AntiAffinityTerm =>
  found(podSpec(objects).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution?.[0], 'required anti-affinity term');

function findings(rule: string, objects: K8sObject[]): Finding[] {
  const report = evaluate(
    referenceRules,
    { manifests: { objects, profile: 'prod', allowedRegistries: [] } },
    { environment: 'prod', exceptions: [], today: '2026-11-30' },
  );
  return report.violations.filter((v) => v.rule.id === rule).map((v) => ({ object: v.object, message: v.message }));
}

interface Case {
  readonly rule: string;
  readonly what: string;
  readonly mutate: (objects: K8sObject[]) => K8sObject[] | void;
  readonly expected?: Finding[];
}

const without = (kind: Kind) => (objects: K8sObject[]) => objects.filter((o) => o.kind !== kind);

const rejected: Case[] = [
  {
    rule: 'MC09-pod-references',
    what: 'a ServiceAccount that is not in the set',
    mutate: without('ServiceAccount'),
    expected: [
      { object: DEPLOYMENT, message: "serviceAccountName names ServiceAccount 'web', which is not in the set (namespace 'shop')" },
    ],
  },
  {
    rule: 'MC09-pod-references',
    what: 'a Secret named by env valueFrom that is not in the set',
    mutate: without('Secret'),
    expected: [
      { object: DEPLOYMENT, message: "container \"web\" env DB names Secret 'web-db', which is not in the set (namespace 'shop')" },
    ],
  },
  {
    rule: 'MC09-pod-references',
    what: 'a ConfigMap volume that is not in the set',
    mutate: without('ConfigMap'),
    expected: [{ object: DEPLOYMENT, message: "volume config names ConfigMap 'web-config', which is not in the set (namespace 'shop')" }],
  },
  {
    rule: 'MC09-pod-references',
    what: 'a Secret named by envFrom in another namespace only',
    mutate: (o) => {
      container(o).envFrom = [{ secretRef: { name: 'other' } }];
      o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other', namespace: 'prod' } });
    },
    expected: [
      { object: DEPLOYMENT, message: "container \"web\" envFrom names Secret 'other', which is not in the set (namespace 'shop')" },
    ],
  },
  {
    rule: 'MC09-networkpolicy-pods',
    what: 'a NetworkPolicy whose podSelector selects no pod',
    mutate: (o) => {
      named(o, 'NetworkPolicy').spec.podSelector = { matchLabels: { app: 'wbe' } };
    },
    expected: [{ object: 'NetworkPolicy/shop/web', message: "podSelector app=wbe matches no workload's pods in namespace 'shop'" }],
  },
  {
    rule: 'MC09-port-references',
    what: 'a probe naming a port the container does not declare',
    mutate: (o) => {
      container(o).readinessProbe.httpGet.port = 'metrics';
    },
    expected: [
      {
        object: DEPLOYMENT,
        message: 'container "web" readinessProbe.httpGet.port "metrics" is not a port the container declares (it declares http=8080)',
      },
    ],
  },
  {
    rule: 'MC09-port-references',
    what: 'a probe on a port number the pod does not declare',
    mutate: (o) => {
      container(o).livenessProbe.tcpSocket.port = 9090;
    },
    expected: [
      {
        object: DEPLOYMENT,
        message: 'container "web" livenessProbe.tcpSocket.port 9090 is not a port the container declares (it declares http=8080)',
      },
    ],
  },
  {
    rule: 'MC09-port-references',
    what: 'a Service targetPort naming a port the pods do not declare',
    mutate: (o) => {
      named(o, 'Service').spec.ports[0].targetPort = 'grpc';
    },
    expected: [{ object: SERVICE, message: 'port http targetPort "grpc" is not a port the pods of Deployment/shop/web declare' }],
  },
  {
    rule: 'MC09-port-references',
    what: 'a Service without targetPort whose port the pods do not declare (it defaults to port)',
    mutate: (o) => {
      delete named(o, 'Service').spec.ports[0].targetPort;
    },
    expected: [
      {
        object: SERVICE,
        message: 'port http targetPort 80 (unset: defaults to port) is not a port the pods of Deployment/shop/web declare',
      },
    ],
  },
  {
    rule: 'RR06-spread-namespaces',
    what: 'an anti-affinity term on its own pods listing other namespaces only',
    mutate: (o) => {
      antiTerm(o).namespaces = ['prod'];
    },
    expected: [
      {
        object: DEPLOYMENT,
        message:
          "podAntiAffinity required term on kubernetes.io/hostname selects the pods' own labels but applies to namespaces 'prod', not to namespace 'shop'",
      },
    ],
  },
  {
    rule: 'RR06-spread-namespaces',
    what: 'a preferred term whose namespaceSelector misses its own namespace',
    mutate: (o) => {
      podSpec(o).affinity.podAntiAffinity = {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { ...antiTerm(o), namespaceSelector: { matchLabels: { team: 'payments' } } } },
        ],
      };
    },
    expected: [
      {
        object: DEPLOYMENT,
        message:
          "podAntiAffinity preferred term on kubernetes.io/hostname selects the pods' own labels but applies to namespaceSelector team=payments, not to namespace 'shop'",
      },
    ],
  },
];

const accepted: Case[] = [
  {
    rule: 'MC09-pod-references',
    what: 'the default ServiceAccount, which every namespace has',
    mutate: (o) => {
      podSpec(o).serviceAccountName = 'default';
    },
  },
  {
    rule: 'MC09-pod-references',
    what: 'the istio-ca-root-cert ConfigMap Istio puts in every namespace',
    mutate: (o) => {
      podSpec(o).volumes[0].configMap.name = 'istio-ca-root-cert';
    },
  },
  {
    rule: 'MC09-pod-references',
    what: 'a missing Secret marked optional',
    mutate: (o) => {
      container(o).envFrom = [{ secretRef: { name: 'extra', optional: true } }];
    },
  },
  {
    rule: 'MC09-networkpolicy-pods',
    what: 'a NetworkPolicy with an empty podSelector (every pod)',
    mutate: (o) => {
      named(o, 'NetworkPolicy').spec.podSelector = {};
    },
  },
  {
    rule: 'MC09-port-references',
    what: 'a probe on a port number of a pod that declares no ports',
    mutate: (o) => {
      delete container(o).ports;
      container(o).readinessProbe.httpGet.port = 8080;
      named(o, 'Service').spec.ports[0].targetPort = 8080;
    },
  },
  {
    rule: 'MC09-port-references',
    what: 'a Service targetPort by number',
    mutate: (o) => {
      named(o, 'Service').spec.ports[0].targetPort = 8080;
    },
  },
  {
    rule: 'RR06-spread-namespaces',
    what: 'a term listing its own namespace among others',
    mutate: (o) => {
      antiTerm(o).namespaces = ['prod', 'shop'];
    },
  },
  {
    rule: 'RR06-spread-namespaces',
    what: 'a namespaceSelector that matches its own namespace by label',
    mutate: (o) => {
      antiTerm(o).namespaceSelector = { matchLabels: { team: 'shop' } };
    },
  },
  {
    rule: 'RR06-spread-namespaces',
    what: 'an empty namespaceSelector (every namespace)',
    mutate: (o) => {
      antiTerm(o).namespaceSelector = {};
    },
  },
  {
    rule: 'RR06-spread-namespaces',
    what: 'a term about other pods in another namespace',
    mutate: (o) => {
      antiTerm(o).namespaces = ['batch'];
      antiTerm(o).labelSelector = { matchLabels: { app: 'batch' } };
    },
  },
];

describe('reference rules', () => {
  it('accept the complete set with no finding at all', () => {
    expect(referenceRules.flatMap((r) => findings(r.id, set()))).toEqual([]);
  });

  it.each(rejected)('$rule rejects $what', ({ rule, mutate, expected }) => {
    const objects = set();
    expect(findings(rule, mutate(objects) ?? objects)).toEqual(expected);
  });

  it.each(accepted)('$rule accepts $what', ({ rule, mutate }) => {
    const objects = set();
    const changed = mutate(objects) ?? objects;
    expect(changed).not.toEqual(set());
    expect(findings(rule, changed)).toEqual([]);
  });

  it('has a rejecting and an accepting case for every rule', () => {
    for (const r of referenceRules) {
      expect(rejected.some((c) => c.rule === r.id)).toBe(true);
      expect(accepted.some((c) => c.rule === r.id)).toBe(true);
    }
  });

  it('marks only the references that may be created elsewhere as advisory', () => {
    expect(referenceRules.filter((r) => r.enforcement === 'advisory').map((r) => r.id)).toEqual(['MC09-pod-references']);
  });
});
