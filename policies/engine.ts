/**
 * Runs rules, applies exceptions and gives the verdict. The manifest runner, the offline
 * infrastructure check and the CrossGuard pack all go through `evaluate`.
 */
import { appliesTo, isExpired, type PolicyException } from './exceptions';
import type { Finding, ManifestContext, ResourceContext, Rule, RuleInfo } from './types';

export interface Violation extends Finding {
  readonly rule: RuleInfo;
  /** The exception that waives it, if any (expired ones do not). */
  readonly waivedBy?: PolicyException;
}

export interface Report {
  readonly environment: string;
  readonly violations: readonly Violation[];
  /** Exceptions for this environment that matched nothing: stale, delete them. */
  readonly unusedExceptions: readonly PolicyException[];
  /** Exceptions past their date: they waive nothing any more. */
  readonly expiredExceptions: readonly PolicyException[];
  /** Rules evaluated. */
  readonly rulesRun: number;
}

export interface EvaluateOptions {
  readonly environment: string;
  readonly exceptions: readonly PolicyException[];
  /** `YYYY-MM-DD`; injectable so tests do not depend on the clock. */
  readonly today: string;
}

export function evaluate(
  rules: readonly Rule[],
  input: { manifests?: ManifestContext; resources?: ResourceContext },
  options: EvaluateOptions,
): Report {
  const exceptions = options.exceptions.filter((e) => appliesTo(e, options.environment));
  const expired = exceptions.filter((e) => isExpired(e, options.today));
  const live = exceptions.filter((e) => !isExpired(e, options.today));
  const used = new Set<PolicyException>();
  const violations: Violation[] = [];
  let rulesRun = 0;
  for (const rule of rules) {
    const findings =
      rule.target === 'manifests'
        ? input.manifests === undefined
          ? undefined
          : rule.check(input.manifests)
        : input.resources === undefined
          ? undefined
          : rule.check(input.resources);
    if (findings === undefined) continue;
    rulesRun++;
    for (const f of findings) {
      const waiver = live.find((e) => e.rule === rule.id && e.object === f.object);
      if (waiver !== undefined) used.add(waiver);
      violations.push({ ...f, rule, ...(waiver !== undefined && { waivedBy: waiver }) });
    }
  }
  // An exception is "unused" only for the inputs that were checked: a manifest waiver is not
  // stale just because this run looked at infrastructure.
  const checkedIds = new Set(
    rules.filter((r) => (r.target === 'manifests' ? input.manifests : input.resources) !== undefined).map((r) => r.id),
  );
  return {
    environment: options.environment,
    violations,
    unusedExceptions: live.filter((e) => !used.has(e) && checkedIds.has(e.rule)),
    expiredExceptions: expired.filter((e) => checkedIds.has(e.rule)),
    rulesRun,
  };
}

/** Fails on an unwaived mandatory violation or an expired exception. */
export function passed(report: Report): boolean {
  return blocking(report).length === 0 && report.expiredExceptions.length === 0;
}

export function blocking(report: Report): Violation[] {
  return report.violations.filter((v) => v.rule.enforcement === 'mandatory' && v.waivedBy === undefined);
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
