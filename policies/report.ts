/**
 * The reports of a policy run: text for people, JSON for tools (the manifest diff reads
 * it), SARIF for code scanning (policies/sarif.ts). One run may hold several checks
 * (`npm run policy -- dev --infra`: the manifests, then the infrastructure).
 */
import { blocking, passed, type Report, type Violation } from './engine';
import type { PolicyException } from './exceptions';
import { describeLocation, type InputNote, type SourceLocation } from './manifest-input';

/** One check: a report and what the runner knows about its input. */
export interface PolicyCheck {
  /** `Policy check of the dev manifests`. */
  readonly title: string;
  readonly report: Report;
  /** What was checked: Kubernetes manifests or the Pulumi program's resources. */
  readonly target: 'manifests' | 'resources';
  /** The file that stands for the input where an object's own location is unknown (`Pulumi.dev.yaml`). @default none */
  readonly source?: string;
  /** Documents of the input that were not checked, and why. @default none */
  readonly notes?: readonly InputNote[];
  /** Where each object (by the id findings name it with) was read. @default unknown */
  readonly locations?: ReadonlyMap<string, readonly SourceLocation[]>;
}

export type Verdict = 'PASS' | 'FAIL';

export const verdictOf = (report: Report): Verdict => (passed(report) ? 'PASS' : 'FAIL');

function counts(report: Report): { mandatory: number; advisory: number; waived: number } {
  return {
    mandatory: blocking(report).length,
    advisory: report.violations.filter((v) => v.rule.enforcement === 'advisory' && v.waivedBy === undefined).length,
    waived: report.violations.filter((v) => v.waivedBy !== undefined).length,
  };
}

const at = (l: SourceLocation): string => `${l.file}:${l.line}`;

/** The human report: violations grouped by object (with where it was read), then rule, each with the fix; then skipped documents. */
export function formatReport(report: Report, title: string, input: Pick<PolicyCheck, 'notes' | 'locations'> = {}): string {
  const lines: string[] = [];
  const byObject = new Map<string, Violation[]>();
  for (const v of report.violations) byObject.set(v.object, [...(byObject.get(v.object) ?? []), v]);
  for (const object of [...byObject.keys()].sort()) {
    const where = input.locations?.get(object);
    lines.push(where === undefined || where.length === 0 ? object : `${object} (${where.map(at).join(', ')})`);
    for (const v of byObject.get(object) ?? []) {
      const tag = v.waivedBy !== undefined ? 'waived' : v.rule.enforcement === 'mandatory' ? 'FAIL' : 'warn';
      lines.push(`  [${tag}] ${v.rule.id} (${v.rule.severity}): ${v.message}`);
      lines.push(
        v.waivedBy !== undefined
          ? `         waived: ${v.waivedBy.reason}${v.waivedBy.expires ? ` (until ${v.waivedBy.expires})` : ''}`
          : `         fix: ${v.rule.fix}`,
      );
    }
  }
  for (const e of report.expiredExceptions)
    lines.push(
      `[FAIL] exception for ${e.rule} on ${e.object} expired on ${e.expires}: fix the object or renew the exception with a new reason`,
    );
  for (const e of report.unusedExceptions)
    lines.push(`[warn] exception for ${e.rule} on ${e.object} (${e.environment}) matched nothing: delete it`);
  const notes = input.notes ?? [];
  if (notes.length > 0) {
    lines.push(`Skipped ${notes.length} document${notes.length === 1 ? '' : 's'} (not checked):`);
    for (const n of notes) lines.push(`  ${describeLocation(n.at)}: ${n.note}`);
  }
  const c = counts(report);
  lines.unshift(
    `${title}: ${verdictOf(report)} (${report.rulesRun} rules; ${c.mandatory} mandatory violations, ${c.advisory} advisory, ${c.waived} waived)`,
  );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------
// JSON

/** Version of the JSON shape; raised on any change a reader could notice. */
export const JSON_REPORT_VERSION = 1;

export interface JsonLocation {
  readonly file: string;
  readonly line: number;
  readonly document: number;
  readonly item?: string;
}

export interface JsonException {
  readonly rule: string;
  readonly object: string;
  readonly environment: string;
  readonly reason: string;
  readonly expires: string | null;
}

export interface JsonViolation {
  readonly rule: string;
  readonly severity: string;
  readonly enforcement: string;
  readonly object: string;
  readonly message: string;
  readonly fix: string;
  /** The exception that waives it, or null. */
  readonly waiver: JsonException | null;
  /** Where the object was read (empty when not from files). */
  readonly locations: readonly JsonLocation[];
}

export interface JsonCheck {
  readonly title: string;
  readonly target: 'manifests' | 'resources';
  readonly environment: string;
  readonly verdict: Verdict;
  readonly rulesRun: number;
  readonly counts: { readonly mandatory: number; readonly advisory: number; readonly waived: number };
  readonly violations: readonly JsonViolation[];
  readonly notes: ReadonlyArray<JsonLocation & { readonly note: string }>;
  readonly exceptions: { readonly expired: readonly JsonException[]; readonly unused: readonly JsonException[] };
}

/** `npm run policy -- --format json`: documented in docs/policies.md ("The JSON report"). */
export interface JsonReport {
  readonly version: typeof JSON_REPORT_VERSION;
  /** FAIL when any check fails. */
  readonly verdict: Verdict;
  readonly checks: readonly JsonCheck[];
}

const jsonLocation = (l: SourceLocation): JsonLocation => ({
  file: l.file,
  line: l.line,
  document: l.document,
  ...(l.item !== undefined && { item: l.item }),
});

const jsonException = (e: PolicyException): JsonException => ({
  rule: e.rule,
  object: e.object,
  environment: e.environment,
  reason: e.reason,
  expires: e.expires ?? null,
});

export function jsonReport(checks: readonly PolicyCheck[]): JsonReport {
  return {
    version: JSON_REPORT_VERSION,
    verdict: checks.every((c) => passed(c.report)) ? 'PASS' : 'FAIL',
    checks: checks.map(({ title, target, report, notes = [], locations }) => ({
      title,
      target,
      environment: report.environment,
      verdict: verdictOf(report),
      rulesRun: report.rulesRun,
      counts: counts(report),
      violations: report.violations.map((v) => ({
        rule: v.rule.id,
        severity: v.rule.severity,
        enforcement: v.rule.enforcement,
        object: v.object,
        message: v.message,
        fix: v.rule.fix,
        waiver: v.waivedBy === undefined ? null : jsonException(v.waivedBy),
        locations: (locations?.get(v.object) ?? []).map(jsonLocation),
      })),
      notes: notes.map((n) => ({ ...jsonLocation(n.at), note: n.note })),
      exceptions: { expired: report.expiredExceptions.map(jsonException), unused: report.unusedExceptions.map(jsonException) },
    })),
  };
}

export const formatJsonReport = (checks: readonly PolicyCheck[]): string => `${JSON.stringify(jsonReport(checks), null, 2)}\n`;
