/**
 * The one typed schema of an environment's settings, over a raw key -> value map. Two
 * sources feed it the same map: the Pulumi program reads its stack's configuration
 * through the Pulumi runtime (`infra/program.ts`: `pulumi config set`, `secure:` values,
 * project config and ESC environments all arrive there), and the offline tools read the
 * same stack files (`core/config.ts`), turned into the map the Pulumi CLI would hand the
 * program: every value as text, lists as JSON.
 *
 * Pure on purpose (no @pulumi/pulumi import, no file system): the policy pack and the
 * offline tools run it without the Pulumi engine.
 */
import { assertNoProblems, closestMatch, type Problem } from './problems';
import { cidrRange, cidrsOverlap, IPV4_CIDR, isNetworkAddress } from './cidr';
import { ENVIRONMENT_PROFILES, RESOURCE_TIERS_ORDER, type EnvironmentProfile, type SynthEnvironment } from './environment';

/** The Pulumi project name (`Pulumi.yaml`), which namespaces our config keys. */
export const PROJECT = 'platform';

/** Everything the environment's settings say; synthesis reads the `SynthEnvironment` part. */
/**
 * One app an environment hosts: a catalogue (a team's services) with its own namespace, host
 * and image pins file. `platform:apps` lists them; docs/environments.md "Several apps".
 */
export interface AppConfig {
  /** DNS-1123 label: the catalogue's name, its `app.kubernetes.io/part-of` label, and how other apps name it (`<app>/<service>`). */
  readonly name: string;
  /** Repository-relative module that exports the catalogue. @default `services/<name>` */
  readonly catalogue: string;
  /** Namespace the app is deployed to. @default - the app's name */
  readonly namespace: string;
  /** Host the app's routes default to: the environment's domain or a name under it. @default `<name>.<domain>` */
  readonly host: string;
  /** Repository-relative YAML file with the app's image pins in this environment. @default `services/<name>/releases/<stack>.yaml` */
  readonly releases: string;
}

/** `pulumi config set platform:previewApps` on a preview stack: the apps a pull request changes. */
export interface EnvironmentConfig extends Omit<SynthEnvironment, 'releasesFile' | 'namespace'> {
  /**
   * `platform`: a full stack (network, cluster, Istio, load balancer, apps).
   * `preview`: a pull request's `pr-<N>` stack: only the apps, on the dev cluster.
   */
  readonly kind: 'platform' | 'preview';
  /** Where the settings came from, for messages: the stack file, `pulumi config`, or dev's stack output. */
  readonly file: string;
  /** Fully qualified name of the dev stack, which preview stacks deploy onto. */
  readonly devStackReference: string;
  /** Fully qualified name of this environment's bootstrap stack (accounts, node account, keys). */
  readonly bootstrapStackReference: string;
  /**
   * The apps the environment hosts, in the order given (at least one). Without `platform:apps`,
   * one app: BookInfo (`services/bookinfo`) in `platform:namespace` at `platform:domain`, pins in
   * `services/releases/<platform:releases>.yaml`.
   */
  readonly apps: readonly AppConfig[];
  /**
   * A preview stack's `platform:previewApps`: the apps the pull request changes, which it deploys
   * (with the apps they call). @default - every app of dev
   */
  readonly previewApps?: readonly string[];
  /**
   * How the apps' objects reach the cluster (docs/scaling.md). `pulumi`: every object is a Pulumi
   * resource. `configsync`: the cluster joins a fleet with Config Sync, and each app's rendered
   * manifests are pulled from Artifact Registry at the digest `pulumi up` sets (infra/config-sync.ts).
   * Preview stacks always use `pulumi`. @default `pulumi`
   */
  readonly appDelivery: AppDelivery;
  /** GCP project id (`gcp:project`). */
  readonly gcpProject: string;
  /** GCP region (`gcp:region`). */
  readonly gcpRegion: string;
  /**
   * The regions of the environment's clusters, one regional cluster each, the primary region
   * (`gcp:region`: data stores, registry, the first cluster) first. @default - `[gcp:region]`
   */
  readonly regions: readonly string[];
  /**
   * Zones of the clusters' node pools, each in one of `regions`: each region's cluster takes its own.
   * @default - `<region>-b`, `-c`, `-d` of every region
   */
  readonly zones: readonly string[];
  /**
   * The ranges of each region after the first (the primary region's are the keys below), by region.
   * @default - none: required for every further region
   */
  readonly regionRanges: Readonly<Record<string, RegionRanges>>;
  /** Primary range of the subnet (nodes). */
  readonly subnetCidr: string;
  /** Secondary range for pods. */
  readonly podsCidr: string;
  /** Secondary range for Services. */
  readonly servicesCidr: string;
  /** /28 for the private control plane. */
  readonly masterCidr: string;
  /**
   * Private services access: the VPC range Google's producer networks (Cloud SQL, Memorystore)
   * take their private IPs from, peered with the VPC. Required here, optional for synthesis.
   */
  readonly privateServicesCidr: string;
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
  readonly deletionProtection: boolean;
  /** CIDRs allowed to reach the control plane's IP endpoint; empty = DNS endpoint with IAM only. */
  readonly authorizedNetworks: readonly string[];
  readonly binaryAuthorization: boolean;
  /** Image prefixes workloads may pull from (policy IM02), `platform:extraRegistries` included. */
  readonly allowedRegistries: readonly string[];
  /** Start of the maintenance window, UTC `HH:MM`; it lasts 6 hours on weekend days (GKE needs 48 h per 32 days). */
  readonly maintenanceStart: string;
  /**
   * The teams services name as their `owner`, and where each team's SLO alerts go
   * (infra/alerting.ts): every owner of a platform stack's services must be one. @default - none
   */
  readonly teams: Readonly<Record<string, TeamConfig>>;
  /**
   * Percent (0-100) of requests the mesh traces (the mesh-wide Telemetry's randomSamplingPercentage,
   * charts/observability/telemetry.ts). @default 100 in dev, 10 in staging, 1 in prod
   */
  readonly traceSamplingPercent: number;
  /**
   * sha256 digest of the OpenTelemetry Collector image at the pinned version (staging and prod pin
   * images by digest, policy IM01-image-digest). @default - the image is pinned by tag only
   */
  readonly otelCollectorDigest?: string;
}

