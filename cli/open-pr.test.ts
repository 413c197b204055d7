import { authEnv, openPr, repoFromRemote, type Git, type OpenPrOptions } from './open-pr-command';
import type { Fetch, FetchInit } from './pr-comment-command';

const TOKEN = 'ghs_secretsecretsecret';

function fakes(status: string, pulls: unknown[], failWith?: number) {
  const gitCalls: Array<{ args: readonly string[]; env?: Record<string, string> }> = [];
  const apiCalls: Array<{ url: string; init: FetchInit }> = [];
  const git: Git = async (args, env) => {
    gitCalls.push({ args, ...(env !== undefined && { env }) });
    if (args[0] === 'status') return status;
    if (args[0] === 'remote') return 'https://github.com/my-org/platform.git\n';
    return '';
  };
  const fetch: Fetch = async (url, init) => {
    apiCalls.push({ url, init });
    const code = failWith ?? (init.method === 'POST' ? 201 : 200);
    const body = init.method === 'GET' ? pulls : { html_url: 'https://github.com/my-org/platform/pull/42', message: 'Resource not accessible by integration' };
    return { status: code, statusText: code === 403 ? 'Forbidden' : 'OK', headers: { get: () => null }, text: async () => JSON.stringify(body) };
  };
  return { git, fetch, gitCalls, apiCalls };
}

function options(f: ReturnType<typeof fakes>): OpenPrOptions {
  return { branch: 'release/reviews-v2', title: 'Release reviews v2 to dev', body: 'pin', path: 'services/releases/dev.yaml', base: 'main', token: TOKEN, git: f.git, fetch: f.fetch };
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
    const post = f.apiCalls[1];
    expect(post.url).toBe('https://api.github.com/repos/my-org/platform/pulls');
    expect(JSON.parse(post.init.body ?? '')).toEqual({ title: 'Release reviews v2 to dev', body: 'pin', head: 'release/reviews-v2', base: 'main' });
  });

  it('updates the open pull request of the branch instead of opening another', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', [{ number: 41, html_url: 'https://github.com/my-org/platform/pull/41' }]);
    await expect(openPr(options(f))).resolves.toEqual({ action: 'updated', url: 'https://github.com/my-org/platform/pull/41' });
    expect(f.apiCalls[0].url).toBe('https://api.github.com/repos/my-org/platform/pulls?state=open&head=my-org%3Arelease%2Freviews-v2');
    expect(f.apiCalls[1]).toMatchObject({ url: 'https://api.github.com/repos/my-org/platform/pulls/41', init: { method: 'PATCH' } });
  });

  it('keeps the token off every command line, passing it to git only through the environment', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', []);
    await openPr(options(f));
    expect(f.gitCalls.flatMap((c) => c.args).join(' ')).not.toContain(TOKEN);
    const push = f.gitCalls.find((c) => c.args[0] === 'push');
    expect(push?.env).toEqual(authEnv(TOKEN));
    expect(Buffer.from((push?.env?.GIT_CONFIG_VALUE_0 ?? '').replace('AUTHORIZATION: basic ', ''), 'base64').toString()).toBe(`x-access-token:${TOKEN}`);
  });

  it('explains a 403 with the permission the token lacks, without the token', async () => {
    const f = fakes(' M services/releases/dev.yaml\n', [], 403);
    const error = await openPr(options(f)).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/GET \/repos\/my-org\/platform\/pulls.* failed with 403 Forbidden.*Fix: the token needs contents: write and pull-requests: write/);
    expect(error?.message).not.toContain(TOKEN);
  });

  it('reads the repository from https and ssh remotes', () => {
    expect(repoFromRemote('https://github.com/my-org/platform.git')).toBe('my-org/platform');
    expect(repoFromRemote('git@github.com:my-org/platform.git')).toBe('my-org/platform');
    expect(repoFromRemote('https://gitlab.com/x/y')).toBeUndefined();
  });
});
