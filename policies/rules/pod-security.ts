/**
 * PS01-PS09: the Pod Security Standards "restricted" profile, control by control, over
 * every pod-bearing object of the set.
 */
import { isJson, list, obj, show, valueAt, type Json } from '../objects';
import type { ManifestRule } from '../types';
import { ALL_CONTAINERS, DECLARED_CONTAINERS, containersOf, manifestRule, perContainer, perWorkload, podSc, sc } from './define';

const hostNamespaces = manifestRule(
  {
    id: 'PS01-host-namespaces',
    description: "Pods do not share the node's network, PID or IPC namespace",
    why: 'hostNetwork lets a pod sniff and bind node traffic (and bypass NetworkPolicy and the Istio sidecar); hostPID and hostIPC expose every process and shared memory on the node: each is a step to node takeover',
    fix: 'remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false)',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS01'],
  },
  perWorkload((w) => (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => w.pod[k] === true).map((k) => `${k} is true`)),
);

const hostPorts = manifestRule(
  {
    id: 'PS01-host-ports',
    description: 'Containers do not bind host ports',
    why: "a hostPort opens the port on the node's own address, bypassing the Google load balancer, Cloud Armor and the mesh, and pins the pod to nodes where the port is free",
    fix: 'remove hostPort from the container ports; expose the port through a ClusterIP Service behind the gateway',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS01'],
  },
  perContainer(ALL_CONTAINERS, (c) =>
    list(c.ports)
      .filter(isJson)
      .filter((p) => p.hostPort !== undefined && p.hostPort !== 0)
      .map((p) => `port ${show(p.containerPort)} sets hostPort ${show(p.hostPort)}`),
  ),
);

const privileged = manifestRule(
  {
    id: 'PS02-privileged',
    description: 'No privileged containers',
    why: 'a privileged container has every capability and every device of the node: escaping it is trivial, so one compromised process owns the node and its credentials',
    fix: 'remove securityContext.privileged (or set it to false); grant a single capability if one is really needed',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS02'],
  },
  perContainer(ALL_CONTAINERS, (c) => (sc(c).privileged === true ? ['securityContext.privileged is true'] : [])),
);

const dropAll = manifestRule(
  {
    id: 'PS03-drop-all-capabilities',
    description: 'Containers drop ALL Linux capabilities',
    why: 'the default capability set includes NET_RAW (ARP/DNS spoofing inside the node network), CHOWN, SETUID and others an application never needs; dropping all limits what an exploit can do',
    fix: 'set securityContext.capabilities.drop: [ALL] on every container',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS03'],
  },
  perContainer(ALL_CONTAINERS, (c) => {
    const drop = valueAt(sc(c), ['capabilities', 'drop']);
    if (list(drop).includes('ALL')) return [];
    return [
      drop === undefined ? 'securityContext.capabilities.drop is unset' : `securityContext.capabilities.drop is ${show(drop)}, without ALL`,
    ];
  }),
);

const addCapabilities = manifestRule(
  {
    id: 'PS03-added-capabilities',
    description: 'Containers add no capability except NET_BIND_SERVICE',
    why: 'added capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give back the kernel powers that container escapes rely on; binding a port below 1024 is the only one the restricted profile allows',
    fix: 'remove the capability from securityContext.capabilities.add; listen on a port above 1024 instead of adding NET_BIND_SERVICE where possible',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS03'],
  },
  perContainer(ALL_CONTAINERS, (c) =>
    list(valueAt(sc(c), ['capabilities', 'add']))
      .filter((cap) => cap !== 'NET_BIND_SERVICE')
      .map((cap) => `securityContext.capabilities.add has ${show(cap)} (only NET_BIND_SERVICE is allowed)`),
  ),
);

/** The volume types of the restricted profile. */
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

function volumeType(v: Json): string | undefined {
  return Object.keys(v).find((k) => k !== 'name');
}

const hostPath = manifestRule(
  {
    id: 'PS04-host-path',
    description: 'No hostPath volumes',
    why: "a hostPath volume reads or writes the node's file system: the container runtime socket, kubelet credentials or /etc are one mount away from node takeover",
    fix: 'use an emptyDir for scratch space, a PersistentVolumeClaim for data, a ConfigMap or Secret for files',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS04'],
  },
  perWorkload((w) =>
    list(w.pod.volumes)
      .filter(isJson)
      .filter((v) => v.hostPath !== undefined)
      .map((v) => `volume "${show(v.name)}" is hostPath ${show(obj(v.hostPath).path ?? '?')}`),
  ),
);

