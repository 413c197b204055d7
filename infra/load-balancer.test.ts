import * as gcp from '@pulumi/gcp';
import { recordResources, registered, settle, type RecordedResource } from './offline/engine';
import {
  certificateHostnames,
  DEFAULT_RULE_PRIORITY,
  LoadBalancer,
  loadBalancerProblems,
  negBackends,
  negLocations,
  securityPolicyRules,
  urlsFor,
  type LoadBalancerArgs,
} from './load-balancer';
import { formatProblem } from '../core/problems';
import { thrown } from '../test/fixtures/thrown';

const recording = recordResources({ stack: 'dev' });

const ZONES = ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'];
const NEG = 'istio-ingress-443';
const negSelfLink = (zone: string) =>
  `https://www.googleapis.com/compute/v1/projects/mock-project/zones/${zone}/networkEndpointGroups/${NEG}`;
const VALID: Pick<LoadBalancerArgs, 'gateways' | 'domains'> = {
  gateways: [{ zones: ZONES, negName: NEG }],
  domains: ['dev.bookinfo.example.com'],
};
const WEST4 = { zones: ['europe-west4-a', 'europe-west4-b'], negName: 'istio-gateway-prod-europe-west4-https' };

const T = {
  component: 'platform:lb:LoadBalancer',
  address: 'gcp:compute/globalAddress:GlobalAddress',
  healthCheck: 'gcp:compute/healthCheck:HealthCheck',
  armor: 'gcp:compute/securityPolicy:SecurityPolicy',
  backend: 'gcp:compute/backendService:BackendService',
  urlMap: 'gcp:compute/uRLMap:URLMap',
  cert: 'gcp:certificatemanager/certificate:Certificate',
  dnsAuth: 'gcp:certificatemanager/dnsAuthorization:DnsAuthorization',
  certMap: 'gcp:certificatemanager/certificateMap:CertificateMap',
  certMapEntry: 'gcp:certificatemanager/certificateMapEntry:CertificateMapEntry',
  sslPolicy: 'gcp:compute/sSLPolicy:SSLPolicy',
  httpsProxy: 'gcp:compute/targetHttpsProxy:TargetHttpsProxy',
  httpProxy: 'gcp:compute/targetHttpProxy:TargetHttpProxy',
  rule: 'gcp:compute/globalForwardingRule:GlobalForwardingRule',
} as const;

