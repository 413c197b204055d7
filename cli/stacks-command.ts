/**
 * `npm run stacks`: the stack decisions of the pull-request workflow. Which preview stack a
 * pull request gets (`pr-name`), and which long-lived stacks its changes can affect
 * (`affected`), so the workflow previews only those.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { availableStacks, loadEnvironment, PREVIEW_STACK, repoRoot } from '../core/config';
import { assertNoProblems, ValidationError } from '../core/problems';
import { ENVIRONMENT_PROFILES } from '../services/spec';
import { command, commandGroup } from './args';

/** Longest pull request number a preview stack name allows (`PREVIEW_STACK`). */
const MAX_PR_DIGITS = 7;

/**
 * The preview stack of a pull request: `pr-<N>`. Refuses anything that is not a pull request
 * number as GitHub writes it, so the name always matches `PREVIEW_STACK`.
 */
export function previewStackName(pr: string): string {
  const name = `pr-${pr}`;
  const problem = !/^\d+$/.test(pr)
    ? 'is not a positive whole number'
    : /^0+$/.test(pr)
      ? 'must be positive'
      : pr.startsWith('0')
        ? 'has leading zeros'
        : pr.length > MAX_PR_DIGITS
          ? `has ${pr.length} digits; preview stack names (pr-<N>) allow at most ${MAX_PR_DIGITS}`
          : // Guards the rules above against drifting from the pattern the Pulumi program checks.
            !PREVIEW_STACK.test(name)
            ? `gives the stack name "${name}", which does not match ${PREVIEW_STACK}`
            : undefined;
  if (problem !== undefined) {
    throw new ValidationError(
      [
        {
          where: '--pr',
          field: 'pull request number',
          value: pr,
          problem,
          fix: 'pass the number GitHub gives the pull request, e.g. --pr "${{ github.event.pull_request.number }}"',
        },
      ],
      'not a pull request number',
    );
  }
  return name;
}

