/**
 * The one way to define a rule: its `RuleInfo` and a check. A manifest check gets the run's
 * shared indexes (`ObjectIndex`, built once per set of objects) beside the context, so it
 * looks related objects up instead of scanning the set.
 *
 * `perWorkload` and `perContainer` are the shapes most pod rules take.
 */
import type { ManifestObject } from '../../charts/schema';
import { indexOf, isJson, list, obj, type ContainerLike, type Json, type ObjectIndex, type PodSpecLike, type Workload } from '../objects';
import {
  objectId,
  type Finding,
  type ManifestContext,
  type ManifestRule,
  type ResourceContext,
  type ResourceRule,
  type RuleInfo,
} from '../types';

/** A rule over the manifests. */
export function manifestRule(info: RuleInfo, check: (ctx: ManifestContext, index: ObjectIndex) => Finding[]): ManifestRule {
  return { ...info, target: 'manifests', check: (ctx) => check(ctx, indexOf(ctx)) };
}

/** A rule over the resources a Pulumi program declares. */
export function resourceRule(info: RuleInfo, check: (ctx: ResourceContext) => Finding[]): ResourceRule {
  return { ...info, target: 'resources', check };
}

/** A finding on an object (named by its id) or on an id. */
export function finding(object: ManifestObject | string, message: string): Finding {
  return { object: typeof object === 'string' ? object : objectId(object), message };
}

// ---------------------------------------------------------------------------------------
// Pods and containers

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';
export const ALL_CONTAINERS: readonly ContainerField[] = ['initContainers', 'containers', 'ephemeralContainers'];
/** Ephemeral (debug) containers cannot set resources or a read-only root and are added at runtime. */
export const DECLARED_CONTAINERS: readonly ContainerField[] = ['initContainers', 'containers'];
const CONTAINER_LABEL: Readonly<Record<ContainerField, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

export interface ContainerRef {
  readonly c: ContainerLike;
  /** `container "app"`, `init container "setup"`: how messages name it. */
  readonly label: string;
}

export function containersOf(pod: PodSpecLike, fields: readonly ContainerField[]): ContainerRef[] {
  return fields.flatMap((field) =>
    list(pod[field])
      .filter(isJson)
      .map((c) => ({
        c,
        label: `${CONTAINER_LABEL[field]} "${typeof c.name === 'string' ? c.name : '?'}"`,
      })),
  );
}

/** A container's securityContext. */
export function sc(c: ContainerLike): Json {
  return obj(c.securityContext);
}

/** A pod's securityContext. */
export function podSc(pod: PodSpecLike): Json {
  return obj(pod.securityContext);
}

type WorkloadCheck = (w: Workload, ctx: ManifestContext, index: ObjectIndex) => readonly string[];

/** Findings from a check of each workload (kinds: only those kinds). */
export function perWorkload(check: WorkloadCheck, kinds?: ReadonlySet<string>) {
  return (ctx: ManifestContext, index: ObjectIndex = indexOf(ctx)): Finding[] =>
    index.workloads
      .filter((w) => kinds === undefined || kinds.has(w.object.kind))
      .flatMap((w) => check(w, ctx, index).map((message) => ({ object: w.id, message })));
}

/** Findings from a check of each container of each workload, prefixed with the container. */
export function perContainer(
  fields: readonly ContainerField[],
  check: (c: ContainerLike, w: Workload, ctx: ManifestContext, index: ObjectIndex) => readonly string[],
  kinds?: ReadonlySet<string>,
) {
  return perWorkload(
    (w, ctx, index) => containersOf(w.pod, fields).flatMap(({ c, label }) => check(c, w, ctx, index).map((m) => `${label}: ${m}`)),
    kinds,
  );
}

/** Rules that only hold in the environments users depend on. */
export function stagingOrProd(ctx: ManifestContext): boolean {
  return ctx.profile === 'staging' || ctx.profile === 'prod';
}
