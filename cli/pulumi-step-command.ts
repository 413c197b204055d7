/**
 * One Pulumi operation as the workflows run it (`.github/workflows/pulumi.yml`): the stack
 * selected the way its kind needs, the exact CLI arguments per operation, the output
 * streamed to the log and kept, and a Markdown summary for the pull request comment. The
 * CLI's exit code is the step's.
 *
 * How each stack finds its secrets provider (pulumi/pulumi v3.248.0, pkg/cmd/pulumi/stack/):
 * - `dev`, `staging`, `prod`: `secretsprovider:` and `encryptedkey:` are committed in
 *   `Pulumi.<stack>.yaml` (written once by `pulumi stack init --secrets-provider`).
 * - `pr-<N>`: its file is never committed. `stack select --create --secrets-provider` creates
 *   the stack (io.go CreateStack stores the provider and its encrypted key in the stack's
 *   state); on a later fresh checkout `stack select` only selects (stack_select.go), and the
 *   operations find the provider in the state because PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER
 *   is set (secrets.go GetSecretsManager). `destroy` always falls back to the state
 *   (destroy.go), and `--remove` then removes the stack (`stack rm`) and its file.
 *
 * A `pr-<N>` stack deploys the apps its pull request changes: `--preview-apps` (what `npm run
 * stacks -- preview-apps` prints) is set as its `platform:previewApps` before the operation.
 * Its stack file is never committed, so each run sets the list afresh.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PREVIEW_STACK, PROJECT } from '../core/config';
import { isRecord } from '../core/json';
import { ValidationError } from '../core/problems';
import { BUNDLE_PATH, REPO_SYNC_API_VERSION } from '../infra/config-sync-plan';
import { readEngineEvents, STREAMING_PREVIEW_ENV, urnName, type EngineEvents, type ResourceStep } from './pulumi-events';
import { command, type Io } from './args';

export const OPERATIONS = ['preview', 'up', 'destroy', 'drift'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Runs a command with extra environment variables, streaming its output; gives back the exit code and what it wrote to each stream. */
export type Runner = (command: string, args: readonly string[], env: Readonly<Record<string, string>>) => Promise<RunResult>;

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Set on every Pulumi call: a stack whose file is missing (a `pr-<N>` stack on a fresh
 * checkout) uses the secrets provider recorded in its state instead of the DIY backend's
 * default, a passphrase nobody has.
 */
export const PULUMI_ENV: Readonly<Record<string, string>> = { PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: 'true' };

/** The GitHub environment variable (and step env) holding dev's `secretsProvider` output, for new `pr-<N>` stacks. */
export const SECRETS_PROVIDER_ENV = 'PULUMI_SECRETS_PROVIDER';

/** Longest body a PR comment may have, with room for the heading. */
const MAX_OUTPUT = 60_000;

/** What `pulumi stack select` prints for a stack the backend does not have (pkg/backend/backenderr StackNotFoundError). */
const STACK_NOT_FOUND = /no stack named '[^']*' found/;

/**
 * The operation's arguments. `--json` makes Pulumi write its engine events to stdout, one
 * per line (cli/pulumi-events.ts reads them for the summary; a preview needs
 * STREAMING_PREVIEW_ENV too); `--color never` keeps color directives out of the messages.
 */
export function pulumiArgs(operation: Operation, stack: string): string[] {
  const common = ['--stack', stack, '--non-interactive', '--json', '--color', 'never'];
  switch (operation) {
    case 'preview':
      return ['preview', ...common, '--policy-pack', 'policies'];
    case 'up':
      return ['up', ...common, '--yes', '--skip-preview', '--policy-pack', 'policies'];
    case 'destroy':
      // --remove deletes the stack and its state once its resources are gone.
      return ['destroy', ...common, '--yes', '--remove'];
    case 'drift':
      // --refresh reads every resource first, so changes made outside Pulumi show; a
      // preview never writes the refreshed state back (the DIY backend persists nothing for a dry run).
      return ['preview', ...common, '--refresh', '--expect-no-changes', '--policy-pack', 'policies'];
  }
}

/**
 * `pulumi stack select` for an operation. Preview stacks are created on first use with
 * dev's KMS key; the long-lived stacks must exist already (created in the one-time setup),
 * and a destroy never creates what it is about to remove.
 */
