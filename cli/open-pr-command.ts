/**
 * `npm run open-pr`: commit one changed file to a branch and open (or update) the pull
 * request for it, with a token that is never printed nor put on a command line. Used by the
 * app pipeline (a new pin in dev) and by promotion (the pins of the next environment).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { command, UsageError } from './args';
import { DEFAULT_API_URL, GitHubError, type Fetch } from './pr-comment-command';

/** Runs git; resolves with stdout, rejects with the error (stderr in its message). */
export type Git = (args: readonly string[], env?: Record<string, string>) => Promise<string>;

export interface OpenPrOptions {
  readonly branch: string;
  readonly title: string;
  readonly body: string;
  /** The file the change is (only it is committed). */
  readonly path: string;
  readonly base: string;
  readonly token: string;
  /** `owner/repo`; read from the origin remote when absent. */
  readonly repo?: string;
  readonly apiUrl?: string;
  readonly git: Git;
  readonly fetch: Fetch;
}

export type OpenPrOutcome = { readonly action: 'unchanged' } | { readonly action: 'created' | 'updated'; readonly url: string };

const BOT = ['-c', 'user.name=platform-release[bot]', '-c', 'user.email=platform-release[bot]@users.noreply.github.com'];

/** `owner/repo` from an https or ssh GitHub remote URL. */
export function repoFromRemote(url: string): string | undefined {
  const m = /github\.com[:/]([^/]+\/[^/]+?)(\.git)?\/?$/.exec(url.trim());
  return m?.[1];
}

/** The token as git's HTTP header, through the environment (GIT_CONFIG_*), so no argv or log shows it. */
export function authEnv(token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader', GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}` };
}

async function api(options: OpenPrOptions, method: string, route: string, body?: unknown): Promise<unknown> {
  const response = await options.fetch(`${options.apiUrl ?? DEFAULT_API_URL}${route}`, {
    method,
    headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status < 200 || response.status >= 300) {
    const fix = response.status === 403 || response.status === 404
      ? 'the token needs contents: write and pull-requests: write on the repository (install the GitHub App on it)'
      : 'see the GitHub message';
    throw new GitHubError(`${method} ${route} failed with ${response.status} ${response.statusText}: ${text.slice(0, 300)}. Fix: ${fix}`);
  }
  return text === '' ? undefined : JSON.parse(text);
}

export async function openPr(options: OpenPrOptions): Promise<OpenPrOutcome> {
  const { git } = options;
  if ((await git(['status', '--porcelain', '--', options.path])).trim() === '') return { action: 'unchanged' };
  const repo = options.repo ?? repoFromRemote(await git(['remote', 'get-url', 'origin']));
  if (repo === undefined) throw new GitHubError('cannot tell the repository from the origin remote. Fix: pass --repo <owner>/<name>');
  await git(['switch', '-C', options.branch]);
  await git(['add', '--', options.path]);
  await git([...BOT, 'commit', '--message', options.title, '--', options.path]);
  // The branch belongs to this automation: a newer pin replaces the older one.
  await git(['push', '--force', 'origin', `HEAD:refs/heads/${options.branch}`], authEnv(options.token));
  const owner = repo.split('/')[0];
  const open = await api(options, 'GET', `/repos/${repo}/pulls?state=open&head=${encodeURIComponent(`${owner}:${options.branch}`)}`);
  const existing = Array.isArray(open) ? (open[0] as { number?: number; html_url?: string } | undefined) : undefined;
  if (existing?.number !== undefined) {
    await api(options, 'PATCH', `/repos/${repo}/pulls/${existing.number}`, { title: options.title, body: options.body });
    return { action: 'updated', url: existing.html_url ?? '' };
  }
  const created = await api(options, 'POST', `/repos/${repo}/pulls`, { title: options.title, body: options.body, head: options.branch, base: options.base }) as { html_url?: string };
  return { action: 'created', url: created.html_url ?? '' };
}

const exec = promisify(execFile);

/** What the command reaches outside the process; tests pass their own. */
export interface OpenPrDeps {
  readonly git: Git;
  readonly fetch: Fetch;
  readonly env: NodeJS.ProcessEnv;
}

function processDeps(cwd: string): OpenPrDeps {
  return { git: async (args, env) => (await exec('git', [...args], { cwd, env: { ...process.env, ...env } })).stdout, fetch, env: process.env };
}

/** `npm run open-pr -- <argv>`: commits the file, opens or updates the pull request, prints its URL. */
export const openPrCli = command({
  script: 'open-pr',
  summary: 'Commits one changed file to a branch and opens (or updates) its pull request, with a token that is never printed nor put on a command line.',
  options: {
    branch: { type: 'string', required: true, value: 'name', description: 'the branch, owned by this automation (force-pushed)' },
    title: { type: 'string', required: true, value: 'text', description: 'the commit message and pull request title' },
    'body-file': { type: 'string', required: true, value: 'file', description: 'the pull request description (Markdown)' },
    path: { type: 'string', required: true, value: 'file', description: 'the changed file; only it is committed' },
    base: { type: 'string', default: 'main', value: 'branch', description: 'the branch the pull request merges into' },
    repo: { type: 'string', value: 'owner/name', description: 'the repository', defaultText: 'read from the origin remote' },
  },
  notes: ['environment: GH_TOKEN, a token with contents: write and pull-requests: write (a GitHub App\'s)'],
}, async ({ values: o }, io, deps: OpenPrDeps = processDeps(io.cwd)) => {
  const token = deps.env.GH_TOKEN;
  if (token === undefined || token === '') throw new UsageError('GH_TOKEN is not set. Fix: pass the GitHub App token in the step\'s env');
  const bodyFile = path.resolve(io.cwd, o['body-file']);
  if (!fs.existsSync(bodyFile) || !fs.statSync(bodyFile).isFile()) throw new UsageError(`${o['body-file']}: --body-file is not a file. Fix: write the pull request description to it first`);
  const outcome = await openPr({
    branch: o.branch, title: o.title, body: fs.readFileSync(bodyFile, 'utf8'), path: o.path, base: o.base, token,
    ...(o.repo !== undefined && { repo: o.repo }), git: deps.git, fetch: deps.fetch,
  });
  io.out(outcome.action === 'unchanged' ? `${o.path} is unchanged: no pull request needed\n` : `${outcome.action} pull request ${outcome.url}\n`);
});
