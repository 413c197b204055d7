import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cryptoKeyId, secretsProviderUrl, STACK_SECRETS_KEY } from '../infra/kms';
import { readEngineEvents } from './pulumi-events';
import * as os from 'node:os';
import {
  bundleMoves,
  parsePreviewApps,
  PULUMI_ENV,
  pulumiArgs,
  pulumiStepCli,
  REPO_SYNC_TYPE,
  resourceSummary,
  runStep,
  selectArgs,
  stackFileProblems,
  type RunResult,
  type Runner,
} from './pulumi-step-command';

const ROOT = path.resolve(__dirname, '..');
const DEV_KEY = 'gcpkms://projects/acme-dev/locations/europe-west1/keyRings/platform/cryptoKeys/pulumi-stacks';

const STACK_URN = 'urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev';
const FIREWALL_URN = 'urn:pulumi:dev::platform::gcp:compute/firewall:Firewall::net-allow-lb';

/**
 * `pulumi preview --json` stdout with PULUMI_ENABLE_STREAMING_JSON_PREVIEW: one
 * apitype.EngineEvent per line, fields as in pulumi v3.248.0 sdk/go/common/apitype/events.go.
 */
const event = (sequence: number, payload: Record<string, unknown>): string =>
  JSON.stringify({ sequence, timestamp: 1767225600 + sequence, ...payload });
const metadata = (op: string, urn: string, type: string, extra: Record<string, unknown> = {}) => ({
  op,
  urn,
  type,
  old: null,
  new: null,
  detailedDiff: null,
  provider: '',
  ...extra,
});
const PREVIEW_EVENTS = [
  event(1, { preludeEvent: { config: { 'gcp:project': 'acme-dev' } } }),
  event(2, { resourcePreEvent: { metadata: metadata('same', STACK_URN, 'pulumi:pulumi:Stack', { logical: true }), planning: true } }),
  event(3, { diagnosticEvent: { message: 'Downloading provider: gcp\n', color: 'never', severity: 'info', ephemeral: true } }),
  event(4, {
    resourcePreEvent: {
      metadata: metadata('update', FIREWALL_URN, 'gcp:compute/firewall:Firewall', {
        diffs: ['sourceRanges'],
        detailedDiff: { 'sourceRanges[1]': { diffKind: 'add', inputDiff: true } },
        logical: true,
        provider: 'urn:pulumi:dev::platform::pulumi:providers:gcp::default_9_37_0::04da6b54',
      }),
      planning: true,
    },
  }),
  event(5, {
    policyEvent: {
      resourceUrn: FIREWALL_URN,
      message: 'firewall allows 0.0.0.0/0\nmore detail',
      color: 'never',
      policyName: 'NET03-firewall-source',
      policyPackName: 'platform-policies',
      policyPackVersion: '0.1.0',
      policyPackVersionTag: 'v0.1.0',
      enforcementLevel: 'advisory',
      severity: 'medium',
    },
  }),
  event(6, { diagnosticEvent: { urn: FIREWALL_URN, message: 'deprecated field sourceTags\n', color: 'never', severity: 'warning' } }),
  event(7, {
    summaryEvent: {
      maybeCorrupt: false,
      durationSeconds: 14,
      resourceChanges: { same: 113, update: 1 },
      PolicyPacks: { 'platform-policies': 'v0.1.0' },
      isPreview: true,
      result: 'succeeded',
    },
  }),
].join('\n');

/** Answers `stack select`, `stack output` and the operation from a table; records every call with its environment. */
function fakeRunner(results: Record<string, Partial<RunResult>>): {
  run: Runner;
  calls: string[][];
  envs: Array<Readonly<Record<string, string>>>;
} {
  const calls: string[][] = [];
  const envs: Array<Readonly<Record<string, string>>> = [];
  const run: Runner = async (command, args, env) => {
    calls.push([command, ...args]);
    envs.push(env);
    const key = args[0] === 'config' ? 'config' : args[0] !== 'stack' ? 'main' : args[1] === 'select' ? 'select' : 'output';
    return { code: 0, stdout: '', stderr: '', ...results[key] };
  };
  return { run, calls, envs };
}

