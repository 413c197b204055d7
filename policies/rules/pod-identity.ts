/**
 * PS10: identity, namespaces and secrets: pods run as their own service account without a
 * mounted token, objects stay out of `default`, and no secret value is in a manifest.
 */
import { isJson, list, obj, show, type Json } from '../objects';
import { isPlatformGeneratedSecret } from '../platform';
import { objectId, type ManifestRule } from '../types';
import { ALL_CONTAINERS, manifestRule, perContainer, perWorkload } from './define';

const defaultServiceAccount = manifestRule(
  {
    id: 'PS10-default-service-account',
    description: 'Pods run as their own service account, not "default"',
    why: 'every pod of the namespace shares the default service account: RBAC or a Workload Identity binding granted to it reaches them all, and no grant can be scoped to one workload',
    fix: 'create a ServiceAccount for the workload and set serviceAccountName to it',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS10'],
  },
  perWorkload((w) => {
    const name = w.pod.serviceAccountName ?? w.pod.serviceAccount;
    if (name === undefined || name === '') return ['serviceAccountName is unset (the pod runs as "default")'];
    return name === 'default' ? ['serviceAccountName is "default"'] : [];
  }),
);

const tokenAutomount = manifestRule(
  {
    id: 'PS10-token-automount',
    description: 'The service account token is not mounted into pods',
    why: 'a mounted token lets anyone who gets code execution in the pod call the Kubernetes API as the workload; application pods rarely need it, and Kubernetes mounts it unless told not to',
    fix: 'set automountServiceAccountToken: false on the pod or its ServiceAccount; a workload that really calls the Kubernetes API gets an exception in policies/exceptions.yaml with the reason',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS10'],
  },
  perWorkload((w, _ctx, index) => {
    const podValue = w.pod.automountServiceAccountToken;
    if (podValue === false) return [];
    if (podValue !== undefined) return [`automountServiceAccountToken is ${show(podValue)}`];
    const saName = w.pod.serviceAccountName ?? w.pod.serviceAccount ?? 'default';
    const sa = typeof saName === 'string' ? index.find('ServiceAccount', w.namespace, saName) : undefined;
    if (sa === undefined)
      return [
        `automountServiceAccountToken is unset on the pod and ServiceAccount "${show(saName)}" is not in the manifests (the token is mounted)`,
      ];
    const saValue = (sa as Json).automountServiceAccountToken;
    return saValue === false
      ? []
      : [
          `automountServiceAccountToken is unset on the pod and ${saValue === undefined ? 'unset' : show(saValue)} on ${objectId(sa)} (the token is mounted)`,
        ];
  }),
);

/** Kinds that always live in a namespace: one without metadata.namespace lands in kubectl's current one. */
const NAMESPACED_KINDS = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Service',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'Role',
  'RoleBinding',
  'Ingress',
  'PersistentVolumeClaim',
  'VirtualService',
  'DestinationRule',
  'Gateway',
  'ServiceEntry',
  'Sidecar',
  'PeerAuthentication',
  'AuthorizationPolicy',
  'RequestAuthentication',
  'Telemetry',
  'EnvoyFilter',
  'WorkloadEntry',
  'WorkloadGroup',
]);

const defaultNamespace = manifestRule(
  {
    id: 'PS10-default-namespace',
    description: 'Objects are not in the default namespace',
    why: 'the default namespace is where everything lands by accident: it has no Pod Security labels, no default-deny NetworkPolicy and no mesh policy of its own, and RBAC on it is usually broad',
    fix: "set metadata.namespace to the application's namespace",
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['PS10'],
  },
  (ctx) =>
    ctx.objects.flatMap((o) => {
      if (o.metadata.namespace === 'default') return [{ object: objectId(o), message: 'metadata.namespace is default' }];
      if (o.metadata.namespace === undefined && NAMESPACED_KINDS.has(o.kind)) {
        return [
          {
            object: objectId(o),
            message: "metadata.namespace is unset (kubectl puts it in the current context's namespace, usually default)",
          },
        ];
      }
      return [];
    }),
);

/**
 * Names that say they hold a secret: passwords, tokens, secrets, credentials, and the key
 * names of the cloud providers and libraries (`AZURE_STORAGE_ACCOUNT_KEY`, `SIGNING_KEY`,
 * `AZURE_STORAGE_CONNECTION_STRING`, `DB_PASS`)...
 */
const SECRET_NAME =
  /passw(or)?d|secret|token|credential|(api|private|access|account|signing|encryption|master|client|shared|hmac|session|auth|storage|sas)[_.-]?key|conn(ection)?[_.-]?str(ing)?|(^|[_.-])(pass|pwd)$/i;
/** `dbPass`, `redisPwd`: case-sensitive, so `BYPASS` is not one. */
const CAMEL_SECRET_NAME = /[a-z0-9](Pass|Pwd)$/;
/**
 * ...unless they only point at one or describe it (`DB_PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`,
 * `dbPasswordFile`, `SESSION_KEY_PREFIX`, `TOKEN_TTL`).
 */
const SECRET_POINTER =
  /[_.-](file|path|url|uri|endpoint|host|name|ref|dir|id|prefix|header|length|size|type|format|field|algorithm|ttl|timeout|issuer|audience)$/i;
