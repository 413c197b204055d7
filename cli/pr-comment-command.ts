/**
 * `npm run pr-comment`: one comment per pull request and topic, kept up to date. The comment
 * carries a hidden marker (`<!-- platform:<key> -->`); a later run edits the comment with
 * that marker instead of adding another, so a pull request shows the latest result once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { command, UsageError } from './args';
import { explained, gitHub, type GitHubOptions, type Hints } from './github';
import { usageText } from './help';

/** GitHub refuses comments over 65,536 characters; the rest of the room is for the note. */
export const MAX_BODY_CHARS = 65000;

/** How to reach GitHub beyond the token and URL: a fake fetch and short waits in tests. */
export type Connection = Pick<GitHubOptions, 'fetch' | 'retryBaseMs' | 'throttle' | 'warn'>;

export interface UpsertOptions {
  /** Pull request number. */
  readonly pr: number;
  /** Marker key: the comment is found by `<!-- platform:<marker> -->`. */
  readonly marker: string;
  /** Markdown body; the marker is prepended when absent. */
  readonly body: string;
  /** `owner/repo`. */
  readonly repo: string;
  /** Sent as a bearer token, never printed. */
  readonly token: string;
  /** @default https://api.github.com (GitHub Enterprise Server: `https://<host>/api/v3`) */
  readonly apiUrl?: string;
  /** @default the global fetch, real waits */
  readonly connection?: Connection;
}

export interface UpsertOutcome {
  readonly action: 'created' | 'updated';
  readonly id: number;
}

/** What to fix when a comment call fails, by status. */
export const COMMENT_HINTS: Hints = {
  401: 'GITHUB_TOKEN is missing, invalid or expired: pass `env: GITHUB_TOKEN: ${{ github.token }}` to the step',
  403: 'the job needs `permissions: pull-requests: write`; pull requests from forks get a read-only token, so skip this step for them (if: github.event.pull_request.head.repo.full_name == github.repository)',
  404: 'check GITHUB_REPOSITORY (owner/repo) and --pr, and that the token can see the repository',
  422: 'GitHub refused the comment body; check the body file',
};

export function markerComment(key: string): string {
  return `<!-- platform:${key} -->`;
}

/** Keys end up inside an HTML comment and in file names: keep them plain. */
export function checkMarkerKey(key: string): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(key)) {
    throw new UsageError(`--marker "${key}" must be lower-case letters, digits, ".", "_" or "-", e.g. manifest-diff`);
  }
}

/**
 * The body as posted: with the marker (prepended when absent) and at most MAX_BODY_CHARS
 * characters, cut at a line end with a note, and any `<details>` or code fence left open closed.
 */
export function prepareBody(body: string, key: string): string {
  const marker = markerComment(key);
  const withMarker = body.includes(marker) ? body : `${marker}\n${body}`;
  if (withMarker.length <= MAX_BODY_CHARS) return withMarker;
  const note = `\n\n**Truncated**: the full text has ${withMarker.length} characters, more than a comment holds. See the workflow run's log for the rest.\n`;
  // Room for the note, the closing tags and the marker should the cut remove it.
  const room = MAX_BODY_CHARS - note.length - marker.length - 200;
  const cut = withMarker.slice(0, room);
  let kept = cut.slice(0, Math.max(cut.lastIndexOf('\n'), 0));
  if ((kept.match(/^```/gm) ?? []).length % 2 === 1) kept += '\n```';
  const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < open; i++) kept += '\n</details>';
  const truncated = `${kept}${note}`;
  return truncated.includes(marker) ? truncated : `${marker}\n${truncated}`;
}

/** Creates the pull request's comment with the marker, or updates it when it exists. */
export async function upsertComment(options: UpsertOptions): Promise<UpsertOutcome> {
  checkMarkerKey(options.marker);
  if (!Number.isSafeInteger(options.pr) || options.pr <= 0) throw new UsageError(`--pr must be a positive whole number, not ${options.pr}`);
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repo)) {
    throw new UsageError(
      `GITHUB_REPOSITORY "${options.repo}" must be owner/repo; GitHub Actions sets it, set it by hand only when running locally`,
    );
  }
  const octokit = gitHub({
    token: options.token,
    ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
    ...options.connection,
  });
  const [owner, repo] = options.repo.split('/');
  const marker = markerComment(options.marker);
  const body = prepareBody(options.body, options.marker);
  return explained(
    async () => {
      const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: options.pr, per_page: 100 });
      let existing: number | undefined;
      // Stops at the page that holds the marker: later pages are not fetched.
      for await (const page of pages) {
        existing = page.data.find((c) => c.body?.includes(marker) === true)?.id;
        if (existing !== undefined) break;
      }
      if (existing === undefined) {
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: options.pr, body });
        return { action: 'created', id: data.id };
      }
      const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing, body });
      return { action: 'updated', id: data.id };
    },
    options.token,
    COMMENT_HINTS,
  );
}

export interface PrCommentArgs {
  readonly pr?: string;
  /** One comment: its marker key. */
  readonly marker?: string;
  /** The comment's Markdown file; with `each`, the file's name inside each directory. */
  readonly bodyFile?: string;
  /** One comment per subdirectory of this directory that holds `bodyFile`, the subdirectory's name as the marker (downloaded artifacts). */
  readonly each?: string;
  /** `fail` (default): a missing body file is an error. `note`: comment that the result is missing, with the run's link. */
  readonly ifMissing?: string;
}

/**
 * The comment posted when the job that writes the body failed before it did: it replaces
 * the previous result, which no longer describes the pull request's head.
 */
