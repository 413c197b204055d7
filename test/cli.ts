/**
 * Running the CLI in tests. A command is tested in-process through its exported
 * `(argv, io) => exit code` function (`runCli`); each entry point `cli/<name>.ts` keeps one
 * smoke test that spawns it (`spawnTsx`) for argv, exit code and output end to end, since
 * every spawn pays for starting tsx and loading the program again.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCommand, type Command } from '../cli/args';

export const ROOT = path.resolve(__dirname, '..');
/**
 * `node --import tsx <script>`: tsx's loader in the process that runs the script, as the `tsx`
 * command (what `npm run <script>` starts) sets it up in the child it spawns; without that extra
 * Node process each spawn costs about 0.13 s of CPU less.
 */
const NODE_WITH_TSX = [process.execPath, '--import', pathToFileURL(require.resolve('tsx')).href] as const;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in-process as `main` runs it, from `cwd` (the repository root by default). */
export async function runCli(command: Command, argv: readonly string[], cwd = ROOT): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCommand(command, [...argv], { out: (text) => (stdout += text), err: (text) => (stderr += text), cwd });
  return { code, stdout, stderr };
}

export interface SpawnOptions {
  /** @default the repository root */
  readonly cwd?: string;
  /** @default this process's environment */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (closed empty by default). */
  readonly input?: string;
}

/** Runs `<script> <args>` with tsx's loader (script relative to the repository root) and waits for its exit. */
export function spawnTsx(script: string, args: readonly string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const [node, ...loader] = NODE_WITH_TSX;
    const child = execFile(
      node,
      [...loader, path.resolve(ROOT, script), ...args],
      { cwd: options.cwd ?? ROOT, env: options.env },
      (error, stdout, stderr) => {
        // A spawn failure (code "ENOENT") or a kill by a signal (code null) is no exit code: -1.
        const code = error === null ? 0 : (error as { code?: unknown }).code;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}
