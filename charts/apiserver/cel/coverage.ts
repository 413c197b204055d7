/**
 * What the CEL check covers, per CRD and served version: how many rules there are, how many
 * run, how many are transition rules (updates only), and which are not checked and why.
 */
import { allRules } from './compile';
import { knownCrds, ruleTree } from './crds';

export interface RuleGap {
  readonly schemaPath: string;
  readonly rule: string;
  readonly reason: string;
}

export interface CelCoverage {
  readonly crd: string;
  readonly version: string;
  readonly total: number;
  readonly checked: number;
  /** Transition rules (`oldSelf`): they apply to updates only, so never on create. */
  readonly transitionOnly: number;
  readonly notChecked: readonly RuleGap[];
}

/** Coverage of every served version of every known CRD (compiles them all: for reports and tests, not the hot path). */
export function celCoverage(): CelCoverage[] {
  return knownCrds().flatMap((crd) =>
    Object.keys(crd.versions)
      .sort()
      .map((version) => {
        const rules = allRules(ruleTree({ crd, version }));
        const gaps = rules.filter((r) => r.notChecked !== undefined);
        const transition = rules.filter((r) => r.notChecked === undefined && r.transition);
        return {
          crd: crd.name,
          version,
          total: rules.length,
          checked: rules.length - gaps.length - transition.length,
          transitionOnly: transition.length,
          notChecked: gaps.map((r) => ({ schemaPath: r.schemaPath, rule: r.rule.rule, reason: r.notChecked! })),
        };
      }),
  );
}
