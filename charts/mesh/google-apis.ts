/**
 * Google Cloud access for services with `gcp` (Workload Identity): what their pods must
 * reach besides their dependencies, at L3/L4 (NetworkPolicy) and in the mesh (the
 * REGISTRY_ONLY Sidecar). Only those services get it; see docs/edge.md#google-cloud-access.
 *
 * - The GKE metadata server, for tokens. GKE documents the egress a network policy must
 *   allow, and it depends on the dataplane
 *   (https://cloud.google.com/kubernetes-engine/docs/concepts/workload-identity):
 *   "Allow egress to 169.254.169.252/32 on port 988. For clusters running GKE Dataplane
 *   V2, ensure that you allowed egress to 169.254.169.254/32 on port 80."
 * - Google APIs (`*.googleapis.com`, 443). A NetworkPolicy cannot name hosts, and their
 *   public addresses are many and change, so the VPC resolves `*.googleapis.com` to the
 *   `private.googleapis.com` range 199.36.153.8/30 (Private Google Access, private DNS
 *   zone in infra/network.ts) and the policy allows exactly that range on 443.
 */
import { Construct } from 'constructs';
import { ServiceEntry, ServiceEntrySpecLocation, ServiceEntrySpecResolution } from '../../imports/networking.istio.io';

import type { Dataplane } from '../../core/environment';

export type { Dataplane };

/** Every platform cluster runs Dataplane V2 (infra/cluster.ts). */
export const DEFAULT_DATAPLANE: Dataplane = 'v2';

export interface EgressEndpoint {
  readonly cidr: string;
  readonly port: number;
}

/** The address pods call the metadata server at (and `metadata.google.internal` resolves to). */
export const METADATA_SERVER_IP = '169.254.169.254';
export const METADATA_SERVER_HOST = 'metadata.google.internal';

/** Where the GKE metadata server listens on the node. */
const GKE_METADATA_SERVER: EgressEndpoint = { cidr: '169.254.169.252/32', port: 988 };
/** The address pods connect to, as a Dataplane V2 network policy sees it. */
const METADATA_SERVER: EgressEndpoint = { cidr: `${METADATA_SERVER_IP}/32`, port: 80 };

/**
 * What a network policy must allow for Workload Identity tokens, per dataplane, as GKE
 * documents it: 169.254.169.252/32:988 always, and 169.254.169.254/32:80 as well on
 * Dataplane V2 (which evaluates policy before the node redirects the call).
 */
export function metadataServerEgress(dataplane: Dataplane = DEFAULT_DATAPLANE): EgressEndpoint[] {
  return dataplane === 'v2' ? [METADATA_SERVER, GKE_METADATA_SERVER] : [GKE_METADATA_SERVER];
}

/**
 * `private.googleapis.com`: the range Private Google Access serves every Google API on
 * (https://cloud.google.com/vpc/docs/configure-private-google-access, "Domain options").
 */
export const PRIVATE_GOOGLE_APIS: EgressEndpoint = { cidr: '199.36.153.8/30', port: 443 };
export const PRIVATE_GOOGLE_APIS_HOST = 'private.googleapis.com';
export const GOOGLE_APIS_HOST = '*.googleapis.com';

/** The addresses of {@link PRIVATE_GOOGLE_APIS}, for the private DNS zone's A record. */
export function privateGoogleApisAddresses(): string[] {
  const [base, bits] = PRIVATE_GOOGLE_APIS.cidr.split('/');
  const octets = base.split('.').map(Number);
  const count = 2 ** (32 - Number(bits));
  return Array.from({ length: count }, (_, i) => [...octets.slice(0, 3), octets[3] + i].join('.'));
}

/** Every endpoint a service with `gcp` needs besides its dependencies, sorted. */
export function googleCloudEgress(dataplane: Dataplane = DEFAULT_DATAPLANE): EgressEndpoint[] {
  return [...metadataServerEgress(dataplane), PRIVATE_GOOGLE_APIS].sort((a, b) =>
    a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : a.port - b.port,
  );
}

/** Names of the ServiceEntries, in the app namespace. */
export const METADATA_SERVICE_ENTRY = 'gke-metadata-server';
export const GOOGLE_APIS_SERVICE_ENTRY = 'google-apis';

/** The Sidecar egress hosts that let a service's proxy reach them (the entries are exported to `.` only). */
export function googleCloudSidecarHosts(): string[] {
  return [`./${GOOGLE_APIS_HOST}`, `./${METADATA_SERVER_HOST}`];
}

export interface GoogleCloudAccessProps {
  readonly labels: Record<string, string>;
}

/**
 * The two hosts in the mesh registry, visible to this namespace only; a REGISTRY_ONLY
 * Sidecar reaches them only if it lists them (`googleCloudSidecarHosts`). Resolution
 * NONE: the proxy forwards to the address the app connected to (an ORIGINAL_DST cluster,
 * pilot/pkg/networking/core/cluster.go convertResolution), which the NetworkPolicy limits.
 */
export class GoogleCloudAccess extends Construct {
  constructor(scope: Construct, id: string, props: GoogleCloudAccessProps) {
    super(scope, id);
    // TCP on the metadata address: matched by destination IP and port, whatever Host
    // header the client library sends (the IP, or the name with a trailing dot).
    new ServiceEntry(this, 'MetadataServer', {
      metadata: { name: METADATA_SERVICE_ENTRY, labels: props.labels },
      spec: {
        hosts: [METADATA_SERVER_HOST],
        addresses: [`${METADATA_SERVER_IP}/32`],
        ports: [{ number: 80, name: 'tcp-metadata', protocol: 'TCP' }],
        location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
        resolution: ServiceEntrySpecResolution.NONE,
        exportTo: ['.'],
      },
    });
    // TLS on 443: matched by SNI, so only *.googleapis.com names pass the proxy.
    new ServiceEntry(this, 'GoogleApis', {
      metadata: { name: GOOGLE_APIS_SERVICE_ENTRY, labels: props.labels },
      spec: {
        hosts: [GOOGLE_APIS_HOST],
        ports: [{ number: PRIVATE_GOOGLE_APIS.port, name: 'tls', protocol: 'TLS' }],
        location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
        resolution: ServiceEntrySpecResolution.NONE,
        exportTo: ['.'],
      },
    });
  }
}
