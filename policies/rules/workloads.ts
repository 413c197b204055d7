/**
 * Workload rules: the Pod Security Standards "restricted" profile (PS01-PS10), reliability
 * in the spirit of Polaris and kube-score (RR01-RR08), image supply chain (IM01, IM02) and
 * Service exposure (NM02), over the synthesized manifests or any directory of YAML.
 */
import type { ManifestObject } from '../../charts/schema';
import { TLS_SECRET_KEYS } from '../../charts/mesh/edge-gateway';
import { isPlatformGeneratedSecret } from '../platform';
import { objectId, type Finding, type ManifestContext, type ManifestRule, type RuleInfo } from '../types';
import { labelSelectorMatches, podMetadata, valueAt, workloads, type ContainerLike, type PodSpecLike, type Workload } from './pods';

// ---------------------------------------------------------------------------------------
// Reading helpers: input is any YAML, so every field is checked for its type before use.

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown): Obj {
  return isObj(v) ? v : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function labelsText(labels: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '{}' : entries.map(([k, v]) => `${k}=${show(v)}`).join(',');
}

function namespaceOf(o: ManifestObject): string {
  return o.metadata.namespace ?? '';
}

function ofKind(objects: readonly ManifestObject[], kind: string): ManifestObject[] {
  return objects.filter((o) => o.kind === kind);
}

function manifestRule(info: RuleInfo, check: (ctx: ManifestContext) => Finding[]): ManifestRule {
  return { ...info, target: 'manifests', check };
}

type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';
const ALL_CONTAINERS: readonly ContainerField[] = ['initContainers', 'containers', 'ephemeralContainers'];
/** Ephemeral (debug) containers cannot set resources or a read-only root and are added at runtime. */
const DECLARED_CONTAINERS: readonly ContainerField[] = ['initContainers', 'containers'];
const CONTAINER_LABEL: Readonly<Record<ContainerField, string>> = {
  containers: 'container',
  initContainers: 'init container',
  ephemeralContainers: 'ephemeral container',
};

interface ContainerRef {
  readonly c: ContainerLike;
  /** `container "app"`, `init container "setup"`: how messages name it. */
  readonly label: string;
}

function containersOf(pod: PodSpecLike, fields: readonly ContainerField[]): ContainerRef[] {
  return fields.flatMap((field) => list(pod[field]).filter(isObj).map((c) => ({
    c: c as ContainerLike,
    label: `${CONTAINER_LABEL[field]} "${typeof c.name === 'string' ? c.name : '?'}"`,
  })));
}

function sc(c: ContainerLike): Obj {
  return obj(c.securityContext);
}

function podSc(pod: PodSpecLike): Obj {
  return obj(pod.securityContext);
}

/** Findings from a check of each workload (kinds: only those kinds). */
function perWorkload(check: (w: Workload, ctx: ManifestContext) => readonly string[], kinds?: ReadonlySet<string>) {
  return (ctx: ManifestContext): Finding[] => workloads(ctx.objects)
    .filter((w) => kinds === undefined || kinds.has(w.object.kind))
    .flatMap((w) => check(w, ctx).map((message) => ({ object: w.id, message })));
}

/** Findings from a check of each container of each workload, prefixed with the container. */
function perContainer(
  fields: readonly ContainerField[],
  check: (c: ContainerLike, w: Workload, ctx: ManifestContext) => readonly string[],
  kinds?: ReadonlySet<string>,
) {
  return perWorkload((w, ctx) => containersOf(w.pod, fields).flatMap(({ c, label }) => check(c, w, ctx).map((m) => `${label}: ${m}`)), kinds);
}

/** Kinds whose pods serve continuously: probes, replicas, PDBs and spreading apply to them. */
const LONG_RUNNING = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
/** Kinds an HPA and a PDB are about: replicated, evictable, scaled. */
const REPLICATED = new Set(['Deployment', 'StatefulSet']);

/** A Service selector (a plain map): a Service without one selects no pods. */
function serviceSelects(service: ManifestObject, labels: Readonly<Record<string, string>>): boolean {
  const selector = obj(valueAt(service, ['spec', 'selector']));
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function hpaFor(w: Workload, objects: readonly ManifestObject[]): ManifestObject | undefined {
  return ofKind(objects, 'HorizontalPodAutoscaler').find((h) => {
    const ref = obj(valueAt(h, ['spec', 'scaleTargetRef']));
    return namespaceOf(h) === namespaceOf(w.object) && ref.kind === w.object.kind && ref.name === w.object.metadata.name;
  });
}

function hpaMin(hpa: ManifestObject): number {
  const min = valueAt(hpa, ['spec', 'minReplicas']);
  return typeof min === 'number' ? min : 1;
}

/** The fewest pods the workload runs: the HPA's minReplicas if one scales it, else spec.replicas. */
function replicaFloor(w: Workload, objects: readonly ManifestObject[]): { readonly count: number; readonly source: string } {
  const hpa = hpaFor(w, objects);
  if (hpa !== undefined) return { count: hpaMin(hpa), source: `${objectId(hpa)} minReplicas` };
  const replicas = valueAt(w.object, ['spec', 'replicas']);
  return typeof replicas === 'number' ? { count: replicas, source: 'spec.replicas' } : { count: 1, source: 'spec.replicas unset' };
}

function stagingOrProd(ctx: ManifestContext): boolean {
  return ctx.profile === 'staging' || ctx.profile === 'prod';
}

// ---------------------------------------------------------------------------------------
// PS01-PS09: the Pod Security Standards "restricted" profile, control by control.

const hostNamespaces = manifestRule({
  id: 'PS01-host-namespaces',
  description: 'Pods do not share the node\'s network, PID or IPC namespace',
  why: 'hostNetwork lets a pod sniff and bind node traffic (and bypass NetworkPolicy and the Istio sidecar); hostPID and hostIPC expose every process and shared memory on the node: each is a step to node takeover',
  fix: 'remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false)',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['PS01'],
}, perWorkload((w) => (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => w.pod[k] === true).map((k) => `${k} is true`)));

const hostPorts = manifestRule({
  id: 'PS01-host-ports',
  description: 'Containers do not bind host ports',
  why: 'a hostPort opens the port on the node\'s own address, bypassing the Google load balancer, Cloud Armor and the mesh, and pins the pod to nodes where the port is free',
  fix: 'remove hostPort from the container ports; expose the port through a ClusterIP Service behind the gateway',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS01'],
}, perContainer(ALL_CONTAINERS, (c) => list(c.ports).filter(isObj)
  .filter((p) => p.hostPort !== undefined && p.hostPort !== 0)
  .map((p) => `port ${show(p.containerPort)} sets hostPort ${show(p.hostPort)}`)));

const privileged = manifestRule({
  id: 'PS02-privileged',
  description: 'No privileged containers',
  why: 'a privileged container has every capability and every device of the node: escaping it is trivial, so one compromised process owns the node and its credentials',
  fix: 'remove securityContext.privileged (or set it to false); grant a single capability if one is really needed',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['PS02'],
}, perContainer(ALL_CONTAINERS, (c) => (sc(c).privileged === true ? ['securityContext.privileged is true'] : [])));

const dropAll = manifestRule({
  id: 'PS03-drop-all-capabilities',
  description: 'Containers drop ALL Linux capabilities',
  why: 'the default capability set includes NET_RAW (ARP/DNS spoofing inside the node network), CHOWN, SETUID and others an application never needs; dropping all limits what an exploit can do',
  fix: 'set securityContext.capabilities.drop: [ALL] on every container',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS03'],
}, perContainer(ALL_CONTAINERS, (c) => {
  const drop = valueAt(sc(c), ['capabilities', 'drop']);
  if (list(drop).includes('ALL')) return [];
  return [drop === undefined ? 'securityContext.capabilities.drop is unset' : `securityContext.capabilities.drop is ${show(drop)}, without ALL`];
}));

const addCapabilities = manifestRule({
  id: 'PS03-added-capabilities',
  description: 'Containers add no capability except NET_BIND_SERVICE',
  why: 'added capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give back the kernel powers that container escapes rely on; binding a port below 1024 is the only one the restricted profile allows',
  fix: 'remove the capability from securityContext.capabilities.add; listen on a port above 1024 instead of adding NET_BIND_SERVICE where possible',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS03'],
}, perContainer(ALL_CONTAINERS, (c) => list(valueAt(sc(c), ['capabilities', 'add']))
  .filter((cap) => cap !== 'NET_BIND_SERVICE')
  .map((cap) => `securityContext.capabilities.add has ${show(cap)} (only NET_BIND_SERVICE is allowed)`)));

/** The volume types of the restricted profile. */
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

function volumeType(v: Obj): string | undefined {
  return Object.keys(v).find((k) => k !== 'name');
}

const hostPath = manifestRule({
  id: 'PS04-host-path',
  description: 'No hostPath volumes',
  why: 'a hostPath volume reads or writes the node\'s file system: the container runtime socket, kubelet credentials or /etc are one mount away from node takeover',
  fix: 'use an emptyDir for scratch space, a PersistentVolumeClaim for data, a ConfigMap or Secret for files',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['PS04'],
}, perWorkload((w) => list(w.pod.volumes).filter(isObj).filter((v) => v.hostPath !== undefined)
  .map((v) => `volume "${show(v.name)}" is hostPath ${show(obj(v.hostPath).path ?? '?')}`)));

const volumeTypes = manifestRule({
  id: 'PS04-volume-types',
  description: `Volumes are only of the types ${ALLOWED_VOLUMES.join(', ')}`,
  why: 'other volume types (nfs, iscsi, gcePersistentDisk, ...) mount storage directly from the node with the node\'s credentials, outside the PersistentVolumeClaim and CSI controls the restricted profile relies on',
  fix: 'use a PersistentVolumeClaim (backed by a CSI StorageClass) instead of an in-line volume source',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['PS04'],
}, perWorkload((w) => list(w.pod.volumes).filter(isObj).flatMap((v) => {
  const type = volumeType(v);
  // hostPath is PS04-host-path; a volume with no source is defaulted to emptyDir.
  return type === undefined || type === 'hostPath' || ALLOWED_VOLUMES.includes(type) ? [] : [`volume "${show(v.name)}" is ${type}`];
})));

const privilegeEscalation = manifestRule({
  id: 'PS05-privilege-escalation',
  description: 'Containers set allowPrivilegeEscalation: false',
  why: 'unless it is false, a process can gain more privileges than its parent through setuid binaries or file capabilities (no_new_privs is off), which turns a code execution into root inside the container',
  fix: 'set securityContext.allowPrivilegeEscalation: false on every container',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS05'],
}, perContainer(ALL_CONTAINERS, (c) => {
  const v = sc(c).allowPrivilegeEscalation;
  if (v === false) return [];
  return [v === undefined ? 'securityContext.allowPrivilegeEscalation is unset (defaults to true)' : `securityContext.allowPrivilegeEscalation is ${show(v)}`];
}));

const runAsNonRoot = manifestRule({
  id: 'PS06-run-as-non-root',
  description: 'Pods and containers set runAsNonRoot: true',
  why: 'runAsNonRoot makes the kubelet refuse to start a container whose image would run as root, whatever the image says: root in a container is one kernel bug away from root on the node',
  fix: 'set securityContext.runAsNonRoot: true on the pod (or on every container) and build the image with a numeric non-root USER',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS06'],
}, perWorkload((w) => {
  const podValue = podSc(w.pod).runAsNonRoot;
  const out: string[] = [];
  if (podValue !== undefined && podValue !== true) out.push(`securityContext.runAsNonRoot is ${show(podValue)}`);
  for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
    const v = sc(c).runAsNonRoot;
    if (v !== undefined && v !== true) out.push(`${label}: securityContext.runAsNonRoot is ${show(v)}`);
    else if (v === undefined && podValue === undefined) out.push(`${label}: runAsNonRoot is unset on the container and on the pod`);
  }
  return out;
}));

/** Istio's sidecar runs as 1337 and its iptables rules let that UID's traffic bypass the proxy. */
const ISTIO_PROXY_UID = 1337;

function userProblem(uid: unknown): string | undefined {
  if (uid === 0) return '0 (root)';
  if (uid === ISTIO_PROXY_UID) return `${ISTIO_PROXY_UID} (Istio's proxy UID: its traffic bypasses the sidecar)`;
  return undefined;
}

const runAsUser = manifestRule({
  id: 'PS06-run-as-user',
  description: `runAsUser is neither 0 (root) nor ${ISTIO_PROXY_UID} (Istio's proxy)`,
  why: `UID 0 is root, whatever runAsNonRoot intended; UID ${ISTIO_PROXY_UID} is the Istio sidecar's, and the sidecar's iptables rules exempt that UID's traffic, so an app running as it escapes mTLS, AuthorizationPolicy and telemetry`,
  fix: 'set runAsUser to the image\'s own non-root UID (e.g. 1000), on the pod and on any container that overrides it',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS06'],
}, perWorkload((w) => {
  const out: string[] = [];
  const pod = userProblem(podSc(w.pod).runAsUser);
  if (pod !== undefined) out.push(`securityContext.runAsUser is ${pod}`);
  for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
    const p = userProblem(sc(c).runAsUser);
    if (p !== undefined) out.push(`${label}: securityContext.runAsUser is ${p}`);
  }
  return out;
}));

