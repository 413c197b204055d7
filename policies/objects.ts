/**
 * The one set of readers every manifest rule uses, and the per-run indexes they look
 * objects up in. Input can be any YAML, so every field is type-checked before use.
 *
 * One rule for namespaces: an object that names none is in `default`, where `kubectl apply`
 * with a context that sets no namespace, and the Pulumi Kubernetes provider without a
 * default namespace, create it. Reports still name objects as written (`objectId`), so
 * exceptions keep matching.
 *
 * Indexes are built once per run (`indexOf`, memoised on the context), so a
 * rule that relates objects (a PDB and its pods, a Service and its Deployment) looks them
 * up instead of scanning the set once per object: every rule stays linear.
 */
import type { ManifestObject } from '../charts/schema';
import { objectId, type ManifestContext } from './types';
import { asList, asString, isRecord } from '../core/json';

// ---------------------------------------------------------------------------------------
// Reading any YAML safely

export type Json = Record<string, unknown>;

export const isJson: (v: unknown) => v is Json = isRecord;

/** The value if it is a mapping, else `{}`. */
export function obj(v: unknown): Json {
  return isJson(v) ? v : {};
}

/** The value if it is a list, else `[]`. */
export const list = asList;

/** The mappings of a list (other entries dropped). */
export function items(v: unknown): Json[] {
  return list(v).filter(isJson);
}

export function strings(v: unknown): string[] {
  return list(v).filter((s): s is string => typeof s === 'string');
}

export const str = asString;

/** A value as a message shows it: strings as they are, anything else as JSON. */
export function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The value at a path of mapping keys, or undefined. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => (isJson(v) ? v[k] : undefined), value);
}

/** A label map; YAML scalars (`inject: true`) are compared as the strings Kubernetes would need. */
export function labelMap(v: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj(v))
      .filter(([, x]) => ['string', 'number', 'boolean'].includes(typeof x))
      .map(([k, x]) => [k, String(x)]),
  );
}

/** `k=v,k=v`, or `''` for no labels. */
export function formatLabels(labels: Readonly<Record<string, unknown>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(',');
}

/** `k=v,k=v`, or `{}` for no labels. */
export function labelsText(labels: Readonly<Record<string, unknown>>): string {
  return formatLabels(labels) || '{}';
}

// ---------------------------------------------------------------------------------------
// Objects

/** Namespace of an object that names none (see the top of this file). */
export const DEFAULT_NAMESPACE = 'default';

export function namespaceOf(o: ManifestObject): string {
  return o.metadata.namespace ?? DEFAULT_NAMESPACE;
}

export function nameOf(o: ManifestObject): string {
  return o.metadata.name;
}

/** The API group (`''` for the core group), without the version. */
export function apiGroupOf(o: ManifestObject): string {
  const slash = o.apiVersion.indexOf('/');
  return slash < 0 ? '' : o.apiVersion.slice(0, slash);
}

export function specOf(o: ManifestObject): Json {
  return obj(o.spec);
}

