/**
 * The only reader of environment configuration. `Pulumi.<stack>.yaml` is the single
 * source of an environment's settings: the synth command reads it through this module
 * and the Pulumi program will too, so manifests and infrastructure never disagree.
 *
 * Pure on purpose (no @pulumi/pulumi import): it runs without the Pulumi engine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { assertNoProblems, type Problem } from '../services/problems';
import type { SynthEnvironment } from '../charts/synthesize';
import { ENVIRONMENT_PROFILES, RESOURCE_TIERS_ORDER, type EnvironmentProfile, type ResourceTier } from '../services/spec';

/** The Pulumi project name (`Pulumi.yaml`), which namespaces our config keys. */
export const PROJECT = 'platform';

/** Everything the environment's stack file says; synthesis reads the `SynthEnvironment` part. */
export interface EnvironmentConfig extends Omit<SynthEnvironment, 'releasesFile'> {
  /** Repository-relative stack file, for messages. */
  readonly file: string;
  /** Which `services/releases/<name>.yaml` holds this environment's pins. */
  readonly releases: string;
  /** GCP project id (`gcp:project`). */
  readonly gcpProject: string;
  /** GCP region (`gcp:region`). */
  readonly gcpRegion: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const GCP_PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const GCP_REGION = /^[a-z]+-[a-z]+[0-9]$/;
const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;

/** The repository root: where `Pulumi.yaml` lives. */
export function repoRoot(): string {
  return path.resolve(__dirname, '..');
}

export function stackFile(stack: string, root = repoRoot()): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

/** Stacks that have a `Pulumi.<stack>.yaml`, sorted. */
export function availableStacks(root = repoRoot()): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

type Reader<T> = (raw: unknown) => T | { problem: string; fix: string };

interface KeySpec<T> {
  readonly key: string;
  readonly read: Reader<T>;
  /** Used when the key is absent. */
  readonly fallback?: (stack: string) => T;
  /** Absent is fine and resolved later (after the keys it depends on). */
  readonly optional?: true;
}

const isFailure = (v: unknown): v is { problem: string; fix: string } =>
  typeof v === 'object' && v !== null && 'problem' in v && 'fix' in v;

const pattern =
  (re: RegExp, what: string, example: string): Reader<string> =>
  (raw) =>
    typeof raw === 'string' && re.test(raw) ? raw : { problem: `must be ${what}`, fix: `set it to e.g. ${example}` };

const oneOf =
  <T extends string>(values: readonly T[]): Reader<T> =>
  (raw) =>
    values.includes(raw as T) ? (raw as T) : { problem: `must be one of ${values.join(', ')}`, fix: `set it to one of ${values.join(', ')}` };

/** `pulumi config set` writes every value as a string, so "true" counts as true. */
const boolean: Reader<boolean> = (raw) => {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return { problem: 'must be true or false', fix: 'set it to true or false' };
};

const KEYS = {
  profile: { key: `${PROJECT}:profile`, read: oneOf(ENVIRONMENT_PROFILES) },
  namespace: { key: `${PROJECT}:namespace`, read: pattern(DNS_LABEL, 'a DNS-1123 label', 'bookinfo') },
  domain: { key: `${PROJECT}:domain`, read: pattern(DOMAIN, 'a lower-case DNS domain', 'dev.bookinfo.example.com') },
  defaultTier: { key: `${PROJECT}:defaultTier`, read: oneOf(RESOURCE_TIERS_ORDER), fallback: () => 'small' as ResourceTier },
  releases: { key: `${PROJECT}:releases`, read: pattern(DNS_LABEL, 'the name of a file in services/releases/', 'dev'), fallback: (stack: string) => stack },
  requireDigests: { key: `${PROJECT}:requireDigests`, read: boolean, optional: true },
  gatewayNamespace: { key: `${PROJECT}:gatewayNamespace`, read: pattern(DNS_LABEL, 'a DNS-1123 label', 'istio-ingress'), fallback: () => 'istio-ingress' },
  gatewayName: { key: `${PROJECT}:gatewayName`, read: pattern(DNS_LABEL, 'the Helm release name of the gateway', 'istio-ingress'), fallback: () => 'istio-ingress' },
  tlsCredential: { key: `${PROJECT}:tlsCredential`, read: pattern(DNS_LABEL, 'the name of a TLS Secret in the gateway namespace', 'bookinfo-dev-tls') },
  controlPlaneNamespace: { key: `${PROJECT}:controlPlaneNamespace`, read: pattern(DNS_LABEL, 'a DNS-1123 label', 'istio-system'), fallback: () => 'istio-system' },
  jwtIssuer: { key: `${PROJECT}:jwtIssuer`, read: pattern(HTTPS_URL, 'an https:// issuer URL', 'https://accounts.google.com'), optional: true },
  jwksUri: { key: `${PROJECT}:jwksUri`, read: pattern(HTTPS_URL, 'an https:// JWKS URL', 'https://www.googleapis.com/oauth2/v3/certs'), optional: true },
  gcpProject: { key: 'gcp:project', read: pattern(GCP_PROJECT, 'a GCP project id (6-30 lower-case letters, digits, "-")', 'my-platform-dev') },
  gcpRegion: { key: 'gcp:region', read: pattern(GCP_REGION, 'a GCP region', 'europe-west1') },
} satisfies Record<string, KeySpec<unknown>>;

/** Reads `Pulumi.<stack>.yaml`. Every problem names the file, key and the expected value. */
export function loadEnvironment(stack: string, root = repoRoot()): EnvironmentConfig {
  const file = stackFile(stack, root);
  const display = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) {
    assertNoProblems([{ where: display, field: '(file)', value: stack, problem: 'is not a stack of this repository',
      fix: `use one of: ${availableStacks(root).join(', ')}, or create Pulumi.${stack}.yaml` }]);
  }
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) {
    assertNoProblems(doc.errors.map((e) => ({ where: display, field: `line ${e.linePos?.[0]?.line ?? '?'}`, problem: `is not valid YAML (${e.code})`, fix: e.message.split('\n')[0] })));
  }
  const data: unknown = doc.toJS();
  const config = (data as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    assertNoProblems([{ where: display, field: 'config', value: config, problem: 'must be a map of settings', fix: 'write `config:` followed by indented `key: value` lines' }]);
  }
  const problems: Problem[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(KEYS) as [string, KeySpec<unknown>][]) {
    const raw = (config as Record<string, unknown>)[spec.key];
    if (raw === undefined) {
      if (spec.fallback !== undefined) values[name] = spec.fallback(stack);
      else if (spec.optional !== true) problems.push({ where: display, field: `config.${spec.key}`, problem: 'is required', fix: `add \`${spec.key}: <value>\` under config:` });
      continue;
    }
    const result = spec.read(raw);
    if (isFailure(result)) problems.push({ where: display, field: `config.${spec.key}`, value: raw, ...result });
    else values[name] = result;
  }
  const known = new Set(Object.values(KEYS).map((k) => k.key));
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (key.startsWith(`${PROJECT}:`) && !known.has(key)) {
      problems.push({ where: display, field: `config.${key}`, value, problem: 'is not a setting of this project',
        fix: `remove it or fix the spelling (known: ${[...known].filter((k) => k.startsWith(PROJECT)).sort().join(', ')})` });
    }
  }
  if ((values.jwtIssuer === undefined) !== (values.jwksUri === undefined) && !problems.some((p) => /jwt|jwks/.test(p.field))) {
    const missing = values.jwtIssuer === undefined ? `${PROJECT}:jwtIssuer` : `${PROJECT}:jwksUri`;
    problems.push({ where: display, field: `config.${missing}`, problem: 'is required with the other JWT setting', fix: `set both ${PROJECT}:jwtIssuer and ${PROJECT}:jwksUri, or neither` });
  }
  assertNoProblems(problems, `${display}: invalid environment settings`);
  const profile = values.profile as EnvironmentProfile;
  // Only dev may run mutable tags: what was tested in staging is byte-for-byte what runs in prod.
  values.requireDigests ??= profile !== 'dev';
  return { stack, file: display, ...values } as EnvironmentConfig;
}
