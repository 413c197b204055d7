// GIVEN the compliant workload of ./workloads.fixture.ts, WHEN one field changes, THEN the rule about it reports it (or, for
// the accepted cases, does not); every case runs all the workload rules, as the runners do.

import { podSecurityRules } from './pod-security';
import {
  describeCases,
  type Case,
  DEPLOYMENT,
  IMAGE,
  type Rejection,
  at,
  container,
  cronJob,
  deployment,
  on,
  pod,
  podSc,
  sc,
  template,
  withInit,
} from './workloads.fixture';

const rejected: Rejection[] = [
  // PS01
  {
    rule: 'PS01-host-namespaces',
    what: 'hostNetwork',
    mutate: (o) => {
      pod(o).hostNetwork = true;
    },
    expected: on(DEPLOYMENT, 'hostNetwork is true'),
  },
  {
    rule: 'PS01-host-namespaces',
    what: 'hostPID and hostIPC',
    mutate: (o) => {
      pod(o).hostPID = true;
      pod(o).hostIPC = true;
    },
    expected: on(DEPLOYMENT, 'hostPID is true', 'hostIPC is true'),
  },
  {
    rule: 'PS01-host-namespaces',
    what: 'hostPID in a CronJob pod template',
    mutate: (o) => {
      o.push(cronJob({ hostPID: true, containers: [] }));
    },
    expected: on('CronJob/shop/nightly', 'hostPID is true'),
  },
  {
    rule: 'PS01-host-ports',
    what: 'a container port bound on the host',
    mutate: (o) => {
      container(o).ports = [{ name: 'http', containerPort: 8080, hostPort: 80 }];
    },
    expected: on(DEPLOYMENT, 'container "web": port 8080 sets hostPort 80'),
  },
  // PS02, PS03
  {
    rule: 'PS02-privileged',
    what: 'a privileged container',
    mutate: (o) => {
      sc(o).privileged = true;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.privileged is true'),
  },
  {
    rule: 'PS02-privileged',
    what: 'a privileged init container',
    mutate: (o) =>
      withInit(o, (c) => {
        at(c, 'securityContext').privileged = true;
      }),
    expected: on(DEPLOYMENT, 'init container "setup": securityContext.privileged is true'),
  },
  {
    rule: 'PS03-drop-all-capabilities',
    what: 'no capabilities dropped',
    mutate: (o) => {
      delete sc(o).capabilities;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.capabilities.drop is unset'),
  },
  {
    rule: 'PS03-drop-all-capabilities',
    what: 'a drop list without ALL',
    mutate: (o) => {
      at(sc(o), 'capabilities').drop = ['NET_RAW'];
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.capabilities.drop is ["NET_RAW"], without ALL'),
  },
  {
    rule: 'PS03-drop-all-capabilities',
    what: 'an init container keeping its capabilities',
    mutate: (o) =>
      withInit(o, (c) => {
        delete at(c, 'securityContext').capabilities;
      }),
    expected: on(DEPLOYMENT, 'init container "setup": securityContext.capabilities.drop is unset'),
  },
  {
    rule: 'PS03-added-capabilities',
    what: 'SYS_ADMIN added next to NET_BIND_SERVICE',
    mutate: (o) => {
      at(sc(o), 'capabilities').add = ['NET_BIND_SERVICE', 'SYS_ADMIN'];
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.capabilities.add has SYS_ADMIN (only NET_BIND_SERVICE is allowed)'),
  },
  // PS04
  {
    rule: 'PS04-host-path',
    what: 'the container runtime socket mounted from the node',
    mutate: (o) => {
      pod(o).volumes = [
        { name: 'tmp', emptyDir: {} },
        { name: 'docker', hostPath: { path: '/var/run/docker.sock' } },
      ];
    },
    expected: on(DEPLOYMENT, 'volume "docker" is hostPath /var/run/docker.sock'),
  },
  {
    rule: 'PS04-volume-types',
    what: 'an in-line nfs volume',
    mutate: (o) => {
      pod(o).volumes = [{ name: 'shared', nfs: { server: 'nfs.internal', path: '/exports' } }];
    },
    expected: on(DEPLOYMENT, 'volume "shared" is nfs'),
  },
  {
    rule: 'PS04-volume-types',
    what: 'a gcePersistentDisk volume',
    mutate: (o) => {
      pod(o).volumes = [{ name: 'data', gcePersistentDisk: { pdName: 'data' } }];
    },
    expected: on(DEPLOYMENT, 'volume "data" is gcePersistentDisk'),
  },
  // PS05
  {
    rule: 'PS05-privilege-escalation',
    what: 'allowPrivilegeEscalation left unset',
    mutate: (o) => {
      delete sc(o).allowPrivilegeEscalation;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.allowPrivilegeEscalation is unset (defaults to true)'),
  },
  {
    rule: 'PS05-privilege-escalation',
    what: 'allowPrivilegeEscalation true',
    mutate: (o) => {
      sc(o).allowPrivilegeEscalation = true;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.allowPrivilegeEscalation is true'),
  },
  {
    rule: 'PS05-privilege-escalation',
    what: 'an ephemeral debug container without a security context',
    mutate: (o) => {
      pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE }];
    },
    expected: on(DEPLOYMENT, 'ephemeral container "debug": securityContext.allowPrivilegeEscalation is unset (defaults to true)'),
  },
  // PS06
  {
    rule: 'PS06-run-as-non-root',
    what: 'runAsNonRoot false on the pod',
    mutate: (o) => {
      podSc(o).runAsNonRoot = false;
    },
    expected: on(DEPLOYMENT, 'securityContext.runAsNonRoot is false'),
  },
  {
    rule: 'PS06-run-as-non-root',
    what: 'a container overriding the pod with runAsNonRoot false',
    mutate: (o) => {
      sc(o).runAsNonRoot = false;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.runAsNonRoot is false'),
  },
  {
    rule: 'PS06-run-as-non-root',
    what: 'runAsNonRoot unset on both the pod and the container',
    mutate: (o) => {
      delete podSc(o).runAsNonRoot;
      delete sc(o).runAsNonRoot;
    },
    expected: on(DEPLOYMENT, 'container "web": runAsNonRoot is unset on the container and on the pod'),
  },
  {
    rule: 'PS06-run-as-user',
    what: 'root on the pod',
    mutate: (o) => {
      podSc(o).runAsUser = 0;
    },
    expected: on(DEPLOYMENT, 'securityContext.runAsUser is 0 (root)'),
  },
  {
    rule: 'PS06-run-as-user',
    what: "a container running as Istio's proxy UID",
    mutate: (o) => {
      sc(o).runAsUser = 1337;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.runAsUser is 1337 (Istio\'s proxy UID: its traffic bypasses the sidecar)'),
  },
  {
    rule: 'PS06-run-as-group',
    what: 'the root group in runAsGroup, fsGroup and supplementalGroups',
    mutate: (o) => {
      Object.assign(podSc(o), { runAsGroup: 0, fsGroup: 0, supplementalGroups: [1000, 0] });
    },
    expected: on(DEPLOYMENT, 'securityContext.runAsGroup is 0', 'securityContext.fsGroup is 0', 'securityContext.supplementalGroups has 0'),
  },
  {
    rule: 'PS06-run-as-group',
    what: 'a container in the root group',
    mutate: (o) => {
      sc(o).runAsGroup = 0;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.runAsGroup is 0'),
  },
  // PS07
  {
    rule: 'PS07-seccomp',
    what: 'an Unconfined pod profile',
    mutate: (o) => {
      podSc(o).seccompProfile = { type: 'Unconfined' };
    },
    expected: on(DEPLOYMENT, 'securityContext.seccompProfile.type is Unconfined'),
  },
  {
    rule: 'PS07-seccomp',
    what: 'an Unconfined container profile',
    mutate: (o) => {
      sc(o).seccompProfile = { type: 'Unconfined' };
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.seccompProfile.type is Unconfined'),
  },
  {
    rule: 'PS07-seccomp',
    what: 'no profile on the pod or the container',
    mutate: (o) => {
      delete podSc(o).seccompProfile;
      delete sc(o).seccompProfile;
    },
    expected: on(DEPLOYMENT, 'container "web": seccompProfile is unset on the container and on the pod'),
  },
  {
    rule: 'PS07-seccomp',
    what: 'an init container without a profile when the pod sets none',
    mutate: (o) => {
      delete podSc(o).seccompProfile;
      withInit(o, (c) => {
        delete at(c, 'securityContext').seccompProfile;
      });
    },
    expected: on(DEPLOYMENT, 'init container "setup": seccompProfile is unset on the container and on the pod'),
  },
  // PS08
  {
    rule: 'PS08-apparmor',
    what: 'an Unconfined container appArmorProfile',
    mutate: (o) => {
      sc(o).appArmorProfile = { type: 'Unconfined' };
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.appArmorProfile.type is Unconfined'),
  },
  {
    rule: 'PS08-apparmor',
    what: 'an Unconfined pod appArmorProfile',
    mutate: (o) => {
      podSc(o).appArmorProfile = { type: 'Unconfined' };
    },
    expected: on(DEPLOYMENT, 'securityContext.appArmorProfile.type is Unconfined'),
  },
  {
    rule: 'PS08-apparmor',
    what: 'the beta annotation set to unconfined on the pod template',
    mutate: (o) => {
      at(template(o), 'metadata', 'annotations')['container.apparmor.security.beta.kubernetes.io/web'] = 'unconfined';
    },
    expected: on(DEPLOYMENT, 'annotation container.apparmor.security.beta.kubernetes.io/web is unconfined'),
  },
  {
    rule: 'PS08-apparmor',
    what: 'the beta annotation on a CronJob pod template',
    mutate: (o) => {
      const job = cronJob({ containers: [] });
      at(job, 'spec', 'jobTemplate', 'spec', 'template', 'metadata').annotations = {
        'container.apparmor.security.beta.kubernetes.io/job': 'unconfined',
      };
      o.push(job);
    },
    expected: on('CronJob/shop/nightly', 'annotation container.apparmor.security.beta.kubernetes.io/job is unconfined'),
  },
  {
    rule: 'PS08-selinux',
    what: 'the spc_t type on the pod',
    mutate: (o) => {
      podSc(o).seLinuxOptions = { type: 'spc_t' };
    },
    expected: on(DEPLOYMENT, 'securityContext.seLinuxOptions.type is spc_t'),
  },
  {
    rule: 'PS08-selinux',
    what: 'a custom user and role on a container',
    mutate: (o) => {
      sc(o).seLinuxOptions = { user: 'system_u', role: 'system_r' };
    },
    expected: on(
      DEPLOYMENT,
      'container "web": securityContext.seLinuxOptions.user is system_u',
      'container "web": securityContext.seLinuxOptions.role is system_r',
    ),
  },
  {
    rule: 'PS08-proc-mount',
    what: 'an Unmasked /proc',
    mutate: (o) => {
      sc(o).procMount = 'Unmasked';
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.procMount is Unmasked'),
  },
  {
    rule: 'PS08-sysctls',
    what: 'a node-wide sysctl next to a safe one',
    mutate: (o) => {
      podSc(o).sysctls = [
        { name: 'net.ipv4.tcp_syncookies', value: '1' },
        { name: 'kernel.msgmax', value: '65536' },
      ];
    },
    expected: on(DEPLOYMENT, 'securityContext.sysctls sets kernel.msgmax, not a safe sysctl'),
  },
  {
    rule: 'PS08-host-process',
    what: 'a HostProcess pod',
    mutate: (o) => {
      podSc(o).windowsOptions = { hostProcess: true };
    },
    expected: on(DEPLOYMENT, 'securityContext.windowsOptions.hostProcess is true'),
  },
  {
    rule: 'PS08-host-process',
    what: 'a HostProcess container',
    mutate: (o) => {
      sc(o).windowsOptions = { hostProcess: true };
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.windowsOptions.hostProcess is true'),
  },
  {
    rule: 'PS08-probe-host',
    what: 'a readiness probe aimed at the metadata server',
    mutate: (o) => {
      at(container(o), 'readinessProbe', 'httpGet').host = '169.254.169.254';
    },
    expected: on(DEPLOYMENT, 'container "web": readinessProbe.httpGet.host is 169.254.169.254'),
  },
  {
    rule: 'PS08-probe-host',
    what: 'a tcpSocket liveness probe with a host',
    mutate: (o) => {
      at(container(o), 'livenessProbe', 'tcpSocket').host = 'metadata.google.internal';
    },
    expected: on(DEPLOYMENT, 'container "web": livenessProbe.tcpSocket.host is metadata.google.internal'),
  },
  {
    rule: 'PS08-probe-host',
    what: 'a postStart hook with a host',
    mutate: (o) => {
      container(o).lifecycle = { postStart: { httpGet: { host: '10.0.0.1', path: '/warm', port: 80 } } };
    },
    expected: on(DEPLOYMENT, 'container "web": lifecycle.postStart.httpGet.host is 10.0.0.1'),
  },
  // PS09
  {
    rule: 'PS09-read-only-root-filesystem',
    what: 'a writable root file system',
    mutate: (o) => {
      sc(o).readOnlyRootFilesystem = false;
    },
    expected: on(DEPLOYMENT, 'container "web": securityContext.readOnlyRootFilesystem is false'),
  },
  {
    rule: 'PS09-read-only-root-filesystem',
    what: 'an init container leaving it unset',
    mutate: (o) =>
      withInit(o, (c) => {
        delete at(c, 'securityContext').readOnlyRootFilesystem;
      }),
    expected: on(DEPLOYMENT, 'init container "setup": securityContext.readOnlyRootFilesystem is unset'),
  },
];

const accepted: Case[] = [
  {
    rule: 'PS01-host-namespaces',
    what: 'host namespaces set to false',
    mutate: (o) => {
      Object.assign(pod(o), { hostNetwork: false, hostPID: false, hostIPC: false });
    },
  },
  {
    rule: 'PS01-host-ports',
    what: 'hostPort 0 (unset)',
    mutate: (o) => {
      container(o).ports = [{ containerPort: 8080, hostPort: 0 }];
    },
  },
  {
    rule: 'PS03-added-capabilities',
    what: 'NET_BIND_SERVICE added',
    mutate: (o) => {
      at(sc(o), 'capabilities').add = ['NET_BIND_SERVICE'];
    },
  },
  {
    rule: 'PS03-drop-all-capabilities',
    what: 'ALL among other dropped capabilities',
    mutate: (o) => {
      at(sc(o), 'capabilities').drop = ['NET_RAW', 'ALL'];
    },
  },
  {
    rule: 'PS04-volume-types',
    what: 'every volume type of the restricted profile, and a volume without a source (emptyDir)',
    mutate: (o) => {
      pod(o).volumes = [
        { name: 'tmp', emptyDir: {} },
        { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'vault' } }] } },
        { name: 'config', configMap: { name: 'web-config' } },
        { name: 'tls', secret: { secretName: 'web-tls' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
        { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io' } },
        { name: 'info', downwardAPI: { items: [] } },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: 'defaulted' },
      ];
    },
  },
  {
    rule: 'PS04-volume-types',
    what: 'a hostPath volume (PS04-host-path reports it, once)',
    mutate: (o) => {
      pod(o).volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }];
    },
  },
  {
    rule: 'PS04-host-path',
    what: 'emptyDir and projected volumes',
    mutate: (o) => {
      pod(o).volumes = [
        { name: 'tmp', emptyDir: {} },
        { name: 'token', projected: { sources: [] } },
      ];
    },
  },
  {
    rule: 'PS05-privilege-escalation',
    what: 'ephemeral containers that set it to false',
    mutate: (o) => {
      pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE, securityContext: { allowPrivilegeEscalation: false } }];
    },
  },
  {
    rule: 'PS06-run-as-non-root',
    what: 'runAsNonRoot on the pod only',
    mutate: (o) => {
      delete sc(o).runAsNonRoot;
    },
  },
  {
    rule: 'PS06-run-as-non-root',
    what: 'runAsNonRoot on the container only',
    mutate: (o) => {
      delete podSc(o).runAsNonRoot;
    },
  },
  {
    rule: 'PS06-run-as-user',
    what: 'runAsUser unset everywhere (runAsNonRoot decides)',
    mutate: (o) => {
      delete podSc(o).runAsUser;
      delete sc(o).runAsUser;
    },
  },
  {
    rule: 'PS06-run-as-group',
    what: 'non-root supplemental groups',
    mutate: (o) => {
      podSc(o).supplementalGroups = [1000, 2000];
    },
  },
  {
    rule: 'PS07-seccomp',
    what: 'seccomp set at container level only',
    mutate: (o) => {
      delete podSc(o).seccompProfile;
    },
  },
  {
    rule: 'PS07-seccomp',
    what: 'seccomp set at pod level only',
    mutate: (o) => {
      delete sc(o).seccompProfile;
    },
  },
  {
    rule: 'PS07-seccomp',
    what: 'a Localhost profile',
    mutate: (o) => {
      sc(o).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/web.json' };
    },
  },
  {
    rule: 'PS08-apparmor',
    what: 'RuntimeDefault and Localhost profiles and annotations',
    mutate: (o) => {
      podSc(o).appArmorProfile = { type: 'RuntimeDefault' };
      sc(o).appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-web' };
      Object.assign(at(template(o), 'metadata', 'annotations'), {
        'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default',
        'container.apparmor.security.beta.kubernetes.io/setup': 'localhost/k8s-setup',
      });
    },
  },
  {
    rule: 'PS08-apparmor',
    what: 'an unconfined annotation on the Deployment itself, which pods do not inherit',
    mutate: (o) => {
      at(deployment(o), 'metadata').annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' };
    },
  },
  {
    rule: 'PS08-selinux',
    what: 'container_t with an MCS level',
    mutate: (o) => {
      podSc(o).seLinuxOptions = { type: 'container_t', level: 's0:c123,c456', user: '', role: '' };
    },
  },
  {
    rule: 'PS08-proc-mount',
    what: 'procMount Default',
    mutate: (o) => {
      sc(o).procMount = 'Default';
    },
  },
  {
    rule: 'PS08-sysctls',
    what: 'only safe sysctls',
    mutate: (o) => {
      podSc(o).sysctls = [
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
        { name: 'net.ipv4.tcp_keepalive_time', value: '600' },
      ];
    },
  },
  {
    rule: 'PS08-host-process',
    what: 'hostProcess false',
    mutate: (o) => {
      sc(o).windowsOptions = { hostProcess: false };
    },
  },
  {
    rule: 'PS08-probe-host',
    what: 'an empty host and a preStop sleep',
    mutate: (o) => {
      at(container(o), 'readinessProbe', 'httpGet').host = '';
      container(o).lifecycle = { preStop: { sleep: { seconds: 5 } } };
    },
  },
  {
    rule: 'PS09-read-only-root-filesystem',
    what: 'an ephemeral container, which cannot set it',
    mutate: (o) => {
      pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE, securityContext: { allowPrivilegeEscalation: false } }];
    },
  },
];

describeCases('pod security rules (PS01-PS09)', podSecurityRules, rejected, accepted);
