import type { ManifestObject } from '../../charts/schema';
import type { EnvironmentProfile } from '../../services/spec';
import { evaluate } from '../engine';
import type { Finding, ManifestRule } from '../types';
import { imageRules } from './images';
import { networkRules } from './network';
import { podIdentityRules } from './pod-identity';
import { podSecurityRules } from './pod-security';
import { reliabilityRules } from './reliability';

// The fixture of the workload rule tests (*.test.ts beside it): GIVEN a small manifest set shaped like what charts/ synthesizes, which every rule accepts
// in every profile, WHEN one field is changed, THEN the rule about that field (and only that
// rule is looked at) reports it. Every run goes through `evaluate`, the path the runners use.

export type Json = Record<string, unknown>;

/** The rules over workloads and their Services, run together as the runners run them. */
export const workloadRules = [
  ...podSecurityRules,
  ...podIdentityRules,
  ...reliabilityRules,
  ...imageRules,
  ...networkRules.filter((r) => r.id === 'NM02-service-type'),
];

export const PROFILES: readonly EnvironmentProfile[] = ['dev', 'staging', 'prod'];
export const REGISTRIES: readonly string[] = ['europe-docker.pkg.dev/proj/apps'];
export const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const REPOSITORY = 'europe-docker.pkg.dev/proj/apps/web';
export const TAGGED = `${REPOSITORY}:1.2.3`;
export const IMAGE = `${TAGGED}@sha256:${HEX}`;

export const DEPLOYMENT = 'Deployment/shop/web-v1';
export const HPA = 'HorizontalPodAutoscaler/shop/web-v1';
export const PDB = 'PodDisruptionBudget/shop/web';
export const SERVICE = 'Service/shop/web';

export function labels(): Record<string, string> {
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
export const POD_LABELS =
  'app=web,version=v1,app.kubernetes.io/name=web,app.kubernetes.io/instance=web-v1,app.kubernetes.io/version=v1,' +
  'app.kubernetes.io/part-of=shop,app.kubernetes.io/managed-by=platform-cdk8s';

export function restrictedContainerSc(): Json {
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
export function setupContainer(): Json {
  return {
    name: 'setup',
    image: IMAGE,
    imagePullPolicy: 'IfNotPresent',
    resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    securityContext: restrictedContainerSc(),
  };
}

export function spread(topologyKey: string): Json {
  return {
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { app: 'web' } },
    matchLabelKeys: ['pod-template-hash'],
  };
}

/** The hardened baseline: what the platform emits for one service, reduced to the fields the rules read. */
export function compliant(): ManifestObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'shop-web', namespace: 'shop', labels: { app: 'web' } },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web-v1', namespace: 'shop', labels: labels() },
      spec: {
        selector: { matchLabels: { app: 'web', version: 'v1' } },
        template: {
          metadata: { labels: labels(), annotations: { 'kubectl.kubernetes.io/default-container': 'web' } },
          spec: {
            serviceAccountName: 'shop-web',
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              runAsGroup: 1000,
              fsGroup: 1000,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
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
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
          },
        },
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web-v1', namespace: 'shop', labels: labels() },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-v1' }, minReplicas: 2, maxReplicas: 5 },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
    },
  ];
}

// ---------------------------------------------------------------------------------------
// Mutable views into the fixture. Each throws when the path is missing, so a typo in a case
// fails loudly instead of mutating nothing and "passing".

export function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null;
}

export function at(root: unknown, ...path: ReadonlyArray<string | number>): Json {
  const node = path.reduce<unknown>((v, k) => (isJson(v) ? v[String(k)] : undefined), root);
  if (!isJson(node)) throw new Error(`the fixture has no object at ${path.join('.')}`);
  return node;
}

export function one(objects: readonly ManifestObject[], kind: string): Json {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`the fixture has ${found.length} ${kind} objects, expected one`);
  return found[0];
}

export function remove(objects: ManifestObject[], kind: string): void {
  const i = objects.findIndex((o) => o.kind === kind);
  if (i < 0) throw new Error(`the fixture has no ${kind}`);
  objects.splice(i, 1);
}

