/**
 * `npm run policy -- --dir` on malformed input: whatever a directory holds, the run ends with
 * a report (0/1), or with exit 2 naming the file, never with an internal error or a stack.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, type CliResult } from '../test/cli';
import { policyCli } from './policy-command';

const deployment = (spec: string): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: n}\nspec: ${spec}\n`;
const object = (apiVersion: string, kind: string, rest: string): string =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: s, namespace: n}\n${rest}\n`;

/** Documents that are no Kubernetes object: skipped with a note, exit 0. */
const NOT_OBJECTS: Record<string, string> = {
  'a kind only': 'kind: Deployment\n',
  'no metadata': 'apiVersion: v1\nkind: ConfigMap\n',
  'metadata a scalar': 'apiVersion: v1\nkind: ConfigMap\nmetadata: foo\n',
  'a numeric name': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}\n',
  'a namespace list': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: [a]}\n',
  'labels a string': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: x}\n',
  'a numeric label': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, labels: {a: 1}}\n',
  'an empty kind': 'apiVersion: v1\nkind: ""\nmetadata: {name: x}\n',
  'a sequence': '- a\n- b\n',
  'a number': '42\n',
  null: '~\n',
  'control characters': '\u0001\u0002\n',
  'a List with null items': 'apiVersion: v1\nkind: List\nitems:\n',
  'a List of odd items': 'apiVersion: v1\nkind: List\nitems: [null, 5, {kind: Pod}]\n',
};

