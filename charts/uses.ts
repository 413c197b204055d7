/**
 * The Kubernetes wiring of what a service `uses` (services/spec.ts `ServiceUses`): environment
 * variables, the Cloud SQL Auth Proxy native sidecar, the Redis CA and Secret Manager volumes,
 * and the SecretProviderClass of GKE's Secret Manager add-on. Every name comes from
 * services/uses.ts, which the Pulumi program uses too, so both sides agree.
 *
 * Preview stacks (`pr-<N>`) provision no `uses` resources and have no Google identity
 * (infra/workload-accounts.ts). Their pods get only the plain-value variables (names computed
 * for the preview stack, pointing at nothing), and none of what would keep a pod from starting:
 * no proxy sidecar (it could never become ready), no CSI volume (the mount would fail), no
 * variable or volume from the Redis Secret (the program writes it on platform stacks only).
 *
 * Upstream facts (checked by charts/uses.upstream.test.ts against the extracted JSON):
 * - Cloud SQL Auth Proxy v2.25.3 (vendor/cloud-sql-proxy/v2.25.3.json): its flags, the health
 *   endpoints `--health-check` serves on `--http-address`:`--http-port` (localhost:9090 by
 *   default, so kubelet probes need `--http-address=0.0.0.0`), the image's user 65532, and the
 *   PostgreSQL IAM user of a service account: its email without `.gserviceaccount.com`.
 * - The SecretProviderClass CRD (vendor/secrets-store-csi-driver/v1.6.0): `spec.provider`,
 *   `spec.parameters` (a map of strings). GKE's add-on specifics (provider `gke`, driver
 *   `secrets-store-gke.csi.k8s.io`, the `resourceName`/`path` entries) are as GKE documents them.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { assertNoProblems, type Problem } from '../core/problems';
import type { SynthEnvironment } from '../core/environment';
import type { Catalogue, ServiceSpec } from '../services/spec';
import {
  POSTGRES_PROXY_PORT,
  REDIS_CA_DIR,
  REDIS_TLS_PORT,
  SECRET_MOUNT_DIR,
  bucketName,
  databaseName,
  envSuffix,
  hasUses,
  isPreviewStack,
  redisSecretName,
  secretId,
  sqlConnectionName,
  subscriptionId,
  subscriptionPath,
  topicId,
  topicPath,
} from '../services/uses';
import { SECRETS_STORE_GROUP } from './apiserver/crd-files';
import { MANAGED_BY } from './labels';
import { validateObject, type ManifestObject } from './schema';
import { workloadServiceAccountEmail } from './workload-identity';

/** The registry prefix of the proxy image: environments must allow it (`allowedRegistries`, policy IM01). */
export const CLOUD_SQL_PROXY_REGISTRY = 'gcr.io/cloud-sql-connectors/';
/** The pinned Cloud SQL Auth Proxy release (github.com/GoogleCloudPlatform/cloud-sql-proxy tag v2.25.3). */
export const CLOUD_SQL_PROXY_VERSION = '2.25.3';
/**
 * The image's digest at that tag, once someone with registry access has read it
 * (`crane digest gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3`); until then the image is
 * tag-pinned, pulled Always, and prod's IM01-image-digest policy flags it.
 */
export const CLOUD_SQL_PROXY_DIGEST = undefined as string | undefined;
export const CLOUD_SQL_PROXY_IMAGE = `${CLOUD_SQL_PROXY_REGISTRY}cloud-sql-proxy:${CLOUD_SQL_PROXY_VERSION}${
  CLOUD_SQL_PROXY_DIGEST === undefined ? '' : `@${CLOUD_SQL_PROXY_DIGEST}`
}`;
export const CLOUD_SQL_PROXY_CONTAINER = 'cloud-sql-proxy';
/** Where the proxy serves /startup, /liveness and /readiness (`--http-port`; upstream's Kubernetes example uses 9801). */
export const CLOUD_SQL_PROXY_HEALTH_PORT = 9801;
/** The proxy image's user (`USER 65532` in upstream's Dockerfile: distroless nonroot). */
export const CLOUD_SQL_PROXY_USER = 65532;

