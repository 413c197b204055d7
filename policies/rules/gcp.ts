/**
 * GKE and GCP rules, checked on the Pulumi resources: the inputs the program declares
 * (offline under mocks) or that CrossGuard sees on `pulumi preview`. In the spirit of
 * Checkov's GKE checks and Terraform's safer-cluster module.
 *
 * Provider defaults count: a field left unset is judged by what the provider does with it
 * (`enableShieldedNodes` defaults to true, `enableSecureBoot` to false, SSL policies to
 * TLS 1.0 and COMPATIBLE, a global backend service's scheme to EXTERNAL), as documented in
 * `@pulumi/gcp`'s type definitions.
 */
import type { Finding, PolicyResource, ResourceContext, ResourceRule } from '../types';
import { valueAt } from '../objects';

type Props = Record<string, unknown>;

/** Type tokens of the resources the rules read. */
export const GCP_TYPES = {
  cluster: 'gcp:container/cluster:Cluster',
  nodePool: 'gcp:container/nodePool:NodePool',
  subnetwork: 'gcp:compute/subnetwork:Subnetwork',
  firewall: 'gcp:compute/firewall:Firewall',
  globalForwardingRule: 'gcp:compute/globalForwardingRule:GlobalForwardingRule',
  targetHttpProxy: 'gcp:compute/targetHttpProxy:TargetHttpProxy',
  targetHttpsProxy: 'gcp:compute/targetHttpsProxy:TargetHttpsProxy',
  regionTargetHttpsProxy: 'gcp:compute/regionTargetHttpsProxy:RegionTargetHttpsProxy',
  urlMap: 'gcp:compute/uRLMap:URLMap',
  sslPolicy: 'gcp:compute/sSLPolicy:SSLPolicy',
  regionSslPolicy: 'gcp:compute/regionSslPolicy:RegionSslPolicy',
  backendService: 'gcp:compute/backendService:BackendService',
  regionBackendService: 'gcp:compute/regionBackendService:RegionBackendService',
  serviceAccountKey: 'gcp:serviceaccount/key:Key',
  hmacKey: 'gcp:storage/hmacKey:HmacKey',
  workloadIdentityPoolProvider: 'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider',
} as const;

// ---------------------------------------------------------------------------------------
// Reading resources

/** The value at a dotted path (`privateClusterConfig.enablePrivateNodes`), or undefined. */
function field(props: unknown, path: string): unknown {
  return valueAt(props, path.split('.'));
}

/** A value as messages quote it: JSON, or `not set`. */
function show(value: unknown): string {
  return value === undefined ? 'not set' : JSON.stringify(value);
}

function ofType(ctx: ResourceContext, ...types: string[]): PolicyResource[] {
  return ctx.resources.filter((r) => types.includes(r.type));
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asProps(value: unknown): Props {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Props) : {};
}

function isAutopilot(cluster: PolicyResource): boolean {
  return cluster.props.enableAutopilot === true;
}

/**
 * Whether a reference input (another resource's id, self link or name) points at
 * `resource`.
 *
 * Assumption: a reference is compared with the resource's Pulumi name and with its
 * physical name (`props.name`, set by auto-naming under CrossGuard or by the program):
 * - under the repo's mocks (infra/testing/recorder.ts) a resource's id is `<name>-id`,
 *   so references read `prod-lb-http-proxy-id`;
 * - under CrossGuard, ids and self links end with `/<physical name>`
 *   (`projects/p/global/targetHttpProxies/prod-lb-http-proxy-1a2b3c4`);
 * - a plain name (`urlMap: "prod-lb-map"`) matches as is.
 * Only resources of the expected types are candidates, so a name shared across types
 * does not confuse it.
 */
export function refersTo(ref: unknown, resource: PolicyResource): boolean {
  if (typeof ref !== 'string' || ref === '') return false;
  const names = [resource.name, resource.props.name].filter((n): n is string => typeof n === 'string' && n !== '');
  return names.some((name) => ref === name || ref === `${name}-id` || ref.endsWith(`/${name}`));
}

/** The resource of one of `types` that `ref` points at, if it is in the stack. */
export function resolveReference(ref: unknown, resources: readonly PolicyResource[], types: readonly string[]): PolicyResource | undefined {
  return resources.find((r) => types.includes(r.type) && refersTo(ref, r));
}

/** One node pool's settings, wherever it is declared. */
interface NodePoolView {
  /** Finding object: the NodePool resource, or the cluster for its default and inline pools. */
  readonly object: string;
  /** Prefix of messages: empty for a NodePool resource, else which pool of the cluster. */
  readonly label: string;
  /** Holds `nodeConfig`, `management`, `networkConfig`. */
  readonly pool: Props;
}

/**
 * Every node pool: NodePool resources, pools declared inline in a cluster's `nodePools`,
 * and a cluster's default pool when it is kept (its `nodeConfig`). Autopilot clusters
 * have none: Google manages their nodes (shielded, GKE_METADATA, COS).
 */
function nodePools(ctx: ResourceContext): NodePoolView[] {
  const out: NodePoolView[] = [];
  for (const r of ctx.resources) {
    if (r.type === GCP_TYPES.nodePool) out.push({ object: r.name, label: '', pool: r.props });
    if (r.type !== GCP_TYPES.cluster || isAutopilot(r)) continue;
    const inline = asArray(r.props.nodePools);
    inline.forEach((p, i) => {
      const name = field(p, 'name');
      out.push({ object: r.name, label: `nodePools[${i}]${typeof name === 'string' ? ` (${name})` : ''}: `, pool: asProps(p) });
    });
    // Inline pools replace the default pool; otherwise it exists until removed.
    if (inline.length === 0 && r.props.removeDefaultNodePool !== true) {
      out.push({ object: r.name, label: 'default node pool: ', pool: { nodeConfig: r.props.nodeConfig } });
    }
  }
  return out;
}

