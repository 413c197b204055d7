/**
 * `npm run synth-base`: the manifests of every environment at another commit (the pull
 * request's base), built with that commit's own code and dependencies in a temporary git
 * worktree, so the PR summary compares like with like. An environment the base cannot
 * synthesize (it did not exist yet, or the base is broken) is left out with a warning: the
 * summary then shows its objects as added.
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { command } from './args';

/** Runs a command in a directory; rejects when it exits non-zero. */
export type Exec = (command: string, args: readonly string[], cwd: string) => Promise<void>;

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

export interface SynthBaseOptions {
  readonly ref: string;
  /** Each environment goes to `<out>/<env>` (synth's own layout). */
  readonly out: string;
  /** The repository the worktree is added from. */
  readonly repo: string;
  readonly exec: Exec;
  readonly warn: (message: string) => void;
  readonly tmp?: string;
}

/** Environments written. */
export async function synthBase(options: SynthBaseOptions): Promise<string[]> {
  const worktree = path.join(options.tmp ?? os.tmpdir(), `synth-base-${options.ref.slice(0, 12)}-${process.pid}`);
  const out = path.resolve(options.out);
  await options.exec('git', ['worktree', 'add', '--detach', worktree, options.ref], options.repo);
  try {
    try {
      await options.exec('npm', ['ci', '--no-audit', '--no-fund'], worktree);
    } catch {
      options.warn(`::warning::${options.ref} does not install: the summary shows every object as added`);
      return [];
    }
    const written: string[] = [];
    for (const env of ENVIRONMENTS) {
      try {
        await options.exec('npm', ['run', '-s', 'synth', '--', '--env', env, '--out', out], worktree);
        written.push(env);
      } catch {
        options.warn(`::warning::${options.ref} does not synthesize ${env}: the summary shows its objects as added`);
      }
    }
    return written;
  } finally {
    await options.exec('git', ['worktree', 'remove', '--force', worktree], options.repo);
  }
}

const run = promisify(execFile);
const processExec: Exec = async (command, args, cwd) => {
  await run(command, [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
};

/** `npm run synth-base -- <argv>`: synthesizes every environment at the ref; says which it could. */
export const synthBaseCli = command(
  {
    script: 'synth-base',
    summary:
      "Synthesizes every environment at another commit (the pull request's base) with that commit's own code and dependencies, in a temporary git worktree.",
    options: {
      ref: { type: 'string', required: true, value: 'commit', description: 'the commit (or any git revision) to synthesize' },
      out: { type: 'string', required: true, value: 'dir', description: "where <env>/ directories are written (synth's layout)" },
    },
  },
  async ({ values }, io, exec: Exec = processExec) => {
    const written = await synthBase({
      ref: values.ref,
      out: path.resolve(io.cwd, values.out),
      repo: io.cwd,
      exec,
      warn: (m) => io.out(`${m}\n`),
    });
    io.out(`base ${values.ref}: synthesized ${written.join(', ') || 'nothing'}\n`);
  },
);
