/**
 * How the Pulumi CLI (3.248.0, the version .github/actions/setup-pulumi pins) starts Node.js
 * code, so tests can start it the same way without the CLI. Read from pulumi/pulumi at tag
 * v3.248.0 (commit a88168d865b7fd428e5a929cc54aeceaf72d203f):
 *
 * - program: pkg/engine/project.go `getPwdMain` (a `main` directory becomes the working
 *   directory, entry point "."); sdk/nodejs/cmd/pulumi-language-nodejs/main.go `parseOptions`
 *   (`typescript` defaults to true, `tsconfig` is a string) and `execRuntime` (env
 *   PULUMI_NODEJS_TYPESCRIPT=true, PULUMI_NODEJS_TSCONFIG_PATH=<tsconfig>, `--pwd <program
 *   dir>`; cmd/run/run.js chdirs there before it reads the tsconfig path).
 * - policy pack: sdk/go/common/resource/plugin/analyzer_plugin.go `NewPolicyAnalyzer` (with
 *   the nodejs language plugin present, RunPlugin with args [engine address]) and main.go
 *   `RunPlugin` (kind analyzer: `node <require.resolve('@pulumi/pulumi/cmd/run-policy-pack')
 *   from the pack dir> <engine address> <pack dir>`, working directory the pack dir).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { parse } from 'yaml';

export interface ProgramLaunch {
  /** Working directory of the program (run.js chdirs to `--pwd` before it reads the tsconfig path). */
  readonly cwd: string;
  /** The entry point argument, relative to `cwd` ("." for a directory). */
  readonly entryPoint: string;
  /** Environment the language host adds. */
  readonly env: Readonly<Record<string, string>>;
}

export interface PolicyPackLaunch {
  readonly cwd: string;
  /** Arguments after `node`. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

interface RuntimeOptions {
  readonly typescript?: unknown;
  readonly tsconfig?: unknown;
}

interface ProjectFile {
  readonly main?: string;
  /** `runtime: nodejs` or `runtime: {name: nodejs, options: {...}}`, in Pulumi.yaml and PulumiPolicy.yaml. */
  readonly runtime?: string | { readonly name?: string; readonly options?: RuntimeOptions };
}

function readProject(file: string): { main: string | undefined; options: RuntimeOptions } {
  const { main, runtime } = parse(fs.readFileSync(file, 'utf8')) as ProjectFile;
  const name = typeof runtime === 'string' ? runtime : runtime?.name;
  if (name !== 'nodejs') throw new Error(`${file}: runtime is ${JSON.stringify(name)}, expected nodejs`);
  return { main, options: typeof runtime === 'string' ? {} : (runtime?.options ?? {}) };
}

/** main.go parseOptions + execRuntime/RunPlugin: the environment the runtime options give. */
export function runtimeEnv(options: RuntimeOptions): Record<string, string> {
  const typescript = options.typescript ?? true;
  if (typeof typescript !== 'boolean') throw new Error('typescript option must be a boolean');
  if (options.tsconfig !== undefined && typeof options.tsconfig !== 'string') throw new Error('tsconfigpath option must be a string');
  return {
    ...(typescript ? { PULUMI_NODEJS_TYPESCRIPT: 'true' } : {}),
    ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
  };
}

/** engine getPwdMain: the program's working directory and entry point for a Pulumi.yaml `main`. */
export function pwdMain(root: string, main: string | undefined): { pwd: string; main: string } {
  if (main === undefined || main === '') return { pwd: root, main: '.' };
  const target = path.resolve(root, main);
  return fs.statSync(target).isDirectory() ? { pwd: target, main: '.' } : { pwd: path.dirname(target), main: path.basename(target) };
}

/** The program as `pulumi up` starts it: `node <sdk>/cmd/run ... --pwd <pwd> <entry point>`. */
export function programLaunch(root: string): ProgramLaunch {
  const project = readProject(path.join(root, 'Pulumi.yaml'));
  const { pwd, main } = pwdMain(root, project.main);
  return { cwd: pwd, entryPoint: main, env: runtimeEnv(project.options) };
}

/** The policy pack as `pulumi preview --policy-pack <dir>` starts it through the nodejs language host. */
export function policyPackLaunch(packDir: string, engineAddress: string): PolicyPackLaunch {
  const dir = path.resolve(packDir);
  const runner = createRequire(path.join(dir, 'noop.js')).resolve('@pulumi/pulumi/cmd/run-policy-pack');
  return { cwd: dir, args: [runner, engineAddress, dir], env: runtimeEnv(readProject(path.join(dir, 'PulumiPolicy.yaml')).options) };
}