const runAsGroup = manifestRule({
  id: 'PS06-run-as-group',
  description: 'runAsGroup, fsGroup and supplementalGroups are not 0 (root group)',
  why: 'group 0 owns much of an image\'s file system and host files mounted into it: a non-root user in the root group can still write them',
  fix: 'set runAsGroup and fsGroup to a non-zero GID (e.g. 1000) and remove 0 from supplementalGroups',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['PS06'],
}, perWorkload((w) => {
  const psc = podSc(w.pod);
  const out: string[] = [];
  if (psc.runAsGroup === 0) out.push('securityContext.runAsGroup is 0');
  if (psc.fsGroup === 0) out.push('securityContext.fsGroup is 0');
  if (list(psc.supplementalGroups).includes(0)) out.push('securityContext.supplementalGroups has 0');
  for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
    if (sc(c).runAsGroup === 0) out.push(`${label}: securityContext.runAsGroup is 0`);
  }
  return out;
}));

const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];

const seccomp = manifestRule({
  id: 'PS07-seccomp',
  description: 'Every container runs under a seccomp profile, RuntimeDefault or Localhost',
  why: 'without seccomp a container may call every system call, including the rarely used ones most kernel exploits go through; Kubernetes leaves containers Unconfined unless the profile is set',
  fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod (containers inherit it)',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS07'],
}, perWorkload((w) => {
  const podType = valueAt(podSc(w.pod), ['seccompProfile', 'type']);
  const out: string[] = [];
  if (podType !== undefined && !SECCOMP_ALLOWED.includes(String(podType))) out.push(`securityContext.seccompProfile.type is ${show(podType)}`);
  for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
    const type = valueAt(sc(c), ['seccompProfile', 'type']);
    if (type !== undefined && !SECCOMP_ALLOWED.includes(String(type))) out.push(`${label}: securityContext.seccompProfile.type is ${show(type)}`);
    else if (type === undefined && podType === undefined) out.push(`${label}: seccompProfile is unset on the container and on the pod`);
  }
  return out;
}));

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const appArmor = manifestRule({
  id: 'PS08-apparmor',
  description: 'No container runs with the AppArmor profile Unconfined',
  why: 'the runtime\'s default AppArmor profile blocks writes to /proc and /sys and mounts that escapes use; Unconfined switches it off',
  fix: 'remove the appArmorProfile (or the container.apparmor.security.beta.kubernetes.io annotation), or set it to RuntimeDefault or a Localhost profile',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS08'],
}, perWorkload((w) => {
  const out: string[] = [];
  const bad = (v: unknown) => v !== undefined && v !== 'RuntimeDefault' && v !== 'Localhost';
  const podType = valueAt(podSc(w.pod), ['appArmorProfile', 'type']);
  if (bad(podType)) out.push(`securityContext.appArmorProfile.type is ${show(podType)}`);
  for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
    const type = valueAt(sc(c), ['appArmorProfile', 'type']);
    if (bad(type)) out.push(`${label}: securityContext.appArmorProfile.type is ${show(type)}`);
  }
  for (const [key, value] of Object.entries(obj(podMetadata(w).annotations))) {
    if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
    const ok = value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
    if (!ok) out.push(`annotation ${key} is ${show(value)}`);
  }
  return out;
}));

