/**
 * The clusters' network: a dedicated VPC, per region a subnet with the pod and Service
 * ranges and Cloud NAT for the private nodes, and the only ingress the mesh needs.
 *
 * The decisions (range names, ports, firewall specs) are pure exports, tested as tables;
 * the component only wires them to resources.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { GOOGLE_APIS_HOST, PRIVATE_GOOGLE_APIS_HOST, privateGoogleApisAddresses } from '../charts/mesh/google-apis';

/** Secondary range of the subnet that GKE gives to pods (`ipAllocationPolicy.clusterSecondaryRangeName`). */
export const POD_RANGE_NAME = 'pods';
/** Secondary range of the subnet that GKE gives to Services (`ipAllocationPolicy.servicesSecondaryRangeName`). */
export const SERVICE_RANGE_NAME = 'services';

/**
 * Where Google's health checkers and the global external Application Load Balancer's
 * proxies (GFEs) connect from. Nothing else on the internet reaches the VPC.
 * @see https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
 */
export const HEALTH_CHECK_RANGES: readonly string[] = ['130.211.0.0/22', '35.191.0.0/16'];

/**
 * Ports of the Istio ingress gateway *pods* (the Helm chart's gateway listens on 8080/8443
 * behind Service ports 80/443, see DESIGN pitfalls) and its readiness port 15021. The
 * load balancer talks to the pods directly through standalone NEGs, so these are the
 * ports the firewall must open, not the Service's.
 */
export const GATEWAY_POD_PORTS: readonly number[] = [8080, 8443, 15021];

/** istiod's sidecar-injection and validation webhook port. */
export const ISTIOD_WEBHOOK_PORT = 15017;

/** A further region's subnet, router and NAT (core/regions.ts `RegionPlan` fits). */
export interface RegionNetworkArgs {
  readonly region: string;
  /** Appended to the region's resource names (`-<region>`). */
  readonly suffix: string;
  readonly subnetCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
  /** The region's control plane /28, allowed to the istiod webhook. */
  readonly masterCidr: string;
}

export interface NetworkArgs {
  /** Region of the primary subnet, router and NAT (the first cluster's region). */
  readonly region: string;
  /** Primary range of the subnet: the nodes. */
  readonly subnetCidr: string;
  /** Secondary range for pods (named {@link POD_RANGE_NAME}). */
  readonly podsCidr: string;
  /** Secondary range for Services (named {@link SERVICE_RANGE_NAME}). */
  readonly servicesCidr: string;
  /** The private control plane's /28; the only source allowed to reach istiod's webhook. */
  readonly masterCidr: string;
  /** Private services access: the range Cloud SQL and Memorystore take their private IPs from. */
  readonly privateServicesCidr: string;
  /**
   * Further regions (prod in two regions, docs/regions.md), each with its own subnet, router and
   * NAT on the same VPC; their names end in the region's suffix. @default - none
   */
  readonly furtherRegions?: readonly RegionNetworkArgs[];
}

/** The peering service of private services access (Cloud SQL, Memorystore). */
export const SERVICE_NETWORKING = 'servicenetworking.googleapis.com';

/** The global internal address range of private services access, as `compute.GlobalAddress` wants it. */
export function privateServicesRange(cidr: string): { address: string; prefixLength: number } {
  const [address, prefix] = cidr.split('/');
  return { address, prefixLength: Number(prefix) };
}

export interface SecondaryRange {
  readonly rangeName: string;
  readonly ipCidrRange: string;
}

/** The subnet's secondary ranges, in a stable order. */
export function secondaryRanges(args: Pick<NetworkArgs, 'podsCidr' | 'servicesCidr'>): SecondaryRange[] {
  return [
    { rangeName: POD_RANGE_NAME, ipCidrRange: args.podsCidr },
    { rangeName: SERVICE_RANGE_NAME, ipCidrRange: args.servicesCidr },
  ];
}

/** One ingress allow rule; the role becomes the resource name suffix. */
export interface FirewallRuleSpec {
  readonly role: string;
  readonly description: string;
  readonly sourceRanges: readonly string[];
  /** Restricts the rule to these destinations (the pod range: NEG endpoints and istiod are pods). */
  readonly destinationRanges: readonly string[];
  readonly protocol: 'tcp';
  readonly ports: readonly number[];
}

