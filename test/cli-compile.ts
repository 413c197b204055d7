/**
 * Compiles a Pulumi Node.js program the way `pulumi up` does, without running it. Started
 * by infra/cli-compile.test.ts as the language host starts the SDK's runner: working
 * directory = the program directory, PULUMI_NODEJS_TYPESCRIPT / PULUMI_NODEJS_TSCONFIG_PATH
 * from the Pulumi.yaml runtime options.
 *
 * The ts-node registration below is the one of @pulumi/pulumi 3.248.0 cmd/run/run.js
 * (CommonJS branch: package.json has no `"type": "module"`), through the SDK's own helpers
 * (tsutils: the tsconfig reader and the typescript / ts-node pick). Every file the entry point
 * imports (transitively, outside node_modules) is listed, and the extra files go through
 * ts-node's own `compile`, which type-checks them as the CLI does on `require`.
 *
 * usage: tsx cli-compile.ts <entry point, as the language host passes it> [extra .ts files...]
 * Prints one JSON object (CompileReport) on stdout.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The SDK's internal helpers run.js calls (typed boundary: tsutils.d.ts exports nothing). */
interface TsUtils {
  loadTypeScriptCompilerOptions(tsConfigPath: string): Record<string, unknown>;
  typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
}
interface TsNodeService {
  compile(code: string, fileName: string): string;
}
interface TsNode {
  VERSION: string;
  register(options: Record<string, unknown>): TsNodeService;
}
interface TypeScript {
  version: string;
  preProcessFile(code: string): { importedFiles: { fileName: string }[] };
}

export interface CompileReport {
  readonly cwd: string;
  readonly tsConfigPath: string;
  /** false when ts-node was told to skip the project (the tsconfig file does not exist). */
  readonly tsConfigFound: boolean;
  /** compilerOptions as run.js reads them from the tsconfig (tsutils.loadTypeScriptCompilerOptions). */
  readonly compilerOptions: Record<string, unknown>;
  readonly transpileOnly: boolean | undefined;
  readonly typescript: string;
  readonly tsNode: string;
  readonly tsNodeRequire: string;
  /** Every file of the program (the entry point and what it imports, transitively), relative to the working directory. */
  readonly files: string[];
  /**
   * The files ts-node compiled (type-checked): the extra files (the strict probe). The program's
   * own files get the very same options from `npm run typecheck`, which checks every file with
   * tsconfig.json; type-checking them again here cost the test 8 to 16 s for no new fact.
   */
  readonly compiled: string[];
  /** ts-node's TSError text per file that failed. */
  readonly errors: { readonly file: string; readonly message: string }[];
}

// Loads the SDK's internal tsutils and the TypeScript and ts-node its runner resolves, by the paths it gives, as run.js does.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- internal module, typed by TsUtils above
const tsutils = require('@pulumi/pulumi/tsutils') as TsUtils;

function register(): { service: TsNodeService; ts: TypeScript; report: Omit<CompileReport, 'cwd' | 'files' | 'compiled' | 'errors'> } {
  // --- as run.js ---
  const tsConfigPath = process.env['PULUMI_NODEJS_TSCONFIG_PATH'] ?? 'tsconfig.json';
  const skipProject = !fs.existsSync(tsConfigPath);
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  const transpileOnlyEnv = process.env['PULUMI_NODEJS_TRANSPILE_ONLY'];
  const transpileOnly = transpileOnlyEnv ? transpileOnlyEnv === 'true' : (compilerOptions['noCheck'] as boolean | undefined);
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known at run time
  const ts = require(typescriptRequire) as TypeScript;
  const [major = 0, minor = 0] = ts.version.split('.').map(Number);
  const useNodeNext = major > 4 || (major === 4 && minor >= 7);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known at run time
  const tsn = require(tsnodeRequire) as TsNode;
  const service = tsn.register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsConfigPath,
    skipProject,
    compilerOptions: {
      target: 'ES2020',
      module: useNodeNext ? 'nodenext' : 'commonjs',
      moduleResolution: useNodeNext ? 'nodenext' : 'node',
      sourceMap: 'true',
      ...compilerOptions,
    },
  });
  // --- end of run.js ---
  return {
    service,
    ts,
    report: {
      tsConfigPath,
      tsConfigFound: !skipProject,
      compilerOptions,
      transpileOnly,
      typescript: ts.version,
      tsNode: tsn.VERSION,
      tsNodeRequire: tsnodeRequire,
    },
  };
}

function main(argv: string[]): void {
  const [entryPoint, ...extra] = argv;
  if (entryPoint === undefined) throw new Error('usage: cli-compile <entry point> [extra .ts files...]');
  const { service, ts, report } = register();
  const cwd = process.cwd();
  const files: string[] = [];
  const compiled: string[] = [];
  const errors: { file: string; message: string }[] = [];
  const seen = new Set<string>();
  const compile = (file: string, code: string): void => {
    compiled.push(path.relative(cwd, file));
    try {
      service.compile(code, file);
    } catch (error) {
      errors.push({ file: path.relative(cwd, file), message: (error as Error).message });
    }
  };
  // Node resolves the entry point ("." = the program directory) and each import; ts-node has
  // registered .ts, so extensionless imports resolve to the .ts files it would compile.
  const entry = createRequire(path.join(cwd, 'noop.js')).resolve(path.resolve(cwd, entryPoint));
  const queue = [entry];
  for (let next = 0; next < queue.length; next += 1) {
    const file = queue[next];
    if (seen.has(file) || !file.endsWith('.ts') || file.split(path.sep).includes('node_modules')) continue;
    seen.add(file);
    const code = fs.readFileSync(file, 'utf8');
    files.push(path.relative(cwd, file));
    const requireFrom = createRequire(file);
    for (const { fileName } of ts.preProcessFile(code).importedFiles) {
      if (fileName.startsWith('.')) queue.push(requireFrom.resolve(fileName));
    }
  }
  for (const file of extra) compile(path.resolve(file), fs.readFileSync(file, 'utf8'));
  const result: CompileReport = { cwd, ...report, files, compiled, errors };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2));
