/**
 * The program compiles under the Pulumi CLI with the repo's strict settings. `pulumi up`
 * starts it in `main` (infra/), where the SDK's runner (cmd/run/run.js) looks for the
 * tsconfig at PULUMI_NODEJS_TSCONFIG_PATH (the Pulumi.yaml `tsconfig` runtime option) or
 * else ./tsconfig.json; without one it compiles with ts-node's defaults, not strict. This
 * test starts test/cli-compile.ts the way the language host starts the runner and lets
 * ts-node, registered as run.js registers it, type-check a probe with errors that only the
 * strict settings report; every file the program imports is shown to be one `npm run
 * typecheck` checks with those same options (asserted equal), so it compiles under the CLI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { spawnTsx } from '../test/cli';
import type { CompileReport } from '../test/cli-compile';
import { programLaunch } from '../test/language-host';

const ROOT = path.resolve(__dirname, '..');
const launch = programLaunch(ROOT);

let report: CompileReport;
let probe: string;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-compile-'));
  probe = path.join(dir, 'strict-probe.ts');
  // TS7006 needs noImplicitAny (strict), TS6133 noUnusedLocals: both only from tsconfig.json.
  fs.writeFileSync(probe, 'export function probe(value) {\n  const unused = 1;\n  return value;\n}\n');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PULUMI_NODEJS_') && !k.startsWith('TS_NODE_')),
  );
  // TS_NODE_CACHE=false: ts-node's disk cache returns an earlier output without type-checking it.
  const env = { ...inherited, ...launch.env, TS_NODE_CACHE: 'false' };
  const { code, stdout, stderr } = await spawnTsx('test/cli-compile.ts', [launch.entryPoint, probe], { cwd: launch.cwd, env });
  if (code !== 0) throw new Error(`test/cli-compile.ts exited ${code}:\n${stderr}`);
  report = JSON.parse(stdout) as CompileReport;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the program under the Pulumi CLI', () => {
  it('is started in infra/ with the repo tsconfig given through the tsconfig runtime option', () => {
    expect(launch).toEqual({
      cwd: path.join(ROOT, 'infra'),
      entryPoint: '.',
      env: { PULUMI_NODEJS_TYPESCRIPT: 'true', PULUMI_NODEJS_TSCONFIG_PATH: '../tsconfig.json' },
    });
    expect(path.resolve(report.cwd, report.tsConfigPath)).toBe(path.join(ROOT, 'tsconfig.json'));
    expect(report.tsConfigFound).toBe(true);
  });

  it('compiles with the compiler options of tsconfig.json, strict included', () => {
    const root = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file)).config as {
      compilerOptions: Record<string, unknown>;
    };
    expect(report.compilerOptions).toEqual(root.compilerOptions);
    expect(report.compilerOptions['strict']).toBe(true);
  });

  it('type-checks (not transpile-only) with the repo TypeScript', () => {
    expect(report.transpileOnly).toBeUndefined();
    expect(report.typescript).toBe(ts.version);
  });

  it('type-checks with those options in ts-node; every program file gets the same options from npm run typecheck', () => {
    expect(report.compiled).toEqual([path.relative(report.cwd, probe)]);
    expect(report.errors.filter((e) => e.file !== path.relative(report.cwd, probe))).toEqual([]);
    // Every imported file is under the root tsconfig.json that `npm run typecheck` checks, with
    // the very options ts-node used (asserted above), so compiling each again here adds nothing.
    expect(report.files).toEqual(
      expect.arrayContaining([
        'index.ts',
        'platform.ts',
        'load-balancer.ts',
        '../charts/synthesize.ts',
        '../charts/apiserver/index.ts',
        '../services/spec.ts',
      ]),
    );
    const root = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file)).config as {
      include?: string[];
      exclude?: string[];
    };
    const checked = ts.parseJsonConfigFileContent(root, ts.sys, ROOT).fileNames.map((f) => path.resolve(f));
    const missing = report.files.map((f) => path.resolve(report.cwd, f)).filter((f) => !checked.includes(f));
    expect(missing).toEqual([]);
  });

  it('reports the errors only the strict settings find', () => {
    const messages = report.errors
      .filter((e) => e.file === path.relative(report.cwd, probe))
      .map((e) => e.message)
      .join('\n');
    expect(messages).toContain("error TS7006: Parameter 'value' implicitly has an 'any' type.");
    expect(messages).toContain("error TS6133: 'unused' is declared but its value is never read.");
  });
});
