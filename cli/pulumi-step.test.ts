import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { cryptoKeyId, secretsProviderUrl, STACK_SECRETS_KEY } from '../infra/kms';
import { PULUMI_ENV, pulumiArgs, resourceSummary, runStep, selectArgs, stackFileProblems, type Runner } from './pulumi-step-command';

const ROOT = path.resolve(__dirname, '..');
const DEV_KEY = 'gcpkms://projects/acme-dev/locations/europe-west1/keyRings/platform/cryptoKeys/pulumi-stacks';

const PREVIEW_OUTPUT = [
  'Previewing update (dev):',
  '     Type                 Name   Plan',
  '     pulumi:pulumi:Stack  platform-dev',
  ' ~   gcp:compute:Firewall net-allow-lb  update',
  '',
  'Policies:',
  '    ✅ platform-policies@v0.1.0 (local: policies)',
  '',
  'Resources:',
  '    ~ 1 to update',
  '    113 unchanged',
  '',
].join('\n');

/** Answers `stack select`, `stack output` and the operation from a table; records every call with its environment. */
function fakeRunner(results: Record<string, { code: number; output: string }>): { run: Runner; calls: string[][]; envs: Array<Readonly<Record<string, string>>> } {
  const calls: string[][] = [];
  const envs: Array<Readonly<Record<string, string>>> = [];
  const run: Runner = async (command, args, env) => {
    calls.push([command, ...args]);
    envs.push(env);
    const key = args[0] !== 'stack' ? 'main' : args[1] === 'select' ? 'select' : 'output';
    return results[key] ?? { code: 0, output: '' };
  };
  return { run, calls, envs };
}

