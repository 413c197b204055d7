import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ManifestObject } from '../charts/schema';
import { blocking, evaluate, passed } from './engine';
import { loadExceptions, type PolicyException } from './exceptions';
import { clusterSets, gcpResourcesOf, manifestsOf, stackPolicies } from './pack';
import { formatReport } from './report';
import { duplicateObject } from './rules/input';
import { objectId, type ManifestRule, type ResourceRule } from './types';
import { thrown } from '../test/fixtures/thrown';

// A rule that flags every Deployment named "bad", and an advisory twin.
const noBad: ManifestRule = {
  id: 'XX01-no-bad',
  description: 'no Deployment is called bad',
  why: 'tests',
  fix: 'rename it',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: [],
  target: 'manifests',
  check: (ctx) =>
    ctx.objects
      .filter((o) => o.kind === 'Deployment' && o.metadata.name === 'bad')
      .map((o) => ({ object: objectId(o), message: `name is "${o.metadata.name}"` })),
};
const advice: ManifestRule = { ...noBad, id: 'XX02-advice', enforcement: 'advisory' };
const noPublicBucket: ResourceRule = {
  id: 'XX03-no-public',
  description: 'no public bucket',
  why: 'tests',
  fix: 'make it private',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: [],
  target: 'resources',
  check: (ctx) => ctx.resources.filter((r) => r.props.public === true).map((r) => ({ object: r.name, message: 'public is true' })),
};

const deployment = (name: string, namespace = 'shop'): ManifestObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace },
});
const manifests = (...objects: ManifestObject[]) => ({ manifests: { objects, profile: 'dev' as const, allowedRegistries: [] } });
const base = { environment: 'dev', exceptions: [] as PolicyException[], today: '2026-11-23' };
const waiver = (over: Partial<PolicyException> = {}): PolicyException => ({
  rule: 'XX01-no-bad',
  object: 'Deployment/shop/bad',
  environment: 'dev',
  reason: 'legacy name kept for a client',
  ...over,
});

describe('evaluate', () => {
  it('reports a mandatory violation and fails', () => {
    const report = evaluate([noBad], manifests(deployment('bad'), deployment('good')), base);
    expect(report.violations.map((v) => [v.rule.id, v.object, v.message])).toEqual([
      ['XX01-no-bad', 'Deployment/shop/bad', 'name is "bad"'],
    ]);
    expect(passed(report)).toBe(false);
    expect(blocking(report)).toHaveLength(1);
  });

  it('passes with only advisory violations', () => {
    const report = evaluate([advice], manifests(deployment('bad')), base);
    expect(report.violations).toHaveLength(1);
    expect(passed(report)).toBe(true);
  });

  it('waives a violation with an exception for that rule, object and environment', () => {
    const report = evaluate([noBad], manifests(deployment('bad')), { ...base, exceptions: [waiver()] });
    expect(report.violations[0].waivedBy?.reason).toBe('legacy name kept for a client');
    expect(passed(report)).toBe(true);
  });

  it('does not waive in another environment, or for another object', () => {
    expect(passed(evaluate([noBad], manifests(deployment('bad')), { ...base, exceptions: [waiver({ environment: 'prod' })] }))).toBe(false);
    expect(
      passed(evaluate([noBad], manifests(deployment('bad')), { ...base, exceptions: [waiver({ object: 'Deployment/shop/other' })] })),
    ).toBe(false);
  });

  it('applies a pr-* exception to every preview stack', () => {
    const report = evaluate([noBad], manifests(deployment('bad')), {
      ...base,
      environment: 'pr-12',
      exceptions: [waiver({ environment: 'pr-*' })],
    });
    expect(passed(report)).toBe(true);
  });

  it('fails on an expired exception, which no longer waives', () => {
    const report = evaluate([noBad], manifests(deployment('bad')), { ...base, exceptions: [waiver({ expires: '2026-11-22' })] });
    expect(report.expiredExceptions).toHaveLength(1);
    expect(report.violations[0].waivedBy).toBeUndefined();
    expect(passed(report)).toBe(false);
  });

  it('still honours an exception on its expiry day', () => {
    expect(passed(evaluate([noBad], manifests(deployment('bad')), { ...base, exceptions: [waiver({ expires: '2026-11-23' })] }))).toBe(
      true,
    );
  });

  it('reports an exception that matches nothing', () => {
    const report = evaluate([noBad], manifests(deployment('good')), { ...base, exceptions: [waiver()] });
    expect(report.unusedExceptions).toEqual([waiver()]);
    expect(passed(report)).toBe(true);
  });

  it('runs manifest rules on manifests and resource rules on resources only', () => {
    const onManifests = evaluate([noBad, noPublicBucket], manifests(deployment('bad')), base);
    expect(onManifests.rulesRun).toBe(1);
    const onResources = evaluate(
      [noBad, noPublicBucket],
      { resources: { resources: [{ type: 'gcp:storage/bucket:Bucket', name: 'b', props: { public: true } }], profile: 'dev' } },
      base,
    );
    expect(onResources.violations.map((v) => v.object)).toEqual(['b']);
    // A manifest waiver is not "unused" in a run that only looked at infrastructure.
    expect(
      evaluate([noBad, noPublicBucket], { resources: { resources: [], profile: 'dev' } }, { ...base, exceptions: [waiver()] })
        .unusedExceptions,
    ).toEqual([]);
  });
});

