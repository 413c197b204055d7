import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { authEnv, openPr, openPrCli, repoFromRemote, type Git, type OpenPrOptions } from './open-pr-command';
import { fakeGitHub, type FakeReply } from '../test/fixtures/fake-github';

const TOKEN = 'ghs_secretsecretsecret';

const API = 'https://api.github.com/repos/my-org/platform';
const LIST = `${API}/pulls?state=open&head=my-org%3Arelease%2Freviews-v2`;

function fakes(status: string, pulls: unknown[], failWith?: number) {
  const gitCalls: Array<{ args: readonly string[]; env?: Record<string, string> }> = [];
  const git: Git = async (args, env) => {
    gitCalls.push({ args, ...(env !== undefined && { env }) });
    if (args[0] === 'status') return status;
    if (args[0] === 'remote') return 'https://github.com/my-org/platform.git\n';
    return '';
  };
  const reply = (code: number, json: unknown): FakeReply =>
    failWith === undefined ? { status: code, json } : { status: failWith, json: { message: 'Resource not accessible by integration' } };
  const github = fakeGitHub({
    [`GET ${LIST}`]: reply(200, pulls),
    [`POST ${API}/pulls`]: reply(201, { number: 42, html_url: 'https://github.com/my-org/platform/pull/42' }),
    [`PATCH ${API}/pulls/41`]: reply(200, { number: 41, html_url: 'https://github.com/my-org/platform/pull/41' }),
  });
  return { git, gitCalls, github, apiCalls: github.calls };
}

function options(f: ReturnType<typeof fakes>): OpenPrOptions {
  return {
    branch: 'release/reviews-v2',
    title: 'Release reviews v2 to dev',
    body: 'pin',
    paths: ['services/releases/dev.yaml'],
    base: 'main',
    token: TOKEN,
    git: f.git,
    connection: { fetch: f.github.fetch, retryBaseMs: 1, throttle: false },
  };
}

describe('open-pr', () => {
  it('does nothing when the file did not change', async () => {
    const f = fakes('', []);
    await expect(openPr(options(f))).resolves.toEqual({ action: 'unchanged' });
    expect(f.gitCalls).toHaveLength(1);
    expect(f.apiCalls).toHaveLength(0);
  });

  it('commits only the file, force-pushes the branch and opens the pull request', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', []);
    await expect(openPr(options(f))).resolves.toEqual({ action: 'created', url: 'https://github.com/my-org/platform/pull/42' });
    expect(f.gitCalls.map((c) => c.args.filter((a) => !a.startsWith('user.')).join(' '))).toEqual([
      'status --porcelain -- services/releases/dev.yaml',
      'remote get-url origin',
      'switch -C release/reviews-v2',
      'add -- services/releases/dev.yaml',
      '-c -c commit --message Release reviews v2 to dev -- services/releases/dev.yaml',
      'push --force origin HEAD:refs/heads/release/reviews-v2',
    ]);
    expect(f.github.requests()).toEqual([`GET ${LIST}`, `POST ${API}/pulls`]);
    expect(f.apiCalls[1].body).toEqual({ title: 'Release reviews v2 to dev', body: 'pin', head: 'release/reviews-v2', base: 'main' });
  });

  it('commits several files together: status, add and commit name every one, and nothing else', async () => {
    const f = fakes(' M services/boutique/releases/staging.yaml\n', []);
    const paths = ['services/releases/staging.yaml', 'services/boutique/releases/staging.yaml'];
    await expect(openPr({ ...options(f), paths })).resolves.toEqual({
      action: 'created',
      url: 'https://github.com/my-org/platform/pull/42',
    });
    const byCommand = (name: string) => f.gitCalls.find((c) => c.args.includes(name))?.args ?? [];
    for (const name of ['status', 'add', 'commit']) {
      const args = byCommand(name);
      expect(args.slice(args.indexOf('--') + 1)).toEqual(paths);
    }
  });

  it('refuses to run without a file, before any git command', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', []);
    await expect(openPr({ ...options(f), paths: [] })).rejects.toThrow(
      'no file to commit. Fix: pass --path <file> (repeat it for several files)',
    );
    expect(f.gitCalls).toEqual([]);
  });

  it('npm run open-pr takes --path several times and names them when none changed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-pr-'));
    fs.writeFileSync(path.join(dir, 'body.md'), 'pins');
    const f = fakes('', []);
    let stdout = '';
    const code = await openPrCli(
      [
        '--branch',
        'promote/dev-1',
        '--title',
        'Promote dev pins to staging',
        '--body-file',
        'body.md',
        '--path',
        'services/releases/staging.yaml',
        '--path',
        'services/boutique/releases/staging.yaml',
      ],
      { out: (t) => (stdout += t), err: () => undefined, cwd: dir },
      { git: f.git, connection: {}, env: { GH_TOKEN: TOKEN } },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
    expect(f.gitCalls.map((c) => c.args)).toEqual([
      ['status', '--porcelain', '--', 'services/releases/staging.yaml', 'services/boutique/releases/staging.yaml'],
    ]);
    expect(stdout).toBe('services/releases/staging.yaml, services/boutique/releases/staging.yaml are unchanged: no pull request needed\n');
  });

  it('updates the open pull request of the branch instead of opening another', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', [{ number: 41, html_url: 'https://github.com/my-org/platform/pull/41' }]);
    await expect(openPr(options(f))).resolves.toEqual({ action: 'updated', url: 'https://github.com/my-org/platform/pull/41' });
    expect(f.github.requests()).toEqual([`GET ${LIST}`, `PATCH ${API}/pulls/41`]);
    expect(f.apiCalls[1].body).toEqual({ title: 'Release reviews v2 to dev', body: 'pin' });
  });

  it('keeps the token off every command line, passing it to git only through the environment', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', []);
    await openPr(options(f));
    expect(f.gitCalls.flatMap((c) => c.args).join(' ')).not.toContain(TOKEN);
    const push = f.gitCalls.find((c) => c.args[0] === 'push');
    expect(push?.env).toEqual(authEnv(TOKEN));
    expect(Buffer.from((push?.env?.GIT_CONFIG_VALUE_0 ?? '').replace('AUTHORIZATION: basic ', ''), 'base64').toString()).toBe(
      `x-access-token:${TOKEN}`,
    );
  });

  it('explains a 403 with the permission the token lacks, without the token', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', [], 403);
    const error = await openPr(options(f)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      'GET /repos/my-org/platform/pulls failed: 403 Resource not accessible by integration. ' +
        'Fix: the token needs contents: write and pull-requests: write on the repository (install the GitHub App on it)',
    );
    expect(f.apiCalls).toHaveLength(1);
    expect(error?.message).not.toContain(TOKEN);
  });

  it('reads the repository from https and ssh remotes', () => {
    expect(repoFromRemote('https://github.com/my-org/platform.git')).toBe('my-org/platform');
    expect(repoFromRemote('git@github.com:my-org/platform.git')).toBe('my-org/platform');
    expect(repoFromRemote('https://gitlab.com/x/y')).toBeUndefined();
  });
});
