import type { ManifestObject } from '../../charts/schema';
import type { EnvironmentProfile } from '../../services/spec';
import { evaluate } from '../engine';
import type { Finding } from '../types';
import { imageRules } from './images';
import { networkRules } from './network';
import { podIdentityRules } from './pod-identity';
import { podSecurityRules } from './pod-security';
import { reliabilityRules } from './reliability';
import { edgeTlsSecret, platformObjects } from '../../charts/mesh/edge-gateway';

// GIVEN a small manifest set shaped like what charts/ synthesizes, which every rule accepts
// in every profile, WHEN one field is changed, THEN the rule about that field (and only that
// rule is looked at) reports it. Every run goes through `evaluate`, the path the runners use.

type Json = Record<string, unknown>;

/** The rules over workloads and their Services, run together as the runners run them. */
const workloadRules = [...podSecurityRules, ...podIdentityRules, ...reliabilityRules, ...imageRules, ...networkRules.filter((r) => r.id === 'NM02-service-type')];

const PROFILES: readonly EnvironmentProfile[] = ['dev', 'staging', 'prod'];
const REGISTRIES: readonly string[] = ['europe-docker.pkg.dev/proj/apps'];
const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const REPOSITORY = 'europe-docker.pkg.dev/proj/apps/web';
const TAGGED = `${REPOSITORY}:1.2.3`;
const IMAGE = `${TAGGED}@sha256:${HEX}`;

const DEPLOYMENT = 'Deployment/shop/web-v1';
const HPA = 'HorizontalPodAutoscaler/shop/web-v1';
const PDB = 'PodDisruptionBudget/shop/web';
const SERVICE = 'Service/shop/web';

function labels(): Record<string, string> {
  return {
    app: 'web',
    version: 'v1',
    'app.kubernetes.io/name': 'web',
    'app.kubernetes.io/instance': 'web-v1',
    'app.kubernetes.io/version': 'v1',
    'app.kubernetes.io/part-of': 'shop',
    'app.kubernetes.io/managed-by': 'platform-cdk8s',
  };
}

/** How messages print the pod template labels of the compliant Deployment. */
const POD_LABELS = 'app=web,version=v1,app.kubernetes.io/name=web,app.kubernetes.io/instance=web-v1,app.kubernetes.io/version=v1,'
  + 'app.kubernetes.io/part-of=shop,app.kubernetes.io/managed-by=platform-cdk8s';

function restrictedContainerSc(): Json {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 1000,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** An init container every rule accepts; cases add it, then break it. */
function setupContainer(): Json {
  return {
    name: 'setup',
    image: IMAGE,
    imagePullPolicy: 'IfNotPresent',
    resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    securityContext: restrictedContainerSc(),
  };
}

function spread(topologyKey: string): Json {
  return { maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['pod-template-hash'] };
}

/** The hardened baseline: what the platform emits for one service, reduced to the fields the rules read. */
function compliant(): ManifestObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop-web', namespace: 'shop', labels: { app: 'web' } }, automountServiceAccountToken: false },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-v1', namespace: 'shop', labels: labels() },
      spec: {
        selector: { matchLabels: { app: 'web', version: 'v1' } },
        template: {
          metadata: { labels: labels(), annotations: { 'kubectl.kubernetes.io/default-container': 'web' } },
          spec: {
            serviceAccountName: 'shop-web',
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'web',
              image: IMAGE,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-db', key: 'password' } } },
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10 },
              securityContext: restrictedContainerSc(),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
          },
        },
      },
    },
    {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web-v1', namespace: 'shop', labels: labels() },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-v1' }, minReplicas: 2, maxReplicas: 5 },
    },
    {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
    },
  ];
}

// ---------------------------------------------------------------------------------------
// Mutable views into the fixture. Each throws when the path is missing, so a typo in a case
// fails loudly instead of mutating nothing and "passing".

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null;
}

function at(root: unknown, ...path: ReadonlyArray<string | number>): Json {
  const node = path.reduce<unknown>((v, k) => (isJson(v) ? v[String(k)] : undefined), root);
  if (!isJson(node)) throw new Error(`the fixture has no object at ${path.join('.')}`);
  return node;
}

function one(objects: readonly ManifestObject[], kind: string): Json {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`the fixture has ${found.length} ${kind} objects, expected one`);
  return found[0] as Json;
}

function remove(objects: ManifestObject[], kind: string): void {
  const i = objects.findIndex((o) => o.kind === kind);
  if (i < 0) throw new Error(`the fixture has no ${kind}`);
  objects.splice(i, 1);
}

const deployment = (o: readonly ManifestObject[]) => one(o, 'Deployment');
const template = (o: readonly ManifestObject[]) => at(deployment(o), 'spec', 'template');
const pod = (o: readonly ManifestObject[]) => at(template(o), 'spec');
const podSc = (o: readonly ManifestObject[]) => at(pod(o), 'securityContext');
const container = (o: readonly ManifestObject[]) => at(pod(o), 'containers', 0);
const sc = (o: readonly ManifestObject[]) => at(container(o), 'securityContext');
const hpa = (o: readonly ManifestObject[]) => at(one(o, 'HorizontalPodAutoscaler'), 'spec');
const pdb = (o: readonly ManifestObject[]) => at(one(o, 'PodDisruptionBudget'), 'spec');
const service = (o: readonly ManifestObject[]) => one(o, 'Service');

function env(o: readonly ManifestObject[]): unknown[] {
  const list = container(o).env;
  if (!Array.isArray(list)) throw new Error('the fixture container has no env');
  return list;
}

function withInit(o: readonly ManifestObject[], change: (c: Json) => void): void {
  const init = setupContainer();
  change(init);
  pod(o).initContainers = [init];
}

function configMap(data: Record<string, string>): ManifestObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data };
}

function barePod(extra: Json = {}): ManifestObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop', labels: labels(), ...extra },
    spec: { serviceAccountName: 'shop-web', containers: [{ name: 'debug', image: IMAGE }] },
  };
}

/** A queue consumer: a Deployment with no container port, no probe and no Service. */
function worker(ports: readonly Json[] = []): ManifestObject {
  const workerLabels = { ...labels(), app: 'worker', 'app.kubernetes.io/name': 'worker' };
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker', namespace: 'shop', labels: workerLabels },
    spec: {
      selector: { matchLabels: { app: 'worker' } },
      template: {
        metadata: { labels: workerLabels },
        spec: { serviceAccountName: 'shop-web', containers: [{ name: 'worker', image: IMAGE, ...(ports.length > 0 && { ports }) }] },
      },
    },
  };
}

function cronJob(podSpec: Json): ManifestObject {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop', labels: labels() },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { metadata: { labels: labels() }, spec: podSpec } } } },
  };
}

function findings(
  ruleId: string,
  objects: readonly ManifestObject[],
  profile: EnvironmentProfile = 'dev',
  allowedRegistries: readonly string[] = REGISTRIES,
): Finding[] {
  if (!workloadRules.some((r) => r.id === ruleId)) throw new Error(`no rule ${ruleId}`);
  const report = evaluate(workloadRules, { manifests: { objects, profile, allowedRegistries } }, { environment: profile, exceptions: [], today: '2026-11-23' });
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
  /** @default 'dev' */
  readonly profile?: EnvironmentProfile;
  /** @default REGISTRIES */
  readonly registries?: readonly string[];
}

interface Rejection extends Case {
  readonly expected: readonly Finding[];
}

const on = (object: string, ...messages: string[]): Finding[] => messages.map((message) => ({ object, message }));

