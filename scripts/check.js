// The type check and type-aware lint of npm test, in one process that builds the TypeScript program
// once: `npm run check`. Run apart, `tsc --noEmit` and `eslint .` each parse and bind the same
// ~4,300 files (mostly @pulumi/gcp's declarations) and each type-checks them; here typescript-eslint
// gets the program tsc built (parserOptions.programs), already checked: about 28 s of CPU instead of 39-45.
//
// Same results as `npm run typecheck` and `npm run lint`, which stay for running one of the two:
// the program comes from tsconfig.json as tsc reads it, and ESLint runs with eslint.config.cjs over
// the same files, only told to use this program (typescript-eslint then ignores parserOptions.project).
// Exit 0 when both are clean, 1 when either reports an error, 2 when the check itself cannot run.
'use strict';
const path = require('path');
const ts = require('typescript');
const { ESLint } = require('eslint');

const ROOT = path.resolve(__dirname, '..');

/** The program of a tsconfig file, and every diagnostic `tsc --noEmit -p <file>` prints for it. */
function typecheck(tsconfigFile) {
  let configError;
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => (configError = d) };
  const config = ts.getParsedCommandLineOfConfigFile(tsconfigFile, undefined, host);
  if (config === undefined) return { program: undefined, diagnostics: configError === undefined ? [] : [configError] };
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
  return { program, diagnostics: [...config.errors, ...ts.getPreEmitDiagnostics(program)] };
}

/**
 * ESLint with the repository's eslint.config.cjs, its type-aware rules reading types from `program`.
 * The config is required here rather than found by ESLint (which imports it): the same file, and a
 * caller in Jest, which cannot import(), can use this too.
 */
function linter(program) {
  return new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      ...require('../eslint.config.cjs'),
      { files: ['**/*.ts'], languageOptions: { parserOptions: { programs: [program] } } },
    ],
  });
}

function formatDiagnostics(diagnostics, colour) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  return colour ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host) : ts.formatDiagnostics(diagnostics, host);
}

async function main() {
  const { program, diagnostics } = typecheck(path.join(ROOT, 'tsconfig.json'));
  if (diagnostics.length > 0) {
    process.stdout.write(formatDiagnostics(diagnostics, process.stdout.isTTY === true));
    process.stdout.write(`\ntsc: ${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}\n`);
  }
  if (program === undefined) return 2;

  const eslint = linter(program);
  const results = await eslint.lintFiles(['.']);
  const report = await (await eslint.loadFormatter('stylish')).format(results);
  if (report !== '') process.stdout.write(report);
  // As `eslint .`: warnings are printed, errors fail.
  const lintErrors = results.reduce((n, r) => n + r.errorCount, 0);
  return diagnostics.length > 0 || lintErrors > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`npm run check could not run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}

module.exports = { typecheck, linter };
