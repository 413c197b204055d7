/** Reading pod specs out of any workload kind, for the rules that check pods. */
import type { ManifestObject } from '../../charts/schema';
import { objectId } from '../types';

/** The subset of a PodSpec the rules read; everything optional because input is any YAML. */
export interface PodSpecLike {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  serviceAccountName?: string;
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

export interface Workload {
  readonly object: ManifestObject;
  /** `Kind/namespace/name`, as reports name it. */
  readonly id: string;
  readonly pod: PodSpecLike;
  /** Labels on the pod template (or the Pod). */
  readonly podLabels: Record<string, string>;
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

function at(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

/** Every object that runs pods, with its pod spec. */
export function workloads(objects: readonly ManifestObject[]): Workload[] {
  const out: Workload[] = [];
  for (const object of objects) {
    const path = TEMPLATE_PATHS[object.kind];
    if (path === undefined) continue;
    const pod = at(object, path);
    if (typeof pod !== 'object' || pod === null) continue;
    const labelsPath = object.kind === 'Pod' ? ['metadata', 'labels'] : [...path.slice(0, -1), 'metadata', 'labels'];
    out.push({ object, id: objectId(object), pod: pod as PodSpecLike, podLabels: (at(object, labelsPath) ?? {}) as Record<string, string> });
  }
  return out;
}

/** All containers of a pod, init and ephemeral ones included. */
export function allContainers(pod: PodSpecLike): ContainerLike[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
}

/** The pod template's metadata (labels, annotations), or the Pod's own. */
export function podMetadata(w: Workload): Record<string, unknown> {
  const path = w.object.kind === 'Pod' ? ['metadata'] : [...(TEMPLATE_PATHS[w.object.kind] ?? []).slice(0, -1), 'metadata'];
  const meta = at(w.object, path);
  return typeof meta === 'object' && meta !== null ? meta as Record<string, unknown> : {};
}

/**
 * A Kubernetes LabelSelector (matchLabels and matchExpressions). An empty selector selects
 * every pod; a missing one (not an object) selects none. YAML scalars compare as strings.
 */
export function labelSelectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) return false;
  const { matchLabels, matchExpressions } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const pairs = typeof matchLabels === 'object' && matchLabels !== null ? Object.entries(matchLabels) : [];
  if (!pairs.every(([k, v]) => labels[k] === String(v))) return false;
  const expressions = Array.isArray(matchExpressions) ? matchExpressions.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [];
  return expressions.every((e) => {
    const key = String(e.key);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    switch (e.operator) {
      case 'In': return has && values.includes(labels[key]);
      case 'NotIn': return !has || !values.includes(labels[key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

export { at as valueAt };
