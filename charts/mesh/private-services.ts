/**
 * Egress to the VPC's private services access range, where Cloud SQL (private IP) and
 * Memorystore get their addresses: services that use `postgres` (the Cloud SQL Auth Proxy
 * sidecar connects to port 3307) or `redis` (TLS port 6378) reach it at L3/L4 (NetworkPolicy)
 * and in the mesh (their REGISTRY_ONLY Sidecar lists the host below), like Google APIs
 * (./google-apis.ts). The addresses are only known after deploy, so the entry matches the
 * whole range, on exactly the ports the catalogue needs.
 */
import { Construct } from 'constructs';
import { ServiceEntry, ServiceEntrySpecLocation, ServiceEntrySpecResolution } from '../../imports/networking.istio.io';

/** The ServiceEntry's name, and the host a Sidecar lists to reach it (a name for the range; nothing resolves it). */
export const PRIVATE_SERVICES_SERVICE_ENTRY = 'google-private-services';
export const PRIVATE_SERVICES_HOST = 'private-services.google.internal';

/** The Sidecar egress host of services that reach the range (the entry is exported to `.` only). */
export function privateServicesSidecarHost(): string {
  return `./${PRIVATE_SERVICES_HOST}`;
}

export interface PrivateServicesAccessProps {
  /** The private services access range (SynthEnvironment.privateServicesCidr). */
  readonly cidr: string;
  /** The TCP ports some service of the catalogue needs there, sorted. */
  readonly ports: readonly number[];
  readonly labels: Record<string, string>;
}

const PORT_NAMES: Readonly<Record<number, string>> = { 3307: 'tcp-cloudsql', 6378: 'tcp-redis-tls' };

/**
 * The range in the mesh registry, visible to this namespace only. TCP matched by destination
 * address and port; resolution NONE forwards to the address the client connected to.
 */
export class PrivateServicesAccess extends Construct {
  constructor(scope: Construct, id: string, props: PrivateServicesAccessProps) {
    super(scope, id);
    new ServiceEntry(this, 'Resource', {
      metadata: { name: PRIVATE_SERVICES_SERVICE_ENTRY, labels: props.labels },
      spec: {
        hosts: [PRIVATE_SERVICES_HOST],
        addresses: [props.cidr],
        ports: props.ports.map((number) => ({ number, name: PORT_NAMES[number] ?? `tcp-${number}`, protocol: 'TCP' })),
        location: ServiceEntrySpecLocation.MESH_UNDERSCORE_EXTERNAL,
        resolution: ServiceEntrySpecResolution.NONE,
        exportTo: ['.'],
      },
    });
  }
}
