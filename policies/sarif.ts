/**
 * The policy report as SARIF 2.1.0 (`npm run policy -- --format sarif`), for GitHub code
 * scanning: one run per check, every rule of the checked target in the driver (help links
 * to its heading in docs/policies.md), one result per violation, located at the file and
 * line the object was read from. Held to the OASIS schema vendored under
 * vendor/sarif/2.1.0/ by policies/sarif.test.ts.
 */
import { createHash } from 'node:crypto';
import type { Violation } from './engine';
import type { PolicyException } from './exceptions';
import type { SourceLocation } from './manifest-input';
import type { PolicyCheck } from './report';
import type { RuleInfo, Severity } from './types';

export const SARIF_VERSION = '2.1.0';
/** The `id` of the vendored schema (vendor/sarif/2.1.0/sarif-schema-2.1.0.json). */
export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const TOOL_NAME = 'platform-policy';

/** The heading anchor GitHub gives `### <rule id>` in docs/policies.md. */
export const ruleAnchor = (id: string): string => id.toLowerCase();

/**
 * GitHub's `security-severity` (0-10: >= 9 critical, >= 7 high, >= 4 medium, else low),
 * so code scanning ranks findings as the catalogue does.
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

type Level = 'error' | 'warning' | 'note';

/**
 * Code scanning matches a result to the alert of an earlier run by its fingerprints. Ours is
 * the rule and the object (not the line: an object that moves in its file is the same finding).
 */
export const FINGERPRINT = 'platformPolicyFinding/v1';
const fingerprint = (...parts: string[]): Record<string, string> => ({
  [FINGERPRINT]: createHash('sha256').update(parts.join('\n')).digest('hex'),
});
const levelOf = (rule: RuleInfo): Level => (rule.enforcement === 'mandatory' ? 'error' : 'warning');

/** The SARIF types this module writes (a subset of the schema's). */
export interface SarifLocation {
  readonly physicalLocation: { readonly artifactLocation: { readonly uri: string }; readonly region?: { readonly startLine: number } };
  readonly logicalLocations?: ReadonlyArray<{ readonly fullyQualifiedName: string; readonly kind: string }>;
}
export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex?: number;
  readonly level: Level;
  readonly message: { readonly text: string };
  readonly locations: readonly SarifLocation[];
  readonly suppressions?: ReadonlyArray<{ readonly kind: 'external'; readonly status: 'accepted'; readonly justification: string }>;
  readonly partialFingerprints: Readonly<Record<string, string>>;
}
export interface SarifRun {
  readonly tool: { readonly driver: { readonly name: string; readonly informationUri: string; readonly rules: readonly unknown[] } };
  readonly automationDetails: { readonly id: string; readonly description: { readonly text: string } };
  readonly invocations: ReadonlyArray<{ readonly executionSuccessful: boolean; readonly toolExecutionNotifications: readonly unknown[] }>;
  readonly results: readonly SarifResult[];
}
export interface SarifLog {
  readonly $schema: string;
  readonly version: typeof SARIF_VERSION;
  readonly runs: readonly SarifRun[];
}

export interface SarifOptions {
  /** Absolute URL of docs/policies.md; a rule's help is `<docsUrl>#<rule id, lowercase>`. */
  readonly docsUrl: string;
  /** The rules of each check's target, in catalogue order. */
  readonly rulesOf: (check: PolicyCheck) => readonly RuleInfo[];
  /** The file an exception lives in, for results about exceptions. */
  readonly exceptionsFile: string;
}

function ruleDescriptor(rule: RuleInfo, docsUrl: string) {
  return {
    id: rule.id,
    name: rule.id.replace(/^[A-Z]{2}\d{2}-/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.why },
    help: { text: `Fix: ${rule.fix}`, markdown: `**Why:** ${rule.why}\n\n**Fix:** ${rule.fix}` },
    helpUri: `${docsUrl}#${ruleAnchor(rule.id)}`,
    defaultConfiguration: { level: levelOf(rule) },
    properties: {
      tags: ['security', 'kubernetes-policy', ...rule.catalogue],
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
      enforcement: rule.enforcement,
      severity: rule.severity,
    },
  };
}

const physical = (uri: string, line?: number): SarifLocation['physicalLocation'] => ({
  artifactLocation: { uri },
  ...(line !== undefined && { region: { startLine: line } }),
});

function violationLocations(v: Violation, known: readonly SourceLocation[], fallback: string): SarifLocation[] {
  const logicalLocations = [{ fullyQualifiedName: v.object, kind: 'resource' }];
  if (known.length === 0) return [{ physicalLocation: physical(fallback), logicalLocations }];
  return known.map((l) => ({ physicalLocation: physical(l.file, l.line), logicalLocations }));
}

function exceptionResult(e: PolicyException, expired: boolean, file: string, index: ReadonlyMap<string, number>): SarifResult {
  const text = expired
    ? `the exception for ${e.rule} on ${e.object} (${e.environment}) expired on ${e.expires}: it waives nothing any more. Fix the object or renew the exception with a new reason.`
    : `the exception for ${e.rule} on ${e.object} (${e.environment}) matched nothing: delete it.`;
  return {
    ruleId: e.rule,
    ...(index.has(e.rule) && { ruleIndex: index.get(e.rule) }),
    level: expired ? 'error' : 'note',
    message: { text },
    locations: [{ physicalLocation: physical(file) }],
    partialFingerprints: fingerprint(e.rule, e.object, e.environment, expired ? 'expired' : 'unused'),
  };
}

/**
 * One SARIF run per check. Its category (automationDetails.id) is
 * `policy/<environment>/<manifests|resources>/`, so code scanning keeps each environment's
 * and each input's alerts apart (one upload may not hold two runs of one category).
 */
export function sarifLog(checks: readonly PolicyCheck[], options: SarifOptions): SarifLog {
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: checks.map((check) => {
      const rules = options.rulesOf(check);
      const index = new Map(rules.map((r, i) => [r.id, i]));
      const fallback = check.source ?? options.exceptionsFile;
      const results: SarifResult[] = check.report.violations.map((v) => ({
        ruleId: v.rule.id,
        ...(index.has(v.rule.id) && { ruleIndex: index.get(v.rule.id) }),
        level: levelOf(v.rule),
        message: { text: `${v.object}: ${v.message}. Fix: ${v.rule.fix}` },
        locations: violationLocations(v, check.locations?.get(v.object) ?? [], fallback),
        ...(v.waivedBy !== undefined && {
          suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: v.waivedBy.reason }],
        }),
        partialFingerprints: fingerprint(v.rule.id, v.object, v.message),
      }));
      results.push(...check.report.expiredExceptions.map((e) => exceptionResult(e, true, options.exceptionsFile, index)));
      results.push(...check.report.unusedExceptions.map((e) => exceptionResult(e, false, options.exceptionsFile, index)));
      return {
        tool: { driver: { name: TOOL_NAME, informationUri: options.docsUrl, rules: rules.map((r) => ruleDescriptor(r, options.docsUrl)) } },
        automationDetails: { id: `policy/${check.report.environment}/${check.target}/`, description: { text: check.title } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: (check.notes ?? []).map((note) => ({
              level: 'note',
              message: { text: `skipped (not checked): ${note.note}` },
              locations: [{ physicalLocation: physical(note.at.file, note.at.line) }],
            })),
          },
        ],
        results,
      };
    }),
  };
}

export const formatSarif = (checks: readonly PolicyCheck[], options: SarifOptions): string =>
  `${JSON.stringify(sarifLog(checks, options), null, 2)}\n`;