/** SELinux types the restricted profile allows (the container runtime's confined types). */
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

function seLinuxProblems(options: unknown, where: string): string[] {
  const o = obj(options);
  const out: string[] = [];
  if (o.type !== undefined && !SELINUX_TYPES.includes(String(o.type))) out.push(`${where}seLinuxOptions.type is ${show(o.type)}`);
  for (const k of ['user', 'role'] as const) {
    if (o[k] !== undefined && o[k] !== '') out.push(`${where}seLinuxOptions.${k} is ${show(o[k])}`);
  }
  return out;
}

const seLinux = manifestRule({
  id: 'PS08-selinux',
  description: 'SELinux options keep a confined container type and set no user or role',
  why: 'an SELinux type such as spc_t or unconfined_t, or a custom user or role, lifts the label confinement that keeps a container from the node\'s files and processes',
  fix: 'remove seLinuxOptions.user and .role, and leave .type unset or use container_t',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS08'],
}, perWorkload((w) => [
  ...seLinuxProblems(podSc(w.pod).seLinuxOptions, 'securityContext.'),
  ...containersOf(w.pod, ALL_CONTAINERS).flatMap(({ c, label }) => seLinuxProblems(sc(c).seLinuxOptions, `${label}: securityContext.`)),
]));

const procMount = manifestRule({
  id: 'PS08-proc-mount',
  description: 'Containers keep the default (masked) /proc mount',
  why: 'procMount Unmasked exposes /proc paths the runtime normally masks (kcore, sysrq-trigger, ...), which leak node memory and let a container act on the host kernel',
  fix: 'remove securityContext.procMount (or set it to Default)',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS08'],
}, perContainer(ALL_CONTAINERS, (c) => {
  const v = sc(c).procMount;
  return v === undefined || v === 'Default' ? [] : [`securityContext.procMount is ${show(v)}`];
}));

/** Namespaced sysctls the Pod Security Standards call safe (isolated per pod). */
const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

const sysctls = manifestRule({
  id: 'PS08-sysctls',
  description: 'Pods set only the safe sysctls',
  why: 'other sysctls are not isolated per pod: setting one changes the kernel for every pod on the node, or lets one pod starve the others',
  fix: `remove the sysctl from securityContext.sysctls (safe ones: ${SAFE_SYSCTLS.join(', ')}); tune the node pool instead`,
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS08'],
}, perWorkload((w) => list(podSc(w.pod).sysctls).filter(isObj)
  .filter((s) => !SAFE_SYSCTLS.includes(String(s.name)))
  .map((s) => `securityContext.sysctls sets ${show(s.name)}, not a safe sysctl`)));

const hostProcess = manifestRule({
  id: 'PS08-host-process',
  description: 'No Windows HostProcess containers',
  why: 'a Windows HostProcess container runs directly on the node with the node\'s privileges: it is the Windows equivalent of a privileged pod',
  fix: 'remove securityContext.windowsOptions.hostProcess',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['PS08'],
}, perWorkload((w) => [
  ...(valueAt(podSc(w.pod), ['windowsOptions', 'hostProcess']) === true ? ['securityContext.windowsOptions.hostProcess is true'] : []),
  ...containersOf(w.pod, ALL_CONTAINERS).filter(({ c }) => valueAt(sc(c), ['windowsOptions', 'hostProcess']) === true)
    .map(({ label }) => `${label}: securityContext.windowsOptions.hostProcess is true`),
]));

const HANDLER_PATHS: ReadonlyArray<readonly string[]> = [
  ['livenessProbe'], ['readinessProbe'], ['startupProbe'], ['lifecycle', 'postStart'], ['lifecycle', 'preStop'],
];

