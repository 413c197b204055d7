import type { ManifestObject } from '../../charts/schema';
import type { EnvironmentProfile } from '../../services/spec';
import { evaluate } from '../engine';
import type { Finding } from '../types';
import { rbacRules } from './rbac';

// GIVEN a least-privilege Role and its RoleBinding, which every RBAC rule accepts, WHEN a
// grant is widened or another role is added, THEN the rule about that grant reports it.
// Every run goes through `evaluate`, the path the runners use.

type Json = Record<string, unknown>;

const PROFILES: readonly EnvironmentProfile[] = ['dev', 'staging', 'prod'];
const RBAC = 'rbac.authorization.k8s.io/v1';
const ROLE = 'Role/shop/web-config-reader';

interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

function role(name: string, rules: readonly PolicyRule[], apiVersion = RBAC): ManifestObject {
  return { apiVersion, kind: 'Role', metadata: { name, namespace: 'shop' }, rules };
}

function clusterRole(name: string, rules: readonly PolicyRule[]): ManifestObject {
  return { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules };
}

function roleBinding(name: string, roleRef: { readonly kind: string; readonly name: string }): ManifestObject {
  return {
    apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace: 'shop' },
    subjects: [{ kind: 'ServiceAccount', name: 'shop-web', namespace: 'shop' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  };
}

function clusterRoleBinding(name: string, clusterRoleName: string): ManifestObject {
  return {
    apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name },
    subjects: [{ kind: 'Group', name: 'ops@example.com', apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
  };
}

/** A workload that reads its own ConfigMaps, and nothing else. */
function compliant(): ManifestObject[] {
  return [
    role('web-config-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }]),
    roleBinding('web-config-reader', { kind: 'Role', name: 'web-config-reader' }),
  ];
}

/** The rules of the compliant Role, mutable. */
function roleRules(objects: readonly ManifestObject[]): Json[] {
  const found = objects.find((o) => o.kind === 'Role');
  const rules = found === undefined ? undefined : (found as Json).rules;
  if (!Array.isArray(rules)) throw new Error('the fixture has no Role with rules');
  return rules as Json[];
}

function findings(ruleId: string, objects: readonly ManifestObject[], profile: EnvironmentProfile = 'dev'): Finding[] {
  if (!rbacRules.some((r) => r.id === ruleId)) throw new Error(`no rule ${ruleId}`);
  const report = evaluate(rbacRules, { manifests: { objects, profile, allowedRegistries: [] } }, { environment: profile, exceptions: [], today: '2026-11-23' });
  return report.violations.filter((v) => v.rule.id === ruleId).map((v) => ({ object: v.object, message: v.message }));
}

function mutated(mutate: (objects: ManifestObject[]) => void): ManifestObject[] {
  const objects = compliant();
  mutate(objects);
  return objects;
}

interface Case {
  readonly rule: string;
  readonly what: string;
  readonly mutate: (objects: ManifestObject[]) => void;
}

interface Rejection extends Case {
  readonly expected: readonly Finding[];
}

const on = (object: string, ...messages: string[]): Finding[] => messages.map((message) => ({ object, message }));

const rejected: Rejection[] = [
  {
    rule: 'PS11-rbac-wildcards', what: 'a Role granting every verb',
    mutate: (o) => { roleRules(o)[0].verbs = ['*']; },
    expected: on(ROLE, 'rules[0] uses * in verbs'),
  },
  {
    rule: 'PS11-rbac-wildcards', what: 'a ClusterRole rule on every resource of every group, after a narrow one',
    mutate: (o) => { o.push(clusterRole('ops', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }, { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list'] }])); },
    expected: on('ClusterRole/ops', 'rules[1] uses * in resources, apiGroups'),
  },
  {
    rule: 'PS11-rbac-wildcards', what: 'a Role still on the removed v1beta1 API',
    mutate: (o) => { o.push(role('legacy', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }], 'rbac.authorization.k8s.io/v1beta1')); },
    expected: on('Role/shop/legacy', 'rules[0] uses * in resources'),
  },
  {
    rule: 'PS11-rbac-escalation', what: 'bind and escalate on cluster roles',
    mutate: (o) => { o.push(clusterRole('rbac-manager', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings'], verbs: ['get', 'bind', 'escalate'] }])); },
    expected: on('ClusterRole/rbac-manager', 'rules[0] grants bind, escalate on clusterroles, clusterrolebindings'),
  },
  {
    rule: 'PS11-rbac-escalation', what: 'impersonate on service accounts in a namespaced Role',
    mutate: (o) => { roleRules(o).push({ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }); },
    expected: on(ROLE, 'rules[1] grants impersonate on serviceaccounts'),
  },
  {
    rule: 'PS11-rbac-escalation', what: 'impersonate without resources',
    mutate: (o) => { roleRules(o).push({ apiGroups: [''], verbs: ['impersonate'] }); },
    expected: on(ROLE, 'rules[1] grants impersonate on (no resources)'),
  },
  {
    rule: 'PS11-rbac-pod-exec', what: 'create on pods/exec',
    mutate: (o) => { roleRules(o).push({ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create'] }); },
    expected: on(ROLE, 'rules[1] grants get, create on pods/exec'),
  },
  {
    rule: 'PS11-rbac-pod-exec', what: 'get on pods/attach (the verb of websocket clients)',
    mutate: (o) => { o.push(clusterRole('attacher', [{ apiGroups: [''], resources: ['pods/attach'], verbs: ['get'] }])); },
    expected: on('ClusterRole/attacher', 'rules[0] grants get on pods/attach'),
  },
  {
    rule: 'PS11-rbac-pod-exec', what: 'every verb on both exec and attach',
    mutate: (o) => { roleRules(o).push({ apiGroups: [''], resources: ['pods/exec', 'pods/attach'], verbs: ['*'] }); },
    expected: on(ROLE, 'rules[1] grants * on pods/exec, pods/attach'),
  },
  {
    rule: 'PS11-rbac-read-secrets', what: 'a ClusterRole reading every Secret',
    mutate: (o) => { o.push(clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }])); },
    expected: on('ClusterRole/secret-reader', 'rules[0] grants get, list, watch on secrets in every namespace'),
  },
  {
    rule: 'PS11-rbac-read-secrets', what: 'a ClusterRole granting every verb on Secrets',
    mutate: (o) => { o.push(clusterRole('secret-admin', [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }])); },
    expected: on('ClusterRole/secret-admin', 'rules[0] grants * on secrets in every namespace'),
  },
  {
    rule: 'PS11-rbac-read-secrets', what: 'a ClusterRole listing every resource of every group',
    mutate: (o) => { o.push(clusterRole('lister', [{ apiGroups: ['*'], resources: ['*'], verbs: ['list'] }])); },
    expected: on('ClusterRole/lister', 'rules[0] grants list on secrets in every namespace'),
  },
  {
    rule: 'PS11-rbac-cluster-admin', what: 'a ClusterRoleBinding to cluster-admin',
    mutate: (o) => { o.push(clusterRoleBinding('ops-admins', 'cluster-admin')); },
    expected: on('ClusterRoleBinding/ops-admins', 'roleRef is ClusterRole cluster-admin'),
  },
  {
    rule: 'PS11-rbac-cluster-admin', what: 'a RoleBinding to the admin ClusterRole',
    mutate: (o) => { o.push(roleBinding('web-admin', { kind: 'ClusterRole', name: 'admin' })); },
    expected: on('RoleBinding/shop/web-admin', 'roleRef is ClusterRole admin'),
  },
];

const accepted: Case[] = [
  { rule: 'PS11-rbac-wildcards', what: 'a Role of a non-RBAC API group that happens to be called Role', mutate: (o) => { o.push(role('app-role', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'example.com/v1')); } },
  { rule: 'PS11-rbac-wildcards', what: 'named verbs on a named subresource', mutate: (o) => { roleRules(o).push({ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'update'] }); } },
  { rule: 'PS11-rbac-escalation', what: 'reading roles and bindings', mutate: (o) => { o.push(clusterRole('rbac-viewer', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'list', 'watch'] }])); } },
  { rule: 'PS11-rbac-pod-exec', what: 'reading pods and their logs', mutate: (o) => { roleRules(o).push({ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }); } },
  { rule: 'PS11-rbac-read-secrets', what: 'a namespaced Role reading Secrets', mutate: (o) => { roleRules(o).push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }); } },
  { rule: 'PS11-rbac-read-secrets', what: 'a ClusterRole limited by resourceNames', mutate: (o) => { o.push(clusterRole('tls-reader', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['web-tls'], verbs: ['get'] }])); } },
  { rule: 'PS11-rbac-read-secrets', what: 'a ClusterRole that only creates Secrets', mutate: (o) => { o.push(clusterRole('secret-writer', [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'update'] }])); } },
  { rule: 'PS11-rbac-read-secrets', what: 'a ClusterRole on a "secrets" resource of another API group', mutate: (o) => { o.push(clusterRole('vault-reader', [{ apiGroups: ['secrets-store.csi.x-k8s.io'], resources: ['secrets'], verbs: ['get'] }])); } },
  { rule: 'PS11-rbac-cluster-admin', what: 'a RoleBinding to a Role that is merely named admin', mutate: (o) => { o.push(role('admin', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]), roleBinding('web-admin', { kind: 'Role', name: 'admin' })); } },
  { rule: 'PS11-rbac-cluster-admin', what: 'a ClusterRoleBinding to view', mutate: (o) => { o.push(clusterRoleBinding('ops-viewers', 'view')); } },
];

