import * as path from 'node:path';
import { synthBase, type Exec } from './synth-base-command';

function recorder(fail: (command: string, args: readonly string[]) => boolean) {
  const calls: string[] = [];
  const exec: Exec = async (command, args, cwd) => {
    calls.push(`${path.basename(cwd)}$ ${command} ${args.join(' ')}`);
    if (fail(command, args)) throw new Error('exit 1');
  };
  const warnings: string[] = [];
  return { exec, calls, warnings, warn: (m: string) => warnings.push(m) };
}

const base = { ref: 'abc123def4567890', out: '/tmp/base', repo: '/work/repo', tmp: '/tmp' };

describe('synth-base', () => {
  it('installs and synthesizes every environment in a worktree of the base, then removes it', async () => {
    const r = recorder(() => false);
    await expect(synthBase({ ...base, exec: r.exec, warn: r.warn })).resolves.toEqual(['dev', 'staging', 'prod']);
    const worktree = `synth-base-abc123def456-${process.pid}`;
    expect(r.calls).toEqual([
      `repo$ git worktree add --detach /tmp/${worktree} abc123def4567890`,
      `${worktree}$ npm ci --no-audit --no-fund`,
      `${worktree}$ npm run -s synth -- --env dev --out /tmp/base`,
      `${worktree}$ npm run -s synth -- --env staging --out /tmp/base`,
      `${worktree}$ npm run -s synth -- --env prod --out /tmp/base`,
      `repo$ git worktree remove --force /tmp/${worktree}`,
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('leaves out an environment the base cannot synthesize, with a warning, and goes on', async () => {
    const r = recorder((command, args) => command === 'npm' && args.includes('staging'));
    await expect(synthBase({ ...base, exec: r.exec, warn: r.warn })).resolves.toEqual(['dev', 'prod']);
    expect(r.warnings).toEqual(['::warning::abc123def4567890 does not synthesize staging: the summary shows its objects as added']);
  });

  it('gives up on a base that does not install, and still removes the worktree', async () => {
    const r = recorder((_command, args) => args[0] === 'ci');
    await expect(synthBase({ ...base, exec: r.exec, warn: r.warn })).resolves.toEqual([]);
    expect(r.calls.at(-1)).toMatch(/git worktree remove --force/);
    expect(r.warnings[0]).toMatch(/does not install/);
  });
});
