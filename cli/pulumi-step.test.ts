import { pulumiArgs, resourceSummary, runStep, type Runner } from './pulumi-step-command';

const PREVIEW_OUTPUT = [
  'Previewing update (dev):',
  '     Type                 Name   Plan',
  '     pulumi:pulumi:Stack  platform-dev',
  ' ~   gcp:compute:Firewall net-allow-lb  update',
  '',
  'Policies:',
  '    ✅ platform-policies@v0.1.0 (local: policies)',
  '',
  'Resources:',
  '    ~ 1 to update',
  '    113 unchanged',
  '',
].join('\n');

function fakeRunner(results: Record<string, { code: number; output: string }>): { run: Runner; calls: string[][] } {
  const calls: string[][] = [];
  const run: Runner = async (command, args) => {
    calls.push([command, ...args]);
    return results[args[0] === 'stack' ? 'output' : 'main'];
  };
  return { run, calls };
}

describe('pulumi-step', () => {
  it('runs every operation with the policy pack where it applies, never interactively', () => {
    expect(pulumiArgs('preview', 'prod')).toEqual(['preview', '--stack', 'prod', '--non-interactive', '--diff', '--policy-pack', 'policies']);
    expect(pulumiArgs('up', 'dev')).toEqual(['up', '--stack', 'dev', '--non-interactive', '--yes', '--skip-preview', '--policy-pack', 'policies']);
    expect(pulumiArgs('destroy', 'pr-7')).toEqual(['destroy', '--stack', 'pr-7', '--non-interactive', '--yes', '--remove']);
    expect(pulumiArgs('drift', 'staging')).toEqual(['preview', '--stack', 'staging', '--non-interactive', '--expect-no-changes', '--policy-pack', 'policies']);
  });

  it('reads the Resources block', () => {
    expect(resourceSummary(PREVIEW_OUTPUT)).toEqual(['~ 1 to update', '113 unchanged']);
    expect(resourceSummary('error: no stack')).toEqual([]);
  });

  it('summarizes a preview for the pull request, with the output folded', async () => {
    const { run } = fakeRunner({ main: { code: 0, output: PREVIEW_OUTPUT } });
    const result = await runStep('preview', 'dev', run);
    expect(result.code).toBe(0);
    expect(result.markdown).toContain('### `pulumi preview` of stack `dev`: succeeded\n\n- ~ 1 to update\n- 113 unchanged\n');
    expect(result.markdown).toContain('<details><summary>Output</summary>\n\n```\nPreviewing update (dev):');
  });

  it('keeps the exit code and says a drift check found drift', async () => {
    const { run } = fakeRunner({ main: { code: 255, output: 'error: no changes were expected but changes were proposed' } });
    const result = await runStep('drift', 'prod', run);
    expect(result.code).toBe(255);
    expect(result.markdown).toMatch(/^### `pulumi preview` of stack `prod`: found drift or failed/);
  });

  it('gives the URLs of a preview stack after up, and only for preview stacks', async () => {
    const pr = fakeRunner({ main: { code: 0, output: 'Resources:\n    + 57 created\n' }, output: { code: 0, output: '["https://pr-7.dev.bookinfo.example.com/productpage"]' } });
    const result = await runStep('up', 'pr-7', pr.run);
    expect(pr.calls[1]).toEqual(['pulumi', 'stack', 'output', 'urls', '--stack', 'pr-7', '--json']);
    expect(result.markdown).toContain('Preview stack is up:\n- https://pr-7.dev.bookinfo.example.com/productpage\n');
    const dev = fakeRunner({ main: { code: 0, output: '' }, output: { code: 0, output: '[]' } });
    await runStep('up', 'dev', dev.run);
    expect(dev.calls).toHaveLength(1);
  });

  it('cuts long output from the front, where the least useful part is', async () => {
    const long = `${'x'.repeat(70_000)}\nerror: the last line`;
    const { run } = fakeRunner({ main: { code: 1, output: long } });
    const { markdown } = await runStep('up', 'dev', run);
    expect(markdown.length).toBeLessThan(61_000);
    expect(markdown).toContain('earlier characters in the job log');
    expect(markdown).toContain('error: the last line');
  });
});