/** Text that is not YAML: exit 2 with the file and line. */
const NOT_YAML: Record<string, string> = {
  'an unclosed flow': 'a: [1\n',
  tabs: 'a:\n\t- b\n',
  'a duplicate key': 'a: 1\na: 2\n',
  'an unknown alias': 'a: *nope\n',
  'nesting 5000 deep': `${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  'an alias bomb': `a: &a [${Array(10).fill('x').join(', ')}]\n${'bcdef'
    .split('')
    .map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcde'[i]}`).join(', ')}]`)
    .join('\n')}\n`,
};

/** Objects with fields of the wrong type: a report, or exit 2 naming the object's file. */
const MALFORMED: Record<string, string> = {
  'spec a number': deployment('5'),
  'spec a list': deployment('[]'),
  'template a string': deployment('{template: x}'),
  'containers a string': deployment('{template: {spec: {containers: x}}}'),
  'a numeric container': deployment('{template: {spec: {containers: [5]}}}'),
  'a null container': deployment('{template: {spec: {containers: [null]}}}'),
  'securityContext a string': deployment(
    '{template: {spec: {securityContext: x, containers: [{name: a, image: b, securityContext: 5, ports: x, env: 5, resources: x}]}}}',
  ),
  'selector a string': deployment('{selector: x, template: {metadata: {labels: x}, spec: {containers: []}}}'),
  'volumes a string': deployment('{template: {spec: {volumes: x, containers: [{name: a, image: 5, volumeMounts: 7}]}}}'),
  'Pod containers a string': object('v1', 'Pod', 'spec: {containers: x, initContainers: 5}'),
  'Service ports a string': object('v1', 'Service', 'spec: {ports: x, selector: 5}'),
  'Service odd ports': object('v1', 'Service', 'spec: {ports: [5, {port: x}], selector: {a: [1]}}'),
  'NetworkPolicy spec a list': object('networking.k8s.io/v1', 'NetworkPolicy', 'spec: []'),
  'NetworkPolicy odd rules': object(
    'networking.k8s.io/v1',
    'NetworkPolicy',
    'spec: {podSelector: 5, ingress: x, egress: [5], policyTypes: x}',
  ),
  'Role rules a string': object('rbac.authorization.k8s.io/v1', 'Role', 'rules: x'),
  'ClusterRole odd rules':
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: s}\nrules: [5, {verbs: x, resources: 5}]\n',
  'RoleBinding roleRef a string': object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'roleRef: x\nsubjects: 5'),
  'VirtualService http a string': object('networking.istio.io/v1', 'VirtualService', 'spec: {hosts: x, gateways: 5, http: x}'),
  'VirtualService odd routes': object(
    'networking.istio.io/v1',
    'VirtualService',
    'spec: {hosts: [5], http: [5, {route: x}, {route: [5, {destination: x}]}]}',
  ),
  'Gateway servers a string': object('networking.istio.io/v1', 'Gateway', 'spec: {selector: x, servers: x}'),
  'Gateway odd servers': object('networking.istio.io/v1', 'Gateway', 'spec: {servers: [5, {port: x, hosts: x, tls: 5}]}'),
  'DestinationRule odd fields': object('networking.istio.io/v1', 'DestinationRule', 'spec: {host: 5, subsets: x, trafficPolicy: 5}'),
  'AuthorizationPolicy odd fields': object('security.istio.io/v1', 'AuthorizationPolicy', 'spec: {selector: 5, rules: x, action: 5}'),
  'PeerAuthentication odd fields': object('security.istio.io/v1', 'PeerAuthentication', 'spec: {mtls: x, selector: 5}'),
  'Sidecar odd fields': object('networking.istio.io/v1', 'Sidecar', 'spec: {workloadSelector: x, egress: 5, outboundTrafficPolicy: 4}'),
  'HPA odd fields': object('autoscaling/v2', 'HorizontalPodAutoscaler', 'spec: {scaleTargetRef: x, minReplicas: x}'),
  'PDB odd fields': object('policy/v1', 'PodDisruptionBudget', 'spec: {selector: x, minAvailable: [1]}'),
  'Secret data a string': object('v1', 'Secret', 'data: x\nstringData: 5'),
  'ConfigMap data a list': object('v1', 'ConfigMap', 'data: [1]'),
  'Ingress odd fields': object('networking.k8s.io/v1', 'Ingress', 'spec: {rules: x, tls: 5}'),
  'Namespace spec a number': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: s}\nspec: 5\n',
};

let tmp: string;
const results = new Map<string, CliResult>();
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-input-'));
  for (const [name, text] of Object.entries({ ...NOT_OBJECTS, ...NOT_YAML, ...MALFORMED })) {
    const dir = path.join(tmp, String(results.size));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'x.yaml'), text);
    results.set(name, await runCli(policyCli, ['--dir', dir, '--registry', 'example.com/'], tmp));
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const noStack = (r: CliResult): void => {
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe('npm run policy -- --dir on malformed documents', () => {
  it.each(Object.keys(NOT_OBJECTS))('%s: skipped with a note naming the file and document, exit 0', (name) => {
    const r = results.get(name) as CliResult;
    noStack(r);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/\nSkipped \d+ documents? \(not checked\):\n {2}\d+\/x\.yaml:\d+ \(document 1( items\[\d\])?\): /);
  });

  it.each(Object.keys(NOT_YAML))('%s: exit 2 naming the file, line and fix', (name) => {
    const r = results.get(name) as CliResult;
    noStack(r);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(
      /^error: \d+: unreadable manifests:\n {2}- \d+\/x\.yaml:\d+(:\d+)?: document 1 (is not valid YAML|cannot be read) \(.+\)\. Fix: fix the YAML at that line/,
    );
  });

  it.each(Object.keys(MALFORMED))('%s: a report, or exit 2 naming the object, its file and the rule that cannot read it', (name) => {
    const r = results.get(name) as CliResult;
    noStack(r);
    if (r.code === 2) {
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^error: 1 problem found:\n {2}- \d+\/x\.yaml:1 \(document 1\): \w+\/n\/\w+ has a field of an unexpected type or shape, which rule [A-Z]{2}\d{2}-[a-z0-9-]+ cannot read \(.+\)\. Fix: check the object against its schema/,
      );
    } else {
      expect([[0, 1].includes(r.code), r.stderr]).toEqual([true, '']);
      expect(r.stdout).toMatch(/^Policy check of \d+ \(profile prod, registries example\.com\/\): (PASS|FAIL) /);
    }
  });
});
