import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnTsx, type CliResult } from '../test/cli';
import { fakeGitHub, type FakeGitHub } from '../test/fixtures/fake-github';
import type { Fetch } from './github';
import { MAX_BODY_CHARS, missingNote, prepareBody, runPrComment, upsertComment, type Connection } from './pr-comment-command';

const TOKEN = 'ghs_TESTTOKEN0123456789abcdef';
const API = 'https://api.github.com';
const MARKER = '<!-- platform:manifest-diff -->';
const USAGE = 'usage: test';

/** Fake GitHub, waits of 1 ms per second asked, no pacing of writes. */
const fast = (github: FakeGitHub): Connection => ({ fetch: github.fetch, retryBaseMs: 1, throttle: false });

const comments = (from: number, count: number, body = 'looks good') => Array.from({ length: count }, (_, i) => ({ id: from + i, body }));
const LIST = `${API}/repos/acme/platform/issues/7/comments?per_page=100`;

describe('upsertComment', () => {
  it('creates a comment when none carries the marker', async () => {
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: comments(1, 3) },
      [`POST ${API}/repos/acme/platform/issues/7/comments`]: { status: 201, json: { id: 901 } },
    });
    const outcome = await upsertComment({
      pr: 7,
      marker: 'manifest-diff',
      body: `${MARKER}\n## Diff\n`,
      repo: 'acme/platform',
      token: TOKEN,
      connection: fast(github),
    });
    expect(outcome).toEqual({ action: 'created', id: 901 });
    expect(github.requests()).toEqual([`GET ${LIST}`, `POST ${API}/repos/acme/platform/issues/7/comments`]);
    expect(github.calls[1].body).toEqual({ body: `${MARKER}\n## Diff\n` });
  });

  it('follows Link rel="next" and updates the comment found on page 2', async () => {
    const page2 = `${API}/repositories/1/issues/7/comments?per_page=100&page=2`;
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: comments(1, 100), headers: { link: `<${page2}>; rel="next", <${page2}>; rel="last"` } },
      [`GET ${page2}`]: {
        json: [
          { id: 555, body: `${MARKER}\nold diff` },
          { id: 556, body: 'later' },
        ],
        headers: { link: `<${LIST}>; rel="prev", <${LIST}>; rel="first"` },
      },
      [`PATCH ${API}/repos/acme/platform/issues/comments/555`]: { json: { id: 555 } },
    });
    const outcome = await upsertComment({
      pr: 7,
      marker: 'manifest-diff',
      body: 'new diff',
      repo: 'acme/platform',
      token: TOKEN,
      connection: fast(github),
    });
    expect(outcome).toEqual({ action: 'updated', id: 555 });
    expect(github.requests()).toEqual([`GET ${LIST}`, `GET ${page2}`, `PATCH ${API}/repos/acme/platform/issues/comments/555`]);
  });

  it('prepends the marker to a body without it', async () => {
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: [] },
      [`POST ${API}/repos/acme/platform/issues/7/comments`]: { status: 201, json: { id: 2 } },
    });
    await upsertComment({
      pr: 7,
      marker: 'manifest-diff',
      body: '## Diff\n',
      repo: 'acme/platform',
      token: TOKEN,
      connection: fast(github),
    });
    expect(github.calls[1].body).toEqual({ body: `${MARKER}\n## Diff\n` });
  });

  it('sends the token with the GitHub API headers, to a GitHub Enterprise URL too', async () => {
    const ghes = 'https://github.example.com/api/v3';
    const github = fakeGitHub({
      [`GET ${ghes}/repos/acme/platform/issues/7/comments?per_page=100`]: { json: [] },
      [`POST ${ghes}/repos/acme/platform/issues/7/comments`]: { status: 201, json: { id: 3 } },
    });
    await upsertComment({
      pr: 7,
      marker: 'manifest-diff',
      body: 'x',
      repo: 'acme/platform',
      token: TOKEN,
      apiUrl: `${ghes}/`,
      connection: fast(github),
    });
    expect(github.calls[0].headers).toMatchObject({
      authorization: `token ${TOKEN}`,
      accept: 'application/vnd.github.v3+json',
      'x-github-api-version': '2022-11-28',
    });
    expect(github.calls[1].headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
  });

  it("explains a 403 with GitHub's message and the permissions the job needs", async () => {
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: [] },
      [`POST ${API}/repos/acme/platform/issues/7/comments`]: { status: 403, json: { message: 'Resource not accessible by integration' } },
    });
    await expect(
      upsertComment({ pr: 7, marker: 'manifest-diff', body: 'x', repo: 'acme/platform', token: TOKEN, connection: fast(github) }),
    ).rejects.toThrow(
      'POST /repos/acme/platform/issues/7/comments failed: 403 Resource not accessible by integration. ' +
        'Fix: the job needs `permissions: pull-requests: write`; pull requests from forks get a read-only token, ' +
        'so skip this step for them (if: github.event.pull_request.head.repo.full_name == github.repository)',
    );
  });

  it('explains a 404 on the listing', async () => {
    const github = fakeGitHub({ [`GET ${LIST}`]: { status: 404, json: { message: 'Not Found' } } });
    await expect(
      upsertComment({ pr: 7, marker: 'manifest-diff', body: 'x', repo: 'acme/platform', token: TOKEN, connection: fast(github) }),
    ).rejects.toThrow(
      'GET /repos/acme/platform/issues/7/comments failed: 404 Not Found. Fix: check GITHUB_REPOSITORY (owner/repo) and --pr, and that the token can see the repository',
    );
  });

  it('refuses to send the token to a next page on another host', async () => {
    const github = fakeGitHub({ [`GET ${LIST}`]: { json: [], headers: { link: '<https://evil.example.com/page2>; rel="next"' } } });
    await expect(
      upsertComment({ pr: 7, marker: 'manifest-diff', body: 'x', repo: 'acme/platform', token: TOKEN, connection: fast(github) }),
    ).rejects.toThrow('GitHub sent a link to https://evil.example.com, not https://api.github.com; refusing to send the token there');
    expect(github.calls).toHaveLength(1);
  });

  it.each([
    [{ marker: 'Bad Key -->' }, '--marker "Bad Key -->" must be lower-case letters, digits, ".", "_" or "-", e.g. manifest-diff'],
    [{ repo: 'platform' }, 'GITHUB_REPOSITORY "platform" must be owner/repo'],
    [{ apiUrl: 'http://api.example.com' }, 'GITHUB_API_URL "http://api.example.com" must be https (the token is sent to it)'],
    [{ pr: 0 }, '--pr must be a positive whole number, not 0'],
  ])('refuses %j before calling GitHub', async (override, message) => {
    const github = fakeGitHub({});
    await expect(
      upsertComment({
        pr: 7,
        marker: 'manifest-diff',
        body: 'x',
        repo: 'acme/platform',
        token: TOKEN,
        connection: fast(github),
        ...override,
      }),
    ).rejects.toThrow(message);
    expect(github.calls).toEqual([]);
  });
});

