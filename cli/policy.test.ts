import * as path from 'node:path';
import { RULES } from '../policies/catalogue';
import { blocking, passed } from '../policies/engine';
import { ROOT, runCli, spawnTsx, type CliResult } from '../test/cli';
import { checkDirectory, checkEnvironment, policyCli } from './policy-command';

const BAD = path.join('test', 'fixtures', 'policy', 'bad');

const policy = (...args: string[]) => runCli(policyCli, args);

/** Rule ids the report names, in order of first appearance. */
function rulesNamed(report: string): string[] {
  return [...new Set([...report.matchAll(/\[(?:FAIL|warn|waived)\] ([A-Z]{2}\d{2}-[a-z0-9-]+)/g)].map((m) => m[1]))];
}

const manifestRuleIds = RULES.filter((r) => r.target === 'manifests').map((r) => r.id).sort();

const RUNS = {
  dev: ['dev', '--infra'],
  unknownEnv: ['qa'],
  mixed: ['dev', '--dir', BAD],
  bad: ['--dir', BAD, '--registry', 'europe-docker.pkg.dev/proj/'],
  badAsDev: ['--dir', BAD, '--env', 'dev'],
  noRegistry: ['--dir', BAD],
  missingDir: ['--dir', 'no/such/dir'],
  badProfile: ['--dir', BAD, '--profile', 'production'],
} as const;
type Run = keyof typeof RUNS;
let results: Record<Run, CliResult>;
let spawned: CliResult;
beforeAll(async () => {
  // The spawned run starts tsx while the in-process runs go on.
  const spawn = spawnTsx('cli/policy.ts', RUNS.bad);
  const entries: Array<readonly [Run, CliResult]> = [];
  for (const [name, args] of Object.entries(RUNS) as Array<[Run, readonly string[]]>) entries.push([name, await policy(...args)]);
  results = Object.fromEntries(entries) as typeof results;
  spawned = await spawn;
});

describe('npm run policy from the command line', () => {
  it('parses the arguments, prints the report and exits 1 on a mandatory violation', () => {
    const result = spawned;
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(results.bad.stdout);
  });
});

describe('npm run policy -- <env>', () => {
  it('passes the dev manifests and infrastructure (--infra) and exits 0', () => {
    const result = results.dev;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Policy check of the dev manifests: PASS \(\d+ rules; 0 mandatory violations/);
    expect(result.stdout).toMatch(/Policy check of the dev infrastructure \(offline\): PASS \(\d+ rules; 0 mandatory violations/);
  });

  it('rejects an unknown environment with the file it looked for', () => {
    const result = results.unknownEnv;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Pulumi\.qa\.yaml/);
  });

  it('rejects mixing an environment with --dir, with the usage', () => {
    const result = results.mixed;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run policy -- <env> [--infra]');
  });
});

describe('npm run policy -- --dir', () => {
  it('fails on the bad manifests and names every manifest rule, grouped by object with the fix', () => {
    const result = results.bad;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Policy check of test\/fixtures\/policy\/bad \(profile prod, registries europe-docker\.pkg\.dev\/proj\/\): FAIL/);
    // The fixture breaks each rule on purpose: a new rule needs a broken example there.
    expect(rulesNamed(result.stdout).sort()).toEqual(manifestRuleIds);
    expect(result.stdout).toContain([
      'ClusterRoleBinding/operator-admin',
      '  [FAIL] PS11-rbac-cluster-admin (critical): roleRef is ClusterRole cluster-admin',
      '         fix: bind a Role with the permissions the subject needs instead',
    ].join('\n'));
    expect(result.stdout).toMatch(/Deployment\/default\/legacy\n(  .*\n)*  \[FAIL\] PS02-privileged \(critical\): container "app": securityContext.privileged is true\n {9}fix: /);
  });

  it('reads the profile and allowed registries from a stack with --env', () => {
    const result = results.badAsDev;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\(profile dev, registries docker\.io\/istio\/ europe-west1-docker\.pkg\.dev\/[a-z0-9-]+\/\)/);
    // dev tolerates tags: the digest rule does not run there.
    expect(rulesNamed(result.stdout)).not.toContain('IM01-image-digest');
  });

  it('says when no registry is allowed', () => {
    const result = results.noRegistry;
    expect(result.stdout).toContain('no allowed registries: pass --env or --registry');
    expect(result.stdout).toMatch(/IM02-allowed-registries \(high\): init container "setup": image busybox \(docker.io\/library\/busybox\) is not from an allowed registry \(none are allowed\)/);
  });

  it('names a directory that does not exist', () => {
    const result = results.missingDir;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no\/such\/dir: --dir .*is not a directory/);
  });

  it('rejects an unknown profile', () => {
    const result = results.badProfile;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--profile must be one of dev, staging, prod, not "production"');
  });
});

describe('the BookInfo manifests', () => {
  it.each(['dev', 'staging', 'prod'])('pass every mandatory rule in %s, with no advisory finding either', (env) => {
    const report = checkEnvironment(env);
    expect(report.rulesRun).toBe(manifestRuleIds.length);
    expect(blocking(report)).toEqual([]);
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(passed(report)).toBe(true);
  });

  it('are checked for real: the bad directory run in-process fails with the same path', () => {
    const report = checkDirectory(path.join(ROOT, BAD), { profile: 'prod', allowedRegistries: ['europe-docker.pkg.dev/proj/'], environment: 'dir' });
    expect(passed(report)).toBe(false);
    expect(new Set(blocking(report).map((v) => v.rule.id)).size).toBeGreaterThan(60);
  });
});