/** A CIDR that matches every address (`0.0.0.0/0`, `::/0`, any `/0`). */
export function isWorldRange(cidr: unknown): boolean {
  if (typeof cidr !== 'string') return false;
  const c = cidr.trim();
  return c.endsWith('/0') || c === '0.0.0.0' || c === '::';
}

/** One IAM grant: a role and the principals it is given to. */
export interface IamGrant {
  readonly role: string;
  readonly members: readonly string[];
}

/** Type tokens of IAM member, binding and policy resources, for every kind of GCP resource. */
const IAM_GRANT_TYPE = /:[A-Za-z0-9]*(IAM|Iam)(Member|Binding|Policy)$/;

/**
 * The grants an IAM resource makes (`*IAMMember`, `*IamBinding`, `*IAMPolicy` of any GCP
 * resource), or undefined for other resources. A policy's grants are read from its
 * `policyData` JSON; an unparsable one grants nothing the rules can see.
 */
export function iamGrants(resource: PolicyResource): IamGrant[] | undefined {
  if (!IAM_GRANT_TYPE.test(resource.type)) return undefined;
  const strings = (v: unknown): string[] => asArray(v).filter((m): m is string => typeof m === 'string');
  if (resource.type.endsWith('Policy')) {
    const data = resource.props.policyData;
    if (typeof data !== 'string') return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return [];
    }
    return asArray(field(parsed, 'bindings')).flatMap((b) => {
      const role = field(b, 'role');
      return typeof role === 'string' ? [{ role, members: strings(field(b, 'members')) }] : [];
    });
  }
  const role = resource.props.role;
  if (typeof role !== 'string') return [];
  const member = resource.props.member;
  return [{ role, members: typeof member === 'string' ? [member] : strings(resource.props.members) }];
}

/** Every IAM grant of the stack, with the resource that makes it. */
function grants(ctx: ResourceContext): Array<{ resource: PolicyResource; grant: IamGrant }> {
  return ctx.resources.flatMap((resource) => (iamGrants(resource) ?? []).map((grant) => ({ resource, grant })));
}

/** Whether a port range (`"80"`, `"80-80"`, `"1-1024"`) includes `port`. */
export function portRangeIncludes(range: unknown, port: number): boolean {
  if (typeof range !== 'string' && typeof range !== 'number') return false;
  const match = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(String(range));
  if (match === null) return false;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return port >= low && port <= high;
}

// ---------------------------------------------------------------------------------------
// Rule helpers

/** A rule that looks at each resource of some types on its own. */
function perResource(types: readonly string[], check: (r: PolicyResource, ctx: ResourceContext) => string[]): (ctx: ResourceContext) => Finding[] {
  return (ctx) => ofType(ctx, ...types).flatMap((r) => check(r, ctx).map((message) => ({ object: r.name, message })));
}

/** A rule on every cluster. */
function perCluster(check: (cluster: PolicyResource, ctx: ResourceContext) => string[]): (ctx: ResourceContext) => Finding[] {
  return perResource([GCP_TYPES.cluster], check);
}

/** A rule on every node pool (see {@link nodePools}). */
function perNodePool(check: (pool: Props) => string[]): (ctx: ResourceContext) => Finding[] {
  return (ctx) => nodePools(ctx).flatMap((p) => check(p.pool).map((message) => ({ object: p.object, message: `${p.label}${message}` })));
}

const COMPUTE_DEFAULT_ACCOUNT = /-compute@developer\.gserviceaccount\.com$/;
const BASIC_ROLES: readonly string[] = ['roles/owner', 'roles/editor', 'roles/viewer'];
const IMPERSONATION_ROLES: readonly string[] = ['roles/iam.serviceAccountTokenCreator', 'roles/iam.serviceAccountUser'];
const PUBLIC_PRINCIPALS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];
const STRONG_TLS_VERSIONS: readonly string[] = ['TLS_1_2', 'TLS_1_3'];
/** MODERN and RESTRICTED, and the FIPS profile (a subset of RESTRICTED's ciphers, TLS 1.2+). */
const STRONG_SSL_PROFILES: readonly string[] = ['MODERN', 'RESTRICTED', 'FIPS_202205'];
const EXTERNAL_SCHEMES: readonly string[] = ['EXTERNAL', 'EXTERNAL_MANAGED'];
/** GitHub Actions' issuer; GitHub Enterprise Cloud appends `/<enterprise>`. */
const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
const REPOSITORY_CLAIM = /\b(assertion|attribute)\.(repository|repository_id|repository_owner|repository_owner_id)\b/;

// ---------------------------------------------------------------------------------------
// GK01 private cluster

const privateNodes: ResourceRule = {
  target: 'resources',
  id: 'GK01-private-nodes',
  description: 'GKE nodes have private IP addresses only (privateClusterConfig.enablePrivateNodes).',
  why: 'Nodes with public IPs are reachable from the internet on every port the firewall lets through (kubelet, NodePorts, SSH); private nodes shrink the attack surface to the load balancer.',
  fix: 'Set privateClusterConfig.enablePrivateNodes: true on the cluster (with Cloud NAT for egress) and do not set networkConfig.enablePrivateNodes: false on a node pool.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK01'],
  check: (ctx) => [
    ...perCluster((c) => {
      const value = field(c.props, 'privateClusterConfig.enablePrivateNodes');
      return value === true ? [] : [`privateClusterConfig.enablePrivateNodes is ${show(value)}: nodes get public IP addresses`];
    })(ctx),
    ...perNodePool((p) => (field(p, 'networkConfig.enablePrivateNodes') === false ? ['networkConfig.enablePrivateNodes is false: this pool\'s nodes get public IP addresses'] : []))(ctx),
  ],
};

