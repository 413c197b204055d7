/**
 * GCP project rules, checked on the Pulumi resources: IAM (GK08), the image supply chain
 * (IM03, IM04), the edge load balancer and firewall (GK09-GK11) and CI's Workload Identity
 * Federation (CI05).
 */
import type { PolicyResource } from '../types';
import { resourceRule } from './define';
import {
  BASIC_ROLES,
  EXTERNAL_SCHEMES,
  GCP_TYPES,
  GITHUB_OIDC_ISSUER,
  IMPERSONATION_ROLES,
  PUBLIC_PRINCIPALS,
  REPOSITORY_CLAIM,
  STRONG_SSL_PROFILES,
  STRONG_TLS_VERSIONS,
  asArray,
  field,
  grants,
  isWorldRange,
  perCluster,
  perResource,
  portRangeIncludes,
  resolveReference,
  show,
} from './gcp-resources';
import type { ResourceRule } from '../types';

// ---------------------------------------------------------------------------------------
// GK08 IAM

const noBasicRoles = resourceRule(
  {
    id: 'GK08-no-basic-roles',
    description: 'No IAM grant uses a basic role (roles/owner, roles/editor, roles/viewer).',
    why: 'Basic roles carry thousands of permissions across every service (Viewer reads most data, Editor changes almost anything): they break least privilege and hide what an identity really needs.',
    fix: 'Grant the predefined roles the principal needs (e.g. roles/container.developer) instead.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK08'],
  },
  (ctx) =>
    grants(ctx)
      .filter(({ grant }) => BASIC_ROLES.includes(grant.role))
      .map(({ resource, grant }) => ({
        object: resource.name,
        message: `grants basic role ${grant.role} to ${grant.members.join(', ') || '(no members)'}`,
      })),
);

const noServiceAccountKeys = resourceRule(
  {
    id: 'GK08-no-service-account-keys',
    description: 'No user-managed service account key (or HMAC key) is created.',
    why: 'Exported keys are long-lived bearer credentials that leak through state files, CI logs and laptops; Workload Identity and Workload Identity Federation need none.',
    fix: 'Delete the key resource; use Workload Identity in the cluster and Workload Identity Federation in CI.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK08'],
  },
  perResource([GCP_TYPES.serviceAccountKey, GCP_TYPES.hmacKey], (r) => [
    `${r.type === GCP_TYPES.hmacKey ? 'HMAC key' : 'user-managed key'} for service account ${show(r.props.serviceAccountId ?? r.props.serviceAccountEmail)}`,
  ]),
);

/** IAM resources whose grants apply to every service account below them. */
const HIERARCHY_IAM = /^gcp:(projects|folder|organizations)\//;

const projectImpersonation = resourceRule(
  {
    id: 'GK08-project-impersonation',
    description:
      'Service Account User and Token Creator are granted on single service accounts, not on the project, folder or organization.',
    why: 'At project level these roles let the holder act as, or mint tokens for, every service account in the project, including more privileged ones: a privilege escalation path.',
    fix: 'Grant the role with gcp.serviceaccount.IAMMember on the one service account that needs to be impersonated.',
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['GK08'],
  },
  (ctx) =>
    grants(ctx)
      .filter(({ resource, grant }) => HIERARCHY_IAM.test(resource.type) && IMPERSONATION_ROLES.includes(grant.role))
      .map(({ resource, grant }) => ({
        object: resource.name,
        message: `grants ${grant.role} to ${grant.members.join(', ') || '(no members)'} on the whole ${resource.type.slice('gcp:'.length).split('/')[0].replace(/s$/, '')}: it can impersonate every service account in it`,
      })),
);

/**
 * Data-access roles that can be granted on the one topic, subscription, bucket or secret that
 * needs them. Admin roles are left out (creating those resources is project-level), and so are
 * roles with no resource-level binding, such as roles/cloudsql.client and
 * roles/cloudsql.instanceUser (Cloud SQL IAM is project-level only).
 */
export const RESOURCE_LEVEL_ROLES: readonly string[] = [
  'roles/pubsub.publisher',
  'roles/pubsub.subscriber',
  'roles/pubsub.editor',
  'roles/storage.objectViewer',
  'roles/storage.objectCreator',
  'roles/storage.objectUser',
  'roles/storage.objectAdmin',
  'roles/secretmanager.secretAccessor',
  'roles/secretmanager.secretVersionAdder',
  'roles/secretmanager.secretVersionManager',
];

