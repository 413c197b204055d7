import type { ManifestObject } from '../../charts/schema';
import type { EnvironmentProfile } from '../../services/spec';
import { blocking, evaluate } from '../engine';
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
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name, namespace: 'shop' },
    subjects: [{ kind: 'ServiceAccount', name: 'shop-web', namespace: 'shop' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  };
}

function clusterRoleBinding(name: string, clusterRoleName: string): ManifestObject {
  return {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name },
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
  const report = evaluate(
    rbacRules,
    { manifests: { objects, profile, allowedRegistries: [] } },
    { environment: profile, exceptions: [], today: '2026-11-23' },
  );
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
    rule: 'PS11-rbac-wildcards',
    what: 'a Role granting every verb',
    mutate: (o) => {
      roleRules(o)[0].verbs = ['*'];
    },
    expected: on(ROLE, 'rules[0] uses * in verbs'),
  },
  {
    rule: 'PS11-rbac-wildcards',
    what: 'a ClusterRole rule on every resource of every group, after a narrow one',
    mutate: (o) => {
      o.push(
        clusterRole('ops', [
          { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
          { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list'] },
        ]),
      );
    },
    expected: on('ClusterRole/ops', 'rules[1] uses * in resources, apiGroups'),
  },
  {
    rule: 'PS11-rbac-wildcards',
    what: 'a Role still on the removed v1beta1 API',
    mutate: (o) => {
      o.push(role('legacy', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }], 'rbac.authorization.k8s.io/v1beta1'));
    },
    expected: on('Role/shop/legacy', 'rules[0] uses * in resources'),
  },
  {
    rule: 'PS11-rbac-escalation',
    what: 'bind and escalate on cluster roles',
    mutate: (o) => {
      o.push(
        clusterRole('rbac-manager', [
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            resources: ['clusterroles', 'clusterrolebindings'],
            verbs: ['get', 'bind', 'escalate'],
          },
        ]),
      );
    },
    expected: on('ClusterRole/rbac-manager', 'rules[0] grants bind, escalate on clusterroles, clusterrolebindings'),
  },
  {
    rule: 'PS11-rbac-escalation',
    what: 'impersonate on service accounts in a namespaced Role',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] });
    },
    expected: on(ROLE, 'rules[1] grants impersonate on serviceaccounts'),
  },
  {
    rule: 'PS11-rbac-escalation',
    what: 'impersonate without resources',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], verbs: ['impersonate'] });
    },
    expected: on(ROLE, 'rules[1] grants impersonate on (no resources)'),
  },
  {
    rule: 'PS11-rbac-pod-exec',
    what: 'create on pods/exec',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create'] });
    },
    expected: on(ROLE, 'rules[1] grants get, create on pods/exec'),
  },
  {
    rule: 'PS11-rbac-pod-exec',
    what: 'get on pods/attach (the verb of websocket clients)',
    mutate: (o) => {
      o.push(clusterRole('attacher', [{ apiGroups: [''], resources: ['pods/attach'], verbs: ['get'] }]));
    },
    expected: on('ClusterRole/attacher', 'rules[0] grants get on pods/attach'),
  },
  {
    rule: 'PS11-rbac-pod-exec',
    what: 'every verb on both exec and attach',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['pods/exec', 'pods/attach'], verbs: ['*'] });
    },
    expected: on(ROLE, 'rules[1] grants * on pods/exec, pods/attach'),
  },
  {
    rule: 'PS11-rbac-read-secrets',
    what: 'a ClusterRole reading every Secret',
    mutate: (o) => {
      o.push(clusterRole('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }]));
    },
    expected: on('ClusterRole/secret-reader', 'rules[0] grants get, list, watch on secrets in every namespace'),
  },
  {
    rule: 'PS11-rbac-read-secrets',
    what: 'a ClusterRole granting every verb on Secrets',
    mutate: (o) => {
      o.push(clusterRole('secret-admin', [{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }]));
    },
    expected: on('ClusterRole/secret-admin', 'rules[0] grants * on secrets in every namespace'),
  },
  {
    rule: 'PS11-rbac-read-secrets',
    what: 'a ClusterRole listing every resource of every group',
    mutate: (o) => {
      o.push(clusterRole('lister', [{ apiGroups: ['*'], resources: ['*'], verbs: ['list'] }]));
    },
    expected: on('ClusterRole/lister', 'rules[0] grants list on secrets in every namespace'),
  },
  {
    rule: 'PS11-rbac-cluster-admin',
    what: 'a ClusterRoleBinding to cluster-admin',
    mutate: (o) => {
      o.push(clusterRoleBinding('ops-admins', 'cluster-admin'));
    },
    expected: on('ClusterRoleBinding/ops-admins', 'roleRef is ClusterRole cluster-admin'),
  },
  {
    rule: 'PS11-rbac-cluster-admin',
    what: 'a RoleBinding to the admin ClusterRole',
    mutate: (o) => {
      o.push(roleBinding('web-admin', { kind: 'ClusterRole', name: 'admin' }));
    },
    expected: on('RoleBinding/shop/web-admin', 'roleRef is ClusterRole admin'),
  },
  // Escalation paths beyond exec and wildcards.
  {
    rule: 'PS11-rbac-pod-exec',
    what: 'get on every core resource (resources: ["*"]), which includes pods/exec',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['*'], verbs: ['get'] });
    },
    expected: on(ROLE, 'rules[1] grants get on * (pods/exec, pods/attach included)'),
  },
  {
    rule: 'PS11-rbac-create-pods',
    what: 'create on pods',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'create'] });
    },
    expected: on(ROLE, 'rules[1] grants create on pods'),
  },
  {
    rule: 'PS11-rbac-create-pods',
    what: 'patch on Deployments (a new pod template, any service account)',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['patch'] });
    },
    expected: on(ROLE, 'rules[1] grants patch on deployments'),
  },
  {
    rule: 'PS11-rbac-create-pods',
    what: 'every verb on every batch resource',
    mutate: (o) => {
      o.push(clusterRole('batch-admin', [{ apiGroups: ['batch'], resources: ['*'], verbs: ['*'] }]));
    },
    expected: on('ClusterRole/batch-admin', 'rules[0] grants * on * (jobs, cronjobs included)'),
  },
  {
    rule: 'PS11-rbac-nodes-proxy',
    what: 'get on nodes/proxy',
    mutate: (o) => {
      o.push(
        clusterRole('kubelet-reader', [{ apiGroups: [''], resources: ['nodes', 'nodes/proxy', 'nodes/metrics'], verbs: ['get', 'list'] }]),
      );
    },
    expected: on('ClusterRole/kubelet-reader', 'rules[0] grants get on nodes/proxy'),
  },
  {
    rule: 'PS11-rbac-nodes-proxy',
    what: 'create on every proxy subresource (*/proxy)',
    mutate: (o) => {
      o.push(clusterRole('proxier', [{ apiGroups: [''], resources: ['*/proxy'], verbs: ['create'] }]));
    },
    expected: on('ClusterRole/proxier', 'rules[0] grants create on */proxy (nodes/proxy included)'),
  },
  {
    rule: 'PS11-rbac-webhooks',
    what: 'create and patch on mutating webhook configurations',
    mutate: (o) => {
      o.push(
        clusterRole('injector', [
          { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'create', 'patch'] },
        ]),
      );
    },
    expected: on('ClusterRole/injector', 'rules[0] grants create, patch on mutatingwebhookconfigurations'),
  },
  {
    rule: 'PS11-rbac-webhooks',
    what: 'delete on validating webhook configurations',
    mutate: (o) => {
      o.push(
        clusterRole('policy-off', [
          { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], verbs: ['delete'] },
        ]),
      );
    },
    expected: on('ClusterRole/policy-off', 'rules[0] grants delete on validatingwebhookconfigurations'),
  },
  {
    rule: 'PS11-rbac-csr-approval',
    what: 'update on certificatesigningrequests/approval and approve on a signer',
    mutate: (o) => {
      o.push(
        clusterRole('csr-approver', [
          {
            apiGroups: ['certificates.k8s.io'],
            resources: ['certificatesigningrequests', 'certificatesigningrequests/approval'],
            verbs: ['get', 'update'],
          },
          {
            apiGroups: ['certificates.k8s.io'],
            resources: ['signers'],
            resourceNames: ['kubernetes.io/kube-apiserver-client'],
            verbs: ['approve'],
          },
        ]),
      );
    },
    expected: on(
      'ClusterRole/csr-approver',
      'rules[0] grants update on certificatesigningrequests/approval',
      'rules[1] grants approve on signers',
    ),
  },
  {
    rule: 'PS11-rbac-services-status',
    what: 'patch on services/status',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['services', 'services/status'], verbs: ['get', 'patch'] });
    },
    expected: on(ROLE, 'rules[1] grants patch on services/status'),
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a RoleBinding to a Role that is not in the set',
    mutate: (o) => {
      o.push(roleBinding('web-typo', { kind: 'Role', name: 'web-config-raeder' }));
    },
    expected: on('RoleBinding/shop/web-typo', 'roleRef is Role web-config-raeder, which is not in namespace shop of the manifests'),
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a RoleBinding to a Role of the same name in another namespace',
    mutate: (o) => {
      o[1] = { ...o[1], metadata: { name: 'web-config-reader', namespace: 'other' } };
    },
    expected: on(
      'RoleBinding/other/web-config-reader',
      'roleRef is Role web-config-reader, which is not in namespace other of the manifests',
    ),
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a ClusterRoleBinding to a ClusterRole neither in the set nor built in',
    mutate: (o) => {
      o.push(clusterRoleBinding('ops-viewers', 'viewer'));
    },
    expected: on(
      'ClusterRoleBinding/ops-viewers',
      'roleRef is ClusterRole viewer, which is neither in the manifests nor built into Kubernetes',
    ),
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a ClusterRoleBinding to a Role',
    mutate: (o) => {
      o.push({
        ...clusterRoleBinding('ops-config', 'x'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web-config-reader' },
      });
    },
    expected: on('ClusterRoleBinding/ops-config', 'roleRef is Role web-config-reader: a ClusterRoleBinding can only name a ClusterRole'),
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a RoleBinding whose roleRef is not a mapping',
    mutate: (o) => {
      (o[1] as Json).roleRef = 'web-config-reader';
    },
    expected: on('RoleBinding/shop/web-config-reader', 'roleRef kind is (unset), not Role or ClusterRole'),
  },
  {
    rule: 'PS11-rbac-default-service-account',
    what: 'a RoleBinding to the default service account of its namespace (no namespace on the subject)',
    mutate: (o) => {
      (o[1] as Json).subjects = [
        { kind: 'ServiceAccount', name: 'shop-web', namespace: 'shop' },
        { kind: 'ServiceAccount', name: 'default' },
      ];
    },
    expected: on('RoleBinding/shop/web-config-reader', 'subjects[1] ServiceAccount shop/default is granted Role web-config-reader'),
  },
  {
    rule: 'PS11-rbac-default-service-account',
    what: 'a ClusterRoleBinding to every service account of a namespace',
    mutate: (o) => {
      o.push({
        ...clusterRoleBinding('shop-viewers', 'view'),
        subjects: [{ kind: 'Group', name: 'system:serviceaccounts:shop', apiGroup: 'rbac.authorization.k8s.io' }],
      });
    },
    expected: on(
      'ClusterRoleBinding/shop-viewers',
      'subjects[0] Group system:serviceaccounts:shop (every service account of namespace shop, default included) is granted ClusterRole view',
    ),
  },
];