const controlPlaneNotPublic: ResourceRule = {
  target: 'resources',
  id: 'GK01-control-plane-not-public',
  description: 'The control plane\'s IP endpoint is private, disabled (DNS endpoint only), or behind authorized networks that do not include 0.0.0.0/0.',
  why: 'An API server open to the internet is one credential leak or Kubernetes CVE away from compromise; authorized networks or the IAM-checked DNS endpoint keep scanners out.',
  fix: 'Set masterAuthorizedNetworksConfig with only your admin CIDRs (or none, and use the DNS endpoint), never 0.0.0.0/0 nor gcpPublicCidrsAccessEnabled; or enablePrivateEndpoint / controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK01'],
  check: perCluster((c) => {
    if (field(c.props, 'controlPlaneEndpointsConfig.ipEndpointsConfig.enabled') === false) return [];
    if (field(c.props, 'privateClusterConfig.enablePrivateEndpoint') === true) return [];
    const authorized = c.props.masterAuthorizedNetworksConfig;
    if (authorized === undefined || authorized === null) {
      return ['masterAuthorizedNetworksConfig is not set and the IP endpoint is public: the API server is reachable from the whole internet'];
    }
    const open = asArray(field(authorized, 'cidrBlocks')).map((b) => field(b, 'cidrBlock')).filter(isWorldRange);
    return [
      ...open.map((cidr) => `masterAuthorizedNetworksConfig.cidrBlocks includes ${show(cidr)}: the API server is reachable from the whole internet`),
      ...(field(authorized, 'gcpPublicCidrsAccessEnabled') === true ? ['masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: any Google Cloud VM\'s public IP reaches the API server'] : []),
    ];
  }),
};

// ---------------------------------------------------------------------------------------
// GK02 identity

const workloadIdentity: ResourceRule = {
  target: 'resources',
  id: 'GK02-workload-identity',
  description: 'The cluster has Workload Identity (workloadIdentityConfig.workloadPool).',
  why: 'Without Workload Identity, pods reach Google APIs as the node\'s service account (shared by every pod on the node) or with exported keys; with it each Kubernetes service account maps to its own Google identity.',
  fix: 'Set workloadIdentityConfig: { workloadPool: "<project>.svc.id.goog" } on the cluster.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK02'],
  check: perCluster((c) => {
    const pool = field(c.props, 'workloadIdentityConfig.workloadPool');
    return typeof pool === 'string' && pool !== '' ? [] : [`workloadIdentityConfig.workloadPool is ${show(pool)}: pods use the node's service account`];
  }),
};

const gkeMetadata: ResourceRule = {
  target: 'resources',
  id: 'GK02-gke-metadata',
  description: 'Node pools run the GKE metadata server (nodeConfig.workloadMetadataConfig.mode GKE_METADATA).',
  why: 'With the Compute metadata server exposed, any pod can read the node\'s service account token and the kubelet\'s bootstrap credentials; GKE_METADATA serves Workload Identity tokens and hides the rest.',
  fix: 'Set nodeConfig.workloadMetadataConfig: { mode: "GKE_METADATA" } on every node pool.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK02'],
  check: perNodePool((p) => {
    const mode = field(p, 'nodeConfig.workloadMetadataConfig.mode');
    return mode === 'GKE_METADATA' ? [] : [`nodeConfig.workloadMetadataConfig.mode is ${show(mode)}, not GKE_METADATA: pods can read the node's credentials from the metadata server`];
  }),
};

const nodeServiceAccount: ResourceRule = {
  target: 'resources',
  id: 'GK02-node-service-account',
  description: 'Node pools run as a dedicated service account, not the Compute Engine default one.',
  why: 'The Compute Engine default service account has the Editor role on the project: a compromised node (or a pod reading its token) could change almost anything.',
  fix: 'Create a least-privilege service account (logging, monitoring, image pulls) and set nodeConfig.serviceAccount to its email.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK02'],
  check: perNodePool((p) => {
    const account = field(p, 'nodeConfig.serviceAccount');
    if (typeof account !== 'string' || account === '' || account === 'default') {
      return [`nodeConfig.serviceAccount is ${show(account)}: the nodes run as the Compute Engine default service account (Editor)`];
    }
    return COMPUTE_DEFAULT_ACCOUNT.test(account) ? [`nodeConfig.serviceAccount is ${show(account)}, the Compute Engine default service account (Editor)`] : [];
  }),
};

// ---------------------------------------------------------------------------------------
// GK03 shielded nodes

const shieldedNodes: ResourceRule = {
  target: 'resources',
  id: 'GK03-shielded-nodes',
  description: 'Shielded GKE nodes are on (enableShieldedNodes, true by default).',
  why: 'Shielded nodes prove their identity to the control plane with a vTPM, so an attacker who steals a node\'s bootstrap credentials cannot impersonate nodes and read their Secrets.',
  fix: 'Remove enableShieldedNodes: false from the cluster (or set it to true).',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK03'],
  check: perCluster((c) => (c.props.enableShieldedNodes === false ? ['enableShieldedNodes is false: nodes cannot prove their identity to the control plane'] : [])),
};

