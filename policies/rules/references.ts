/**
 * References inside the set (MC09, RR06): what a pod names (service account, secrets,
 * config maps, ports) exists, a NetworkPolicy selects pods, and an anti-affinity term meant to
 * spread a workload's own replicas looks in the workload's own namespace.
 */
import type { ManifestObject } from '../../charts/schema';
import {
  isJson,
  items,
  labelMap,
  labelSelectorMatches,
  namespaceLabelsOf,
  namespaceOf,
  obj,
  selectsEveryPod,
  specOf,
  str,
  strings,
  workloadsSelectedBy,
  type ContainerLike,
  type Json,
  type ObjectIndex,
  type PodSpecLike,
  type Workload,
} from '../objects';
import type { ManifestRule } from '../types';
import { finding, manifestRule, perWorkload } from './define';
import { formatLabelSelector, quoted, workloadsMatching } from './istio';

// ---------------------------------------------------------------------------------------
// Objects a pod names

/**
 * Objects the cluster puts in every namespace, so a set never holds them: the `default`
 * ServiceAccount (the service account controller), the `kube-root-ca.crt` ConfigMap (the root
 * CA publisher of kube-controller-manager) and Istio's `istio-ca-root-cert` ConfigMap (istiod's
 * namespace controller; pilot/pkg/features PILOT_CA_CERT_CONFIGMAP defaults to it).
 */
const INJECTED: Readonly<Record<string, ReadonlySet<string>>> = {
  ServiceAccount: new Set(['default']),
  ConfigMap: new Set(['kube-root-ca.crt', 'istio-ca-root-cert']),
  Secret: new Set(),
};

type Referenced = 'ServiceAccount' | 'Secret' | 'ConfigMap';

interface PodReference {
  readonly kind: Referenced;
  readonly name: string;
  /** Where the pod names it, as messages say it. */
  readonly where: string;
}

/** A reference unless it is marked `optional: true` (the pod starts without it). */
function ref(kind: Referenced, name: unknown, where: string, holder: Json = {}): PodReference[] {
  const n = str(name);
  return n === undefined || n === '' || holder.optional === true ? [] : [{ kind, name: n, where }];
}

function containerReferences(c: ContainerLike, label: string): PodReference[] {
  return [
    ...items(c.envFrom).flatMap((e) => [
      ...ref('Secret', obj(e.secretRef).name, `${label} envFrom`, obj(e.secretRef)),
      ...ref('ConfigMap', obj(e.configMapRef).name, `${label} envFrom`, obj(e.configMapRef)),
    ]),
    ...items(c.env).flatMap((e) => {
      const from = obj(e.valueFrom);
      const where = `${label} env ${str(e.name) ?? '?'}`;
      return [
        ...ref('Secret', obj(from.secretKeyRef).name, where, obj(from.secretKeyRef)),
        ...ref('ConfigMap', obj(from.configMapKeyRef).name, where, obj(from.configMapKeyRef)),
      ];
    }),
  ];
}

/** Every ServiceAccount, Secret and ConfigMap a pod needs to start. */
export function podReferences(pod: PodSpecLike): PodReference[] {
  const volumes = items(pod.volumes).flatMap((v) => {
    const where = `volume ${str(v.name) ?? '?'}`;
    const secret = obj(v.secret);
    const configMap = obj(v.configMap);
    return [
      ...ref('Secret', secret.secretName, where, secret),
      ...ref('ConfigMap', configMap.name, where, configMap),
      ...items(obj(v.projected).sources).flatMap((s) => [
        ...ref('Secret', obj(s.secret).name, where, obj(s.secret)),
        ...ref('ConfigMap', obj(s.configMap).name, where, obj(s.configMap)),
      ]),
    ];
  });
  const containers = (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    items(pod[field]).flatMap((c) =>
      containerReferences(
        c as ContainerLike,
        `${field === 'containers' ? 'container' : field === 'initContainers' ? 'init container' : 'ephemeral container'} "${str(c.name) ?? '?'}"`,
      ),
    ),
  );
  return [
    ...ref('ServiceAccount', pod.serviceAccountName ?? pod.serviceAccount, 'serviceAccountName'),
    ...items(pod.imagePullSecrets).flatMap((s) => ref('Secret', s.name, 'imagePullSecrets')),
    ...volumes,
    ...containers,
  ];
}

