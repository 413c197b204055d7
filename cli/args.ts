import { parseArgs } from 'node:util';
import { ValidationError } from '../core/problems';

/** Parses `--name value` options; unknown options are an error that lists the known ones. */
export function parseOptions<K extends string>(argv: string[], names: readonly K[], usage: string): Partial<Record<K, string>> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      allowPositionals: false,
      strict: true,
    });
    return values as Partial<Record<K, string>>;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

export class UsageError extends Error {}

/** What a command gets from the process: its output streams and its working directory. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Relative paths in the arguments are relative to it. */
  readonly cwd: string;
}

/** A command: the arguments after the script's name in, the exit code out (none: 0). */
export type Command = (argv: string[], io: Io) => number | void | Promise<number | void>;

/**
 * The exit codes of every command: 0 done (or check passed), 1 a check failed (the command
 * returns it: policy violations, `--check` found a difference), 2 bad usage or unreadable
 * input (the message names the file and the fix), 3 an internal error (a bug: please report).
 */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 3 } as const;

/** Runs a command: bad usage or input prints its message and exits 2, bugs print a stack and exit 3. */
export async function runCommand(command: Command, argv: string[], io: Io): Promise<number> {
  try {
    return (await command(argv, io)) ?? EXIT.ok;
  } catch (error) {
    if (error instanceof ValidationError || error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      return EXIT.badInput;
    }
    io.err(`internal error (please report): ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.internal;
  }
}

/** The entry point of `cli/<name>.ts`: runs the command on the process's arguments and streams. */
export function main(command: Command): void {
  const io: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), cwd: process.cwd() };
  void runCommand(command, process.argv.slice(2), io).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