const secureBoot: ResourceRule = {
  target: 'resources',
  id: 'GK03-secure-boot',
  description: 'Node pools use Secure Boot and integrity monitoring (nodeConfig.shieldedInstanceConfig).',
  why: 'Secure Boot refuses unsigned boot components and integrity monitoring reports a changed boot sequence: together they stop rootkits and bootkits from persisting on nodes.',
  fix: 'Set nodeConfig.shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true } on every node pool.',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK03'],
  check: perNodePool((p) => {
    const secure = field(p, 'nodeConfig.shieldedInstanceConfig.enableSecureBoot');
    const integrity = field(p, 'nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring');
    return [
      ...(secure === true ? [] : [`nodeConfig.shieldedInstanceConfig.enableSecureBoot is ${show(secure)} (off by default): unsigned boot components can run`]),
      ...(integrity === false ? ['nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false: boot tampering goes unreported'] : []),
    ];
  }),
};

// ---------------------------------------------------------------------------------------
// GK04 lifecycle

const releaseChannel: ResourceRule = {
  target: 'resources',
  id: 'GK04-release-channel',
  description: 'The cluster is enrolled in a release channel (RAPID, REGULAR, STABLE or EXTENDED).',
  why: 'A release channel keeps the control plane and nodes on supported, patched versions automatically; without one, security patches wait for someone to upgrade by hand.',
  fix: 'Set releaseChannel: { channel: "REGULAR" } (or STABLE for production).',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK04'],
  check: perCluster((c) => {
    const channel = field(c.props, 'releaseChannel.channel');
    return typeof channel === 'string' && channel !== '' && channel !== 'UNSPECIFIED' ? [] : [`releaseChannel.channel is ${show(channel)}: versions are not kept patched automatically`];
  }),
};

const nodeAutoRepairUpgrade: ResourceRule = {
  target: 'resources',
  id: 'GK04-node-auto-repair-upgrade',
  description: 'Node pools keep auto-repair and auto-upgrade on (both on by default).',
  why: 'Auto-upgrade applies node security patches with the release channel; auto-repair replaces unhealthy nodes before they take workloads down.',
  fix: 'Remove management.autoRepair: false / management.autoUpgrade: false from the node pool (or set them to true).',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK04'],
  check: perNodePool((p) => [
    ...(field(p, 'management.autoRepair') === false ? ['management.autoRepair is false: failed nodes are not replaced'] : []),
    ...(field(p, 'management.autoUpgrade') === false ? ['management.autoUpgrade is false: nodes miss security patches'] : []),
  ]),
};

const deletionProtection: ResourceRule = {
  target: 'resources',
  id: 'GK04-deletion-protection',
  description: 'In prod, the cluster has deletion protection (deletionProtection: true).',
  why: 'A replacement or a stray `pulumi destroy` would delete the production cluster and every workload and volume on it; deletion protection makes that fail instead.',
  fix: 'Set deletionProtection: true on the prod cluster (platform:deletionProtection in Pulumi.prod.yaml).',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK04'],
  check: (ctx) => (ctx.profile !== 'prod' ? [] : perCluster((c) => (c.props.deletionProtection === true ? [] : [`deletionProtection is ${show(c.props.deletionProtection)}: prod requires true`]))(ctx)),
};

// ---------------------------------------------------------------------------------------
// GK05 hardening

const legacyAbac: ResourceRule = {
  target: 'resources',
  id: 'GK05-legacy-abac',
  description: 'Legacy ABAC authorization is off (enableLegacyAbac).',
  why: 'Legacy ABAC grants static permissions beyond RBAC (historically full access to every service account), so RBAC no longer bounds what workloads can do.',
  fix: 'Remove enableLegacyAbac: true from the cluster.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK05'],
  check: perCluster((c) => (c.props.enableLegacyAbac === true ? ['enableLegacyAbac is true: authorization bypasses RBAC'] : [])),
};

const clientCertificate: ResourceRule = {
  target: 'resources',
  id: 'GK05-client-certificate',
  description: 'No client certificate is issued for the cluster (masterAuth.clientCertificateConfig.issueClientCertificate).',
  why: 'The issued client certificate is a long-lived cluster-admin credential that cannot be revoked, stored in state and outputs; IAM-based authentication can be audited and withdrawn.',
  fix: 'Set masterAuth.clientCertificateConfig.issueClientCertificate: false (or leave masterAuth out) and use gke-gcloud-auth-plugin.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK05'],
  check: perCluster((c) => (field(c.props, 'masterAuth.clientCertificateConfig.issueClientCertificate') === true ? ['masterAuth.clientCertificateConfig.issueClientCertificate is true: an irrevocable admin certificate is issued'] : [])),
};

const networkPolicyEnforced: ResourceRule = {
  target: 'resources',
  id: 'GK05-network-policy',
  description: 'NetworkPolicies are enforced: Dataplane V2 (datapathProvider ADVANCED_DATAPATH) or networkPolicy.enabled.',
  why: 'Without an enforcing dataplane, the NetworkPolicies the platform ships are silently ignored and every pod can reach every other pod.',
  fix: 'Set datapathProvider: "ADVANCED_DATAPATH" on the cluster (or networkPolicy: { enabled: true, provider: "CALICO" }).',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK05'],
  check: perCluster((c) => {
    if (c.props.datapathProvider === 'ADVANCED_DATAPATH' || field(c.props, 'networkPolicy.enabled') === true) return [];
    return [`datapathProvider is ${show(c.props.datapathProvider)} and networkPolicy.enabled is ${show(field(c.props, 'networkPolicy.enabled'))}: NetworkPolicies are not enforced`];
  }),
};