const probeHost = manifestRule({
  id: 'PS08-probe-host',
  description: 'Probes and lifecycle hooks do not set a host',
  why: 'the kubelet runs httpGet and tcpSocket handlers from the node: a host field turns them into requests from the node\'s network position to any address (the metadata server, other nodes), a server-side request forgery',
  fix: 'remove the host field: the handler then targets the pod\'s own IP',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['PS08'],
}, perContainer(ALL_CONTAINERS, (c) => HANDLER_PATHS.flatMap((path) => (['httpGet', 'tcpSocket'] as const).flatMap((kind) => {
  const host = valueAt(c, [...path, kind, 'host']);
  return host === undefined || host === '' ? [] : [`${path.join('.')}.${kind}.host is ${show(host)}`];
}))));

const readOnlyRoot = manifestRule({
  id: 'PS09-read-only-root-filesystem',
  description: 'Containers run with a read-only root file system',
  why: 'a writable root lets an attacker drop tools and modify binaries or config in place, and hides state in the container that a restart does not clear; writes belong in an explicit emptyDir',
  fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (/tmp, caches)',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['PS09'],
}, perContainer(DECLARED_CONTAINERS, (c) => {
  const v = sc(c).readOnlyRootFilesystem;
  if (v === true) return [];
  return [v === undefined ? 'securityContext.readOnlyRootFilesystem is unset' : `securityContext.readOnlyRootFilesystem is ${show(v)}`];
}));

// ---------------------------------------------------------------------------------------
// PS10: identity, namespaces and secrets.

const defaultServiceAccount = manifestRule({
  id: 'PS10-default-service-account',
  description: 'Pods run as their own service account, not "default"',
  why: 'every pod of the namespace shares the default service account: RBAC or a Workload Identity binding granted to it reaches them all, and no grant can be scoped to one workload',
  fix: 'create a ServiceAccount for the workload and set serviceAccountName to it',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['PS10'],
}, perWorkload((w) => {
  const name = w.pod.serviceAccountName ?? w.pod.serviceAccount;
  if (name === undefined || name === '') return ['serviceAccountName is unset (the pod runs as "default")'];
  return name === 'default' ? ['serviceAccountName is "default"'] : [];
}));

const tokenAutomount = manifestRule({
  id: 'PS10-token-automount',
  description: 'The service account token is not mounted into pods',
  why: 'a mounted token lets anyone who gets code execution in the pod call the Kubernetes API as the workload; application pods rarely need it, and Kubernetes mounts it unless told not to',
  fix: 'set automountServiceAccountToken: false on the pod or its ServiceAccount; a workload that really calls the Kubernetes API gets an exception in policies/exceptions.yaml with the reason',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['PS10'],
}, perWorkload((w, ctx) => {
  const podValue = w.pod.automountServiceAccountToken;
  if (podValue === false) return [];
  if (podValue !== undefined) return [`automountServiceAccountToken is ${show(podValue)}`];
  const saName = w.pod.serviceAccountName ?? w.pod.serviceAccount ?? 'default';
  const sa = ofKind(ctx.objects, 'ServiceAccount').find((s) => s.metadata.name === saName && namespaceOf(s) === namespaceOf(w.object));
  if (sa === undefined) return [`automountServiceAccountToken is unset on the pod and ServiceAccount "${show(saName)}" is not in the manifests (the token is mounted)`];
  const saValue = (sa as Obj).automountServiceAccountToken;
  return saValue === false ? [] : [`automountServiceAccountToken is unset on the pod and ${saValue === undefined ? 'unset' : show(saValue)} on ${objectId(sa)} (the token is mounted)`];
}));

/** Kinds that always live in a namespace: one without metadata.namespace lands in kubectl's current one. */
const NAMESPACED_KINDS = new Set([
  'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Service', 'ConfigMap', 'Secret',
  'ServiceAccount', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'Role', 'RoleBinding', 'Ingress',
  'PersistentVolumeClaim', 'VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'PeerAuthentication',
  'AuthorizationPolicy', 'RequestAuthentication', 'Telemetry', 'EnvoyFilter', 'WorkloadEntry', 'WorkloadGroup',
]);

const defaultNamespace = manifestRule({
  id: 'PS10-default-namespace',
  description: 'Objects are not in the default namespace',
  why: 'the default namespace is where everything lands by accident: it has no Pod Security labels, no default-deny NetworkPolicy and no mesh policy of its own, and RBAC on it is usually broad',
  fix: 'set metadata.namespace to the application\'s namespace',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['PS10'],
}, (ctx) => ctx.objects.flatMap((o) => {
  if (o.metadata.namespace === 'default') return [{ object: objectId(o), message: 'metadata.namespace is default' }];
  if (o.metadata.namespace === undefined && NAMESPACED_KINDS.has(o.kind)) {
    return [{ object: objectId(o), message: 'metadata.namespace is unset (kubectl puts it in the current context\'s namespace, usually default)' }];
  }
  return [];
}));

