/**
 * `npm run stacks`: the stack decisions of the pull-request workflow. Which preview stack a
 * pull request gets (`pr-name`), which long-lived stacks its changes can affect
 * (`affected`), so the workflow previews only those, and which apps its preview stack
 * deploys (`preview-apps`).
 */
import * as fs from 'node:fs';
import { availableStacks, loadEnvironment, PREVIEW_STACK, repoRoot, type AppConfig } from '../core/config';
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
  | { readonly kind: 'pins'; readonly stacks: readonly string[] };

/** Repository files that shape every stack: the Pulumi project, the toolchain and its lock. */
const EVERY_STACK_FILES = new Set(['Pulumi.yaml', 'package.json', 'package-lock.json', 'tsconfig.json']);
/** Folders whose code or data goes into every stack's manifests or infrastructure. */
const EVERY_STACK_FOLDERS = ['core/', 'infra/', 'charts/', 'services/', 'imports/', 'policies/'];
/** Folders that never reach a stack: documentation, tests, CI definitions, the benchmark. */
const NO_STACK_FOLDERS = ['docs/', 'test/', '.github/', 'bench/'];

/** Which stacks pin their images from each pins file: the inverse of `releasesOf`. */
function pinsUsers(releasesOf: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const [stack, files] of releasesOf) for (const file of files) users.set(file, [...(users.get(file) ?? []), stack]);
  return users;
}

/**
 * What one changed path means for the stacks. The rules, first match wins:
 *
 * 1. Documentation (`*.md`, `docs/`), tests (`*.test.ts`, `test/`), `.github/` and `bench/`
 *    affect no stack, wherever they are (`infra/README.md` and `infra/x.test.ts` included).
 * 2. `Pulumi.<stack>.yaml` affects that stack (a preview stack's file affects none of the
 *    long-lived ones).
 * 3. An app's pins file (`releases` of a `platform:apps` entry, e.g. `services/releases/dev.yaml`
 *    or `services/boutique/releases/prod.yaml`) affects exactly the stacks whose apps use it.
 * 4. `Pulumi.yaml`, `package.json`, `package-lock.json`, `tsconfig.json` and anything under
 *    `core/`, `infra/`, `charts/`, `services/`, `imports/` or `policies/` affect every stack
 *    (a pins file no stack uses included: it may be about to be wired in).
 * 5. Anything else affects every stack: an unknown path is assumed to matter (fail safe),
 *    so a new folder has to be added to a rule above to be skipped.
 */
function effectOf(file: string, users: ReadonlyMap<string, readonly string[]>): Effect {
  if (file.endsWith('.md') || file.endsWith('.test.ts') || NO_STACK_FOLDERS.some((f) => file.startsWith(f))) return { kind: 'none' };
  const stackFile = /^Pulumi\.([^/]+)\.yaml$/.exec(file);
  if (stackFile !== null) return { kind: 'stack', stack: stackFile[1] };
  const stacks = users.get(file);
  if (stacks !== undefined) return { kind: 'pins', stacks };
  if (EVERY_STACK_FILES.has(file) || EVERY_STACK_FOLDERS.some((f) => file.startsWith(f))) return { kind: 'all' };
  // Rule 5, kept apart from rule 4 so that moving a path out of rule 4 is a decision.
  return { kind: 'all' };
}

