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
import { cidrRange, cidrsOverlap, isNetworkAddress } from './cidr';
import type { SynthEnvironment } from '../charts/synthesize';
import { ENVIRONMENT_PROFILES, RESOURCE_TIERS_ORDER, type EnvironmentProfile, type ResourceTier } from '../services/spec';

/** The Pulumi project name (`Pulumi.yaml`), which namespaces our config keys. */
export const PROJECT = 'platform';

/** Everything the environment's stack file says; synthesis reads the `SynthEnvironment` part. */
export interface EnvironmentConfig extends Omit<SynthEnvironment, 'releasesFile'> {
  /**
   * `platform`: a full stack (network, cluster, Istio, load balancer, apps).
   * `preview`: a pull request's `pr-<N>` stack: only the apps, on the dev cluster.
   */
  readonly kind: 'platform' | 'preview';
  /** Repository-relative stack file, for messages (dev's file for preview stacks). */
  readonly file: string;
  /** Fully qualified name of the dev stack, which preview stacks deploy onto. */
  readonly devStackReference: string;
  /** Which `services/releases/<name>.yaml` holds this environment's pins. */
  readonly releases: string;
  /** GCP project id (`gcp:project`). */
  readonly gcpProject: string;
  /** GCP region (`gcp:region`). */
  readonly gcpRegion: string;
  /** Zones of the regional cluster's node pools (all in the region). */
  readonly zones: readonly string[];
  /** Primary range of the subnet (nodes). */
  readonly subnetCidr: string;
  /** Secondary range for pods. */
  readonly podsCidr: string;
  /** Secondary range for Services. */
  readonly servicesCidr: string;
  /** /28 for the private control plane. */
  readonly masterCidr: string;
  readonly nodeMachineType: string;
  /** Autoscaling bounds per zone. */
  readonly nodeMinCount: number;
  readonly nodeMaxCount: number;
  readonly nodeDiskSizeGb: number;
  /** Spot VMs: cheap, preemptible; dev only by default. */
  readonly nodeSpot: boolean;
  readonly releaseChannel: 'RAPID' | 'REGULAR' | 'STABLE';
  /** Istio Helm chart version (base, istiod, gateway), pinned. */
  readonly istioVersion: string;
  /** Replicas of istiod and the ingress gateway (at least 2 outside dev). */
  readonly meshReplicas: number;
  /** GitHub `owner/repo`s whose workflows may deploy and push images (Workload Identity Federation). */
  readonly ciRepositories: readonly string[];
  readonly deletionProtection: boolean;
  /** CIDRs allowed to reach the control plane's IP endpoint; empty = DNS endpoint with IAM only. */
  readonly authorizedNetworks: readonly string[];
  readonly binaryAuthorization: boolean;
  /** Image prefixes workloads may pull from (policy IM02). */
  readonly allowedRegistries: readonly string[];
  /** Start of the maintenance window, UTC `HH:MM`; it lasts 6 hours on weekend days (GKE needs 48 h per 32 days). */
  readonly maintenanceStart: string;
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

interface FallbackContext {
  readonly stack: string;
  readonly profile: EnvironmentProfile;
  readonly gcpRegion: string;
  readonly gcpProject: string;
}

type Reader<T> = (raw: unknown) => T | { problem: string; fix: string };

interface KeySpec<T> {
  readonly key: string;
  readonly read: Reader<T>;
  /** Used when the key is absent; sees the stack and the keys read before it. */
  readonly fallback?: (ctx: FallbackContext) => T;
  /** Absent is fine (the value stays undefined). */
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

const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const SEMVER = /^\d+\.\d+\.\d+$/;

const integer =
  (min: number, max: number): Reader<number> =>
  (raw) => {
    const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : { problem: `must be a whole number from ${min} to ${max}`, fix: `set it to a number from ${min} to ${max}` };
  };

const list =
  (re: RegExp, what: string, example: string, allowEmpty = true): Reader<string[]> =>
  (raw) =>
    Array.isArray(raw) && raw.every((x) => typeof x === 'string' && re.test(x)) && (allowEmpty || raw.length > 0)
      ? (raw as string[])
      : { problem: `must be a YAML list of ${what}${allowEmpty ? '' : ' (at least one)'}`, fix: `write it as a list, e.g. [${example}]` };

// Keys are read in this order; `profile` and `gcp:region` first, as fallbacks depend on them.
const KEYS = {
  profile: { key: `${PROJECT}:profile`, read: oneOf(ENVIRONMENT_PROFILES) },
  gcpRegion: { key: 'gcp:region', read: pattern(GCP_REGION, 'a GCP region', 'europe-west1') },
  namespace: { key: `${PROJECT}:namespace`, read: pattern(DNS_LABEL, 'a DNS-1123 label', 'bookinfo') },
  domain: { key: `${PROJECT}:domain`, read: pattern(DOMAIN, 'a lower-case DNS domain', 'dev.bookinfo.example.com') },
  defaultTier: { key: `${PROJECT}:defaultTier`, read: oneOf(RESOURCE_TIERS_ORDER), fallback: () => 'small' as ResourceTier },
  releases: { key: `${PROJECT}:releases`, read: pattern(DNS_LABEL, 'the name of a file in services/releases/', 'dev'), fallback: ({ stack }) => stack },
  // Only dev may run mutable tags: what was tested in staging is byte-for-byte what runs in prod.
  requireDigests: { key: `${PROJECT}:requireDigests`, read: boolean, fallback: ({ profile }) => profile !== 'dev' },
  gatewayNamespace: { key: `${PROJECT}:gatewayNamespace`, read: pattern(DNS_LABEL, 'a DNS-1123 label', 'istio-ingress'), fallback: () => 'istio-ingress' },
  gatewayName: { key: `${PROJECT}:gatewayName`, read: pattern(DNS_LABEL, 'the Helm release name of the gateway', 'istio-ingress'), fallback: () => 'istio-ingress' },
  tlsCredential: { key: `${PROJECT}:tlsCredential`, read: pattern(DNS_LABEL, 'the name of a TLS Secret in the gateway namespace', 'bookinfo-dev-tls') },
  controlPlaneNamespace: { key: `${PROJECT}:controlPlaneNamespace`, read: pattern(DNS_LABEL, 'a DNS-1123 label', 'istio-system'), fallback: () => 'istio-system' },
  jwtIssuer: { key: `${PROJECT}:jwtIssuer`, read: pattern(HTTPS_URL, 'an https:// issuer URL', 'https://accounts.google.com'), optional: true },
  jwksUri: { key: `${PROJECT}:jwksUri`, read: pattern(HTTPS_URL, 'an https:// JWKS URL', 'https://www.googleapis.com/oauth2/v3/certs'), optional: true },
  gcpProject: { key: 'gcp:project', read: pattern(GCP_PROJECT, 'a GCP project id (6-30 lower-case letters, digits, "-")', 'my-platform-dev') },
  zones: { key: `${PROJECT}:zones`, read: list(/^[a-z]+-[a-z]+\d-[a-z]$/, 'zones', 'europe-west1-b, europe-west1-c', false), fallback: ({ gcpRegion }) => ['b', 'c', 'd'].map((z) => `${gcpRegion}-${z}`) },
  subnetCidr: { key: `${PROJECT}:subnetCidr`, read: pattern(CIDR, 'an IPv4 CIDR', '10.10.0.0/20'), fallback: () => '10.10.0.0/20' },
  podsCidr: { key: `${PROJECT}:podsCidr`, read: pattern(CIDR, 'an IPv4 CIDR', '10.20.0.0/14'), fallback: () => '10.20.0.0/14' },
  servicesCidr: { key: `${PROJECT}:servicesCidr`, read: pattern(CIDR, 'an IPv4 CIDR', '10.24.0.0/20'), fallback: () => '10.24.0.0/20' },
  masterCidr: { key: `${PROJECT}:masterCidr`, read: pattern(/^.+\/28$/, 'a /28 IPv4 CIDR', '172.16.0.0/28'), fallback: () => '172.16.0.0/28' },
  nodeMachineType: { key: `${PROJECT}:nodeMachineType`, read: pattern(/^[a-z0-9]+-[a-z0-9-]+$/, 'a Compute Engine machine type', 'e2-standard-4'), fallback: () => 'e2-standard-4' },
  nodeMinCount: { key: `${PROJECT}:nodeMinCount`, read: integer(0, 100), fallback: () => 1 },
  nodeMaxCount: { key: `${PROJECT}:nodeMaxCount`, read: integer(1, 1000), fallback: ({ profile }) => ({ dev: 2, staging: 3, prod: 5 })[profile] },
  nodeDiskSizeGb: { key: `${PROJECT}:nodeDiskSizeGb`, read: integer(20, 2000), fallback: () => 50 },
  nodeSpot: { key: `${PROJECT}:nodeSpot`, read: boolean, fallback: ({ profile }) => profile === 'dev' },
  releaseChannel: { key: `${PROJECT}:releaseChannel`, read: oneOf(['RAPID', 'REGULAR', 'STABLE'] as const), fallback: ({ profile }) => (profile === 'prod' ? 'STABLE' : 'REGULAR') },
  istioVersion: { key: `${PROJECT}:istioVersion`, read: pattern(SEMVER, 'an Istio release (x.y.z)', '1.30.3') },
  meshReplicas: { key: `${PROJECT}:meshReplicas`, read: integer(1, 20), fallback: ({ profile }) => (profile === 'dev' ? 1 : 2) },
  ciRepositories: { key: `${PROJECT}:ciRepositories`, read: list(REPOSITORY, 'GitHub owner/repo names', 'my-org/platform, my-org/reviews', false) },
  deletionProtection: { key: `${PROJECT}:deletionProtection`, read: boolean, fallback: ({ profile }) => profile === 'prod' },
  authorizedNetworks: { key: `${PROJECT}:authorizedNetworks`, read: list(CIDR, 'IPv4 CIDRs', '203.0.113.0/24'), fallback: () => [] },
  binaryAuthorization: { key: `${PROJECT}:binaryAuthorization`, read: boolean, fallback: ({ profile }) => profile === 'prod' },
  devStackReference: {
    key: `${PROJECT}:devStackReference`,
    read: pattern(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'a stack reference <organization>/<project>/<stack>', 'organization/platform/dev'),
    fallback: () => `organization/${PROJECT}/dev`,
  },
  allowedRegistries: {
    key: `${PROJECT}:allowedRegistries`,
    read: list(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/$/, 'image prefixes ending in "/"', 'docker.io/istio/, europe-west1-docker.pkg.dev/my-project/'),
    // Istio's sample images and this environment's own Artifact Registry.
    fallback: ({ gcpRegion, gcpProject }) => ['docker.io/istio/', `${gcpRegion}-docker.pkg.dev/${gcpProject}/`],
  },
  maintenanceStart: { key: `${PROJECT}:maintenanceStart`, read: pattern(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time HH:MM', '02:00'), fallback: () => '02:00' },
} satisfies Record<string, KeySpec<unknown>>;

/** Preview stacks: one per pull request, `pr-<number>`. */
export const PREVIEW_STACK = /^pr-([1-9]\d{0,6})$/;

/**
 * Reads `Pulumi.<stack>.yaml`. Every problem names the file, key and the expected value.
 * A `pr-<N>` stack without a file of its own is a preview of dev (see `previewOf`).
 */
export function loadEnvironment(stack: string, root = repoRoot()): EnvironmentConfig {
  if (PREVIEW_STACK.test(stack) && !fs.existsSync(stackFile(stack, root))) return previewOf(loadEnvironment('dev', root), stack);
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
      const ctx = {
        stack,
        profile: (values.profile ?? 'dev') as EnvironmentProfile,
        gcpRegion: (values.gcpRegion ?? 'europe-west1') as string,
        gcpProject: (values.gcpProject ?? 'project') as string,
      };
      if (spec.fallback !== undefined) values[name] = spec.fallback(ctx);
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
      const closest = closestKey(key, [...known]);
      problems.push({ where: display, field: `config.${key}`, value, problem: 'is not a setting of this project',
        fix: `${closest === undefined ? 'remove it' : `did you mean ${closest}?`} (every setting is listed in the README's Environments section)` });
    }
  }
  if ((values.jwtIssuer === undefined) !== (values.jwksUri === undefined) && !problems.some((p) => /jwt|jwks/.test(p.field))) {
    const missing = values.jwtIssuer === undefined ? `${PROJECT}:jwtIssuer` : `${PROJECT}:jwksUri`;
    problems.push({ where: display, field: `config.${missing}`, problem: 'is required with the other JWT setting', fix: `set both ${PROJECT}:jwtIssuer and ${PROJECT}:jwksUri, or neither` });
  }
  if (problems.length === 0) problems.push(...crossChecks(values as unknown as EnvironmentConfig, display));
  assertNoProblems(problems, `${display}: invalid environment settings`);
  return { stack, kind: 'platform', file: display, ...values } as EnvironmentConfig;
}

/**
 * A pull request's preview: dev's settings, its own namespace `pr-<N>` and host
 * `pr-<N>.<dev domain>` on the dev cluster and gateway, dev's pins as changed by the PR.
 * It owns no cluster, so nothing in it is deletion-protected.
 */
export function previewOf(dev: EnvironmentConfig, stack: string): EnvironmentConfig {
  return { ...dev, stack, kind: 'preview', namespace: stack, domain: `${stack}.${dev.domain}`, releases: dev.releases, deletionProtection: false };
}

/** The known key within two edits of a typo, if any. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Rules between keys: zones in the region, ranges that do not collide, production safety. */
function crossChecks(c: EnvironmentConfig, where: string): Problem[] {
  const problems: Problem[] = [];
  const add = (key: string, value: unknown, problem: string, fix: string) => problems.push({ where, field: `config.${key}`, value, problem, fix });
  for (const zone of c.zones) {
    if (!zone.startsWith(`${c.gcpRegion}-`)) add(`${PROJECT}:zones`, zone, `is not in the region ${c.gcpRegion}`, `use zones of ${c.gcpRegion}, e.g. ${c.gcpRegion}-b`);
  }
  const ranges = { subnetCidr: c.subnetCidr, podsCidr: c.podsCidr, servicesCidr: c.servicesCidr, masterCidr: c.masterCidr };
  for (const [key, cidr] of Object.entries(ranges)) {
    if (!isNetworkAddress(cidr)) add(`${PROJECT}:${key}`, cidr, 'has host bits set', `use the network address, e.g. ${cidrRange(cidr).map(formatIp)[0]}/${cidr.split('/')[1]}`);
  }
  const entries = Object.entries(ranges);
  entries.forEach(([k1, a], i) => entries.slice(i + 1).forEach(([k2, b]) => {
    if (cidrsOverlap(a, b)) add(`${PROJECT}:${k2}`, b, `overlaps ${PROJECT}:${k1} (${a})`, 'give the subnet, pods, services and control plane disjoint ranges');
  }));
  if (c.nodeMaxCount < c.nodeMinCount) add(`${PROJECT}:nodeMaxCount`, c.nodeMaxCount, `is below ${PROJECT}:nodeMinCount (${c.nodeMinCount})`, 'raise nodeMaxCount or lower nodeMinCount');
  if (c.profile !== 'dev' && c.meshReplicas < 2) add(`${PROJECT}:meshReplicas`, c.meshReplicas, `leaves istiod and the gateway without redundancy in a ${c.profile} environment`, 'use 2 or more');
  if (c.profile === 'prod' && !c.deletionProtection) add(`${PROJECT}:deletionProtection`, false, 'is off in production', 'remove the key (it defaults to true in prod) or set it to true');
  return problems;
}

function formatIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