/**
 * The VPC's ingress allow rules. Everything else is denied by the VPC's implied rule.
 * Destinations are the pod ranges: NEG endpoints are pod IPs, and so is istiod. One rule
 * each over every region's ranges, so a single-region stack keeps its rules and names.
 */
export function firewallRules(args: Pick<NetworkArgs, 'podsCidr' | 'masterCidr' | 'furtherRegions'>): FirewallRuleSpec[] {
  const further = args.furtherRegions ?? [];
  const podsCidrs = [args.podsCidr, ...further.map((r) => r.podsCidr)];
  const masterCidrs = [args.masterCidr, ...further.map((r) => r.masterCidr)];
  return [
    {
      role: 'allow-lb-to-gateway',
      description: 'Google health checks and load balancer proxies to the Istio ingress gateway pods',
      sourceRanges: HEALTH_CHECK_RANGES,
      destinationRanges: podsCidrs,
      protocol: 'tcp',
      ports: GATEWAY_POD_PORTS,
    },
    {
      // Private clusters: without it the API server cannot call istiod's webhook and
      // sidecar injection times out (DESIGN, Known pitfalls).
      role: 'allow-master-to-istiod',
      description: 'GKE control plane to the istiod webhook (sidecar injection, validation)',
      sourceRanges: masterCidrs,
      destinationRanges: podsCidrs,
      protocol: 'tcp',
      ports: [ISTIOD_WEBHOOK_PORT],
    },
  ];
}

/** One record of the private `googleapis.com.` zone. */
export interface DnsRecordSpec {
  readonly role: string;
  readonly name: string;
  readonly type: 'A' | 'CNAME';
  readonly rrdatas: readonly string[];
}

/**
 * Private Google Access with the `private.googleapis.com` domain: every `*.googleapis.com`
 * name in the VPC resolves to its four addresses, so pods with `gcp` access reach Google
 * APIs through one /30 their NetworkPolicy can name (charts/mesh/google-apis.ts).
 * @see https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain
 */
export const GOOGLE_APIS_ZONE = 'googleapis.com.';
export function privateGoogleApisRecords(): DnsRecordSpec[] {
  return [
    { role: 'private', name: `${PRIVATE_GOOGLE_APIS_HOST}.`, type: 'A', rrdatas: privateGoogleApisAddresses() },
    { role: 'wildcard', name: `${GOOGLE_APIS_HOST}.`, type: 'CNAME', rrdatas: [`${PRIVATE_GOOGLE_APIS_HOST}.`] },
  ];
}

/** One region's part of the network. */
export interface RegionalNetwork {
  readonly region: string;
  readonly subnet: gcp.compute.Subnetwork;
  readonly router: gcp.compute.Router;
  readonly nat: gcp.compute.RouterNat;
}

export class Network extends pulumi.ComponentResource {
  readonly vpc: gcp.compute.Network;
  /** The primary region's subnet, router and NAT. */
  readonly subnet: gcp.compute.Subnetwork;
  readonly router: gcp.compute.Router;
  readonly nat: gcp.compute.RouterNat;
  /** Every region's subnet, router and NAT, the primary region first. */
  readonly regions: readonly RegionalNetwork[];
  readonly firewalls: readonly gcp.compute.Firewall[];
  /** Private `googleapis.com.` zone on the VPC (Private Google Access through private.googleapis.com). */
  readonly googleApisZone: gcp.dns.ManagedZone;
  /** Secondary range names for the cluster's IP allocation policy. */
  readonly podRangeName = POD_RANGE_NAME;
  readonly serviceRangeName = SERVICE_RANGE_NAME;
  /** The control plane's /28, passed through so the cluster reads it from the same place. */
  readonly masterCidr: string;
  /** The allocated range of private services access (`purpose: VPC_PEERING`). */
  readonly privateServicesRange: gcp.compute.GlobalAddress;
  /** The peering with Google's producer networks: Cloud SQL and Memorystore wait for it. */
  readonly privateServicesConnection: gcp.servicenetworking.Connection;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:network:Network', name, {}, opts);
    const child = { parent: this };