/** GKE's Secret Manager add-on: its CSI driver and its SecretProviderClass provider. */
export const SECRET_MANAGER_CSI_DRIVER = 'secrets-store-gke.csi.k8s.io';
export const SECRET_MANAGER_PROVIDER = 'gke';
export const SECRET_PROVIDER_CLASS_API_VERSION = `${SECRETS_STORE_GROUP}/v1`;

/** Keys of the Kubernetes Secret `redisSecretName(service)` the Pulumi program writes. */
export const REDIS_SECRET_KEYS = { host: 'host', auth: 'auth', serverCa: 'server-ca.pem' } as const;
export const REDIS_CA_FILE = `${REDIS_CA_DIR}/${REDIS_SECRET_KEYS.serverCa}`;

/** GCS bucket names are 3-63 characters (https://cloud.google.com/storage/docs/buckets#naming). */
export const MAX_BUCKET_NAME = 63;

/** Volume names in the pod. */
const SECRETS_VOLUME = 'platform-secrets';
const REDIS_CA_VOLUME = 'redis-ca';

// Pure decisions of what a stack provisions, shared with the mesh layer (services/uses.ts).
export { CLOUD_SQL_SERVER_PORT, isPreviewStack, needsGoogleIdentity, privateServicePorts } from '../services/uses';

/** PostgreSQL's user name limit, to which Cloud SQL truncates IAM database user names. */
export const POSTGRES_IAM_USER_MAX_LENGTH = 63;

/**
 * The PostgreSQL user of a Google service account under IAM database authentication: its
 * email without `.gserviceaccount.com`, truncated to 63 characters (Cloud SQL Auth Proxy
 * README, "Cloud SQL IAM database usernames", at v2.25.3). The Pulumi program names the
 * Cloud SQL user with the same function.
 */
export function postgresIamUser(serviceAccountEmail: string): string {
  return serviceAccountEmail.replace(/\.gserviceaccount\.com$/, '').slice(0, POSTGRES_IAM_USER_MAX_LENGTH);
}

/** The proxy's arguments: private IP, automatic IAM authentication, libpq's port on 127.0.0.1 (the default `--address`). */
export function cloudSqlProxyArgs(connectionName: string): string[] {
  return [
    '--private-ip',
    '--auto-iam-authn',
    '--structured-logs',
    `--port=${POSTGRES_PROXY_PORT}`,
    '--health-check',
    // The health server listens on localhost by default, where kubelet's probes cannot reach it.
    '--http-address=0.0.0.0',
    `--http-port=${CLOUD_SQL_PROXY_HEALTH_PORT}`,
    // A native sidecar is stopped after the app: exit 0, not 143, so the pod does not look failed.
    '--exit-zero-on-sigterm',
    connectionName,
  ];
}

export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/** What a service's `uses` adds to each of its Deployments' pods. */
export interface UsesWiring {
  /** Appended to the app container's env, in this order (`$(VAR)` references only earlier ones). */
  readonly env: readonly EnvVar[];
  /** Native sidecars (restartPolicy Always), before any other init container. */
  readonly initContainers: readonly Record<string, unknown>[];
  readonly volumes: readonly Record<string, unknown>[];
  /** Mounted into the app container. */
  readonly volumeMounts: readonly Record<string, unknown>[];
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** The SecretProviderClass the CSI volume names, when the service has `secrets` on a platform stack. */
  readonly secretProviderClass?: { readonly name: string; readonly secrets: string };
}

/** The SecretProviderClass of a service: `<service>-secrets`. */
export function secretProviderClassName(service: string): string {
  return `${service}-secrets`;
}

/**
 * The add-on's `parameters.secrets`: a YAML list of `resourceName` (the secret's latest
 * version) and `path` (the file name under the mount), sorted by name.
 */
export function secretManagerParameters(project: string, stack: string, spec: ServiceSpec): string {
  const entries = [...(spec.uses?.secrets ?? [])]
    .map((s) => s.name)
    .sort()
    .map((name) => ({ resourceName: `projects/${project}/secrets/${secretId(stack, spec.name, name)}/versions/latest`, path: name }));
  return stringify(entries, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 });
}