/** Where to bind each family of {@link RESOURCE_LEVEL_ROLES}. */
function resourceBinding(role: string): string {
  if (role.startsWith('roles/pubsub.')) return 'gcp.pubsub.TopicIAMMember or gcp.pubsub.SubscriptionIAMMember';
  if (role.startsWith('roles/storage.')) return 'gcp.storage.BucketIAMMember';
  return 'gcp.secretmanager.SecretIamMember';
}

const resourceLevelRoles = resourceRule(
  {
    id: 'GK08-resource-level-roles',
    description:
      'Pub/Sub publisher/subscriber/editor, Cloud Storage object and Secret Manager accessor roles are granted on the topic, subscription, bucket or secret, never on the project, folder or organization.',
    why: "At project level such a role reaches every topic, subscription, bucket or secret of the project, today's and tomorrow's, other teams' and other environments' included; bound on the resource it reaches exactly what the service declared.",
    fix: "Declare the resource in the service's `uses` (the platform binds the role on it), or grant the role with the resource's IAM member (gcp.pubsub.TopicIAMMember, SubscriptionIAMMember, gcp.storage.BucketIAMMember, gcp.secretmanager.SecretIamMember) instead of gcp.projects.IAMMember; remove the role from `gcp.roles`.",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK08'],
  },
  (ctx) =>
    grants(ctx)
      .filter(({ resource, grant }) => HIERARCHY_IAM.test(resource.type) && RESOURCE_LEVEL_ROLES.includes(grant.role))
      .map(({ resource, grant }) => ({
        object: resource.name,
        message: `grants ${grant.role} to ${grant.members.join(', ') || '(no members)'} on the whole ${resource.type.slice('gcp:'.length).split('/')[0].replace(/s$/, '')}: bind it on the resource instead (${resourceBinding(grant.role)})`,
      })),
);

// ---------------------------------------------------------------------------------------
// IM03 / IM04 supply chain

const binaryAuthorization = resourceRule(
  {
    id: 'IM03-binary-authorization',
    description: 'In prod, Binary Authorization is enforced (binaryAuthorization.evaluationMode PROJECT_SINGLETON_POLICY_ENFORCE).',
    why: "Binary Authorization admits only images that satisfy the project's policy (allowed registries, attestations from CI), so an image pushed outside the pipeline cannot run in production.",
    fix: 'Set binaryAuthorization: { evaluationMode: "PROJECT_SINGLETON_POLICY_ENFORCE" } on the prod cluster (platform:binaryAuthorization: true) and maintain the project\'s policy.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['IM03'],
  },
  (ctx) =>
    ctx.profile !== 'prod'
      ? []
      : perCluster((c) => {
          const mode = field(c.props, 'binaryAuthorization.evaluationMode');
          // `enabled: true` is the deprecated spelling of the same mode.
          if (mode === 'PROJECT_SINGLETON_POLICY_ENFORCE' || (mode === undefined && field(c.props, 'binaryAuthorization.enabled') === true))
            return [];
          return [`binaryAuthorization.evaluationMode is ${show(mode)}: prod requires PROJECT_SINGLETON_POLICY_ENFORCE`];
        })(ctx),
);

const ARTIFACT_REGISTRY_IAM = /^gcp:artifactregistry\/repositoryIam(Member|Binding|Policy):/;

const registryNotPublic = resourceRule(
  {
    id: 'IM04-registry-not-public',
    description: 'No Artifact Registry repository is granted to allUsers or allAuthenticatedUsers.',
    why: 'A public repository exposes every image (and the secrets, internal code and vulnerabilities baked into them) to anyone; a public write role lets anyone replace them.',
    fix: 'Remove the grant; give readers and writers named service accounts or groups.',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['IM04'],
  },
  (ctx) =>
    grants(ctx)
      .filter(({ resource }) => ARTIFACT_REGISTRY_IAM.test(resource.type))
      .flatMap(({ resource, grant }) =>
        grant.members
          .filter((m) => PUBLIC_PRINCIPALS.includes(m))
          .map((m) => ({
            object: resource.name,
            message: `grants ${grant.role} on repository ${show(resource.props.repository)} to ${m}`,
          })),
      ),
);

// ---------------------------------------------------------------------------------------
// GK09-GK11 edge

const HTTP_PROXY_TYPES: readonly string[] = [GCP_TYPES.targetHttpProxy, GCP_TYPES.targetHttpsProxy];