/** Names that say they hold a secret... */
const SECRET_NAME = /passw(or)?d|secret|token|api[_.-]?key|private[_.-]?key|access[_.-]?key|credential/i;
/** ...unless they only point at one (`DB_PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`). */
const SECRET_POINTER = /[_.-](file|path|url|uri|endpoint|host|name|ref|dir|id)$/i;
/** Values that are not the secret itself: substitutions, booleans, small numbers. */
const NOT_A_SECRET_VALUE = /^\s*(\$\{.*\}|\$\(.*\)|\{\{.*\}\}|<.*>|true|false|yes|no|on|off|\d{1,4})?\s*$/i;
/** Values that are secrets whatever their name. Messages name the kind, never the value. */
const SECRET_VALUES: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/"type"\s*:\s*"service_account"/, 'a Google service account key'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/, 'a JWT'],
  [/[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:(?!\$)[^\s/@]+@/i, 'a URL with a password'],
];
/** `password = hunter2` / `apiKey: abc` lines inside a config file held in a ConfigMap. */
const SECRET_LINE = /^\s*["']?([\w.-]+)["']?\s*[:=]\s*["']?([^"'\s#]+)/;

function looksSecret(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const kind = SECRET_VALUES.find(([re]) => re.test(value));
  if (kind !== undefined) return `holds what looks like ${kind[1]}`;
  if (SECRET_NAME.test(name) && !SECRET_POINTER.test(name) && !value.includes('\n') && !NOT_A_SECRET_VALUE.test(value)) {
    return 'has a literal value and its name says it is a secret';
  }
  const lines = value.split('\n');
  for (let i = 0; i < lines.length && lines.length > 1; i++) {
    const m = SECRET_LINE.exec(lines[i]);
    if (m !== null && SECRET_NAME.test(m[1]) && !SECRET_POINTER.test(m[1]) && !NOT_A_SECRET_VALUE.test(m[2])) {
      return `sets ${m[1]} to a literal value on line ${i + 1}`;
    }
  }
  return undefined;
}

const secretLiterals = manifestRule({
  id: 'PS10-secret-literals',
  description: 'No secret values in env, ConfigMaps or Secret manifests',
  why: 'a literal password, key or token in a manifest is in git, in CI logs, in every rendered diff and readable by anyone who can read ConfigMaps or pod specs; it cannot be rotated without a release',
  fix: 'keep the value in Secret Manager (synced by External Secrets) and reference it with env[].valueFrom.secretKeyRef or a secret volume; never commit Secret data',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['PS10'],
}, (ctx) => [
  ...perContainer(ALL_CONTAINERS, (c) => list(c.env).filter(isObj).flatMap((e) => {
    const what = looksSecret(String(e.name), e.value);
    return what === undefined ? [] : [`env ${show(e.name)} ${what}`];
  }))(ctx),
  ...ofKind(ctx.objects, 'ConfigMap').flatMap((cm) => Object.entries(obj((cm as Obj).data)).flatMap(([key, value]) => {
    const what = looksSecret(key, value);
    return what === undefined ? [] : [{ object: objectId(cm), message: `data key "${key}" ${what}` }];
  })),
  ...ofKind(ctx.objects, 'Secret').flatMap((s) => {
    const keys = [...Object.keys(obj((s as Obj).data)), ...Object.keys(obj((s as Obj).stringData))];
    // The documented exception (docs/edge.md): the load balancer hop's certificate, generated by the program at deploy time.
    if (keys.length === 0 || isPlatformGeneratedSecret(ctx, s, keys, TLS_SECRET_KEYS)) return [];
    return [{ object: objectId(s), message: `carries secret data in the manifests (keys ${keys.join(', ')})` }];
  }),
]);

// ---------------------------------------------------------------------------------------
// RR01-RR08: reliability.

const requests = manifestRule({
  id: 'RR01-resource-requests',
  description: 'Containers request CPU and memory',
  why: 'the scheduler places pods by their requests: without them pods pile onto one node, are the first evicted under pressure (BestEffort) and the HPA, which scales on utilisation of requests, cannot work',
  fix: 'set resources.requests.cpu and resources.requests.memory (in the ServiceSpec, a resources tier)',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR01'],
}, perContainer(DECLARED_CONTAINERS, (c) => {
  const req = obj(obj(c.resources).requests);
  const missing = ['cpu', 'memory'].filter((k) => req[k] === undefined || req[k] === '');
  return missing.length === 0 ? [] : [`resources.requests has no ${missing.join(' or ')}`];
}));

const memoryLimit = manifestRule({
  id: 'RR01-memory-limit',
  description: 'Containers set a memory limit',
  why: 'a container without a memory limit can use all of the node\'s memory: a leak then gets other pods OOM-killed or evicted instead of only itself',
  fix: 'set resources.limits.memory (in the ServiceSpec, a resources tier)',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR01'],
}, perContainer(DECLARED_CONTAINERS, (c) => {
  const limit = obj(obj(c.resources).limits).memory;
  return limit === undefined || limit === '' ? ['resources.limits.memory is unset'] : [];
}));

const readinessProbe = manifestRule({
  id: 'RR02-readiness-probe',
  description: 'Serving containers have a readiness probe',
  why: 'without one a pod receives traffic as soon as its process starts and keeps receiving it while broken: every rollout and every hang becomes failed requests',
  fix: 'add a readinessProbe that checks the container can serve (in the ServiceSpec, probes.readiness)',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR02'],
}, perContainer(['containers'], (c) => (isObj(c.readinessProbe) ? [] : ['has no readinessProbe']), LONG_RUNNING));

const livenessProbe = manifestRule({
  id: 'RR02-liveness-probe',
  description: 'Serving containers have a liveness probe',
  why: 'without one a deadlocked process stays up forever, holding its share of traffic and capacity, until someone restarts it by hand',
  fix: 'add a livenessProbe that checks only the process itself, not its dependencies (in the ServiceSpec, probes.liveness)',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR02'],
}, perContainer(['containers'], (c) => (isObj(c.livenessProbe) ? [] : ['has no livenessProbe']), LONG_RUNNING));

/** The check a probe performs, without its timing: identical handlers fail together. */
function probeHandler(probe: Obj): string {
  const handler = Object.fromEntries(['httpGet', 'tcpSocket', 'grpc', 'exec'].filter((k) => probe[k] !== undefined).map((k) => [k, probe[k]]));
  return JSON.stringify(handler, (_k, v: unknown) => (isObj(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

const distinctProbes = manifestRule({
  id: 'RR02-distinct-probes',
  description: 'Liveness and readiness probes do not perform the same check',
  why: 'when both run the same check, a pod that is only overloaded or waiting on a dependency fails liveness too and is restarted, turning a slowdown into a cascading outage',
  fix: 'make liveness a cheap check of the process alone (a TCP connect or a /livez that touches nothing else) and keep dependency checks in readiness',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR02'],
}, perContainer(['containers'], (c) => {
  if (!isObj(c.readinessProbe) || !isObj(c.livenessProbe)) return [];
  const readiness = probeHandler(c.readinessProbe);
  return readiness === probeHandler(c.livenessProbe) ? [`livenessProbe and readinessProbe both run ${readiness}`] : [];
}, LONG_RUNNING));

const minReplicas = manifestRule({
  id: 'RR03-min-replicas',
  description: 'In staging and prod, workloads run at least 2 replicas (HPA minReplicas, or spec.replicas without an HPA)',
  why: 'a single replica is an outage on every node upgrade, eviction, rollout hiccup or crash; with 2 the PodDisruptionBudget can keep one serving',
  fix: 'in the ServiceSpec set replicas.<profile>.min to 2 or more (HPA minReplicas), or spec.replicas >= 2 for a workload without an HPA',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['RR03', 'RR05'],
}, (ctx) => (stagingOrProd(ctx) ? perWorkload((w) => {
  const floor = replicaFloor(w, ctx.objects);
  return floor.count >= 2 ? [] : [`runs ${floor.count} replica at minimum (${floor.source}); ${ctx.profile} needs at least 2`];
}, REPLICATED)(ctx) : []));

const fixedReplicasWithHpa = manifestRule({
  id: 'RR03-no-fixed-replicas-with-hpa',
  description: 'A workload scaled by an HPA does not set spec.replicas',
  why: 'every apply resets spec.replicas to the fixed number, undoing the HPA: a deploy during a traffic peak scales the workload down to it',
  fix: 'remove spec.replicas and let the HorizontalPodAutoscaler own the count',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR03'],
}, perWorkload((w, ctx) => {
  const replicas = valueAt(w.object, ['spec', 'replicas']);
  const hpa = hpaFor(w, ctx.objects);
  return replicas === undefined || hpa === undefined ? [] : [`sets spec.replicas ${show(replicas)} but ${objectId(hpa)} scales it`];
}));

function pdbsSelecting(w: Workload, objects: readonly ManifestObject[]): ManifestObject[] {
  return ofKind(objects, 'PodDisruptionBudget').filter((p) => namespaceOf(p) === namespaceOf(w.object) && labelSelectorMatches(valueAt(p, ['spec', 'selector']), w.podLabels));
}

const pdbPresent = manifestRule({
  id: 'RR04-pdb',
  description: 'In staging and prod, a PodDisruptionBudget selects each Deployment and StatefulSet',
  why: 'without a PDB a node drain (GKE upgrades, autoscaler scale-down) may evict every replica at once: the replicas only protect against voluntary disruptions if a budget says how many may go',
  fix: 'add a PodDisruptionBudget whose selector matches the pod labels, with maxUnavailable: 1',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR04'],
}, (ctx) => (stagingOrProd(ctx) ? perWorkload((w) => (pdbsSelecting(w, ctx.objects).length > 0 ? [] : [
  `no PodDisruptionBudget in namespace ${namespaceOf(w.object) || '(none)'} selects its pod labels ${labelsText(w.podLabels)}`,
]), REPLICATED)(ctx) : []));

/** `n` or `n%` of `total`, rounded up as the disruption controller does. */
function scaled(value: unknown, total: number): number | undefined {
  if (typeof value === 'number') return value;
  const m = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return m === null ? undefined : Math.ceil((Number(m[1]) * total) / 100);
}

const pdbAllowsEviction = manifestRule({
  id: 'RR04-pdb-allows-eviction',
  description: 'Every PodDisruptionBudget sets a policy that still allows one eviction',
  why: 'maxUnavailable 0, or minAvailable as high as the replica count, blocks every voluntary eviction: node drains hang, and GKE upgrades stall or force-delete the pods after an hour, which is worse than the disruption the PDB was meant to bound',
  fix: 'use maxUnavailable: 1 (or minAvailable below the HPA minReplicas)',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['RR04'],
}, (ctx) => ofKind(ctx.objects, 'PodDisruptionBudget').flatMap((pdb) => {
  const spec = obj((pdb as Obj).spec);
  const say = (message: string): Finding[] => [{ object: objectId(pdb), message }];
  if (spec.maxUnavailable === undefined && spec.minAvailable === undefined) return say('sets neither maxUnavailable nor minAvailable');
  const selected = workloads(ctx.objects).filter((w) => namespaceOf(w.object) === namespaceOf(pdb) && labelSelectorMatches(spec.selector, w.podLabels));
  const floors = selected.map((w) => replicaFloor(w, ctx.objects).count);
  const total = floors.reduce((a, b) => a + b, 0);
  if (spec.maxUnavailable !== undefined) {
    // Any other value rounds up to at least one pod.
    return spec.maxUnavailable === 0 || spec.maxUnavailable === '0%' ? say(`maxUnavailable ${show(spec.maxUnavailable)} allows no eviction`) : [];
  }
  if (spec.minAvailable === '100%') return say('minAvailable 100% allows no eviction');
  const min = scaled(spec.minAvailable, total);
  if (selected.length === 0 || min === undefined || min < total) return [];
  return say(`minAvailable ${show(spec.minAvailable)} allows no eviction: the pods it selects (${selected.map((w) => w.id).join(', ')}) run ${total} at minimum`);
}));

const hpaTarget = manifestRule({
  id: 'RR05-hpa-target',
  description: 'Every HorizontalPodAutoscaler targets a workload that exists',
  why: 'an HPA whose target is misspelt or gone scales nothing, silently: the workload runs at its fixed size through every peak',
  fix: 'point spec.scaleTargetRef at the Deployment (kind, name) in the same namespace, or delete the HPA',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['RR05', 'MC09'],
}, (ctx) => ofKind(ctx.objects, 'HorizontalPodAutoscaler').flatMap((hpa) => {
  const ref = obj(valueAt(hpa, ['spec', 'scaleTargetRef']));
  const found = ctx.objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name && namespaceOf(o) === namespaceOf(hpa));
  return found ? [] : [{ object: objectId(hpa), message: `scaleTargetRef ${show(ref.kind)}/${show(ref.name)} is not in namespace ${namespaceOf(hpa) || '(none)'}` }];
}));

const hpaRange = manifestRule({
  id: 'RR05-hpa-range',
  description: 'Every HorizontalPodAutoscaler has maxReplicas above minReplicas',
  why: 'with max equal to min the HPA cannot scale: it looks like autoscaling in review but the workload is fixed-size under load',
  fix: 'raise spec.maxReplicas above spec.minReplicas (in the ServiceSpec, replicas.<profile>.max)',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR05'],
}, (ctx) => ofKind(ctx.objects, 'HorizontalPodAutoscaler').flatMap((hpa) => {
  const max = valueAt(hpa, ['spec', 'maxReplicas']);
  const min = hpaMin(hpa);
  return typeof max === 'number' && max > min ? [] : [{ object: objectId(hpa), message: `maxReplicas ${show(max)} is not above minReplicas ${min}` }];
}));

const SPREAD_KEYS = ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'];

const topologySpread = manifestRule({
  id: 'RR06-topology-spread',
  description: 'Replicated workloads spread their pods across zones or nodes',
  why: 'without spreading, the scheduler may put every replica on one node or in one zone, and a single node or zone failure takes the service down. Advisory: a single-zone or one-node cluster cannot spread, and the right keys depend on the cluster',
  fix: 'add topologySpreadConstraints on topology.kubernetes.io/zone and kubernetes.io/hostname whose labelSelector matches the pod labels (or a podAntiAffinity term)',
  severity: 'low',
  enforcement: 'advisory',
  catalogue: ['RR06'],
}, perWorkload((w) => {
  const spreads = list(w.pod.topologySpreadConstraints).filter(isObj)
    .some((t) => SPREAD_KEYS.includes(String(t.topologyKey)) && labelSelectorMatches(t.labelSelector, w.podLabels));
  const anti = obj(obj(w.pod.affinity).podAntiAffinity);
  const terms = [
    ...list(anti.requiredDuringSchedulingIgnoredDuringExecution),
    ...list(anti.preferredDuringSchedulingIgnoredDuringExecution).filter(isObj).map((p) => p.podAffinityTerm),
  ].filter(isObj);
  const antiAffine = terms.some((t) => SPREAD_KEYS.includes(String(t.topologyKey)) && labelSelectorMatches(t.labelSelector, w.podLabels));
  return spreads || antiAffine ? [] : [`has no topologySpreadConstraints or podAntiAffinity on ${SPREAD_KEYS.join(' or ')} that selects its own pods`];
}, REPLICATED));

const SELECTOR_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

const selectorMatches = manifestRule({
  id: 'RR07-selector-matches-labels',
  description: 'A workload\'s selector matches its pod template labels',
  why: 'apps/v1 rejects a selector that does not match the template, so this fails at apply, halfway through a release; the check moves the failure to the pull request. Advisory because the API server enforces it anyway',
  fix: 'make spec.selector.matchLabels a subset of spec.template.metadata.labels',
  severity: 'low',
  enforcement: 'advisory',
  catalogue: ['RR07'],
}, perWorkload((w) => {
  const selector = valueAt(w.object, ['spec', 'selector']);
  if (selector === undefined) return ['spec.selector is unset'];
  return labelSelectorMatches(selector, w.podLabels) ? [] : [`spec.selector ${labelsText(obj(obj(selector).matchLabels))} does not select the template labels ${labelsText(w.podLabels)}`];
}, SELECTOR_KINDS));

const RECOMMENDED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by'];

const recommendedLabels = manifestRule({
  id: 'RR07-recommended-labels',
  description: `Workloads and their pods carry the recommended labels ${RECOMMENDED_LABELS.join(', ')}`,
  why: 'dashboards, cost reports and kubectl queries group by these labels; without them a pod cannot be traced to its application, release or owner. Advisory: labels are conventions, not safety',
  fix: 'add the missing app.kubernetes.io labels to metadata.labels and the pod template labels',
  severity: 'low',
  enforcement: 'advisory',
  catalogue: ['RR07'],
}, perWorkload((w) => {
  const missing = (labels: unknown) => RECOMMENDED_LABELS.filter((k) => !(k in obj(labels)));
  const out: string[] = [];
  const own = missing(w.object.metadata.labels);
  if (own.length > 0) out.push(`metadata.labels lack ${own.join(', ')}`);
  const pod = missing(w.podLabels);
  if (w.object.kind !== 'Pod' && pod.length > 0) out.push(`pod template labels lack ${pod.join(', ')}`);
  return out;
}));

const barePods = manifestRule({
  id: 'RR08-no-bare-pods',
  description: 'Pods and ReplicaSets are managed by a controller, never declared bare',
  why: 'a bare Pod is not rescheduled when its node goes away and cannot be rolled out; a bare ReplicaSet has no rollout or rollback: both turn routine node maintenance into outages',
  fix: 'declare a Deployment (or a Job for run-to-completion work) instead',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['RR08'],
}, (ctx) => ctx.objects
  .filter((o) => (o.kind === 'Pod' || o.kind === 'ReplicaSet') && list(o.metadata.ownerReferences).length === 0)
  .map((o) => ({ object: objectId(o), message: `is a bare ${o.kind} with no controller` })));

/** Removed Kubernetes group versions and what replaces them. */
const REMOVED_APIS: Readonly<Record<string, string>> = {
  'extensions/v1beta1': 'apps/v1 or networking.k8s.io/v1 (removed in 1.22)',
  'apps/v1beta1': 'apps/v1 (removed in 1.16)',
  'apps/v1beta2': 'apps/v1 (removed in 1.16)',
  'policy/v1beta1': 'policy/v1 (removed in 1.25)',
  'autoscaling/v2beta1': 'autoscaling/v2 (removed in 1.25)',
  'autoscaling/v2beta2': 'autoscaling/v2 (removed in 1.26)',
  'batch/v1beta1': 'batch/v1 (removed in 1.25)',
  'networking.k8s.io/v1beta1': 'networking.k8s.io/v1 (removed in 1.22)',
  'discovery.k8s.io/v1beta1': 'discovery.k8s.io/v1 (removed in 1.25)',
  'rbac.authorization.k8s.io/v1beta1': 'rbac.authorization.k8s.io/v1 (removed in 1.22)',
  'rbac.authorization.k8s.io/v1alpha1': 'rbac.authorization.k8s.io/v1 (removed in 1.22)',
};
/** API groups Kubernetes itself serves (core is the empty group). */
const BUILTIN_GROUP = /^(|apps|batch|policy|autoscaling|extensions|[a-z0-9.-]+\.k8s\.io)$/;
/** Istio kinds served as v1 since Istio 1.22; their alpha/beta versions are deprecated. */
const ISTIO_V1_KINDS = new Set([
  'VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup',
  'AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication', 'Telemetry',
]);
const PRE_GA = /^v\d+(alpha|beta)\d+$/;

function apiVersionProblem(o: ManifestObject): string | undefined {
  const slash = o.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  const version = o.apiVersion.slice(slash + 1);
  const removed = REMOVED_APIS[o.apiVersion];
  if (removed !== undefined) return `apiVersion ${o.apiVersion} is no longer served: use ${removed}`;
  if (BUILTIN_GROUP.test(group) && PRE_GA.test(version)) return `apiVersion ${o.apiVersion} is a pre-GA Kubernetes API`;
  if (group.endsWith('.istio.io') && ISTIO_V1_KINDS.has(o.kind) && version !== 'v1') return `apiVersion ${o.apiVersion} is deprecated: use ${group}/v1`;
  return undefined;
}

const apiVersions = manifestRule({
  id: 'RR08-api-versions',
  description: 'Objects use GA API versions, not removed, alpha or beta ones',
  why: 'removed versions fail to apply after a cluster upgrade (GKE upgrades on its release channel without asking); alpha and beta APIs change or vanish between minor versions, and deprecated Istio versions are dropped on mesh upgrades',
  fix: 'move the object to the GA apiVersion named in the finding and check the fields that changed',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['RR08'],
}, (ctx) => ctx.objects.flatMap((o) => {
  const problem = apiVersionProblem(o);
  return problem === undefined ? [] : [{ object: objectId(o), message: problem }];
}));

const serviceForDeployment = manifestRule({
  id: 'MC09-deployment-has-service',
  description: 'A Service selects the pods of each Deployment',
  why: 'a Deployment no Service selects receives no traffic: usually a label drifted between the Service and a new version, and the version is dark while looking deployed (and Istio subsets routing to it fail with 503s)',
  fix: 'make the Service\'s spec.selector a subset of the Deployment\'s pod template labels (usually app=<service>)',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['MC09'],
}, perWorkload((w, ctx) => {
  const found = ofKind(ctx.objects, 'Service').some((s) => namespaceOf(s) === namespaceOf(w.object) && serviceSelects(s, w.podLabels));
  return found ? [] : [`no Service in namespace ${namespaceOf(w.object) || '(none)'} selects its pod labels ${labelsText(w.podLabels)}`];
}, new Set(['Deployment'])));

// ---------------------------------------------------------------------------------------
// IM01, IM02: images.

interface ImageRef {
  /** Repository as written, without tag or digest. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const rest = at < 0 ? image : image.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  return { repository: hasTag ? rest.slice(0, colon) : rest, tag: hasTag ? rest.slice(colon + 1) : undefined, digest };
}

/** The full reference the runtime pulls: `nginx` is `docker.io/library/nginx`, `istio/x` is `docker.io/istio/x`. */
function canonicalImage(image: string): string {
  const parts = image.split('/');
  const first = parts[0];
  if (parts.length === 1) return `docker.io/library/${image}`;
  const dockerHub = first === 'docker.io' || first === 'index.docker.io';
  if (dockerHub) return ['docker.io', ...(parts.length === 2 ? ['library'] : []), ...parts.slice(1)].join('/');
  return first.includes('.') || first.includes(':') || first === 'localhost' ? image : `docker.io/${image}`;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function imagesOf(c: ContainerLike): string[] {
  return typeof c.image === 'string' && c.image !== '' ? [c.image] : [];
}

const imageTag = manifestRule({
  id: 'IM01-image-tag',
  description: 'Images name a tag other than latest, or a digest',
  why: 'latest (which a missing tag means) changes under the same name: two nodes run different code, a rollback pulls the new image again, and nothing records what ran',
  fix: 'pin the image to a release tag or a digest in services/releases/<env>.yaml',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['IM01'],
}, perContainer(ALL_CONTAINERS, (c) => imagesOf(c).flatMap((image) => {
  const ref = parseImage(image);
  if (ref.digest !== undefined) return [];
  if (ref.tag === undefined) return [`image ${image} has no tag (pulls latest)`];
  return ref.tag === 'latest' ? [`image ${image} uses the latest tag`] : [];
})));

const imageDigest = manifestRule({
  id: 'IM01-image-digest',
  description: 'In staging and prod, images are pinned by sha256 digest',
  why: 'a tag can be moved to other content after review, by mistake or by an attacker with push access; a digest names exactly the bytes that were tested and approved',
  fix: 'pin the image as <repository>@sha256:<digest> (or <repository>:<tag>@sha256:<digest>) in services/releases/<env>.yaml',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['IM01'],
}, (ctx) => (stagingOrProd(ctx) ? perContainer(ALL_CONTAINERS, (c) => imagesOf(c).flatMap((image) => {
  const digest = parseImage(image).digest;
  if (digest === undefined) return [`image ${image} is not pinned by digest`];
  return DIGEST.test(digest) ? [] : [`image ${image} has digest ${digest}, not sha256:<64 hex>`];
}))(ctx) : []));

const pullPolicy = manifestRule({
  id: 'IM01-pull-policy',
  description: 'imagePullPolicy fits the pin: Always for a tag, IfNotPresent for a digest',
  why: 'with a tag, IfNotPresent lets a node run a stale image cached under the same tag; with a digest, Always only adds a registry round-trip that makes pod starts depend on the registry. Advisory: the digest rule decides what runs, this only affects freshness and start-up',
  fix: 'set imagePullPolicy: Always for tag-pinned images and IfNotPresent for digest-pinned ones',
  severity: 'low',
  enforcement: 'advisory',
  catalogue: ['IM01'],
}, perContainer(ALL_CONTAINERS, (c) => imagesOf(c).flatMap((image) => {
  const ref = parseImage(image);
  // Kubernetes defaults from the tag alone: latest (or no tag and no digest) means Always, digest or not.
  const defaulted = ref.tag === 'latest' || (ref.tag === undefined && ref.digest === undefined) ? 'Always' : 'IfNotPresent';
  const policy = c.imagePullPolicy ?? defaulted;
  const shown = c.imagePullPolicy === undefined ? `unset (defaults to ${defaulted})` : show(c.imagePullPolicy);
  if (policy === 'Never') return [`imagePullPolicy is Never for image ${image}: it only runs on nodes that already have it`];
  const want = ref.digest === undefined ? 'Always' : 'IfNotPresent';
  return policy === want ? [] : [`imagePullPolicy is ${shown} for ${ref.digest === undefined ? 'tag' : 'digest'}-pinned image ${image} (want ${want})`];
})));

function allowedBy(image: string, prefix: string): boolean {
  if (!image.startsWith(prefix)) return false;
  // `registry.io/team` must not allow `registry.io/team-evil/x`.
  return prefix.endsWith('/') || image.length === prefix.length || ['/', ':', '@'].includes(image[prefix.length]);
}

const allowedRegistries = manifestRule({
  id: 'IM02-allowed-registries',
  description: 'Images come only from the allowed registries',
  why: 'an image from an arbitrary registry bypasses the scanning, signing and retention of the approved ones, and a typo-squatted public image runs with the workload\'s identity',
  fix: 'mirror the image into an allowed registry and reference it from there (allowed prefixes are platform configuration)',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['IM02'],
}, (ctx) => perContainer(ALL_CONTAINERS, (c) => imagesOf(c).flatMap((image) => {
  const canonical = canonicalImage(image);
  if (ctx.allowedRegistries.some((p) => allowedBy(canonical, p) || allowedBy(image, p))) return [];
  const named = canonical === image ? image : `${image} (${parseImage(canonical).repository})`;
  return [`image ${named} is not from an allowed registry (${ctx.allowedRegistries.length === 0 ? 'none are allowed' : ctx.allowedRegistries.join(', ')})`];
}))(ctx));

// ---------------------------------------------------------------------------------------
// NM02: exposure.

const serviceType = manifestRule({
  id: 'NM02-service-type',
  description: 'No NodePort or LoadBalancer Services',
  why: 'the edge is the Google load balancer in front of the Istio gateway, with TLS, Cloud Armor and authentication; a NodePort or LoadBalancer Service opens a second way in that has none of them',
  fix: 'use type ClusterIP and publish the service through a gateway route (ServiceSpec routes)',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['NM02'],
}, (ctx) => ofKind(ctx.objects, 'Service').flatMap((s) => {
  const type = valueAt(s, ['spec', 'type']);
  return type === 'NodePort' || type === 'LoadBalancer' ? [{ object: objectId(s), message: `spec.type is ${type}` }] : [];
}));

export const workloadRules: readonly ManifestRule[] = [
  hostNamespaces, hostPorts, privileged, dropAll, addCapabilities, hostPath, volumeTypes, privilegeEscalation,
  runAsNonRoot, runAsUser, runAsGroup, seccomp, appArmor, seLinux, procMount, sysctls, hostProcess, probeHost,
  readOnlyRoot, defaultServiceAccount, tokenAutomount, defaultNamespace, secretLiterals,
  requests, memoryLimit, readinessProbe, livenessProbe, distinctProbes, minReplicas, fixedReplicasWithHpa,
  pdbPresent, pdbAllowsEviction, hpaTarget, hpaRange, topologySpread, selectorMatches, recommendedLabels,
  barePods, apiVersions, serviceForDeployment,
  imageTag, imageDigest, pullPolicy, allowedRegistries, serviceType,
];
