/**
 * The edge: a global external Application Load Balancer in front of the Istio ingress
 * gateway of every cluster (one per region), through each gateway's standalone zonal NEGs
 * (the LB talks to the gateway pods directly), all backends of one backend service: users
 * go to the nearest region with healthy capacity, and a region whose gateways fail their
 * health checks gets no traffic (docs/regions.md). HTTPS on 443 with a Google-managed certificate (Certificate Manager, covering
 * each domain and its wildcard, so route hosts and pr-<N> previews under it are served)
 * and Cloud Armor; HTTP on 80 only redirects to HTTPS.
 *
 * The decisions (Cloud Armor rules, health check, backends, URLs) are pure exports,
 * tested as tables; the component only wires them to resources.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems, type Problem } from '../core/problems';

type SecurityPolicyRule = gcp.types.input.compute.SecurityPolicyRule;
type BackendServiceBackend = gcp.types.input.compute.BackendServiceBackend;

/** The global external Application Load Balancer (Envoy-based), not the classic one. */
export const LOAD_BALANCING_SCHEME = 'EXTERNAL_MANAGED';

/** The gateway's readiness endpoint (istio-proxy's status port), probed from Google's ranges. */
export const GATEWAY_HEALTH_CHECK = { port: 15021, requestPath: '/healthz/ready' } as const;

/**
 * Target requests per second per gateway pod. With RATE balancing this is the capacity
 * the LB spreads load by, not a hard cap.
 */
export const MAX_RATE_PER_ENDPOINT = 1000;

/** Per client IP: more than this many requests in the interval gets 429s. */
export const RATE_LIMIT = { count: 600, intervalSec: 60 } as const;

/**
 * OWASP CRS 3.3 rule sets, each at sensitivity 1 (highest-confidence signatures only:
 * Cloud Armor's default, 4, evaluates every signature and blocks legitimate traffic).
 * @see https://cloud.google.com/armor/docs/rule-tuning#choose_a_sensitivity_level
 */
export const WAF_RULE_SETS: readonly string[] = ['sqli-v33-stable', 'xss-v33-stable', 'lfi-v33-stable', 'rce-v33-stable'];
export const WAF_SENSITIVITY = 1;

/** Cloud Armor's default rule: it must exist, with exactly this priority. */
export const DEFAULT_RULE_PRIORITY = 2147483647;

/** Matches every request (Cloud Armor's `*` source range, not a firewall rule). */
const ALL_SOURCES: gcp.types.input.compute.SecurityPolicyRuleMatch = { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } };

/**
 * The Cloud Armor rules, lowest priority number (evaluated first) first.
 *
 * The WAF rules come before the rate limit on purpose: a throttle rule's conform action
 * (`allow`) ends evaluation, so any rule after it would never see conforming requests.
 */
export function securityPolicyRules(): SecurityPolicyRule[] {
  const waf = WAF_RULE_SETS.map((ruleSet, i) => ({
    priority: 1000 + i * 10,
    action: 'deny(403)',
    description: `OWASP CRS 3.3 ${ruleSet}, sensitivity ${WAF_SENSITIVITY}`,
    match: { expr: { expression: `evaluatePreconfiguredWaf('${ruleSet}', {'sensitivity': ${WAF_SENSITIVITY}})` } },
  }));
  return [
    ...waf,
    {
      priority: 2000,
      action: 'throttle',
      description: `At most ${RATE_LIMIT.count} requests per ${RATE_LIMIT.intervalSec}s per client IP`,
      match: ALL_SOURCES,
      rateLimitOptions: {
        enforceOnKey: 'IP',
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        rateLimitThreshold: { count: RATE_LIMIT.count, intervalSec: RATE_LIMIT.intervalSec },
      },
    },
    { priority: DEFAULT_RULE_PRIORITY, action: 'allow', description: 'Default: allow', match: ALL_SOURCES },
  ];
}

/**
 * One backend per zonal NEG, of every region, balanced by request rate per gateway pod. With
 * NEGs in several regions the global external Application Load Balancer sends each request to
 * the nearest region with healthy endpoints and capacity before spilling over to the next
 * (its default algorithm, WATERFALL_BY_REGION); endpoints failing the health check get none.
 * @see https://cloud.google.com/load-balancing/docs/service-lb-policy
 */
export function negBackends(groups: readonly string[]): BackendServiceBackend[] {
  return groups.map((group) => ({ group, balancingMode: 'RATE', maxRatePerEndpoint: MAX_RATE_PER_ENDPOINT }));
}

/** The public URLs, one per domain, in the order given. */
export function urlsFor(domains: readonly string[]): string[] {
  return domains.map((domain) => `https://${domain}/`);
}

