import type { ManifestObject } from '../../charts/schema';
import { evaluate } from '../engine';
import type { Finding } from '../types';
import { referenceRules } from './references';

// GIVEN a namespace whose Deployment, Service, NetworkPolicy and referenced objects all
// exist, WHEN one field is changed, THEN the reference rule about it reports exactly that.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixtures are edited freely

const DEPLOYMENT = 'Deployment/shop/web';
const SERVICE = 'Service/shop/web';

function set(): Json[] {
  const meta = (kind: string, name: string, apiVersion = 'v1') => ({ apiVersion, kind, metadata: { name, namespace: 'shop' } });
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
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } },
            volumes: [{ name: 'config', configMap: { name: 'web-config' } }, { name: 'ca', configMap: { name: 'kube-root-ca.crt' } }],
            containers: [{
              name: 'web',
              image: 'web:1',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'DB', valueFrom: { secretKeyRef: { name: 'web-db', key: 'url' } } }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              livenessProbe: { tcpSocket: { port: 8080 } },
            }],
          },
        },
      },
    },
    { ...meta('Service', 'web'), spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    { ...meta('NetworkPolicy', 'web', 'networking.k8s.io/v1'), spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] } },
  ];
}

function podSpec(objects: Json[]): Json {
  return objects.find((o) => o.kind === 'Deployment')?.spec.template.spec as Json;
}
const container = (objects: Json[]): Json => podSpec(objects).containers[0] as Json;
const antiTerm = (objects: Json[]): Json => podSpec(objects).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0] as Json;
const named = (objects: Json[], kind: string): Json => objects.find((o) => o.kind === kind) as Json;

function findings(rule: string, objects: Json[]): Finding[] {
  const report = evaluate(referenceRules, { manifests: { objects: objects as ManifestObject[], profile: 'prod', allowedRegistries: [] } }, { environment: 'prod', exceptions: [], today: '2026-11-30' });
  return report.violations.filter((v) => v.rule.id === rule).map((v) => ({ object: v.object, message: v.message }));
}

interface Case {
  readonly rule: string;
  readonly what: string;
  readonly mutate: (objects: Json[]) => Json[] | void;
  readonly expected?: Finding[];
}

const without = (kind: string) => (objects: Json[]) => objects.filter((o) => o.kind !== kind);

