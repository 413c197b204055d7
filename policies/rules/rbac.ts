/**
 * PS11: RBAC. The platform's own manifests grant no RBAC (workloads run with their token
 * unmounted), but `npm run policy -- --dir` checks any directory, and a Role copied from an
 * operator's install YAML is where cluster takeovers start.
 */
import type { ManifestObject } from '../../charts/schema';
import { isJson, list, strings } from '../objects';
import { objectId, type ManifestRule, type RuleInfo } from '../types';
import { manifestRule } from './define';

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
    return [{ index, apiGroups: strings(rule.apiGroups), resources: strings(rule.resources), verbs: strings(rule.verbs), resourceNames: strings(rule.resourceNames) }];
  });
}

/** Whether the rule grants `verb` on core `resource` (wildcards included). */
function grants(rule: PolicyRule, resource: string, verbs: readonly string[]): boolean {
  const group = rule.apiGroups.includes('') || rule.apiGroups.includes('*');
  const res = rule.resources.includes(resource) || rule.resources.includes('*');
  return group && res && rule.verbs.some((v) => v === '*' || verbs.includes(v));
}

function roleRule(info: RuleInfo, kinds: readonly string[], check: (rule: PolicyRule, role: ManifestObject) => string | undefined): ManifestRule {
  return manifestRule(info, (ctx) => ctx.objects.filter((o) => isRbac(o, kinds)).flatMap((role) => rulesOf(role).flatMap((rule) => {
    const message = check(rule, role);
    return message === undefined ? [] : [{ object: objectId(role), message: `rules[${rule.index}] ${message}` }];
  })));
}

const WILDCARD_FIELDS = ['verbs', 'resources', 'apiGroups'] as const;

const wildcards = roleRule({
  id: 'PS11-rbac-wildcards',
  description: 'Roles and ClusterRoles name their verbs and resources, never `*`',
  why: 'a wildcard grants every verb or resource, including ones added later by CRDs and upgrades: the role quietly grows into escalate, impersonate or secret access nobody reviewed',
  fix: 'list the exact verbs (get, list, watch, ...) and resources the workload needs',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS11'],
}, ['Role', 'ClusterRole'], (rule) => {
  const fields = WILDCARD_FIELDS.filter((field) => rule[field].includes('*'));
  return fields.length === 0 ? undefined : `uses * in ${fields.join(', ')}`;
});

const ESCALATION_VERBS = ['escalate', 'bind', 'impersonate'];

const escalation = roleRule({
  id: 'PS11-rbac-escalation',
  description: 'No role grants the escalate, bind or impersonate verbs',
  why: 'escalate and bind let the holder write or bind roles with permissions it does not have, and impersonate lets it act as any user or group (system:masters included): each is cluster-admin one request away',
  fix: 'remove the verb; an operator that manages RBAC gets a written exception in policies/exceptions.yaml',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['PS11'],
}, ['Role', 'ClusterRole'], (rule) => {
  const verbs = rule.verbs.filter((v) => ESCALATION_VERBS.includes(v));
  return verbs.length === 0 ? undefined : `grants ${verbs.join(', ')} on ${rule.resources.join(', ') || '(no resources)'}`;
});

const EXEC_RESOURCES = ['pods/exec', 'pods/attach'];

const exec = roleRule({
  id: 'PS11-rbac-pod-exec',
  description: 'No role grants pods/exec or pods/attach',
  why: 'exec into a pod runs commands with the pod\'s identity: its mounted secrets, its Workload Identity and its place in the mesh allow-list become the caller\'s',
  fix: 'remove pods/exec and pods/attach; debug with ephemeral containers under a break-glass role that is not in the manifests',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS11'],
}, ['Role', 'ClusterRole'], (rule) => {
  // `*/exec` is the exec subresource of every resource, pods included.
  const hit = rule.resources.filter((r) => (EXEC_RESOURCES.includes(r) || r === '*/exec' || r === '*/attach') && rule.verbs.some((v) => v === '*' || v === 'create' || v === 'get'));
  return hit.length === 0 ? undefined : `grants ${rule.verbs.join(', ')} on ${hit.join(', ')}`;
});

const readSecrets = roleRule({
  id: 'PS11-rbac-read-secrets',
  description: 'No ClusterRole reads Secrets (get, list or watch) across namespaces',
  why: 'a ClusterRole that reads Secrets reads every Secret of the cluster: service account tokens, TLS keys and credentials of every team, which makes its holder everyone',
  fix: 'use a namespaced Role limited by resourceNames to the Secrets the workload owns, or Secret Manager through Workload Identity',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS11'],
}, ['ClusterRole'], (rule) => (grants(rule, 'secrets', ['get', 'list', 'watch']) && rule.resourceNames.length === 0
  ? `grants ${rule.verbs.join(', ')} on secrets in every namespace`
  : undefined));

const ADMIN_ROLES = ['cluster-admin', 'admin'];

const clusterAdmin = manifestRule({
  id: 'PS11-rbac-cluster-admin',
  description: 'No RoleBinding or ClusterRoleBinding grants the cluster-admin or admin ClusterRole',
  why: 'cluster-admin is every permission on every object; admin is nearly the same within a namespace (RBAC, Secrets and exec included): one stolen token of the subject is the cluster, or the namespace',
  fix: 'bind a Role with the permissions the subject needs instead',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['PS11'],
}, (ctx) => ctx.objects.filter((o) => isRbac(o, ['RoleBinding', 'ClusterRoleBinding'])).flatMap((b) => {
  const ref = (b as { roleRef?: { kind?: unknown; name?: unknown } }).roleRef;
  const role = ref?.name;
  return ref?.kind === 'ClusterRole' && typeof role === 'string' && ADMIN_ROLES.includes(role) ? [{ object: objectId(b), message: `roleRef is ClusterRole ${role}` }] : [];
}));

/** RBAC rules, in report order. */
export const rbacRules: readonly ManifestRule[] = [wildcards, escalation, exec, readSecrets, clusterAdmin];
