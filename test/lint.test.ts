/**
 * The import rules of eslint.config.cjs fail what they must: a layer importing upward, production
 * code importing test code, a production file importing a devDependency. Lints short snippets
 * in-process with the repository's own config, as files at the paths given (the files need not
 * exist); `npm run lint` runs the same config over the repository.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import * as ts from 'typescript';
import tseslint from 'typescript-eslint';
import { ROOT } from './cli';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS config file itself, as ESLint loads it
const config = require('../eslint.config.cjs') as Linter.Config[];

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/check.js is CommonJS JavaScript, run by node
const check = require('../scripts/check.js') as {
  typecheck(tsconfigFile: string): { program: ts.Program | undefined; diagnostics: readonly ts.Diagnostic[] };
  linter(program: ts.Program): ESLint;
};

// Type information is not needed by the import rules, and building the program would take seconds.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [...config, { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});

const IMPORT_RULES = new Set(['import-x/no-restricted-paths', 'import-x/no-extraneous-dependencies']);

/** The import rules' messages on `code` linted as the file `file` (repository-relative). */
async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && IMPORT_RULES.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

const upward = (layer: string, allowed: string, from: string): string =>
  `import-x/no-restricted-paths: Unexpected path "${from}" imported in restricted zone. ${layer}/ may import only ${allowed} (layers only import downward: docs/testing.md).`;
const TEST_HELPER = 'production code never imports test code or test helpers: move what it needs into the production module.';

describe('layer boundaries', () => {
  it.each([
    ['core/x.ts', "import { validateService } from '../services/validate';", upward('core', 'nothing of ours', '../services/validate')],
    ['services/x.ts', "import { synthesize } from '../charts/synthesize';", upward('services', 'core/', '../charts/synthesize')],
    ['charts/x.ts', "import { evaluate } from '../policies/engine';", upward('charts', 'core/, services/, imports/', '../policies/engine')],
    [
      'policies/x.ts',
      "import { stackInputs } from '../infra/inputs';",
      upward('policies', 'core/, services/, charts/, imports/', '../infra/inputs'),
    ],
    [
      'infra/x.ts',
      "import { runCommand } from '../cli/args';",
      upward('infra', 'core/, services/, charts/, policies/, imports/', '../cli/args'),
    ],
    [
      'infra/x.ts',
      "import { planBootstrap } from '../bootstrap/plan';",
      upward('infra', 'core/, services/, charts/, policies/, imports/', '../bootstrap/plan'),
    ],
    ['services/x.ts', "import type { ManifestObject } from '../charts/schema';", upward('services', 'core/', '../charts/schema')],
  ])('fails %s importing upward: %s', async (file, code, message) => {
    expect(await importErrors(file, `${code}\n`)).toEqual([message]);
  });

  it.each([
    ['services/x.ts', "import { assertNoProblems } from '../core/problems';"],
    ['charts/x.ts', "import type { ServiceSpec } from '../services/spec';\nimport { Gateway } from '../imports/networking.istio.io';"],
    ['policies/x.ts', "import { validateObject } from '../charts/schema';"],
    ['cli/x.ts', "import { planBootstrap } from '../bootstrap/plan';\nimport { program } from '../infra/program';"],
    ['charts/x.test.ts', "import { evaluate } from '../policies/engine';"],
    ['bench/x.ts', "import { evaluate } from '../policies/engine';"],
  ])('lets %s import downward (or be a consumer): %s', async (file, code) => {
    expect(await importErrors(file, `${code}\n`)).toEqual([]);
  });
});