const rejected: Case[] = [
  { rule: 'MC09-pod-references', what: 'a ServiceAccount that is not in the set', mutate: without('ServiceAccount'),
    expected: [{ object: DEPLOYMENT, message: "serviceAccountName names ServiceAccount 'web', which is not in the set (namespace 'shop')" }] },
  { rule: 'MC09-pod-references', what: 'a Secret named by env valueFrom that is not in the set', mutate: without('Secret'),
    expected: [{ object: DEPLOYMENT, message: "container \"web\" env DB names Secret 'web-db', which is not in the set (namespace 'shop')" }] },
  { rule: 'MC09-pod-references', what: 'a ConfigMap volume that is not in the set', mutate: without('ConfigMap'),
    expected: [{ object: DEPLOYMENT, message: "volume config names ConfigMap 'web-config', which is not in the set (namespace 'shop')" }] },
  { rule: 'MC09-pod-references', what: 'a Secret named by envFrom in another namespace only', mutate: (o) => { container(o).envFrom = [{ secretRef: { name: 'other' } }]; o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other', namespace: 'prod' } }); },
    expected: [{ object: DEPLOYMENT, message: "container \"web\" envFrom names Secret 'other', which is not in the set (namespace 'shop')" }] },
  { rule: 'MC09-networkpolicy-pods', what: 'a NetworkPolicy whose podSelector selects no pod', mutate: (o) => { named(o, 'NetworkPolicy').spec.podSelector = { matchLabels: { app: 'wbe' } }; },
    expected: [{ object: 'NetworkPolicy/shop/web', message: "podSelector app=wbe matches no workload's pods in namespace 'shop'" }] },
  { rule: 'MC09-port-references', what: 'a probe naming a port the container does not declare', mutate: (o) => { container(o).readinessProbe.httpGet.port = 'metrics'; },
    expected: [{ object: DEPLOYMENT, message: 'container "web" readinessProbe.httpGet.port "metrics" is not a port the container declares (it declares http=8080)' }] },
  { rule: 'MC09-port-references', what: 'a probe on a port number the pod does not declare', mutate: (o) => { container(o).livenessProbe.tcpSocket.port = 9090; },
    expected: [{ object: DEPLOYMENT, message: 'container "web" livenessProbe.tcpSocket.port 9090 is not a port the container declares (it declares http=8080)' }] },
  { rule: 'MC09-port-references', what: 'a Service targetPort naming a port the pods do not declare', mutate: (o) => { named(o, 'Service').spec.ports[0].targetPort = 'grpc'; },
    expected: [{ object: SERVICE, message: 'port http targetPort "grpc" is not a port the pods of Deployment/shop/web declare' }] },
  { rule: 'MC09-port-references', what: 'a Service without targetPort whose port the pods do not declare (it defaults to port)', mutate: (o) => { delete named(o, 'Service').spec.ports[0].targetPort; },
    expected: [{ object: SERVICE, message: 'port http targetPort 80 (unset: defaults to port) is not a port the pods of Deployment/shop/web declare' }] },
  { rule: 'RR06-spread-namespaces', what: 'an anti-affinity term on its own pods listing other namespaces only', mutate: (o) => { antiTerm(o).namespaces = ['prod']; },
    expected: [{ object: DEPLOYMENT, message: "podAntiAffinity required term on kubernetes.io/hostname selects the pods' own labels but applies to namespaces 'prod', not to namespace 'shop'" }] },
  { rule: 'RR06-spread-namespaces', what: 'a preferred term whose namespaceSelector misses its own namespace', mutate: (o) => {
    podSpec(o).affinity.podAntiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { ...antiTerm(o), namespaceSelector: { matchLabels: { team: 'payments' } } } }] };
  }, expected: [{ object: DEPLOYMENT, message: "podAntiAffinity preferred term on kubernetes.io/hostname selects the pods' own labels but applies to namespaceSelector team=payments, not to namespace 'shop'" }] },
];

const accepted: Case[] = [
  { rule: 'MC09-pod-references', what: 'the default ServiceAccount, which every namespace has', mutate: (o) => { podSpec(o).serviceAccountName = 'default'; } },
  { rule: 'MC09-pod-references', what: 'the istio-ca-root-cert ConfigMap Istio puts in every namespace', mutate: (o) => { podSpec(o).volumes[0].configMap.name = 'istio-ca-root-cert'; } },
  { rule: 'MC09-pod-references', what: 'a missing Secret marked optional', mutate: (o) => { container(o).envFrom = [{ secretRef: { name: 'extra', optional: true } }]; } },
  { rule: 'MC09-networkpolicy-pods', what: 'a NetworkPolicy with an empty podSelector (every pod)', mutate: (o) => { named(o, 'NetworkPolicy').spec.podSelector = {}; } },
  { rule: 'MC09-port-references', what: 'a probe on a port number of a pod that declares no ports', mutate: (o) => { delete container(o).ports; container(o).readinessProbe.httpGet.port = 8080; named(o, 'Service').spec.ports[0].targetPort = 8080; } },
  { rule: 'MC09-port-references', what: 'a Service targetPort by number', mutate: (o) => { named(o, 'Service').spec.ports[0].targetPort = 8080; } },
  { rule: 'RR06-spread-namespaces', what: 'a term listing its own namespace among others', mutate: (o) => { antiTerm(o).namespaces = ['prod', 'shop']; } },
  { rule: 'RR06-spread-namespaces', what: 'a namespaceSelector that matches its own namespace by label', mutate: (o) => { antiTerm(o).namespaceSelector = { matchLabels: { team: 'shop' } }; } },
  { rule: 'RR06-spread-namespaces', what: 'an empty namespaceSelector (every namespace)', mutate: (o) => { antiTerm(o).namespaceSelector = {}; } },
  { rule: 'RR06-spread-namespaces', what: 'a term about other pods in another namespace', mutate: (o) => { antiTerm(o).namespaces = ['batch']; antiTerm(o).labelSelector = { matchLabels: { app: 'batch' } }; } },
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
