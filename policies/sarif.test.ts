import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { RULES } from './catalogue';
import { evaluate } from './engine';
import { locationsById, readManifestDirectory } from './manifest-input';
import type { PolicyCheck } from './report';
import { FINGERPRINT, ruleAnchor, SARIF_SCHEMA, sarifLog, SECURITY_SEVERITY, type SarifLog } from './sarif';
import type { ManifestRule } from './types';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA_FILE = path.join(ROOT, 'vendor', 'sarif', '2.1.0', 'sarif-schema-2.1.0.json');
const DOCS = 'https://github.com/acme/platform/blob/0123abc/docs/policies.md';
const options = {
  docsUrl: DOCS,
  exceptionsFile: 'policies/exceptions.yaml',
  rulesOf: (c: PolicyCheck) => RULES.filter((r) => r.target === c.target),
};

/**
 * The OASIS schema is draft-04 JSON Schema; ajv speaks draft-07, which reads it the same once
 * the draft-04 `id` is `$id` (it uses no other keyword that changed between the drafts:
 * checked below). Formats (uri, date-time) are checked by hand where we write them.
 */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const text = JSON.stringify(schema);
  expect([schema.$schema, /"exclusiveM(in|ax)imum"/.test(text), /"\$ref":\s*"(?!#)/.test(text)]).toEqual([
    'http://json-schema.org/draft-04/schema#',
    false,
    false,
  ]);
  const { $schema: _draft, id, ...rest } = schema;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile({ ...rest, $id: String(id) });
}

/** A directory checked as `npm run policy -- --dir` checks it (cli/policy-command.ts). */
function directoryCheck(dir: string, allowedRegistries: readonly string[]): PolicyCheck {
  const input = readManifestDirectory(path.join(ROOT, dir), dir);
  const report = evaluate(
    RULES,
    { manifests: { objects: input.objects, profile: 'prod', allowedRegistries } },
    { environment: 'dir', exceptions: [], today: '2026-01-01' },
  );
  return { title: dir, target: 'manifests', report, notes: input.notes, locations: locationsById(input.objects, input.locations) };
}

const bad = directoryCheck('test/fixtures/policy/bad', ['europe-docker.pkg.dev/proj/']);
const realWorld = directoryCheck('test/fixtures/policy/real-world', []);

/** A report with a waived violation, an expired and an unused exception, from two toy rules. */
function withExceptions(): PolicyCheck {
  const rule = (id: string): ManifestRule => ({
    id,
    description: 'd',
    why: 'why it matters',
    fix: 'rename it',
    severity: 'low',
    enforcement: 'mandatory',
    catalogue: ['PS01'],
    target: 'manifests',
    check: (ctx) => ctx.objects.map((o) => ({ object: `ConfigMap/shop/${o.metadata.name}`, message: 'bad' })),
  });
  const objects = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop' } }];
  const exceptions = [
    { rule: 'XX01-a', object: 'ConfigMap/shop/a', environment: 'dev', reason: 'kept for a client' },
    { rule: 'XX02-b', object: 'ConfigMap/shop/a', environment: 'dev', reason: 'old', expires: '2020-01-01' },
    { rule: 'XX01-a', object: 'ConfigMap/shop/gone', environment: 'dev', reason: 'stale' },
  ];
  const report = evaluate(
    [rule('XX01-a'), rule('XX02-b')],
    { manifests: { objects, profile: 'dev', allowedRegistries: [] } },
    { environment: 'dev', exceptions, today: '2026-01-01' },
  );
  return {
    title: 'toy',
    target: 'manifests',
    report,
    locations: new Map([['ConfigMap/shop/a', [{ file: 'k8s/a.yaml', document: 1, line: 3 }]]]),
  };
}

