/** Loading a catalogue from a TypeScript module, for `synth --catalogue` and the Pulumi program. */
import * as path from 'node:path';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import type { Catalogue } from './spec';

/** The sample catalogue, used when no other is named. */
export const DEFAULT_CATALOGUE = 'services/bookinfo';

/** Loads a module by absolute path: `require` under tsx, ts-node (Pulumi) and jest. */
export type ModuleLoader = (file: string) => unknown;

export function loadCatalogue(modulePath: string, root: string, load: ModuleLoader = require): Catalogue {
  const resolved = path.resolve(root, modulePath);
  let mod: { default?: unknown; catalogue?: unknown };
  try {
    mod = load(resolved) as typeof mod;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(resolved)) {
      assertNoProblems([
        {
          where: modulePath,
          field: '--catalogue',
          value: modulePath,
          problem: 'is not a module that can be loaded',
          fix: 'pass the path of a .ts file (or directory with index.ts) that exports a catalogue',
        },
      ]);
    }
    if (error instanceof ValidationError) throw error;
    throw new ValidationError([importProblem(error, modulePath, root)], 'the catalogue module does not load');
  }
  const catalogue = mod.catalogue ?? mod.default;
  if (typeof catalogue !== 'object' || catalogue === null || !Array.isArray((catalogue as Catalogue).services)) {
    assertNoProblems([
      {
        where: modulePath,
        field: 'exports',
        value: Object.keys(mod),
        problem: 'include no catalogue (a default export or one named "catalogue")',
        fix: "export default defineCatalogue('name', [defineService({...}), ...])",
      },
    ]);
  }
  const found = catalogue as Catalogue;
  // A catalogue written without defineCatalogue is still named by its file in messages.
  return found.source === undefined ? { ...found, source: modulePath.split(path.sep).join('/') } : found;
}

interface Located {
  /** `file:line:col` (or `file:line`), repository-relative. */
  readonly at: string;
  readonly syntax: boolean;
  readonly text: string;
}

/**
 * Where a module failed to load, from the loader's own report:
 * - tsx (esbuild): `Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: <text>`;
 * - ts-node (Pulumi's runner, @pulumi/pulumi/vendor/ts-node@7.0.1 TSError): `⨯ Unable to compile
 *   TypeScript:\n<file>(<line>,<col>): error TS<n>: <text>` (TypeScript's formatDiagnostics);
 * - V8 compiling plain JavaScript: a SyntaxError whose stack starts `<file>:<line>`;
 * - code that throws: the first stack frame outside node_modules and node's internals.
 */
function locate(error: unknown, root: string): Located | undefined {
  // ts-node names files relative to the working directory; the others give absolute paths.
  const rel = (file: string) =>
    path
      .relative(root, path.resolve(file.startsWith('file://') ? new URL(file).pathname : file))
      .split(path.sep)
      .join('/');
  const message = error instanceof Error ? error.message : String(error);
  const esbuild = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (esbuild !== null) return { at: `${rel(esbuild[1])}:${esbuild[2]}:${esbuild[3]}`, syntax: true, text: `SyntaxError: ${esbuild[4]}` };
  const tsc = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .+)$/m.exec(message);
  if (tsc !== null) return { at: `${rel(tsc[1])}:${tsc[2]}:${tsc[3]}`, syntax: true, text: tsc[4] };
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const v8Syntax = error instanceof SyntaxError ? /^(\/.+?):(\d+)\n/.exec(stack) : null;
  if (v8Syntax !== null) return { at: `${rel(v8Syntax[1])}:${v8Syntax[2]}`, syntax: true, text: firstLine(error) };
  for (const line of stack.split('\n').slice(1)) {
    const frame = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (frame === null || frame[1].includes('/node_modules/')) continue;
    return { at: `${rel(frame[1])}:${frame[2]}:${frame[3]}`, syntax: false, text: firstLine(error) };
  }
  return undefined;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

/** The problem for a catalogue module that fails to load: its module, the error's first line, where, and the fix. */
export function importProblem(error: unknown, modulePath: string, root: string): Problem {
  const found = locate(error, root);
  if (found === undefined) {
    return {
      where: modulePath,
      field: 'import',
      value: firstLine(error),
      problem: 'fails',
      fix: `run the module alone to see where: npx tsx ${modulePath}`,
    };
  }
  return found.syntax
    ? {
        where: modulePath,
        field: 'import',
        value: found.text,
        problem: `fails: a syntax error at ${found.at}`,
        fix: `correct the code at ${found.at} (npm run typecheck lists every error)`,
      }
    : {
        where: modulePath,
        field: 'import',
        value: found.text,
        problem: `fails: the code at ${found.at} throws while the catalogue loads`,
        fix: `correct the code at ${found.at}; loading a catalogue runs every module it imports`,
      };
}
