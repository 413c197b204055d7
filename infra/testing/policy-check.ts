/** The policy catalogue over what a stack declares under mocks, as the stack tests check it. */
import * as path from 'node:path';
import { RULES, ruleIds } from '../../policies/catalogue';
import { blocking, evaluate, type Violation } from '../../policies/engine';
import { loadExceptions } from '../../policies/exceptions';
import { stackPolicies } from '../../policies/pack';
import type { EnvironmentProfile } from '../../services/spec';
import { loadEnvironment } from '../../core/config';
import type { Recording } from '../offline/engine';

/** As CrossGuard hands them over: a resource's provider by its URN (the recording keeps `<urn>::<id>`). */
function resources(recording: Recording) {
  return recording.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.inputs,
    ...(r.provider !== undefined && { provider: { urn: r.provider.slice(0, r.provider.lastIndexOf('::')) } }),
  }));
}

/** Every mandatory rule through the CrossGuard pack's validateStack, on all resources, with the pack's exceptions: `<policy>: <message>`. */
export function mandatoryPackViolations(recording: Recording, stack: string, profile: EnvironmentProfile): string[] {
  const config = { environment: stack, profile, allowedRegistries: loadEnvironment(stack).allowedRegistries };
  const violations: string[] = [];
  for (const policy of stackPolicies(
    RULES.filter((r) => r.enforcement === 'mandatory'),
    // As policies/index.ts loads them for `pulumi preview --policy-pack policies`.
    loadExceptions(path.join(__dirname, '..', '..', 'policies', 'exceptions.yaml'), ruleIds()),
    '2026-11-23',
  )) {
    const validate = policy.validateStack as (args: unknown, report: (message: string) => void) => void;
    validate({ resources: resources(recording), stackTags: new Map(), getConfig: () => config }, (m) =>
      violations.push(`${policy.name}: ${m}`),
    );
  }
  return violations;
}

/** The GCP rules on the GCP resources: unwaived blocking violations, and every finding as `<rule> <object>`. */
export function gcpFindings(
  recording: Recording,
  stack: string,
  profile: EnvironmentProfile,
): { blocking: Violation[]; findings: string[] } {
  const gcp = resources(recording).filter((r) => r.type.startsWith('gcp:'));
  const report = evaluate(RULES, { resources: { resources: gcp, profile } }, { environment: stack, exceptions: [], today: '2026-11-23' });
  return { blocking: blocking(report), findings: report.violations.map((v) => `${v.rule.id} ${v.object}`) };
}