const rejected: Rejection[] = [
  // PS01
  {
    rule: 'PS01-host-namespaces', what: 'hostNetwork',
    mutate: (o) => { pod(o).hostNetwork = true; },
    expected: on(DEPLOYMENT, 'hostNetwork is true'),
  },
  {
    rule: 'PS01-host-namespaces', what: 'hostPID and hostIPC',
    mutate: (o) => { pod(o).hostPID = true; pod(o).hostIPC = true; },
    expected: on(DEPLOYMENT, 'hostPID is true', 'hostIPC is true'),
  },
  {
    rule: 'PS01-host-namespaces', what: 'hostPID in a CronJob pod template',
    mutate: (o) => { o.push(cronJob({ hostPID: true, containers: [] })); },
    expected: on('CronJob/shop/nightly', 'hostPID is true'),
  },
  {
    rule: 'PS01-host-ports', what: 'a container port bound on the host',
    mutate: (o) => { container(o).ports = [{ name: 'http', containerPort: 8080, hostPort: 80 }]; },
    expected: on(DEPLOYMENT, 'container "web": port 8080 sets hostPort 80'),
  },
  // PS02, PS03
  {
    rule: 'PS02-privileged', what: 'a privileged container',
    mutate: (o) => { sc(o).privileged = true; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.privileged is true'),
  },
  {
    rule: 'PS02-privileged', what: 'a privileged init container',
    mutate: (o) => withInit(o, (c) => { at(c, 'securityContext').privileged = true; }),
    expected: on(DEPLOYMENT, 'init container "setup": securityContext.privileged is true'),
  },
  {
    rule: 'PS03-drop-all-capabilities', what: 'no capabilities dropped',
    mutate: (o) => { delete sc(o).capabilities; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.capabilities.drop is unset'),
  },
  {
    rule: 'PS03-drop-all-capabilities', what: 'a drop list without ALL',
    mutate: (o) => { at(sc(o), 'capabilities').drop = ['NET_RAW']; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.capabilities.drop is ["NET_RAW"], without ALL'),
  },
  {
    rule: 'PS03-drop-all-capabilities', what: 'an init container keeping its capabilities',
    mutate: (o) => withInit(o, (c) => { delete at(c, 'securityContext').capabilities; }),
    expected: on(DEPLOYMENT, 'init container "setup": securityContext.capabilities.drop is unset'),
  },
  {
    rule: 'PS03-added-capabilities', what: 'SYS_ADMIN added next to NET_BIND_SERVICE',
    mutate: (o) => { at(sc(o), 'capabilities').add = ['NET_BIND_SERVICE', 'SYS_ADMIN']; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.capabilities.add has SYS_ADMIN (only NET_BIND_SERVICE is allowed)'),
  },
  // PS04
  {
    rule: 'PS04-host-path', what: 'the container runtime socket mounted from the node',
    mutate: (o) => { pod(o).volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'docker', hostPath: { path: '/var/run/docker.sock' } }]; },
    expected: on(DEPLOYMENT, 'volume "docker" is hostPath /var/run/docker.sock'),
  },
  {
    rule: 'PS04-volume-types', what: 'an in-line nfs volume',
    mutate: (o) => { pod(o).volumes = [{ name: 'shared', nfs: { server: 'nfs.internal', path: '/exports' } }]; },
    expected: on(DEPLOYMENT, 'volume "shared" is nfs'),
  },
  {
    rule: 'PS04-volume-types', what: 'a gcePersistentDisk volume',
    mutate: (o) => { pod(o).volumes = [{ name: 'data', gcePersistentDisk: { pdName: 'data' } }]; },
    expected: on(DEPLOYMENT, 'volume "data" is gcePersistentDisk'),
  },
  // PS05
  {
    rule: 'PS05-privilege-escalation', what: 'allowPrivilegeEscalation left unset',
    mutate: (o) => { delete sc(o).allowPrivilegeEscalation; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.allowPrivilegeEscalation is unset (defaults to true)'),
  },
  {
    rule: 'PS05-privilege-escalation', what: 'allowPrivilegeEscalation true',
    mutate: (o) => { sc(o).allowPrivilegeEscalation = true; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.allowPrivilegeEscalation is true'),
  },
  {
    rule: 'PS05-privilege-escalation', what: 'an ephemeral debug container without a security context',
    mutate: (o) => { pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE }]; },
    expected: on(DEPLOYMENT, 'ephemeral container "debug": securityContext.allowPrivilegeEscalation is unset (defaults to true)'),
  },
  // PS06
  {
    rule: 'PS06-run-as-non-root', what: 'runAsNonRoot false on the pod',
    mutate: (o) => { podSc(o).runAsNonRoot = false; },
    expected: on(DEPLOYMENT, 'securityContext.runAsNonRoot is false'),
  },
  {
    rule: 'PS06-run-as-non-root', what: 'a container overriding the pod with runAsNonRoot false',
    mutate: (o) => { sc(o).runAsNonRoot = false; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.runAsNonRoot is false'),
  },
  {
    rule: 'PS06-run-as-non-root', what: 'runAsNonRoot unset on both the pod and the container',
    mutate: (o) => { delete podSc(o).runAsNonRoot; delete sc(o).runAsNonRoot; },
    expected: on(DEPLOYMENT, 'container "web": runAsNonRoot is unset on the container and on the pod'),
  },
  {
    rule: 'PS06-run-as-user', what: 'root on the pod',
    mutate: (o) => { podSc(o).runAsUser = 0; },
    expected: on(DEPLOYMENT, 'securityContext.runAsUser is 0 (root)'),
  },
  {
    rule: 'PS06-run-as-user', what: "a container running as Istio's proxy UID",
    mutate: (o) => { sc(o).runAsUser = 1337; },
    expected: on(DEPLOYMENT, "container \"web\": securityContext.runAsUser is 1337 (Istio's proxy UID: its traffic bypasses the sidecar)"),
  },
  {
    rule: 'PS06-run-as-group', what: 'the root group in runAsGroup, fsGroup and supplementalGroups',
    mutate: (o) => { Object.assign(podSc(o), { runAsGroup: 0, fsGroup: 0, supplementalGroups: [1000, 0] }); },
    expected: on(DEPLOYMENT, 'securityContext.runAsGroup is 0', 'securityContext.fsGroup is 0', 'securityContext.supplementalGroups has 0'),
  },
  {
    rule: 'PS06-run-as-group', what: 'a container in the root group',
    mutate: (o) => { sc(o).runAsGroup = 0; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.runAsGroup is 0'),
  },
  // PS07
  {
    rule: 'PS07-seccomp', what: 'an Unconfined pod profile',
    mutate: (o) => { podSc(o).seccompProfile = { type: 'Unconfined' }; },
    expected: on(DEPLOYMENT, 'securityContext.seccompProfile.type is Unconfined'),
  },
  {
    rule: 'PS07-seccomp', what: 'an Unconfined container profile',
    mutate: (o) => { sc(o).seccompProfile = { type: 'Unconfined' }; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.seccompProfile.type is Unconfined'),
  },
  {
    rule: 'PS07-seccomp', what: 'no profile on the pod or the container',
    mutate: (o) => { delete podSc(o).seccompProfile; delete sc(o).seccompProfile; },
    expected: on(DEPLOYMENT, 'container "web": seccompProfile is unset on the container and on the pod'),
  },
  {
    rule: 'PS07-seccomp', what: 'an init container without a profile when the pod sets none',
    mutate: (o) => { delete podSc(o).seccompProfile; withInit(o, (c) => { delete at(c, 'securityContext').seccompProfile; }); },
    expected: on(DEPLOYMENT, 'init container "setup": seccompProfile is unset on the container and on the pod'),
  },
  // PS08
  {
    rule: 'PS08-apparmor', what: 'an Unconfined container appArmorProfile',
    mutate: (o) => { sc(o).appArmorProfile = { type: 'Unconfined' }; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.appArmorProfile.type is Unconfined'),
  },
  {
    rule: 'PS08-apparmor', what: 'an Unconfined pod appArmorProfile',
    mutate: (o) => { podSc(o).appArmorProfile = { type: 'Unconfined' }; },
    expected: on(DEPLOYMENT, 'securityContext.appArmorProfile.type is Unconfined'),
  },
  {
    rule: 'PS08-apparmor', what: 'the beta annotation set to unconfined on the pod template',
    mutate: (o) => { at(template(o), 'metadata', 'annotations')['container.apparmor.security.beta.kubernetes.io/web'] = 'unconfined'; },
    expected: on(DEPLOYMENT, 'annotation container.apparmor.security.beta.kubernetes.io/web is unconfined'),
  },
  {
    rule: 'PS08-apparmor', what: 'the beta annotation on a CronJob pod template',
    mutate: (o) => {
      const job = cronJob({ containers: [] });
      at(job, 'spec', 'jobTemplate', 'spec', 'template', 'metadata').annotations = { 'container.apparmor.security.beta.kubernetes.io/job': 'unconfined' };
      o.push(job);
    },
    expected: on('CronJob/shop/nightly', 'annotation container.apparmor.security.beta.kubernetes.io/job is unconfined'),
  },
  {
    rule: 'PS08-selinux', what: 'the spc_t type on the pod',
    mutate: (o) => { podSc(o).seLinuxOptions = { type: 'spc_t' }; },
    expected: on(DEPLOYMENT, 'securityContext.seLinuxOptions.type is spc_t'),
  },
  {
    rule: 'PS08-selinux', what: 'a custom user and role on a container',
    mutate: (o) => { sc(o).seLinuxOptions = { user: 'system_u', role: 'system_r' }; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.seLinuxOptions.user is system_u', 'container "web": securityContext.seLinuxOptions.role is system_r'),
  },
  {
    rule: 'PS08-proc-mount', what: 'an Unmasked /proc',
    mutate: (o) => { sc(o).procMount = 'Unmasked'; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.procMount is Unmasked'),
  },
  {
    rule: 'PS08-sysctls', what: 'a node-wide sysctl next to a safe one',
    mutate: (o) => { podSc(o).sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '65536' }]; },
    expected: on(DEPLOYMENT, 'securityContext.sysctls sets kernel.msgmax, not a safe sysctl'),
  },
  {
    rule: 'PS08-host-process', what: 'a HostProcess pod',
    mutate: (o) => { podSc(o).windowsOptions = { hostProcess: true }; },
    expected: on(DEPLOYMENT, 'securityContext.windowsOptions.hostProcess is true'),
  },
  {
    rule: 'PS08-host-process', what: 'a HostProcess container',
    mutate: (o) => { sc(o).windowsOptions = { hostProcess: true }; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.windowsOptions.hostProcess is true'),
  },
  {
    rule: 'PS08-probe-host', what: 'a readiness probe aimed at the metadata server',
    mutate: (o) => { at(container(o), 'readinessProbe', 'httpGet').host = '169.254.169.254'; },
    expected: on(DEPLOYMENT, 'container "web": readinessProbe.httpGet.host is 169.254.169.254'),
  },
  {
    rule: 'PS08-probe-host', what: 'a tcpSocket liveness probe with a host',
    mutate: (o) => { at(container(o), 'livenessProbe', 'tcpSocket').host = 'metadata.google.internal'; },
    expected: on(DEPLOYMENT, 'container "web": livenessProbe.tcpSocket.host is metadata.google.internal'),
  },
  {
    rule: 'PS08-probe-host', what: 'a postStart hook with a host',
    mutate: (o) => { container(o).lifecycle = { postStart: { httpGet: { host: '10.0.0.1', path: '/warm', port: 80 } } }; },
    expected: on(DEPLOYMENT, 'container "web": lifecycle.postStart.httpGet.host is 10.0.0.1'),
  },
  // PS09
  {
    rule: 'PS09-read-only-root-filesystem', what: 'a writable root file system',
    mutate: (o) => { sc(o).readOnlyRootFilesystem = false; },
    expected: on(DEPLOYMENT, 'container "web": securityContext.readOnlyRootFilesystem is false'),
  },
  {
    rule: 'PS09-read-only-root-filesystem', what: 'an init container leaving it unset',
    mutate: (o) => withInit(o, (c) => { delete at(c, 'securityContext').readOnlyRootFilesystem; }),
    expected: on(DEPLOYMENT, 'init container "setup": securityContext.readOnlyRootFilesystem is unset'),
  },
  // PS10
  {
    rule: 'PS10-default-service-account', what: 'no serviceAccountName',
    mutate: (o) => { delete pod(o).serviceAccountName; },
    expected: on(DEPLOYMENT, 'serviceAccountName is unset (the pod runs as "default")'),
  },
  {
    rule: 'PS10-default-service-account', what: 'the "default" service account named explicitly',
    mutate: (o) => { pod(o).serviceAccountName = 'default'; },
    expected: on(DEPLOYMENT, 'serviceAccountName is "default"'),
  },
  {
    rule: 'PS10-token-automount', what: 'the pod asking for the token',
    mutate: (o) => { pod(o).automountServiceAccountToken = true; },
    expected: on(DEPLOYMENT, 'automountServiceAccountToken is true'),
  },
  {
    rule: 'PS10-token-automount', what: 'a ServiceAccount that leaves automounting on',
    mutate: (o) => { delete one(o, 'ServiceAccount').automountServiceAccountToken; },
    expected: on(DEPLOYMENT, 'automountServiceAccountToken is unset on the pod and unset on ServiceAccount/shop/shop-web (the token is mounted)'),
  },
  {
    rule: 'PS10-token-automount', what: 'a ServiceAccount that mounts it explicitly',
    mutate: (o) => { one(o, 'ServiceAccount').automountServiceAccountToken = true; },
    expected: on(DEPLOYMENT, 'automountServiceAccountToken is unset on the pod and true on ServiceAccount/shop/shop-web (the token is mounted)'),
  },
  {
    rule: 'PS10-token-automount', what: 'a ServiceAccount that is not in the manifests',
    mutate: (o) => { remove(o, 'ServiceAccount'); },
    expected: on(DEPLOYMENT, 'automountServiceAccountToken is unset on the pod and ServiceAccount "shop-web" is not in the manifests (the token is mounted)'),
  },
  {
    rule: 'PS10-token-automount', what: 'a ServiceAccount of the same name in another namespace',
    mutate: (o) => { at(one(o, 'ServiceAccount'), 'metadata').namespace = 'other'; },
    expected: on(DEPLOYMENT, 'automountServiceAccountToken is unset on the pod and ServiceAccount "shop-web" is not in the manifests (the token is mounted)'),
  },
  {
    rule: 'PS10-default-namespace', what: 'an object in the default namespace',
    mutate: (o) => { o.push({ ...configMap({ LOG_LEVEL: 'info' }), metadata: { name: 'web-config', namespace: 'default' } }); },
    expected: on('ConfigMap/default/web-config', 'metadata.namespace is default'),
  },
  {
    rule: 'PS10-default-namespace', what: 'a namespaced kind without a namespace',
    mutate: (o) => { delete at(service(o), 'metadata').namespace; },
    expected: on('Service/web', "metadata.namespace is unset (kubectl puts it in the current context's namespace, usually default)"),
  },
  {
    rule: 'PS10-secret-literals', what: 'a password in an env literal',
    mutate: (o) => { env(o).push({ name: 'ADMIN_PASSWORD', value: 'hunter2' }); },
    expected: on(DEPLOYMENT, 'container "web": env ADMIN_PASSWORD has a literal value and its name says it is a secret'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a camelCase apiKey env literal',
    mutate: (o) => { env(o).push({ name: 'paymentsApiKey', value: 'pk_live_51H8' }); },
    expected: on(DEPLOYMENT, 'container "web": env paymentsApiKey has a literal value and its name says it is a secret'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a database URL with a password, whatever the name',
    mutate: (o) => { env(o).push({ name: 'DATABASE_URL', value: 'postgres://app:hunter2@db.shop:5432/shop' }); },
    expected: on(DEPLOYMENT, 'container "web": env DATABASE_URL holds what looks like a URL with a password'),
  },
  {
    rule: 'PS10-secret-literals', what: 'an AWS access key under an innocent name',
    mutate: (o) => { env(o).push({ name: 'UPLOADER', value: 'AKIAIOSFODNN7EXAMPLE' }); },
    expected: on(DEPLOYMENT, 'container "web": env UPLOADER holds what looks like an AWS access key'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a GitHub token in an init container env',
    mutate: (o) => withInit(o, (c) => { c.env = [{ name: 'GIT_AUTH', value: `ghp_${'a1B2c3D4e5'.repeat(4)}` }]; }),
    expected: on(DEPLOYMENT, 'init container "setup": env GIT_AUTH holds what looks like a GitHub token'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a secret-named ConfigMap key with a literal value',
    mutate: (o) => { o.push(configMap({ LOG_LEVEL: 'info', API_KEY: 'abc123xyz' })); },
    expected: on('ConfigMap/shop/web-config', 'data key "API_KEY" has a literal value and its name says it is a secret'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a password line inside a config file in a ConfigMap',
    mutate: (o) => { o.push(configMap({ 'application.properties': 'server.port=8080\ndb.password=hunter2\n' })); },
    expected: on('ConfigMap/shop/web-config', 'data key "application.properties" sets db.password to a literal value on line 2'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a private key in a ConfigMap',
    mutate: (o) => { o.push(configMap({ 'tls.key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n' })); },
    expected: on('ConfigMap/shop/web-config', 'data key "tls.key" holds what looks like a private key'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a Google service account key in a ConfigMap',
    mutate: (o) => { o.push(configMap({ 'sa.json': '{"type": "service_account", "project_id": "proj"}' })); },
    expected: on('ConfigMap/shop/web-config', 'data key "sa.json" holds what looks like a Google service account key'),
  },
  {
    rule: 'PS10-secret-literals', what: 'a Secret manifest carrying data and stringData',
    mutate: (o) => { o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-db', namespace: 'shop' }, data: { password: 'aHVudGVyMg==' }, stringData: { token: 't' } }); },
    expected: on('Secret/shop/web-db', 'carries secret data in the manifests (keys password, token)'),
  },
  // RR01, RR02
  {
    rule: 'RR01-resource-requests', what: 'no CPU request',
    mutate: (o) => { delete at(container(o), 'resources', 'requests').cpu; },
    expected: on(DEPLOYMENT, 'container "web": resources.requests has no cpu'),
  },
  {
    rule: 'RR01-resource-requests', what: 'no requests at all',
    mutate: (o) => { delete at(container(o), 'resources').requests; },
    expected: on(DEPLOYMENT, 'container "web": resources.requests has no cpu or memory'),
  },
  {
    rule: 'RR01-resource-requests', what: 'an init container without resources',
    mutate: (o) => withInit(o, (c) => { delete c.resources; }),
    expected: on(DEPLOYMENT, 'init container "setup": resources.requests has no cpu or memory'),
  },
  {
    rule: 'RR01-memory-limit', what: 'no memory limit',
    mutate: (o) => { delete at(container(o), 'resources', 'limits').memory; },
    expected: on(DEPLOYMENT, 'container "web": resources.limits.memory is unset'),
  },
  {
    rule: 'RR01-memory-limit', what: 'an empty memory limit',
    mutate: (o) => { at(container(o), 'resources', 'limits').memory = ''; },
    expected: on(DEPLOYMENT, 'container "web": resources.limits.memory is unset'),
  },
  {
    rule: 'RR02-readiness-probe', what: 'no readiness probe',
    mutate: (o) => { delete container(o).readinessProbe; },
    expected: on(DEPLOYMENT, 'container "web": has no readinessProbe'),
  },
  {
    rule: 'RR02-liveness-probe', what: 'no liveness probe',
    mutate: (o) => { delete container(o).livenessProbe; },
    expected: on(DEPLOYMENT, 'container "web": has no livenessProbe'),
  },
  {
    rule: 'RR02-readiness-probe', what: 'no readiness probe on a Deployment that declares no port but a Service selects',
    mutate: (o) => { delete container(o).readinessProbe; delete container(o).ports; },
    expected: on(DEPLOYMENT, 'container "web": has no readinessProbe'),
  },
  {
    rule: 'RR02-liveness-probe', what: 'no liveness probe on a worker that declares a port (it serves, metrics or otherwise)',
    mutate: (o) => { o.push(worker([{ name: 'metrics', containerPort: 9090 }])); },
    expected: on('Deployment/shop/worker', 'container "worker": has no livenessProbe'),
  },
  {
    rule: 'RR02-distinct-probes', what: 'liveness running the readiness check (other timing, other key order)',
    mutate: (o) => { container(o).livenessProbe = { periodSeconds: 20, httpGet: { port: 8080, path: '/ready' } }; },
    expected: on(DEPLOYMENT, 'container "web": livenessProbe and readinessProbe both run {"httpGet":{"path":"/ready","port":8080}}'),
  },
  // RR03
  {
    rule: 'RR03-min-replicas', what: 'an HPA floor of 1 in staging', profile: 'staging',
    mutate: (o) => { hpa(o).minReplicas = 1; },
    expected: on(DEPLOYMENT, `runs 1 replica at minimum (${HPA} minReplicas); staging needs at least 2`),
  },
  {
    rule: 'RR03-min-replicas', what: 'an HPA without minReplicas (defaults to 1) in prod', profile: 'prod',
    mutate: (o) => { delete hpa(o).minReplicas; },
    expected: on(DEPLOYMENT, `runs 1 replica at minimum (${HPA} minReplicas); prod needs at least 2`),
  },
  {
    rule: 'RR03-min-replicas', what: 'no HPA and no spec.replicas in prod', profile: 'prod',
    mutate: (o) => { remove(o, 'HorizontalPodAutoscaler'); },
    expected: on(DEPLOYMENT, 'runs 1 replica at minimum (spec.replicas unset); prod needs at least 2'),
  },
  {
    rule: 'RR03-min-replicas', what: 'no HPA and spec.replicas 1 in staging', profile: 'staging',
    mutate: (o) => { remove(o, 'HorizontalPodAutoscaler'); at(deployment(o), 'spec').replicas = 1; },
    expected: on(DEPLOYMENT, 'runs 1 replica at minimum (spec.replicas); staging needs at least 2'),
  },
  {
    rule: 'RR03-no-fixed-replicas-with-hpa', what: 'spec.replicas next to an HPA',
    mutate: (o) => { at(deployment(o), 'spec').replicas = 3; },
    expected: on(DEPLOYMENT, `sets spec.replicas 3 but ${HPA} scales it`),
  },
  // RR04
  {
    rule: 'RR04-pdb', what: 'no PodDisruptionBudget in prod', profile: 'prod',
    mutate: (o) => { remove(o, 'PodDisruptionBudget'); },
    expected: on(DEPLOYMENT, `no PodDisruptionBudget in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'RR04-pdb', what: 'a PodDisruptionBudget selecting other pods in staging', profile: 'staging',
    mutate: (o) => { pdb(o).selector = { matchLabels: { app: 'api' } }; },
    expected: on(DEPLOYMENT, `no PodDisruptionBudget in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'RR04-pdb', what: 'a PodDisruptionBudget in another namespace in prod', profile: 'prod',
    mutate: (o) => { at(one(o, 'PodDisruptionBudget'), 'metadata').namespace = 'other'; },
    expected: on(DEPLOYMENT, `no PodDisruptionBudget in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'RR04-pdb-allows-eviction', what: 'maxUnavailable 0',
    mutate: (o) => { pdb(o).maxUnavailable = 0; },
    expected: on(PDB, 'maxUnavailable 0 allows no eviction'),
  },
  {
    rule: 'RR04-pdb-allows-eviction', what: 'maxUnavailable 0%',
    mutate: (o) => { pdb(o).maxUnavailable = '0%'; },
    expected: on(PDB, 'maxUnavailable 0% allows no eviction'),
  },
  {
    rule: 'RR04-pdb-allows-eviction', what: 'minAvailable 100%',
    mutate: (o) => { delete pdb(o).maxUnavailable; pdb(o).minAvailable = '100%'; },
    expected: on(PDB, 'minAvailable 100% allows no eviction'),
  },
  {
    rule: 'RR04-pdb-allows-eviction', what: 'minAvailable equal to the HPA floor',
    mutate: (o) => { delete pdb(o).maxUnavailable; pdb(o).minAvailable = 2; },
    expected: on(PDB, `minAvailable 2 allows no eviction: the pods it selects (${DEPLOYMENT}) run 2 at minimum`),
  },
  {
    rule: 'RR04-pdb-allows-eviction', what: 'a minAvailable percentage that rounds up to the floor',
    mutate: (o) => { delete pdb(o).maxUnavailable; pdb(o).minAvailable = '60%'; },
    expected: on(PDB, `minAvailable 60% allows no eviction: the pods it selects (${DEPLOYMENT}) run 2 at minimum`),
  },
  {
    rule: 'RR04-pdb-allows-eviction', what: 'minAvailable equal to spec.replicas without an HPA',
    mutate: (o) => {
      remove(o, 'HorizontalPodAutoscaler');
      at(deployment(o), 'spec').replicas = 3;
      delete pdb(o).maxUnavailable;
      pdb(o).minAvailable = 3;
    },
    expected: on(PDB, `minAvailable 3 allows no eviction: the pods it selects (${DEPLOYMENT}) run 3 at minimum`),
  },
  {
    rule: 'RR04-pdb-allows-eviction', what: 'neither field set',
    mutate: (o) => { delete pdb(o).maxUnavailable; },
    expected: on(PDB, 'sets neither maxUnavailable nor minAvailable'),
  },
  // RR05, RR06
  {
    rule: 'RR05-hpa-target', what: 'a misspelt target',
    mutate: (o) => { at(hpa(o), 'scaleTargetRef').name = 'web-v2'; },
    expected: on(HPA, 'scaleTargetRef Deployment/web-v2 is not in namespace shop'),
  },
  {
    rule: 'RR05-hpa-target', what: 'a target of the wrong kind',
    mutate: (o) => { at(hpa(o), 'scaleTargetRef').kind = 'StatefulSet'; },
    expected: on(HPA, 'scaleTargetRef StatefulSet/web-v1 is not in namespace shop'),
  },
  {
    rule: 'RR05-hpa-range', what: 'maxReplicas equal to minReplicas',
    mutate: (o) => { hpa(o).maxReplicas = 2; },
    expected: on(HPA, 'maxReplicas 2 is not above minReplicas 2'),
  },
  {
    rule: 'RR05-hpa-range', what: 'maxReplicas 1 with minReplicas defaulted to 1',
    mutate: (o) => { delete hpa(o).minReplicas; hpa(o).maxReplicas = 1; },
    expected: on(HPA, 'maxReplicas 1 is not above minReplicas 1'),
  },
  {
    rule: 'RR06-topology-spread', what: 'no spreading at all',
    mutate: (o) => { delete pod(o).topologySpreadConstraints; },
    expected: on(DEPLOYMENT, 'has no topologySpreadConstraints or podAntiAffinity on topology.kubernetes.io/zone or kubernetes.io/hostname that selects its own pods'),
  },
  {
    rule: 'RR06-topology-spread', what: 'constraints selecting another application',
    mutate: (o) => { pod(o).topologySpreadConstraints = [{ ...spread('topology.kubernetes.io/zone'), labelSelector: { matchLabels: { app: 'api' } } }]; },
    expected: on(DEPLOYMENT, 'has no topologySpreadConstraints or podAntiAffinity on topology.kubernetes.io/zone or kubernetes.io/hostname that selects its own pods'),
  },
  {
    rule: 'RR06-topology-spread', what: 'a constraint on another topology key',
    mutate: (o) => { pod(o).topologySpreadConstraints = [spread('node.kubernetes.io/instance-type')]; },
    expected: on(DEPLOYMENT, 'has no topologySpreadConstraints or podAntiAffinity on topology.kubernetes.io/zone or kubernetes.io/hostname that selects its own pods'),
  },
  // RR07, RR08, MC09
  {
    rule: 'RR07-selector-matches-labels', what: 'a selector the template labels do not satisfy',
    mutate: (o) => { at(deployment(o), 'spec').selector = { matchLabels: { app: 'api' } }; },
    expected: on(DEPLOYMENT, `spec.selector app=api does not select the template labels ${POD_LABELS}`),
  },
  {
    rule: 'RR07-selector-matches-labels', what: 'no selector',
    mutate: (o) => { delete at(deployment(o), 'spec').selector; },
    expected: on(DEPLOYMENT, 'spec.selector is unset'),
  },
  {
    rule: 'RR07-recommended-labels', what: 'object labels without version and part-of',
    mutate: (o) => {
      const own = at(deployment(o), 'metadata', 'labels');
      delete own['app.kubernetes.io/version'];
      delete own['app.kubernetes.io/part-of'];
    },
    expected: on(DEPLOYMENT, 'metadata.labels lack app.kubernetes.io/version, app.kubernetes.io/part-of'),
  },
  {
    rule: 'RR07-recommended-labels', what: 'pod template labels without managed-by',
    mutate: (o) => { delete at(template(o), 'metadata', 'labels')['app.kubernetes.io/managed-by']; },
    expected: on(DEPLOYMENT, 'pod template labels lack app.kubernetes.io/managed-by'),
  },
  {
    rule: 'RR07-recommended-labels', what: 'a Pod missing one, reported once (its own labels are its pod labels)',
    mutate: (o) => {
      const p = barePod();
      delete at(p, 'metadata', 'labels')['app.kubernetes.io/instance'];
      o.push(p);
    },
    expected: on('Pod/shop/debug', 'metadata.labels lack app.kubernetes.io/instance'),
  },
  {
    rule: 'RR08-no-bare-pods', what: 'a bare Pod',
    mutate: (o) => { o.push(barePod()); },
    expected: on('Pod/shop/debug', 'is a bare Pod with no controller'),
  },
  {
    rule: 'RR08-no-bare-pods', what: 'a bare ReplicaSet',
    mutate: (o) => {
      o.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-rs', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } }, template: at(deployment(o), 'spec', 'template') } });
    },
    expected: on('ReplicaSet/shop/web-rs', 'is a bare ReplicaSet with no controller'),
  },
  {
    rule: 'RR08-api-versions', what: 'a removed PodDisruptionBudget version',
    mutate: (o) => { one(o, 'PodDisruptionBudget').apiVersion = 'policy/v1beta1'; },
    expected: on(PDB, 'apiVersion policy/v1beta1 is no longer served: use policy/v1 (removed in 1.25)'),
  },
  {
    rule: 'RR08-api-versions', what: 'a removed HPA version',
    mutate: (o) => { o.push({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'old', namespace: 'shop' } }); },
    expected: on('HorizontalPodAutoscaler/shop/old', 'apiVersion autoscaling/v2beta2 is no longer served: use autoscaling/v2 (removed in 1.26)'),
  },
  {
    rule: 'RR08-api-versions', what: 'a beta Kubernetes API that is still served',
    mutate: (o) => { o.push({ apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', metadata: { name: 'shop' } }); },
    expected: on('FlowSchema/shop', 'apiVersion flowcontrol.apiserver.k8s.io/v1beta3 is a pre-GA Kubernetes API'),
  },
  {
    rule: 'RR08-api-versions', what: 'a deprecated Istio version',
    mutate: (o) => { o.push({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' } }); },
    expected: on('VirtualService/shop/web', 'apiVersion networking.istio.io/v1beta1 is deprecated: use networking.istio.io/v1'),
  },
  {
    rule: 'MC09-deployment-has-service', what: 'a Service selecting other pods',
    mutate: (o) => { at(service(o), 'spec').selector = { app: 'api' }; },
    expected: on(DEPLOYMENT, `no Service in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'MC09-deployment-has-service', what: 'a Deployment that declares a port no Service selects',
    mutate: (o) => { o.push(worker([{ name: 'http', containerPort: 8080 }])); },
    expected: on('Deployment/shop/worker', `no Service in namespace shop selects its pod labels ${POD_LABELS.replace('app=web', 'app=worker').replace('name=web', 'name=worker')}`),
  },
  {
    rule: 'MC09-deployment-has-service', what: 'a Service without a selector',
    mutate: (o) => { delete at(service(o), 'spec').selector; },
    expected: on(DEPLOYMENT, `no Service in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  {
    rule: 'MC09-deployment-has-service', what: 'the Service in another namespace',
    mutate: (o) => { at(service(o), 'metadata').namespace = 'other'; },
    expected: on(DEPLOYMENT, `no Service in namespace shop selects its pod labels ${POD_LABELS}`),
  },
  // IM01, IM02
  {
    rule: 'IM01-image-tag', what: 'an image without tag or digest',
    mutate: (o) => { container(o).image = REPOSITORY; },
    expected: on(DEPLOYMENT, `container "web": image ${REPOSITORY} has no tag (pulls latest)`),
  },
  {
    rule: 'IM01-image-tag', what: 'the latest tag',
    mutate: (o) => { container(o).image = `${REPOSITORY}:latest`; },
    expected: on(DEPLOYMENT, `container "web": image ${REPOSITORY}:latest uses the latest tag`),
  },
  {
    rule: 'IM01-image-tag', what: 'a registry port mistaken for no tag',
    mutate: (o) => { container(o).image = 'localhost:5000/web'; },
    expected: on(DEPLOYMENT, 'container "web": image localhost:5000/web has no tag (pulls latest)'),
  },
  {
    rule: 'IM01-image-digest', what: 'a tag-pinned image in staging', profile: 'staging',
    mutate: (o) => { container(o).image = TAGGED; },
    expected: on(DEPLOYMENT, `container "web": image ${TAGGED} is not pinned by digest`),
  },
  {
    rule: 'IM01-image-digest', what: 'a tag-pinned init container image in prod', profile: 'prod',
    mutate: (o) => withInit(o, (c) => { c.image = TAGGED; }),
    expected: on(DEPLOYMENT, `init container "setup": image ${TAGGED} is not pinned by digest`),
  },
  {
    rule: 'IM01-image-digest', what: 'a truncated digest in prod', profile: 'prod',
    mutate: (o) => { container(o).image = `${TAGGED}@sha256:abc`; },
    expected: on(DEPLOYMENT, `container "web": image ${TAGGED}@sha256:abc has digest sha256:abc, not sha256:<64 hex>`),
  },
  {
    rule: 'IM01-pull-policy', what: 'Always for a digest-pinned image',
    mutate: (o) => { container(o).imagePullPolicy = 'Always'; },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is Always for digest-pinned image ${IMAGE} (want IfNotPresent)`),
  },
  {
    rule: 'IM01-pull-policy', what: 'IfNotPresent for a tag-pinned image',
    mutate: (o) => { container(o).image = TAGGED; },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is IfNotPresent for tag-pinned image ${TAGGED} (want Always)`),
  },
  {
    rule: 'IM01-pull-policy', what: 'an unset policy on a tag-pinned image (defaults to IfNotPresent)',
    mutate: (o) => { container(o).image = TAGGED; delete container(o).imagePullPolicy; },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is unset (defaults to IfNotPresent) for tag-pinned image ${TAGGED} (want Always)`),
  },
  {
    rule: 'IM01-pull-policy', what: 'Never',
    mutate: (o) => { container(o).imagePullPolicy = 'Never'; },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is Never for image ${IMAGE}: it only runs on nodes that already have it`),
  },
  {
    // Kubernetes defaults the policy from the tag alone: `:latest` means Always even with a digest.
    rule: 'IM01-pull-policy', what: 'an unset policy on a :latest@sha256 image (Kubernetes defaults it to Always)',
    mutate: (o) => { container(o).image = `${REPOSITORY}:latest@sha256:${HEX}`; delete container(o).imagePullPolicy; },
    expected: on(DEPLOYMENT, `container "web": imagePullPolicy is unset (defaults to Always) for digest-pinned image ${REPOSITORY}:latest@sha256:${HEX} (want IfNotPresent)`),
  },
  {
    rule: 'IM02-allowed-registries', what: 'a Docker Hub short name',
    mutate: (o) => { container(o).image = 'nginx:1.27'; },
    expected: on(DEPLOYMENT, 'container "web": image nginx:1.27 (docker.io/library/nginx) is not from an allowed registry (europe-docker.pkg.dev/proj/apps)'),
  },
  {
    rule: 'IM02-allowed-registries', what: 'a repository that only shares the allowed prefix as a string',
    mutate: (o) => { container(o).image = 'europe-docker.pkg.dev/proj/apps-evil/web:1.2.3'; },
    expected: on(DEPLOYMENT, 'container "web": image europe-docker.pkg.dev/proj/apps-evil/web:1.2.3 is not from an allowed registry (europe-docker.pkg.dev/proj/apps)'),
  },
  {
    rule: 'IM02-allowed-registries', what: 'registry.io/team-evil/x against registry.io/team', registries: ['registry.io/team'],
    mutate: (o) => { container(o).image = 'registry.io/team-evil/x:1'; },
    expected: on(DEPLOYMENT, 'container "web": image registry.io/team-evil/x:1 is not from an allowed registry (registry.io/team)'),
  },
  {
    rule: 'IM02-allowed-registries', what: 'an init container image from elsewhere',
    mutate: (o) => withInit(o, (c) => { c.image = 'ghcr.io/someone/tool:2.0'; }),
    expected: on(DEPLOYMENT, 'init container "setup": image ghcr.io/someone/tool:2.0 is not from an allowed registry (europe-docker.pkg.dev/proj/apps)'),
  },
  {
    rule: 'IM02-allowed-registries', what: 'any image when no registry is allowed', registries: [],
    mutate: () => undefined,
    expected: on(DEPLOYMENT, `container "web": image ${IMAGE} is not from an allowed registry (none are allowed)`),
  },
  // NM02
  {
    rule: 'NM02-service-type', what: 'a NodePort Service',
    mutate: (o) => { at(service(o), 'spec').type = 'NodePort'; },
    expected: on(SERVICE, 'spec.type is NodePort'),
  },
  {
    rule: 'NM02-service-type', what: 'a LoadBalancer Service',
    mutate: (o) => { at(service(o), 'spec').type = 'LoadBalancer'; },
    expected: on(SERVICE, 'spec.type is LoadBalancer'),
  },
];

/** Mutations the rule must not flag: false-positive guards and profile boundaries. */
const accepted: Case[] = [
  { rule: 'PS01-host-namespaces', what: 'host namespaces set to false', mutate: (o) => { Object.assign(pod(o), { hostNetwork: false, hostPID: false, hostIPC: false }); } },
  { rule: 'PS01-host-ports', what: 'hostPort 0 (unset)', mutate: (o) => { container(o).ports = [{ containerPort: 8080, hostPort: 0 }]; } },
  { rule: 'PS03-added-capabilities', what: 'NET_BIND_SERVICE added', mutate: (o) => { at(sc(o), 'capabilities').add = ['NET_BIND_SERVICE']; } },
  { rule: 'PS03-drop-all-capabilities', what: 'ALL among other dropped capabilities', mutate: (o) => { at(sc(o), 'capabilities').drop = ['NET_RAW', 'ALL']; } },
  {
    rule: 'PS04-volume-types', what: 'every volume type of the restricted profile, and a volume without a source (emptyDir)',
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
  { rule: 'PS04-volume-types', what: 'a hostPath volume (PS04-host-path reports it, once)', mutate: (o) => { pod(o).volumes = [{ name: 'logs', hostPath: { path: '/var/log' } }]; } },
  { rule: 'PS04-host-path', what: 'emptyDir and projected volumes', mutate: (o) => { pod(o).volumes = [{ name: 'tmp', emptyDir: {} }, { name: 'token', projected: { sources: [] } }]; } },
  { rule: 'PS05-privilege-escalation', what: 'ephemeral containers that set it to false', mutate: (o) => { pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE, securityContext: { allowPrivilegeEscalation: false } }]; } },
  { rule: 'PS06-run-as-non-root', what: 'runAsNonRoot on the pod only', mutate: (o) => { delete sc(o).runAsNonRoot; } },
  { rule: 'PS06-run-as-non-root', what: 'runAsNonRoot on the container only', mutate: (o) => { delete podSc(o).runAsNonRoot; } },
  { rule: 'PS06-run-as-user', what: 'runAsUser unset everywhere (runAsNonRoot decides)', mutate: (o) => { delete podSc(o).runAsUser; delete sc(o).runAsUser; } },
  { rule: 'PS06-run-as-group', what: 'non-root supplemental groups', mutate: (o) => { podSc(o).supplementalGroups = [1000, 2000]; } },
  { rule: 'PS07-seccomp', what: 'seccomp set at container level only', mutate: (o) => { delete podSc(o).seccompProfile; } },
  { rule: 'PS07-seccomp', what: 'seccomp set at pod level only', mutate: (o) => { delete sc(o).seccompProfile; } },
  { rule: 'PS07-seccomp', what: 'a Localhost profile', mutate: (o) => { sc(o).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/web.json' }; } },
  {
    rule: 'PS08-apparmor', what: 'RuntimeDefault and Localhost profiles and annotations',
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
    rule: 'PS08-apparmor', what: 'an unconfined annotation on the Deployment itself, which pods do not inherit',
    mutate: (o) => { at(deployment(o), 'metadata').annotations = { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' }; },
  },
  { rule: 'PS08-selinux', what: 'container_t with an MCS level', mutate: (o) => { podSc(o).seLinuxOptions = { type: 'container_t', level: 's0:c123,c456', user: '', role: '' }; } },
  { rule: 'PS08-proc-mount', what: 'procMount Default', mutate: (o) => { sc(o).procMount = 'Default'; } },
  { rule: 'PS08-sysctls', what: 'only safe sysctls', mutate: (o) => { podSc(o).sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'net.ipv4.tcp_keepalive_time', value: '600' }]; } },
  { rule: 'PS08-host-process', what: 'hostProcess false', mutate: (o) => { sc(o).windowsOptions = { hostProcess: false }; } },
  { rule: 'PS08-probe-host', what: 'an empty host and a preStop sleep', mutate: (o) => { at(container(o), 'readinessProbe', 'httpGet').host = ''; container(o).lifecycle = { preStop: { sleep: { seconds: 5 } } }; } },
  { rule: 'PS09-read-only-root-filesystem', what: 'an ephemeral container, which cannot set it', mutate: (o) => { pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE, securityContext: { allowPrivilegeEscalation: false } }]; } },
  { rule: 'PS10-token-automount', what: 'the pod opting out while its ServiceAccount mounts', mutate: (o) => { one(o, 'ServiceAccount').automountServiceAccountToken = true; pod(o).automountServiceAccountToken = false; } },
  {
    rule: 'PS10-default-namespace', what: 'cluster-scoped kinds without a namespace',
    mutate: (o) => { o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } }); },
  },
  {
    rule: 'PS10-secret-literals', what: 'env that points at secrets, substitutes them or is not one',
    mutate: (o) => {
      env(o).push(
        { name: 'DB_PASSWORD_FILE', value: '/secrets/x' },
        { name: 'TOKEN_URL', value: 'https://oauth2.googleapis.com/token' },
        { name: 'API_KEY_SECRET_NAME', value: 'payments-api-key' },
        { name: 'ADMIN_PASSWORD', value: '${ADMIN_PASSWORD}' },
        { name: 'SMTP_PASSWORD', value: '$(SMTP_PASSWORD)' },
        { name: 'ENABLE_TOKEN_AUTH', value: 'true' },
        { name: 'MAX_TOKENS', value: '4096' },
        { name: 'DATABASE_URL', value: 'postgres://app:${DB_PASSWORD}@db.shop:5432/shop' },
        { name: 'CACHE_URL', value: 'redis://cache.shop:6379/0' },
        { name: 'OAUTH_CLIENT_SECRET', value: '' },
      );
    },
  },
  {
    rule: 'PS10-secret-literals', what: 'a ConfigMap with references and placeholders only',
    mutate: (o) => {
      o.push(configMap({
        LOG_LEVEL: 'info',
        'secret.name': 'web-db',
        'application.yaml': 'server:\n  port: 8080\ndb:\n  password: ${DB_PASSWORD}\n  password_file: /secrets/db\n',
      }));
    },
  },
  { rule: 'PS10-secret-literals', what: 'a Secret manifest without data (filled by External Secrets)', mutate: (o) => { o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-db', namespace: 'shop' }, type: 'Opaque' }); } },
  { rule: 'RR01-resource-requests', what: 'an ephemeral container without resources', mutate: (o) => { pod(o).ephemeralContainers = [{ name: 'debug', image: IMAGE }]; } },
  { rule: 'RR01-memory-limit', what: 'no CPU limit', mutate: (o) => { delete at(container(o), 'resources', 'limits').cpu; } },
  {
    rule: 'RR02-readiness-probe', what: 'a CronJob container without probes (runs to completion)',
    mutate: (o) => { o.push(cronJob({ serviceAccountName: 'shop-web', containers: [{ name: 'job', image: IMAGE }] })); },
  },
  {
    rule: 'RR02-liveness-probe', what: 'an init container without probes',
    mutate: (o) => withInit(o, () => undefined),
  },
  { rule: 'RR02-distinct-probes', what: 'the same port checked over HTTP and TCP', mutate: (o) => { container(o).livenessProbe = { httpGet: { path: '/livez', port: 8080 } }; } },
  { rule: 'RR03-min-replicas', what: 'an HPA floor of 1 in dev', profile: 'dev', mutate: (o) => { hpa(o).minReplicas = 1; } },
  { rule: 'RR03-min-replicas', what: 'spec.replicas 3 and no HPA in prod', profile: 'prod', mutate: (o) => { remove(o, 'HorizontalPodAutoscaler'); at(deployment(o), 'spec').replicas = 3; } },
  { rule: 'RR03-no-fixed-replicas-with-hpa', what: 'spec.replicas 3 and no HPA', profile: 'prod', mutate: (o) => { remove(o, 'HorizontalPodAutoscaler'); at(deployment(o), 'spec').replicas = 3; } },
  { rule: 'RR04-pdb', what: 'no PodDisruptionBudget in dev', profile: 'dev', mutate: (o) => { remove(o, 'PodDisruptionBudget'); } },
  { rule: 'RR04-pdb', what: 'a PodDisruptionBudget selecting with matchExpressions in prod', profile: 'prod', mutate: (o) => { pdb(o).selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }; } },
  { rule: 'RR04-pdb-allows-eviction', what: 'minAvailable 1 under an HPA floor of 2', mutate: (o) => { delete pdb(o).maxUnavailable; pdb(o).minAvailable = 1; } },
  { rule: 'RR04-pdb-allows-eviction', what: 'minAvailable 50% of 2', mutate: (o) => { delete pdb(o).maxUnavailable; pdb(o).minAvailable = '50%'; } },
  { rule: 'RR04-pdb-allows-eviction', what: 'maxUnavailable 10% (rounds up to one pod)', mutate: (o) => { pdb(o).maxUnavailable = '10%'; } },
  { rule: 'RR04-pdb-allows-eviction', what: 'a high minAvailable on a budget that selects no pods', mutate: (o) => { delete pdb(o).maxUnavailable; pdb(o).minAvailable = 5; pdb(o).selector = { matchLabels: { app: 'api' } }; } },
  {
    rule: 'RR06-topology-spread', what: 'a preferred podAntiAffinity on the hostname instead of constraints',
    mutate: (o) => {
      delete pod(o).topologySpreadConstraints;
      pod(o).affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] } };
    },
  },
  {
    rule: 'RR06-topology-spread', what: 'a required podAntiAffinity on the zone selecting with Exists',
    mutate: (o) => {
      delete pod(o).topologySpreadConstraints;
      pod(o).affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }] } };
    },
  },
  { rule: 'RR07-selector-matches-labels', what: 'a selector with matchExpressions the labels satisfy', mutate: (o) => { at(deployment(o), 'spec').selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'version', operator: 'In', values: ['v1', 'v2'] }, { key: 'canary', operator: 'DoesNotExist' }] }; } },
  { rule: 'RR07-recommended-labels', what: 'a bare Pod, whose own labels are its pod labels', mutate: (o) => { o.push(barePod()); } },
  { rule: 'RR08-no-bare-pods', what: 'a Pod owned by a ReplicaSet', mutate: (o) => { o.push(barePod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-v1-5d8f', uid: 'u1' }] })); } },
  {
    rule: 'RR08-api-versions', what: 'Istio v1, and an EnvoyFilter which has no v1',
    mutate: (o) => {
      o.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' } });
      o.push({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'web', namespace: 'shop' } });
    },
  },
  { rule: 'RR02-readiness-probe', what: 'a worker Deployment with no container port and no Service (a queue consumer)', mutate: (o) => { o.push(worker()); } },
  { rule: 'RR02-liveness-probe', what: 'a worker Deployment with no container port and no Service (a load generator)', mutate: (o) => { o.push(worker()); } },
  { rule: 'MC09-deployment-has-service', what: 'a worker Deployment with no container port', mutate: (o) => { o.push(worker()); } },
  { rule: 'MC09-deployment-has-service', what: 'a Service selecting app and version', mutate: (o) => { at(service(o), 'spec').selector = { app: 'web', version: 'v1' }; } },
  { rule: 'IM01-image-tag', what: 'a tag-pinned image', mutate: (o) => { container(o).image = TAGGED; } },
  { rule: 'IM01-image-tag', what: 'a digest-only image', mutate: (o) => { container(o).image = `${REPOSITORY}@sha256:${HEX}`; } },
  { rule: 'IM01-image-tag', what: 'a :latest image pinned by digest', mutate: (o) => { container(o).image = `${REPOSITORY}:latest@sha256:${HEX}`; } },
  { rule: 'IM01-image-tag', what: 'a tag on a registry with a port', mutate: (o) => { container(o).image = 'localhost:5000/web:1.0'; } },
  { rule: 'IM01-image-digest', what: 'a tag-pinned image in dev', profile: 'dev', mutate: (o) => { container(o).image = TAGGED; container(o).imagePullPolicy = 'Always'; } },
  { rule: 'IM01-pull-policy', what: 'a tag-pinned image with Always', mutate: (o) => { container(o).image = TAGGED; container(o).imagePullPolicy = 'Always'; } },
  { rule: 'IM01-pull-policy', what: 'a digest-pinned image with the policy unset (defaults to IfNotPresent)', mutate: (o) => { delete container(o).imagePullPolicy; } },
  { rule: 'IM01-pull-policy', what: 'an untagged image with the policy unset (defaults to Always)', mutate: (o) => { container(o).image = REPOSITORY; delete container(o).imagePullPolicy; } },
  { rule: 'IM02-allowed-registries', what: 'a repository under registry.io/team', registries: ['registry.io/team'], mutate: (o) => { container(o).image = 'registry.io/team/x:1'; } },
  { rule: 'IM02-allowed-registries', what: 'a prefix written with a trailing slash', registries: ['registry.io/team/'], mutate: (o) => { container(o).image = 'registry.io/team/x:1'; } },
  { rule: 'IM02-allowed-registries', what: 'a Docker Hub short name under its canonical prefix', registries: ['docker.io/library'], mutate: (o) => { container(o).image = 'nginx:1.27'; } },
  { rule: 'IM02-allowed-registries', what: 'a Docker Hub organisation image written short and with index.docker.io', registries: ['docker.io/istio'], mutate: (o) => { withInit(o, (c) => { c.image = 'index.docker.io/istio/proxyv2:1.22.0'; }); container(o).image = 'istio/proxyv2:1.22.0'; } },
  // Docker normalizes docker.io/nginx to docker.io/library/nginx, the same image as `nginx`.
  { rule: 'IM02-allowed-registries', what: 'docker.io/nginx under docker.io/library (Docker normalizes it to docker.io/library/nginx)', registries: ['docker.io/library'], mutate: (o) => { container(o).image = 'docker.io/nginx:1.27'; } },
  { rule: 'NM02-service-type', what: 'a Service without a type (ClusterIP)', mutate: (o) => { delete at(service(o), 'spec').type; } },
];

describe('workload rules', () => {
  it.each(PROFILES)('accept the compliant manifests in %s with no violation at all', (profile) => {
    const report = evaluate(workloadRules, { manifests: { objects: compliant(), profile, allowedRegistries: REGISTRIES } }, { environment: profile, exceptions: [], today: '2026-11-23' });
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(report.rulesRun).toBe(workloadRules.length);
  });

  it.each(rejected)('$rule rejects $what', ({ rule, mutate, profile, registries, expected }) => {
    expect(findings(rule, mutated(mutate), profile, registries)).toEqual(expected);
  });

  it.each(accepted)('$rule accepts $what', ({ rule, mutate, profile, registries }) => {
    expect(findings(rule, mutated(mutate), profile, registries)).toEqual([]);
  });

  it('fires the profile-dependent rules in staging and prod but not in dev', () => {
    const floorOfOne = mutated((o) => { hpa(o).minReplicas = 1; remove(o, 'PodDisruptionBudget'); container(o).image = TAGGED; container(o).imagePullPolicy = 'Always'; });
    const fired = (profile: EnvironmentProfile) => [...new Set(evaluate(workloadRules, { manifests: { objects: floorOfOne, profile, allowedRegistries: REGISTRIES } }, { environment: profile, exceptions: [], today: '2026-11-23' })
      .violations.map((v) => v.rule.id))];
    expect(fired('dev')).toEqual([]);
    expect(fired('staging')).toEqual(['RR03-min-replicas', 'RR04-pdb', 'IM01-image-digest']);
    expect(fired('prod')).toEqual(['RR03-min-replicas', 'RR04-pdb', 'IM01-image-digest']);
  });

  it('has a rejecting case for every rule', () => {
    const covered = new Set(rejected.map((c) => c.rule));
    expect(workloadRules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('names only rules that exist in its cases', () => {
    const ids = new Set(workloadRules.map((r) => r.id));
    expect([...rejected, ...accepted].map((c) => c.rule).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('gives every rule a unique id prefixed by a catalogue entry it lists', () => {
    const ids = workloadRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of workloadRules) {
      expect(rule.catalogue).toContain(rule.id.split('-')[0]);
      expect(rule.target).toBe('manifests');
    }
  });

  it('marks only conventions and freshness as advisory', () => {
    expect(workloadRules.filter((r) => r.enforcement === 'advisory').map((r) => r.id)).toEqual([
      'RR06-topology-spread',
      'RR07-selector-matches-labels',
      'RR07-recommended-labels',
      'IM01-pull-policy',
    ]);
  });
});

describe('PS10-secret-literals and the platform-generated hop certificate (docs/edge.md)', () => {
  const ENV = { gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress', tlsCredential: 'edge-tls' };
  const platform = platformObjects(ENV);
  const generated = { ...edgeTlsSecret(ENV), stringData: { 'tls.crt': '-----BEGIN CERTIFICATE-----', 'tls.key': '-----BEGIN PRIVATE KEY-----' } };

  function ps10(objects: readonly ManifestObject[], platformObjects?: readonly ManifestObject[]): Finding[] {
    const manifests = { objects, profile: 'prod' as const, allowedRegistries: REGISTRIES, ...(platformObjects !== undefined && { platformObjects }) };
    return evaluate(workloadRules, { manifests }, { environment: 'prod', exceptions: [], today: '2026-11-23' }).violations
      .filter((v) => v.rule.id === 'PS10-secret-literals').map((v) => ({ object: v.object, message: v.message }));
  }

  it('accepts the Secret the program fills at deploy time, in a run that knows it as the platform one', () => {
    expect(ps10([generated], platform)).toEqual([]);
  });

  it('rejects the same Secret in a run that knows no platform objects', () => {
    expect(ps10([generated])).toEqual([{ object: 'Secret/istio-ingress/edge-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key)' }]);
  });

  it('rejects other keys in it, and a Secret of another name with the same data', () => {
    const extra = { ...generated, stringData: { ...generated.stringData, password: 'hunter2' } };
    const other = { ...generated, metadata: { ...generated.metadata, name: 'shop-tls', namespace: 'shop' } };
    expect(ps10([extra, other], platform)).toEqual([
      { object: 'Secret/istio-ingress/edge-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key, password)' },
      { object: 'Secret/shop/shop-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key)' },
    ]);
  });

  it('rejects it when its type is not the platform one', () => {
    expect(ps10([{ ...generated, type: 'Opaque' }], platform)).toEqual([{ object: 'Secret/istio-ingress/edge-tls', message: 'carries secret data in the manifests (keys tls.crt, tls.key)' }]);
  });
});

describe('an object that names no namespace is in default, for every rule', () => {
  // The API server puts an object without metadata.namespace in `default`: a Deployment that
  // names none and a PDB, HPA, Service and ServiceAccount in `default` are in one namespace.
  const RELATED = ['RR03-min-replicas', 'RR03-no-fixed-replicas-with-hpa', 'RR04-pdb', 'RR04-pdb-allows-eviction', 'RR05-hpa-target', 'MC09-deployment-has-service', 'PS10-token-automount'];

  function split(unnamed: (kind: string) => boolean): ManifestObject[] {
    return mutated((o) => o.forEach((x, i) => {
      if (x.kind === 'Namespace') return;
      const { namespace: _, ...metadata } = x.metadata;
      o[i] = { ...x, metadata: unnamed(x.kind) ? metadata : { ...metadata, namespace: 'default' } };
    }));
  }

  it.each(PROFILES)('finds the PDB, HPA, Service and ServiceAccount in default of a Deployment that names no namespace (%s)', (profile) => {
    const objects = split((kind) => kind === 'Deployment');
    expect(RELATED.flatMap((id) => findings(id, objects, profile))).toEqual([]);
  });

  it.each(PROFILES)('finds the PDB, HPA, Service and ServiceAccount that name no namespace of a Deployment in default (%s)', (profile) => {
    const objects = split((kind) => kind !== 'Deployment');
    expect(RELATED.flatMap((id) => findings(id, objects, profile))).toEqual([]);
  });

  it('names default in the finding when the PDB is in another namespace', () => {
    const objects = split((kind) => kind === 'Deployment');
    objects.splice(objects.findIndex((x) => x.kind === 'PodDisruptionBudget'), 1, { ...one(objects, 'PodDisruptionBudget'), metadata: { name: 'web', namespace: 'other' } } as ManifestObject);
    expect(findings('RR04-pdb', objects, 'prod')).toEqual(on('Deployment/web-v1', `no PodDisruptionBudget in namespace default selects its pod labels ${POD_LABELS}`));
  });
});