export function selectArgs(operation: Operation, stack: string, secretsProvider: string | undefined): string[] {
  const select = ['stack', 'select', '--stack', stack, '--non-interactive'];
  if (!PREVIEW_STACK.test(stack) || operation === 'destroy') return select;
  if (secretsProvider === undefined || !secretsProvider.startsWith('gcpkms://')) {
    throw new ValidationError([
      {
        where: 'pulumi-step',
        field: SECRETS_PROVIDER_ENV,
        value: secretsProvider ?? '(unset)',
        problem: `must be a gcpkms:// key to create preview stack ${stack}`,
        fix: 'set the variable SECRETS_PROVIDER of the GitHub environment "preview" to dev\'s bootstrap output secretsProvider (docs/ci-cd.md)',
      },
    ]);
  }
  return [...select, '--create', '--secrets-provider', secretsProvider];
}

/** The top-level `secretsprovider:` and `encryptedkey:` lines of a stack file. */
function topLevel(text: string, key: string): string | undefined {
  const match = new RegExp(`^${key}:[ \\t]*(\\S.*?)[ \\t]*$`, 'm').exec(text);
  return match === null ? undefined : match[1].replace(/^(['"])(.*)\1$/, '$2');
}

/**
 * A long-lived stack's file must name its KMS key and hold the data key encrypted with it;
 * without `encryptedkey` Pulumi would make a new data key on every run (which the read-only
 * plan account cannot even do). Preview stacks' files are never committed.
 */
export function stackFileProblems(stack: string, file: string, text: string | undefined): ValidationError | undefined {
  if (PREVIEW_STACK.test(stack)) return undefined;
  const init = `run \`pulumi stack init ${stack} --secrets-provider "$(pulumi stack output secretsProvider --cwd bootstrap --stack ${stack})"\` once and commit the lines it writes (docs/ci-cd.md, one-time setup)`;
  if (text === undefined)
    return new ValidationError([{ where: file, field: '(file)', value: stack, problem: 'does not exist', fix: init }]);
  const provider = topLevel(text, 'secretsprovider');
  if (provider === undefined || !provider.startsWith('gcpkms://')) {
    return new ValidationError([
      { where: file, field: 'secretsprovider', value: provider ?? '(missing)', problem: 'is not a gcpkms:// key', fix: init },
    ]);
  }
  if (topLevel(text, 'encryptedkey') === undefined) {
    return new ValidationError([
      {
        where: file,
        field: 'encryptedkey',
        value: '(missing)',
        problem: 'is missing, so Pulumi would make a new data key on every run',
        fix: init,
      },
    ]);
  }
  return undefined;
}

/** How Pulumi's own summary names an operation, planned (preview) and done. */
const CHANGE_WORDS: Readonly<Record<string, readonly [string, string, string]>> = {
  create: ['+', 'to create', 'created'],
  update: ['~', 'to update', 'updated'],
  delete: ['-', 'to delete', 'deleted'],
  replace: ['+-', 'to replace', 'replaced'],
};
const CHANGE_ORDER = ['create', 'update', 'delete', 'replace'];

/** The resource counts of the summary event, `+ 3 to create` ... `12 unchanged`, as Pulumi orders them. */
export function resourceSummary(changes: Readonly<Record<string, number>>, preview: boolean): string[] {
  const ops = Object.keys(changes).filter((op) => op !== 'same' && changes[op] > 0);
  ops.sort((a, b) => (CHANGE_ORDER.indexOf(a) + 1 || 99) - (CHANGE_ORDER.indexOf(b) + 1 || 99) || (a < b ? -1 : a > b ? 1 : 0));
  const lines = ops.map((op) => {
    const words = CHANGE_WORDS[op];
    return words === undefined ? `${changes[op]} ${op}` : `${words[0]} ${changes[op]} ${preview ? words[1] : words[2]}`;
  });
  if ((changes.same ?? 0) > 0) lines.push(`${changes.same} unchanged`);
  return lines;
}

/** Items listed per section of the comment; the rest are counted. */
export const MAX_LISTED = 30;

function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const more = items.length > MAX_LISTED ? [`- ... and ${items.length - MAX_LISTED} more (see the job log)`] : [];
  return [...items.slice(0, MAX_LISTED).map(line), ...more];
}

const oneLine = (text: string): string => {
  const first = text.split('\n')[0];
  return first.length > 300 ? `${first.slice(0, 300)}...` : first;
};

/** The Pulumi type of the apps' RepoSyncs (infra/config-sync.ts, a CustomResource). */
export const REPO_SYNC_TYPE = `kubernetes:${REPO_SYNC_API_VERSION}:RepoSync`;
const BUNDLE_IMAGE = new RegExp(`/${BUNDLE_PATH}/([^/@]+)@(sha256:[0-9a-f]{64})$`);

/** The app and digest of a RepoSync's inputs (`spec.oci.image` = `<registry>/apps/<app>@sha256:<hex>`). */
function bundleOf(inputs: Readonly<Record<string, unknown>> | undefined): { app: string; digest: string } | undefined {
  const spec = inputs?.spec;
  const oci = isRecord(spec) ? spec.oci : undefined;
  const image = isRecord(oci) && typeof oci.image === 'string' ? oci.image : undefined;
  const match = image === undefined ? null : BUNDLE_IMAGE.exec(image);
  return match === null ? undefined : { app: match[1], digest: match[2] };
}

/** `sha256:` and the first 12 hex digits, as container tools abbreviate a digest. */
const shortDigest = (digest: string): string => digest.slice(0, 'sha256:'.length + 12);

/**
 * Per app whose bundle a configsync stack's RepoSyncs move, `app X: A -> B`, read from the
 * RepoSync steps' old and new `spec.oci.image`; one line for the same move on several clusters.
 * A new app shows `(none)` before, a removed one `(removed)` after. Sorted by app.
 */
export function bundleMoves(steps: readonly ResourceStep[]): string[] {
  const moves = new Map<string, { app: string; from?: string; to?: string; clusters: number }>();
  for (const step of steps) {
    if (step.type !== REPO_SYNC_TYPE) continue;
    const from = bundleOf(step.oldInputs);
    const to = step.op === 'delete' ? undefined : bundleOf(step.newInputs);
    const app = to?.app ?? from?.app;
    if (app === undefined || from?.digest === to?.digest) continue;
    const key = `${app} ${from?.digest ?? ''} ${to?.digest ?? ''}`;
    const move = moves.get(key) ?? { app, from: from?.digest, to: to?.digest, clusters: 0 };
    moves.set(key, { ...move, clusters: move.clusters + 1 });
  }
  return [...moves.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([, m]) =>
        `app ${m.app}: ${m.from === undefined ? '(none)' : `\`${shortDigest(m.from)}\``} -> ${m.to === undefined ? '(removed)' : `\`${shortDigest(m.to)}\``}${m.clusters > 1 ? ` (${m.clusters} clusters)` : ''}`,
    );
}

/** The summary's sections read from the events: counts, app bundle moves, changed resources, policy violations, errors and warnings. */
export function eventSections(events: EngineEvents, preview: boolean): string[] {
  const lines: string[] = [];
  if (events.changes !== undefined) {
    const summary = resourceSummary(events.changes, preview);
    if (summary.length > 0) lines.push(...summary.map((s) => `- ${s}`), '');
  }
  const moves = bundleMoves(events.steps);
  if (moves.length > 0)
    lines.push(
      `App bundles Config Sync ${preview ? 'will pull' : 'now pulls'} (\`npm run manifest-diff\` shows the objects that change):`,
      ...listed(moves, (m) => `- ${m}`),
      '',
    );
  if (events.steps.length > 0) {
    lines.push(`<details><summary>Resources ${preview ? 'to change' : 'changed'} (${events.steps.length})</summary>`, '');
    lines.push(
      ...listed(events.steps, (s) => `- ${s.op} \`${s.type}\` \`${urnName(s.urn)}\`${s.diffs.length > 0 ? `: ${s.diffs.join(', ')}` : ''}`),
    );
    lines.push('</details>', '');
  }
  if (events.failed.length > 0)
    lines.push(
      `Failed (${events.failed.length}):`,
      ...listed(events.failed, (urn) => `- \`${urnName(urn)}\` (${urn.split('::')[2] ?? ''})`),
      '',
    );
  if (events.violations.length > 0) {
    lines.push(`Policy violations (${events.violations.length}):`);
    lines.push(
      ...listed(
        events.violations,
        (v) => `- ${v.enforcement} \`${v.policy}\`${v.urn === undefined ? '' : ` on \`${urnName(v.urn)}\``}: ${oneLine(v.message)}`,
      ),
      '',
    );
  }
  if (events.diagnostics.length > 0) {
    lines.push(`Errors and warnings (${events.diagnostics.length}):`);
    lines.push(
      ...listed(
        events.diagnostics,
        (d) => `- ${d.severity}${d.urn === undefined ? '' : ` (\`${urnName(d.urn)}\`)`}: ${oneLine(d.message)}`,
      ),
      '',
    );
  }
  return lines;
}

function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  return `... (${text.length - max} earlier characters in the job log)\n${text.slice(text.length - max)}`;
}

export interface StepResult {
  readonly code: number;
  readonly markdown: string;
}

function folded(output: string, title = 'Output'): string[] {
  if (output.trim() === '') return [];
  return [`<details><summary>${title}</summary>`, '', '```', tail(output.trimEnd(), MAX_OUTPUT), '```', '</details>', ''];
}

const both = (r: RunResult): string => `${r.stdout}${r.stderr}`;

export interface StepOptions {
  /** dev's `gcpkms://` key, for creating a `pr-<N>` stack. */
  readonly secretsProvider?: string;
  /**
   * The apps a `pr-<N>` stack deploys (`platform:previewApps`, with the apps they call), set in
   * its configuration before the operation. @default - the stack's configuration is left as it is
   */
  readonly previewApps?: readonly string[];
}

/** The config key a preview stack reads its apps from (core/config-schema.ts `previewStackSettings`). */
export const PREVIEW_APPS_KEY = `${PROJECT}:previewApps`;

const APP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * `--preview-apps`: the JSON list `npm run stacks -- preview-apps` prints, or '' (the workflow's
 * default) for none. Only a preview stack reads `platform:previewApps`; a platform stack refuses it.
 */
export function parsePreviewApps(raw: string, stack: string): string[] | undefined {
  if (raw.trim() === '') return undefined;
  const problem = (problem: string, fix: string) =>
    new ValidationError([{ where: 'pulumi-step', field: '--preview-apps', value: raw, problem, fix }]);
  if (!PREVIEW_STACK.test(stack))
    throw problem(`is only for preview stacks (pr-<N>), not ${stack}`, 'leave it out: a platform stack deploys every app in platform:apps');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((a): a is string => typeof a === 'string' && APP_NAME.test(a)))
    throw problem(
      'is not a JSON list of app names (at least one)',
      'pass what `npm run stacks -- preview-apps` prints, e.g. ["bookinfo"], or nothing for every app of dev',
    );
  return value;
}

/**
 * Sets a preview stack's apps. The value is the JSON text of the list, which is how the Pulumi CLI
 * hands a list to the program anyway; one key, so a longer list an earlier push set is replaced whole.
 */
export function previewAppsArgs(stack: string, apps: readonly string[]): string[] {
  return ['config', 'set', '--stack', stack, PREVIEW_APPS_KEY, JSON.stringify(apps)];
}

export async function runStep(operation: Operation, stack: string, run: Runner, options: StepOptions = {}): Promise<StepResult> {
  const select = await run('pulumi', selectArgs(operation, stack, options.secretsProvider), PULUMI_ENV);
  if (select.code !== 0) {
    // A pull request closed before its preview stack was ever created: nothing to destroy.
    if (operation === 'destroy' && PREVIEW_STACK.test(stack) && STACK_NOT_FOUND.test(both(select))) {
      return {
        code: 0,
        markdown: [`### \`pulumi destroy\` of stack \`${stack}\`: nothing to do, the stack does not exist`, ''].join('\n'),
      };
    }
    return {
      code: select.code,
      markdown: [`### \`pulumi stack select\` of stack \`${stack}\`: failed`, '', ...folded(both(select))].join('\n'),
    };
  }
  if (options.previewApps !== undefined && operation !== 'destroy') {
    const set = await run('pulumi', previewAppsArgs(stack, options.previewApps), PULUMI_ENV);
    if (set.code !== 0)
      return {
        code: set.code,
        markdown: [`### \`pulumi config set ${PREVIEW_APPS_KEY}\` of stack \`${stack}\`: failed`, '', ...folded(both(set))].join('\n'),
      };
  }
  const args = pulumiArgs(operation, stack);
  const preview = args[0] === 'preview';
  const result = await run('pulumi', args, preview ? { ...PULUMI_ENV, ...STREAMING_PREVIEW_ENV } : PULUMI_ENV);
  const verdict = result.code === 0 ? 'succeeded' : operation === 'drift' ? 'found drift or failed' : 'failed';
  const lines = [`### \`pulumi ${args[0]}\` of stack \`${stack}\`: ${verdict}`, ''];
  const events = readEngineEvents(result.stdout);
  lines.push(...eventSections(events, preview));
  if (operation === 'up' && result.code === 0 && PREVIEW_STACK.test(stack)) {
    const urls = await run('pulumi', ['stack', 'output', 'urls', '--stack', stack, '--json'], PULUMI_ENV);
    const parsed: unknown = urls.code === 0 ? JSON.parse(urls.stdout || '[]') : [];
    const list = Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === 'string') : [];
    if (list.length > 0) lines.push('Preview stack is up:', ...list.map((u) => `- ${u}`), '');
  }
  // Pulumi's own errors go to stderr; when no event came at all (it failed before the
  // engine started, or is not the Pulumi this expects), everything it wrote is shown.
  const noEvents = events.changes === undefined && events.steps.length === 0 && events.diagnostics.length === 0;
  lines.push(...folded(noEvents ? both(result) : result.stderr, noEvents ? 'Output' : "Pulumi's messages"));
  return { code: result.code, markdown: lines.join('\n') };
}

/** Runs the Pulumi CLI, streaming its output to the command's (the job log) and keeping a copy. */
export function spawnRunner(io: Io): Runner {
  return (command, args, env) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: io.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        io.out(d.toString());
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        io.err(d.toString());
        stderr += d.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
}

/** `npm run pulumi-step -- <argv>`: runs the operation, writes its Markdown summary, exits with Pulumi's code. */
export const pulumiStepCli = command(
  {
    script: 'pulumi-step',
    summary:
      'Runs one Pulumi operation on a stack as the workflows do (the stack selected the way its kind needs), streams its output, and writes a Markdown summary for the pull-request comment.',
    options: {
      command: {
        type: 'string',
        required: true,
        choices: OPERATIONS,
        description: 'the operation (drift: a refreshed preview that expects no changes)',
      },
      stack: { type: 'string', required: true, description: 'the stack: dev, staging, prod or pr-<N>' },
      out: { type: 'string', required: true, value: 'file.md', description: 'where the Markdown summary is written' },
      'preview-apps': {
        type: 'string',
        value: 'json',
        description: `a pr-<N> stack's apps (${PREVIEW_APPS_KEY}), as npm run stacks -- preview-apps prints them; '' for none`,
        defaultText: "the stack's configuration as it is (every app of dev when unset)",
      },
    },
    failsWhen: 'the Pulumi operation failed, or drift found changes (any other code Pulumi exits with is passed on)',
    notes: [`environment: ${SECRETS_PROVIDER_ENV}, dev's secrets provider (gcpkms://...), to create a new pr-<N> stack`],
  },
  async ({ values }, io, runner: Runner = spawnRunner(io)) => {
    const file = `Pulumi.${values.stack}.yaml`;
    const at = path.resolve(io.cwd, file);
    const problem = stackFileProblems(values.stack, file, fs.existsSync(at) ? fs.readFileSync(at, 'utf8') : undefined);
    if (problem !== undefined) throw problem;
    const previewApps = parsePreviewApps(values['preview-apps'] ?? '', values.stack);
    const secretsProvider = process.env[SECRETS_PROVIDER_ENV];
    const result = await runStep(values.command, values.stack, runner, {
      ...(secretsProvider !== undefined && secretsProvider !== '' && { secretsProvider }),
      ...(previewApps !== undefined && { previewApps }),
    });
    const out = path.resolve(io.cwd, values.out);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, result.markdown);
    return result.code;
  },
);