const defaultNodePoolRemoved: ResourceRule = {
  target: 'resources',
  id: 'GK05-default-node-pool',
  description: 'The cluster\'s default node pool is removed (removeDefaultNodePool: true) in favour of managed node pools.',
  why: 'The default pool is created with default settings (Compute default service account unless told otherwise) and cannot be changed without recreating the cluster; separately managed pools can be hardened, replaced and upgraded on their own.',
  fix: 'Set removeDefaultNodePool: true (with initialNodeCount: 1) and declare gcp.container.NodePool resources.',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK05'],
  check: perCluster((c) => {
    if (isAutopilot(c) || asArray(c.props.nodePools).length > 0 || c.props.removeDefaultNodePool === true) return [];
    return [`removeDefaultNodePool is ${show(c.props.removeDefaultNodePool)}: the default node pool is kept`];
  }),
};

const noAlphaCluster: ResourceRule = {
  target: 'resources',
  id: 'GK05-no-alpha-cluster',
  description: 'The cluster is not an alpha cluster (enableKubernetesAlpha).',
  why: 'Alpha clusters run unsupported features, cannot be upgraded and are deleted after 30 days: no production workload survives on them.',
  fix: 'Remove enableKubernetesAlpha: true from the cluster.',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK05'],
  check: perCluster((c) => (c.props.enableKubernetesAlpha === true ? ['enableKubernetesAlpha is true: unsupported, not upgradable, deleted after 30 days'] : [])),
};

const containerOptimizedOs: ResourceRule = {
  target: 'resources',
  id: 'GK05-cos-containerd',
  description: 'Node pools use Container-Optimized OS with containerd (nodeConfig.imageType COS_CONTAINERD, the default).',
  why: 'COS has a minimal, read-only root filesystem, verified boot and automatic security patches; other images (Ubuntu, Windows) have a larger attack surface to maintain.',
  fix: 'Set nodeConfig.imageType: "COS_CONTAINERD" (or leave it out), unless a workload really needs another image.',
  severity: 'low',
  enforcement: 'advisory',
  catalogue: ['GK05'],
  check: perNodePool((p) => {
    const image = field(p, 'nodeConfig.imageType');
    return image === undefined || (typeof image === 'string' && image.toUpperCase() === 'COS_CONTAINERD') ? [] : [`nodeConfig.imageType is ${show(image)}, not COS_CONTAINERD`];
  }),
};

// ---------------------------------------------------------------------------------------
// GK06 logging and monitoring

const logging: ResourceRule = {
  target: 'resources',
  id: 'GK06-logging',
  description: 'Cloud Logging collects system and workload logs (loggingService not "none", loggingConfig with SYSTEM_COMPONENTS and WORKLOADS).',
  why: 'Without logs there is no audit trail of what ran and what it did: incidents cannot be investigated nor detected.',
  fix: 'Remove loggingService: "none" and set loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] } (or leave loggingConfig out).',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK06'],
  check: perCluster((c) => {
    if (c.props.loggingService === 'none') return ['loggingService is "none": no logs are collected'];
    const components = field(c.props, 'loggingConfig.enableComponents');
    if (components === undefined) return [];
    const missing = ['SYSTEM_COMPONENTS', 'WORKLOADS'].filter((k) => !asArray(components).includes(k));
    return missing.length === 0 ? [] : [`loggingConfig.enableComponents is ${show(components)}: missing ${missing.join(', ')}`];
  }),
};

const monitoring: ResourceRule = {
  target: 'resources',
  id: 'GK06-monitoring',
  description: 'Cloud Monitoring collects system metrics (monitoringService not "none", monitoringConfig with SYSTEM_COMPONENTS).',
  why: 'Without system metrics nobody sees nodes or the control plane degrade, and alerting on attacks (crypto-mining CPU, traffic spikes) is blind.',
  fix: 'Remove monitoringService: "none" and include "SYSTEM_COMPONENTS" in monitoringConfig.enableComponents (or leave monitoringConfig out).',
  severity: 'medium',
  enforcement: 'mandatory',
  catalogue: ['GK06'],
  check: perCluster((c) => {
    if (c.props.monitoringService === 'none') return ['monitoringService is "none": no metrics are collected'];
    const components = field(c.props, 'monitoringConfig.enableComponents');
    return components === undefined || asArray(components).includes('SYSTEM_COMPONENTS') ? [] : [`monitoringConfig.enableComponents is ${show(components)}: missing SYSTEM_COMPONENTS`];
  }),
};

/** Subnet purposes that carry no VM traffic and do not support flow logs. */
const PROXY_SUBNET_PURPOSES: readonly string[] = ['REGIONAL_MANAGED_PROXY', 'GLOBAL_MANAGED_PROXY', 'INTERNAL_HTTPS_LOAD_BALANCER', 'PRIVATE_SERVICE_CONNECT'];

const subnetFlowLogs: ResourceRule = {
  target: 'resources',
  id: 'GK06-subnet-flow-logs',
  description: 'VPC subnets record flow logs (logConfig).',
  why: 'Flow logs show who talked to whom: the evidence for investigating lateral movement or exfiltration, and for tuning firewall rules.',
  fix: 'Set logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" } on the subnet.',
  severity: 'low',
  enforcement: 'advisory',
  catalogue: ['GK06'],
  check: perResource([GCP_TYPES.subnetwork], (s) => {
    if (typeof s.props.purpose === 'string' && PROXY_SUBNET_PURPOSES.includes(s.props.purpose)) return [];
    return s.props.logConfig === undefined || s.props.logConfig === null ? ['logConfig is not set: no VPC flow logs'] : [];
  }),
};