describe('test code stays out of production', () => {
  it('fails a production module importing a test helper of its own layer', async () => {
    expect(await importErrors('infra/x.ts', "import { gcpFindings } from './testing/policy-check';\n")).toEqual([
      `import-x/no-restricted-paths: Unexpected path "./testing/policy-check" imported in restricted zone. ${TEST_HELPER}`,
    ]);
  });

  it('fails a production module importing test/ or a test file', async () => {
    expect(
      await importErrors(
        'cli/x.ts',
        "import { runCli } from '../test/cli';\nimport { compliant } from '../policies/rules/workloads.fixture';\n",
      ),
    ).toEqual([
      `import-x/no-restricted-paths: Unexpected path "../test/cli" imported in restricted zone. ${TEST_HELPER}`,
      `import-x/no-restricted-paths: Unexpected path "../policies/rules/workloads.fixture" imported in restricted zone. ${TEST_HELPER}`,
    ]);
  });

  it('lets tests import test helpers', async () => {
    expect(
      await importErrors(
        'infra/x.test.ts',
        "import { runCli } from '../test/cli';\nimport { gcpFindings } from './testing/policy-check';\n",
      ),
    ).toEqual([]);
  });
});

describe('declared packages', () => {
  it('fails a production module importing a devDependency', async () => {
    expect(await importErrors('policies/x.ts', "import * as grpc from '@grpc/grpc-js';\n")).toEqual([
      "import-x/no-extraneous-dependencies: '@grpc/grpc-js' should be listed in the project's dependencies, not devDependencies.",
    ]);
  });

  it('fails a type-only import of a devDependency too', async () => {
    expect(await importErrors('cli/x.ts', "import type { Metadata } from '@grpc/grpc-js';\n")).toEqual([
      "import-x/no-extraneous-dependencies: '@grpc/grpc-js' should be listed in the project's dependencies, not devDependencies.",
    ]);
  });

  it('lets tests, test helpers and bench/ import devDependencies', async () => {
    for (const file of ['policies/x.test.ts', 'test/x.ts', 'infra/testing/x.ts', 'bench/x.ts']) {
      expect([file, await importErrors(file, "import * as grpc from '@grpc/grpc-js';\n")]).toEqual([file, []]);
    }
  });

  it('fails any file importing a package the repository does not declare', async () => {
    expect(await importErrors('test/x.ts', "import { Minimatch } from 'minimatch';\n")).toEqual([
      "import-x/no-extraneous-dependencies: 'minimatch' should be listed in the project's dependencies. Run 'npm i minimatch' to add it",
    ]);
  });
});

describe('npm run check: the type check and type-aware lint on one program', () => {
  it('reports what tsc reports for a tsconfig', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { strict: true, noEmit: true, lib: ['es5'], types: [] }, files: ['probe.ts'] }),
      );
      fs.writeFileSync(path.join(dir, 'probe.ts'), "export const port: number = '8080';\n");
      const { program, diagnostics } = check.typecheck(path.join(dir, 'tsconfig.json'));
      expect(program?.getRootFileNames()).toEqual([path.join(dir, 'probe.ts')]);
      expect(diagnostics.map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)).toEqual([
        "TS2322: Type 'string' is not assignable to type 'number'.",
      ]);
      fs.writeFileSync(path.join(dir, 'probe.ts'), 'export const port: number = 8080;\n');
      expect(check.typecheck(path.join(dir, 'tsconfig.json')).diagnostics).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the type-aware rules the program it is handed, not tsconfig.json's", async () => {
    // A file only this program has (it is not on disk): linted with parserOptions.project, it would fail as not in the project.
    const file = path.join(ROOT, 'core', 'check-probe.ts');
    const code = 'export async function save(): Promise<void> {}\nexport function run(): void {\n  save();\n}\n';
    const host = ts.createCompilerHost({ strict: true });
    const readFile = host.readFile.bind(host);
    host.readFile = (name) => (name === file ? code : readFile(name));
    host.fileExists = (
      (exists) => (name: string) =>
        name === file || exists(name)
    )(host.fileExists.bind(host));
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) =>
      name === file ? ts.createSourceFile(name, code, version) : getSourceFile(name, version, ...rest);
    const program = ts.createProgram([file], { strict: true, noEmit: true, lib: ['lib.es5.d.ts'], types: [] }, host);
    const [result] = await check.linter(program).lintText(code, { filePath: file });
    expect(result?.messages.map((m) => `${m.line}: ${m.ruleId}`)).toEqual(['3: @typescript-eslint/no-floating-promises']);
  });
});
