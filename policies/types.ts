/**
 * The policy model: one rule set, run over the synthesized manifests and over the
 * resources the Pulumi program declares (offline under mocks, or by CrossGuard).
 */
import type { ManifestObject } from '../charts/schema';
import type { EnvironmentProfile } from '../services/spec';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
/** mandatory: a violation fails the check (and `pulumi preview`); advisory: reported only. */
export type Enforcement = 'mandatory' | 'advisory';

export interface RuleInfo {
  /** Stable id, e.g. `PS02-privileged`; exceptions name it. */
  readonly id: string;
  /** One line: what the rule requires. */
  readonly description: string;
  /** Why it matters (for the report and docs/policies.md). */
  readonly why: string;
  /** How to fix a violation. */
  readonly fix: string;
  readonly severity: Severity;
  readonly enforcement: Enforcement;
  /** Entries of ../shared/POLICY-CATALOGUE.md the rule implements (PS01, RR02, ...). */
  readonly catalogue: readonly string[];
}

/** One broken rule on one object. */
export interface Finding {
  /** `Kind/namespace/name` for manifests, the Pulumi resource name for infrastructure. */
  readonly object: string;
  /** What is wrong, with the value found. */
  readonly message: string;
}

export interface ManifestContext {
  readonly objects: readonly ManifestObject[];
  /** Rules that depend on the environment (digests, replicas) read the profile. */
  readonly profile: EnvironmentProfile;
  /** Image prefixes images may come from. */
  readonly allowedRegistries: readonly string[];
  /**
   * The objects the platform itself deploys for this environment (charts `platformObjects`:
   * the load balancer hop's edge Gateway). A rule's documented exception for one of them
   * applies only to an object of the set that is exactly it (same id and spec).
   * @default - none: no exception applies
   */
  readonly platformObjects?: readonly ManifestObject[];
}

export interface ManifestRule extends RuleInfo {
  readonly target: 'manifests';
  check(ctx: ManifestContext): Finding[];
}

/** A Pulumi resource as both CrossGuard and the mock recording see it. */
export interface PolicyResource {
  /** Type token, e.g. `gcp:container/cluster:Cluster`. */
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
}

export interface ResourceContext {
  readonly resources: readonly PolicyResource[];
  readonly profile: EnvironmentProfile;
}

export interface ResourceRule extends RuleInfo {
  readonly target: 'resources';
  check(ctx: ResourceContext): Finding[];
}

export type Rule = ManifestRule | ResourceRule;

/** `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects). */
export function objectId(obj: ManifestObject): string {
  return obj.metadata.namespace === undefined
    ? `${obj.kind}/${obj.metadata.name}`
    : `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`;
}