describe('formatReport', () => {
  it('groups by object and gives the fix, the waiver reason and the verdict', () => {
    const report = evaluate([noBad, advice], manifests(deployment('bad'), deployment('bad', 'other')), { ...base, exceptions: [waiver()] });
    expect(formatReport(report, 'Check')).toBe(
      [
        'Check: FAIL (2 rules; 1 mandatory violations, 2 advisory, 1 waived)',
        'Deployment/other/bad',
        '  [FAIL] XX01-no-bad (high): name is "bad"',
        '         fix: rename it',
        '  [warn] XX02-advice (high): name is "bad"',
        '         fix: rename it',
        'Deployment/shop/bad',
        '  [waived] XX01-no-bad (high): name is "bad"',
        '         waived: legacy name kept for a client',
        '  [warn] XX02-advice (high): name is "bad"',
        '         fix: rename it',
        '',
      ].join('\n'),
    );
  });
});

describe('loadExceptions', () => {
  const write = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exceptions-')), 'exceptions.yaml');
    fs.writeFileSync(file, text);
    return file;
  };
  const known = new Set(['XX01-no-bad']);

  it("reads the repository file (today: prod's Config Sync reconcilers, docs/scaling.md)", () => {
    const exceptions = loadExceptions(path.join(__dirname, 'exceptions.yaml'), new Set(['PS11-rbac-create-pods']));
    expect(exceptions.map((e) => [e.rule, e.object, e.environment])).toEqual(
      ['bookinfo', 'boutique'].map((app) => ['PS11-rbac-create-pods', `Role/${app}/config-sync-reconciler`, 'prod']),
    );
  });

  it('reads a valid exception', () => {
    const file = write(
      'exceptions:\n  - rule: XX01-no-bad\n    object: Deployment/shop/bad\n    environment: dev\n    reason: legacy name kept for a client\n    expires: "2027-01-31"\n',
    );
    expect(loadExceptions(file, known)).toEqual([{ ...waiver(), expires: '2027-01-31' }]);
  });

  it('refuses an unknown rule, a missing object, environment or reason, and a bad date, all at once', () => {
    const file = write('exceptions:\n  - rule: XX09\n    reason: because\n    expires: soon\n');
    expect(thrown(() => loadExceptions(file, known, 'policies/exceptions.yaml')).problems.map((p) => `${p.field}: ${p.problem}`)).toEqual([
      'exceptions[0].rule: is not a rule of the catalogue',
      'exceptions[0].object: must name one object',
      'exceptions[0].environment: must name an environment',
      'exceptions[0].reason: must explain in words why the rule does not apply',
      'exceptions[0].expires: is not a date',
    ]);
  });
});