// ---------------------------------------------------------------------------------------
// GK07 secrets encryption

const secretsEncryption: ResourceRule = {
  target: 'resources',
  id: 'GK07-secrets-encryption',
  description: 'Kubernetes Secrets are encrypted at the application layer with a Cloud KMS key (databaseEncryption ENCRYPTED).',
  why: 'etcd is encrypted at rest by Google by default; a customer-managed key adds a second layer you control, audit and can revoke, which compliance regimes often require.',
  fix: 'Create a Cloud KMS key in the cluster\'s region, grant the GKE service agent Encrypter/Decrypter on it and set databaseEncryption: { state: "ENCRYPTED", keyName: <key id> }.',
  severity: 'medium',
  enforcement: 'advisory',
  catalogue: ['GK07'],
  check: perCluster((c) => {
    const state = field(c.props, 'databaseEncryption.state');
    const key = field(c.props, 'databaseEncryption.keyName');
    return state === 'ENCRYPTED' && typeof key === 'string' && key !== '' ? [] : [`databaseEncryption.state is ${show(state)} and keyName is ${show(key)}: Secrets are not encrypted with a KMS key`];
  }),
};

// ---------------------------------------------------------------------------------------
// GK08 IAM

const noBasicRoles: ResourceRule = {
  target: 'resources',
  id: 'GK08-no-basic-roles',
  description: 'No IAM grant uses a basic role (roles/owner, roles/editor, roles/viewer).',
  why: 'Basic roles carry thousands of permissions across every service (Viewer reads most data, Editor changes almost anything): they break least privilege and hide what an identity really needs.',
  fix: 'Grant the predefined roles the principal needs (e.g. roles/container.developer) instead.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK08'],
  check: (ctx) => grants(ctx)
    .filter(({ grant }) => BASIC_ROLES.includes(grant.role))
    .map(({ resource, grant }) => ({ object: resource.name, message: `grants basic role ${grant.role} to ${grant.members.join(', ') || '(no members)'}` })),
};

const noServiceAccountKeys: ResourceRule = {
  target: 'resources',
  id: 'GK08-no-service-account-keys',
  description: 'No user-managed service account key (or HMAC key) is created.',
  why: 'Exported keys are long-lived bearer credentials that leak through state files, CI logs and laptops; Workload Identity and Workload Identity Federation need none.',
  fix: 'Delete the key resource; use Workload Identity in the cluster and Workload Identity Federation in CI.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK08'],
  check: perResource([GCP_TYPES.serviceAccountKey, GCP_TYPES.hmacKey], (r) => [
    `${r.type === GCP_TYPES.hmacKey ? 'HMAC key' : 'user-managed key'} for service account ${show(r.props.serviceAccountId ?? r.props.serviceAccountEmail)}`,
  ]),
};

/** IAM resources whose grants apply to every service account below them. */
const HIERARCHY_IAM = /^gcp:(projects|folder|organizations)\//;

const projectImpersonation: ResourceRule = {
  target: 'resources',
  id: 'GK08-project-impersonation',
  description: 'Service Account User and Token Creator are granted on single service accounts, not on the project, folder or organization.',
  why: 'At project level these roles let the holder act as, or mint tokens for, every service account in the project, including more privileged ones: a privilege escalation path.',
  fix: 'Grant the role with gcp.serviceaccount.IAMMember on the one service account that needs to be impersonated.',
  severity: 'medium',
  enforcement: 'advisory',
  catalogue: ['GK08'],
  check: (ctx) => grants(ctx)
    .filter(({ resource, grant }) => HIERARCHY_IAM.test(resource.type) && IMPERSONATION_ROLES.includes(grant.role))
    .map(({ resource, grant }) => ({ object: resource.name, message: `grants ${grant.role} to ${grant.members.join(', ') || '(no members)'} on the whole ${resource.type.slice('gcp:'.length).split('/')[0].replace(/s$/, '')}: it can impersonate every service account in it` })),
};

// ---------------------------------------------------------------------------------------
// IM03 / IM04 supply chain

const binaryAuthorization: ResourceRule = {
  target: 'resources',
  id: 'IM03-binary-authorization',
  description: 'In prod, Binary Authorization is enforced (binaryAuthorization.evaluationMode PROJECT_SINGLETON_POLICY_ENFORCE).',
  why: 'Binary Authorization admits only images that satisfy the project\'s policy (allowed registries, attestations from CI), so an image pushed outside the pipeline cannot run in production.',
  fix: 'Set binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" } on the prod cluster (platform:binaryAuthorization: true) and maintain the project\'s policy.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['IM03'],
  check: (ctx) => (ctx.profile !== 'prod' ? [] : perCluster((c) => {
    const mode = field(c.props, 'binaryAuthorization.evaluationMode');
    // `enabled: true` is the deprecated spelling of the same mode.
    if (mode === 'PROJECT_SINGLETON_POLICY_ENFORCE' || (mode === undefined && field(c.props, 'binaryAuthorization.enabled') === true)) return [];
    return [`binaryAuthorization.evaluationMode is ${show(mode)}: prod requires PROJECT_SINGLETON_POLICY_ENFORCE`];
  })(ctx)),
};

const ARTIFACT_REGISTRY_IAM = /^gcp:artifactregistry\/repositoryIam(Member|Binding|Policy):/;