    this.masterCidr = args.masterCidr;

    this.vpc = new gcp.compute.Network(
      `${name}-vpc`,
      {
        // We plan every range ourselves; auto mode would add a subnet in every region.
        autoCreateSubnetworks: false,
        routingMode: 'REGIONAL',
        description: 'Platform VPC: GKE nodes, pods and Services',
      },
      child,
    );

    // The primary region's names carry no suffix: a single-region stack's names never change.
    const regions = [{ ...args, suffix: '' }, ...(args.furtherRegions ?? [])];
    this.regions = regions.map((r) => this.regional(name, r));
    this.subnet = this.regions[0].subnet;
    this.router = this.regions[0].router;
    this.nat = this.regions[0].nat;

    this.firewalls = firewallRules(args).map(
      (rule) =>
        new gcp.compute.Firewall(
          `${name}-${rule.role}`,
          {
            network: this.vpc.id,
            description: rule.description,
            direction: 'INGRESS',
            sourceRanges: [...rule.sourceRanges],
            destinationRanges: [...rule.destinationRanges],
            allows: [{ protocol: rule.protocol, ports: rule.ports.map(String) }],
          },
          child,
        ),
    );

    this.googleApisZone = new gcp.dns.ManagedZone(
      `${name}-googleapis`,
      {
        dnsName: GOOGLE_APIS_ZONE,
        description: 'Private Google Access: *.googleapis.com resolves to private.googleapis.com (199.36.153.8/30)',
        visibility: 'private',
        privateVisibilityConfig: { networks: [{ networkUrl: this.vpc.id }] },
      },
      child,
    );
    for (const record of privateGoogleApisRecords()) {
      new gcp.dns.RecordSet(
        `${name}-googleapis-${record.role}`,
        {
          managedZone: this.googleApisZone.name,
          name: record.name,
          type: record.type,
          ttl: 300,
          rrdatas: [...record.rrdatas],
        },
        child,
      );
    }

    // Private services access: Cloud SQL's private IP and Memorystore live in Google's
    // producer networks, peered with the VPC through this range. Free until something uses it.
    this.privateServicesRange = new gcp.compute.GlobalAddress(
      `${name}-private-services`,
      {
        ...privateServicesRange(args.privateServicesCidr),
        purpose: 'VPC_PEERING',
        addressType: 'INTERNAL',
        network: this.vpc.id,
        description: 'Private services access: Cloud SQL and Memorystore private IPs',
      },
      child,
    );
    this.privateServicesConnection = new gcp.servicenetworking.Connection(
      `${name}-private-services`,
      {
        network: this.vpc.id,
        service: SERVICE_NETWORKING,
        reservedPeeringRanges: [this.privateServicesRange.name],
        // Deleted Cloud SQL instances hold the peering for days; destroying the stack must not fail on it.
        deletionPolicy: 'ABANDON',
      },
      child,
    );

    this.registerOutputs({ vpcId: this.vpc.id, subnetId: this.subnet.id });
  }

  /** One region's subnet (with its pod and Service ranges), router and NAT. */
  private regional(name: string, r: RegionNetworkArgs): RegionalNetwork {
    const subnet = new gcp.compute.Subnetwork(
      `${name}-subnet${r.suffix}`,
      {
        network: this.vpc.id,
        region: r.region,
        ipCidrRange: r.subnetCidr,
        secondaryIpRanges: secondaryRanges(r),
        // Private nodes have no external IP; this lets them reach Google APIs (Artifact Registry, logging).
        privateIpGoogleAccess: true,
        logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
      },
      { parent: this },
    );

    const router = new gcp.compute.Router(
      `${name}-router${r.suffix}`,
      {
        network: this.vpc.id,
        region: r.region,
      },
      { parent: this },
    );

    // Private nodes still pull images from public registries (Docker Hub, quay.io).
    const nat = new gcp.compute.RouterNat(
      `${name}-nat${r.suffix}`,
      {
        router: router.name,
        region: r.region,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
        logConfig: { enable: true, filter: 'ERRORS_ONLY' },
      },
      { parent: this },
    );
    return { region: r.region, subnet, router, nat };
  }
}