/** Why a URL map does more than redirect to HTTPS, or undefined when it only redirects. */
function notRedirectOnly(urlMap: PolicyResource): string | undefined {
  const problems: string[] = [];
  if (field(urlMap.props, 'defaultUrlRedirect.httpsRedirect') !== true)
    problems.push(`defaultUrlRedirect.httpsRedirect is ${show(field(urlMap.props, 'defaultUrlRedirect.httpsRedirect'))}`);
  for (const key of ['defaultService', 'defaultRouteAction', 'pathMatchers', 'hostRules']) {
    const value = urlMap.props[key];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) problems.push(`it sets ${key}`);
  }
  return problems.length === 0 ? undefined : problems.join(', ');
}

const httpRedirectOnly = resourceRule(
  {
    id: 'GK09-http-redirect-only',
    description: 'The external load balancer serves plain HTTP (port 80, or any TargetHttpProxy) only to redirect to HTTPS.',
    why: 'Content served over plain HTTP can be read and altered in transit (session cookies, tokens, injected scripts); the HTTP listener must only send clients to HTTPS.',
    fix: 'Point the port-80 forwarding rule at a TargetHttpProxy whose URL map has only defaultUrlRedirect: { httpsRedirect: true } (no defaultService, path matchers or host rules).',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK09'],
  },
  perResource([GCP_TYPES.globalForwardingRule], (rule, ctx) => {
    const scheme = rule.props.loadBalancingScheme ?? 'EXTERNAL';
    if (typeof scheme !== 'string' || !EXTERNAL_SCHEMES.includes(scheme)) return [];
    const target = resolveReference(rule.props.target, ctx.resources, HTTP_PROXY_TYPES);
    const range = rule.props.portRange;
    const port = typeof range === 'string' || typeof range === 'number' ? String(range) : '(portRange not set)';
    if (target === undefined) {
      return portRangeIncludes(rule.props.portRange, 80)
        ? [
            `port ${port} targets ${show(rule.props.target)}, which is no TargetHttpProxy or TargetHttpsProxy of this stack: it cannot be shown to only redirect to HTTPS`,
          ]
        : [];
    }
    if (target.type === GCP_TYPES.targetHttpsProxy) return [];
    const urlMap = resolveReference(target.props.urlMap, ctx.resources, [GCP_TYPES.urlMap]);
    if (urlMap === undefined)
      return [
        `port ${port} serves plain HTTP through ${target.name}, whose URL map ${show(target.props.urlMap)} is not in this stack: it cannot be shown to only redirect to HTTPS`,
      ];
    const why = notRedirectOnly(urlMap);
    return why === undefined
      ? []
      : [
          `port ${port} serves plain HTTP through ${target.name} with URL map ${urlMap.name}, which does not only redirect to HTTPS: ${why}`,
        ];
  }),
);

const sslPolicyStrong = resourceRule(
  {
    id: 'GK09-ssl-policy',
    description: 'SSL policies require TLS 1.2 or later with the MODERN or RESTRICTED profile.',
    why: 'The defaults (TLS 1.0, COMPATIBLE) accept protocol versions and ciphers with known attacks (BEAST, POODLE-style downgrades, 3DES/CBC weaknesses).',
    fix: 'Set minTlsVersion: "TLS_1_2" and profile: "MODERN" (or "RESTRICTED") on the SSL policy.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK09', 'NM07'],
  },
  perResource([GCP_TYPES.sslPolicy, GCP_TYPES.regionSslPolicy], (p) => {
    const version = p.props.minTlsVersion;
    const profile = p.props.profile;
    return [
      ...(typeof version === 'string' && STRONG_TLS_VERSIONS.includes(version)
        ? []
        : [`minTlsVersion is ${show(version)} (TLS_1_0 by default): TLS_1_2 or later required`]),
      ...(typeof profile === 'string' && STRONG_SSL_PROFILES.includes(profile)
        ? []
        : [`profile is ${show(profile)} (COMPATIBLE by default): MODERN or RESTRICTED required`]),
    ];
  }),
);

const httpsProxySslPolicy = resourceRule(
  {
    id: 'GK09-https-proxy-ssl-policy',
    description: 'Every HTTPS target proxy has an SSL policy (sslPolicy).',
    why: "Without one the proxy uses Google's default policy, which still accepts TLS 1.0 and weak ciphers.",
    fix: 'Create a gcp.compute.SSLPolicy (TLS_1_2, MODERN) and set sslPolicy on the target HTTPS proxy.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK09', 'NM07'],
  },
  perResource([GCP_TYPES.targetHttpsProxy, GCP_TYPES.regionTargetHttpsProxy], (p) =>
    typeof p.props.sslPolicy === 'string' && p.props.sslPolicy !== ''
      ? []
      : ["sslPolicy is not set: Google's default policy accepts TLS 1.0"],
  ),
);

