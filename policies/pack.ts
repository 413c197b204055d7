/**
 * The CrossGuard side: every rule as a stack validation policy, so `pulumi preview
 * --policy-pack policies` enforces the same catalogue as `npm run policy`. Kubernetes
 * rules see the Kubernetes resources the program creates, GCP rules the GCP resources.
 *
 * Which environment the stack is (for profile rules and exceptions) comes from the policy
 * config: `--policy-pack-config policies/config.<env>.json`; dev when none is given.
 */
import type { PolicyResource as CrossGuardResource, StackValidationPolicy } from '@pulumi/policy';
import type { ManifestObject } from '../charts/schema';
import { ENVIRONMENT_PROFILES, type EnvironmentProfile } from '../services/spec';
import { evaluate } from './engine';
import type { PolicyException } from './exceptions';
import type { PolicyResource, Rule } from './types';

export interface PackSettings {
  readonly environment: string;
  readonly profile: EnvironmentProfile;
  readonly allowedRegistries: readonly string[];
}

const CONFIG_SCHEMA = {
  properties: {
    environment: { type: 'string' as const, default: 'dev' },
    profile: { type: 'string' as const, enum: [...ENVIRONMENT_PROFILES], default: 'dev' },
    allowedRegistries: { type: 'array' as const, items: { type: 'string' as const }, default: [] as string[] },
  },
};

/** Kubernetes resources as manifest objects (their inputs are the manifests). */
export function manifestsOf(resources: readonly { type: string; props: Record<string, unknown> }[]): ManifestObject[] {
  return resources
    .filter((r) => r.type.startsWith('kubernetes:') && !r.type.startsWith('kubernetes:helm') && !r.type.startsWith('kubernetes:yaml') && typeof r.props.kind === 'string')
    .map((r) => r.props as unknown as ManifestObject);
}

export function gcpResourcesOf(resources: readonly { type: string; name: string; props: Record<string, unknown> }[]): PolicyResource[] {
  return resources.filter((r) => r.type.startsWith('gcp:')).map((r) => ({ type: r.type, name: r.name, props: r.props }));
}

/** One CrossGuard policy per rule, with the rule's enforcement level. */
export function stackPolicies(rules: readonly Rule[], exceptions: readonly PolicyException[], today: string): StackValidationPolicy[] {
  return rules.map((rule) => ({
    name: rule.id.toLowerCase(),
    description: rule.description,
    enforcementLevel: rule.enforcement,
    configSchema: CONFIG_SCHEMA,
    validateStack: (args, reportViolation) => {
      const settings = args.getConfig<PackSettings>();
      const resources = args.resources.map((r: CrossGuardResource) => ({ type: r.type, name: r.name, props: r.props as Record<string, unknown> }));
      const input = rule.target === 'manifests'
        ? { manifests: { objects: manifestsOf(resources), profile: settings.profile, allowedRegistries: settings.allowedRegistries } }
        : { resources: { resources: gcpResourcesOf(resources), profile: settings.profile } };
      const report = evaluate([rule], input, { environment: settings.environment, exceptions, today });
      for (const v of report.violations) {
        if (v.waivedBy === undefined) reportViolation(`${v.object}: ${v.message}. Fix: ${rule.fix}`);
      }
    },
  }));
}