/** Environment variable names the spec sets itself (env, version env, config values, secrets), for collision checks. */
function ownEnvNames(spec: ServiceSpec): Set<string> {
  return new Set([
    ...Object.keys(spec.env ?? {}),
    ...spec.versions.flatMap((v) => Object.keys(v.env ?? {})),
    ...Object.keys(spec.config?.values ?? {}),
    ...(spec.secrets ?? []).map((s) => s.env),
  ]);
}

/**
 * The wiring of one service's `uses` in an environment; undefined when it declares none.
 * Throws a ValidationError naming the field, value and fix when the environment lacks what
 * the resources need, a bucket name is too long, or a variable would shadow one the spec sets.
 */
export function usesWiring(spec: ServiceSpec, environment: SynthEnvironment, source?: string): UsesWiring | undefined {
  if (!hasUses(spec)) return undefined;
  const uses = spec.uses ?? {};
  const where = source ?? `service "${spec.name}"`;
  const stackFile = `Pulumi.${environment.stack}.yaml`;
  const preview = isPreviewStack(environment.stack);
  const problems: Problem[] = [];
  const project = environment.gcpProject;
  if (project === undefined) {
    problems.push({
      where: stackFile,
      field: 'gcp:project',
      problem: `is not set, and service "${spec.name}" declares \`uses\` (its resources live in a project)`,
      fix: 'set `gcp:project` in the stack file, or remove `uses` from the service',
    });
  }
  if (uses.postgres !== undefined && environment.gcpRegion === undefined && !preview) {
    problems.push({
      where: stackFile,
      field: 'gcp:region',
      problem: `is not set, and service "${spec.name}" uses postgres (the Cloud SQL connection name needs the region)`,
      fix: 'set `gcp:region` in the stack file',
    });
  }
  assertNoProblems(problems, `cannot wire the \`uses\` of service "${spec.name}" in ${environment.stack}`);
  const p = project as string;
  const { stack, namespace } = environment;

  const env: EnvVar[] = [{ name: 'GOOGLE_CLOUD_PROJECT', value: p }];
  const initContainers: Record<string, unknown>[] = [];
  const volumes: Record<string, unknown>[] = [];
  const volumeMounts: Record<string, unknown>[] = [];
  const podAnnotations: Record<string, string> = {};
  let secretProviderClass: UsesWiring['secretProviderClass'];

  if (uses.postgres !== undefined) {
    env.push(
      { name: 'PGHOST', value: '127.0.0.1' },
      { name: 'PGPORT', value: String(POSTGRES_PROXY_PORT) },
      { name: 'PGDATABASE', value: databaseName(spec) },
      { name: 'PGUSER', value: postgresIamUser(workloadServiceAccountEmail(spec.name, stack, p)) },
    );
    if (!preview) {
      initContainers.push(cloudSqlProxyContainer(sqlConnectionName(p, environment.gcpRegion as string, stack)));
      // Makes istio-proxy a native sidecar too (whatever ENABLE_NATIVE_SIDECARS says), which the
      // injector orders istio-init => istio-proxy => the rest "so init containers are part of the
      // mesh" (Istio 1.30.3 pkg/kube/inject/inject.go and webhook.go reorderPod, commit 56df41f6):
      // the Cloud SQL proxy's first calls (metadata server, Cloud SQL Admin API) find the mesh up.
      // The injector also rewrites init containers' HTTP probes through pilot-agent (app_probe.go
      // patchRewriteProbe), so kubelet's probes pass STRICT mTLS.
      podAnnotations['sidecar.istio.io/nativeSidecar'] = 'true';
    }
  }
  if (uses.redis !== undefined) {
    const secret = redisSecretName(spec.name);
    const ref = (key: string) => ({ secretKeyRef: { name: secret, key } });
    if (!preview) env.push({ name: 'REDIS_HOST', valueFrom: ref(REDIS_SECRET_KEYS.host) });
    env.push({ name: 'REDIS_PORT', value: String(REDIS_TLS_PORT) });
    if (!preview) {
      env.push(
        // Kubernetes expands $(VAR) from variables defined earlier in the list.
        { name: 'REDIS_ADDR', value: '$(REDIS_HOST):$(REDIS_PORT)' },
        { name: 'REDIS_AUTH', valueFrom: ref(REDIS_SECRET_KEYS.auth) },
        { name: 'REDIS_CA_FILE', value: REDIS_CA_FILE },
      );
      volumes.push({
        name: REDIS_CA_VOLUME,
        secret: { secretName: secret, items: [{ key: REDIS_SECRET_KEYS.serverCa, path: REDIS_SECRET_KEYS.serverCa }] },
      });
      volumeMounts.push({ name: REDIS_CA_VOLUME, mountPath: REDIS_CA_DIR, readOnly: true });
    }
  }
  for (const event of uses.publishes ?? []) {
    env.push({ name: `PUBSUB_TOPIC_${envSuffix(event)}`, value: topicPath(p, topicId(stack, namespace, event)) });
  }
  for (const { event } of uses.consumes ?? []) {
    env.push({
      name: `PUBSUB_SUBSCRIPTION_${envSuffix(event)}`,
      value: subscriptionPath(p, subscriptionId(stack, namespace, event, spec.name)),
    });
  }
  (uses.buckets ?? []).forEach((b, i) => {
    const name = bucketName(p, stack, spec.name, b.name);
    if (name.length > MAX_BUCKET_NAME) {
      problems.push({
        where,
        field: `uses.buckets[${i}].name`,
        value: b.name,
        problem: `makes the bucket name "${name}" ${name.length} characters long; Cloud Storage allows at most ${MAX_BUCKET_NAME} (<project>-<stack>-<service>-<name>)`,
        fix: `shorten the bucket name (or the service name) by at least ${name.length - MAX_BUCKET_NAME} character${name.length - MAX_BUCKET_NAME === 1 ? '' : 's'}`,
      });
    }
    env.push({ name: `BUCKET_${envSuffix(b.name)}`, value: name });
  });
  if ((uses.secrets ?? []).length > 0 && !preview) {
    const name = secretProviderClassName(spec.name);
    secretProviderClass = { name, secrets: secretManagerParameters(p, stack, spec) };
    volumes.push({
      name: SECRETS_VOLUME,
      csi: { driver: SECRET_MANAGER_CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: name } },
    });
    volumeMounts.push({ name: SECRETS_VOLUME, mountPath: SECRET_MOUNT_DIR, readOnly: true });
  }

  const own = ownEnvNames(spec);
  for (const e of env) {
    if (own.has(e.name)) {
      problems.push({
        where,
        field: 'env',
        value: e.name,
        problem: 'is set by the platform from `uses`; the spec must not set it too',
        fix: `remove ${e.name} from env, config.values, secrets and versions[].env`,
      });
    }
  }
  assertNoProblems(problems, `the \`uses\` of service "${spec.name}" are invalid in ${environment.stack}`);
  return { env, initContainers, volumes, volumeMounts, podAnnotations, ...(secretProviderClass !== undefined && { secretProviderClass }) };
}