/** A changed path as git prints it, without surrounding whitespace or a leading `./`; '' for a blank line. */
function cleanPath(raw: string): string {
  return raw.trim().replace(/^\.\//, '');
}

/**
 * The stacks a set of changed paths (repository-relative, as `git diff --name-only` prints
 * them) can affect, in the order of `stacks`. See `effectOf` for the rules.
 *
 * @param releasesOf each stack's pins files (its apps' `releases`, repository-relative); a
 *   stack not in the map has none, so a change to any pins file it might use affects every
 *   stack (rule 4).
 */
export function affectedStacks(
  changedPaths: readonly string[],
  stacks: readonly string[],
  releasesOf: ReadonlyMap<string, readonly string[]> = new Map(),
): string[] {
  const affected = new Set<string>();
  const users = pinsUsers(releasesOf);
  for (const raw of changedPaths) {
    const file = cleanPath(raw);
    if (file === '') continue;
    const effect = effectOf(file, users);
    if (effect.kind === 'all') return [...stacks];
    if (effect.kind === 'stack') affected.add(effect.stack);
    if (effect.kind === 'pins') for (const s of effect.stacks) affected.add(s);
  }
  return stacks.filter((s) => affected.has(s));
}

/** Whether `file` is part of an app's catalogue: under its module's folder, or the module's file itself. */
function inCatalogue(file: string, app: AppConfig): boolean {
  const module = app.catalogue.replace(/\/+$/, '');
  return file === module || file.startsWith(`${module}/`) || file.replace(/\.[cm]?[jt]s$/, '') === module;
}

/**
 * The apps of dev (`apps`, in its order) that a pull request's changed paths touch: the apps its
 * preview stack deploys, with the apps they call (`platform:previewApps`). An app is touched by a
 * change to its dev pins file or to its catalogue (its module's folder or file). Every app, when
 * a change reaches every app (the rules of `effectOf` that affect every stack: shared code such as
 * `core/`, `charts/`, `infra/`, `policies/`, `services/*.ts`, the package files, `Pulumi.yaml`),
 * or changes dev's or the preview stack's settings (`Pulumi.dev.yaml`, `Pulumi.pr-<N>.yaml`).
 * Other stacks' files and pins files, documentation and tests touch none.
 *
 * When nothing touches any app (a documentation change), the answer is every app too: the
 * preview stack still runs on every pull request, and without a list it deploys every app of dev
 * (`platform:previewApps` unset), so the list says the same explicitly and a narrower list an
 * earlier push set is replaced.
 */
export function previewApps(
  changedPaths: readonly string[],
  apps: readonly AppConfig[],
  releasesOf: ReadonlyMap<string, readonly string[]> = new Map(),
): string[] {
  const every = apps.map((a) => a.name);
  const users = pinsUsers(releasesOf);
  const touched = new Set<string>();
  for (const raw of changedPaths) {
    const file = cleanPath(raw);
    if (file === '') continue;
    const effect = effectOf(file, users);
    if (effect.kind === 'none') continue;
    if (effect.kind === 'stack') {
      if (effect.stack === 'dev' || PREVIEW_STACK.test(effect.stack)) return every;
      continue;
    }
    // A pins file: dev's pins of the apps that use it; another stack's pins file touches no preview.
    const ofDev = apps.filter((a) => a.releases === file);
    if (effect.kind === 'pins' || ofDev.length > 0) {
      for (const app of ofDev) touched.add(app.name);
      continue;
    }
    const owners = apps.filter((a) => inCatalogue(file, a));
    if (owners.length === 0) return every;
    for (const app of owners) touched.add(app.name);
  }
  return touched.size === 0 ? every : every.filter((name) => touched.has(name));
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

/** Each long-lived stack's pins files: its apps' `releases`. */
function releasesOfStacks(stacks: readonly string[], root: string): Map<string, string[]> {
  return new Map(stacks.map((s) => [s, loadEnvironment(s, root).apps.map((a) => a.releases)]));
}

/** `affected` for the repository at `root`: its stacks and the pins files each uses. */
export function affectedInRepository(changedPaths: readonly string[], root = repoRoot()): string[] {
  const stacks = longLivedStacks(root);
  return affectedStacks(changedPaths, stacks, releasesOfStacks(stacks, root));
}

/** `preview-apps` for the repository at `root`: dev's apps, and the pins files of every stack. */
export function previewAppsInRepository(changedPaths: readonly string[], root = repoRoot()): string[] {
  return previewApps(changedPaths, loadEnvironment('dev', root).apps, releasesOfStacks(longLivedStacks(root), root));
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

/** `--changed <file>`, which affected and preview-apps both read. */
const CHANGED_OPTION = {
  type: 'string',
  required: true,
  value: 'file',
  description: 'the changed paths, one a line (git diff --name-only base...head)',
} as const;

/** `npm run stacks -- affected`: the long-lived stacks a change can affect. */
export const affectedCli = command(
  {
    script: 'stacks',
    subcommand: 'affected',
    summary: 'prints the long-lived stacks that the changed paths can affect, as a JSON list',
    options: {
      changed: CHANGED_OPTION,
      format: { type: 'string', choices: ['json', 'github'], default: 'json', description: 'github: stacks=<json>, for "$GITHUB_OUTPUT"' },
    },
  },
  ({ values }, io) => {
    const json = JSON.stringify(affectedInRepository(readChangedPaths(values.changed)));
    io.out(values.format === 'github' ? `stacks=${json}\n` : `${json}\n`);
  },
);

/** `npm run stacks -- preview-apps`: the apps a pull request's preview stack deploys. */
export const previewAppsCli = command(
  {
    script: 'stacks',
    subcommand: 'preview-apps',
    summary:
      "prints the apps of dev that the changed paths touch, as a JSON list: what the pull request's preview stack deploys (platform:previewApps); every app when shared code changed, or none did",
    options: {
      changed: CHANGED_OPTION,
      format: { type: 'string', choices: ['json', 'github'], default: 'json', description: 'github: apps=<json>, for "$GITHUB_OUTPUT"' },
    },
  },
  ({ values }, io) => {
    const json = JSON.stringify(previewAppsInRepository(readChangedPaths(values.changed)));
    io.out(values.format === 'github' ? `apps=${json}\n` : `${json}\n`);
  },
);

/** `npm run stacks -- <argv>`: prints the preview stack of a pull request, the stacks its changes affect, or the apps its preview deploys. */
export const stacksCli = commandGroup('stacks', 'The stack decisions of the pull-request workflow.', [
  prNameCli,
  affectedCli,
  previewAppsCli,
]);