const volumeTypes = manifestRule(
  {
    id: 'PS04-volume-types',
    description: `Volumes are only of the types ${ALLOWED_VOLUMES.join(', ')}`,
    why: "other volume types (nfs, iscsi, gcePersistentDisk, ...) mount storage directly from the node with the node's credentials, outside the PersistentVolumeClaim and CSI controls the restricted profile relies on",
    fix: 'use a PersistentVolumeClaim (backed by a CSI StorageClass) instead of an in-line volume source',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS04'],
  },
  perWorkload((w) =>
    list(w.pod.volumes)
      .filter(isJson)
      .flatMap((v) => {
        const type = volumeType(v);
        // hostPath is PS04-host-path; a volume with no source is defaulted to emptyDir.
        return type === undefined || type === 'hostPath' || ALLOWED_VOLUMES.includes(type) ? [] : [`volume "${show(v.name)}" is ${type}`];
      }),
  ),
);

const privilegeEscalation = manifestRule(
  {
    id: 'PS05-privilege-escalation',
    description: 'Containers set allowPrivilegeEscalation: false',
    why: 'unless it is false, a process can gain more privileges than its parent through setuid binaries or file capabilities (no_new_privs is off), which turns a code execution into root inside the container',
    fix: 'set securityContext.allowPrivilegeEscalation: false on every container',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS05'],
  },
  perContainer(ALL_CONTAINERS, (c) => {
    const v = sc(c).allowPrivilegeEscalation;
    if (v === false) return [];
    return [
      v === undefined
        ? 'securityContext.allowPrivilegeEscalation is unset (defaults to true)'
        : `securityContext.allowPrivilegeEscalation is ${show(v)}`,
    ];
  }),
);

const runAsNonRoot = manifestRule(
  {
    id: 'PS06-run-as-non-root',
    description: 'Pods and containers set runAsNonRoot: true',
    why: 'runAsNonRoot makes the kubelet refuse to start a container whose image would run as root, whatever the image says: root in a container is one kernel bug away from root on the node',
    fix: 'set securityContext.runAsNonRoot: true on the pod (or on every container) and build the image with a numeric non-root USER',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS06'],
  },
  perWorkload((w) => {
    const podValue = podSc(w.pod).runAsNonRoot;
    const out: string[] = [];
    if (podValue !== undefined && podValue !== true) out.push(`securityContext.runAsNonRoot is ${show(podValue)}`);
    for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
      const v = sc(c).runAsNonRoot;
      if (v !== undefined && v !== true) out.push(`${label}: securityContext.runAsNonRoot is ${show(v)}`);
      else if (v === undefined && podValue === undefined) out.push(`${label}: runAsNonRoot is unset on the container and on the pod`);
    }
    return out;
  }),
);

/** Istio's sidecar runs as 1337 and its iptables rules let that UID's traffic bypass the proxy. */
const ISTIO_PROXY_UID = 1337;

function userProblem(uid: unknown): string | undefined {
  if (uid === 0) return '0 (root)';
  if (uid === ISTIO_PROXY_UID) return `${ISTIO_PROXY_UID} (Istio's proxy UID: its traffic bypasses the sidecar)`;
  return undefined;
}

const runAsUser = manifestRule(
  {
    id: 'PS06-run-as-user',
    description: `runAsUser is neither 0 (root) nor ${ISTIO_PROXY_UID} (Istio's proxy)`,
    why: `UID 0 is root, whatever runAsNonRoot intended; UID ${ISTIO_PROXY_UID} is the Istio sidecar's, and the sidecar's iptables rules exempt that UID's traffic, so an app running as it escapes mTLS, AuthorizationPolicy and telemetry`,
    fix: "set runAsUser to the image's own non-root UID (e.g. 1000), on the pod and on any container that overrides it",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS06'],
  },
  perWorkload((w) => {
    const out: string[] = [];
    const pod = userProblem(podSc(w.pod).runAsUser);
    if (pod !== undefined) out.push(`securityContext.runAsUser is ${pod}`);
    for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
      const p = userProblem(sc(c).runAsUser);
      if (p !== undefined) out.push(`${label}: securityContext.runAsUser is ${p}`);
    }
    return out;
  }),
);