const CAMEL_POINTER =
  /[a-z0-9](File|Path|Url|URL|Uri|URI|Endpoint|Host|Name|Ref|Dir|Id|ID|Prefix|Header|Length|Size|Type|Format|Field|Algorithm|Ttl|TTL|Timeout|Issuer|Audience)$/;
/** Values that are not the secret itself: substitutions, booleans, small numbers, and file paths (`GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json`). */
const NOT_A_SECRET_VALUE = /^\s*(\$\{.*\}|\$\(.*\)|\{\{.*\}\}|<.*>|true|false|yes|no|on|off|\d{1,4}|(\/[\w.@-]+){2,}\/?)?\s*$/i;
/** A PEM private key header, also when its dashes or spacing are mangled (`-----BEGIN RSA PRIVATE KEY----`, `BEGIN PGP PRIVATE KEY BLOCK`). */
const PRIVATE_KEY_HEADER =
  /-{2,}\s*BEGIN\s+([A-Z0-9]+\s+)*PRIVATE\s+KEY|(^|\n)\s*BEGIN\s+([A-Z0-9]+\s+)*PRIVATE\s+KEY[ A-Z-]*\r?\n\s*[A-Za-z0-9+/=]{32,}/;
/** Values that are secrets whatever their name. Messages name the kind, never the value. */
const SECRET_VALUES: ReadonlyArray<readonly [RegExp, string]> = [
  [PRIVATE_KEY_HEADER, 'a private key'],
  [/PuTTY-User-Key-File-\d+:/, 'a PuTTY private key'],
  [/"type"\s*:\s*"service_account"/, 'a Google service account key'],
  [/"type"\s*:\s*"authorized_user"/, 'a Google user credential'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bGOCSPX-[0-9A-Za-z_-]{20,}/, 'a Google OAuth client secret'],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/AccountKey=[A-Za-z0-9+/]{20,}={0,2}/, 'an Azure storage account key'],
  [/SharedAccessKey=[A-Za-z0-9+/]{20,}={0,2}/, 'an Azure shared access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/, 'a JWT'],
  [/[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:(?!\$)[^\s/@]+@/i, 'a URL with a password'],
];
/** `password = hunter2` / `apiKey: abc` lines inside a config file held in a ConfigMap. */
const SECRET_LINE = /^\s*["']?([\w.-]+)["']?\s*[:=]\s*["']?([^"'\s#]+)/;

function secretNamed(name: string): boolean {
  return (SECRET_NAME.test(name) || CAMEL_SECRET_NAME.test(name)) && !SECRET_POINTER.test(name) && !CAMEL_POINTER.test(name);
}

function looksSecret(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const kind = SECRET_VALUES.find(([re]) => re.test(value));
  if (kind !== undefined) return `holds what looks like ${kind[1]}`;
  if (secretNamed(name) && !value.includes('\n') && !NOT_A_SECRET_VALUE.test(value)) {
    return 'has a literal value and its name says it is a secret';
  }
  const lines = value.split('\n');
  for (let i = 0; i < lines.length && lines.length > 1; i++) {
    const m = SECRET_LINE.exec(lines[i]);
    if (m !== null && secretNamed(m[1]) && !NOT_A_SECRET_VALUE.test(m[2])) {
      return `sets ${m[1]} to a literal value on line ${i + 1}`;
    }
  }
  return undefined;
}

const secretLiterals = manifestRule(
  {
    id: 'PS10-secret-literals',
    description: 'No secret values in env, ConfigMaps or Secret manifests',
    why: 'a literal password, key or token in a manifest is in git, in CI logs, in every rendered diff and readable by anyone who can read ConfigMaps or pod specs; it cannot be rotated without a release',
    fix: 'keep the value in Secret Manager (synced by External Secrets) and reference it with env[].valueFrom.secretKeyRef or a secret volume; never commit Secret data',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['PS10'],
  },
  (ctx, index) => [
    ...perContainer(ALL_CONTAINERS, (c) =>
      list(c.env)
        .filter(isJson)
        .flatMap((e) => {
          const what = looksSecret(String(e.name), e.value);
          return what === undefined ? [] : [`env ${show(e.name)} ${what}`];
        }),
    )(ctx, index),
    ...index.ofKind('ConfigMap').flatMap((cm) =>
      Object.entries(obj((cm as Json).data)).flatMap(([key, value]) => {
        const what = looksSecret(key, value);
        return what === undefined ? [] : [{ object: objectId(cm), message: `data key "${key}" ${what}` }];
      }),
    ),
    ...index.ofKind('Secret').flatMap((s) => {
      const keys = [...Object.keys(obj((s as Json).data)), ...Object.keys(obj((s as Json).stringData))];
      // The documented exceptions: what the program writes at deploy time, the load balancer hop's certificate
      // (docs/edge.md) and the Redis Secrets of services that use redis (docs/infrastructure.md).
      if (keys.length === 0 || isPlatformGeneratedSecret(ctx, s, keys)) return [];
      return [{ object: objectId(s), message: `carries secret data in the manifests (keys ${keys.join(', ')})` }];
    }),
  ],
);

/** Identity and secret rules, in report order. */
export const podIdentityRules: readonly ManifestRule[] = [defaultServiceAccount, tokenAutomount, defaultNamespace, secretLiterals];