describe('the SARIF report', () => {
  const validate = sarifValidator();
  const logs: Array<[string, SarifLog]> = [
    ['bad', sarifLog([bad], options)],
    ['real-world', sarifLog([realWorld], options)],
    ['exceptions', sarifLog([withExceptions()], { ...options, rulesOf: () => [] })],
  ];

  it.each(logs)('is valid SARIF 2.1.0 (%s)', (_name, log) => {
    const json = JSON.parse(JSON.stringify(log)) as unknown;
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect([log.$schema, log.version]).toEqual([SARIF_SCHEMA, '2.1.0']);
    expect(SARIF_SCHEMA).toBe((JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { id: string }).id);
  });

  it('is checked for real: the schema rejects a result without a message and a bad level', () => {
    const run = logs[0][1].runs[0];
    const broken = { ...logs[0][1], runs: [{ ...run, results: [{ ruleId: 'x', level: 'fatal', locations: [] }] }] };
    expect(validate(JSON.parse(JSON.stringify(broken)))).toBe(false);
    expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)).toEqual(
      expect.arrayContaining([
        "/runs/0/results/0 must have required property 'message'",
        '/runs/0/results/0/level must be equal to one of the allowed values',
      ]),
    );
  });

  it("describes every manifest rule, with help at its heading of docs/policies.md and GitHub's security-severity", () => {
    const { driver } = logs[0][1].runs[0].tool;
    const rules = driver.rules as Array<{
      id: string;
      helpUri: string;
      defaultConfiguration: { level: string };
      properties: Record<string, unknown>;
    }>;
    const manifestRules = RULES.filter((r) => r.target === 'manifests');
    expect(rules.map((r) => r.id)).toEqual(manifestRules.map((r) => r.id));
    for (const [i, r] of manifestRules.entries()) {
      expect(rules[i].helpUri).toBe(`${DOCS}#${r.id.toLowerCase()}`);
      expect(new URL(rules[i].helpUri).hash).toBe(`#${ruleAnchor(r.id)}`);
      expect(rules[i].defaultConfiguration.level).toBe(r.enforcement === 'mandatory' ? 'error' : 'warning');
      expect(rules[i].properties['security-severity']).toBe(SECURITY_SEVERITY[r.severity]);
    }
    expect(Object.values(SECURITY_SEVERITY).map(Number)).toEqual([9.5, 8.0, 5.5, 3.0]);
  });

  it('gives each violation its rule, level, message with the fix and the file and line of the object', () => {
    const run = logs[0][1].runs[0];
    expect(run.automationDetails.id).toBe('policy/dir/manifests/');
    expect(run.results).toHaveLength(bad.report.violations.length);
    const privileged = run.results.find((r) => r.ruleId === 'PS02-privileged' && r.message.text.startsWith('Deployment/default/legacy:'));
    expect(privileged).toMatchObject({
      level: 'error',
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'test/fixtures/policy/bad/workloads.yaml' }, region: { startLine: 2 } },
          logicalLocations: [{ fullyQualifiedName: 'Deployment/default/legacy', kind: 'resource' }],
        },
      ],
    });
    expect(privileged?.message.text).toMatch(/^Deployment\/default\/legacy: container "app": securityContext\.privileged is true\. Fix: /);
    // one fingerprint per finding (rule, object, message), whatever line the object is on
    const prints = run.results.map((r) => r.partialFingerprints[FINGERPRINT]);
    expect(prints.every((p) => /^[0-9a-f]{64}$/.test(p))).toBe(true);
    expect(new Set(prints).size).toBe(new Set(run.results.map((r) => `${r.ruleId} ${r.message.text}`)).size);
    // every result names a rule of the driver, at its index
    const ids = (run.tool.driver.rules as Array<{ id: string }>).map((r) => r.id);
    for (const r of run.results) expect(ids[r.ruleIndex ?? -1]).toBe(r.ruleId);
  });

  it('locates a List item at its own line, a duplicate at both copies, and notes skipped documents', () => {
    const run = logs[1][1].runs[0];
    const uris = (ruleId: string) =>
      run.results
        .filter((r) => r.ruleId === ruleId)
        .flatMap((r) => r.locations.map((l) => `${l.physicalLocation.artifactLocation.uri}:${l.physicalLocation.region?.startLine}`));
    expect(uris('PS02-privileged')).toEqual(['test/fixtures/policy/real-world/list.yaml:14']);
    expect(uris('IN01-duplicate-object')).toEqual([
      'test/fixtures/policy/real-world/list.yaml:7',
      'test/fixtures/policy/real-world/odd.yaml:9',
    ]);
    const notes = run.invocations[0].toolExecutionNotifications as Array<{
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
    }>;
    expect(notes.map((n) => n.locations[0].physicalLocation.artifactLocation.uri)).toEqual([
      'test/fixtures/policy/real-world/base/kustomization.yaml',
      'test/fixtures/policy/real-world/odd.yaml',
      'test/fixtures/policy/real-world/odd.yaml',
      'test/fixtures/policy/real-world/odd.yaml',
      'test/fixtures/policy/real-world/values.yaml',
    ]);
  });

  it('marks a waived violation as suppressed, and reports expired and unused exceptions at the exceptions file', () => {
    const { results } = logs[2][1].runs[0];
    expect(results.map((r) => [r.ruleId, r.level, r.suppressions ?? [], r.locations[0].physicalLocation.artifactLocation.uri])).toEqual([
      ['XX01-a', 'error', [{ kind: 'external', status: 'accepted', justification: 'kept for a client' }], 'k8s/a.yaml'],
      ['XX02-b', 'error', [], 'k8s/a.yaml'],
      ['XX02-b', 'error', [], 'policies/exceptions.yaml'],
      ['XX01-a', 'note', [], 'policies/exceptions.yaml'],
    ]);
    expect(results[2].message.text).toContain('expired on 2020-01-01');
  });
});