const runAsGroup = manifestRule(
  {
    id: 'PS06-run-as-group',
    description: 'runAsGroup, fsGroup and supplementalGroups are not 0 (root group)',
    why: "group 0 owns much of an image's file system and host files mounted into it: a non-root user in the root group can still write them",
    fix: 'set runAsGroup and fsGroup to a non-zero GID (e.g. 1000) and remove 0 from supplementalGroups',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS06'],
  },
  perWorkload((w) => {
    const psc = podSc(w.pod);
    const out: string[] = [];
    if (psc.runAsGroup === 0) out.push('securityContext.runAsGroup is 0');
    if (psc.fsGroup === 0) out.push('securityContext.fsGroup is 0');
    if (list(psc.supplementalGroups).includes(0)) out.push('securityContext.supplementalGroups has 0');
    for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
      if (sc(c).runAsGroup === 0) out.push(`${label}: securityContext.runAsGroup is 0`);
    }
    return out;
  }),
);

const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];

const seccomp = manifestRule(
  {
    id: 'PS07-seccomp',
    description: 'Every container runs under a seccomp profile, RuntimeDefault or Localhost',
    why: 'without seccomp a container may call every system call, including the rarely used ones most kernel exploits go through; Kubernetes leaves containers Unconfined unless the profile is set',
    fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod (containers inherit it)',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS07'],
  },
  perWorkload((w) => {
    const podType = valueAt(podSc(w.pod), ['seccompProfile', 'type']);
    const out: string[] = [];
    if (podType !== undefined && !SECCOMP_ALLOWED.includes(show(podType)))
      out.push(`securityContext.seccompProfile.type is ${show(podType)}`);
    for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
      const type = valueAt(sc(c), ['seccompProfile', 'type']);
      if (type !== undefined && !SECCOMP_ALLOWED.includes(show(type)))
        out.push(`${label}: securityContext.seccompProfile.type is ${show(type)}`);
      else if (type === undefined && podType === undefined) out.push(`${label}: seccompProfile is unset on the container and on the pod`);
    }
    return out;
  }),
);

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const appArmor = manifestRule(
  {
    id: 'PS08-apparmor',
    description: 'No container runs with the AppArmor profile Unconfined',
    why: "the runtime's default AppArmor profile blocks writes to /proc and /sys and mounts that escapes use; Unconfined switches it off",
    fix: 'remove the appArmorProfile (or the container.apparmor.security.beta.kubernetes.io annotation), or set it to RuntimeDefault or a Localhost profile',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS08'],
  },
  perWorkload((w) => {
    const out: string[] = [];
    const bad = (v: unknown) => v !== undefined && v !== 'RuntimeDefault' && v !== 'Localhost';
    const podType = valueAt(podSc(w.pod), ['appArmorProfile', 'type']);
    if (bad(podType)) out.push(`securityContext.appArmorProfile.type is ${show(podType)}`);
    for (const { c, label } of containersOf(w.pod, ALL_CONTAINERS)) {
      const type = valueAt(sc(c), ['appArmorProfile', 'type']);
      if (bad(type)) out.push(`${label}: securityContext.appArmorProfile.type is ${show(type)}`);
    }
    for (const [key, value] of Object.entries(obj(w.podMetadata.annotations))) {
      if (!key.startsWith(APPARMOR_ANNOTATION)) continue;
      const ok = value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));
      if (!ok) out.push(`annotation ${key} is ${show(value)}`);
    }
    return out;
  }),
);

/** SELinux types the restricted profile allows (the container runtime's confined types). */
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

function seLinuxProblems(options: unknown, where: string): string[] {
  const o = obj(options);
  const out: string[] = [];
  if (o.type !== undefined && !SELINUX_TYPES.includes(show(o.type))) out.push(`${where}seLinuxOptions.type is ${show(o.type)}`);
  for (const k of ['user', 'role'] as const) {
    if (o[k] !== undefined && o[k] !== '') out.push(`${where}seLinuxOptions.${k} is ${show(o[k])}`);
  }
  return out;
}

const seLinux = manifestRule(
  {
    id: 'PS08-selinux',
    description: 'SELinux options keep a confined container type and set no user or role',
    why: "an SELinux type such as spc_t or unconfined_t, or a custom user or role, lifts the label confinement that keeps a container from the node's files and processes",
    fix: 'remove seLinuxOptions.user and .role, and leave .type unset or use container_t',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS08'],
  },
  perWorkload((w) => [
    ...seLinuxProblems(podSc(w.pod).seLinuxOptions, 'securityContext.'),
    ...containersOf(w.pod, ALL_CONTAINERS).flatMap(({ c, label }) => seLinuxProblems(sc(c).seLinuxOptions, `${label}: securityContext.`)),
  ]),
);

