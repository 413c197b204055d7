import { distance } from 'fastest-levenshtein';

/**
 * One problem in user input, with everything needed to fix it. Every validator in the
 * repo (specs, releases, stack config, manifests) reports these, so errors read the same
 * everywhere: `<where>: <field>: <value> <problem>. Fix: <fix>`.
 */
export interface Problem {
  /** The file, or the spec (`service "reviews"`), that holds the bad value. */
  readonly where: string;
  /** Dotted path of the field, e.g. `versions[1].weight`. */
  readonly field: string;
  /** The value found (omitted when the field is missing). */
  readonly value?: unknown;
  /** What is wrong, e.g. `must be a DNS-1123 label`. */
  readonly problem: string;
  /** What to do about it. */
  readonly fix: string;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return JSON.stringify(value);
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

export function formatProblem(p: Problem): string {
  const value = 'value' in p ? ` ${formatValue(p.value)}` : '';
  return `${p.where}: ${p.field}${value} ${p.problem}. Fix: ${p.fix}`;
}

/** Thrown when input is invalid; carries every problem found, not just the first. */
export class ValidationError extends Error {
  constructor(
    readonly problems: readonly Problem[],
    heading = `${problems.length} problem${problems.length === 1 ? '' : 's'} found`,
  ) {
    super(`${heading}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ValidationError';
  }
}

/** Throws a ValidationError when there is anything to report. */
export function assertNoProblems(problems: readonly Problem[], heading?: string): void {
  if (problems.length > 0) throw new ValidationError(problems, heading);
}

/**
 * The candidate nearest to `name` (case-insensitive edit distance at most `maxDistance`), for
 * "did you mean" fixes; the first candidate wins a tie.
 */
export function closestMatch(name: string, candidates: readonly string[], maxDistance: number): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= maxDistance && (best === undefined || d < best.distance)) best = { candidate, distance: d };
  }
  return best?.candidate;
}
