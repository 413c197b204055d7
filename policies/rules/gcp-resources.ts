/**
 * Reading the Pulumi resources the GKE and GCP rules check: type tokens, fields at a path,
 * node pools (separate or in-line), IAM grants of every binding and member type, and the
 * per-resource rule shapes.
 *
 * Provider defaults count: a field left unset is judged by what the provider does with it
 * (`enableShieldedNodes` defaults to true, `enableSecureBoot` to false, SSL policies to
 * TLS 1.0 and COMPATIBLE, a global backend service's scheme to EXTERNAL), as documented in
 * `@pulumi/gcp`'s type definitions.
 */
import { valueAt } from '../objects';
import type { Finding, PolicyResource, ResourceContext } from '../types';
import { asList } from '../../core/json';

export type Props = Record<string, unknown>;

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
  sqlInstance: 'gcp:sql/databaseInstance:DatabaseInstance',
  sqlUser: 'gcp:sql/user:User',
  redisInstance: 'gcp:redis/instance:Instance',
  valkeyInstance: 'gcp:memorystore/instance:Instance',
  topic: 'gcp:pubsub/topic:Topic',
  subscription: 'gcp:pubsub/subscription:Subscription',
  bucket: 'gcp:storage/bucket:Bucket',
  secret: 'gcp:secretmanager/secret:Secret',
  secretVersion: 'gcp:secretmanager/secretVersion:SecretVersion',
} as const;

// ---------------------------------------------------------------------------------------
// Reading resources

/** The value at a dotted path (`privateClusterConfig.enablePrivateNodes`), or undefined. */
export function field(props: unknown, path: string): unknown {
  return valueAt(props, path.split('.'));
}

/** A value as messages quote it: JSON, or `not set`. */
export function show(value: unknown): string {
  return value === undefined ? 'not set' : JSON.stringify(value);
}

export function ofType(ctx: ResourceContext, ...types: string[]): PolicyResource[] {
  return ctx.resources.filter((r) => types.includes(r.type));
}

export const asArray = asList;

export function asProps(value: unknown): Props {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Props) : {};
}

export function isAutopilot(cluster: PolicyResource): boolean {
  return cluster.props.enableAutopilot === true;
}

/**
 * Whether a reference input (another resource's id, self link or name) points at
 * `resource`.
 *
 * Assumption: a reference is compared with the resource's Pulumi name and with its
 * physical name (`props.name`, set by auto-naming under CrossGuard or by the program):
 * - under the repo's mocks (infra/offline/engine.ts) a resource's id is `<name>-id`,
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
export interface NodePoolView {
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
export function nodePools(ctx: ResourceContext): NodePoolView[] {
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
export function grants(ctx: ResourceContext): Array<{ resource: PolicyResource; grant: IamGrant }> {
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
export function perResource(
  types: readonly string[],
  check: (r: PolicyResource, ctx: ResourceContext) => string[],
): (ctx: ResourceContext) => Finding[] {
  return (ctx) => ofType(ctx, ...types).flatMap((r) => check(r, ctx).map((message) => ({ object: r.name, message })));
}

/** A rule on every cluster. */
export function perCluster(check: (cluster: PolicyResource, ctx: ResourceContext) => string[]): (ctx: ResourceContext) => Finding[] {
  return perResource([GCP_TYPES.cluster], check);
}

/** A rule on every node pool (see {@link nodePools}). */
export function perNodePool(check: (pool: Props) => string[]): (ctx: ResourceContext) => Finding[] {
  return (ctx) => nodePools(ctx).flatMap((p) => check(p.pool).map((message) => ({ object: p.object, message: `${p.label}${message}` })));
}

export const COMPUTE_DEFAULT_ACCOUNT = /-compute@developer\.gserviceaccount\.com$/;
export const BASIC_ROLES: readonly string[] = ['roles/owner', 'roles/editor', 'roles/viewer'];
export const IMPERSONATION_ROLES: readonly string[] = ['roles/iam.serviceAccountTokenCreator', 'roles/iam.serviceAccountUser'];
export const PUBLIC_PRINCIPALS: readonly string[] = ['allUsers', 'allAuthenticatedUsers'];
export const STRONG_TLS_VERSIONS: readonly string[] = ['TLS_1_2', 'TLS_1_3'];
/** MODERN and RESTRICTED, and the FIPS profile (a subset of RESTRICTED's ciphers, TLS 1.2+). */
export const STRONG_SSL_PROFILES: readonly string[] = ['MODERN', 'RESTRICTED', 'FIPS_202205'];
export const EXTERNAL_SCHEMES: readonly string[] = ['EXTERNAL', 'EXTERNAL_MANAGED'];
/** GitHub Actions' issuer; GitHub Enterprise Cloud appends `/<enterprise>`. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
export const REPOSITORY_CLAIM = /\b(assertion|attribute)\.(repository|repository_id|repository_owner|repository_owner_id)\b/;