describe('prepareBody', () => {
  it('keeps a body that already carries the marker as it is', () => {
    expect(prepareBody(`intro\n${MARKER}\nrest`, 'manifest-diff')).toBe(`intro\n${MARKER}\nrest`);
  });

  it('cuts a body over 65000 characters at a line end, closes what the cut left open, and says so', () => {
    const line = `${'x'.repeat(99)}\n`;
    const body = `${MARKER}\n<details>\n\n${line.repeat(800)}</details>\n`;
    const prepared = prepareBody(body, 'manifest-diff');
    expect(prepared.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(prepared.startsWith(`${MARKER}\n<details>\n`)).toBe(true);
    const tail =
      "x\n</details>\n\n**Truncated**: the full text has 80054 characters, more than a comment holds. See the workflow run's log for the rest.\n";
    expect(prepared.slice(-tail.length)).toBe(tail);
  });

  it('keeps the marker when the cut would remove it', () => {
    const prepared = prepareBody(`${'y\n'.repeat(40000)}${MARKER}`, 'manifest-diff');
    expect(prepared.startsWith(`${MARKER}\n`)).toBe(true);
    expect(prepared.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
  });
});

describe('runPrComment', () => {
  let tmp: string;
  let bodyFile: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-comment-'));
    bodyFile = path.join(tmp, 'body.md');
    fs.writeFileSync(bodyFile, '## Diff\n');
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: 'acme/platform' };

  it('prints which comment it created', async () => {
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: [] },
      [`POST ${API}/repos/acme/platform/issues/7/comments`]: { status: 201, json: { id: 42 } },
    });
    expect(await runPrComment({ pr: '7', marker: 'manifest-diff', bodyFile }, env, USAGE, fast(github))).toBe('created comment 42');
  });

  it.each([
    ['without --body-file', { pr: '7', marker: 'manifest-diff' }, env, '--body-file is required\nusage: test'],
    [
      'with a --pr that is not a number',
      { pr: '#7', marker: 'manifest-diff', bodyFile: 'b.md' },
      env,
      '--pr "#7" must be a positive whole number',
    ],
    [
      'without GITHUB_TOKEN',
      { pr: '7', marker: 'manifest-diff', bodyFile: 'b.md' },
      { GITHUB_REPOSITORY: 'acme/platform' },
      'GITHUB_TOKEN is not set. Fix: pass it to the step: `env: GITHUB_TOKEN: ${{ github.token }}`',
    ],
    [
      'without GITHUB_REPOSITORY',
      { pr: '7', marker: 'manifest-diff', bodyFile: 'b.md' },
      { GITHUB_TOKEN: TOKEN },
      'GITHUB_REPOSITORY is not set. Fix: GitHub Actions sets it; when running locally, set it to owner/repo',
    ],
    [
      'with a --body-file that does not exist',
      { pr: '7', marker: 'manifest-diff', bodyFile: 'no/such/body.md' },
      env,
      'no/such/body.md: --body-file is not a file.',
    ],
  ])('refuses to run %s', async (_name, args, environment, message) => {
    await expect(runPrComment(args, environment, USAGE, fast(fakeGitHub({})))).rejects.toThrow(message);
  });

  it("comments a note with the run's link when the body file is missing and --if-missing note", async () => {
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: [{ id: 5, body: `${MARKER}\nold diff` }] },
      [`PATCH ${API}/repos/acme/platform/issues/comments/5`]: { json: { id: 5 } },
    });
    const runEnv = { ...env, GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '99' };
    expect(
      await runPrComment(
        { pr: '7', marker: 'manifest-diff', bodyFile: path.join(tmp, 'none.md'), ifMissing: 'note' },
        runEnv,
        USAGE,
        fast(github),
      ),
    ).toBe('updated comment 5');
    expect(github.calls[1].body?.body).toBe(
      `${MARKER}\n**No result for this commit**: the job that writes it failed before it did. See [the workflow run](https://github.com/acme/platform/actions/runs/99).\n`,
    );
    expect(missingNote({})).toContain('See the workflow run.');
    await expect(runPrComment({ pr: '7', marker: 'manifest-diff', bodyFile, ifMissing: 'skip' }, env, USAGE)).rejects.toThrow(
      '--if-missing must be fail or note, not "skip"',
    );
  });

  it("comments once per downloaded artifact with --each, the directory's name as the marker", async () => {
    const dir = path.join(tmp, 'pulumi');
    for (const name of ['pulumi-up-pr-7', 'pulumi-preview-dev', 'pulumi-preview-prod'])
      fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pulumi-preview-dev', 'pulumi-output.md'), 'dev preview');
    fs.writeFileSync(path.join(dir, 'pulumi-up-pr-7', 'pulumi-output.md'), 'pr-7 up');
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: [] },
      [`POST ${API}/repos/acme/platform/issues/7/comments`]: { status: 201, json: { id: 8 } },
    });
    // pulumi-preview-prod has no file (its job failed before writing it): no comment, no error.
    expect(await runPrComment({ pr: '7', each: dir, bodyFile: 'pulumi-output.md' }, env, USAGE, fast(github))).toBe(
      'created comment 8 (pulumi-preview-dev)\ncreated comment 8 (pulumi-up-pr-7)',
    );
    expect(github.calls.filter((c) => c.method === 'POST').map((c) => c.body?.body)).toEqual([
      '<!-- platform:pulumi-preview-dev -->\ndev preview',
      '<!-- platform:pulumi-up-pr-7 -->\npr-7 up',
    ]);
  });

  it('has nothing to comment with --each when no artifact was downloaded', async () => {
    expect(
      await runPrComment({ pr: '7', each: path.join(tmp, 'no-such-dir'), bodyFile: 'pulumi-output.md' }, env, USAGE, fast(fakeGitHub({}))),
    ).toMatch(/nothing to comment$/);
    await expect(runPrComment({ pr: '7', each: tmp, marker: 'x', bodyFile: 'pulumi-output.md' }, env, USAGE)).rejects.toThrow(
      "--each takes each directory's name as the marker",
    );
  });

  it('never shows the token, even when GitHub echoes it back or the network fails', async () => {
    const echo = fakeGitHub({ [`GET ${LIST}`]: { status: 401, json: { message: `Bad credentials for ${TOKEN}` } } });
    const failing: Fetch = async () => {
      throw new TypeError(`connect ECONNREFUSED (authorization: Bearer ${TOKEN})`);
    };
    const ok = fakeGitHub({
      [`GET ${LIST}`]: { json: [] },
      [`POST ${API}/repos/acme/platform/issues/7/comments`]: { status: 201, json: { id: 1 } },
    });
    const outputs = await Promise.all(
      [echo.fetch, failing, ok.fetch].map((fetch) =>
        runPrComment({ pr: '7', marker: 'manifest-diff', bodyFile }, env, USAGE, { fetch, retryBaseMs: 1, throttle: false }).catch(
          (error: Error) => error.message,
        ),
      ),
    );
    expect(outputs[0]).toContain('401');
    expect(outputs[1]).toContain('could not reach https://api.github.com');
    expect(outputs[2]).toBe('created comment 1');
    for (const output of outputs) expect(output).not.toContain(TOKEN);
  });
});

