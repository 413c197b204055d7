/**
 * The actions the workflows use, pinned in one place: `.github/action-pins.yml` names one
 * release per action; `scripts/vendor-actions.sh` copies that release's `action.yml` into
 * `vendor/actions/<owner>/<repo>/<version>/` with a SOURCE file holding the commit the tag
 * points to. `npm run pin-actions` writes that commit and version into every `uses:` line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { assertNoProblems, type Problem } from '../core/problems';

export const PIN_TABLE = '.github/action-pins.yml';
export const VENDOR_DIR = 'vendor/actions';
/** Where `uses:` lines live: workflows and composite actions, this repository's and the examples'. */
export const PINNED_DIRS = ['.github', 'examples'] as const;

const ACTION = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const VERSION = /^v\d+\.\d+\.\d+$/;
const COMMIT = /^[0-9a-f]{40}$/;
const REFRESH = 'run scripts/vendor-actions.sh <mirrors-dir>';

/** One action at the release the table names, and the commit its tag points to. */
export interface ActionPin {
  /** `owner/repo`. */
  readonly action: string;
  /** The release tag, `vX.Y.Z`. */
  readonly version: string;
  /** The tag's commit, from the vendored SOURCE. */
  readonly commit: string;
}

/** One input of an action's metadata file. */
export interface ActionInput {
  readonly required?: boolean | string;
  readonly default?: unknown;
  readonly deprecationMessage?: string;
}

/** What the tests read from an action's metadata file. */
export interface ActionMetadata {
  readonly inputs: Readonly<Record<string, ActionInput>>;
  readonly runs: { readonly using: string };
}

export const vendorDir = (root: string, action: string, version: string): string =>
  path.join(root, VENDOR_DIR, ...action.split('/'), version);

/** `key: value` lines of a vendored SOURCE file. */
function readSource(file: string): Record<string, string> {
  const entries = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const colon = l.indexOf(':');
      return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()] as const;
    });
  return Object.fromEntries(entries);
}