export function missingNote(env: NodeJS.ProcessEnv): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  const link =
    server !== undefined && repo !== undefined && run !== undefined
      ? `[the workflow run](${server}/${repo}/actions/runs/${run})`
      : 'the workflow run';
  return `**No result for this commit**: the job that writes it failed before it did. See ${link}.\n`;
}

const isFile = (file: string): boolean => fs.existsSync(file) && fs.statSync(file).isFile();

/** The command behind the entry point: options and environment in, one line per comment out. */
export async function runPrComment(
  args: PrCommentArgs,
  env: NodeJS.ProcessEnv,
  usage: string,
  connection: Connection = {},
): Promise<string> {
  const required: Array<readonly [string, string | undefined]> =
    args.each === undefined
      ? [
          ['--pr', args.pr],
          ['--marker', args.marker],
          ['--body-file', args.bodyFile],
        ]
      : [
          ['--pr', args.pr],
          ['--body-file', args.bodyFile],
        ];
  for (const [flag, value] of required) {
    if (value === undefined) throw new UsageError(`${flag} is required\n${usage}`);
  }
  if (args.each !== undefined && args.marker !== undefined)
    throw new UsageError(`--each takes each directory's name as the marker: leave out --marker\n${usage}`);
  const ifMissing = args.ifMissing ?? 'fail';
  if (ifMissing !== 'fail' && ifMissing !== 'note') throw new UsageError(`--if-missing must be fail or note, not "${ifMissing}"\n${usage}`);
  const pr = args.pr ?? '';
  if (!/^[1-9]\d*$/.test(pr)) throw new UsageError(`--pr "${pr}" must be a positive whole number, the pull request's number`);
  const token = env.GITHUB_TOKEN;
  if (token === undefined || token === '') {
    throw new UsageError('GITHUB_TOKEN is not set. Fix: pass it to the step: `env: GITHUB_TOKEN: ${{ github.token }}`');
  }
  const repo = env.GITHUB_REPOSITORY;
  if (repo === undefined || repo === '') {
    throw new UsageError('GITHUB_REPOSITORY is not set. Fix: GitHub Actions sets it; when running locally, set it to owner/repo');
  }
  const bodyFile = args.bodyFile ?? '';
  let comments: Array<{ marker: string; body: string }>;
  if (args.each !== undefined) {
    if (bodyFile.includes('/') || bodyFile.includes(path.sep))
      throw new UsageError(`--body-file "${bodyFile}" must be a file name with --each, e.g. pulumi-output.md`);
    // No directory or no file: the jobs that write them were skipped or failed first.
    const dirs = fs.existsSync(args.each)
      ? fs
          .readdirSync(args.each, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort()
      : [];
    comments = dirs
      .filter((d) => isFile(path.join(args.each ?? '', d, bodyFile)))
      .map((d) => ({ marker: d, body: fs.readFileSync(path.join(args.each ?? '', d, bodyFile), 'utf8') }));
    for (const { marker } of comments) checkMarkerKey(marker);
    if (comments.length === 0) return `no ${bodyFile} under ${args.each}: nothing to comment`;
  } else if (isFile(bodyFile)) {
    comments = [{ marker: args.marker ?? '', body: fs.readFileSync(bodyFile, 'utf8') }];
  } else if (ifMissing === 'note') {
    comments = [{ marker: args.marker ?? '', body: missingNote(env) }];
  } else {
    throw new UsageError(
      `${bodyFile}: --body-file is not a file. Fix: write the comment first, e.g. npm run manifest-diff -- ... --out ${bodyFile}, or pass --if-missing note`,
    );
  }
  const lines: string[] = [];
  for (const { marker, body } of comments) {
    const outcome = await upsertComment({
      pr: Number(pr),
      marker,
      body,
      repo,
      token,
      apiUrl: env.GITHUB_API_URL === undefined || env.GITHUB_API_URL === '' ? undefined : env.GITHUB_API_URL,
      connection,
    });
    lines.push(`${outcome.action} comment ${outcome.id}${args.each === undefined ? '' : ` (${marker})`}`);
  }
  return lines.join('\n');
}

const PR_COMMENT = {
  script: 'pr-comment',
  summary:
    'Creates or updates the pull-request comment of a topic (found by its hidden marker), so a pull request shows the latest result once.',
  options: {
    pr: { type: 'string', value: 'N', description: 'the pull request number' },
    marker: { type: 'string', value: 'key', description: 'the topic: lower-case letters, digits, ".", "_" or "-" (e.g. manifest-diff)' },
    'body-file': { type: 'string', value: 'file', description: "the comment's Markdown; with --each, its file name inside each directory" },
    each: {
      type: 'string',
      value: 'dir',
      description: "one comment per subdirectory that holds --body-file, the subdirectory's name as the marker",
    },
    'if-missing': {
      type: 'string',
      choices: ['fail', 'note'],
      default: 'fail',
      description: 'when --body-file is missing: fail, or comment that the result is missing',
    },
  },
  forms: [{ required: ['pr', 'marker', 'body-file'], optional: ['if-missing'] }, { required: ['pr', 'each', 'body-file'] }],
  notes: [
    'environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/repo), optional GITHUB_API_URL; GITHUB_SERVER_URL and GITHUB_RUN_ID for the missing-result note',
  ],
} as const;

/** `npm run pr-comment -- <argv>`: one line per comment created or updated. */
export const prCommentCli = command(PR_COMMENT, async ({ values }, io) => {
  const args = { pr: values.pr, marker: values.marker, bodyFile: values['body-file'], each: values.each, ifMissing: values['if-missing'] };
  io.out(`${await runPrComment(args, process.env, usageText(PR_COMMENT))}\n`);
});
