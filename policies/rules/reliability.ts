/**
 * RR01-RR08: reliability in the spirit of Polaris and kube-score (requests and limits,
 * probes, replicas, disruption budgets, autoscaling, spreading, labels, controllers, API
 * versions), and MC09's "a Service selects each Deployment".
 */
import type { ManifestObject } from '../../charts/schema';
import {
  apiGroupOf,
  isJson,
  labelSelectorMatches,
  labelsText,
  namespaceOf,
  list,
  obj,
  show,
  valueAt,
  workloadsSelectedBy,
  perRun,
  type Json,
  type ObjectIndex,
  type Workload,
} from '../objects';
import { objectId, type Finding, type ManifestRule } from '../types';
import { DECLARED_CONTAINERS, containersOf, manifestRule, perContainer, perWorkload, stagingOrProd } from './define';

/** Kinds whose pods serve continuously: probes, replicas, PDBs and spreading apply to them. */
const LONG_RUNNING = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);
/** Kinds an HPA and a PDB are about: replicated, evictable, scaled. */
const REPLICATED = new Set(['Deployment', 'StatefulSet']);

/** A Service selector (a plain map): a Service without one selects no pods. */
function serviceSelects(service: ManifestObject, labels: Readonly<Record<string, string>>): boolean {
  const selector = obj(valueAt(service, ['spec', 'selector']));
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The first HPA scaling each `namespace kind name`, built once per run. */
const hpasByTarget = perRun((index): ReadonlyMap<string, ManifestObject> => {
  const byTarget = new Map<string, ManifestObject>();
  for (const h of index.ofKind('HorizontalPodAutoscaler')) {
    const ref = obj(valueAt(h, ['spec', 'scaleTargetRef']));
    if (typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
    const key = `${namespaceOf(h)} ${ref.kind} ${ref.name}`;
    if (!byTarget.has(key)) byTarget.set(key, h);
  }
  return byTarget;
});

function hpaFor(w: Workload, index: ObjectIndex): ManifestObject | undefined {
  return hpasByTarget(index).get(`${w.namespace} ${w.object.kind} ${w.object.metadata.name}`);
}

function hpaMin(hpa: ManifestObject): number {
  const min = valueAt(hpa, ['spec', 'minReplicas']);
  return typeof min === 'number' ? min : 1;
}

/** The fewest pods the workload runs: the HPA's minReplicas if one scales it, else spec.replicas. */
function replicaFloor(w: Workload, index: ObjectIndex): { readonly count: number; readonly source: string } {
  const hpa = hpaFor(w, index);
  if (hpa !== undefined) return { count: hpaMin(hpa), source: `${objectId(hpa)} minReplicas` };
  const replicas = valueAt(w.object, ['spec', 'replicas']);
  return typeof replicas === 'number' ? { count: replicas, source: 'spec.replicas' } : { count: 1, source: 'spec.replicas unset' };
}

const requests = manifestRule(
  {
    id: 'RR01-resource-requests',
    description: 'Containers request CPU and memory',
    why: 'the scheduler places pods by their requests: without them pods pile onto one node, are the first evicted under pressure (BestEffort) and the HPA, which scales on utilisation of requests, cannot work',
    fix: 'set resources.requests.cpu and resources.requests.memory (in the ServiceSpec, a resources tier)',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR01'],
  },
  perContainer(DECLARED_CONTAINERS, (c) => {
    const req = obj(obj(c.resources).requests);
    const missing = ['cpu', 'memory'].filter((k) => req[k] === undefined || req[k] === '');
    return missing.length === 0 ? [] : [`resources.requests has no ${missing.join(' or ')}`];
  }),
);

const memoryLimit = manifestRule(
  {
    id: 'RR01-memory-limit',
    description: 'Containers set a memory limit',
    why: "a container without a memory limit can use all of the node's memory: a leak then gets other pods OOM-killed or evicted instead of only itself",
    fix: 'set resources.limits.memory (in the ServiceSpec, a resources tier)',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR01'],
  },
  perContainer(DECLARED_CONTAINERS, (c) => {
    const limit = obj(obj(c.resources).limits).memory;
    return limit === undefined || limit === '' ? ['resources.limits.memory is unset'] : [];
  }),
);

const readinessProbe = manifestRule(
  {
    id: 'RR02-readiness-probe',
    description: 'Containers of serving workloads (a container declares a port, or a Service selects the pods) have a readiness probe',
    why: 'without one a pod receives traffic as soon as its process starts and keeps receiving it while broken: every rollout and every hang becomes failed requests',
    fix: 'add a readinessProbe that checks the container can serve (in the ServiceSpec, probes.readiness)',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR02'],
  },
  perContainer(
    ['containers'],
    (c, w, _ctx, index) => (isJson(c.readinessProbe) || !serves(w, index) ? [] : ['has no readinessProbe']),
    LONG_RUNNING,
  ),
);

const livenessProbe = manifestRule(
  {
    id: 'RR02-liveness-probe',
    description: 'Containers of serving workloads (a container declares a port, or a Service selects the pods) have a liveness probe',
    why: 'without one a deadlocked process stays up forever, holding its share of traffic and capacity, until someone restarts it by hand',
    fix: 'add a livenessProbe that checks only the process itself, not its dependencies (in the ServiceSpec, probes.liveness)',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR02'],
  },
  perContainer(
    ['containers'],
    (c, w, _ctx, index) => (isJson(c.livenessProbe) || !serves(w, index) ? [] : ['has no livenessProbe']),
    LONG_RUNNING,
  ),
);

/** The check a probe performs, without its timing: identical handlers fail together. */
function probeHandler(probe: Json): string {
  const handler = Object.fromEntries(
    ['httpGet', 'tcpSocket', 'grpc', 'exec'].filter((k) => probe[k] !== undefined).map((k) => [k, probe[k]]),
  );
  return JSON.stringify(handler, (_k, v: unknown) =>
    isJson(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

const distinctProbes = manifestRule(
  {
    id: 'RR02-distinct-probes',
    description: 'Liveness and readiness probes do not perform the same check',
    why: 'when both run the same check, a pod that is only overloaded or waiting on a dependency fails liveness too and is restarted, turning a slowdown into a cascading outage',
    fix: 'make liveness a cheap check of the process alone (a TCP connect or a /livez that touches nothing else) and keep dependency checks in readiness',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR02'],
  },
  perContainer(
    ['containers'],
    (c) => {
      if (!isJson(c.readinessProbe) || !isJson(c.livenessProbe)) return [];
      const readiness = probeHandler(c.readinessProbe);
      return readiness === probeHandler(c.livenessProbe) ? [`livenessProbe and readinessProbe both run ${readiness}`] : [];
    },
    LONG_RUNNING,
  ),
);

const minReplicas = manifestRule(
  {
    id: 'RR03-min-replicas',
    description: 'In staging and prod, workloads run at least 2 replicas (HPA minReplicas, or spec.replicas without an HPA)',
    why: 'a single replica is an outage on every node upgrade, eviction, rollout hiccup or crash; with 2 the PodDisruptionBudget can keep one serving',
    fix: 'in the ServiceSpec set replicas.<profile>.min to 2 or more (HPA minReplicas), or spec.replicas >= 2 for a workload without an HPA',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['RR03', 'RR05'],
  },
  (ctx, index) =>
    stagingOrProd(ctx)
      ? perWorkload((w) => {
          const floor = replicaFloor(w, index);
          return floor.count >= 2 ? [] : [`runs ${floor.count} replica at minimum (${floor.source}); ${ctx.profile} needs at least 2`];
        }, REPLICATED)(ctx, index)
      : [],
);

const fixedReplicasWithHpa = manifestRule(
  {
    id: 'RR03-no-fixed-replicas-with-hpa',
    description: 'A workload scaled by an HPA does not set spec.replicas',
    why: 'every apply resets spec.replicas to the fixed number, undoing the HPA: a deploy during a traffic peak scales the workload down to it',
    fix: 'remove spec.replicas and let the HorizontalPodAutoscaler own the count',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR03'],
  },
  perWorkload((w, _ctx, index) => {
    const replicas = valueAt(w.object, ['spec', 'replicas']);
    const hpa = hpaFor(w, index);
    return replicas === undefined || hpa === undefined ? [] : [`sets spec.replicas ${show(replicas)} but ${objectId(hpa)} scales it`];
  }),
);

/** The workloads some PodDisruptionBudget of their namespace selects, built once per run. */
const selectedByPdbs = perRun((index): ReadonlySet<Workload> => {
  const covered = new Set(
    index.ofKind('PodDisruptionBudget').flatMap((p) => workloadsSelectedBy(index, namespaceOf(p), valueAt(p, ['spec', 'selector']))),
  );
  return covered;
});

const pdbPresent = manifestRule(
  {
    id: 'RR04-pdb',
    description: 'In staging and prod, a PodDisruptionBudget selects each Deployment and StatefulSet',
    why: 'without a PDB a node drain (GKE upgrades, autoscaler scale-down) may evict every replica at once: the replicas only protect against voluntary disruptions if a budget says how many may go',
    fix: 'add a PodDisruptionBudget whose selector matches the pod labels, with maxUnavailable: 1',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR04'],
  },
  (ctx, index) =>
    stagingOrProd(ctx)
      ? perWorkload(
          (w) =>
            selectedByPdbs(index).has(w)
              ? []
              : [`no PodDisruptionBudget in namespace ${w.namespace} selects its pod labels ${labelsText(w.podLabels)}`],
          REPLICATED,
        )(ctx, index)
      : [],
);

/** `n` or `n%` of `total`, rounded up as the disruption controller does. */
function scaled(value: unknown, total: number): number | undefined {
  if (typeof value === 'number') return value;
  const m = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return m === null ? undefined : Math.ceil((Number(m[1]) * total) / 100);
}

const pdbAllowsEviction = manifestRule(
  {
    id: 'RR04-pdb-allows-eviction',
    description: 'Every PodDisruptionBudget sets a policy that still allows one eviction',
    why: 'maxUnavailable 0, or minAvailable as high as the replica count, blocks every voluntary eviction: node drains hang, and GKE upgrades stall or force-delete the pods after an hour, which is worse than the disruption the PDB was meant to bound',
    fix: 'use maxUnavailable: 1 alone (or minAvailable below the HPA minReplicas, never both)',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['RR04'],
  },
  (_ctx, index) =>
    index.ofKind('PodDisruptionBudget').flatMap((pdb) => {
      const spec = obj((pdb as Json).spec);
      const say = (message: string): Finding[] => [{ object: objectId(pdb), message }];
      if (spec.maxUnavailable === undefined && spec.minAvailable === undefined) return say('sets neither maxUnavailable nor minAvailable');
      // The API server rejects the object (policy validation: "minAvailable and maxUnavailable cannot be both set").
      if (spec.maxUnavailable !== undefined && spec.minAvailable !== undefined) {
        return say(
          `sets both minAvailable ${show(spec.minAvailable)} and maxUnavailable ${show(spec.maxUnavailable)}: the API server rejects it`,
        );
      }
      const selected = workloadsSelectedBy(index, namespaceOf(pdb), spec.selector);
      const floors = selected.map((w) => replicaFloor(w, index).count);
      const total = floors.reduce((a, b) => a + b, 0);
      if (spec.maxUnavailable !== undefined) {
        // Any other value rounds up to at least one pod.
        return spec.maxUnavailable === 0 || spec.maxUnavailable === '0%'
          ? say(`maxUnavailable ${show(spec.maxUnavailable)} allows no eviction`)
          : [];
      }
      if (spec.minAvailable === '100%') return say('minAvailable 100% allows no eviction');
      const min = scaled(spec.minAvailable, total);
      if (selected.length === 0 || min === undefined || min < total) return [];
      return say(
        `minAvailable ${show(spec.minAvailable)} allows no eviction: the pods it selects (${selected.map((w) => w.id).join(', ')}) run ${total} at minimum`,
      );
    }),
);

/** Kubernetes' own kinds that have a scale subresource, with their API group. */
const SCALABLE_GROUPS: Readonly<Record<string, string>> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  ReplicaSet: 'apps',
  ReplicationController: '',
};

/** Kubernetes' own API groups (core, `apps`, `batch`, ..., `*.k8s.io`): a kind of these outside SCALABLE_GROUPS cannot be scaled. */
function isKubernetesGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** Why an HPA's scaleTargetRef does not name a scalable object of the set, or undefined when it does. */
function hpaTargetProblem(hpa: ManifestObject, index: ObjectIndex): string | undefined {
  const ref = obj(valueAt(hpa, ['spec', 'scaleTargetRef']));
  const namespace = namespaceOf(hpa);
  const what = `scaleTargetRef ${show(ref.kind)}/${show(ref.name)}`;
  const target = typeof ref.kind === 'string' && typeof ref.name === 'string' ? index.find(ref.kind, namespace, ref.name) : undefined;
  if (target === undefined) return `${what} is not in namespace ${namespace}`;
  const group = apiGroupOf(target);
  if (typeof ref.apiVersion === 'string' && ref.apiVersion.split('/').slice(0, -1).join('/') !== group) {
    return `${what} names apiVersion ${ref.apiVersion} but ${objectId(target)} is ${target.apiVersion}`;
  }
  if (isKubernetesGroup(group) && SCALABLE_GROUPS[target.kind] !== group)
    return `${what} is a ${target.kind}, which has no scale subresource`;
  return undefined;
}

const hpaTarget = manifestRule(
  {
    id: 'RR05-hpa-target',
    description: 'Every HorizontalPodAutoscaler targets a workload of the set that can be scaled',
    why: 'an HPA whose target is misspelt, gone or not scalable (a Service, a DaemonSet) scales nothing, silently: the workload runs at its fixed size through every peak',
    fix: 'point spec.scaleTargetRef at the Deployment or StatefulSet (apiVersion, kind, name) in the same namespace, or delete the HPA',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['RR05', 'MC09'],
  },
  (_ctx, index) =>
    index.ofKind('HorizontalPodAutoscaler').flatMap((hpa) => {
      const problem = hpaTargetProblem(hpa, index);
      return problem === undefined ? [] : [{ object: objectId(hpa), message: problem }];
    }),
);

const hpaRange = manifestRule(
  {
    id: 'RR05-hpa-range',
    description: 'Every HorizontalPodAutoscaler has maxReplicas above minReplicas',
    why: 'with max equal to min the HPA cannot scale: it looks like autoscaling in review but the workload is fixed-size under load',
    fix: 'raise spec.maxReplicas above spec.minReplicas (in the ServiceSpec, replicas.<profile>.max)',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR05'],
  },
  (_ctx, index) =>
    index.ofKind('HorizontalPodAutoscaler').flatMap((hpa) => {
      const max = valueAt(hpa, ['spec', 'maxReplicas']);
      const min = hpaMin(hpa);
      return typeof max === 'number' && max > min
        ? []
        : [{ object: objectId(hpa), message: `maxReplicas ${show(max)} is not above minReplicas ${min}` }];
    }),
);

const SPREAD_KEYS = ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'];

const topologySpread = manifestRule(
  {
    id: 'RR06-topology-spread',
    description: 'Replicated workloads spread their pods across zones or nodes',
    why: 'without spreading, the scheduler may put every replica on one node or in one zone, and a single node or zone failure takes the service down. Advisory: a single-zone or one-node cluster cannot spread, and the right keys depend on the cluster',
    fix: 'add topologySpreadConstraints on topology.kubernetes.io/zone and kubernetes.io/hostname whose labelSelector matches the pod labels (or a podAntiAffinity term)',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['RR06'],
  },
  perWorkload((w) => {
    const spreads = list(w.pod.topologySpreadConstraints)
      .filter(isJson)
      .some((t) => SPREAD_KEYS.includes(String(t.topologyKey)) && labelSelectorMatches(t.labelSelector, w.podLabels));
    const anti = obj(obj(w.pod.affinity).podAntiAffinity);
    const terms = [
      ...list(anti.requiredDuringSchedulingIgnoredDuringExecution),
      ...list(anti.preferredDuringSchedulingIgnoredDuringExecution)
        .filter(isJson)
        .map((p) => p.podAffinityTerm),
    ].filter(isJson);
    const antiAffine = terms.some((t) => SPREAD_KEYS.includes(String(t.topologyKey)) && labelSelectorMatches(t.labelSelector, w.podLabels));
    return spreads || antiAffine
      ? []
      : [`has no topologySpreadConstraints or podAntiAffinity on ${SPREAD_KEYS.join(' or ')} that selects its own pods`];
  }, REPLICATED),
);

const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

const selectorMatches = manifestRule(
  {
    id: 'RR07-selector-matches-labels',
    description: "A workload's selector matches its pod template labels",
    why: 'apps/v1 rejects a selector that does not match the template, so this fails at apply, halfway through a release; the check moves the failure to the pull request. Advisory because the API server enforces it anyway',
    fix: 'make spec.selector.matchLabels a subset of spec.template.metadata.labels',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['RR07'],
  },
  perWorkload((w) => {
    const selector = valueAt(w.object, ['spec', 'selector']);
    if (selector === undefined) return ['spec.selector is unset'];
    return labelSelectorMatches(selector, w.podLabels)
      ? []
      : [`spec.selector ${labelsText(obj(obj(selector).matchLabels))} does not select the template labels ${labelsText(w.podLabels)}`];
  }, SELECTOR_KINDS),
);

const RECOMMENDED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];

const recommendedLabels = manifestRule(
  {
    id: 'RR07-recommended-labels',
    description: `Workloads and their pods carry the recommended labels ${RECOMMENDED_LABELS.join(', ')}`,
    why: 'dashboards, cost reports and kubectl queries group by these labels; without them a pod cannot be traced to its application, release or owner. Advisory: labels are conventions, not safety',
    fix: 'add the missing app.kubernetes.io labels to metadata.labels and the pod template labels',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['RR07'],
  },
  perWorkload((w) => {
    const missing = (labels: unknown) => RECOMMENDED_LABELS.filter((k) => !(k in obj(labels)));
    const out: string[] = [];
    const own = missing(w.object.metadata.labels);
    if (own.length > 0) out.push(`metadata.labels lack ${own.join(', ')}`);
    const pod = missing(w.podLabels);
    if (w.object.kind !== 'Pod' && pod.length > 0) out.push(`pod template labels lack ${pod.join(', ')}`);
    return out;
  }),
);

const barePods = manifestRule(
  {
    id: 'RR08-no-bare-pods',
    description: 'Pods and ReplicaSets are managed by a controller, never declared bare',
    why: 'a bare Pod is not rescheduled when its node goes away and cannot be rolled out; a bare ReplicaSet has no rollout or rollback: both turn routine node maintenance into outages',
    fix: 'declare a Deployment (or a Job for run-to-completion work) instead',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['RR08'],
  },
  (ctx) =>
    ctx.objects
      .filter((o) => (o.kind === 'Pod' || o.kind === 'ReplicaSet') && list(o.metadata.ownerReferences).length === 0)
      .map((o) => ({ object: objectId(o), message: `is a bare ${o.kind} with no controller` })),
);

/** Removed Kubernetes group versions and what replaces them. */
const REMOVED_APIS: Readonly<Record<string, string>> = {
  'extensions/v1beta1': 'apps/v1 or networking.k8s.io/v1 (removed in 1.22)',
  'apps/v1beta1': 'apps/v1 (removed in 1.16)',
  'apps/v1beta2': 'apps/v1 (removed in 1.16)',
  'policy/v1beta1': 'policy/v1 (removed in 1.25)',
  'autoscaling/v2beta1': 'autoscaling/v2 (removed in 1.25)',
  'autoscaling/v2beta2': 'autoscaling/v2 (removed in 1.26)',
  'batch/v1beta1': 'batch/v1 (removed in 1.25)',
  'networking.k8s.io/v1beta1': 'networking.k8s.io/v1 (removed in 1.22)',
  'discovery.k8s.io/v1beta1': 'discovery.k8s.io/v1 (removed in 1.25)',
  'rbac.authorization.k8s.io/v1beta1': 'rbac.authorization.k8s.io/v1 (removed in 1.22)',
  'rbac.authorization.k8s.io/v1alpha1': 'rbac.authorization.k8s.io/v1 (removed in 1.22)',
};
/** API groups Kubernetes itself serves (core is the empty group). */
const BUILTIN_GROUP = /^(|apps|batch|policy|autoscaling|extensions|[a-z0-9.-]+\.k8s\.io)$/;
/** Istio kinds served as v1 since Istio 1.22; their alpha/beta versions are deprecated. */
const ISTIO_V1_KINDS = new Set([
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'ServiceEntry',
  'Sidecar',
  'WorkloadEntry',
  'WorkloadGroup',
  'AuthorizationPolicy',
  'PeerAuthentication',
  'RequestAuthentication',
  'Telemetry',
]);
const PRE_GA = /^v\d+(alpha|beta)\d+$/;

function apiVersionProblem(o: ManifestObject): string | undefined {
  const slash = o.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  const version = o.apiVersion.slice(slash + 1);
  const removed = REMOVED_APIS[o.apiVersion];
  if (removed !== undefined) return `apiVersion ${o.apiVersion} is no longer served: use ${removed}`;
  if (BUILTIN_GROUP.test(group) && PRE_GA.test(version)) return `apiVersion ${o.apiVersion} is a pre-GA Kubernetes API`;
  if (group.endsWith('.istio.io') && ISTIO_V1_KINDS.has(o.kind) && version !== 'v1')
    return `apiVersion ${o.apiVersion} is deprecated: use ${group}/v1`;
  return undefined;
}

const apiVersions = manifestRule(
  {
    id: 'RR08-api-versions',
    description: 'Objects use GA API versions, not removed, alpha or beta ones',
    why: 'removed versions fail to apply after a cluster upgrade (GKE upgrades on its release channel without asking); alpha and beta APIs change or vanish between minor versions, and deprecated Istio versions are dropped on mesh upgrades',
    fix: 'move the object to the GA apiVersion named in the finding and check the fields that changed',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['RR08'],
  },
  (ctx) =>
    ctx.objects.flatMap((o) => {
      const problem = apiVersionProblem(o);
      return problem === undefined ? [] : [{ object: objectId(o), message: problem }];
    }),
);

/** Whether a container of the pod declares a port it listens on. */
function declaresPorts(w: Workload): boolean {
  return containersOf(w.pod, ['containers']).some(({ c }) => list(c.ports).length > 0);
}

/**
 * Whether the workload serves: a container declares a port, or a Service selects its pods.
 * A worker (a queue consumer, a load generator) does neither: nothing routes traffic to it,
 * so readiness gates nothing, and its liveness and Service rules have no port to act on.
 */
function serves(w: Workload, index: ObjectIndex): boolean {
  return declaresPorts(w) || selectedByServices(index).has(w);
}

/** The workloads some Service of their namespace selects, built once per run. */
const selectedByServices = perRun((index): ReadonlySet<Workload> => {
  const covered = new Set(
    index.ofKind('Service').flatMap((s) => {
      const selector = obj(valueAt(s, ['spec', 'selector']));
      if (Object.keys(selector).length === 0) return [];
      return index.selectWorkloads(namespaceOf(s), selector, (w) => serviceSelects(s, w.podLabels));
    }),
  );
  return covered;
});

const serviceForDeployment = manifestRule(
  {
    id: 'MC09-deployment-has-service',
    description: 'A Service selects the pods of each Deployment that declares a container port (workers without ports need none)',
    why: 'a Deployment no Service selects receives no traffic: usually a label drifted between the Service and a new version, and the version is dark while looking deployed (and Istio subsets routing to it fail with 503s)',
    fix: "make the Service's spec.selector a subset of the Deployment's pod template labels (usually app=<service>)",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['MC09'],
  },
  perWorkload(
    (w, _ctx, index) => {
      const found = selectedByServices(index).has(w);
      return found || !declaresPorts(w) ? [] : [`no Service in namespace ${w.namespace} selects its pod labels ${labelsText(w.podLabels)}`];
    },
    new Set(['Deployment']),
  ),
);

/** Reliability rules, in report order. */
export const reliabilityRules: readonly ManifestRule[] = [
  requests,
  memoryLimit,
  readinessProbe,
  livenessProbe,
  distinctProbes,
  minReplicas,
  fixedReplicasWithHpa,
  pdbPresent,
  pdbAllowsEviction,
  hpaTarget,
  hpaRange,
  topologySpread,
  selectorMatches,
  recommendedLabels,
  barePods,
  apiVersions,
  serviceForDeployment,
];