/** The pin table with each pin's commit, or every problem with the table and the vendored SOURCE files. */
export function readPins(root: string): ActionPin[] {
  const problems: Problem[] = [];
  const table = parse(fs.readFileSync(path.join(root, PIN_TABLE), 'utf8')) as unknown;
  if (table === null || typeof table !== 'object' || Array.isArray(table)) {
    assertNoProblems([
      {
        where: PIN_TABLE,
        field: '(document)',
        value: table,
        problem: 'must map owner/repo to a version',
        fix: "write one line per action, e.g. 'actions/checkout: v7.0.1'",
      },
    ]);
  }
  const pins: ActionPin[] = [];
  for (const [action, version] of Object.entries(table as Record<string, unknown>)) {
    if (!ACTION.test(action)) {
      problems.push({
        where: PIN_TABLE,
        field: action,
        problem: 'is not an owner/repo',
        fix: "name the action's repository, e.g. actions/checkout",
      });
      continue;
    }
    if (typeof version !== 'string' || !VERSION.test(version)) {
      problems.push({
        where: PIN_TABLE,
        field: action,
        value: version,
        problem: 'is not a release version vX.Y.Z',
        fix: 'use the full tag of a release, e.g. v7.0.1',
      });
      continue;
    }
    const sourceFile = path.join(vendorDir(root, action, version), 'SOURCE');
    const where = path.relative(root, sourceFile);
    if (!fs.existsSync(sourceFile)) {
      problems.push({ where, field: '(file)', problem: `is missing: ${action} ${version} is not vendored`, fix: REFRESH });
      continue;
    }
    const source = readSource(sourceFile);
    const expected: Record<string, string> = { repo: `https://github.com/${action}`, tag: version };
    for (const [field, value] of Object.entries(expected)) {
      if (source[field] !== value)
        problems.push({ where, field, value: source[field], problem: `must be ${JSON.stringify(value)}`, fix: REFRESH });
    }
    if (source.commit === undefined || !COMMIT.test(source.commit)) {
      problems.push({ where, field: 'commit', value: source.commit, problem: 'must be a full 40-hex commit id', fix: REFRESH });
      continue;
    }
    pins.push({ action, version, commit: source.commit });
  }
  assertNoProblems(problems, `${PIN_TABLE}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  return pins.sort((a, b) => a.action.localeCompare(b.action));
}

/**
 * The vendored metadata file (`action.yml`, or `action.yaml` where upstream names it so) of an
 * action release; `subpath` (`/upload-sarif`) for an action in a directory of the repository.
 */
export function readVendoredAction(root: string, action: string, version: string, subpath = ''): ActionMetadata {
  const dir = path.join(vendorDir(root, action, version), ...subpath.split('/').filter(Boolean));
  const file = ['action.yml', 'action.yaml'].map((name) => path.join(dir, name)).find((f) => fs.existsSync(f));
  if (file === undefined) {
    assertNoProblems([
      {
        where: path.relative(root, dir),
        field: 'action.yml',
        problem: `is missing: ${action}${subpath} ${version} is not vendored`,
        fix: `add it to ${PIN_TABLE} and ${REFRESH}`,
      },
    ]);
  }
  const metadata = parse(fs.readFileSync(file as string, 'utf8')) as {
    inputs?: Record<string, ActionInput> | null;
    runs: { using: string };
  };
  return { inputs: metadata.inputs ?? {}, runs: metadata.runs };
}

/** A `uses:` reference to a remote action or reusable workflow, split into its parts. */
export interface UsesRef {
  /** `owner/repo`. */
  readonly action: string;
  /** A path inside the repository (`/init`, `/.github/workflows/x.yml`), or ''. */
  readonly subpath: string;
  readonly ref: string;
}

const USES_REF = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)((?:\/[^@\s]*)?)@(\S+)$/;

/** `owner/repo[/path]@ref` split, or undefined for local (`./`) and `docker://` references. */
export function parseUsesRef(uses: string): UsesRef | undefined {
  const m = USES_REF.exec(uses);
  return m === null ? undefined : { action: m[1], subpath: m[2], ref: m[3] };
}

/** A reusable workflow (`owner/repo/.github/workflows/x.yml@ref`) is not an action. */
export const isWorkflowRef = (ref: UsesRef): boolean => /\.ya?ml$/.test(ref.subpath);

/** A `uses:` line: indentation and `- `, `uses:`, an optional quote, the reference, the quote, an optional comment. */
const USES_LINE = /^(\s*(?:-\s+)?uses:\s*)(["']?)([^\s"'#]+)\2([ \t]*#.*)?$/;

export interface PinChange {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly from: string;
  readonly to: string;
}

export interface RepinResult {
  readonly text: string;
  readonly changes: readonly PinChange[];
  readonly problems: readonly Problem[];
}

/**
 * Rewrites every `uses:` line of a remote action in the table to `owner/repo@<commit> # <version>`;
 * local actions, Docker images and reusable workflows are left as they are. Idempotent.
 */
export function repinText(text: string, pins: readonly ActionPin[], file: string): RepinResult {
  const byAction = new Map(pins.map((p) => [p.action, p]));
  const changes: PinChange[] = [];
  const problems: Problem[] = [];
  const lines = text.split('\n').map((line, index) => {
    const m = USES_LINE.exec(line);
    const ref = m === null ? undefined : parseUsesRef(m[3]);
    if (m === null || ref === undefined || isWorkflowRef(ref)) return line;
    const pin = byAction.get(ref.action);
    if (pin === undefined) {
      problems.push({
        where: `${file}:${index + 1}`,
        field: 'uses',
        value: m[3],
        problem: `is not in ${PIN_TABLE}`,
        fix: `add '${ref.action}: vX.Y.Z' there and ${REFRESH}`,
      });
      return line;
    }
    const rewritten = `${m[1]}${m[2]}${ref.action}${ref.subpath}@${pin.commit}${m[2]} # ${pin.version}`;
    if (rewritten !== line)
      changes.push({
        file,
        line: index + 1,
        from: `${m[3]}${m[4] ?? ''}`.trim(),
        to: `${ref.action}${ref.subpath}@${pin.commit} # ${pin.version}`,
      });
    return rewritten;
  });
  return { text: lines.join('\n'), changes, problems };
}

/** Every YAML file under `.github/` and `examples/` (workflows, composite actions), sorted, relative to root. */
export function pinnedFiles(root: string): string[] {
  return PINNED_DIRS.flatMap((dir) => {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) return [];
    return fs
      .readdirSync(abs, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.ya?ml$/.test(f) && !f.split(path.sep).includes('node_modules'))
      .map((f) => path.join(dir, f));
  }).sort();
}