/** dev, staging, prod first (the promotion order), then any other stack by name. */
export function byEnvironmentOrder(a: string, b: string): number {
  const rank = (s: string): number => {
    const i = (ENVIRONMENT_PROFILES as readonly string[]).indexOf(s);
    return i === -1 ? ENVIRONMENT_PROFILES.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

type Effect =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'stack'; readonly stack: string }
  | { readonly kind: 'releases'; readonly name: string };

/** Repository files that shape every stack: the Pulumi project, the toolchain and its lock. */
const EVERY_STACK_FILES = new Set(['Pulumi.yaml', 'package.json', 'package-lock.json', 'tsconfig.json']);
/** Folders whose code or data goes into every stack's manifests or infrastructure. */
const EVERY_STACK_FOLDERS = ['core/', 'infra/', 'charts/', 'services/', 'imports/', 'policies/'];
/** Folders that never reach a stack: documentation, tests, CI definitions, the benchmark. */
const NO_STACK_FOLDERS = ['docs/', 'test/', '.github/', 'bench/'];

/**
 * What one changed path means for the stacks. The rules, first match wins:
 *
 * 1. Documentation (`*.md`, `docs/`), tests (`*.test.ts`, `test/`), `.github/` and `bench/`
 *    affect no stack, wherever they are (`infra/README.md` and `infra/x.test.ts` included).
 * 2. `Pulumi.<stack>.yaml` affects that stack (a preview stack's file affects none of the
 *    long-lived ones).
 * 3. `services/releases/<name>.yaml` affects the stacks whose pins it holds (`platform:releases`,
 *    which defaults to the stack's own name).
 * 4. `Pulumi.yaml`, `package.json`, `package-lock.json`, `tsconfig.json` and anything under
 *    `core/`, `infra/`, `charts/`, `services/`, `imports/` or `policies/` affect every stack.
 * 5. Anything else affects every stack: an unknown path is assumed to matter (fail safe),
 *    so a new folder has to be added to a rule above to be skipped.
 */
function effectOf(file: string): Effect {
  if (file.endsWith('.md') || file.endsWith('.test.ts') || NO_STACK_FOLDERS.some((f) => file.startsWith(f))) return { kind: 'none' };
  const stackFile = /^Pulumi\.([^/]+)\.yaml$/.exec(file);
  if (stackFile !== null) return { kind: 'stack', stack: stackFile[1] };
  const releases = /^services\/releases\/([^/]+)\.yaml$/.exec(file);
  if (releases !== null) return { kind: 'releases', name: releases[1] };
  if (EVERY_STACK_FILES.has(file) || EVERY_STACK_FOLDERS.some((f) => file.startsWith(f))) return { kind: 'all' };
  // Rule 5, kept apart from rule 4 so that moving a path out of rule 4 is a decision.
  return { kind: 'all' };
}

/**
 * The stacks a set of changed paths (repository-relative, as `git diff --name-only` prints
 * them) can affect, in the order of `stacks`. See `effectOf` for the rules.
 *
 * @param releasesOf which `services/releases/<name>.yaml` each stack pins its images from;
 *   a stack not in the map uses its own name. A releases file no stack uses affects every
 *   stack (fail safe: it may be about to be wired in).
 */
export function affectedStacks(
  changedPaths: readonly string[],
  stacks: readonly string[],
  releasesOf: ReadonlyMap<string, string> = new Map(),
): string[] {
  const affected = new Set<string>();
  for (const raw of changedPaths) {
    const file = raw.trim().replace(/^\.\//, '');
    if (file === '') continue;
    const effect = effectOf(file);
    if (effect.kind === 'all') return [...stacks];
    if (effect.kind === 'stack' && stacks.includes(effect.stack)) affected.add(effect.stack);
    if (effect.kind === 'releases') {
      const users = stacks.filter((s) => (releasesOf.get(s) ?? s) === effect.name);
      if (users.length === 0) return [...stacks];
      for (const s of users) affected.add(s);
    }
  }
  return stacks.filter((s) => affected.has(s));
}

/** The long-lived stacks of the repository (preview stacks come and go), in environment order. */
export function longLivedStacks(root = repoRoot()): string[] {
  return availableStacks(root)
    .filter((s) => !PREVIEW_STACK.test(s))
    .sort(byEnvironmentOrder);
}

/** Reads the list the workflow writes with `git diff --name-only base...head`, one path a line. */
export function readChangedPaths(file: string): string[] {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    assertNoProblems([
      {
        where: file,
        field: '--changed',
        problem: 'is not a file',
        fix: 'write the changed paths first, e.g. git diff --name-only --no-renames "$BASE...$HEAD" > changed.txt',
      },
    ]);
  }
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
}

/** `affected` for the repository at `root`: its stacks and where each pins its images. */
export function affectedInRepository(changedPaths: readonly string[], root = repoRoot()): string[] {
  const stacks = longLivedStacks(root);
  // Interim: the first app's pins file name (per-app rules come next).
  const releasesOf = new Map(stacks.map((s) => [s, path.basename(loadEnvironment(s, root).apps[0].releases, '.yaml')]));
  return affectedStacks(changedPaths, stacks, releasesOf);
}

/** `npm run stacks -- pr-name`: the preview stack of a pull request. */
export const prNameCli = command(
  {
    script: 'stacks',
    subcommand: 'pr-name',
    summary: 'prints the preview stack of a pull request (pr-<N>)',
    options: {
      pr: { type: 'string', required: true, value: 'N', description: 'the pull request number' },
      format: { type: 'string', choices: ['text', 'github'], default: 'text', description: 'github: stack=<name>, for "$GITHUB_OUTPUT"' },
    },
  },
  ({ values }, io) => {
    const name = previewStackName(values.pr);
    io.out(values.format === 'github' ? `stack=${name}\n` : `${name}\n`);
  },
);

/** `npm run stacks -- affected`: the long-lived stacks a change can affect. */
export const affectedCli = command(
  {
    script: 'stacks',
    subcommand: 'affected',
    summary: 'prints the long-lived stacks that the changed paths can affect, as a JSON list',
    options: {
      changed: {
        type: 'string',
        required: true,
        value: 'file',
        description: 'the changed paths, one a line (git diff --name-only base...head)',
      },
      format: { type: 'string', choices: ['json', 'github'], default: 'json', description: 'github: stacks=<json>, for "$GITHUB_OUTPUT"' },
    },
  },
  ({ values }, io) => {
    const json = JSON.stringify(affectedInRepository(readChangedPaths(values.changed)));
    io.out(values.format === 'github' ? `stacks=${json}\n` : `${json}\n`);
  },
);

/** `npm run stacks -- <argv>`: prints the preview stack of a pull request, or the stacks its changes affect. */
export const stacksCli = commandGroup('stacks', 'The stack decisions of the pull-request workflow.', [prNameCli, affectedCli]);
