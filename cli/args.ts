import { parseArgs } from 'node:util';
import { ValidationError } from '../services/problems';

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

/** Runs a command: bad input prints its message and exits 1, bugs print a stack and exit 2. */
export function main(run: () => void | Promise<void>): void {
  const fail = (error: unknown): void => {
    if (error instanceof ValidationError || error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`internal error (please report): ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  };
  try {
    const result = run();
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}
