import * as path from 'node:path';
import { RULES } from '../policies/catalogue';
import { blocking, passed } from '../policies/engine';
import { ROOT, runCli, spawnTsx, type CliResult } from '../test/cli';
import type { JsonReport } from '../policies/report';
import type { SarifLog } from '../policies/sarif';
import { checkDirectory, checkEnvironment, defaultDocsUrl, environmentCheck, policyCli } from './policy-command';
import { render } from './synth-command';

const BAD = path.join('test', 'fixtures', 'policy', 'bad');
const REAL_WORLD = path.join('test', 'fixtures', 'policy', 'real-world');

const policy = (...args: string[]) => runCli(policyCli, args);

/** Rule ids the report names, in order of first appearance. */
function rulesNamed(report: string): string[] {
  return [...new Set([...report.matchAll(/\[(?:FAIL|warn|waived)\] ([A-Z]{2}\d{2}-[a-z0-9-]+)/g)].map((m) => m[1]))];
}

const manifestRuleIds = RULES.filter((r) => r.target === 'manifests')
  .map((r) => r.id)
  .sort();

const RUNS = {
  dev: ['dev', '--infra'],
  unknownEnv: ['qa'],
  mixed: ['dev', '--dir', BAD],
  bad: ['--dir', BAD, '--registry', 'europe-docker.pkg.dev/proj/'],
  badAsDev: ['--dir', BAD, '--env', 'dev'],
  noRegistry: ['--dir', BAD],
  missingDir: ['--dir', 'no/such/dir'],
  badProfile: ['--dir', BAD, '--profile', 'production'],
  realWorld: ['--dir', REAL_WORLD, '--registry', 'docker.io/library/'],
  invalid: ['--dir', path.join('test', 'fixtures', 'policy', 'invalid')],
  badJson: ['--dir', BAD, '--registry', 'europe-docker.pkg.dev/proj/', '--format', 'json'],
  badSarif: [
    '--dir',
    BAD,
    '--registry',
    'europe-docker.pkg.dev/proj/',
    '--format',
    'sarif',
    '--docs-url',
    'https://example.com/docs/policies.md',
  ],
  stagingJson: ['staging', '--format', 'json'],
  badFormat: ['dev', '--format', 'xml'],
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
    expect(result.stdout).toMatch(
      /^Policy check of test\/fixtures\/policy\/bad \(profile prod, registries europe-docker\.pkg\.dev\/proj\/\): FAIL/,
    );
    // The fixture breaks each rule on purpose: a new rule needs a broken example there.
    expect(rulesNamed(result.stdout).sort()).toEqual(manifestRuleIds);
    expect(result.stdout).toContain(
      [
        'ClusterRoleBinding/operator-admin (test/fixtures/policy/bad/rbac.yaml:19)',
        '  [FAIL] PS11-rbac-cluster-admin (critical): roleRef is ClusterRole cluster-admin',
        '         fix: bind a Role with the permissions the subject needs instead',
      ].join('\n'),
    );
    expect(result.stdout).toMatch(
      /Deployment\/default\/legacy \(test\/fixtures\/policy\/bad\/workloads\.yaml:2\)\n( {2}.*\n)* {2}\[FAIL\] PS02-privileged \(critical\): container "app": securityContext.privileged is true\n {9}fix: /,
    );
  });

  it('reads the profile and allowed registries from a stack with --env', () => {
    const result = results.badAsDev;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /\(profile dev, registries docker\.io\/istio\/ europe-west1-docker\.pkg\.dev\/[a-z0-9-]+\/ gcr\.io\/cloud-sql-connectors\/ docker\.io\/otel\/ us-central1-docker\.pkg\.dev\/online-boutique-ci\/microservices-demo\/\)/,
    );
    // dev tolerates tags: the digest rule does not run there.
    expect(rulesNamed(result.stdout)).not.toContain('IM01-image-digest');
  });

  it('says when no registry is allowed', () => {
    const result = results.noRegistry;
    expect(result.stdout).toContain('no allowed registries: pass --env or --registry');
    expect(result.stdout).toMatch(
      /IM02-allowed-registries \(high\): init container "setup": image busybox \(docker.io\/library\/busybox\) is not from an allowed registry \(none are allowed\)/,
    );
  });

  it('names a directory that does not exist (exit 2)', () => {
    const result = results.missingDir;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no\/such\/dir: --dir .*is not a directory/);
  });

  it('reads a real-world directory: skips what is not an object with a note, checks the items of a List, reports a duplicate', () => {
    const result = results.realWorld;
    expect([result.code, result.stderr]).toEqual([1, '']);
    expect(result.stdout).toContain(
      [
        'ConfigMap/shop/settings (test/fixtures/policy/real-world/list.yaml:7, test/fixtures/policy/real-world/odd.yaml:9)',
        '  [FAIL] IN01-duplicate-object (high): copy 2 of ConfigMap shop/settings: only the last copy applied is kept',
      ].join('\n'),
    );
    expect(result.stdout).toMatch(
      /\nDeployment\/shop\/cart \(test\/fixtures\/policy\/real-world\/list\.yaml:14\)\n( {2}.*\n)* {2}\[FAIL\] PS02-privileged \(critical\): container "app": securityContext\.privileged is true\n/,
    );
    expect(result.stdout).toContain(
      [
        'Skipped 5 documents (not checked):',
        "  test/fixtures/policy/real-world/base/kustomization.yaml:2 (document 1): Kustomization (kustomize.config.k8s.io/v1beta1) has no metadata: not an object the API server stores (a kustomization or other tool's file)",
        '  test/fixtures/policy/real-world/odd.yaml:2 (document 1): empty document',
        '  test/fixtures/policy/real-world/odd.yaml:4 (document 2): a string ("just a string"), not a Kubernetes object',
        '  test/fixtures/policy/real-world/odd.yaml:6 (document 3): a sequence, not a Kubernetes object',
        '  test/fixtures/policy/real-world/values.yaml:2 (document 1): no apiVersion and kind: not a Kubernetes object',
        '',
      ].join('\n'),
    );
  });

  it('stops on invalid YAML with exit 2, naming the file, line and fix', () => {
    expect(results.invalid).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'error: test/fixtures/policy/invalid: unreadable manifests:',
        '  - test/fixtures/policy/invalid/broken.yaml:7:1: document 1 is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ]). Fix: fix the YAML at that line (or move the file out of the directory)',
        '',
      ].join('\n'),
    });
  });

  it('rejects an unknown profile', () => {
    const result = results.badProfile;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--profile: "production" is not one of dev, staging, prod');
  });
});