/** How reports name a namespace, whether or not its Namespace object is in the set. */
export function namespaceId(ns: string): string {
  return objectId({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}

// ---------------------------------------------------------------------------------------
// Selectors

/**
 * A Kubernetes LabelSelector (matchLabels and matchExpressions). An empty selector selects
 * every pod; a missing one (not a mapping) selects none. YAML scalars compare as strings.
 */
export function labelSelectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isJson(selector)) return false;
  const { matchLabels, matchExpressions } = selector;
  const pairs = typeof matchLabels === 'object' && matchLabels !== null ? Object.entries(matchLabels) : [];
  if (!pairs.every(([k, v]) => labels[k] === String(v))) return false;
  return items(matchExpressions).every((e) => {
    const key = String(e.key);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In':
        return has && values.includes(labels[key]);
      case 'NotIn':
        return !has || !values.includes(labels[key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** Whether a LabelSelector selects every pod (`{}`), exactly as `labelSelectorMatches` reads it. */
export function selectsEveryPod(selector: unknown): boolean {
  if (!isJson(selector)) return false;
  const { matchLabels } = selector;
  const pairs = typeof matchLabels === 'object' && matchLabels !== null ? Object.keys(matchLabels).length : 0;
  return pairs === 0 && items(selector.matchExpressions).length === 0;
}

/** A plain map selector (Istio `matchLabels`, a Sidecar's `labels`): every pair is on the pod; `{}` selects every pod. */
export function labelsMatch(selector: Readonly<Record<string, string>>, pod: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([k, v]) => pod[k] === v);
}

// ---------------------------------------------------------------------------------------
// Pods

/** The subset of a PodSpec the rules read; everything optional because input is any YAML. */
export interface PodSpecLike {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  ephemeralContainers?: ContainerLike[];
  volumes?: Array<Record<string, unknown>>;
  topologySpreadConstraints?: Array<Record<string, unknown>>;
  affinity?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ContainerLike {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
  lifecycle?: Record<string, unknown>;
  ports?: Array<Record<string, unknown>>;
  env?: Array<{ name?: string; value?: unknown; valueFrom?: unknown }>;
  [key: string]: unknown;
}

/** An object that runs pods, with its pod spec. */
export interface Workload {
  readonly object: ManifestObject;
  /** `Kind/namespace/name`, as reports name it. */
  readonly id: string;
  /** `namespaceOf(object)`. */
  readonly namespace: string;
  readonly pod: PodSpecLike;
  /** Labels on the pod template (or the Pod). */
  readonly podLabels: Record<string, string>;
  /** The pod template's metadata (labels, annotations), or the Pod's own. */
  readonly podMetadata: Json;
}

/** Where each pod-bearing kind keeps its pod spec. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The workload view of one object, or undefined when it runs no pods. */
export function workloadOf(object: ManifestObject): Workload | undefined {
  const path = POD_SPEC_PATHS[object.kind];
  if (path === undefined) return undefined;
  const pod = valueAt(object, path);
  if (!isJson(pod)) return undefined;
  const metadata = obj(object.kind === 'Pod' ? object.metadata : valueAt(object, [...path.slice(0, -1), 'metadata']));
  return {
    object,
    id: objectId(object),
    namespace: namespaceOf(object),
    pod,
    podLabels: obj(metadata.labels) as Record<string, string>,
    podMetadata: metadata,
  };
}

/** Every object that runs pods, with its pod spec, in input order. */
export function workloads(objects: readonly ManifestObject[]): Workload[] {
  return objects.flatMap((o) => workloadOf(o) ?? []);
}

/** All containers of a pod, init and ephemeral ones included. */
export function allContainers(pod: PodSpecLike): ContainerLike[] {
  return [...list(pod.initContainers), ...list(pod.containers), ...list(pod.ephemeralContainers)].filter(isJson);
}

// ---------------------------------------------------------------------------------------
// Per-run indexes

/** The indexes of one set of objects; build with `indexOf`. */
export interface ObjectIndex {
  readonly objects: readonly ManifestObject[];
  readonly workloads: readonly Workload[];
  /** Namespaces that run pods, sorted. */
  readonly namespaces: readonly string[];
  /** Objects of a kind, in input order; with `group`, only those of that API group (`''` is core). */
  ofKind(kind: string, group?: string): readonly ManifestObject[];
  /** The first object of the kind with that namespace and name (any API group). */
  find(kind: string, namespace: string, name: string): ManifestObject | undefined;
  /** Workloads of a namespace, in input order. */
  workloadsIn(namespace: string): readonly Workload[];
  /**
   * Workloads whose pod labels `matches` accepts, in input order, among those of `namespace`
   * (or of every namespace when undefined). `required` are pairs every match has (a selector's
   * matchLabels): the candidates are looked up by the rarest of them, not scanned.
   */
  selectWorkloads(
    namespace: string | undefined,
    required: Readonly<Record<string, unknown>>,
    matches: (w: Workload) => boolean,
  ): Workload[];
}

const ALL_NAMESPACES = '\u0000all';

function bucketKey(namespace: string, key: string, value: unknown): string {
  return `${namespace}\u0000${key}=${String(value)}`;
}

/** Appends to the list under a key, creating it. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const bucket = map.get(key);
  if (bucket === undefined) map.set(key, [value]);
  else bucket.push(value);
}

function buildIndex(objects: readonly ManifestObject[]): ObjectIndex {
  const byKind = new Map<string, ManifestObject[]>();
  const byName = new Map<string, ManifestObject>();
  for (const o of objects) {
    push(byKind, o.kind, o);
    const key = `${o.kind}\u0000${namespaceOf(o)}\u0000${o.metadata.name}`;
    if (!byName.has(key)) byName.set(key, o);
  }
  const all = workloads(objects);
  const byNamespace = new Map<string, Workload[]>();
  const byLabel = new Map<string, Workload[]>();
  for (const w of all) {
    push(byNamespace, w.namespace, w);
    for (const [k, v] of Object.entries(obj(w.podLabels))) {
      push(byLabel, bucketKey(w.namespace, k, v), w);
      push(byLabel, bucketKey(ALL_NAMESPACES, k, v), w);
    }
  }
  return {
    objects,
    workloads: all,
    namespaces: [...byNamespace.keys()].sort(),
    ofKind: (kind, group) => {
      const found = byKind.get(kind) ?? [];
      return group === undefined ? found : found.filter((o) => apiGroupOf(o) === group);
    },
    find: (kind, namespace, name) => byName.get(`${kind}\u0000${namespace}\u0000${name}`),
    workloadsIn: (namespace) => byNamespace.get(namespace) ?? [],
    selectWorkloads: (namespace, required, matches) => {
      let candidates: readonly Workload[] = namespace === undefined ? all : (byNamespace.get(namespace) ?? []);
      for (const [k, v] of Object.entries(required)) {
        const bucket = byLabel.get(bucketKey(namespace ?? ALL_NAMESPACES, k, v)) ?? [];
        if (bucket.length < candidates.length) candidates = bucket;
      }
      return candidates.filter(matches);
    },
  };
}

const indexes = new WeakMap<Pick<ManifestContext, 'objects'>, ObjectIndex>();

/**
 * The indexes of the context's objects, built on first use and shared by every rule run on
 * that context (`evaluate` runs all rules on one). Keyed by the context, not the objects: a
 * new context (a new run) after the objects changed gets fresh indexes.
 */
export function indexOf(ctx: Pick<ManifestContext, 'objects'>): ObjectIndex {
  const cached = indexes.get(ctx);
  if (cached !== undefined) return cached;
  const index = buildIndex(ctx.objects);
  indexes.set(ctx, index);
  return index;
}

/** The workloads a Kubernetes LabelSelector selects in a namespace, through the index. */
export function workloadsSelectedBy(index: ObjectIndex, namespace: string, selector: unknown): Workload[] {
  return index.selectWorkloads(namespace, obj(obj(selector).matchLabels), (w) => labelSelectorMatches(selector, w.podLabels));
}

/**
 * A view derived from the index (routes by parent Gateway, ...), built on first use and shared
 * by every rule of the run: a rule file keeps its own derived lookups without scanning per object.
 */
export function perRun<T>(build: (index: ObjectIndex) => T): (index: ObjectIndex) => T {
  const cache = new WeakMap<ObjectIndex, T>();
  return (index) => {
    const cached = cache.get(index);
    if (cached !== undefined) return cached;
    const built = build(index);
    cache.set(index, built);
    return built;
  };
}

const namespaceLabelMaps = perRun(
  (index) => new Map(index.ofKind('Namespace', '').map((n) => [n.metadata.name, labelMap(n.metadata.labels)])),
);

/**
 * The labels a namespaceSelector sees on a namespace: those of its Namespace in the set, plus
 * `kubernetes.io/metadata.name`, which the API server sets on every namespace.
 */
export function namespaceLabelsOf(index: ObjectIndex, namespace: string): Record<string, string> {
  return { ...namespaceLabelMaps(index).get(namespace), 'kubernetes.io/metadata.name': namespace };
}