/** One cluster's ingress gateway, as the load balancer reaches it: a standalone NEG per zone. */
export interface GatewayNegs {
  /** Zones the gateway runs in; each has a standalone NEG named {@link negName}. */
  readonly zones: readonly string[];
  /** Name of the gateway Service's standalone NEG (its `cloud.google.com/neg` annotation). */
  readonly negName: string;
  /**
   * Resources after which the NEGs exist (the gateway's Helm release): the NEG lookups wait
   * for them, and so, through the NEG self links, does the backend service.
   * @default - no wait: the NEGs must already exist
   */
  readonly readyAfter?: readonly pulumi.Resource[];
}

export interface LoadBalancerArgs {
  /** GCP project of the NEGs. */
  readonly project: string;
  /** The gateways behind the load balancer, one per cluster (region); every zone of each is a backend. */
  readonly gateways: readonly GatewayNegs[];
  /** Domains of the managed certificate; each is covered with its wildcard (`*.<domain>`). */
  readonly domains: string[];
}

/** Every gateway's NEG location (zone and name), the backends' order. */
export function negLocations(gateways: readonly Pick<GatewayNegs, 'zones' | 'negName'>[]): Array<{ zone: string; negName: string }> {
  return gateways.flatMap((g) => g.zones.map((zone) => ({ zone, negName: g.negName })));
}

/** Problems with the arguments, each naming the field, the value and the fix. */
export function loadBalancerProblems(
  name: string,
  args: { readonly gateways: readonly Pick<GatewayNegs, 'zones' | 'negName'>[]; readonly domains: readonly string[] },
): Problem[] {
  const where = `LoadBalancer "${name}"`;
  const problems: Problem[] = [];
  if (args.gateways.length === 0)
    problems.push({
      where,
      field: 'gateways',
      value: [],
      problem: 'is empty',
      fix: "pass each cluster's ingress gateway (zones and NEG name)",
    });
  args.gateways.forEach((g, i) => {
    if (g.zones.length === 0)
      problems.push({
        where,
        field: `gateways[${i}].zones`,
        value: g.zones,
        problem: 'is empty',
        fix: 'pass the zones the ingress gateway runs in',
      });
    if (g.negName === '')
      problems.push({
        where,
        field: `gateways[${i}].negName`,
        value: g.negName,
        problem: 'is empty',
        fix: "pass the name in the gateway Service's cloud.google.com/neg annotation",
      });
  });
  const zones = args.gateways.flatMap((g) => g.zones);
  const repeated = [...new Set(zones.filter((z, i) => zones.indexOf(z) !== i))];
  if (repeated.length > 0)
    problems.push({
      where,
      field: 'gateways',
      value: repeated,
      problem: 'name these zones for more than one gateway, whose NEGs would be the same backend twice',
      fix: 'give each cluster (region) its own zones',
    });
  if (args.domains.length === 0)
    problems.push({
      where,
      field: 'domains',
      value: args.domains,
      problem: 'is empty',
      fix: 'pass at least one domain for the managed certificate',
    });
  args.domains.forEach((domain, i) => {
    if (domain.includes('*')) {
      problems.push({
        where,
        field: `domains[${i}]`,
        value: domain,
        problem: 'is a wildcard; the certificate adds one for each domain itself',
        fix: `list the domain without "*.", e.g. ${domain.replace(/^\*\./, '')}`,
      });
    }
  });
  return problems;
}

/** Host names the certificate covers: every domain and its wildcard. */
export function certificateHostnames(domains: readonly string[]): string[] {
  return domains.flatMap((d) => [d, `*.${d}`]);
}

