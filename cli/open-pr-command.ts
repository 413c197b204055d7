/**
 * `npm run open-pr`: commit the named changed files to a branch and open (or update) the pull
 * request for them, with a token that is never printed nor put on a command line. Used by the
 * app pipeline (a new pin in an app's dev pins file) and by promotion (the pins files of the
 * next environment).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { command, UsageError } from './args';
import { explained, gitHub, GitHubError, type Hints } from './github';
import type { Connection } from './pr-comment-command';

/** Runs git; resolves with stdout, rejects with the error (stderr in its message). */
export type Git = (args: readonly string[], env?: Record<string, string>) => Promise<string>;

export interface OpenPrOptions {
  readonly branch: string;
  readonly title: string;
  readonly body: string;
  /** The files the change is (only they are committed; unchanged ones are left out by git). */
  readonly paths: readonly string[];
  readonly base: string;
  readonly token: string;
  /** `owner/repo`; read from the origin remote when absent. */
  readonly repo?: string;
  /** @default https://api.github.com */
  readonly apiUrl?: string;
  readonly git: Git;
  /** @default the global fetch, real waits */
  readonly connection?: Connection;
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
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/** What to fix when a pull request call fails, by status. */
export const PULL_HINTS: Hints = {
  401: "GH_TOKEN is missing, invalid or expired: pass the GitHub App token (actions/create-github-app-token) in the step's env",
  403: 'the token needs contents: write and pull-requests: write on the repository (install the GitHub App on it)',
  404: 'the token needs contents: write and pull-requests: write on the repository (install the GitHub App on it)',
  422: 'GitHub refused the pull request; see its message (is the branch pushed, and is --base a branch?)',
};

export async function openPr(options: OpenPrOptions): Promise<OpenPrOutcome> {
  const { git, paths } = options;
  // Never `git add -- ` with no path, which would fail, nor commit what was not named.
  if (paths.length === 0) throw new UsageError('no file to commit. Fix: pass --path <file> (repeat it for several files)');
  if ((await git(['status', '--porcelain', '--', ...paths])).trim() === '') return { action: 'unchanged' };
  const repo = options.repo ?? repoFromRemote(await git(['remote', 'get-url', 'origin']));
  if (repo === undefined) throw new GitHubError('cannot tell the repository from the origin remote. Fix: pass --repo <owner>/<name>');
  await git(['switch', '-C', options.branch]);
  await git(['add', '--', ...paths]);
  await git([...BOT, 'commit', '--message', options.title, '--', ...paths]);
  // The branch belongs to this automation: a newer pin replaces the older one.
  await git(['push', '--force', 'origin', `HEAD:refs/heads/${options.branch}`], authEnv(options.token));
  const [owner, name] = repo.split('/');
  const octokit = gitHub({
    token: options.token,
    ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
    ...options.connection,
  });
  return explained(
    async () => {
      const { data: open } = await octokit.rest.pulls.list({ owner, repo: name, state: 'open', head: `${owner}:${options.branch}` });
      const existing = open[0];
      if (existing !== undefined) {
        await octokit.rest.pulls.update({ owner, repo: name, pull_number: existing.number, title: options.title, body: options.body });
        return { action: 'updated', url: existing.html_url };
      }
      const { data: created } = await octokit.rest.pulls.create({
        owner,
        repo: name,
        title: options.title,
        body: options.body,
        head: options.branch,
        base: options.base,
      });
      return { action: 'created', url: created.html_url };
    },
    options.token,
    PULL_HINTS,
  );
}

const exec = promisify(execFile);

/** What the command reaches outside the process; tests pass their own. */
export interface OpenPrDeps {
  readonly git: Git;
  /** How the GitHub client reaches the API (tests pass a fake fetch and short waits). */
  readonly connection: Connection;
  readonly env: NodeJS.ProcessEnv;
}

function processDeps(cwd: string): OpenPrDeps {
  return {
    git: async (args, env) => (await exec('git', [...args], { cwd, env: { ...process.env, ...env } })).stdout,
    connection: {},
    env: process.env,
  };
}

/** `npm run open-pr -- <argv>`: commits the files, opens or updates the pull request, prints its URL. */
export const openPrCli = command(
  {
    script: 'open-pr',
    summary:
      'Commits the named changed files to a branch and opens (or updates) its pull request, with a token that is never printed nor put on a command line.',
    options: {
      branch: { type: 'string', required: true, value: 'name', description: 'the branch, owned by this automation (force-pushed)' },
      title: { type: 'string', required: true, value: 'text', description: 'the commit message and pull request title' },
      'body-file': { type: 'string', required: true, value: 'file', description: 'the pull request description (Markdown)' },
      path: {
        type: 'string',
        required: true,
        multiple: true,
        value: 'file',
        description: 'a changed file (repeat for several); only these are committed',
      },
      base: { type: 'string', default: 'main', value: 'branch', description: 'the branch the pull request merges into' },
      repo: { type: 'string', value: 'owner/name', description: 'the repository', defaultText: 'read from the origin remote' },
    },
    notes: ["environment: GH_TOKEN, a token with contents: write and pull-requests: write (a GitHub App's)"],
  },
  async ({ values: o }, io, deps: OpenPrDeps = processDeps(io.cwd)) => {
    const token = deps.env.GH_TOKEN;
    if (token === undefined || token === '') throw new UsageError("GH_TOKEN is not set. Fix: pass the GitHub App token in the step's env");
    const bodyFile = path.resolve(io.cwd, o['body-file']);
    if (!fs.existsSync(bodyFile) || !fs.statSync(bodyFile).isFile())
      throw new UsageError(`${o['body-file']}: --body-file is not a file. Fix: write the pull request description to it first`);
    const outcome = await openPr({
      branch: o.branch,
      title: o.title,
      body: fs.readFileSync(bodyFile, 'utf8'),
      paths: o.path,
      base: o.base,
      token,
      ...(o.repo !== undefined && { repo: o.repo }),
      git: deps.git,
      connection: deps.connection,
    });
    io.out(
      outcome.action === 'unchanged'
        ? `${o.path.join(', ')} ${o.path.length === 1 ? 'is' : 'are'} unchanged: no pull request needed\n`
        : `${outcome.action} pull request ${outcome.url}\n`,
    );
  },
);