/** The Cloud SQL Auth Proxy as a native sidecar, hardened like every container here. */
export function cloudSqlProxyContainer(connectionName: string): Record<string, unknown> {
  const health = (path: string) => ({ httpGet: { path, port: CLOUD_SQL_PROXY_HEALTH_PORT } });
  return {
    name: CLOUD_SQL_PROXY_CONTAINER,
    image: CLOUD_SQL_PROXY_IMAGE,
    // A digest never changes, so the node cache is safe; a tag may move (as pullPolicyFor in ./workload.ts).
    imagePullPolicy: CLOUD_SQL_PROXY_DIGEST === undefined ? 'Always' : 'IfNotPresent',
    // A native sidecar (Kubernetes 1.29+): started before the app, whose containers wait for
    // its startup probe, and stopped after them.
    restartPolicy: 'Always',
    args: cloudSqlProxyArgs(connectionName),
    // Declared so the probes name a port the container has; the database listener is on 127.0.0.1 only.
    ports: [{ name: 'proxy-health', containerPort: CLOUD_SQL_PROXY_HEALTH_PORT }],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: CLOUD_SQL_PROXY_USER,
      runAsGroup: CLOUD_SQL_PROXY_USER,
      privileged: false,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    // /startup answers 200 once the listeners are up; the app starts only after that.
    startupProbe: { ...health('/startup'), periodSeconds: 1, failureThreshold: 60, timeoutSeconds: 5 },
    // /liveness always answers 200 unless the proxy is wedged. No readiness probe: upstream warns
    // that /readiness fails on instance trouble, which would take every replica out at once.
    livenessProbe: { ...health('/liveness'), periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 5 },
  };
}

