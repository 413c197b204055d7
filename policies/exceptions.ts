/**
 * Waivers: a rule may be waived for a named object in a named environment, only with a
 * written reason and optionally an expiry date, all in `policies/exceptions.yaml`.
 */
import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { assertNoProblems, type Problem } from '../core/problems';

export interface PolicyException {
  readonly rule: string;
  /** The object as the report names it: `Kind/namespace/name` or a Pulumi resource name. */
  readonly object: string;
  /** Stack the waiver applies to (`dev`, `prod`, `pr-*` for every preview). */
  readonly environment: string;
  readonly reason: string;
  /** `YYYY-MM-DD`: after this day the waiver no longer applies, and says so. */
  readonly expires?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function loadExceptions(file: string, knownRules: ReadonlySet<string>, display = file): PolicyException[] {
  if (!fs.existsSync(file)) return [];
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length > 0) {
    assertNoProblems(
      doc.errors.map((e) => ({
        where: display,
        field: `line ${e.linePos?.[0]?.line ?? '?'}`,
        problem: `is not valid YAML (${e.code})`,
        fix: e.message.split('\n')[0],
      })),
    );
  }
  const data = (doc.toJS() ?? {}) as { exceptions?: unknown };
  const list = data.exceptions ?? [];
  const problems: Problem[] = [];
  if (!Array.isArray(list)) {
    assertNoProblems([
      {
        where: display,
        field: 'exceptions',
        value: list,
        problem: 'must be a list',
        fix: 'write exceptions: [ { rule, object, environment, reason } ]',
      },
    ]);
  }
  const out: PolicyException[] = [];
  (list as unknown[]).forEach((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const field = (k: string) => `exceptions[${i}].${k}`;
    if (typeof e.rule !== 'string' || !knownRules.has(e.rule))
      problems.push({
        where: display,
        field: field('rule'),
        value: e.rule,
        problem: 'is not a rule of the catalogue',
        fix: 'use a rule id from docs/policies.md',
      });
    if (typeof e.object !== 'string' || e.object === '')
      problems.push({
        where: display,
        field: field('object'),
        value: e.object,
        problem: 'must name one object',
        fix: 'write it as the report does, e.g. Deployment/bookinfo/details-v1',
      });
    if (typeof e.environment !== 'string' || e.environment === '')
      problems.push({
        where: display,
        field: field('environment'),
        value: e.environment,
        problem: 'must name an environment',
        fix: 'write the stack, e.g. dev',
      });
    if (typeof e.reason !== 'string' || e.reason.trim().length < 10)
      problems.push({
        where: display,
        field: field('reason'),
        value: e.reason,
        problem: 'must explain in words why the rule does not apply',
        fix: 'write a reason a reviewer can check',
      });
    if (e.expires !== undefined && (typeof e.expires !== 'string' || !DATE.test(e.expires)))
      problems.push({
        where: display,
        field: field('expires'),
        value: e.expires,
        problem: 'is not a date',
        fix: 'write YYYY-MM-DD (quoted)',
      });
    out.push(e as unknown as PolicyException);
  });
  assertNoProblems(problems, `${display}: invalid policy exceptions`);
  return out;
}

export function appliesTo(e: PolicyException, environment: string): boolean {
  return e.environment === environment || (e.environment.endsWith('*') && environment.startsWith(e.environment.slice(0, -1)));
}

export function isExpired(e: PolicyException, today: string): boolean {
  return e.expires !== undefined && e.expires < today;
}