describe('RBAC rules', () => {
  it.each(PROFILES)('accept a least-privilege Role and its binding in %s', (profile) => {
    const report = evaluate(rbacRules, { manifests: { objects: compliant(), profile, allowedRegistries: [] } }, { environment: profile, exceptions: [], today: '2026-11-23' });
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(report.rulesRun).toBe(rbacRules.length);
  });

  it.each(rejected)('$rule rejects $what', ({ rule, mutate, expected }) => {
    expect(findings(rule, mutated(mutate))).toEqual(expected);
  });

  it.each(accepted)('$rule accepts $what', ({ rule, mutate }) => {
    expect(findings(rule, mutated(mutate))).toEqual([]);
  });

  // RBAC matches `*/exec` against pods/exec ("*/foo" is subresource foo of every resource):
  // such a rule grants exec exactly as `pods/exec` does, and no other rule sees the `*`.
  it('PS11-rbac-pod-exec rejects create on */exec, which grants pods/exec', () => {
    const objects = mutated((o) => { roleRules(o).push({ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }); });
    expect(findings('PS11-rbac-pod-exec', objects).map((f) => f.object)).toEqual([ROLE]);
  });

  it('has a rejecting case for every rule', () => {
    const covered = new Set(rejected.map((c) => c.rule));
    expect(rbacRules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('names only rules that exist in its cases', () => {
    const ids = new Set(rbacRules.map((r) => r.id));
    expect([...rejected, ...accepted].map((c) => c.rule).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('gives every rule a unique id under PS11, all mandatory', () => {
    const ids = rbacRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of rbacRules) {
      expect(rule.catalogue).toEqual(['PS11']);
      expect(rule.enforcement).toBe('mandatory');
      expect(rule.target).toBe('manifests');
    }
  });
});