describe('pulumi-step', () => {
  it('runs every operation with the policy pack where it applies, never interactively', () => {
    const json = ['--non-interactive', '--json', '--color', 'never'];
    expect(pulumiArgs('preview', 'prod')).toEqual(['preview', '--stack', 'prod', ...json, '--policy-pack', 'policies']);
    expect(pulumiArgs('up', 'dev')).toEqual(['up', '--stack', 'dev', ...json, '--yes', '--skip-preview', '--policy-pack', 'policies']);
    expect(pulumiArgs('destroy', 'pr-7')).toEqual(['destroy', '--stack', 'pr-7', ...json, '--yes', '--remove']);
    expect(pulumiArgs('drift', 'staging')).toEqual([
      'preview',
      '--stack',
      'staging',
      ...json,
      '--refresh',
      '--expect-no-changes',
      '--policy-pack',
      'policies',
    ]);
  });

  it("counts resources per operation as Pulumi's summary does, planned or done", () => {
    expect(resourceSummary({ same: 113, update: 1, create: 2, replace: 1, delete: 0 }, true)).toEqual([
      '+ 2 to create',
      '~ 1 to update',
      '+- 1 to replace',
      '113 unchanged',
    ]);
    expect(resourceSummary({ create: 57, import: 1 }, false)).toEqual(['+ 57 created', '1 import']);
  });

  it('reads the events: changing steps only, policy violations, errors and warnings, the summary', () => {
    expect(readEngineEvents(`${PREVIEW_EVENTS}\nwarning: a line that is not an event\n`)).toEqual({
      changes: { same: 113, update: 1 },
      result: 'succeeded',
      steps: [{ op: 'update', urn: FIREWALL_URN, type: 'gcp:compute/firewall:Firewall', diffs: ['sourceRanges'] }],
      failed: [],
      violations: [
        {
          policy: 'NET03-firewall-source',
          pack: 'platform-policies',
          enforcement: 'advisory',
          message: 'firewall allows 0.0.0.0/0\nmore detail',
          urn: FIREWALL_URN,
        },
      ],
      diagnostics: [{ severity: 'warning', message: 'deprecated field sourceTags', urn: FIREWALL_URN }],
      otherLines: 1,
    });
  });

  it('leaves out refresh reads and the halves of a replacement, which are not logical steps', () => {
    const replaced = 'urn:pulumi:dev::platform::gcp:container/cluster:Cluster::gke';
    const lines = [
      event(1, { resourcePreEvent: { metadata: metadata('refresh', replaced, 'gcp:container/cluster:Cluster') } }),
      event(2, {
        resourcePreEvent: {
          metadata: metadata('replace', replaced, 'gcp:container/cluster:Cluster', { keys: ['location'], logical: true }),
        },
      }),
      event(3, { resourcePreEvent: { metadata: metadata('create-replacement', replaced, 'gcp:container/cluster:Cluster') } }),
      event(4, {
        resOpFailedEvent: { metadata: metadata('create-replacement', replaced, 'gcp:container/cluster:Cluster'), status: 1, steps: 0 },
      }),
    ];
    const events = readEngineEvents(lines.join('\n'));
    expect(events.steps.map((s) => s.op)).toEqual(['replace']);
    expect(events.failed).toEqual([replaced]);
  });

  it("summarizes a preview for the pull request from its events, with Pulumi's messages folded", async () => {
    const { run, envs } = fakeRunner({
      main: { code: 0, stdout: PREVIEW_EVENTS, stderr: 'warning: a newer version of Pulumi is available\n' },
    });
    const result = await runStep('preview', 'dev', run);
    expect(envs[1]).toEqual({ ...PULUMI_ENV, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' });
    expect(result).toEqual({
      code: 0,
      markdown: [
        '### `pulumi preview` of stack `dev`: succeeded',
        '',
        '- ~ 1 to update',
        '- 113 unchanged',
        '',
        '<details><summary>Resources to change (1)</summary>',
        '',
        '- update `gcp:compute/firewall:Firewall` `net-allow-lb`: sourceRanges',
        '</details>',
        '',
        'Policy violations (1):',
        '- advisory `NET03-firewall-source` on `net-allow-lb`: firewall allows 0.0.0.0/0',
        '',
        'Errors and warnings (1):',
        '- warning (`net-allow-lb`): deprecated field sourceTags',
        '',
        "<details><summary>Pulumi's messages</summary>",
        '',
        '```',
        'warning: a newer version of Pulumi is available',
        '```',
        '</details>',
        '',
      ].join('\n'),
    });
  });

  it('shows everything Pulumi wrote when no event came (it failed before the engine started)', async () => {
    const { run } = fakeRunner({ main: { code: 255, stdout: '', stderr: 'error: failed to load language plugin nodejs\n' } });
    const result = await runStep('up', 'dev', run);
    expect(result.markdown).toBe(
      '### `pulumi up` of stack `dev`: failed\n\n<details><summary>Output</summary>\n\n```\nerror: failed to load language plugin nodejs\n```\n</details>\n',
    );
  });

  it('keeps the exit code and says a drift check found drift', async () => {
    const { run } = fakeRunner({ main: { code: 255, stderr: 'error: no changes were expected but changes were proposed' } });
    const result = await runStep('drift', 'prod', run);
    expect(result.code).toBe(255);
    expect(result.markdown).toMatch(/^### `pulumi preview` of stack `prod`: found drift or failed/);
  });

  it('gives the URLs of a preview stack after up, and only for preview stacks', async () => {
    const created = event(1, {
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: 300,
        resourceChanges: { create: 57 },
        PolicyPacks: {},
        isPreview: false,
        result: 'succeeded',
      },
    });
    const pr = fakeRunner({
      main: { code: 0, stdout: created },
      output: { code: 0, stdout: '["https://pr-7.dev.bookinfo.example.com/productpage"]' },
    });
    const result = await runStep('up', 'pr-7', pr.run, { secretsProvider: DEV_KEY });
    expect(pr.calls[2]).toEqual(['pulumi', 'stack', 'output', 'urls', '--stack', 'pr-7', '--json']);
    expect(result.markdown).toBe(
      '### `pulumi up` of stack `pr-7`: succeeded\n\n- + 57 created\n\nPreview stack is up:\n- https://pr-7.dev.bookinfo.example.com/productpage\n',
    );
    const dev = fakeRunner({ output: { code: 0, stdout: '[]' } });
    await runStep('up', 'dev', dev.run);
    expect(dev.calls.map((c) => c[1])).toEqual(['stack', 'up']);
  });

  it('cuts long output from the front, where the least useful part is', async () => {
    const long = `${'x'.repeat(70_000)}\nerror: the last line`;
    const { run } = fakeRunner({ main: { code: 1, stderr: long } });
    const { markdown } = await runStep('up', 'dev', run);
    expect(markdown.length).toBeLessThan(61_000);
    expect(markdown).toContain('earlier characters in the job log');
    expect(markdown).toContain('error: the last line');
  });

  it('checks drift against the real resources: a refresh first, in the preview only, then no change allowed', () => {
    const args = pulumiArgs('drift', 'prod');
    expect(args[0]).toBe('preview');
    expect(args).toEqual(expect.arrayContaining(['--refresh', '--expect-no-changes']));
  });
});

describe("a configsync stack's app bundles in the summary", () => {
  /**
   * A prod preview's events, in the shape `pulumi preview --json` streams them (apitype.EngineEvent,
   * pulumi v3.248.0: each step's `old` and `new` carry the RepoSync's inputs as infra/config-sync.ts
   * declares them): bookinfo moves on both clusters, boutique stays, shop is new, blog is removed
   * (its second-region RepoSync at another digest than the first's).
   */
  const PROD_EVENTS = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'pulumi-events', 'prod-preview-bundles.jsonl'), 'utf8');
  const short = (hex: string) => `\`sha256:${hex.slice(0, 12)}\``;

  it("keeps each step's old and new inputs", () => {
    const [bookinfo] = readEngineEvents(PROD_EVENTS).steps;
    expect([bookinfo.op, bookinfo.type, bookinfo.diffs]).toEqual(['update', REPO_SYNC_TYPE, ['spec']]);
    expect(bookinfo.oldInputs?.spec).toMatchObject({ oci: { image: expect.stringMatching(/\/apps\/bookinfo@sha256:9f1312112606/) } });
    expect(bookinfo.newInputs?.spec).toMatchObject({ oci: { image: expect.stringMatching(/\/apps\/bookinfo@sha256:64fddb97f18c/) } });
  });

  it('says per app which digest moves to which, once for the same move on both clusters', () => {
    expect(bundleMoves(readEngineEvents(PROD_EVENTS).steps)).toEqual([
      `app blog: ${short('0123456789ab')} -> (removed)`,
      `app blog: ${short('fedcba987654')} -> (removed)`,
      `app bookinfo: ${short('9f1312112606')} -> ${short('64fddb97f18c')} (2 clusters)`,
      `app shop: (none) -> ${short('fedcba987654')} (2 clusters)`,
    ]);
  });

  it('ignores RepoSync steps that keep their digest, and other resources', () => {
    const steps = readEngineEvents(PROD_EVENTS).steps.map((s) => ({ ...s, newInputs: s.oldInputs }));
    expect(bundleMoves(steps.filter((s) => s.op === 'update'))).toEqual([]);
    expect(bundleMoves(readEngineEvents(PREVIEW_EVENTS).steps)).toEqual([]);
  });

  it('shows the moves in the pull request summary before the resources', async () => {
    const { run } = fakeRunner({ main: { code: 0, stdout: PROD_EVENTS } });
    const { markdown } = await runStep('preview', 'prod', run);
    const lines = markdown.split('\n');
    const at = lines.indexOf('App bundles Config Sync will pull (`npm run manifest-diff` shows the objects that change):');
    expect(lines.slice(at, at + 6)).toEqual([
      'App bundles Config Sync will pull (`npm run manifest-diff` shows the objects that change):',
      `- app blog: ${short('0123456789ab')} -> (removed)`,
      `- app blog: ${short('fedcba987654')} -> (removed)`,
      `- app bookinfo: ${short('9f1312112606')} -> ${short('64fddb97f18c')} (2 clusters)`,
      `- app shop: (none) -> ${short('fedcba987654')} (2 clusters)`,
      '',
    ]);
    expect(at).toBeGreaterThan(lines.indexOf('- 540 unchanged'));
    expect(at).toBeLessThan(lines.indexOf('<details><summary>Resources to change (6)</summary>'));
  });
});