export class LoadBalancer extends pulumi.ComponentResource {
  /** The global IPv4 address: point the domains' (and their wildcards') A records here. */
  readonly address: pulumi.Output<string>;
  /** CNAME records to create in DNS so Google can issue the certificate (DNS authorization). */
  readonly certificateDnsRecords: pulumi.Output<Array<{ name: string; type: string; data: string }>>;
  /** The managed certificate's name (global), to watch it become ACTIVE. */
  readonly certificateName: pulumi.Output<string>;
  /** `https://<domain>/` for every domain. */
  readonly urls: string[];

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): invalid arguments register nothing.
    assertNoProblems(loadBalancerProblems(name, args), `LoadBalancer "${name}": invalid arguments`);
    super('platform:lb:LoadBalancer', name, {}, opts);
    const child = { parent: this };

    const address = new gcp.compute.GlobalAddress(`${name}-address`, { addressType: 'EXTERNAL', ipVersion: 'IPV4' }, child);

    const healthCheck = new gcp.compute.HealthCheck(
      `${name}-health`,
      {
        httpHealthCheck: {
          portSpecification: 'USE_FIXED_PORT',
          port: GATEWAY_HEALTH_CHECK.port,
          requestPath: GATEWAY_HEALTH_CHECK.requestPath,
        },
        checkIntervalSec: 5,
        timeoutSec: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      child,
    );

    const armor = new gcp.compute.SecurityPolicy(
      `${name}-armor`,
      {
        type: 'CLOUD_ARMOR',
        description: 'Edge policy: OWASP WAF rules, per-IP rate limit, default allow',
        rules: securityPolicyRules(),
        adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
      },
      child,
    );

    // The NEGs are created by the NEG controller once the gateway Service exists; the
    // lookups wait for `negsReadyAfter`, and their dependencies flow into the backends.
    const groups = args.gateways.flatMap((gateway) =>
      negLocations([gateway]).map(({ zone, negName }) =>
        gcp.compute
          .getNetworkEndpointGroupOutput(
            { name: negName, zone, project: args.project },
            { ...(gateway.readyAfter !== undefined && { dependsOn: [...gateway.readyAfter] }), parent: this },
          )
          .apply((neg) => {
            if (neg.selfLink === undefined)
              throw new Error(
                `LoadBalancer "${name}": NEG ${negName} in ${zone} has no self link; is the gateway Service annotated with cloud.google.com/neg?`,
              );
            return neg.selfLink;
          }),
      ),
    );

    const backend = new gcp.compute.BackendService(
      `${name}-backend`,
      {
        loadBalancingScheme: LOAD_BALANCING_SCHEME,
        // The gateway's 443 listener (pod port 8443) terminates TLS too: encrypted to the pod.
        protocol: 'HTTPS',
        backends: pulumi.all(groups).apply(negBackends),
        healthChecks: healthCheck.id,
        securityPolicy: armor.id,
        logConfig: { enable: true, sampleRate: 1.0 },
        timeoutSec: 30,
      },
      child,
    );

    const urlMap = new gcp.compute.URLMap(`${name}-https-map`, { defaultService: backend.id }, child);

    // Wildcards need DNS authorization (one per domain): the CNAME records are an output.
    const authorizations = args.domains.map(
      (domain, i) =>
        new gcp.certificatemanager.DnsAuthorization(
          `${name}-dns-auth-${i}`,
          {
            project: args.project,
            domain,
            description: `Lets Google issue the certificate for ${domain} and *.${domain}`,
          },
          child,
        ),
    );
    const certificate = new gcp.certificatemanager.Certificate(
      `${name}-cert`,
      {
        project: args.project,
        managed: { domains: certificateHostnames(args.domains), dnsAuthorizations: authorizations.map((a) => a.id) },
      },
      child,
    );
    const certificateMap = new gcp.certificatemanager.CertificateMap(`${name}-certs`, { project: args.project }, child);
    const entries = certificateHostnames(args.domains).map(
      (hostname, i) =>
        new gcp.certificatemanager.CertificateMapEntry(
          `${name}-certs-${i}`,
          {
            project: args.project,
            map: certificateMap.name,
            hostname,
            certificates: [certificate.id],
          },
          child,
        ),
    );

    const sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, { minTlsVersion: 'TLS_1_2', profile: 'MODERN' }, child);

    const httpsProxy = new gcp.compute.TargetHttpsProxy(
      `${name}-https-proxy`,
      {
        urlMap: urlMap.id,
        certificateMap: pulumi.interpolate`//certificatemanager.googleapis.com/${certificateMap.id}`,
        sslPolicy: sslPolicy.id,
      },
      { ...child, dependsOn: entries },
    );

    new gcp.compute.GlobalForwardingRule(
      `${name}-https-rule`,
      {
        loadBalancingScheme: LOAD_BALANCING_SCHEME,
        ipProtocol: 'TCP',
        portRange: '443',
        ipAddress: address.address,
        target: httpsProxy.id,
      },
      child,
    );

    const redirectMap = new gcp.compute.URLMap(
      `${name}-http-redirect-map`,
      {
        defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
      },
      child,
    );

    const httpProxy = new gcp.compute.TargetHttpProxy(`${name}-http-proxy`, { urlMap: redirectMap.id }, child);

    new gcp.compute.GlobalForwardingRule(
      `${name}-http-rule`,
      {
        loadBalancingScheme: LOAD_BALANCING_SCHEME,
        ipProtocol: 'TCP',
        portRange: '80',
        ipAddress: address.address,
        target: httpProxy.id,
      },
      child,
    );

    this.address = address.address;
    this.certificateName = certificate.name;
    this.certificateDnsRecords = pulumi
      .all(authorizations.map((a) => a.dnsResourceRecords))
      // Known only once the authorizations exist (unknown during a first preview).
      .apply((records) =>
        records
          .flat()
          .filter((r) => r !== undefined)
          .map((r) => ({ name: r.name, type: r.type, data: r.data })),
      );
    this.urls = urlsFor(args.domains);
    this.registerOutputs({ address: this.address, urls: this.urls });
  }
}