/** The network ranges of one region's subnet and cluster (`platform:regionRanges.<region>`). */
export interface RegionRanges {
  /** Primary range of the region's subnet (nodes). */
  readonly subnetCidr: string;
  /** Secondary range for the region's pods. */
  readonly podsCidr: string;
  /** Secondary range for the region's Services. */
  readonly servicesCidr: string;
  /** /28 for the region's private control plane. */
  readonly masterCidr: string;
}
/** The app delivery modes of `platform:appDelivery`. */
export const APP_DELIVERY_MODES = ['pulumi', 'configsync'] as const;
export type AppDelivery = (typeof APP_DELIVERY_MODES)[number];

/** Where a team's alerts go: an email address, existing Cloud Monitoring notification channels, or both. */
export interface TeamConfig {
  /** An address the program creates an email notification channel for. @default - none */
  readonly email?: string;
  /**
   * Notification channels that already exist in the project, by name
   * (`projects/<project>/notificationChannels/<id>`): PagerDuty, Slack or SMS, set up where their
   * credentials live (the console), never in this repository. @default - none
   */
  readonly channels?: readonly string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const GCP_PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const GCP_REGION = /^[a-z]+-[a-z]+[0-9]$/;
const HTTPS_URL = /^https:\/\/[^\s/]+(\/\S*)?$/;

/**
 * One stack's configuration as the Pulumi CLI hands it to the program: `<namespace>:<name>`
 * -> text. Scalars arrive as their text (`2`, `true`), lists and maps as JSON.
 */
export type RawConfig = Readonly<Record<string, string>>;

/** A raw map and what messages need to say where each value came from. */
export interface ConfigSource {
  /**
   * `files`: `Pulumi.yaml` and `Pulumi.<stack>.yaml`, read offline. `pulumi`: the program's
   * configuration from the Pulumi runtime. `stack-output`: dev's `previewSettings` output,
   * which a preview stack reads (written by a program, so unknown keys are ignored there).
   */
  readonly kind: 'files' | 'pulumi' | 'stack-output';
  readonly values: RawConfig;
  /** How messages name the source of a key that is not set: the stack file, `pulumi config`... */
  readonly where: string;
  /** Where each set key came from, when that is not `where` (project config in `Pulumi.yaml`). */
  readonly origins?: Readonly<Record<string, string>>;
  /** Keys whose value is `secure:` (encrypted), which cannot be read here. */
  readonly encrypted?: readonly string[];
  /** Added to the fix of a missing key (e.g. that ESC environments are invisible offline). */
  readonly missingHint?: string;
}

/** The Pulumi organization and project the program runs in (the dev stack reference's default). */
export interface ProgramContext {
  readonly organization: string;
  readonly project: string;
}

/** What the offline tools assume: a self-managed (DIY) backend, whose organization is always `organization`. */
export const OFFLINE_CONTEXT: ProgramContext = { organization: 'organization', project: PROJECT };

interface FallbackContext extends ProgramContext {
  readonly stack: string;
  readonly profile: EnvironmentProfile;
  readonly gcpRegion: string;
  readonly regions: readonly string[];
  readonly gcpProject: string;
}

type Failure = { problem: string; fix: string; value?: unknown };
type Reader<T> = (raw: string) => T | Failure;

interface KeySpec<T> {
  readonly key: string;
  readonly read: Reader<T>;
  /** Used when the key is absent; sees the stack and the keys read before it. */
  readonly fallback?: (ctx: FallbackContext) => T;
  /** Absent is fine (the value stays undefined). */
  readonly optional?: true;
}

const isFailure = (v: unknown): v is Failure => typeof v === 'object' && v !== null && 'problem' in v && 'fix' in v;

const pattern =
  (re: RegExp, what: string, example: string): Reader<string> =>
  (raw) =>
    re.test(raw) ? raw : { problem: `must be ${what}`, fix: `set it to e.g. ${example}` };

const oneOf =
  <T extends string>(values: readonly T[]): Reader<T> =>
  (raw) =>
    values.includes(raw as T)
      ? (raw as T)
      : { problem: `must be one of ${values.join(', ')}`, fix: `set it to one of ${values.join(', ')}` };

/** As `pulumi.Config.getBoolean` reads it: the text "true" or "false". */
const boolean: Reader<boolean> = (raw) =>
  raw === 'true' || raw === 'false' ? raw === 'true' : { problem: 'must be true or false', fix: 'set it to true or false' };

const CIDR = IPV4_CIDR;
const SEMVER = /^\d+\.\d+\.\d+$/;

const integer =
  (min: number, max: number): Reader<number> =>
  (raw) => {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    return n >= min && n <= max
      ? n
      : { problem: `must be a whole number from ${min} to ${max}`, fix: `set it to a number from ${min} to ${max}` };
  };

/** A percentage, as a decimal number of at most 4 decimals (Istio's randomSamplingPercentage has 0.01 steps in its docs). */
const percent: Reader<number> = (raw) => {
  const n = /^\d{1,3}(\.\d{1,4})?$/.test(raw) ? Number(raw) : NaN;
  return n >= 0 && n <= 100 ? n : { problem: 'must be a percentage from 0 to 100', fix: 'set it to e.g. 1 or 0.5' };
};

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** A list arrives as JSON text (a YAML list in the stack file, or `pulumi config set --path 'key[0]'`). */
const list =
  (re: RegExp, what: string, example: string, allowEmpty = true): Reader<string[]> =>
  (raw) => {
    const value = parseJson(raw);
    return Array.isArray(value) && value.every((x) => typeof x === 'string' && re.test(x)) && (allowEmpty || value.length > 0)
      ? (value as string[])
      : {
          value,
          problem: `must be a YAML list of ${what}${allowEmpty ? '' : ' (at least one)'}`,
          fix: `write it as a list, e.g. [${example}]`,
        };
  };

// Keys are read in this order; `profile` and `gcp:region` first, as fallbacks depend on them.
const KEYS = {
  profile: { key: `${PROJECT}:profile`, read: oneOf(ENVIRONMENT_PROFILES) },
  gcpRegion: { key: 'gcp:region', read: pattern(GCP_REGION, 'a GCP region', 'europe-west1') },
  // One cluster per region behind the one global load balancer (docs/regions.md); zones and ranges follow.
  regions: {
    key: `${PROJECT}:regions`,
    read: list(GCP_REGION, 'GCP regions', 'europe-west1, europe-west4', false),
    fallback: ({ gcpRegion }) => [gcpRegion],
  },
  namespace: { key: `${PROJECT}:namespace`, read: pattern(DNS_LABEL, 'a DNS-1123 label', 'bookinfo'), optional: true },
  domain: { key: `${PROJECT}:domain`, read: pattern(DOMAIN, 'a lower-case DNS domain', 'dev.bookinfo.example.com') },
  defaultTier: { key: `${PROJECT}:defaultTier`, read: oneOf(RESOURCE_TIERS_ORDER), fallback: () => 'small' },
  releases: {
    key: `${PROJECT}:releases`,
    read: pattern(DNS_LABEL, 'the name of a file in services/releases/', 'dev'),
    optional: true,
  },
  apps: { key: `${PROJECT}:apps`, read: (raw: string) => readApps(raw), optional: true },
  previewApps: { key: `${PROJECT}:previewApps`, read: list(DNS_LABEL, 'app names', 'bookinfo, boutique', false), optional: true },
  appDelivery: { key: `${PROJECT}:appDelivery`, read: oneOf(APP_DELIVERY_MODES), fallback: () => 'pulumi' },
  // Only dev may run mutable tags: what was tested in staging is byte-for-byte what runs in prod.
  requireDigests: { key: `${PROJECT}:requireDigests`, read: boolean, fallback: ({ profile }) => profile !== 'dev' },
  gatewayNamespace: {
    key: `${PROJECT}:gatewayNamespace`,
    read: pattern(DNS_LABEL, 'a DNS-1123 label', 'istio-ingress'),
    fallback: () => 'istio-ingress',
  },
  gatewayName: {
    key: `${PROJECT}:gatewayName`,
    read: pattern(DNS_LABEL, 'the Helm release name of the gateway', 'istio-ingress'),
    fallback: () => 'istio-ingress',
  },
  tlsCredential: {
    key: `${PROJECT}:tlsCredential`,
    read: pattern(DNS_LABEL, 'the name of a TLS Secret in the gateway namespace', 'bookinfo-dev-tls'),
  },
  controlPlaneNamespace: {
    key: `${PROJECT}:controlPlaneNamespace`,
    read: pattern(DNS_LABEL, 'a DNS-1123 label', 'istio-system'),
    fallback: () => 'istio-system',
  },
  jwtIssuer: {
    key: `${PROJECT}:jwtIssuer`,
    read: pattern(HTTPS_URL, 'an https:// issuer URL', 'https://accounts.google.com'),
    optional: true,
  },
  jwksUri: {
    key: `${PROJECT}:jwksUri`,
    read: pattern(HTTPS_URL, 'an https:// JWKS URL', 'https://www.googleapis.com/oauth2/v3/certs'),
    optional: true,
  },
  gcpProject: {
    key: 'gcp:project',
    read: pattern(GCP_PROJECT, 'a GCP project id (6-30 lower-case letters, digits, "-")', 'my-platform-dev'),
  },
  zones: {
    key: `${PROJECT}:zones`,
    read: list(/^[a-z]+-[a-z]+\d-[a-z]$/, 'zones', 'europe-west1-b, europe-west1-c', false),
    fallback: ({ regions }) => regions.flatMap((region) => ['b', 'c', 'd'].map((z) => `${region}-${z}`)),
  },
  subnetCidr: { key: `${PROJECT}:subnetCidr`, read: pattern(CIDR, 'an IPv4 CIDR', '10.10.0.0/20'), fallback: () => '10.10.0.0/20' },
  podsCidr: { key: `${PROJECT}:podsCidr`, read: pattern(CIDR, 'an IPv4 CIDR', '10.20.0.0/14'), fallback: () => '10.20.0.0/14' },
  servicesCidr: { key: `${PROJECT}:servicesCidr`, read: pattern(CIDR, 'an IPv4 CIDR', '10.24.0.0/20'), fallback: () => '10.24.0.0/20' },
  masterCidr: {
    key: `${PROJECT}:masterCidr`,
    read: pattern(/^.+\/28$/, 'a /28 IPv4 CIDR', '172.16.0.0/28'),
    fallback: () => '172.16.0.0/28',
  },
  // Google recommends a /16 for private services access (Cloud SQL takes a /24 per region, each
  // Memorystore instance a /29 or /28); 10.32/16 is clear of the subnet, pods, services and master defaults.
  privateServicesCidr: {
    key: `${PROJECT}:privateServicesCidr`,
    // Private services access takes a /24 at the smallest.
    read: (raw: string) =>
      CIDR.test(raw) && Number(raw.split('/')[1]) >= 8 && Number(raw.split('/')[1]) <= 24
        ? raw
        : { problem: 'must be an IPv4 CIDR from /8 to /24', fix: 'set it to e.g. 10.32.0.0/16' },
    fallback: () => '10.32.0.0/16',
  },
  regionRanges: { key: `${PROJECT}:regionRanges`, read: (raw: string) => readRegionRanges(raw), fallback: () => ({}) },
  nodeMachineType: {
    key: `${PROJECT}:nodeMachineType`,
    read: pattern(/^[a-z0-9]+-[a-z0-9-]+$/, 'a Compute Engine machine type', 'e2-standard-4'),
    fallback: () => 'e2-standard-4',
  },
  nodeMinCount: { key: `${PROJECT}:nodeMinCount`, read: integer(0, 100), fallback: () => 1 },
  nodeMaxCount: {
    key: `${PROJECT}:nodeMaxCount`,
    read: integer(1, 1000),
    fallback: ({ profile }) => ({ dev: 2, staging: 3, prod: 5 })[profile],
  },
  nodeDiskSizeGb: { key: `${PROJECT}:nodeDiskSizeGb`, read: integer(20, 2000), fallback: () => 50 },
  nodeSpot: { key: `${PROJECT}:nodeSpot`, read: boolean, fallback: ({ profile }) => profile === 'dev' },
  releaseChannel: {
    key: `${PROJECT}:releaseChannel`,
    read: oneOf(['RAPID', 'REGULAR', 'STABLE'] as const),
    fallback: ({ profile }) => (profile === 'prod' ? 'STABLE' : 'REGULAR'),
  },
  istioVersion: { key: `${PROJECT}:istioVersion`, read: pattern(SEMVER, 'an Istio release (x.y.z)', '1.30.3') },
  meshReplicas: { key: `${PROJECT}:meshReplicas`, read: integer(1, 20), fallback: ({ profile }) => (profile === 'dev' ? 1 : 2) },
  deletionProtection: { key: `${PROJECT}:deletionProtection`, read: boolean, fallback: ({ profile }) => profile === 'prod' },
  authorizedNetworks: { key: `${PROJECT}:authorizedNetworks`, read: list(CIDR, 'IPv4 CIDRs', '203.0.113.0/24'), fallback: () => [] },
  binaryAuthorization: { key: `${PROJECT}:binaryAuthorization`, read: boolean, fallback: ({ profile }) => profile === 'prod' },
  devStackReference: {
    key: `${PROJECT}:devStackReference`,
    read: pattern(
      /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
      'a stack reference <organization>/<project>/<stack>',
      'organization/platform/dev',
    ),
    // The dev stack of this organization and project (a self-managed backend's organization is `organization`).
    fallback: ({ organization, project }) => `${organization}/${project}/dev`,
  },
  bootstrapStackReference: {
    key: `${PROJECT}:bootstrapStackReference`,
    read: pattern(
      /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
      'a stack reference <organization>/<project>/<stack>',
      'organization/platform-bootstrap/dev',
    ),
    // This environment's bootstrap stack (bootstrap/, docs/identity.md): its accounts, node account and keys.
    fallback: ({ organization, stack }) => `${organization}/${BOOTSTRAP_PROJECT}/${stack}`,
  },
  allowedRegistries: {
    key: `${PROJECT}:allowedRegistries`,
    read: list(
      /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/$/,
      'image prefixes ending in "/"',
      'docker.io/istio/, europe-west1-docker.pkg.dev/my-project/',
    ),
    // Istio's sample images, this environment's own Artifact Registry, the Cloud SQL Auth Proxy
    // the platform adds as a sidecar to services that use postgres (charts/uses.ts), and the
    // OpenTelemetry project's images (its collector: charts/observability/collector.ts).
    fallback: ({ gcpRegion, gcpProject }) => [
      'docker.io/istio/',
      `${gcpRegion}-docker.pkg.dev/${gcpProject}/`,
      'gcr.io/cloud-sql-connectors/',
      'docker.io/otel/',
    ],
  },
  extraRegistries: {
    key: `${PROJECT}:extraRegistries`,
    read: list(
      /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*\/$/,
      'image prefixes ending in "/"',
      'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/',
    ),
    optional: true,
  },
  maintenanceStart: {
    key: `${PROJECT}:maintenanceStart`,
    read: pattern(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time HH:MM', '02:00'),
    fallback: () => '02:00',
  },
  teams: { key: `${PROJECT}:teams`, read: (raw: string) => readTeams(raw), fallback: () => ({}) },
  // Every request in dev (few, and each one may be the one being debugged); a sample elsewhere,
  // where the volume makes every trace cost without adding insight (docs/observability.md).
  traceSamplingPercent: {
    key: `${PROJECT}:traceSamplingPercent`,
    read: percent,
    fallback: ({ profile }) => ({ dev: 100, staging: 10, prod: 1 })[profile],
  },
  otelCollectorDigest: {
    key: `${PROJECT}:otelCollectorDigest`,
    read: pattern(/^sha256:[0-9a-f]{64}$/, 'an image digest sha256:<64 hex>', 'sha256:<the digest `crane digest` prints>'),
    optional: true,
  },
} satisfies Record<string, KeySpec<unknown>>;

type SettingName = keyof typeof KEYS;

/** A team name, as a service's `owner` is written (a Kubernetes label value: the `team` label). */
const TEAM_NAME = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const NOTIFICATION_CHANNEL = /^projects\/[^/\s]+\/notificationChannels\/\d+$/;
const TEAM_EXAMPLE = '`team-reviews: { email: reviews-oncall@example.com }` or `channels: [projects/<project>/notificationChannels/<id>]`';

/** `platform:teams`: team -> `{ email?, channels? }`, each team reachable through at least one. */
function readTeams(raw: string): Record<string, TeamConfig> | Failure {
  const value = parseJson(raw);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return { value, problem: 'must be a map of team name to its alert channels', fix: `write e.g. ${TEAM_EXAMPLE}` };
  const teams: Record<string, TeamConfig> = {};
  for (const [team, entry] of Object.entries(value)) {
    const failure = (problem: string, fix: string): Failure => ({ value: { [team]: entry }, problem: `${team}: ${problem}`, fix });
    if (!TEAM_NAME.test(team))
      return failure('is not a team name as services write `owner` (a label value: letters, digits, "-", "_", ".")', 'rename the team');
    if (!isObject(entry)) return failure('must be a map with `email` and/or `channels`', `write e.g. ${TEAM_EXAMPLE}`);
    const unknown = Object.keys(entry).filter((k) => k !== 'email' && k !== 'channels');
    if (unknown.length > 0) return failure(`has unknown field(s) ${unknown.join(', ')}`, 'use only `email` and `channels`');
    const { email, channels } = entry;
    if (email !== undefined && (typeof email !== 'string' || !EMAIL.test(email)))
      return failure('`email` is not an email address', 'write e.g. `email: reviews-oncall@example.com`');
    if (
      channels !== undefined &&
      !(Array.isArray(channels) && channels.every((c) => typeof c === 'string' && NOTIFICATION_CHANNEL.test(c)))
    )
      return failure(
        '`channels` must be a list of notification channel names',
        'list existing channels as `projects/<project>/notificationChannels/<id>` (`gcloud beta monitoring channels list`)',
      );
    if (email === undefined && (channels === undefined || channels.length === 0))
      return failure('has no channel: its alerts would reach nobody', 'give the team an `email`, `channels`, or both');
    teams[team] = {
      ...(email !== undefined && { email }),
      ...(channels !== undefined && { channels: channels as string[] }),
    };
  }
  return teams;
}

const REGION_RANGE_FIELDS = ['subnetCidr', 'podsCidr', 'servicesCidr', 'masterCidr'] as const;
const REGION_RANGES_EXAMPLE =
  '`europe-west4: { subnetCidr: 10.11.0.0/20, podsCidr: 10.40.0.0/14, servicesCidr: 10.25.0.0/20, masterCidr: 172.16.0.16/28 }`';

/** `platform:regionRanges`: region -> its four ranges, every field an IPv4 CIDR (the control plane's a /28). */
function readRegionRanges(raw: string): Record<string, RegionRanges> | Failure {
  const value = parseJson(raw);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) return { value, problem: 'must be a map of region to its ranges', fix: `write e.g. ${REGION_RANGES_EXAMPLE}` };
  const ranges: Record<string, RegionRanges> = {};
  for (const [region, entry] of Object.entries(value)) {
    const failure = (problem: string, fix: string): Failure => ({ value: { [region]: entry }, problem: `${region}: ${problem}`, fix });
    if (!GCP_REGION.test(region)) return failure('is not a GCP region', 'use a region name, e.g. europe-west4');
    if (!isObject(entry)) return failure(`must be a map of ${REGION_RANGE_FIELDS.join(', ')}`, `write e.g. ${REGION_RANGES_EXAMPLE}`);
    const fields = Object.keys(entry);
    const unknown = fields.filter((k) => !(REGION_RANGE_FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0) return failure(`has unknown field(s) ${unknown.join(', ')}`, `use only ${REGION_RANGE_FIELDS.join(', ')}`);
    const missing = REGION_RANGE_FIELDS.filter((k) => !fields.includes(k));
    if (missing.length > 0) return failure(`is missing ${missing.join(', ')}`, `give every field, e.g. ${REGION_RANGES_EXAMPLE}`);
    for (const field of REGION_RANGE_FIELDS) {
      const cidr = entry[field];
      const ok = typeof cidr === 'string' && CIDR.test(cidr) && (field !== 'masterCidr' || cidr.endsWith('/28'));
      if (!ok)
        return failure(
          `\`${field}\` must be ${field === 'masterCidr' ? 'a /28 IPv4 CIDR' : 'an IPv4 CIDR'}`,
          `write e.g. ${REGION_RANGES_EXAMPLE}`,
        );
    }
    ranges[region] = Object.fromEntries(REGION_RANGE_FIELDS.map((f) => [f, entry[f] as string])) as unknown as RegionRanges;
  }
  return ranges;
}

/** Every setting's config key, in reading order (for docs and the did-you-mean check). */
export const CONFIG_KEYS: readonly string[] = Object.values(KEYS).map((k) => k.key);

/** The bootstrap program's Pulumi project name (`bootstrap/Pulumi.yaml`). */
export const BOOTSTRAP_PROJECT = 'platform-bootstrap';

/** Preview stacks: one per pull request, `pr-<number>`. */
export const PREVIEW_STACK = /^pr-([1-9]\d{0,6})$/;

/** The dev stack output that carries its settings to preview stacks (see `previewSettings`). */
export const PREVIEW_SETTINGS_OUTPUT = 'previewSettings';

function missingFix(key: string, source: ConfigSource): string {
  const fix = {
    files: `add \`${key}: <value>\` under config:`,
    pulumi: `run \`pulumi config set ${key} <value>\` (or add it under config: in Pulumi.<stack>.yaml)`,
    'stack-output': `deploy dev with this version (\`pulumi up --stack dev\`), so its ${PREVIEW_SETTINGS_OUTPUT} output has it`,
  }[source.kind];
  return source.missingHint === undefined ? fix : `${fix}${source.missingHint}`;
}

/** The problems of an unreadable (`secure:`) key and of `platform:` keys no setting has. */
function sourceProblems(source: ConfigSource, read: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const where = (key: string) => source.origins?.[key] ?? source.where;
  const known = new Set(CONFIG_KEYS);
  for (const key of source.encrypted ?? []) {
    if (!read.has(key)) continue;
    problems.push({
      where: where(key),
      field: `config.${key}`,
      problem: 'is a secure: (encrypted) value, which cannot be decrypted offline',
      fix: 'set it in plain text (platform settings are not secrets: `pulumi config set` without --secret), or check this stack with `pulumi preview`',
    });
  }
  if (source.kind === 'stack-output') return problems;
  const present = [...Object.keys(source.values), ...(source.encrypted ?? [])];
  for (const key of present) {
    if (!key.startsWith(`${PROJECT}:`) || known.has(key)) continue;
    const closest = closestKey(key, CONFIG_KEYS);
    problems.push({
      where: where(key),
      field: `config.${key}`,
      ...(key in source.values && { value: source.values[key] }),
      problem: 'is not a setting of this project',
      fix: `${closest === undefined ? 'remove it' : `did you mean ${closest}?`} (every setting is listed in docs/environments.md)`,
    });
  }
  return problems;
}

/** Reads the named settings (in KEYS order), with their fallbacks. */
function readSettings(
  stack: string,
  source: ConfigSource,
  context: ProgramContext,
  names: readonly SettingName[],
): { values: Record<string, unknown>; problems: Problem[] } {
  const problems: Problem[] = [];
  const values: Record<string, unknown> = {};
  const where = (key: string) => source.origins?.[key] ?? source.where;
  const encrypted = new Set(source.encrypted ?? []);
  for (const name of names) {
    const spec: KeySpec<unknown> = KEYS[name];
    if (encrypted.has(spec.key)) continue;
    const raw = source.values[spec.key];
    if (raw === undefined) {
      const ctx = {
        ...context,
        stack,
        profile: (values.profile ?? 'dev') as EnvironmentProfile,
        gcpRegion: (values.gcpRegion ?? 'europe-west1') as string,
        regions: (values.regions ?? [values.gcpRegion ?? 'europe-west1']) as string[],
        gcpProject: (values.gcpProject ?? 'project') as string,
      };
      if (spec.fallback !== undefined) values[name] = spec.fallback(ctx);
      else if (spec.optional !== true)
        problems.push({ where: where(spec.key), field: `config.${spec.key}`, problem: 'is required', fix: missingFix(spec.key, source) });
      continue;
    }
    const result = spec.read(raw);
    if (isFailure(result)) {
      const { value, ...rest } = result;
      problems.push({ where: where(spec.key), field: `config.${spec.key}`, value: 'value' in result ? value : raw, ...rest });
    } else values[name] = result;
  }
  return { values, problems: [...problems, ...sourceProblems(source, new Set(names.map((n) => KEYS[n].key)))] };
}

/**
 * Validates one stack's settings. Every problem names where the value came from (a file,
 * `pulumi config`, dev's stack output), the key, the value and the fix; all are reported at once.
 */
export function parseEnvironment(stack: string, source: ConfigSource, context: ProgramContext = OFFLINE_CONTEXT): EnvironmentConfig {
  const { values, problems } = readSettings(stack, source, context, Object.keys(KEYS) as SettingName[]);
  if ((values.jwtIssuer === undefined) !== (values.jwksUri === undefined) && !problems.some((p) => /jwt|jwks/i.test(p.field))) {
    const missing = values.jwtIssuer === undefined ? `${PROJECT}:jwtIssuer` : `${PROJECT}:jwksUri`;
    problems.push({
      where: source.origins?.[missing] ?? source.where,
      field: `config.${missing}`,
      problem: 'is required with the other JWT setting',
      fix: `set both ${PROJECT}:jwtIssuer and ${PROJECT}:jwksUri, or neither`,
    });
  }
  const where = (key: string) => source.origins?.[key] ?? source.where;
  if (values.previewApps !== undefined)
    problems.push({
      where: where(`${PROJECT}:previewApps`),
      field: `config.${PROJECT}:previewApps`,
      value: values.previewApps,
      problem: 'is read only on pull request preview stacks (pr-<N>)',
      fix: 'remove it: a platform stack deploys every app in platform:apps',
    });
  const { namespace, releases, apps: rawApps, previewApps: _previewApps, extraRegistries, ...rest } = values;
  // Extra registries add to allowedRegistries (its default or its value), so the defaults need not be repeated.
  if (Array.isArray(extraRegistries) && Array.isArray(rest.allowedRegistries))
    rest.allowedRegistries = [...new Set([...(rest.allowedRegistries as string[]), ...(extraRegistries as string[])])];
  const given = (key: string) => key in source.values || (source.encrypted ?? []).includes(key);
  const apps = resolveApps(
    stack,
    {
      namespace,
      releases,
      apps: rawApps,
      domain: rest.domain,
      namespaceGiven: given(`${PROJECT}:namespace`),
      appsGiven: given(`${PROJECT}:apps`),
    },
    where,
    problems,
  );
  const config = { stack, kind: 'platform', file: source.where, ...rest, apps } as unknown as EnvironmentConfig;
  if (problems.length === 0) problems.push(...crossChecks(config, where));
  assertNoProblems(problems, `${source.where}: invalid environment settings`);
  return config;
}

/** What a `platform:apps` entry may set; the rest follows from its name. */
const APP_NAME = /^(?=.{1,40}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const APP_FIELDS = ['name', 'catalogue', 'namespace', 'host', 'releases'] as const;
const REPO_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]+$/;

/** `platform:apps` as written: a non-empty list of app names or maps (checked entry by entry in `resolveApps`). */
function readApps(raw: string): unknown[] | Failure {
  const value = parseJson(raw);
  return Array.isArray(value) && value.length > 0
    ? value
    : {
        value,
        problem: 'must be a YAML list of apps (at least one)',
        fix: 'list each app by name (`- bookinfo`) or as a map (`- name: bookinfo` with namespace, host, catalogue, releases)',
      };
}

/**
 * The environment's apps with every default filled in, or the problems of each entry (named
 * `config.platform:apps[i].<field>`). Without `platform:apps`, the single-app form: BookInfo in
 * `platform:namespace`, at the domain itself, pins in `services/releases/<platform:releases>.yaml`.
 */
function resolveApps(
  stack: string,
  settings: {
    namespace?: unknown;
    releases?: unknown;
    apps?: unknown;
    domain?: unknown;
    /** The key is set, valid or not (an invalid value is its own problem already). */
    namespaceGiven: boolean;
    appsGiven: boolean;
  },
  where: (key: string) => string,
  problems: Problem[],
): AppConfig[] {
  const key = `${PROJECT}:apps`;
  const domain = typeof settings.domain === 'string' ? settings.domain : '';
  if (settings.appsGiven && settings.apps === undefined) return [];
  if (settings.apps === undefined) {
    if (settings.namespaceGiven && settings.namespace === undefined) return [];
    if (settings.namespace === undefined) {
      problems.push({
        where: where(`${PROJECT}:namespace`),
        field: `config.${PROJECT}:namespace`,
        problem: `is required unless ${key} lists the apps`,
        fix: `set ${PROJECT}:namespace (the one app's namespace), or list the environment's apps in ${key}`,
      });
      return [];
    }
    const releases = typeof settings.releases === 'string' ? settings.releases : stack;
    return [
      {
        name: DEFAULT_APP,
        catalogue: `services/${DEFAULT_APP}`,
        namespace: typeof settings.namespace === 'string' ? settings.namespace : '',
        host: domain,
        releases: `services/releases/${releases}.yaml`,
      },
    ];
  }
  for (const single of ['namespace', 'releases'] as const) {
    if (settings[single] !== undefined)
      problems.push({
        where: where(`${PROJECT}:${single}`),
        field: `config.${PROJECT}:${single}`,
        value: settings[single],
        problem: `is the single-app form, and ${key} lists the apps`,
        fix: `remove it and set \`${single}\` on the app in ${key}`,
      });
  }
  const apps: AppConfig[] = [];
  /** Each app's index in the list as written, for messages. */
  const indexOf = new Map<AppConfig, number>();
  const add = (i: number, field: string, value: unknown, problem: string, fix: string) =>
    problems.push({ where: where(key), field: `config.${key}[${i}]${field === '' ? '' : `.${field}`}`, value, problem, fix });
  (settings.apps as unknown[]).forEach((entry, i) => {
    const map: Record<string, unknown> | undefined =
      typeof entry === 'string'
        ? { name: entry }
        : typeof entry === 'object' && entry !== null && !Array.isArray(entry)
          ? (entry as Record<string, unknown>)
          : undefined;
    if (map === undefined) {
      add(i, '', entry, 'is neither an app name nor a map', 'write `- <app>` or `- name: <app>` with namespace, host, catalogue, releases');
      return;
    }
    const before = problems.length;
    for (const field of Object.keys(map)) {
      if (!(APP_FIELDS as readonly string[]).includes(field))
        add(
          i,
          field,
          map[field],
          'is not a field of an app',
          `use only ${APP_FIELDS.join(', ')}${closestMatch(field, APP_FIELDS, 2) === undefined ? '' : ` (did you mean ${closestMatch(field, APP_FIELDS, 2)}?)`}`,
        );
    }
    const text = (field: string, re: RegExp, what: string, example: string): string | undefined => {
      const v = map[field];
      if (v === undefined) return undefined;
      if (typeof v === 'string' && re.test(v)) return v;
      add(i, field, v, `must be ${what}`, `set it to e.g. ${example}`);
      return undefined;
    };
    const name = text('name', APP_NAME, 'a DNS-1123 label of at most 40 characters (preview namespaces are pr-<N>-<app>)', 'boutique');
    if (map.name === undefined) add(i, 'name', undefined, 'is required', 'name the app (a DNS-1123 label): `- name: boutique`');
    const namespace = text('namespace', DNS_LABEL, 'a DNS-1123 label', 'boutique');
    const host = text('host', DOMAIN, 'a lower-case DNS name', `shop.${domain}`);
    const catalogue = text('catalogue', REPO_PATH, 'a repository-relative module path', 'services/boutique');
    const releases = text('releases', REPO_PATH, 'a repository-relative .yaml file', `services/boutique/releases/${stack}.yaml`);
    if (releases !== undefined && !releases.endsWith('.yaml'))
      add(i, 'releases', releases, 'is not a .yaml file', `name the pins file, e.g. services/${name ?? 'boutique'}/releases/${stack}.yaml`);
    if (name === undefined || problems.length > before) return;
    const app: AppConfig = {
      name,
      catalogue: catalogue ?? `services/${name}`,
      namespace: namespace ?? name,
      host: host ?? `${name}.${domain}`,
      releases: releases ?? `services/${name}/releases/${stack}.yaml`,
    };
    // Without a domain (itself a problem already), hosts cannot be checked.
    if (typeof settings.domain === 'string' && app.host !== domain && !app.host.endsWith(`.${domain}`))
      add(i, 'host', app.host, `is outside the environment's domain ${domain}`, `use ${domain} or a name under it, e.g. ${name}.${domain}`);
    else {
      apps.push(app);
      indexOf.set(app, i);
    }
  });
  const unique = (field: 'name' | 'namespace' | 'host' | 'releases', why: string) => {
    const seen = new Map<string, string>();
    for (const app of apps) {
      const other = seen.get(app[field]);
      if (other !== undefined) add(indexOf.get(app) ?? 0, field, app[field], `is also app ${other}'s ${field}`, why);
      seen.set(app[field], app.name);
    }
  };
  unique('name', 'give every app its own name');
  unique('namespace', 'give every app its own namespace: its mesh and network policies are per namespace');
  unique('host', "give every app its own host (each app's gateway serves its host)");
  unique('releases', 'give every app its own pins file');
  return apps;
}

/** The app of an environment without `platform:apps`: the BookInfo sample. */
export const DEFAULT_APP = 'bookinfo';

/**
 * The dev stack a preview stack deploys onto: the one setting a `pr-<N>` stack reads from
 * its own configuration (set it in `Pulumi.yaml`, so every preview stack has it). Every
 * other setting comes from dev; a misspelt `platform:` key is still an error.
 */
export function previewReference(stack: string, source: ConfigSource, context: ProgramContext = OFFLINE_CONTEXT): string {
  return previewStackSettings(stack, source, context).devStackReference;
}

/** What a `pr-<N>` stack's own configuration says: the dev stack, and the apps the pull request changes (`platform:previewApps`). */
export function previewStackSettings(
  stack: string,
  source: ConfigSource,
  context: ProgramContext = OFFLINE_CONTEXT,
): { devStackReference: string; previewApps?: readonly string[] } {
  const { values, problems } = readSettings(stack, source, context, ['devStackReference', 'previewApps']);
  // A preview applies its apps directly (previewOf): a pushed bundle per pull request would outlive the stack.
  const delivery = source.values[KEYS.appDelivery.key];
  if (delivery !== undefined && delivery !== 'pulumi')
    problems.push({
      where: source.origins?.[KEYS.appDelivery.key] ?? source.where,
      field: `config.${KEYS.appDelivery.key}`,
      value: delivery,
      problem: 'cannot be changed on a pull request preview stack (pr-<N>): previews always apply their apps with Pulumi',
      fix: `remove it from the preview stack's configuration`,
    });
  assertNoProblems(problems, `${source.where}: invalid preview stack settings`);
  return {
    devStackReference: values.devStackReference as string,
    ...(values.previewApps !== undefined && { previewApps: values.previewApps as string[] }),
  };
}

/**
 * A pull request's preview: dev's settings on the dev cluster and gateway, each app in its own
 * namespace `pr-<N>-<app>` at host `pr-<N>.<app host>` (covered by the wildcard of the app's host
 * on dev's certificate), with dev's pins as changed by the PR. `previewApps` are the apps the PR
 * changes (`platform:previewApps`); infra/inputs.ts adds the apps they call. It owns no cluster,
 * so nothing in it is deletion-protected.
 */
export function previewOf(
  dev: EnvironmentConfig,
  stack: string,
  devStackReference = dev.devStackReference,
  previewApps?: readonly string[],
): EnvironmentConfig {
  const known = new Set(dev.apps.map((a) => a.name));
  const unknown = (previewApps ?? []).filter((a) => !known.has(a));
  if (unknown.length > 0)
    assertNoProblems([
      {
        where: `Pulumi.${stack}.yaml`,
        field: `config.${PROJECT}:previewApps`,
        value: unknown,
        problem: `names apps dev does not host`,
        fix: `use apps of dev's ${PROJECT}:apps: ${[...known].join(', ')}`,
      },
    ]);
  return {
    ...dev,
    stack,
    kind: 'preview',
    domain: `${stack}.${dev.domain}`,
    apps: dev.apps.map((app) => ({ ...app, namespace: `${stack}-${app.name}`, host: `${stack}.${app.host}` })),
    ...(previewApps !== undefined && { previewApps }),
    // Direct apply whatever dev uses: a preview is short-lived and small (docs/scaling.md).
    appDelivery: 'pulumi',
    deletionProtection: false,
    devStackReference,
  };
}

/**
 * What a platform stack exports for preview stacks: every resolved setting, as the raw map
 * the schema reads (text, lists as JSON), so a preview re-validates it with `parseEnvironment`.
 */
export function previewSettings(config: EnvironmentConfig): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [name, spec] of Object.entries(KEYS)) {
    // The single-app keys (namespace, releases) are resolved into apps, which is exported instead.
    const value: unknown = (config as unknown as Record<string, unknown>)[name];
    if (value === undefined) continue;
    settings[spec.key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return settings;
}

/** The source a preview stack reads dev's settings from: dev's `previewSettings` output. */
export function stackOutputSource(devStackReference: string, output: unknown): ConfigSource {
  const where = `stack ${devStackReference} output ${PREVIEW_SETTINGS_OUTPUT}`;
  const isMap =
    typeof output === 'object' && output !== null && !Array.isArray(output) && Object.values(output).every((v) => typeof v === 'string');
  if (!isMap) {
    assertNoProblems([
      {
        where,
        field: PREVIEW_SETTINGS_OUTPUT,
        ...(output !== undefined && { value: output }),
        problem: output === undefined ? 'is missing' : 'is not a map of settings',
        fix: `deploy dev with this version (\`pulumi up --stack dev\`): it exports ${PREVIEW_SETTINGS_OUTPUT} for preview stacks`,
      },
    ]);
  }
  return { kind: 'stack-output', values: output as RawConfig, where };
}

/** The known key within two edits of a typo, if any. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  return closestMatch(key, known, 2);
}

/** Rules between keys: regions with their zones and ranges, ranges that do not collide, production safety. */
function crossChecks(c: EnvironmentConfig, where: (key: string) => string): Problem[] {
  const problems: Problem[] = [];
  const add = (key: string, value: unknown, problem: string, fix: string) =>
    problems.push({ where: where(key), field: `config.${key}`, value, problem, fix });
  regionChecks(c, add);
  // Every range of every region, and private services access (VPC-wide): pairwise disjoint.
  const ranges: Array<[string, string]> = [
    ...REGION_RANGE_FIELDS.map((f): [string, string] => [`${PROJECT}:${f}`, c[f]]),
    [`${PROJECT}:privateServicesCidr`, c.privateServicesCidr],
    ...c.regions.slice(1).flatMap((region) =>
      REGION_RANGE_FIELDS.flatMap((f): Array<[string, string]> => {
        const cidr = c.regionRanges[region]?.[f];
        return cidr === undefined ? [] : [[`${PROJECT}:regionRanges.${region}.${f}`, cidr]];
      }),
    ),
  ];
  for (const [key, cidr] of ranges) {
    if (!isNetworkAddress(cidr))
      add(key, cidr, 'has host bits set', `use the network address, e.g. ${cidrRange(cidr).map(formatIp)[0]}/${cidr.split('/')[1]}`);
  }
  ranges.forEach(([k1, a], i) =>
    ranges.slice(i + 1).forEach(([k2, b]) => {
      if (cidrsOverlap(a, b))
        add(
          k2,
          b,
          `overlaps ${k1} (${a})`,
          c.regions.length > 1
            ? "give every region's subnet, pods, services and control plane, and private services, disjoint ranges"
            : 'give the subnet, pods, services, control plane and private services disjoint ranges',
        );
    }),
  );
  if (c.nodeMaxCount < c.nodeMinCount)
    add(
      `${PROJECT}:nodeMaxCount`,
      c.nodeMaxCount,
      `is below ${PROJECT}:nodeMinCount (${c.nodeMinCount})`,
      'raise nodeMaxCount or lower nodeMinCount',
    );
  if (c.profile !== 'dev' && c.meshReplicas < 2)
    add(
      `${PROJECT}:meshReplicas`,
      c.meshReplicas,
      `leaves istiod and the gateway without redundancy in a ${c.profile} environment`,
      'use 2 or more',
    );
  if (c.profile === 'prod' && !c.deletionProtection)
    add(`${PROJECT}:deletionProtection`, false, 'is off in production', 'remove the key (it defaults to true in prod) or set it to true');
  return problems;
}

/** The regions, their zones and their ranges agree: primary first, every region with zones and ranges. */
function regionChecks(c: EnvironmentConfig, add: (key: string, value: unknown, problem: string, fix: string) => void): void {
  const regionsKey = `${PROJECT}:regions`;
  if (c.regions[0] !== c.gcpRegion)
    add(
      regionsKey,
      c.regions,
      `starts with ${c.regions[0]}, not gcp:region (${c.gcpRegion})`,
      `list gcp:region first (the primary region: data stores, registry, the first cluster), e.g. [${[c.gcpRegion, ...c.regions.filter((r) => r !== c.gcpRegion)].join(', ')}]`,
    );
  const repeated = c.regions.filter((r, i) => c.regions.indexOf(r) !== i);
  if (repeated.length > 0) add(regionsKey, c.regions, `lists ${[...new Set(repeated)].join(', ')} more than once`, 'list each region once');
  for (const zone of c.zones) {
    if (!c.regions.some((region) => zone.startsWith(`${region}-`)))
      add(
        `${PROJECT}:zones`,
        zone,
        c.regions.length === 1 ? `is not in the region ${c.regions[0]}` : `is not in any region of ${regionsKey} (${c.regions.join(', ')})`,
        c.regions.length === 1
          ? `use zones of ${c.regions[0]}, e.g. ${c.regions[0]}-b`
          : `use zones of those regions, e.g. ${c.regions.map((r) => `${r}-b`).join(', ')}`,
      );
  }
  for (const region of c.regions) {
    if (!c.zones.some((zone) => zone.startsWith(`${region}-`)))
      add(
        `${PROJECT}:zones`,
        c.zones,
        `has no zone of ${region} (${regionsKey})`,
        `add that region's zones, e.g. ${region}-b, ${region}-c, ${region}-d`,
      );
  }
  const rangesKey = `${PROJECT}:regionRanges`;
  // A repeated region is its own problem above, not one without ranges.
  for (const region of new Set(c.regions.slice(1).filter((r) => r !== c.regions[0]))) {
    if (c.regionRanges[region] === undefined)
      add(
        rangesKey,
        c.regionRanges,
        `has no ranges for ${region}, which ${regionsKey} lists`,
        `add ${region}: { subnetCidr, podsCidr, servicesCidr, masterCidr }, disjoint from every other range (docs/regions.md)`,
      );
  }
  for (const region of Object.keys(c.regionRanges)) {
    if (!c.regions.slice(1).includes(region))
      add(
        rangesKey,
        { [region]: c.regionRanges[region] },
        region === c.regions[0]
          ? `names the primary region ${region}, whose ranges are ${PROJECT}:subnetCidr, podsCidr, servicesCidr and masterCidr`
          : `names ${region}, which ${regionsKey} does not list`,
        region === c.regions[0] ? 'remove it and set the top-level keys' : `remove it, or add ${region} to ${regionsKey}`,
      );
  }
}

function formatIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
