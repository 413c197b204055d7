import { fakeGitHub } from '../test/fixtures/fake-github';
import { API_VERSION, apiBase, explained, gitHub, GitHubError, type GitHubOptions } from './github';

const TOKEN = 'ghs_TESTTOKEN0123456789abcdef';
const API = 'https://api.github.com';
const LIST = `${API}/repos/acme/platform/issues/7/comments?per_page=100`;
const now = (): string => String(Math.floor(Date.now() / 1000));

/** A client with waits of 1 ms per second GitHub asks for, and no pacing of writes unless asked. */
function client(fetch: GitHubOptions['fetch'], extra: Partial<GitHubOptions> = {}) {
  return gitHub({ token: TOKEN, fetch, retryBaseMs: 1, throttle: false, ...extra });
}

const listComments = (octokit: ReturnType<typeof gitHub>) =>
  explained(
    () => octokit.paginate(octokit.rest.issues.listComments, { owner: 'acme', repo: 'platform', issue_number: 7, per_page: 100 }),
    TOKEN,
  );

describe('gitHub', () => {
  it('sends the token, the API version and a JSON body to the API URL', async () => {
    const github = fakeGitHub({ [`POST ${API}/repos/acme/platform/issues/7/comments`]: { status: 201, json: { id: 1 } } });
    const octokit = client(github.fetch);
    await octokit.rest.issues.createComment({ owner: 'acme', repo: 'platform', issue_number: 7, body: 'hello' });
    expect(github.calls).toEqual([
      expect.objectContaining({ method: 'POST', url: `${API}/repos/acme/platform/issues/7/comments`, body: { body: 'hello' } }),
    ]);
    expect(github.calls[0].headers).toMatchObject({
      authorization: `token ${TOKEN}`,
      accept: 'application/vnd.github.v3+json',
      'x-github-api-version': API_VERSION,
    });
    expect(github.calls[0].headers['user-agent']).toMatch(/^platform-cli /);
  });

  it('pages through Link rel="next" with octokit.paginate', async () => {
    const page2 = `${API}/repositories/1/issues/7/comments?per_page=100&page=2`;
    const github = fakeGitHub({
      [`GET ${LIST}`]: { json: [{ id: 1 }], headers: { link: `<${page2}>; rel="next", <${page2}>; rel="last"` } },
      [`GET ${page2}`]: { json: [{ id: 2 }] },
    });
    expect(await listComments(client(github.fetch))).toEqual([{ id: 1 }, { id: 2 }]);
    expect(github.requests()).toEqual([`GET ${LIST}`, `GET ${page2}`]);
  });

  it('refuses to send the token to a next page on another host', async () => {
    const github = fakeGitHub({ [`GET ${LIST}`]: { json: [], headers: { link: '<https://evil.example.com/page2>; rel="next"' } } });
    await expect(listComments(client(github.fetch))).rejects.toThrow(
      'GET https://evil.example.com/page2: GitHub sent a link to https://evil.example.com, not https://api.github.com; refusing to send the token there',
    );
    expect(github.calls).toHaveLength(1);
  });

  it.each([
    [
      401,
      'Bad credentials',
      'GET /repos/acme/platform/issues/7/comments failed: 401 Bad credentials. Fix: the token is missing, invalid or expired: pass `env: GITHUB_TOKEN: ${{ github.token }}` to the step',
    ],
    [
      403,
      'Resource not accessible by integration',
      "GET /repos/acme/platform/issues/7/comments failed: 403 Resource not accessible by integration. Fix: the token lacks a permission this call needs (see the job's `permissions:`)",
    ],
    [
      404,
      'Not Found',
      'GET /repos/acme/platform/issues/7/comments failed: 404 Not Found. Fix: check the repository (owner/repo) and the number, and that the token can see the repository',
    ],
  ])('explains a %d without retrying it, dropping the documentation link', async (status, message, expected) => {
    const github = fakeGitHub({ [`GET ${LIST}`]: { status, json: { message, documentation_url: 'https://docs.github.com/rest' } } });
    const error = await listComments(client(github.fetch)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as Error).message).toBe(expected);
    expect(github.calls).toHaveLength(1);
  });

  it("uses the command's own hint for a status", async () => {
    const github = fakeGitHub({ [`GET ${LIST}`]: { status: 403, json: { message: 'Forbidden' } } });
    const octokit = client(github.fetch);
    await expect(
      explained(() => octokit.request('GET /repos/acme/platform/issues/7/comments?per_page=100'), TOKEN, {
        403: 'grant pull-requests: write',
      }),
    ).rejects.toThrow('failed: 403 Forbidden. Fix: grant pull-requests: write');
  });

  it('retries a 502 and succeeds', async () => {
    const github = fakeGitHub({ [`GET ${LIST}`]: [{ status: 502, json: { message: 'Bad Gateway' } }, { json: [{ id: 3 }] }] });
    expect(await listComments(client(github.fetch))).toEqual([{ id: 3 }]);
    expect(github.requests()).toEqual([`GET ${LIST}`, `GET ${LIST}`]);
  });

  it('retries a network failure three times, then says GitHub could not be reached, without the token', async () => {
    const calls: string[] = [];
    const failing = async (url: string | URL | Request): Promise<Response> => {
      calls.push(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url);
      throw new TypeError('fetch failed', { cause: new Error(`connect ECONNREFUSED (authorization: token ${TOKEN})`) });
    };
    await expect(listComments(client(failing))).rejects.toThrow(
      "GET /repos/acme/platform/issues/7/comments: could not reach https://api.github.com (connect ECONNREFUSED (authorization: token ***)). Fix: check GITHUB_API_URL and the runner's network",
    );
    expect(calls).toHaveLength(4);
  });

  it('waits for a rate limit to reset and retries, with a warning', async () => {
    const limited = {
      status: 403,
      json: { message: 'API rate limit exceeded' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': now() },
    };
    const github = fakeGitHub({ [`GET ${LIST}`]: [limited, { json: [{ id: 4 }] }] });
    const warnings: string[] = [];
    expect(await listComments(client(github.fetch, { throttle: true, warn: (m) => warnings.push(m) }))).toEqual([{ id: 4 }]);
    expect(github.calls).toHaveLength(2);
    expect(warnings).toEqual([
      expect.stringMatching(/^GET \/repos\/acme\/platform\/issues\/7\/comments: GitHub rate limit reached; retrying in \d+ s$/),
    ]);
    // The limit resets now: the wait is the plugin's one extra second, two if the clock ticked
    // between the header and the check (a busy machine), never a long wait.
    const wait = Number(/retrying in (\d+) s$/.exec(warnings[0])?.[1]);
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(wait).toBeLessThanOrEqual(2);
  });

  it('gives up on a rate limit that resets too late, saying when to re-run', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const github = fakeGitHub({
      [`GET ${LIST}`]: {
        status: 429,
        json: { message: 'API rate limit exceeded' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      },
    });
    await expect(listComments(client(github.fetch, { throttle: true }))).rejects.toThrow(
      `failed: 429 API rate limit exceeded. Fix: GitHub's rate limit is used up until ${new Date(reset * 1000).toISOString()}; re-run the job then`,
    );
    expect(github.calls).toHaveLength(1);
  });

  it('retries a secondary rate limit after retry-after', async () => {
    const secondary = { status: 403, json: { message: 'You have exceeded a secondary rate limit' }, headers: { 'retry-after': '1' } };
    const github = fakeGitHub({ [`GET ${LIST}`]: [secondary, secondary, { json: [] }] });
    expect(await listComments(client(github.fetch, { throttle: true }))).toEqual([]);
    expect(github.calls).toHaveLength(3);
  });
});

describe('apiBase', () => {
  it.each([
    ['https://github.example.com/api/v3/', 'https://github.example.com/api/v3'],
    ['http://127.0.0.1:9', 'http://127.0.0.1:9'],
  ])('accepts %s', (url, expected) => {
    expect(apiBase(url)).toBe(expected);
  });

  it.each([
    [
      'http://api.example.com',
      'GITHUB_API_URL "http://api.example.com" must be https (the token is sent to it); leave it unset for github.com',
    ],
    ['api.github.com', 'GITHUB_API_URL "api.github.com" is not a URL; leave it unset for github.com (https://api.github.com)'],
  ])('refuses %s', (url, message) => {
    expect(() => apiBase(url)).toThrow(message);
  });
});