/** The SecretProviderClass of a service's Secret Manager secrets, for GKE's add-on. */
export function addSecretProviderClass(scope: Construct, wiring: UsesWiring, labels: Record<string, string>): void {
  const spc = wiring.secretProviderClass;
  if (spc === undefined) return;
  new ApiObject(scope, `${spc.name}-spc`, {
    apiVersion: SECRET_PROVIDER_CLASS_API_VERSION,
    kind: 'SecretProviderClass',
    metadata: { name: spc.name, labels },
    spec: { provider: SECRET_MANAGER_PROVIDER, parameters: { secrets: spc.secrets } },
  });
}

interface PodTemplateJson {
  metadata?: { annotations?: Record<string, string> };
  spec: {
    containers: Array<{ name: string; env?: unknown[]; volumeMounts?: unknown[] }>;
    initContainers?: unknown[];
    volumes?: unknown[];
  };
}

/**
 * Adds the wiring to a synthesized Deployment (JSON, like `withPreStopSleep`: cdk8s-plus-27's
 * Kubernetes 1.27 types know no native sidecars). The app container is the one named after the
 * service. Other objects pass unchanged.
 */
export function withUses<T extends { kind: string }>(obj: T, spec: ServiceSpec, wiring: UsesWiring | undefined): T {
  if (wiring === undefined || obj.kind !== 'Deployment') return obj;
  const template = (obj as unknown as { spec: { template: PodTemplateJson } }).spec.template;
  const app = template.spec.containers.find((c) => c.name === spec.name);
  if (app === undefined) throw new Error(`Deployment of ${spec.name} has no container named ${spec.name}`);
  app.env = [...(app.env ?? []), ...wiring.env];
  if (wiring.volumeMounts.length > 0) app.volumeMounts = [...(app.volumeMounts ?? []), ...wiring.volumeMounts];
  if (wiring.volumes.length > 0) template.spec.volumes = [...(template.spec.volumes ?? []), ...wiring.volumes];
  if (wiring.initContainers.length > 0) template.spec.initContainers = [...wiring.initContainers, ...(template.spec.initContainers ?? [])];
  if (Object.keys(wiring.podAnnotations).length > 0) {
    template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...wiring.podAnnotations } };
  }
  return obj;
}

/** What a stub's values say: the Pulumi program writes the real ones, never a manifest or git. */
export const WRITTEN_BY_PROGRAM = '(written when the stack is deployed, from the Memorystore instance)';

/**
 * The Secrets the Pulumi program writes into the app namespace for the services' `uses`, as
 * policy runs should see them (like charts/mesh/edge-gateway.ts `edgeTlsSecret`): one per
 * service with `redis`, named `redisSecretName(service)`, with the keys `REDIS_SECRET_KEYS`
 * (host, auth, server-ca.pem) and placeholder values. None on a preview stack. Not part of
 * the synthesized manifests: the program owns these objects.
 */
export function programWrittenObjects(catalogue: Catalogue, environment: Pick<SynthEnvironment, 'stack' | 'namespace'>): ManifestObject[] {
  if (isPreviewStack(environment.stack)) return [];
  return catalogue.services
    .filter(({ spec }) => spec.uses?.redis !== undefined)
    .map(({ spec }) => {
      const secret: ManifestObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: redisSecretName(spec.name),
          namespace: environment.namespace,
          labels: { app: spec.name, 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'redis' },
        },
        type: 'Opaque',
        stringData: Object.fromEntries(Object.values(REDIS_SECRET_KEYS).map((k) => [k, WRITTEN_BY_PROGRAM])),
      };
      assertNoProblems(validateObject(secret, `the Redis Secret of ${spec.name}`), 'a program-written Secret failed validation');
      return secret;
    });
}
