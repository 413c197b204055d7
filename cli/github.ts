/**
 * The one GitHub REST client of the CLI (`pr-comment`, `open-pr`): Octokit
 * (@octokit/rest 22) with @octokit/plugin-retry and @octokit/plugin-throttling, its
 * failures turned into messages that say what to fix.
 *
 * Retries and pacing (the plugins' defaults, read in their installed dist-bundle/index.js):
 * - plugin-retry: a failed request is retried `retries` times (3) after (n+1)^2 x
 *   `retryAfterBaseValue` ms (1 s, 4 s, 9 s), except for 400, 401, 403, 404, 410, 422
 *   and 451, which no retry fixes, and 429 (here), which is plugin-throttling's. A network
 *   failure counts as a 500 and is retried.
 * - plugin-throttling: writes are paced (1 s apart, 3 s for the ones that notify, such as
 *   a new comment or pull request); a 403/429 with `x-ratelimit-remaining: 0` waits for
 *   `x-ratelimit-reset`, a secondary rate limit for `retry-after` (else 60 s). This
 *   client retries a rate limit twice and only when the wait is at most
 *   MAX_RATE_LIMIT_WAIT_S: a job should fail and say so rather than sleep for an hour.
 *
 * The packages are ES modules only: Node 20.19+ loads them through `require` (tsx), and
 * jest transforms them (jest.config.js `transformIgnorePatterns`).
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { UsageError } from './args';

export const DEFAULT_API_URL = 'https://api.github.com';
/** The REST API version the calls are written against. */
export const API_VERSION = '2022-11-28';
/** Longest wait for a rate limit to reset that is worth a retry, in seconds. */
export const MAX_RATE_LIMIT_WAIT_S = 120;
/** Rate-limit retries per request. */
export const RATE_LIMIT_RETRIES = 2;

/** plugin-retry's list, and 429: rate limits are plugin-throttling's to wait for. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

const PlatformOctokit = Octokit.plugin(retry, throttling);
export type GitHub = InstanceType<typeof PlatformOctokit>;

/** The `fetch` Octokit calls; the global one by default, a fake in tests. */
export type Fetch = typeof globalThis.fetch;

/**
 * A GitHub API call that failed. Extends UsageError so `main` prints the message and exits 2:
 * the fix is in the workflow's settings or the arguments, not in this code.
 */
export class GitHubError extends UsageError {}

export interface GitHubOptions {
  /** Sent as a bearer token, never printed. */
  readonly token: string;
  /** @default https://api.github.com (GitHub Enterprise Server: `https://<host>/api/v3`) */
  readonly apiUrl?: string;
  /** @default the global fetch */
  readonly fetch?: Fetch;
  /** Milliseconds one unit of retry or rate-limit wait lasts. @default 1000 (tests pass 1) */
  readonly retryBaseMs?: number;
  /** Retries of a failed request (plugin-retry). @default 3 */
  readonly retries?: number;
  /**
   * Pacing of writes and the waits for rate limits (plugin-throttling). The pacing is
   * process-wide: tests of other behaviour turn it off. @default true
   */
  readonly throttle?: boolean;
  /** Where warnings go (a rate limit being waited for, a retry). @default nowhere */
  readonly warn?: (message: string) => void;
}

/** The API root without a trailing slash; plain http only for a local test server. */
export function apiBase(apiUrl: string): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new UsageError(`GITHUB_API_URL "${apiUrl}" is not a URL; leave it unset for github.com (${DEFAULT_API_URL})`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new UsageError(`GITHUB_API_URL "${apiUrl}" must be https (the token is sent to it); leave it unset for github.com`);
  }
  return url.href.replace(/\/+$/, '');
}