const mc09PodReferences = manifestRule(
  {
    id: 'MC09-pod-references',
    description:
      'The ServiceAccount, Secrets and ConfigMaps a pod names (serviceAccountName, imagePullSecrets, volumes, envFrom, env valueFrom) are in the set',
    why: 'A pod whose service account, secret or config map does not exist is not created (service account) or never starts (CreateContainerConfigError, volume mount timeouts), usually after a rename. Advisory: the object may be created elsewhere (a secret manager sync, another chart); the `default` ServiceAccount and the `kube-root-ca.crt` and `istio-ca-root-cert` ConfigMaps are put in every namespace by Kubernetes and Istio and are not looked for, nor are references marked `optional: true`.',
    fix: 'Add the object to the manifests, fix the name, or mark the reference `optional: true` if the pod can start without it.',
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['MC09'],
  },
  perWorkload((w, _ctx, index) =>
    podReferences(w.pod)
      .filter((r) => !INJECTED[r.kind].has(r.name) && index.find(r.kind, w.namespace, r.name) === undefined)
      .map((r) => `${r.where} names ${r.kind} '${r.name}', which is not in the set (namespace '${w.namespace}')`),
  ),
);

// ---------------------------------------------------------------------------------------
// NetworkPolicies that select no pod

const mc09NetworkPolicyPods = manifestRule(
  {
    id: 'MC09-networkpolicy-pods',
    description:
      "Every NetworkPolicy's podSelector matches the pods of at least one workload in its namespace (an empty podSelector selects them all)",
    why: 'A NetworkPolicy that selects no pod isolates nothing and allows nothing: the flows it was written to allow are denied by the default deny, or the pods it was written to isolate are open, usually after a label rename.',
    fix: "Make the podSelector match the workload's pod template labels (`app: <name>`), or remove the policy.",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC09', 'NM01'],
  },
  (_ctx, index) =>
    index.ofKind('NetworkPolicy', 'networking.k8s.io').flatMap((np) => {
      const selector = specOf(np).podSelector ?? {};
      if (selectsEveryPod(selector) || workloadsSelectedBy(index, namespaceOf(np), selector).length > 0) return [];
      return [finding(np, `podSelector ${formatLabelSelector(selector)} matches no workload's pods in namespace '${namespaceOf(np)}'`)];
    }),
);

// ---------------------------------------------------------------------------------------
// Ports that probes and Services name

interface Port {
  readonly name?: string;
  readonly number?: number;
}

/** The ports a container declares. */
function declaredPorts(c: ContainerLike): Port[] {
  return items(c.ports).map((p) => ({ name: str(p.name), number: typeof p.containerPort === 'number' ? p.containerPort : undefined }));
}

/** Containers that serve: the app containers and native sidecars (init containers that keep running). */
function servingContainers(pod: PodSpecLike): ContainerLike[] {
  return [...items(pod.initContainers).filter((c) => c.restartPolicy === 'Always'), ...items(pod.containers)] as ContainerLike[];
}