describe('selecting the stack', () => {
  it('selects a long-lived stack, never creating it', () => {
    for (const operation of ['preview', 'up', 'drift', 'destroy'] as const) {
      expect(selectArgs(operation, 'prod', DEV_KEY)).toEqual(['stack', 'select', '--stack', 'prod', '--non-interactive']);
    }
  });

  it("creates a preview stack on first use with dev's KMS key", () => {
    expect(selectArgs('up', 'pr-7', DEV_KEY)).toEqual([
      'stack',
      'select',
      '--stack',
      'pr-7',
      '--non-interactive',
      '--create',
      '--secrets-provider',
      DEV_KEY,
    ]);
    expect(selectArgs('preview', 'pr-7', DEV_KEY)).toContain('--create');
  });

  it('never creates the preview stack it is about to destroy', () => {
    expect(selectArgs('destroy', 'pr-7', undefined)).toEqual(['stack', 'select', '--stack', 'pr-7', '--non-interactive']);
  });

  it('refuses to create a preview stack without a gcpkms:// provider, naming the variable and the fix', () => {
    expect(() => selectArgs('up', 'pr-7', undefined)).toThrow(
      /PULUMI_SECRETS_PROVIDER.*\(unset\).*must be a gcpkms:\/\/ key to create preview stack pr-7.*SECRETS_PROVIDER of the GitHub environment "preview"/s,
    );
    expect(() => selectArgs('up', 'pr-7', 'passphrase')).toThrow(/passphrase/);
  });

  it("runs every Pulumi call with the state's secrets provider as the fallback for a missing stack file", async () => {
    expect(PULUMI_ENV).toEqual({ PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: 'true' });
    const pr = fakeRunner({ output: { code: 0, stdout: '[]' } });
    await runStep('up', 'pr-7', pr.run, { secretsProvider: DEV_KEY });
    expect(pr.calls.map((c) => c.slice(1, 3))).toEqual([
      ['stack', 'select'],
      ['up', '--stack'],
      ['stack', 'output'],
    ]);
    expect(pr.envs).toEqual([PULUMI_ENV, PULUMI_ENV, PULUMI_ENV]);
  });

  it('destroys and removes a preview stack from a fresh checkout: select, then destroy --remove', async () => {
    const pr = fakeRunner({
      main: { code: 0, stdout: event(1, { summaryEvent: { resourceChanges: { delete: 57 }, isPreview: false, result: 'succeeded' } }) },
    });
    const result = await runStep('destroy', 'pr-7', pr.run);
    expect(pr.calls).toEqual([
      ['pulumi', 'stack', 'select', '--stack', 'pr-7', '--non-interactive'],
      ['pulumi', 'destroy', '--stack', 'pr-7', '--non-interactive', '--json', '--color', 'never', '--yes', '--remove'],
    ]);
    expect(result.code).toBe(0);
  });

  it('succeeds with nothing to do when the preview stack was never created', async () => {
    const pr = fakeRunner({ select: { code: 255, stderr: "error: no stack named 'pr-7' found" } });
    const result = await runStep('destroy', 'pr-7', pr.run);
    expect(result).toEqual({ code: 0, markdown: '### `pulumi destroy` of stack `pr-7`: nothing to do, the stack does not exist\n' });
    expect(pr.calls).toHaveLength(1);
  });

  it('fails, with the output, when a select fails for any other reason', async () => {
    const pr = fakeRunner({ select: { code: 255, stderr: 'error: 403 storage.objects.list denied' } });
    const result = await runStep('destroy', 'pr-7', pr.run);
    expect(result.code).toBe(255);
    expect(result.markdown).toContain('### `pulumi stack select` of stack `pr-7`: failed');
    expect(result.markdown).toContain('403 storage.objects.list denied');
    const dev = fakeRunner({ select: { code: 255, stderr: "error: no stack named 'dev' found" } });
    expect((await runStep('up', 'dev', dev.run)).code).toBe(255);
  });
});