describe('the CrossGuard pack', () => {
  const resources = [
    { type: 'kubernetes:apps/v1:Deployment', name: 'shop/bad', urn: 'u1', props: deployment('bad') as unknown as Record<string, unknown> },
    { type: 'gcp:storage/bucket:Bucket', name: 'b', urn: 'u2', props: { public: true } },
    { type: 'kubernetes:helm.sh/v3:Release', name: 'istiod', urn: 'u3', props: { chart: 'istiod' } },
  ];
  const run = (policy: ReturnType<typeof stackPolicies>[number], config: object) => {
    const violations: string[] = [];
    const args = { resources, stackTags: new Map(), getConfig: () => config };
    (policy.validateStack as (a: unknown, report: (m: string) => void) => void)(args, (m) => violations.push(m));
    return violations;
  };

  it('turns each rule into a stack policy with its enforcement level', () => {
    expect(stackPolicies([noBad, advice, noPublicBucket], [], '2026-11-23').map((p) => [p.name, p.enforcementLevel])).toEqual([
      ['xx01-no-bad', 'mandatory'],
      ['xx02-advice', 'advisory'],
      ['xx03-no-public', 'mandatory'],
    ]);
  });

  it('checks Kubernetes rules against the Kubernetes resources and GCP rules against the GCP resources', () => {
    const [k8sPolicy, , gcpPolicy] = stackPolicies([noBad, advice, noPublicBucket], [], '2026-11-23');
    const config = { environment: 'dev', profile: 'dev', allowedRegistries: [] };
    expect(run(k8sPolicy, config)).toEqual(['Deployment/shop/bad: name is "bad". Fix: rename it']);
    expect(run(gcpPolicy, config)).toEqual(['b: public is true. Fix: make it private']);
  });

  it('honours exceptions for the configured environment', () => {
    const [k8sPolicy] = stackPolicies([noBad], [waiver()], '2026-11-23');
    expect(run(k8sPolicy, { environment: 'dev', profile: 'dev', allowedRegistries: [] })).toEqual([]);
    expect(run(k8sPolicy, { environment: 'prod', profile: 'prod', allowedRegistries: [] })).toHaveLength(1);
  });

  it("checks each cluster's objects as one set: the same object in two clusters is no duplicate, twice in one it is", () => {
    const [duplicate] = stackPolicies([duplicateObject], [], '2026-11-23');
    const config = { environment: 'prod', profile: 'prod', allowedRegistries: [] };
    const copy = (provider: string) => ({
      type: 'kubernetes:apps/v1:Deployment',
      name: 'shop/web',
      urn: `u-${provider}`,
      props: deployment('web') as unknown as Record<string, unknown>,
      provider: { urn: provider, name: provider, type: 'pulumi:providers:kubernetes', props: {} },
    });
    const check = (rs: unknown[]) => {
      const violations: string[] = [];
      (duplicate.validateStack as (a: unknown, report: (m: string) => void) => void)(
        { resources: rs, stackTags: new Map(), getConfig: () => config },
        (m) => violations.push(m),
      );
      return violations;
    };
    expect(check([copy('west1'), copy('west4')])).toEqual([]);
    expect(check([copy('west1'), { ...copy('west1'), urn: 'u-again' }])).toHaveLength(1);
  });

  it.each<[string, Array<{ type: string; provider?: string }>, string[][]]>([
    ['no Kubernetes resource: one set', [{ type: 'gcp:x' }], [['gcp:x']]],
    [
      'two clusters: a set each, with the other resources in both',
      [
        { type: 'kubernetes:a', provider: 'p1' },
        { type: 'gcp:x' },
        { type: 'kubernetes:b', provider: 'p2' },
        { type: 'kubernetes:c', provider: 'p1' },
      ],
      [
        ['kubernetes:a', 'kubernetes:c', 'gcp:x'],
        ['kubernetes:b', 'gcp:x'],
      ],
    ],
  ])('splits the resources by cluster (%s)', (_title, rs, expected) => {
    expect(clusterSets(rs).map((set) => set.map((r) => r.type))).toEqual(expected);
  });

  it('leaves Helm releases and other non-manifest resources out of the manifests', () => {
    expect(manifestsOf(resources).map((o) => o.kind)).toEqual(['Deployment']);
    expect(gcpResourcesOf(resources).map((r) => r.name)).toEqual(['b']);
  });

  it('is declared for the CLI: PulumiPolicy.yaml and a versioned package.json beside index.ts', () => {
    expect(fs.readFileSync(path.join(__dirname, 'PulumiPolicy.yaml'), 'utf8')).toMatch(/^runtime: nodejs$/m);
    expect(JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8'))).toMatchObject({ version: '0.1.0', main: 'index.ts' });
  });
});