describe('pulumi-step', () => {
  it('runs every operation with the policy pack where it applies, never interactively', () => {
    expect(pulumiArgs('preview', 'prod')).toEqual(['preview', '--stack', 'prod', '--non-interactive', '--diff', '--policy-pack', 'policies']);
    expect(pulumiArgs('up', 'dev')).toEqual(['up', '--stack', 'dev', '--non-interactive', '--yes', '--skip-preview', '--policy-pack', 'policies']);
    expect(pulumiArgs('destroy', 'pr-7')).toEqual(['destroy', '--stack', 'pr-7', '--non-interactive', '--yes', '--remove']);
    expect(pulumiArgs('drift', 'staging')).toEqual(['preview', '--stack', 'staging', '--non-interactive', '--refresh', '--expect-no-changes', '--diff', '--policy-pack', 'policies']);
  });

  it('reads the Resources block', () => {
    expect(resourceSummary(PREVIEW_OUTPUT)).toEqual(['~ 1 to update', '113 unchanged']);
    expect(resourceSummary('error: no stack')).toEqual([]);
  });

  it('summarizes a preview for the pull request, with the output folded', async () => {
    const { run } = fakeRunner({ main: { code: 0, output: PREVIEW_OUTPUT } });
    const result = await runStep('preview', 'dev', run);
    expect(result.code).toBe(0);
    expect(result.markdown).toContain('### `pulumi preview` of stack `dev`: succeeded\n\n- ~ 1 to update\n- 113 unchanged\n');
    expect(result.markdown).toContain('<details><summary>Output</summary>\n\n```\nPreviewing update (dev):');
  });

  it('keeps the exit code and says a drift check found drift', async () => {
    const { run } = fakeRunner({ main: { code: 255, output: 'error: no changes were expected but changes were proposed' } });
    const result = await runStep('drift', 'prod', run);
    expect(result.code).toBe(255);
    expect(result.markdown).toMatch(/^### `pulumi preview` of stack `prod`: found drift or failed/);
  });

  it('gives the URLs of a preview stack after up, and only for preview stacks', async () => {
    const pr = fakeRunner({ main: { code: 0, output: 'Resources:\n    + 57 created\n' }, output: { code: 0, output: '["https://pr-7.dev.bookinfo.example.com/productpage"]' } });
    const result = await runStep('up', 'pr-7', pr.run, { secretsProvider: DEV_KEY });
    expect(pr.calls[2]).toEqual(['pulumi', 'stack', 'output', 'urls', '--stack', 'pr-7', '--json']);
    expect(result.markdown).toContain('Preview stack is up:\n- https://pr-7.dev.bookinfo.example.com/productpage\n');
    const dev = fakeRunner({ main: { code: 0, output: '' }, output: { code: 0, output: '[]' } });
    await runStep('up', 'dev', dev.run);
    expect(dev.calls.map((c) => c[1])).toEqual(['stack', 'up']);
  });

  it('cuts long output from the front, where the least useful part is', async () => {
    const long = `${'x'.repeat(70_000)}\nerror: the last line`;
    const { run } = fakeRunner({ main: { code: 1, output: long } });
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

describe('selecting the stack', () => {
  it('selects a long-lived stack, never creating it', () => {
    for (const operation of ['preview', 'up', 'drift', 'destroy'] as const) {
      expect(selectArgs(operation, 'prod', DEV_KEY)).toEqual(['stack', 'select', '--stack', 'prod', '--non-interactive']);
    }
  });

  it('creates a preview stack on first use with dev\'s KMS key', () => {
    expect(selectArgs('up', 'pr-7', DEV_KEY)).toEqual(['stack', 'select', '--stack', 'pr-7', '--non-interactive', '--create', '--secrets-provider', DEV_KEY]);
    expect(selectArgs('preview', 'pr-7', DEV_KEY)).toContain('--create');
  });

  it('never creates the preview stack it is about to destroy', () => {
    expect(selectArgs('destroy', 'pr-7', undefined)).toEqual(['stack', 'select', '--stack', 'pr-7', '--non-interactive']);
  });

  it('refuses to create a preview stack without a gcpkms:// provider, naming the variable and the fix', () => {
    expect(() => selectArgs('up', 'pr-7', undefined)).toThrow(/PULUMI_SECRETS_PROVIDER.*\(unset\).*must be a gcpkms:\/\/ key to create preview stack pr-7.*SECRETS_PROVIDER of the GitHub environment "preview"/s);
    expect(() => selectArgs('up', 'pr-7', 'passphrase')).toThrow(/passphrase/);
  });

  it('runs every Pulumi call with the state\'s secrets provider as the fallback for a missing stack file', async () => {
    expect(PULUMI_ENV).toEqual({ PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: 'true' });
    const pr = fakeRunner({ main: { code: 0, output: '' }, output: { code: 0, output: '[]' } });
    await runStep('up', 'pr-7', pr.run, { secretsProvider: DEV_KEY });
    expect(pr.calls.map((c) => c.slice(1, 3))).toEqual([['stack', 'select'], ['up', '--stack'], ['stack', 'output']]);
    expect(pr.envs).toEqual([PULUMI_ENV, PULUMI_ENV, PULUMI_ENV]);
  });

  it('destroys and removes a preview stack from a fresh checkout: select, then destroy --remove', async () => {
    const pr = fakeRunner({ main: { code: 0, output: 'Resources:\n    - 57 deleted\n' } });
    const result = await runStep('destroy', 'pr-7', pr.run);
    expect(pr.calls).toEqual([
      ['pulumi', 'stack', 'select', '--stack', 'pr-7', '--non-interactive'],
      ['pulumi', 'destroy', '--stack', 'pr-7', '--non-interactive', '--yes', '--remove'],
    ]);
    expect(result.code).toBe(0);
  });

  it('succeeds with nothing to do when the preview stack was never created', async () => {
    const pr = fakeRunner({ select: { code: 255, output: "error: no stack named 'pr-7' found" } });
    const result = await runStep('destroy', 'pr-7', pr.run);
    expect(result).toEqual({ code: 0, markdown: '### `pulumi destroy` of stack `pr-7`: nothing to do, the stack does not exist\n' });
    expect(pr.calls).toHaveLength(1);
  });

  it('fails, with the output, when a select fails for any other reason', async () => {
    const pr = fakeRunner({ select: { code: 255, output: 'error: 403 storage.objects.list denied' } });
    const result = await runStep('destroy', 'pr-7', pr.run);
    expect(result.code).toBe(255);
    expect(result.markdown).toContain('### `pulumi stack select` of stack `pr-7`: failed');
    expect(result.markdown).toContain('403 storage.objects.list denied');
    const dev = fakeRunner({ select: { code: 255, output: "error: no stack named 'dev' found" } });
    expect((await runStep('up', 'dev', dev.run)).code).toBe(255);
  });
});

describe('the stack files\' secrets providers', () => {
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

  it('commit each long-lived stack\'s KMS key: the bootstrap key of the stack\'s own project and region', () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { secretsprovider?: string; config: Record<string, string> };
      const key = cryptoKeyId(file.config['gcp:project'], file.config['gcp:region'], STACK_SECRETS_KEY);
      expect([stack, file.secretsprovider]).toEqual([stack, secretsProviderUrl(key)]);
    }
  });
});