const cloudArmor = resourceRule(
  {
    id: 'GK10-cloud-armor',
    description: 'Every external backend service has a Cloud Armor security policy (securityPolicy).',
    why: "Cloud Armor filters attacks at Google's edge (OWASP signatures, rate limits, L7 DDoS) before they reach the mesh; an external backend without it takes all of them.",
    fix: 'Attach a gcp.compute.SecurityPolicy (WAF rules, rate limit) with securityPolicy on the backend service.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK10'],
  },
  perResource([GCP_TYPES.backendService, GCP_TYPES.regionBackendService], (b) => {
    const scheme = b.props.loadBalancingScheme ?? (b.type === GCP_TYPES.backendService ? 'EXTERNAL' : 'INTERNAL');
    if (typeof scheme !== 'string' || !EXTERNAL_SCHEMES.includes(scheme)) return [];
    return typeof b.props.securityPolicy === 'string' && b.props.securityPolicy !== ''
      ? []
      : [`loadBalancingScheme is ${show(scheme)} and securityPolicy is not set: internet traffic reaches the backends unfiltered`];
  }),
);

const firewallNotOpen = resourceRule(
  {
    id: 'GK11-firewall-not-open',
    description: "No ingress allow rule has 0.0.0.0/0 or ::/0 as a source (Google's load balancer ranges are the way in).",
    why: "An allow rule from anywhere exposes node and pod ports (SSH, kubelet, NodePorts, the mesh) to the internet; only Google's LB and health-check ranges (130.211.0.0/22, 35.191.0.0/16) need to reach the gateway.",
    fix: 'Replace the source range with the LB ranges (130.211.0.0/22, 35.191.0.0/16), your admin CIDRs, or IAP (35.235.240.0/20) for SSH.',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['GK11'],
  },
  perResource([GCP_TYPES.firewall], (f) => {
    const direction = f.props.direction ?? 'INGRESS';
    // Deny rules from anywhere are fine: only allow rules open ports.
    if (direction !== 'INGRESS' || asArray(f.props.allows).length === 0) return [];
    return asArray(f.props.sourceRanges)
      .filter(isWorldRange)
      .map(
        (range) =>
          `allows ingress from ${show(range)}: ${asArray(f.props.allows)
            .map(
              (a) => `${String(field(a, 'protocol'))}${field(a, 'ports') === undefined ? '' : ` ${asArray(field(a, 'ports')).join(',')}`}`,
            )
            .join('; ')} open to the internet`,
      );
  }),
);

// ---------------------------------------------------------------------------------------
// CI05 Workload Identity Federation

const wifAttributeCondition = resourceRule(
  {
    id: 'CI05-wif-attribute-condition',
    description: 'Every Workload Identity pool provider has an attribute condition (attributeCondition).',
    why: 'Without a condition, every token the issuer signs is accepted: for GitHub that is every workflow of every repository on github.com.',
    fix: 'Set attributeCondition, e.g. "assertion.repository in [\'my-org/platform\']".',
    severity: 'critical',
    enforcement: 'mandatory',
    catalogue: ['CI05'],
  },
  perResource([GCP_TYPES.workloadIdentityPoolProvider], (p) => {
    const condition = p.props.attributeCondition;
    return typeof condition === 'string' && condition.trim() !== ''
      ? []
      : [`attributeCondition is ${show(condition)}: every token of the issuer is accepted`];
  }),
);

const wifRepositoryCondition = resourceRule(
  {
    id: 'CI05-wif-repository-condition',
    description: "A GitHub Actions provider's attribute condition restricts the repository or its owner.",
    why: 'A condition on other claims alone (a branch, an event) still admits workflows of any repository on github.com, whose authors control those claims.',
    fix: 'Include assertion.repository (or repository_owner, or their _id forms) in the condition: "assertion.repository in [\'my-org/platform\']".',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['CI05'],
  },
  perResource([GCP_TYPES.workloadIdentityPoolProvider], (p) => {
    const condition = p.props.attributeCondition;
    const issuer = field(p.props, 'oidc.issuerUri');
    if (typeof issuer !== 'string' || !issuer.startsWith(GITHUB_OIDC_ISSUER) || typeof condition !== 'string' || condition.trim() === '')
      return [];
    return REPOSITORY_CLAIM.test(condition)
      ? []
      : [`attributeCondition ${show(condition)} does not restrict the repository or owner: any GitHub repository's workflows are accepted`];
  }),
);

/** The GKE and GCP rules, in report order. */

/** GCP project rules, in report order. */
export const gcpRules: readonly ResourceRule[] = [
  noBasicRoles,
  noServiceAccountKeys,
  projectImpersonation,
  resourceLevelRoles,
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