/** An authenticated client for `options.apiUrl` that never sends the token to another host. */
export function gitHub(options: GitHubOptions): GitHub {
  const baseUrl = apiBase(options.apiUrl ?? DEFAULT_API_URL);
  const origin = new URL(baseUrl).origin;
  const warn = options.warn ?? ((): void => undefined);
  const base = options.retryBaseMs ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      const again = retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S;
      warn(
        `${request.method} ${new URL(request.url, `${baseUrl}/`).pathname}: GitHub ${kind}; ${again ? `retrying in ${retryAfter} s` : 'giving up'}`,
      );
      return again;
    };
  const octokit = new PlatformOctokit({
    auth: options.token,
    baseUrl,
    userAgent: 'platform-cli',
    request: { fetch: options.fetch ?? globalThis.fetch },
    // Failures are thrown and explained by the caller; the request log would repeat them.
    log: { debug: () => undefined, info: () => undefined, warn, error: () => undefined },
    retry: { retryAfterBaseValue: base, doNotRetry: DO_NOT_RETRY, ...(options.retries === undefined ? {} : { retries: options.retries }) },
    throttle:
      options.throttle === false
        ? { enabled: false }
        : {
            retryAfterBaseValue: base,
            onRateLimit: onLimit('rate limit reached'),
            onSecondaryRateLimit: onLimit('secondary rate limit reached'),
          },
  });
  // A next-page link (or a route) on another host would carry the token there.
  octokit.hook.before('request', (request) => {
    request.headers['x-github-api-version'] = API_VERSION;
    const target = new URL(request.url, `${baseUrl}/`).origin;
    if (target !== origin)
      throw new GitHubError(
        `${request.method} ${request.url}: GitHub sent a link to ${target}, not ${origin}; refusing to send the token there`,
      );
  });
  return octokit;
}

/** What to fix for a status, per command: the permissions differ. */
export type Hints = Partial<Record<401 | 403 | 404 | 422, string>>;

const DEFAULT_HINTS: Required<Hints> = {
  401: 'the token is missing, invalid or expired: pass `env: GITHUB_TOKEN: ${{ github.token }}` to the step',
  403: "the token lacks a permission this call needs (see the job's `permissions:`)",
  404: 'check the repository (owner/repo) and the number, and that the token can see the repository',
  422: "GitHub refused the request's content; see its message",
};

interface HttpError {
  readonly status: number;
  readonly message: string;
  readonly request?: { readonly method?: string; readonly url?: string };
  readonly response?: { readonly headers?: Record<string, string | undefined> };
}

/** Octokit's RequestError (`name` HttpError), told apart without importing @octokit/request-error. */
function isHttpError(error: unknown): error is HttpError & Error {
  return error instanceof Error && error.name === 'HttpError' && typeof (error as { status?: unknown }).status === 'number';
}

/**
 * A failed call as a GitHubError: the call, GitHub's status and message (without its
 * documentation link), and the fix; the token is never shown, even when echoed back.
 */
export function explain(error: unknown, token: string, hints: Hints = {}): Error {
  if (error instanceof GitHubError || !isHttpError(error)) return error as Error;
  const redact = (text: string): string => (token === '' ? text : text.split(token).join('***'));
  const url = error.request?.url ?? '';
  const where = `${error.request?.method ?? 'GET'} ${url === '' ? '(unknown URL)' : new URL(url).pathname}`;
  if (error.response === undefined) {
    // Octokit reports a fetch that threw (no answer at all) as a 500 without a response.
    const origin = url === '' ? 'GitHub' : new URL(url).origin;
    return new GitHubError(
      redact(`${where}: could not reach ${origin} (${error.message}). Fix: check GITHUB_API_URL and the runner's network`),
    );
  }
  const message = error.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '');
  const status = error.status as keyof Hints;
  const rateLimited = (error.status === 403 || error.status === 429) && error.response.headers?.['x-ratelimit-remaining'] === '0';
  const fix = rateLimited
    ? `GitHub's rate limit is used up until ${new Date(Number(error.response.headers?.['x-ratelimit-reset'] ?? 0) * 1000).toISOString()}; re-run the job then`
    : (hints[status] ??
      DEFAULT_HINTS[status] ??
      (error.status >= 500 ? 'GitHub is unavailable; re-run the job' : 'see the GitHub REST API documentation for this status'));
  return new GitHubError(redact(`${where} failed: ${error.status} ${message}. Fix: ${fix}`));
}

/** Runs calls on the client, turning a failure into an explained GitHubError. */
export async function explained<T>(call: () => Promise<T>, token: string, hints: Hints = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explain(error, token, hints);
  }
}
