/** The Pulumi CLI's way of starting Node.js code (test/language-host.ts), as tables. */
import * as path from 'node:path';
import { programLaunch, pwdMain, runtimeEnv } from './language-host';

const ROOT = path.resolve(__dirname, '..');

describe('pwdMain (engine getPwdMain)', () => {
  it.each([
    ['no main', undefined, ROOT, '.'],
    ['a main directory', 'infra/', path.join(ROOT, 'infra'), '.'],
    ['a main file', 'infra/index.ts', path.join(ROOT, 'infra'), 'index.ts'],
  ])('%s: runs in %s with entry point %s', (_case, main, pwd, entry) => {
    expect(pwdMain(ROOT, main)).toEqual({ pwd, main: entry });
  });
});

describe('runtimeEnv (language host parseOptions and execRuntime)', () => {
  it.each([
    ['no options: TypeScript by default', {}, { PULUMI_NODEJS_TYPESCRIPT: 'true' }],
    ['typescript: false', { typescript: false }, {}],
    [
      'a tsconfig path',
      { tsconfig: '../tsconfig.json' },
      { PULUMI_NODEJS_TYPESCRIPT: 'true', PULUMI_NODEJS_TSCONFIG_PATH: '../tsconfig.json' },
    ],
  ])('%s', (_case, options, env) => {
    expect(runtimeEnv(options)).toEqual(env);
  });

  it('rejects a typescript option that is not a boolean, as the language host does', () => {
    expect(() => runtimeEnv({ typescript: 'yes' })).toThrow('typescript option must be a boolean');
  });
});

describe('the two Pulumi programs of this repository', () => {
  it.each([
    ['the platform (Pulumi.yaml)', ROOT, path.join(ROOT, 'infra'), '.'],
    ['the bootstrap (bootstrap/Pulumi.yaml)', path.join(ROOT, 'bootstrap'), path.join(ROOT, 'bootstrap'), 'index.ts'],
  ])('%s is compiled by the CLI with the repository tsconfig.json', (_case, projectDir, cwd, entryPoint) => {
    const launch = programLaunch(projectDir);
    expect(launch).toMatchObject({ cwd, entryPoint, env: { PULUMI_NODEJS_TYPESCRIPT: 'true' } });
    expect(path.resolve(launch.cwd, launch.env.PULUMI_NODEJS_TSCONFIG_PATH ?? 'tsconfig.json')).toBe(path.join(ROOT, 'tsconfig.json'));
  });
});
