/**
 * The CrossGuard side: every rule as a stack validation policy, so `pulumi preview
 * --policy-pack policies` enforces the same catalogue as `npm run policy`. Kubernetes
 * rules see the Kubernetes resources the program creates, GCP rules the GCP resources.
 *
 * Which environment the stack is (for profile rules and exceptions) is the policy config's
 * `environment`, else `PLATFORM_ENVIRONMENT` (the deploy workflow sets it next to `--stack`),
 * else dev. Its profile and allowed registries come from its stack files (`Pulumi.yaml` and
 * `Pulumi.<environment>.yaml`), read through the program's schema, unless the policy config
 * overrides them.
 */
import type { PolicyResource as CrossGuardResource, StackValidationPolicy } from '@pulumi/policy';
import type { ManifestObject } from '../charts/schema';
import { loadEnvironment } from '../core/config';
import { ENVIRONMENT_PROFILES, type EnvironmentProfile } from '../services/spec';
import { evaluate } from './engine';
import type { PolicyException } from './exceptions';
import { environmentContext, type PlatformEnvironment } from './platform';
import type { PolicyResource, Rule } from './types';

export interface PackSettings {
  readonly environment: string;
  readonly profile: EnvironmentProfile;
  readonly allowedRegistries: readonly string[];
}

/** What the environment's platform objects are built from, from its stack file (dev's for `pr-<N>`). */
function platformSettings(environment: string): PlatformEnvironment {
  return stackSettings(environment);
}

const CONFIG_SCHEMA = {
  properties: {
    environment: { type: 'string' as const },
    profile: { type: 'string' as const, enum: [...ENVIRONMENT_PROFILES] },
    allowedRegistries: { type: 'array' as const, items: { type: 'string' as const } },
  },
};

/** The stack file is read once per environment, not once per policy (the pack has one per rule). */
const stacks = new Map<string, ReturnType<typeof loadEnvironment>>();
function stackSettings(environment: string): ReturnType<typeof loadEnvironment> {
  const cached = stacks.get(environment);
  if (cached !== undefined) return cached;
  const loaded = loadEnvironment(environment);
  stacks.set(environment, loaded);
  return loaded;
}

/** The settings a policy runs with: explicit config first, then the stack's own file. */
export function packSettings(config: Partial<PackSettings>, env: NodeJS.ProcessEnv = process.env): PackSettings {
  const environment = config.environment ?? env.PLATFORM_ENVIRONMENT ?? 'dev';
  const needStack = config.profile === undefined || config.allowedRegistries === undefined;
  const stack = needStack ? stackSettings(environment) : undefined;
  return {
    environment,
    profile: config.profile ?? stack?.profile ?? 'dev',
    allowedRegistries: config.allowedRegistries ?? stack?.allowedRegistries ?? [],
  };
}

/** Kubernetes resources as manifest objects (their inputs are the manifests). */
export function manifestsOf(resources: readonly { type: string; props: Record<string, unknown> }[]): ManifestObject[] {
  return resources
    .filter(
      (r) =>
        r.type.startsWith('kubernetes:') &&
        !r.type.startsWith('kubernetes:helm') &&
        !r.type.startsWith('kubernetes:yaml') &&
        typeof r.props.kind === 'string',
    )
    .map((r) => r.props as unknown as ManifestObject);
}

/**
 * The Secrets the Pulumi program itself writes for the apps (the AppResources component's Redis
 * Secrets, infra/app-resources.ts): their URN's type chain names the component, which only the
 * program's own parentage produces (an app manifest is applied under the Apps component).
 */
export function programWrittenOf(resources: readonly { type: string; urn: string; props: Record<string, unknown> }[]): ManifestObject[] {
  return manifestsOf(resources.filter((r) => r.type === 'kubernetes:core/v1:Secret' && r.urn.includes(`${PROGRAM_WRITER}$`)));
}

/**
 * The resources split by the cluster their Kubernetes objects are applied to (the provider's
 * URN): each cluster's objects are one set for the manifest rules, so the same app applied to
 * two clusters (prod in two regions, docs/regions.md) is not one object twice. Every resource
 * that is not a Kubernetes object goes with each set; a stack without any is one set.
 */
export function clusterSets<T extends { type: string; provider?: string }>(resources: readonly T[]): T[][] {
  const others: T[] = [];
  const sets = new Map<string, T[]>();
  for (const r of resources) {
    if (!r.type.startsWith('kubernetes:')) {
      others.push(r);
      continue;
    }
    const key = r.provider ?? '';
    const set = sets.get(key);
    if (set === undefined) sets.set(key, [r]);
    else set.push(r);
  }
  return sets.size === 0 ? [others] : [...sets.values()].map((set) => [...set, ...others]);
}

/** The component type under which the program writes objects for the apps. */
const PROGRAM_WRITER = 'platform:apps:AppResources';

export function gcpResourcesOf(resources: readonly { type: string; name: string; props: Record<string, unknown> }[]): PolicyResource[] {
  return resources.filter((r) => r.type.startsWith('gcp:')).map((r) => ({ type: r.type, name: r.name, props: r.props }));
}

/** One CrossGuard policy per rule, with the rule's enforcement level. */
export function stackPolicies(rules: readonly Rule[], exceptions: readonly PolicyException[], today: string): StackValidationPolicy[] {
  return rules.map((rule) => ({
    name: rule.id.toLowerCase(),
    description: rule.description,
    enforcementLevel: rule.enforcement,
    severity: rule.severity,
    remediationSteps: rule.fix,
    tags: [...rule.catalogue],
    configSchema: CONFIG_SCHEMA,
    validateStack: (args, reportViolation) => {
      const settings = packSettings(args.getConfig<Partial<PackSettings>>());
      const resources = args.resources.map((r: CrossGuardResource) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props as Record<string, unknown>,
        ...(r.provider !== undefined && { provider: r.provider.urn }),
      }));
      const inputs =
        rule.target === 'manifests'
          ? clusterSets(resources).map((set) => ({
              manifests: environmentContext(manifestsOf(set), platformSettings(settings.environment), settings, programWrittenOf(set)),
            }))
          : [{ resources: { resources: gcpResourcesOf(resources), profile: settings.profile } }];
      // A violation in every cluster is reported once.
      const reported = new Set<string>();
      for (const input of inputs) {
        const report = evaluate([rule], input, { environment: settings.environment, exceptions, today });
        for (const v of report.violations) {
          const message = `${v.object}: ${v.message}. Fix: ${rule.fix}`;
          if (v.waivedBy === undefined && !reported.has(message)) {
            reported.add(message);
            reportViolation(message);
          }
        }
      }
    },
  }));
}
