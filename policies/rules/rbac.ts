/**
 * PS11: RBAC. The platform's own manifests grant no RBAC (workloads run with their token
 * unmounted), but `npm run policy -- --dir` checks any directory, and a Role copied from an
 * operator's install YAML is where cluster takeovers start.
 */
import type { ManifestObject } from '../../charts/schema';
import { isJson, list, namespaceOf, obj, show, str, strings, perRun } from '../objects';
import { objectId, type Finding, type ManifestRule, type RuleInfo } from '../types';
import { finding, manifestRule } from './define';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

interface PolicyRule {
  readonly index: number;
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames: readonly string[];
}

function isRbac(o: ManifestObject, kinds: readonly string[]): boolean {
  return kinds.includes(o.kind) && o.apiVersion.startsWith(`${RBAC_GROUP}/`);
}

function rulesOf(role: ManifestObject): PolicyRule[] {
  return list((role as { rules?: unknown }).rules).flatMap((rule, index) => {
    if (!isJson(rule)) return [];
    return [
      {
        index,
        apiGroups: strings(rule.apiGroups),
        resources: strings(rule.resources),
        verbs: strings(rule.verbs),
        resourceNames: strings(rule.resourceNames),
      },
    ];
  });
}

/** Whether the rule grants `verb` on core `resource` (wildcards included). */
function grants(rule: PolicyRule, resource: string, verbs: readonly string[]): boolean {
  const group = rule.apiGroups.includes('') || rule.apiGroups.includes('*');
  const res = rule.resources.includes(resource) || rule.resources.includes('*');
  return group && res && rule.verbs.some((v) => v === '*' || verbs.includes(v));
}

/** A permission an escalation rule looks for: `verbs` on `resource` (`pods/exec`: a subresource) of API `group`. */
interface Permission {
  readonly group: string;
  readonly resource: string;
  readonly verbs: readonly string[];
}

/** What one PolicyRule grants of some permissions: the verbs, the rule's resource entries that matched, and the permissions hit. */
interface Grant {
  readonly verbs: readonly string[];
  readonly entries: readonly string[];
  readonly hit: readonly string[];
}

/**
 * Matching as the RBAC authorizer does (kubernetes pkg/apis/rbac/v1/evaluation_helpers.go:
 * VerbMatches, APIGroupMatches, ResourceMatches): `*` matches every verb, group and resource
 * (subresources included), a `*` before `/exec` the exec subresource of every resource,
 * and `pods` followed by `/*` no subresource at all.
 */
function grantOf(rule: PolicyRule, wanted: readonly Permission[]): Grant | undefined {
  const verbs = new Set<string>();
  const entries = new Set<string>();
  const hit: string[] = [];
  for (const p of wanted) {
    if (!rule.apiGroups.includes('*') && !rule.apiGroups.includes(p.group)) continue;
    const sub = p.resource.includes('/') ? p.resource.slice(p.resource.indexOf('/') + 1) : undefined;
    const matched = rule.resources.filter((r) => r === '*' || r === p.resource || (sub !== undefined && r === `*/${sub}`));
    const v = rule.verbs.filter((x) => x === '*' || p.verbs.includes(x));
    if (matched.length === 0 || v.length === 0) continue;
    matched.forEach((r) => entries.add(r));
    v.forEach((x) => verbs.add(x));
    hit.push(p.resource);
  }
  return hit.length === 0
    ? undefined
    : { verbs: rule.verbs.filter((x) => verbs.has(x)), entries: rule.resources.filter((r) => entries.has(r)), hit };
}

/** `grants create on pods`, or `grants create on * (pods, deployments included)` when a wildcard entry matched. */
function describeGrant(g: Grant): string {
  const wildcard = g.entries.some((r) => r.startsWith('*'));
  return `grants ${g.verbs.join(', ')} on ${g.entries.join(', ')}${wildcard ? ` (${g.hit.join(', ')} included)` : ''}`;
}

