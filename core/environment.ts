/**
 * What an environment is, below every layer: its profile, the resource tiers it may default
 * to, and the settings synthesis reads. The config schema (./config-schema.ts) reads them from
 * a stack; services/, charts/ and up re-export or use them from here, so core/ imports none of
 * them (layers only import downward: docs/testing.md).
 */

/**
 * Environment profile: how much of everything an environment gets. Chosen by the
 * stack file (`platform:profile`), never by the service.
 */
export type EnvironmentProfile = 'dev' | 'staging' | 'prod';
export const ENVIRONMENT_PROFILES: readonly EnvironmentProfile[] = ['dev', 'staging', 'prod'];

/** Resource tier: a named size with requests and limits (see `RESOURCE_TIERS`). */
export type ResourceTier = 'small' | 'medium' | 'large';
export const RESOURCE_TIERS_ORDER: readonly ResourceTier[] = ['small', 'medium', 'large'];

/**
 * `v2`: GKE Dataplane V2 (eBPF; our clusters, `ADVANCED_DATAPATH` in infra/cluster.ts).
 * `legacy`: the iptables dataplane with Calico network policy.
 */
export type Dataplane = 'v2' | 'legacy';

/** What synthesis needs of an environment; `core/config.ts` reads it from `Pulumi.<stack>.yaml`. */
export interface SynthEnvironment {
  /** Stack name, e.g. `dev`. */
  readonly stack: string;
  /** Replica counts, resource tier defaults and digest rules follow the profile. */
  readonly profile: EnvironmentProfile;
  /** Namespace the catalogue is deployed to (labelled for Istio injection). */
  readonly namespace: string;
  /** Public DNS domain of the environment's gateway. */
  readonly domain: string;
  /** Namespace of the Istio ingress gateway installed by the platform. */
  readonly gatewayNamespace: string;
  /** Helm release name of the ingress gateway: its ServiceAccount, and `istio: <name without "istio-">` on its pods. */
  readonly gatewayName: string;
  /** Secret (in the gateway namespace) the platform creates for the load balancer hop's certificate (docs/edge.md). */
  readonly tlsCredential: string;
  /** Namespace of istiod, which every sidecar must reach. */
  readonly controlPlaneNamespace: string;
  /** JWT issuer for routes with `authRequired` (optional unless such a route exists). */
  readonly jwtIssuer?: string;
  /** JWKS URI of that issuer. */
  readonly jwksUri?: string;
  /** Resource tier of services that do not name one. */
  readonly defaultTier: ResourceTier;
  /** Digests (not tags) required for every image pin. */
  readonly requireDigests: boolean;
  /** Name of the releases file, for messages (`services/releases/dev.yaml`). */
  readonly releasesFile: string;
  /** GCP project: names the Google service accounts of services with `gcp.roles`. */
  readonly gcpProject?: string;
  /** GCP region: the Cloud SQL instance's, for the connection name the proxy sidecar uses. */
  readonly gcpRegion?: string;
  /**
   * CIDR of the VPC's private services access range, where Cloud SQL (private IP) and
   * Memorystore get their addresses: the mesh egress of services that use `postgres` or
   * `redis` (charts/mesh/private-services.ts). Required when a platform stack has such a service.
   */
  readonly privateServicesCidr?: string;
  /**
   * The cluster's dataplane, which decides the metadata server egress of services with
   * `gcp` (charts/mesh/google-apis.ts). Not a config key: infra/cluster.ts always creates
   * Dataplane V2 clusters.
   * @default 'v2'
   */
  readonly dataplane?: Dataplane;
}