describe('load balancer decisions', () => {
  const rules = securityPolicyRules();

  it('denies the four OWASP rule sets with 403, at sensitivity 1, then throttles, then allows', () => {
    expect(
      rules.map((r) => [r.priority, r.action, (r.match as { expr?: { expression: string } }).expr?.expression ?? 'SRC_IPS_V1 *']),
    ).toEqual([
      [1000, 'deny(403)', "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 1})"],
      [1010, 'deny(403)', "evaluatePreconfiguredWaf('xss-v33-stable', {'sensitivity': 1})"],
      [1020, 'deny(403)', "evaluatePreconfiguredWaf('lfi-v33-stable', {'sensitivity': 1})"],
      [1030, 'deny(403)', "evaluatePreconfiguredWaf('rce-v33-stable', {'sensitivity': 1})"],
      [2000, 'throttle', 'SRC_IPS_V1 *'],
      [2147483647, 'allow', 'SRC_IPS_V1 *'],
    ]);
  });

  it('evaluates every WAF rule before the rate limit, whose conform action ends evaluation', () => {
    const throttle = rules.find((r) => r.action === 'throttle');
    const waf = rules.filter((r) => r.action === 'deny(403)');
    expect(waf.every((r) => (r.priority as number) < (throttle?.priority as number))).toBe(true);
  });

  it('limits each client IP to 600 requests a minute, answering 429 above it', () => {
    expect(rules.find((r) => r.action === 'throttle')).toEqual({
      priority: 2000,
      action: 'throttle',
      description: 'At most 600 requests per 60s per client IP',
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
      rateLimitOptions: {
        enforceOnKey: 'IP',
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        rateLimitThreshold: { count: 600, intervalSec: 60 },
      },
    });
  });

  it('ends with the default rule at the lowest priority, allowing everything else', () => {
    expect(rules[rules.length - 1]).toEqual({
      priority: DEFAULT_RULE_PRIORITY,
      action: 'allow',
      description: 'Default: allow',
      match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
    });
    expect(DEFAULT_RULE_PRIORITY).toBe(2147483647);
  });

  it('gives every rule a unique priority and a description within 64 characters', () => {
    expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    expect(rules.every((r) => typeof r.description === 'string' && r.description.length <= 64)).toBe(true);
  });

  it.each([
    [[], []],
    [['neg-b'], [{ group: 'neg-b', balancingMode: 'RATE', maxRatePerEndpoint: 1000 }]],
    [
      ['neg-b', 'neg-c'],
      [
        { group: 'neg-b', balancingMode: 'RATE', maxRatePerEndpoint: 1000 },
        { group: 'neg-c', balancingMode: 'RATE', maxRatePerEndpoint: 1000 },
      ],
    ],
  ])('balances NEGs %j by request rate per endpoint', (groups, expected) => {
    expect(negBackends(groups)).toEqual(expected);
  });

  it.each([
    [['dev.bookinfo.example.com'], ['https://dev.bookinfo.example.com/']],
    [
      ['bookinfo.example.com', 'www.bookinfo.example.com'],
      ['https://bookinfo.example.com/', 'https://www.bookinfo.example.com/'],
    ],
  ])('publishes an https URL per domain (%j)', (domains, expected) => {
    expect(urlsFor(domains)).toEqual(expected);
  });

  it.each([
    [
      'no gateway',
      { gateways: [] },
      `LoadBalancer "edge": gateways [] is empty. Fix: pass each cluster's ingress gateway (zones and NEG name)`,
    ],
    [
      'a gateway without zones',
      {
        gateways: [
          { zones: ZONES, negName: NEG },
          { ...WEST4, zones: [] },
        ],
      },
      'LoadBalancer "edge": gateways[1].zones [] is empty. Fix: pass the zones the ingress gateway runs in',
    ],
    [
      'no NEG name',
      { gateways: [{ zones: ZONES, negName: '' }] },
      `LoadBalancer "edge": gateways[0].negName "" is empty. Fix: pass the name in the gateway Service's cloud.google.com/neg annotation`,
    ],
    [
      'two gateways in one zone',
      {
        gateways: [
          { zones: ZONES, negName: NEG },
          { ...WEST4, zones: ['europe-west1-c'] },
        ],
      },
      'LoadBalancer "edge": gateways ["europe-west1-c"] name these zones for more than one gateway, whose NEGs would be the same backend twice. Fix: give each cluster (region) its own zones',
    ],
    ['no domains', { domains: [] }, 'LoadBalancer "edge": domains [] is empty. Fix: pass at least one domain for the managed certificate'],
    [
      'a wildcard domain',
      { domains: ['a.example.com', '*.example.com'] },
      'LoadBalancer "edge": domains[1] "*.example.com" is a wildcard; the certificate adds one for each domain itself. Fix: list the domain without "*.", e.g. example.com',
    ],
  ])('rejects %s', (_, override, message) => {
    expect(loadBalancerProblems('edge', { ...VALID, ...override }).map(formatProblem)).toEqual([message]);
  });

  it('accepts zones, a NEG name and plain domains', () => {
    expect(loadBalancerProblems('edge', VALID)).toEqual([]);
  });

  it('accepts a gateway per region, each in its own zones', () => {
    expect(loadBalancerProblems('edge', { ...VALID, gateways: [{ zones: ZONES, negName: NEG }, WEST4] })).toEqual([]);
  });

  it("lists every zone of every gateway with that gateway's NEG name, region by region", () => {
    expect(negLocations([{ zones: ZONES, negName: NEG }, WEST4])).toEqual([
      ...ZONES.map((zone) => ({ zone, negName: NEG })),
      { zone: 'europe-west4-a', negName: WEST4.negName },
      { zone: 'europe-west4-b', negName: WEST4.negName },
    ]);
  });
});

