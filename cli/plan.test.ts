import { runCli, spawnTsx, type CliResult } from '../test/cli';
import { planCli } from './plan-command';

const plan = (...args: string[]) => runCli(planCli, args);

// The spawned run starts tsx while the in-process runs go on. It plans pr-7, the smallest stack
// (the apps only): the smoke test is about argv, exit code and output, and a platform stack's
// plan, asserted in-process below, cost the spawned process twice as much CPU.
let spawned: Promise<CliResult>;
beforeAll(() => {
  spawned = spawnTsx('cli/plan.ts', ['--stack', 'pr-7']);
});

describe('npm run plan', () => {
  it('prints the plan of a stack as a tree with key settings', async () => {
    const result = await plan('--stack', 'staging');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Plan for stack staging: \d+ resources \(offline, under mocks\)\n/);
    expect(result.stdout).toContain('Cluster platform-staging-cluster  location=europe-west1  releaseChannel.channel=REGULAR');
    expect(result.stdout).toContain(
      'Firewall staging-network-allow-lb-to-gateway  direction=INGRESS  sourceRanges=[130.211.0.0/22, 35.191.0.0/16]',
    );
    expect(result.stdout).toContain('GlobalForwardingRule staging-lb-https-rule  loadBalancingScheme=EXTERNAL_MANAGED  portRange=443');
  });

  it('rejects an unknown stack with the available ones, and a missing --stack with usage', async () => {
    const unknown = await plan('--stack', 'qa');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'Pulumi.qa.yaml: (file) "qa" is not a stack of this repository. Fix: use one of: dev, prod, staging, or create Pulumi.qa.yaml',
    );
    const missing = await plan();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('usage: npm run plan -- --stack <dev|staging|prod|pr-<N>>');
  });

  it("runs from the command line: prints the plan of pr-7 (no stack file: dev's settings) and exits 0", async () => {
    // The preview's plan in-process is infra/platform.preview.test.ts's; this is the one spawn of the entry point.
    const result = await spawned;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Plan for stack pr-7: \d+ resources \(offline, under mocks\)\n/);
    expect(result.stdout).toContain('kubernetes pr-7-dev-cluster  enableServerSideApply=true\n');
    expect(result.stdout).toMatch(/Namespace x2,/);
  });
});