describe('npm run policy -- --format', () => {
  it('json: the same verdict and violations as the text report, each with rule, severity, enforcement, object, message, fix, waiver and location', () => {
    const result = results.badJson;
    expect([result.code, result.stderr]).toEqual([1, '']);
    const json = JSON.parse(result.stdout) as JsonReport;
    expect([json.version, json.verdict, json.checks.length]).toEqual([1, 'FAIL', 1]);
    const [check] = json.checks;
    expect(check).toMatchObject({
      target: 'manifests',
      environment: 'dir',
      verdict: 'FAIL',
      rulesRun: manifestRuleIds.length,
      notes: [],
      exceptions: { expired: [], unused: [] },
    });
    expect(check.title).toBe(results.bad.stdout.split(': FAIL')[0]);
    expect(check.counts.mandatory).toBe(Number(/(\d+) mandatory violations/.exec(results.bad.stdout)?.[1]));
    expect([...new Set(check.violations.map((v) => v.rule))].sort()).toEqual(manifestRuleIds);
    expect(check.violations.find((v) => v.rule === 'PS11-rbac-cluster-admin')).toEqual({
      rule: 'PS11-rbac-cluster-admin',
      severity: 'critical',
      enforcement: 'mandatory',
      object: 'ClusterRoleBinding/operator-admin',
      message: 'roleRef is ClusterRole cluster-admin',
      fix: 'bind a Role with the permissions the subject needs instead',
      waiver: null,
      locations: [{ file: 'test/fixtures/policy/bad/rbac.yaml', line: 19, document: 2 }],
    });
  });

  it('json of an environment that passes', () => {
    const result = results.stagingJson;
    expect([result.code, result.stderr]).toEqual([0, '']);
    const json = JSON.parse(result.stdout) as JsonReport;
    expect(json.verdict).toBe('PASS');
    expect(json.checks.map((c) => [c.title, c.target, c.environment, c.verdict, c.violations])).toEqual([
      ['Policy check of the staging manifests', 'manifests', 'staging', 'PASS', []],
    ]);
  });

  it('locates the objects of an environment in the files synth writes (dist/<env>/<app>/<file>), at the line each document starts', () => {
    const check = environmentCheck('dev');
    const { rendered } = render({ env: 'dev' });
    const [where] = check.locations?.get('Deployment/bookinfo/reviews-v1') ?? [];
    expect(where).toMatchObject({ file: 'dist/dev/bookinfo/reviews.yaml' });
    expect(check.locations?.get('Deployment/boutique/frontend-v1')?.[0]).toMatchObject({ file: 'dist/dev/boutique/frontend.yaml' });
    const lines = (rendered.get('bookinfo/reviews.yaml') ?? '').split('\n');
    expect([lines[where.line - 2], lines[where.line - 1], lines.slice(where.line).find((l) => l.startsWith('  name: '))]).toEqual([
      '---',
      'apiVersion: apps/v1',
      '  name: reviews-v1',
    ]);
    expect(check.source).toBe('Pulumi.dev.yaml');
  });

  it('sarif: one run, a result per violation, rules linking to docs/policies.md', () => {
    const result = results.badSarif;
    expect([result.code, result.stderr]).toEqual([1, '']);
    const sarif = JSON.parse(result.stdout) as SarifLog;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].results).toHaveLength((JSON.parse(results.badJson.stdout) as JsonReport).checks[0].violations.length);
    expect((sarif.runs[0].tool.driver.rules as Array<{ helpUri: string }>)[0].helpUri).toMatch(
      /^https:\/\/example\.com\/docs\/policies\.md#[a-z]{2}\d{2}-/,
    );
  });

  it('rejects an unknown format with exit 2 and the usage', () => {
    const result = results.badFormat;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--format: "xml" is not one of text, json, sarif');
  });

  it("links SARIF help to docs/policies.md at the workflow's commit on GitHub, or to the local file", () => {
    expect(
      defaultDocsUrl({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/platform', GITHUB_SHA: 'abc123' }, '/repo'),
    ).toBe('https://github.com/acme/platform/blob/abc123/docs/policies.md');
    expect(defaultDocsUrl({}, '/repo')).toBe('file:///repo/docs/policies.md');
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
    const report = checkDirectory(path.join(ROOT, BAD), {
      profile: 'prod',
      allowedRegistries: ['europe-docker.pkg.dev/proj/'],
      environment: 'dir',
    });
    expect(passed(report)).toBe(false);
    expect(new Set(blocking(report).map((v) => v.rule.id)).size).toBeGreaterThan(60);
  });
});
