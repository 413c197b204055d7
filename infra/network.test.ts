import { recordResources, registered, settle, type RecordedResource } from './offline/engine';
import {
  firewallRules,
  GATEWAY_POD_PORTS,
  HEALTH_CHECK_RANGES,
  ISTIOD_WEBHOOK_PORT,
  Network,
  POD_RANGE_NAME,
  secondaryRanges,
  SERVICE_RANGE_NAME,
  type NetworkArgs,
} from './network';

const recording = recordResources({ stack: 'dev' });

const ARGS: NetworkArgs = {
  region: 'europe-west1',
  subnetCidr: '10.10.0.0/20',
  podsCidr: '10.20.0.0/14',
  servicesCidr: '10.24.0.0/20',
  masterCidr: '172.16.0.0/28',
  privateServicesCidr: '10.32.0.0/16',
};

const FIREWALL = 'gcp:compute/firewall:Firewall';
const firewall = (role: string): RecordedResource => recording.one(FIREWALL, `net-${role}`);

describe('network decisions', () => {
  it('names the secondary ranges pods and services', () => {
    expect([POD_RANGE_NAME, SERVICE_RANGE_NAME]).toEqual(['pods', 'services']);
  });

  it.each([
    [
      'the default plan',
      { podsCidr: '10.20.0.0/14', servicesCidr: '10.24.0.0/20' },
      [
        { rangeName: 'pods', ipCidrRange: '10.20.0.0/14' },
        { rangeName: 'services', ipCidrRange: '10.24.0.0/20' },
      ],
    ],
    [
      'another plan',
      { podsCidr: '10.64.0.0/16', servicesCidr: '10.65.0.0/22' },
      [
        { rangeName: 'pods', ipCidrRange: '10.64.0.0/16' },
        { rangeName: 'services', ipCidrRange: '10.65.0.0/22' },
      ],
    ],
  ])('gives the subnet the pods then the services range (%s)', (_, input, expected) => {
    expect(secondaryRanges(input)).toEqual(expected);
  });

  it("lets in only Google's health-check and proxy ranges", () => {
    expect(HEALTH_CHECK_RANGES).toEqual(['130.211.0.0/22', '35.191.0.0/16']);
  });

  it("opens the Helm gateway's pod ports, not its Service ports", () => {
    expect(GATEWAY_POD_PORTS).toEqual([8080, 8443, 15021]);
  });

  it.each([
    ['allow-lb-to-gateway', ['130.211.0.0/22', '35.191.0.0/16'], [8080, 8443, 15021]],
    ['allow-master-to-istiod', ['172.16.0.0/28'], [15017]],
  ])('GIVEN the default plan THEN rule %s admits sources %j on TCP ports %j to the pod range', (role, sources, ports) => {
    const rule = firewallRules(ARGS).find((r) => r.role === role);
    expect(rule).toMatchObject({ sourceRanges: sources, destinationRanges: ['10.20.0.0/14'], protocol: 'tcp', ports });
  });

  it('takes the webhook rule source from the control plane range it is given', () => {
    const rules = firewallRules({ podsCidr: '10.64.0.0/16', masterCidr: '192.168.100.16/28' });
    expect(rules.map((r) => [r.role, r.sourceRanges, r.ports])).toEqual([
      ['allow-lb-to-gateway', HEALTH_CHECK_RANGES, GATEWAY_POD_PORTS],
      ['allow-master-to-istiod', ['192.168.100.16/28'], [ISTIOD_WEBHOOK_PORT]],
    ]);
  });
});

describe('firewallRules in two regions', () => {
  it("opens both regions' pod ranges, and istiod's webhook to both control planes, under the single-region names", () => {
    const rules = firewallRules({
      ...ARGS,
      furtherRegions: [
        {
          region: 'europe-west4',
          suffix: '-europe-west4',
          subnetCidr: '10.11.0.0/20',
          podsCidr: '10.40.0.0/14',
          servicesCidr: '10.25.0.0/20',
          masterCidr: '172.16.0.16/28',
        },
      ],
    });
    expect(rules.map((r) => [r.role, r.sourceRanges, r.destinationRanges])).toEqual([
      ['allow-lb-to-gateway', HEALTH_CHECK_RANGES, ['10.20.0.0/14', '10.40.0.0/14']],
      ['allow-master-to-istiod', ['172.16.0.0/28', '172.16.0.16/28'], ['10.20.0.0/14', '10.40.0.0/14']],
    ]);
  });
});

