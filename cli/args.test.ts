import { ValidationError } from '../core/problems';
import { runCli } from '../test/cli';
import { EXIT, UsageError, type Command } from './args';

describe('the shared command runner (runCommand)', () => {
  const problem = { where: 'x.yaml', field: 'spec', problem: 'is wrong', fix: 'fix it' };
  it.each<[string, number, Command, RegExp]>([
    ['a command that returns nothing', 0, () => undefined, /^$/],
    ['a failed check (the command returns 1)', 1, () => EXIT.checkFailed, /^$/],
    ['bad usage', 2, () => { throw new UsageError('--x is required'); }, /^error: --x is required\n$/],
    ['bad input', 2, () => { throw new ValidationError([problem]); }, /^error: 1 problem found:\n {2}- x\.yaml: spec is wrong\. Fix: fix it\n$/],
    ['a bug', 3, () => { throw new TypeError("Cannot read properties of undefined (reading 'name')"); }, /^internal error \(please report\): TypeError: Cannot read properties/],
  ])('%s exits %i', async (_name, code, command, stderr) => {
    const result = await runCli(command, []);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(stderr);
  });

  it('numbers the exit codes as documented: 0 ok, 1 check failed, 2 bad usage or input, 3 internal error', () => {
    expect(EXIT).toEqual({ ok: 0, checkFailed: 1, badInput: 2, internal: 3 });
  });
});