/** `8080` or `'http'` as written; anything else is not a port reference. */
function portRef(v: unknown): string | number | undefined {
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

/**
 * Whether a port reference resolves: a name among the ports of `own` (the container whose ports
 * the kubelet or the endpoints controller looks a name up in), a number among the ports of the
 * pod. A number is only checked when the pod declares ports: `containerPort` is informational,
 * and a pod that declares none may still listen.
 */
function resolves(port: string | number, own: readonly Port[], pod: readonly Port[]): boolean {
  if (typeof port === 'string' && !/^\d+$/.test(port)) return own.some((p) => p.name === port);
  return pod.length === 0 || pod.some((p) => p.number === Number(port));
}

const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;
const PROBE_HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

function probePortProblems(w: Workload): string[] {
  const podPorts = servingContainers(w.pod).flatMap(declaredPorts);
  return servingContainers(w.pod).flatMap((c) =>
    PROBES.flatMap((probe) =>
      PROBE_HANDLERS.flatMap((handler) => {
        const port = portRef(obj(obj(c[probe])[handler]).port);
        if (port === undefined || resolves(port, declaredPorts(c), podPorts)) return [];
        return [
          `container "${str(c.name) ?? '?'}" ${probe}.${handler}.port ${JSON.stringify(port)} is not a port the container declares (${portList(declaredPorts(c))})`,
        ];
      }),
    ),
  );
}

function portList(ports: readonly Port[]): string {
  return ports.length === 0
    ? 'it declares none'
    : `it declares ${ports.map((p) => (p.name === undefined ? String(p.number) : `${p.name}=${String(p.number)}`)).join(', ')}`;
}

/** For each Service port, the selected workloads that do not expose its targetPort. */
function servicePortProblems(index: ObjectIndex, svc: ManifestObject): string[] {
  const spec = specOf(svc);
  const selector = labelMap(spec.selector);
  if (Object.keys(selector).length === 0 || spec.type === 'ExternalName') return [];
  const selected = workloadsMatching(index, namespaceOf(svc), selector);
  return items(spec.ports).flatMap((p) => {
    // targetPort defaults to port.
    const target = portRef(p.targetPort) ?? portRef(p.port);
    if (target === undefined) return [];
    const missing = selected.filter((w) => {
      const containers = servingContainers(w.pod);
      const podPorts = containers.flatMap(declaredPorts);
      // A Service resolves a named targetPort in any container of the pod.
      return !resolves(target, podPorts, podPorts);
    });
    const label = `port ${str(p.name) ?? String(p.port)} targetPort ${JSON.stringify(target)}${p.targetPort === undefined ? ' (unset: defaults to port)' : ''}`;
    return missing.length === 0 ? [] : [`${label} is not a port the pods of ${missing.map((w) => w.id).join(', ')} declare`];
  });
}

const mc09PortReferences = manifestRule(
  {
    id: 'MC09-port-references',
    description:
      'Probe ports and Service targetPorts name a port the selected containers declare (by name, or by number when the pod declares ports)',
    why: 'A probe on a port name the container does not declare never succeeds (the pod is never ready, or is restarted forever); a Service whose targetPort the pods do not expose has no endpoints for them, so calls fail with 503 or connection refused.',
    fix: "Name a port the container declares in `ports` (or add it there), and make the Service's targetPort that port's name or number.",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC09', 'RR02'],
  },
  (ctx, index) => [
    ...perWorkload(probePortProblems)(ctx, index),
    ...index.ofKind('Service', '').flatMap((svc) => servicePortProblems(index, svc).map((m) => finding(svc, m))),
  ],
);

// ---------------------------------------------------------------------------------------
// Anti-affinity terms that leave out the pod's own namespace

/** Whether a PodAffinityTerm applies to `ns`: null namespaces and namespaceSelector mean the pod's own. */
function termSeesNamespace(term: Json, ns: string, index: ObjectIndex): boolean {
  const listed = strings(term.namespaces);
  const selector = term.namespaceSelector;
  if (listed.length === 0 && !isJson(selector)) return true;
  if (listed.includes(ns)) return true;
  return isJson(selector) && labelSelectorMatches(selector, namespaceLabelsOf(index, ns));
}

const rr06SpreadNamespaces = manifestRule(
  {
    id: 'RR06-spread-namespaces',
    description: "A podAntiAffinity term that selects the workload's own pods applies to its own namespace (namespaces, namespaceSelector)",
    why: "An anti-affinity term looks for pods only in the namespaces it lists: one written to keep a workload's replicas apart that lists other namespaces (or a namespaceSelector that misses its own) never sees the replicas, so they can all land on one node or zone. topologySpreadConstraints always count the pod's own namespace.",
    fix: "Drop `namespaces` and `namespaceSelector` from the term (it then means the pod's own namespace), or add the pod's namespace to `namespaces`.",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR06'],
  },
  perWorkload((w, _ctx, index) => {
    const anti = obj(obj(w.pod.affinity).podAntiAffinity);
    const terms = [
      ...items(anti.requiredDuringSchedulingIgnoredDuringExecution).map((t) => ({ t, where: 'required' })),
      ...items(anti.preferredDuringSchedulingIgnoredDuringExecution).map((p) => ({ t: obj(p.podAffinityTerm), where: 'preferred' })),
    ];
    return terms
      .filter(({ t }) => labelSelectorMatches(t.labelSelector, w.podLabels) && !termSeesNamespace(t, w.namespace, index))
      .map(
        ({ t, where }) =>
          `podAntiAffinity ${where} term on ${str(t.topologyKey) ?? '?'} selects the pods' own labels but applies to ${describeNamespaces(t)}, not to namespace '${w.namespace}'`,
      );
  }),
);

function describeNamespaces(term: Json): string {
  const parts = [
    ...(strings(term.namespaces).length > 0 ? [`namespaces ${quoted(strings(term.namespaces))}`] : []),
    ...(isJson(term.namespaceSelector) ? [`namespaceSelector ${formatLabelSelector(term.namespaceSelector)}`] : []),
  ];
  return parts.join(' and ');
}

/** Reference rules, in report order. */
export const referenceRules: readonly ManifestRule[] = [mc09PodReferences, mc09NetworkPolicyPods, mc09PortReferences, rr06SpreadNamespaces];
