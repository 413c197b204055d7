/** Every rule, in report order. The README's policy table is generated from this list. */
import type { Rule } from './types';

export const RULES: readonly Rule[] = [];

export function ruleIds(): ReadonlySet<string> {
  return new Set(RULES.map((r) => r.id));
}