describe('Network', () => {
  let network: Network;

  beforeAll(async () => {
    // GIVEN the default network plan WHEN the component is created
    network = new Network('net', ARGS);
    await registered();
  });

  it('registers the component with its type token', () => {
    expect(recording.one('platform:network:Network', 'net').custom).toBe(false);
  });

  it('parents every resource to the component and names it after its role', () => {
    const component = recording.one('platform:network:Network', 'net');
    const children = recording.resources.filter((r) => r !== component);
    expect(children.map((r) => r.name).sort()).toEqual([
      'net-allow-lb-to-gateway',
      'net-allow-master-to-istiod',
      'net-googleapis',
      'net-googleapis-private',
      'net-googleapis-wildcard',
      'net-nat',
      'net-private-services',
      'net-private-services',
      'net-router',
      'net-subnet',
      'net-vpc',
    ]);
    expect(children.every((r) => r.parent === component.urn)).toBe(true);
  });

  it('reserves the private services range on the VPC for peering, as an internal global address', () => {
    expect(recording.one('gcp:compute/globalAddress:GlobalAddress', 'net-private-services').inputs).toMatchObject({
      address: '10.32.0.0',
      prefixLength: 16,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      network: 'net-vpc-id',
    });
  });

  it('peers the VPC with servicenetworking over that range, and leaves the peering on destroy', () => {
    const connection = recording.one('gcp:servicenetworking/connection:Connection', 'net-private-services');
    expect(connection.inputs).toMatchObject({
      network: 'net-vpc-id',
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: ['net-private-services'],
      deletionPolicy: 'ABANDON',
    });
    expect(recording.dependsOn(connection, recording.one('gcp:compute/globalAddress:GlobalAddress', 'net-private-services'))).toBe(true);
  });

  it('creates a custom-mode regional VPC, without auto subnets', () => {
    expect(recording.one('gcp:compute/network:Network').inputs).toMatchObject({ autoCreateSubnetworks: false, routingMode: 'REGIONAL' });
  });

  it('gives the subnet the node range and the named pod and service ranges', () => {
    expect(recording.one('gcp:compute/subnetwork:Subnetwork').inputs).toMatchObject({
      network: 'net-vpc-id',
      region: 'europe-west1',
      ipCidrRange: '10.10.0.0/20',
      secondaryIpRanges: [
        { rangeName: 'pods', ipCidrRange: '10.20.0.0/14' },
        { rangeName: 'services', ipCidrRange: '10.24.0.0/20' },
      ],
    });
  });

  it('turns on private Google access for the subnet', () => {
    expect(recording.one('gcp:compute/subnetwork:Subnetwork').inputs.privateIpGoogleAccess).toBe(true);
  });

  it('turns on flow logs for the subnet', () => {
    expect(recording.one('gcp:compute/subnetwork:Subnetwork').inputs.logConfig).toEqual({
      aggregationInterval: 'INTERVAL_5_SEC',
      flowSampling: 0.5,
      metadata: 'INCLUDE_ALL_METADATA',
    });
  });

  it('resolves *.googleapis.com to private.googleapis.com inside the VPC only (Private Google Access)', () => {
    expect(recording.one('gcp:dns/managedZone:ManagedZone').inputs).toMatchObject({
      dnsName: 'googleapis.com.',
      visibility: 'private',
      privateVisibilityConfig: { networks: [{ networkUrl: 'net-vpc-id' }] },
    });
    const records = recording
      .ofType('gcp:dns/recordSet:RecordSet')
      .map((r) => [r.inputs.managedZone, r.inputs.name, r.inputs.type, r.inputs.rrdatas]);
    expect(records.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      ['net-googleapis', '*.googleapis.com.', 'CNAME', ['private.googleapis.com.']],
      ['net-googleapis', 'private.googleapis.com.', 'A', ['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11']],
    ]);
  });

  it('puts a Cloud Router on the VPC in the region', () => {
    expect(recording.one('gcp:compute/router:Router').inputs).toEqual({ network: 'net-vpc-id', region: 'europe-west1' });
  });

  it('NATs every range of every subnet with auto-allocated IPs and logs errors', () => {
    const nat = recording.one('gcp:compute/routerNat:RouterNat');
    expect(nat.inputs).toMatchObject({
      router: 'net-router',
      region: 'europe-west1',
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });
    expect(recording.dependsOn(nat, recording.one('gcp:compute/router:Router'))).toBe(true);
  });

  it('creates exactly the two firewall rules, both on the VPC and ingress', () => {
    const rules = recording.ofType(FIREWALL);
    expect(rules.map((r) => r.name).sort()).toEqual(['net-allow-lb-to-gateway', 'net-allow-master-to-istiod']);
    expect(rules.map((r) => [r.inputs.network, r.inputs.direction])).toEqual([
      ['net-vpc-id', 'INGRESS'],
      ['net-vpc-id', 'INGRESS'],
    ]);
  });

  it("lets only Google's health-check ranges reach the gateway pods on 8080, 8443 and 15021", () => {
    expect(firewall('allow-lb-to-gateway').inputs).toMatchObject({
      sourceRanges: ['130.211.0.0/22', '35.191.0.0/16'],
      destinationRanges: ['10.20.0.0/14'],
      allows: [{ protocol: 'tcp', ports: ['8080', '8443', '15021'] }],
    });
  });

  it("lets the control plane reach istiod's webhook on 15017", () => {
    expect(firewall('allow-master-to-istiod').inputs).toMatchObject({
      sourceRanges: ['172.16.0.0/28'],
      destinationRanges: ['10.20.0.0/14'],
      allows: [{ protocol: 'tcp', ports: ['15017'] }],
    });
  });

  it('opens no firewall rule to the whole internet', () => {
    const everything = recording.ofType(FIREWALL).map((r) => JSON.stringify(r.inputs));
    expect(everything.join('\n')).not.toContain('0.0.0.0/0');
    expect(
      recording
        .ofType(FIREWALL)
        .flatMap((r) => r.inputs.sourceRanges as string[])
        .sort(),
    ).toEqual(['130.211.0.0/22', '172.16.0.0/28', '35.191.0.0/16']);
  });

  it('only allows TCP: no deny rules, no all-protocol rules', () => {
    const rules = recording.ofType(FIREWALL);
    expect(rules.every((r) => r.inputs.denies === undefined)).toBe(true);
    expect(rules.flatMap((r) => r.inputs.allows as { protocol: string }[]).map((a) => a.protocol)).toEqual(['tcp', 'tcp']);
  });

  it('exposes the VPC, the subnet and the range names to the cluster', async () => {
    expect(await settle(network.vpc.id)).toBe('net-vpc-id');
    expect(await settle(network.subnet.id)).toBe('net-subnet-id');
    expect(network.podRangeName).toBe('pods');
    expect(network.serviceRangeName).toBe('services');
    expect(network.masterCidr).toBe('172.16.0.0/28');
    expect(network.firewalls).toHaveLength(2);
  });
});