export const deployment = (o: readonly ManifestObject[]) => one(o, 'Deployment');
export const template = (o: readonly ManifestObject[]) => at(deployment(o), 'spec', 'template');
export const pod = (o: readonly ManifestObject[]) => at(template(o), 'spec');
export const podSc = (o: readonly ManifestObject[]) => at(pod(o), 'securityContext');
export const container = (o: readonly ManifestObject[]) => at(pod(o), 'containers', 0);
export const sc = (o: readonly ManifestObject[]) => at(container(o), 'securityContext');
export const hpa = (o: readonly ManifestObject[]) => at(one(o, 'HorizontalPodAutoscaler'), 'spec');
export const pdb = (o: readonly ManifestObject[]) => at(one(o, 'PodDisruptionBudget'), 'spec');
export const service = (o: readonly ManifestObject[]) => one(o, 'Service');

export function env(o: readonly ManifestObject[]): unknown[] {
  const list = container(o).env;
  if (!Array.isArray(list)) throw new Error('the fixture container has no env');
  return list;
}

export function withInit(o: readonly ManifestObject[], change: (c: Json) => void): void {
  const init = setupContainer();
  change(init);
  pod(o).initContainers = [init];
}

export function configMap(data: Record<string, string>): ManifestObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'shop' }, data };
}

export function barePod(extra: Json = {}): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'shop', labels: labels(), ...extra },
    spec: { serviceAccountName: 'shop-web', containers: [{ name: 'debug', image: IMAGE }] },
  };
}

/** A queue consumer: a Deployment with no container port, no probe and no Service. */
export function worker(ports: readonly Json[] = []): ManifestObject {
  const workerLabels = { ...labels(), app: 'worker', 'app.kubernetes.io/name': 'worker' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'worker', namespace: 'shop', labels: workerLabels },
    spec: {
      selector: { matchLabels: { app: 'worker' } },
      template: {
        metadata: { labels: workerLabels },
        spec: { serviceAccountName: 'shop-web', containers: [{ name: 'worker', image: IMAGE, ...(ports.length > 0 && { ports }) }] },
      },
    },
  };
}

export function cronJob(podSpec: Json): ManifestObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'shop', labels: labels() },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { metadata: { labels: labels() }, spec: podSpec } } } },
  };
}

export function findings(
  ruleId: string,
  objects: readonly ManifestObject[],
  profile: EnvironmentProfile = 'dev',
  allowedRegistries: readonly string[] = REGISTRIES,
): Finding[] {
  if (!workloadRules.some((r) => r.id === ruleId)) throw new Error(`no rule ${ruleId}`);
  const report = evaluate(
    workloadRules,
    { manifests: { objects, profile, allowedRegistries } },
    { environment: profile, exceptions: [], today: '2026-11-23' },
  );
  return report.violations.filter((v) => v.rule.id === ruleId).map((v) => ({ object: v.object, message: v.message }));
}

export function mutated(mutate: (objects: ManifestObject[]) => void): ManifestObject[] {
  const objects = compliant();
  mutate(objects);
  return objects;
}

export interface Case {
  readonly rule: string;
  readonly what: string;
  readonly mutate: (objects: ManifestObject[]) => void;
  /** @default 'dev' */
  readonly profile?: EnvironmentProfile;
  /** @default REGISTRIES */
  readonly registries?: readonly string[];
}

export interface Rejection extends Case {
  readonly expected: readonly Finding[];
}

export const on = (object: string, ...messages: string[]): Finding[] => messages.map((message) => ({ object, message }));

/** The rejecting and accepting cases of one group of rules; every case runs all the rules through `findings`. */
export function describeCases(
  name: string,
  rules: readonly ManifestRule[],
  rejected: readonly Rejection[],
  accepted: readonly Case[],
): void {
  describe(name, () => {
    it.each(rejected)('$rule rejects $what', ({ rule, mutate, profile, registries, expected }) => {
      expect(findings(rule, mutated(mutate), profile, registries)).toEqual(expected);
    });

    if (accepted.length > 0) {
      it.each(accepted)('$rule accepts $what', ({ rule, mutate, profile, registries }) => {
        expect(findings(rule, mutated(mutate), profile, registries)).toEqual([]);
      });
    }

    it('has a rejecting case for every rule', () => {
      const covered = new Set(rejected.map((c) => c.rule));
      expect(rules.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
    });

    it('names only rules of the group in its cases', () => {
      const ids = new Set(rules.map((r) => r.id));
      expect([...rejected, ...accepted].map((c) => c.rule).filter((id) => !ids.has(id))).toEqual([]);
    });
  });
}