const procMount = manifestRule(
  {
    id: 'PS08-proc-mount',
    description: 'Containers keep the default (masked) /proc mount',
    why: 'procMount Unmasked exposes /proc paths the runtime normally masks (kcore, sysrq-trigger, ...), which leak node memory and let a container act on the host kernel',
    fix: 'remove securityContext.procMount (or set it to Default)',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS08'],
  },
  perContainer(ALL_CONTAINERS, (c) => {
    const v = sc(c).procMount;
    return v === undefined || v === 'Default' ? [] : [`securityContext.procMount is ${show(v)}`];
  }),
);

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

const sysctls = manifestRule(
  {
    id: 'PS08-sysctls',
    description: 'Pods set only the safe sysctls',
    why: 'other sysctls are not isolated per pod: setting one changes the kernel for every pod on the node, or lets one pod starve the others',
    fix: `remove the sysctl from securityContext.sysctls (safe ones: ${SAFE_SYSCTLS.join(', ')}); tune the node pool instead`,
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS08'],
  },
  perWorkload((w) =>
    list(podSc(w.pod).sysctls)
      .filter(isJson)
      .filter((s) => !SAFE_SYSCTLS.includes(String(s.name)))
      .map((s) => `securityContext.sysctls sets ${show(s.name)}, not a safe sysctl`),
  ),
);

const hostProcess = manifestRule(
  {
    id: 'PS08-host-process',
    description: 'No Windows HostProcess containers',
    why: "a Windows HostProcess container runs directly on the node with the node's privileges: it is the Windows equivalent of a privileged pod",
    fix: 'remove securityContext.windowsOptions.hostProcess',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['PS08'],
  },
  perWorkload((w) => [
    ...(valueAt(podSc(w.pod), ['windowsOptions', 'hostProcess']) === true ? ['securityContext.windowsOptions.hostProcess is true'] : []),
    ...containersOf(w.pod, ALL_CONTAINERS)
      .filter(({ c }) => valueAt(sc(c), ['windowsOptions', 'hostProcess']) === true)
      .map(({ label }) => `${label}: securityContext.windowsOptions.hostProcess is true`),
  ]),
);

const HANDLER_PATHS: ReadonlyArray<readonly string[]> = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];

const probeHost = manifestRule(
  {
    id: 'PS08-probe-host',
    description: 'Probes and lifecycle hooks do not set a host',
    why: "the kubelet runs httpGet and tcpSocket handlers from the node: a host field turns them into requests from the node's network position to any address (the metadata server, other nodes), a server-side request forgery",
    fix: "remove the host field: the handler then targets the pod's own IP",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS08'],
  },
  perContainer(ALL_CONTAINERS, (c) =>
    HANDLER_PATHS.flatMap((path) =>
      (['httpGet', 'tcpSocket'] as const).flatMap((kind) => {
        const host = valueAt(c, [...path, kind, 'host']);
        return host === undefined || host === '' ? [] : [`${path.join('.')}.${kind}.host is ${show(host)}`];
      }),
    ),
  ),
);

const readOnlyRoot = manifestRule(
  {
    id: 'PS09-read-only-root-filesystem',
    description: 'Containers run with a read-only root file system',
    why: 'a writable root lets an attacker drop tools and modify binaries or config in place, and hides state in the container that a restart does not clear; writes belong in an explicit emptyDir',
    fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes (/tmp, caches)',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS09'],
  },
  perContainer(DECLARED_CONTAINERS, (c) => {
    const v = sc(c).readOnlyRootFilesystem;
    if (v === true) return [];
    return [v === undefined ? 'securityContext.readOnlyRootFilesystem is unset' : `securityContext.readOnlyRootFilesystem is ${show(v)}`];
  }),
);

/** Pod security rules, in report order. */
export const podSecurityRules: readonly ManifestRule[] = [
  hostNamespaces,
  hostPorts,
  privileged,
  dropAll,
  addCapabilities,
  hostPath,
  volumeTypes,
  privilegeEscalation,
  runAsNonRoot,
  runAsUser,
  runAsGroup,
  seccomp,
  appArmor,
  seLinux,
  procMount,
  sysctls,
  hostProcess,
  probeHost,
  readOnlyRoot,
];