describe("a preview stack's apps", () => {
  it('sets platform:previewApps as one JSON list after selecting the stack and before the operation', async () => {
    const pr = fakeRunner({ output: { code: 0, stdout: '[]' } });
    await runStep('up', 'pr-7', pr.run, { secretsProvider: DEV_KEY, previewApps: ['boutique'] });
    expect(pr.calls.map((c) => c.slice(1, 3))).toEqual([
      ['stack', 'select'],
      ['config', 'set'],
      ['up', '--stack'],
      ['stack', 'output'],
    ]);
    expect(pr.calls[1]).toEqual(['pulumi', 'config', 'set', '--stack', 'pr-7', 'platform:previewApps', '["boutique"]']);
    expect(pr.envs[1]).toEqual(PULUMI_ENV);
  });

  it('sets them before a preview too, and leaves the configuration alone without a list or for a destroy', async () => {
    const preview = fakeRunner({});
    await runStep('preview', 'pr-7', preview.run, { secretsProvider: DEV_KEY, previewApps: ['bookinfo', 'boutique'] });
    expect(preview.calls[1]).toEqual(['pulumi', 'config', 'set', '--stack', 'pr-7', 'platform:previewApps', '["bookinfo","boutique"]']);
    const none = fakeRunner({});
    await runStep('up', 'pr-7', none.run, { secretsProvider: DEV_KEY });
    expect(none.calls.some((c) => c[1] === 'config')).toBe(false);
    const destroy = fakeRunner({});
    await runStep('destroy', 'pr-7', destroy.run, { previewApps: ['bookinfo'] });
    expect(destroy.calls.some((c) => c[1] === 'config')).toBe(false);
  });

  it('fails without running the operation when the setting cannot be written', async () => {
    const pr = fakeRunner({ config: { code: 255, stderr: 'error: could not save the stack file' } });
    const result = await runStep('up', 'pr-7', pr.run, { secretsProvider: DEV_KEY, previewApps: ['bookinfo'] });
    expect(result.code).toBe(255);
    expect(result.markdown).toMatch(/^### `pulumi config set platform:previewApps` of stack `pr-7`: failed\n/);
    expect(result.markdown).toContain('could not save the stack file');
    expect(pr.calls).toHaveLength(2);
  });

  it("reads --preview-apps as the JSON list stacks preview-apps prints; '' is no list", () => {
    expect(parsePreviewApps('["bookinfo","boutique"]', 'pr-7')).toEqual(['bookinfo', 'boutique']);
    expect(parsePreviewApps('', 'pr-7')).toBeUndefined();
    expect(parsePreviewApps('', 'dev')).toBeUndefined();
  });

  it.each([['[]'], ['bookinfo'], ['["Bookinfo"]'], ['[1]'], ['{"app":"bookinfo"}']])('refuses --preview-apps %s', (raw) => {
    expect(() => parsePreviewApps(raw, 'pr-7')).toThrow(
      `pulumi-step: --preview-apps ${JSON.stringify(raw)} is not a JSON list of app names (at least one). Fix: pass what \`npm run stacks -- preview-apps\` prints, e.g. ["bookinfo"], or nothing for every app of dev`,
    );
  });

  it('refuses a list for a platform stack', () => {
    expect(() => parsePreviewApps('["bookinfo"]', 'dev')).toThrow(
      'pulumi-step: --preview-apps "[\\"bookinfo\\"]" is only for preview stacks (pr-<N>), not dev. Fix: leave it out: a platform stack deploys every app in platform:apps',
    );
  });

  it('npm run pulumi-step passes --preview-apps on to the stack before the operation', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulumi-step-'));
    const pr = fakeRunner({});
    const saved = process.env.PULUMI_SECRETS_PROVIDER;
    process.env.PULUMI_SECRETS_PROVIDER = DEV_KEY;
    try {
      const code = await pulumiStepCli(
        ['--command', 'preview', '--stack', 'pr-7', '--out', 'out.md', '--preview-apps', '["boutique"]'],
        { out: () => undefined, err: () => undefined, cwd: dir },
        pr.run,
      );
      expect(code).toBe(0);
      expect(pr.calls[1]).toEqual(['pulumi', 'config', 'set', '--stack', 'pr-7', 'platform:previewApps', '["boutique"]']);
    } finally {
      if (saved === undefined) delete process.env.PULUMI_SECRETS_PROVIDER;
      else process.env.PULUMI_SECRETS_PROVIDER = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the stack files' secrets providers", () => {
  const KEY_LINE = 'encryptedkey: CiQAbc==';

  it('accepts a long-lived stack file with its gcpkms:// key and encrypted data key', () => {
    expect(stackFileProblems('dev', 'Pulumi.dev.yaml', `secretsprovider: ${DEV_KEY}\n${KEY_LINE}\nconfig: {}\n`)).toBeUndefined();
  });

  it('refuses a missing file, a missing or passphrase provider, and a missing encryptedkey, each with the stack init fix', () => {
    const message = (text: string | undefined) => stackFileProblems('dev', 'Pulumi.dev.yaml', text)?.message ?? '';
    expect(message(undefined)).toMatch(/Pulumi\.dev\.yaml.*does not exist.*pulumi stack init dev --secrets-provider/s);
    expect(message('config: {}\n')).toMatch(/secretsprovider.*\(missing\).*not a gcpkms:\/\/ key/s);
    expect(message('encryptionsalt: v1:abc\nsecretsprovider: passphrase\n')).toMatch(/passphrase/);
    expect(message(`secretsprovider: ${DEV_KEY}\nconfig: {}\n`)).toMatch(/encryptedkey.*new data key on every run.*docs\/ci-cd\.md/s);
  });

  it('asks nothing of preview stacks, whose files are never committed', () => {
    expect(stackFileProblems('pr-7', 'Pulumi.pr-7.yaml', undefined)).toBeUndefined();
  });

  it("commit each long-lived stack's KMS key: the bootstrap key of the stack's own project and region", () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as {
        secretsprovider?: string;
        config: Record<string, string>;
      };
      const key = cryptoKeyId(file.config['gcp:project'], file.config['gcp:region'], STACK_SECRETS_KEY);
      expect([stack, file.secretsprovider]).toEqual([stack, secretsProviderUrl(key)]);
    }
  });
});