describe('npm run pr-comment', () => {
  // The entry point, spawned once: a real fetch through Octokit, to a refusing GitHub on the loopback.
  let result: CliResult;
  let requests: string[];
  beforeAll(async () => {
    const body = path.join(os.tmpdir(), `pr-comment-cli-${process.pid}.md`);
    fs.writeFileSync(body, 'x');
    // A GitHub on the loopback that refuses the token and echoes it back: a real fetch
    // through Octokit, no network involved, and a 401 is never retried.
    requests = [];
    const server = http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Bad credentials: ${TOKEN}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_REPOSITORY: 'acme/platform',
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: `http://127.0.0.1:${port}`,
    };
    result = await spawnTsx('cli/pr-comment.ts', ['--pr', '7', '--marker', 'manifest-diff', '--body-file', body], { env });
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(body, { force: true });
  });

  it('exits 2 when GitHub refuses the token, saying what to fix, without printing the token', () => {
    expect(requests).toEqual([`GET /repos/acme/platform/issues/7/comments?per_page=100 token ${TOKEN}`]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: GET /repos/acme/platform/issues/7/comments failed: 401 Bad credentials: ***. Fix: GITHUB_TOKEN is missing, invalid or expired: pass `env: GITHUB_TOKEN: ${{ github.token }}` to the step\n',
    });
  });
});