const registryNotPublic: ResourceRule = {
  target: 'resources',
  id: 'IM04-registry-not-public',
  description: 'No Artifact Registry repository is granted to allUsers or allAuthenticatedUsers.',
  why: 'A public repository exposes every image (and the secrets, internal code and vulnerabilities baked into them) to anyone; a public write role lets anyone replace them.',
  fix: 'Remove the grant; give readers and writers named service accounts or groups.',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['IM04'],
  check: (ctx) => grants(ctx)
    .filter(({ resource }) => ARTIFACT_REGISTRY_IAM.test(resource.type))
    .flatMap(({ resource, grant }) => grant.members
      .filter((m) => PUBLIC_PRINCIPALS.includes(m))
      .map((m) => ({ object: resource.name, message: `grants ${grant.role} on repository ${show(resource.props.repository)} to ${m}` }))),
};

// ---------------------------------------------------------------------------------------
// GK09-GK11 edge

const HTTP_PROXY_TYPES: readonly string[] = [GCP_TYPES.targetHttpProxy, GCP_TYPES.targetHttpsProxy];

/** Why a URL map does more than redirect to HTTPS, or undefined when it only redirects. */
function notRedirectOnly(urlMap: PolicyResource): string | undefined {
  const problems: string[] = [];
  if (field(urlMap.props, 'defaultUrlRedirect.httpsRedirect') !== true) problems.push(`defaultUrlRedirect.httpsRedirect is ${show(field(urlMap.props, 'defaultUrlRedirect.httpsRedirect'))}`);
  for (const key of ['defaultService', 'defaultRouteAction', 'pathMatchers', 'hostRules']) {
    const value = urlMap.props[key];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) problems.push(`it sets ${key}`);
  }
  return problems.length === 0 ? undefined : problems.join(', ');
}

const httpRedirectOnly: ResourceRule = {
  target: 'resources',
  id: 'GK09-http-redirect-only',
  description: 'The external load balancer serves plain HTTP (port 80, or any TargetHttpProxy) only to redirect to HTTPS.',
  why: 'Content served over plain HTTP can be read and altered in transit (session cookies, tokens, injected scripts); the HTTP listener must only send clients to HTTPS.',
  fix: 'Point the port-80 forwarding rule at a TargetHttpProxy whose URL map has only defaultUrlRedirect: { httpsRedirect: true } (no defaultService, path matchers or host rules).',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK09'],
  check: perResource([GCP_TYPES.globalForwardingRule], (rule, ctx) => {
    const scheme = rule.props.loadBalancingScheme ?? 'EXTERNAL';
    if (typeof scheme !== 'string' || !EXTERNAL_SCHEMES.includes(scheme)) return [];
    const target = resolveReference(rule.props.target, ctx.resources, HTTP_PROXY_TYPES);
    const range = rule.props.portRange;
    const port = typeof range === 'string' || typeof range === 'number' ? String(range) : '(portRange not set)';
    if (target === undefined) {
      return portRangeIncludes(rule.props.portRange, 80) ? [`port ${port} targets ${show(rule.props.target)}, which is no TargetHttpProxy or TargetHttpsProxy of this stack: it cannot be shown to only redirect to HTTPS`] : [];
    }
    if (target.type === GCP_TYPES.targetHttpsProxy) return [];
    const urlMap = resolveReference(target.props.urlMap, ctx.resources, [GCP_TYPES.urlMap]);
    if (urlMap === undefined) return [`port ${port} serves plain HTTP through ${target.name}, whose URL map ${show(target.props.urlMap)} is not in this stack: it cannot be shown to only redirect to HTTPS`];
    const why = notRedirectOnly(urlMap);
    return why === undefined ? [] : [`port ${port} serves plain HTTP through ${target.name} with URL map ${urlMap.name}, which does not only redirect to HTTPS: ${why}`];
  }),
};

const sslPolicyStrong: ResourceRule = {
  target: 'resources',
  id: 'GK09-ssl-policy',
  description: 'SSL policies require TLS 1.2 or later with the MODERN or RESTRICTED profile.',
  why: 'The defaults (TLS 1.0, COMPATIBLE) accept protocol versions and ciphers with known attacks (BEAST, POODLE-style downgrades, 3DES/CBC weaknesses).',
  fix: 'Set minTlsVersion: "TLS_1_2" and profile: "MODERN" (or "RESTRICTED") on the SSL policy.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK09', 'NM07'],
  check: perResource([GCP_TYPES.sslPolicy, GCP_TYPES.regionSslPolicy], (p) => {
    const version = p.props.minTlsVersion;
    const profile = p.props.profile;
    return [
      ...(typeof version === 'string' && STRONG_TLS_VERSIONS.includes(version) ? [] : [`minTlsVersion is ${show(version)} (TLS_1_0 by default): TLS_1_2 or later required`]),
      ...(typeof profile === 'string' && STRONG_SSL_PROFILES.includes(profile) ? [] : [`profile is ${show(profile)} (COMPATIBLE by default): MODERN or RESTRICTED required`]),
    ];
  }),
};

const httpsProxySslPolicy: ResourceRule = {
  target: 'resources',
  id: 'GK09-https-proxy-ssl-policy',
  description: 'Every HTTPS target proxy has an SSL policy (sslPolicy).',
  why: 'Without one the proxy uses Google\'s default policy, which still accepts TLS 1.0 and weak ciphers.',
  fix: 'Create a gcp.compute.SSLPolicy (TLS_1_2, MODERN) and set sslPolicy on the target HTTPS proxy.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK09', 'NM07'],
  check: perResource([GCP_TYPES.targetHttpsProxy, GCP_TYPES.regionTargetHttpsProxy], (p) =>
    (typeof p.props.sslPolicy === 'string' && p.props.sslPolicy !== '' ? [] : ['sslPolicy is not set: Google\'s default policy accepts TLS 1.0'])),
};