function roleRule(
  info: RuleInfo,
  kinds: readonly string[],
  check: (rule: PolicyRule, role: ManifestObject) => string | undefined,
): ManifestRule {
  return manifestRule(info, (ctx) =>
    ctx.objects
      .filter((o) => isRbac(o, kinds))
      .flatMap((role) =>
        rulesOf(role).flatMap((rule) => {
          const message = check(rule, role);
          return message === undefined ? [] : [{ object: objectId(role), message: `rules[${rule.index}] ${message}` }];
        }),
      ),
  );
}

/** A rule that reports every Role and ClusterRole rule granting any of the permissions. */
function permissionRule(info: RuleInfo, wanted: readonly Permission[]): ManifestRule {
  return roleRule(info, ['Role', 'ClusterRole'], (rule) => {
    const g = grantOf(rule, wanted);
    return g === undefined ? undefined : describeGrant(g);
  });
}

const WILDCARD_FIELDS = ['verbs', 'resources', 'apiGroups'] as const;

const wildcards = roleRule(
  {
    id: 'PS11-rbac-wildcards',
    description: 'Roles and ClusterRoles name their verbs and resources, never `*`',
    why: 'a wildcard grants every verb or resource, including ones added later by CRDs and upgrades: the role quietly grows into escalate, impersonate or secret access nobody reviewed',
    fix: 'list the exact verbs (get, list, watch, ...) and resources the workload needs',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  ['Role', 'ClusterRole'],
  (rule) => {
    const fields = WILDCARD_FIELDS.filter((field) => rule[field].includes('*'));
    return fields.length === 0 ? undefined : `uses * in ${fields.join(', ')}`;
  },
);

const ESCALATION_VERBS = ['escalate', 'bind', 'impersonate'];

const escalation = roleRule(
  {
    id: 'PS11-rbac-escalation',
    description: 'No role grants the escalate, bind or impersonate verbs',
    why: 'escalate and bind let the holder write or bind roles with permissions it does not have, and impersonate lets it act as any user or group (system:masters included): each is cluster-admin one request away',
    fix: 'remove the verb; an operator that manages RBAC gets a written exception in policies/exceptions.yaml',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  ['Role', 'ClusterRole'],
  (rule) => {
    const verbs = rule.verbs.filter((v) => ESCALATION_VERBS.includes(v));
    return verbs.length === 0 ? undefined : `grants ${verbs.join(', ')} on ${rule.resources.join(', ') || '(no resources)'}`;
  },
);

const EXEC: readonly Permission[] = ['pods/exec', 'pods/attach'].map((resource) => ({ group: '', resource, verbs: ['create', 'get'] }));

// `resources: ["*"]` and `*/exec` grant pods/exec exactly as `pods/exec` does: this rule sees
// them itself, so an exception to PS11-rbac-wildcards cannot silently allow exec too.
const exec = permissionRule(
  {
    id: 'PS11-rbac-pod-exec',
    description: 'No role grants pods/exec or pods/attach',
    why: "exec into a pod runs commands with the pod's identity: its mounted secrets, its Workload Identity and its place in the mesh allow-list become the caller's",
    fix: 'remove pods/exec and pods/attach; debug with ephemeral containers under a break-glass role that is not in the manifests',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  EXEC,
);

const readSecrets = roleRule(
  {
    id: 'PS11-rbac-read-secrets',
    description: 'No ClusterRole reads Secrets (get, list or watch) across namespaces',
    why: 'a ClusterRole that reads Secrets reads every Secret of the cluster: service account tokens, TLS keys and credentials of every team, which makes its holder everyone',
    fix: 'use a namespaced Role limited by resourceNames to the Secrets the workload owns, or Secret Manager through Workload Identity',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  ['ClusterRole'],
  (rule) =>
    grants(rule, 'secrets', ['get', 'list', 'watch']) && rule.resourceNames.length === 0
      ? `grants ${rule.verbs.join(', ')} on secrets in every namespace`
      : undefined,
);

const ADMIN_ROLES = ['cluster-admin', 'admin'];

const clusterAdmin = manifestRule(
  {
    id: 'PS11-rbac-cluster-admin',
    description: 'No RoleBinding or ClusterRoleBinding grants the cluster-admin or admin ClusterRole',
    why: 'cluster-admin is every permission on every object; admin is nearly the same within a namespace (RBAC, Secrets and exec included): one stolen token of the subject is the cluster, or the namespace',
    fix: 'bind a Role with the permissions the subject needs instead',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  (ctx) =>
    ctx.objects
      .filter((o) => isRbac(o, ['RoleBinding', 'ClusterRoleBinding']))
      .flatMap((b) => {
        const ref = (b as { roleRef?: { kind?: unknown; name?: unknown } }).roleRef;
        const role = ref?.name;
        return ref?.kind === 'ClusterRole' && typeof role === 'string' && ADMIN_ROLES.includes(role)
          ? [{ object: objectId(b), message: `roleRef is ClusterRole ${role}` }]
          : [];
      }),
);

// ---------------------------------------------------------------------------------------
// Escalation paths beyond exec and wildcards

const WRITE = ['create', 'update', 'patch'];

/** Objects whose pod template names any service account of the namespace. */
const POD_CREATORS: readonly Permission[] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
].map(([group, resource]) => ({ group, resource, verbs: WRITE }));

const createPods = permissionRule(
  {
    id: 'PS11-rbac-create-pods',
    description: 'No role creates or changes pods, or the workloads that create them',
    why: 'whoever writes a pod (or a Deployment, Job, ...) chooses its serviceAccountName: the pod runs as any service account of the namespace and mounts any of its Secrets, so the role is worth every permission granted in that namespace',
    fix: "deploy through the pipeline's own identity instead; a controller that must create workloads gets a written exception in policies/exceptions.yaml",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  POD_CREATORS,
);

// The kubelet authorizes GET as get, POST as create, and so on (kubelet server auth).
const nodesProxy = permissionRule(
  {
    id: 'PS11-rbac-nodes-proxy',
    description: 'No role grants nodes/proxy',
    why: "nodes/proxy reaches the kubelet API of every node: exec, attach and logs of every pod on the node, past the API server's admission and audit of pods/exec",
    fix: 'remove nodes/proxy; monitoring reads nodes/metrics or nodes/stats instead',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  [{ group: '', resource: 'nodes/proxy', verbs: ['get', 'create', 'update', 'patch', 'delete'] }],
);

const webhooks = permissionRule(
  {
    id: 'PS11-rbac-webhooks',
    description: 'No role writes or deletes mutating or validating webhook configurations',
    why: 'a mutating webhook rewrites every object it is sent (a privileged container or another service account into every pod), and deleting a validating one switches off the admission policy that guards the cluster',
    fix: "remove the grant; the webhook's own installer applies its configuration once, with an exception in policies/exceptions.yaml if it must update it (a CA bundle rotation)",
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'].map((resource) => ({
    group: 'admissionregistration.k8s.io',
    resource,
    verbs: [...WRITE, 'delete', 'deletecollection'],
  })),
);

// Approval takes update on certificatesigningrequests/approval and approve on the signer
// (Kubernetes docs, "Certificate Signing Requests", Authorization): either half is reported.
const csrApproval = permissionRule(
  {
    id: 'PS11-rbac-csr-approval',
    description: 'No role approves certificate signing requests',
    why: 'an approved CSR for the kube-apiserver-client signer is a client certificate for any user or group named in it (system:masters included): a credential that cannot be revoked until it expires',
    fix: "remove update on certificatesigningrequests/approval and approve on signers; leave approval to the control plane's own approvers",
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  [
    { group: 'certificates.k8s.io', resource: 'certificatesigningrequests/approval', verbs: ['update', 'patch'] },
    { group: 'certificates.k8s.io', resource: 'signers', verbs: ['approve'] },
  ],
);

// CVE-2020-8554: status.loadBalancer.ingress is trusted by kube-proxy.
const servicesStatus = permissionRule(
  {
    id: 'PS11-rbac-services-status',
    description: 'No role writes services/status',
    why: "whoever sets a Service's status.loadBalancer.ingress IP makes kube-proxy send the cluster's traffic for that IP to the Service (CVE-2020-8554): a man in the middle for any external address",
    fix: 'remove update and patch on services/status; only the cloud controller writes it',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  [{ group: '', resource: 'services/status', verbs: ['update', 'patch'] }],
);

// ---------------------------------------------------------------------------------------
// Bindings, with the role each names, looked up in an index built once per run

/**
 * ClusterRoles every cluster has, from the Kubernetes bootstrap policy
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml, as generated
 * from policy.go; read at commit 025f2834a128798cef30018a5e6a6ae82b5ad885), and the
 * controllers' roles, all named `system:controller:<controller>` (controller_policy.go).
 */
export const BUILT_IN_CLUSTER_ROLES: ReadonlySet<string> = new Set([
  'admin',
  'cluster-admin',
  'edit',
  'view',
  'system:aggregate-to-admin',
  'system:aggregate-to-edit',
  'system:aggregate-to-view',
  'system:auth-delegator',
  'system:basic-user',
  'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
  'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
  'system:certificates.k8s.io:kube-apiserver-client-approver',
  'system:certificates.k8s.io:kube-apiserver-client-kubelet-approver',
  'system:certificates.k8s.io:kubelet-serving-approver',
  'system:certificates.k8s.io:legacy-unknown-approver',
  'system:discovery',
  'system:heapster',
  'system:kube-aggregator',
  'system:kube-controller-manager',
  'system:kube-dns',
  'system:kube-scheduler',
  'system:kubelet-api-admin',
  'system:monitoring',
  'system:node',
  'system:node-bootstrapper',
  'system:node-problem-detector',
  'system:node-proxier',
  'system:persistent-volume-provisioner',
  'system:public-info-viewer',
  'system:service-account-issuer-discovery',
  'system:volume-scheduler',
]);
const CONTROLLER_ROLE_PREFIX = 'system:controller:';

export function isBuiltInClusterRole(name: string): boolean {
  return BUILT_IN_CLUSTER_ROLES.has(name) || (name.startsWith(CONTROLLER_ROLE_PREFIX) && name.length > CONTROLLER_ROLE_PREFIX.length);
}

/** A RoleBinding or ClusterRoleBinding and what its roleRef names. */
interface Binding {
  readonly object: ManifestObject;
  readonly namespace: string | undefined;
  readonly roleKind: string | undefined;
  readonly roleName: string | undefined;
  /** The role in the set, `built-in` for a built-in ClusterRole, or undefined when neither. */
  readonly role: ManifestObject | 'built-in' | undefined;
}

/** Every binding with its role resolved through a map of the set's roles, built once per run. */
const bindingsOf = perRun((index): readonly Binding[] => {
  const roles = new Map<string, ManifestObject>();
  const key = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}\u0000${name}`;
  for (const r of index.ofKind('Role', RBAC_GROUP))
    if (!roles.has(key('Role', namespaceOf(r), r.metadata.name))) roles.set(key('Role', namespaceOf(r), r.metadata.name), r);
  for (const r of index.ofKind('ClusterRole', RBAC_GROUP))
    if (!roles.has(key('ClusterRole', '', r.metadata.name))) roles.set(key('ClusterRole', '', r.metadata.name), r);
  const bindings = ['RoleBinding', 'ClusterRoleBinding']
    .flatMap((kind) => index.ofKind(kind, RBAC_GROUP))
    .map((object): Binding => {
      const ref = obj((object as { roleRef?: unknown }).roleRef);
      const namespace = object.kind === 'RoleBinding' ? namespaceOf(object) : undefined;
      const roleKind = str(ref.kind);
      const roleName = str(ref.name);
      let role: Binding['role'];
      if (roleName !== undefined && roleKind === 'ClusterRole')
        role = roles.get(key('ClusterRole', '', roleName)) ?? (isBuiltInClusterRole(roleName) ? 'built-in' : undefined);
      else if (roleName !== undefined && roleKind === 'Role' && namespace !== undefined) role = roles.get(key('Role', namespace, roleName));
      return { object, namespace, roleKind, roleName, role };
    });
  return bindings;
});

function roleRefText(b: Binding): string {
  return `${show(b.roleKind ?? '(no kind)')} ${show(b.roleName ?? '(no name)')}`;
}

const roleRef = manifestRule(
  {
    id: 'PS11-rbac-role-ref',
    description: 'Every RoleBinding and ClusterRoleBinding names a role that is in the manifests or built into Kubernetes',
    why: 'a binding to a role that does not exist grants nothing today and whatever a role of that name grants tomorrow: anyone who may create a Role in the namespace (or a ClusterRole) decides what the subjects get, and a misspelt roleRef hides that the intended grant is missing',
    fix: "correct roleRef (kind Role for a Role in the binding's namespace, ClusterRole otherwise) or add the role to the manifests; a role another installer creates gets an exception in policies/exceptions.yaml",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  (_ctx, index) =>
    bindingsOf(index).flatMap((b): Finding[] => {
      if (b.role !== undefined) return [];
      if (b.roleKind === 'Role' && b.namespace === undefined)
        return [finding(b.object, `roleRef is Role ${show(b.roleName)}: a ClusterRoleBinding can only name a ClusterRole`)];
      if (b.roleKind !== 'Role' && b.roleKind !== 'ClusterRole')
        return [finding(b.object, `roleRef kind is ${show(b.roleKind ?? '(unset)')}, not Role or ClusterRole`)];
      if (b.roleName === undefined) return [finding(b.object, 'roleRef names no role')];
      return [
        finding(
          b.object,
          b.roleKind === 'Role'
            ? `roleRef is Role ${b.roleName}, which is not in namespace ${show(b.namespace)} of the manifests`
            : `roleRef is ClusterRole ${b.roleName}, which is neither in the manifests nor built into Kubernetes`,
        ),
      ];
    }),
);

const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

/** Why a subject includes a namespace's default service account, or undefined. */
function defaultAccountIn(subject: Record<string, unknown>, bindingNamespace: string | undefined): string | undefined {
  if (subject.kind === 'ServiceAccount' && subject.name === 'default')
    return `ServiceAccount ${str(subject.namespace) ?? bindingNamespace ?? '(no namespace)'}/default`;
  if (subject.kind !== 'Group' || typeof subject.name !== 'string') return undefined;
  if (subject.name === SERVICE_ACCOUNTS_GROUP)
    return `Group ${SERVICE_ACCOUNTS_GROUP} (every service account, each namespace's default included)`;
  if (subject.name.startsWith(`${SERVICE_ACCOUNTS_GROUP}:`))
    return `Group ${subject.name} (every service account of namespace ${subject.name.slice(SERVICE_ACCOUNTS_GROUP.length + 1)}, default included)`;
  return undefined;
}

const defaultAccountGrant = manifestRule(
  {
    id: 'PS11-rbac-default-service-account',
    description: "No RoleBinding or ClusterRoleBinding grants anything to a namespace's default service account",
    why: "every pod that names no service account runs as default: a grant to it (directly or through the system:serviceaccounts groups) goes to every such pod of the namespace, today's and tomorrow's, including ones the grant was never meant for",
    fix: 'create a ServiceAccount for the workload that needs the permission and bind the role to it',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS11'],
  },
  (_ctx, index) =>
    bindingsOf(index).flatMap((b) =>
      list((b.object as { subjects?: unknown }).subjects).flatMap((subject, i) => {
        const who = isJson(subject) ? defaultAccountIn(subject, b.namespace) : undefined;
        return who === undefined ? [] : [finding(b.object, `subjects[${i}] ${who} is granted ${roleRefText(b)}`)];
      }),
    ),
);

/** RBAC rules, in report order. */
export const rbacRules: readonly ManifestRule[] = [
  wildcards,
  escalation,
  exec,
  readSecrets,
  clusterAdmin,
  createPods,
  nodesProxy,
  webhooks,
  csrApproval,
  servicesStatus,
  roleRef,
  defaultAccountGrant,
];
