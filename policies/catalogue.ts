/** Every rule, in report order. The README's policy table is generated from this list. */
import { gcpRules } from './rules/gcp';
import { inputRules } from './rules/input';
import { meshRules } from './rules/mesh';
import { rbacRules } from './rules/rbac';
import { workloadRules } from './rules/workloads';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [...workloadRules, ...rbacRules, ...meshRules, ...gcpRules, ...inputRules];

export function ruleIds(): ReadonlySet<string> {
  return new Set(RULES.map((r) => r.id));
}