const cloudArmor: ResourceRule = {
  target: 'resources',
  id: 'GK10-cloud-armor',
  description: 'Every external backend service has a Cloud Armor security policy (securityPolicy).',
  why: 'Cloud Armor filters attacks at Google\'s edge (OWASP signatures, rate limits, L7 DDoS) before they reach the mesh; an external backend without it takes all of them.',
  fix: 'Attach a gcp.compute.SecurityPolicy (WAF rules, rate limit) with securityPolicy on the backend service.',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['GK10'],
  check: perResource([GCP_TYPES.backendService, GCP_TYPES.regionBackendService], (b) => {
    const scheme = b.props.loadBalancingScheme ?? (b.type === GCP_TYPES.backendService ? 'EXTERNAL' : 'INTERNAL');
    if (typeof scheme !== 'string' || !EXTERNAL_SCHEMES.includes(scheme)) return [];
    return typeof b.props.securityPolicy === 'string' && b.props.securityPolicy !== '' ? [] : [`loadBalancingScheme is ${show(scheme)} and securityPolicy is not set: internet traffic reaches the backends unfiltered`];
  }),
};

const firewallNotOpen: ResourceRule = {
  target: 'resources',
  id: 'GK11-firewall-not-open',
  description: 'No ingress allow rule has 0.0.0.0/0 or ::/0 as a source (Google\'s load balancer ranges are the way in).',
  why: 'An allow rule from anywhere exposes node and pod ports (SSH, kubelet, NodePorts, the mesh) to the internet; only Google\'s LB and health-check ranges (130.211.0.0/22, 35.191.0.0/16) need to reach the gateway.',
  fix: 'Replace the source range with the LB ranges (130.211.0.0/22, 35.191.0.0/16), your admin CIDRs, or IAP (35.235.240.0/20) for SSH.',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['GK11'],
  check: perResource([GCP_TYPES.firewall], (f) => {
    const direction = f.props.direction ?? 'INGRESS';
    // Deny rules from anywhere are fine: only allow rules open ports.
    if (direction !== 'INGRESS' || asArray(f.props.allows).length === 0) return [];
    return asArray(f.props.sourceRanges).filter(isWorldRange).map((range) => `allows ingress from ${show(range)}: ${asArray(f.props.allows).map((a) => `${String(field(a, 'protocol'))}${field(a, 'ports') === undefined ? '' : ` ${asArray(field(a, 'ports')).join(',')}`}`).join('; ')} open to the internet`);
  }),
};

// ---------------------------------------------------------------------------------------
// CI05 Workload Identity Federation

const wifAttributeCondition: ResourceRule = {
  target: 'resources',
  id: 'CI05-wif-attribute-condition',
  description: 'Every Workload Identity pool provider has an attribute condition (attributeCondition).',
  why: 'Without a condition, every token the issuer signs is accepted: for GitHub that is every workflow of every repository on github.com.',
  fix: 'Set attributeCondition, e.g. "assertion.repository in [\'my-org/platform\']".',
  severity: 'critical',
  enforcement: 'mandatory',
  catalogue: ['CI05'],
  check: perResource([GCP_TYPES.workloadIdentityPoolProvider], (p) => {
    const condition = p.props.attributeCondition;
    return typeof condition === 'string' && condition.trim() !== '' ? [] : [`attributeCondition is ${show(condition)}: every token of the issuer is accepted`];
  }),
};

const wifRepositoryCondition: ResourceRule = {
  target: 'resources',
  id: 'CI05-wif-repository-condition',
  description: 'A GitHub Actions provider\'s attribute condition restricts the repository or its owner.',
  why: 'A condition on other claims alone (a branch, an event) still admits workflows of any repository on github.com, whose authors control those claims.',
  fix: 'Include assertion.repository (or repository_owner, or their _id forms) in the condition: "assertion.repository in [\'my-org/platform\']".',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['CI05'],
  check: perResource([GCP_TYPES.workloadIdentityPoolProvider], (p) => {
    const condition = p.props.attributeCondition;
    const issuer = field(p.props, 'oidc.issuerUri');
    if (typeof issuer !== 'string' || !issuer.startsWith(GITHUB_OIDC_ISSUER) || typeof condition !== 'string' || condition.trim() === '') return [];
    return REPOSITORY_CLAIM.test(condition) ? [] : [`attributeCondition ${show(condition)} does not restrict the repository or owner: any GitHub repository's workflows are accepted`];
  }),
};

/** The GKE and GCP rules, in report order. */
export const gcpRules: readonly ResourceRule[] = [
  privateNodes,
  controlPlaneNotPublic,
  workloadIdentity,
  gkeMetadata,
  nodeServiceAccount,
  shieldedNodes,
  secureBoot,
  releaseChannel,
  nodeAutoRepairUpgrade,
  deletionProtection,
  legacyAbac,
  clientCertificate,
  networkPolicyEnforced,
  defaultNodePoolRemoved,
  noAlphaCluster,
  containerOptimizedOs,
  logging,
  monitoring,
  subnetFlowLogs,
  secretsEncryption,
  noBasicRoles,
  noServiceAccountKeys,
  projectImpersonation,
  binaryAuthorization,
  registryNotPublic,
  httpRedirectOnly,
  sslPolicyStrong,
  httpsProxySslPolicy,
  cloudArmor,
  firewallNotOpen,
  wifAttributeCondition,
  wifRepositoryCondition,
];