const accepted: Case[] = [
  {
    rule: 'PS11-rbac-wildcards',
    what: 'a Role of a non-RBAC API group that happens to be called Role',
    mutate: (o) => {
      o.push(role('app-role', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'example.com/v1'));
    },
  },
  {
    rule: 'PS11-rbac-wildcards',
    what: 'named verbs on a named subresource',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'update'] });
    },
  },
  {
    rule: 'PS11-rbac-escalation',
    what: 'reading roles and bindings',
    mutate: (o) => {
      o.push(
        clusterRole('rbac-viewer', [
          { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'list', 'watch'] },
        ]),
      );
    },
  },
  {
    rule: 'PS11-rbac-pod-exec',
    what: 'reading pods and their logs',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] });
    },
  },
  {
    rule: 'PS11-rbac-read-secrets',
    what: 'a namespaced Role reading Secrets',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] });
    },
  },
  {
    rule: 'PS11-rbac-read-secrets',
    what: 'a ClusterRole limited by resourceNames',
    mutate: (o) => {
      o.push(clusterRole('tls-reader', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['web-tls'], verbs: ['get'] }]));
    },
  },
  {
    rule: 'PS11-rbac-read-secrets',
    what: 'a ClusterRole that only creates Secrets',
    mutate: (o) => {
      o.push(clusterRole('secret-writer', [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'update'] }]));
    },
  },
  {
    rule: 'PS11-rbac-read-secrets',
    what: 'a ClusterRole on a "secrets" resource of another API group',
    mutate: (o) => {
      o.push(clusterRole('vault-reader', [{ apiGroups: ['secrets-store.csi.x-k8s.io'], resources: ['secrets'], verbs: ['get'] }]));
    },
  },
  {
    rule: 'PS11-rbac-cluster-admin',
    what: 'a RoleBinding to a Role that is merely named admin',
    mutate: (o) => {
      o.push(
        role('admin', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
        roleBinding('web-admin', { kind: 'Role', name: 'admin' }),
      );
    },
  },
  {
    rule: 'PS11-rbac-cluster-admin',
    what: 'a ClusterRoleBinding to view',
    mutate: (o) => {
      o.push(clusterRoleBinding('ops-viewers', 'view'));
    },
  },
  {
    rule: 'PS11-rbac-pod-exec',
    what: 'every resource of the apps group (no pods there)',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] });
    },
  },
  {
    rule: 'PS11-rbac-pod-exec',
    what: 'every subresource of pods (pods/* matches no subresource)',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['pods/*'], verbs: ['create'] });
    },
  },
  {
    rule: 'PS11-rbac-create-pods',
    what: 'reading pods and scaling Deployments',
    mutate: (o) => {
      roleRules(o).push(
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
        { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] },
      );
    },
  },
  {
    rule: 'PS11-rbac-create-pods',
    what: 'create on pods/eviction (a drain, not a new pod)',
    mutate: (o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] });
    },
  },
  {
    rule: 'PS11-rbac-nodes-proxy',
    what: 'nodes/metrics and nodes/stats for monitoring',
    mutate: (o) => {
      o.push(clusterRole('metrics', [{ apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'nodes/stats'], verbs: ['get', 'list'] }]));
    },
  },
  {
    rule: 'PS11-rbac-webhooks',
    what: 'reading webhook configurations',
    mutate: (o) => {
      o.push(
        clusterRole('webhook-viewer', [
          {
            apiGroups: ['admissionregistration.k8s.io'],
            resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
            verbs: ['get', 'list', 'watch'],
          },
        ]),
      );
    },
  },
  {
    rule: 'PS11-rbac-csr-approval',
    what: 'creating and reading certificate signing requests',
    mutate: (o) => {
      o.push(
        clusterRole('csr-client', [
          { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get', 'list', 'watch'] },
        ]),
      );
    },
  },
  {
    rule: 'PS11-rbac-services-status',
    what: 'reading services/status and writing services',
    mutate: (o) => {
      roleRules(o).push(
        { apiGroups: [''], resources: ['services/status'], verbs: ['get'] },
        { apiGroups: [''], resources: ['services'], verbs: ['update'] },
      );
    },
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a RoleBinding to a built-in ClusterRole',
    mutate: (o) => {
      o.push(roleBinding('web-view', { kind: 'ClusterRole', name: 'view' }));
    },
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: "a ClusterRoleBinding to a controller's built-in role",
    mutate: (o) => {
      o.push(clusterRoleBinding('gc', 'system:controller:generic-garbage-collector'));
    },
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a ClusterRoleBinding to a ClusterRole of the set that names no namespace',
    mutate: (o) => {
      o.push(
        clusterRole('reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
        clusterRoleBinding('readers', 'reader'),
      );
    },
  },
  {
    rule: 'PS11-rbac-role-ref',
    what: 'a RoleBinding that names no namespace to a Role in default',
    mutate: (o) => {
      o.push(
        { ...role('r', []), metadata: { name: 'r', namespace: 'default' } },
        { ...roleBinding('r', { kind: 'Role', name: 'r' }), metadata: { name: 'r' } },
      );
    },
  },
  {
    rule: 'PS11-rbac-default-service-account',
    what: 'a binding to a service account that is merely called default-reader, and to a user named default',
    mutate: (o) => {
      (o[1] as Json).subjects = [
        { kind: 'ServiceAccount', name: 'default-reader', namespace: 'shop' },
        { kind: 'User', name: 'default' },
        5,
      ];
    },
  },
];

describe('RBAC rules', () => {
  it.each(PROFILES)('accept a least-privilege Role and its binding in %s', (profile) => {
    const report = evaluate(
      rbacRules,
      { manifests: { objects: compliant(), profile, allowedRegistries: [] } },
      { environment: profile, exceptions: [], today: '2026-11-23' },
    );
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
    const objects = mutated((o) => {
      roleRules(o).push({ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] });
    });
    expect(findings('PS11-rbac-pod-exec', objects).map((f) => f.object)).toEqual([ROLE]);
  });

  // An exception to PS11-rbac-wildcards must not silently allow exec: the exec rule sees `*` itself.
  it('PS11-rbac-pod-exec still rejects resources ["*"] when PS11-rbac-wildcards has an exception for the role', () => {
    const objects = mutated((o) => {
      roleRules(o).push({ apiGroups: ['*'], resources: ['*'], verbs: ['create'] });
    });
    const report = evaluate(
      rbacRules,
      { manifests: { objects, profile: 'prod', allowedRegistries: [] } },
      {
        environment: 'prod',
        today: '2026-11-23',
        exceptions: [{ rule: 'PS11-rbac-wildcards', object: ROLE, environment: 'prod', reason: 'operator install' }],
      },
    );
    const unwaived = (id: string) =>
      blocking(report)
        .filter((v) => v.rule.id === id)
        .map((v) => v.message);
    expect(unwaived('PS11-rbac-wildcards')).toEqual([]);
    expect(unwaived('PS11-rbac-pod-exec')).toEqual(['rules[1] grants create on * (pods/exec, pods/attach included)']);
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