describe('LoadBalancer', () => {
  let standIn: gcp.compute.Network;
  let lb: LoadBalancer;
  const one = (type: string, name?: string): RecordedResource => recording.one(type, name);
  const byPort = (port: string): RecordedResource => {
    const found = recording.ofType(T.rule).filter((r) => r.inputs.portRange === port);
    if (found.length !== 1) throw new Error(`expected one forwarding rule on ${port}, found ${found.length}`);
    return found[0];
  };

  beforeAll(async () => {
    // GIVEN a stand-in for the gateway's Helm release, after which the NEGs exist
    standIn = new gcp.compute.Network('gateway-release', {});
    // WHEN the load balancer is created across three zones
    lb = new LoadBalancer('edge', {
      project: 'mock-project',
      gateways: [{ zones: ZONES, negName: NEG, readyAfter: [standIn] }],
      domains: ['dev.bookinfo.example.com', 'www.dev.bookinfo.example.com'],
    });
    await registered();
  });

  it('registers the component with its type token and parents every resource to it', () => {
    const component = one(T.component, 'edge');
    const children = recording.resources.filter((r) => r !== component && r.name !== 'gateway-release');
    expect(children.map((r) => r.name).sort()).toEqual([
      'edge-address',
      'edge-armor',
      'edge-backend',
      'edge-cert',
      'edge-certs',
      'edge-certs-0',
      'edge-certs-1',
      'edge-certs-2',
      'edge-certs-3',
      'edge-dns-auth-0',
      'edge-dns-auth-1',
      'edge-health',
      'edge-http-proxy',
      'edge-http-redirect-map',
      'edge-http-rule',
      'edge-https-map',
      'edge-https-proxy',
      'edge-https-rule',
      'edge-tls',
    ]);
    expect(children.every((r) => r.parent === component.urn)).toBe(true);
  });

  it('uses the EXTERNAL_MANAGED scheme on the backend service and both forwarding rules', () => {
    const schemed = recording.resources.filter((r) => 'loadBalancingScheme' in r.inputs);
    expect(schemed.map((r) => [r.name, r.inputs.loadBalancingScheme]).sort()).toEqual([
      ['edge-backend', 'EXTERNAL_MANAGED'],
      ['edge-http-rule', 'EXTERNAL_MANAGED'],
      ['edge-https-rule', 'EXTERNAL_MANAGED'],
    ]);
  });

  it("health-checks the gateway's readiness endpoint on 15021", () => {
    expect(one(T.healthCheck).inputs.httpHealthCheck).toEqual({
      portSpecification: 'USE_FIXED_PORT',
      port: 15021,
      requestPath: '/healthz/ready',
    });
  });

  it("sends traffic to the gateway's NEG in every zone", () => {
    expect(one(T.backend).inputs.backends).toEqual(
      ZONES.map((zone) => ({ group: negSelfLink(zone), balancingMode: 'RATE', maxRatePerEndpoint: 1000 })),
    );
  });

  it('reads the NEGs only after the gateway release, so the backend service waits for it', () => {
    expect(one(T.backend).dependencies).toContain(one('gcp:compute/network:Network', 'gateway-release').urn);
    expect(recording.dependsOn(one(T.backend), one('gcp:compute/network:Network', 'gateway-release'))).toBe(true);
  });

  it('speaks HTTPS to the gateway and logs every request', () => {
    expect(one(T.backend).inputs).toMatchObject({ protocol: 'HTTPS', logConfig: { enable: true, sampleRate: 1 } });
  });

  it('attaches the health check and the Cloud Armor policy to the backend service', () => {
    const backend = one(T.backend);
    expect(backend.inputs).toMatchObject({ healthChecks: 'edge-health-id', securityPolicy: 'edge-armor-id' });
    expect(recording.dependsOn(backend, one(T.healthCheck))).toBe(true);
    expect(recording.dependsOn(backend, one(T.armor))).toBe(true);
  });

  it('gives the Cloud Armor policy the default rules and adaptive protection', () => {
    expect(one(T.armor).inputs).toMatchObject({
      type: 'CLOUD_ARMOR',
      rules: securityPolicyRules(),
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
    });
  });

  it('requests a Google-managed certificate for every domain and its wildcard, authorized through DNS', () => {
    const hosts = [
      'dev.bookinfo.example.com',
      '*.dev.bookinfo.example.com',
      'www.dev.bookinfo.example.com',
      '*.www.dev.bookinfo.example.com',
    ];
    expect(certificateHostnames(['dev.bookinfo.example.com', 'www.dev.bookinfo.example.com'])).toEqual(hosts);
    expect(recording.ofType(T.dnsAuth).map((r) => r.inputs.domain)).toEqual(['dev.bookinfo.example.com', 'www.dev.bookinfo.example.com']);
    expect(one(T.cert).inputs.managed).toEqual({ domains: hosts, dnsAuthorizations: ['edge-dns-auth-0-id', 'edge-dns-auth-1-id'] });
    expect(recording.ofType(T.certMapEntry).map((r) => [r.inputs.hostname, r.inputs.certificates])).toEqual(
      hosts.map((h) => [h, ['edge-cert-id']]),
    );
  });

  it('tells which CNAME records let Google issue the certificate', async () => {
    expect(await settle(lb.certificateDnsRecords)).toEqual([
      { name: '_acme-challenge.dev.bookinfo.example.com.', type: 'CNAME', data: 'edge-dns-auth-0.authorize.certificatemanager.goog.' },
      { name: '_acme-challenge.www.dev.bookinfo.example.com.', type: 'CNAME', data: 'edge-dns-auth-1.authorize.certificatemanager.goog.' },
    ]);
  });

  it('routes the HTTPS URL map to the backend service', () => {
    expect(one(T.urlMap, 'edge-https-map').inputs).toEqual({ defaultService: 'edge-backend-id' });
  });

  it('terminates TLS 1.2+ at the HTTPS proxy with the managed certificate', () => {
    expect(one(T.httpsProxy).inputs).toEqual({
      urlMap: 'edge-https-map-id',
      certificateMap: '//certificatemanager.googleapis.com/edge-certs-id',
      sslPolicy: 'edge-tls-id',
    });
    for (const entry of recording.ofType(T.certMapEntry)) expect(recording.dependsOn(one(T.httpsProxy), entry)).toBe(true);
    expect(one(T.sslPolicy).inputs).toEqual({ minTlsVersion: 'TLS_1_2', profile: 'MODERN' });
  });

  it('forwards 443 on the global address to the HTTPS proxy', () => {
    expect(byPort('443').inputs).toEqual({
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      ipProtocol: 'TCP',
      portRange: '443',
      ipAddress: '198.51.100.7',
      target: 'edge-https-proxy-id',
    });
  });

  it('forwards 80 on the same address to the HTTP proxy', () => {
    expect(byPort('80').inputs).toEqual({
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      ipProtocol: 'TCP',
      portRange: '80',
      ipAddress: '198.51.100.7',
      target: 'edge-http-proxy-id',
    });
    expect(recording.dependsOn(byPort('80'), one(T.address))).toBe(true);
  });

  it('answers plain HTTP only with a permanent redirect to HTTPS that keeps the query', () => {
    expect(one(T.httpProxy).inputs).toEqual({ urlMap: 'edge-http-redirect-map-id' });
    expect(one(T.urlMap, 'edge-http-redirect-map').inputs).toEqual({
      defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
    });
  });

  it('reserves one global IPv4 address', () => {
    expect(one(T.address).inputs).toEqual({ addressType: 'EXTERNAL', ipVersion: 'IPV4' });
  });

  it('exposes the address and the https URLs', async () => {
    expect(await settle(lb.address)).toBe('198.51.100.7');
    expect(lb.urls).toEqual(['https://dev.bookinfo.example.com/', 'https://www.dev.bookinfo.example.com/']);
  });

  it('refuses invalid arguments before registering anything', () => {
    const before = recording.resources.length;
    const error = thrown(
      () => new LoadBalancer('bad', { project: 'mock-project', gateways: [{ zones: [], negName: NEG }], domains: ['*.example.com'] }),
    );
    expect(error.message).toBe(
      [
        'LoadBalancer "bad": invalid arguments:',
        '  - LoadBalancer "bad": gateways[0].zones [] is empty. Fix: pass the zones the ingress gateway runs in',
        '  - LoadBalancer "bad": domains[0] "*.example.com" is a wildcard; the certificate adds one for each domain itself. Fix: list the domain without "*.", e.g. example.com',
      ].join('\n'),
    );
    expect(recording.resources.length).toBe(before);
  });
});
