/**
 * The offline plan: what a stack declares, read from the mock recording, printed as a
 * tree grouped by module with each resource's key settings. A review aid for
 * `npm run plan` and `npm start`, not a JSON dump.
 */
import type { Recording, RecordedResource } from './offline/engine';

/** The inputs worth reading per resource type, as dotted paths. */
const KEY_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  'gcp:compute/network:Network': ['autoCreateSubnetworks', 'routingMode'],
  'gcp:compute/subnetwork:Subnetwork': ['ipCidrRange', 'secondaryIpRanges', 'privateIpGoogleAccess'],
  'gcp:compute/routerNat:RouterNat': ['natIpAllocateOption', 'sourceSubnetworkIpRangesToNat'],
  'gcp:compute/firewall:Firewall': ['direction', 'sourceRanges', 'allows'],
  'gcp:container/cluster:Cluster': [
    'location',
    'releaseChannel.channel',
    'datapathProvider',
    'privateClusterConfig.enablePrivateNodes',
    'workloadIdentityConfig.workloadPool',
    'binaryAuthorization.evaluationMode',
    'deletionProtection',
    'masterAuthorizedNetworksConfig.cidrBlocks',
    'databaseEncryption.state',
    'nodeConfig.serviceAccount',
  ],
  'gcp:container/nodePool:NodePool': [
    'nodeLocations',
    'autoscaling',
    'nodeConfig.machineType',
    'nodeConfig.spot',
    'nodeConfig.workloadMetadataConfig.mode',
    'nodeConfig.shieldedInstanceConfig',
    'management',
  ],
  'gcp:serviceaccount/account:Account': ['accountId'],
  'gcp:serviceaccount/iAMMember:IAMMember': ['role', 'member'],
  'gcp:projects/service:Service': ['service', 'disableOnDestroy'],
  'gcp:kms/cryptoKey:CryptoKey': ['name', 'rotationPeriod'],
  'gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember': ['role', 'member'],
  'gcp:storage/bucketIAMMember:BucketIAMMember': ['role', 'member', 'condition.title'],
  'gcp:projects/iAMMember:IAMMember': ['role'],
  'gcp:artifactregistry/repository:Repository': ['location', 'format', 'repositoryId'],
  'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider': ['attributeCondition', 'oidc.issuerUri'],
  'kubernetes:helm.sh/v3:Release': ['chart', 'version', 'namespace'],
  'gcp:compute/globalAddress:GlobalAddress': ['addressType', 'purpose', 'address', 'prefixLength'],
  'gcp:servicenetworking/connection:Connection': ['service', 'reservedPeeringRanges'],
  'gcp:sql/databaseInstance:DatabaseInstance': [
    'name',
    'databaseVersion',
    'settings.availabilityType',
    'settings.ipConfiguration.ipv4Enabled',
    'settings.backupConfiguration.pointInTimeRecoveryEnabled',
    'deletionProtection',
  ],
  'gcp:sql/user:User': ['name', 'type'],
  'gcp:redis/instance:Instance': ['name', 'tier', 'memorySizeGb', 'authEnabled', 'transitEncryptionMode'],
  'gcp:pubsub/topic:Topic': ['name'],
  'gcp:pubsub/subscription:Subscription': ['name', 'ackDeadlineSeconds', 'deadLetterPolicy.maxDeliveryAttempts'],
  'gcp:pubsub/topicIAMMember:TopicIAMMember': ['role', 'member'],
  'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember': ['role', 'member'],
  'gcp:storage/bucket:Bucket': ['name', 'publicAccessPrevention', 'versioning.enabled'],
  'gcp:secretmanager/secret:Secret': ['secretId'],
  'gcp:secretmanager/secretIamMember:SecretIamMember': ['role', 'member'],
  'gcp:compute/healthCheck:HealthCheck': ['httpHealthCheck.port', 'httpHealthCheck.requestPath'],
  'gcp:compute/backendService:BackendService': ['loadBalancingScheme', 'protocol', 'backends', 'logConfig.enable'],
  'gcp:compute/securityPolicy:SecurityPolicy': ['rules'],
  'gcp:compute/managedSslCertificate:ManagedSslCertificate': ['managed.domains'],
  'gcp:compute/globalForwardingRule:GlobalForwardingRule': ['loadBalancingScheme', 'portRange'],
  'gcp:compute/uRLMap:URLMap': ['defaultUrlRedirect'],
  'gcp:monitoring/notificationChannel:NotificationChannel': ['type', 'labels.email_address'],
  'gcp:monitoring/alertPolicy:AlertPolicy': ['severity', 'userLabels.team', 'notificationChannels'],
  'gcp:monitoring/dashboard:Dashboard': [],
  // Never the kubeconfig: it is a secret.
  'pulumi:providers:kubernetes': ['enableServerSideApply', 'namespace'],
  'pulumi:providers:gcp': ['project', 'region'],
  'pulumi:pulumi:StackReference': ['name'],
  // Never the key material: the private key is a secret, the certificate is noise.
  'tls:index/privateKey:PrivateKey': ['algorithm', 'rsaBits'],
  'tls:index/selfSignedCert:SelfSignedCert': ['validityPeriodHours', 'earlyRenewalHours', 'allowedUses'],
};

/** Inputs never printed by the fallback, whatever the type: credentials and key material. */
const SECRET_INPUT = /pem|key|secret|password|token|credential|kubeconfig|cert/i;

/** Modules in the order the platform is built. */
const MODULE_ORDER = ['project', 'kms', 'network', 'gke', 'registry', 'ci', 'istio', 'observability', 'edge', 'lb', 'apps'];

function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

function brief(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length > 3 && value.every((v) => typeof v === 'object')) return `[${value.length} items]`;
    return `[${value.map(brief).join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null)
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${brief(v)}`)
      .join(', ')}}`;
  const text = String(value);
  return text.length > 72 ? `${text.slice(0, 30)}...${text.slice(-30)}` : text;
}

export function keySettings(r: RecordedResource): string {
  const paths =
    KEY_SETTINGS[r.type] ??
    Object.keys(r.inputs)
      .filter(
        (k) => ['string', 'number', 'boolean'].includes(typeof r.inputs[k]) && k !== 'name' && k !== 'project' && !SECRET_INPUT.test(k),
      )
      .slice(0, 3);
  return paths
    .map((p) => [p, at(r.inputs, p)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([p, v]) => `${p}=${brief(v)}`)
    .join('  ');
}

/** The top-level component a resource belongs to (itself if it is one). */
function moduleOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): RecordedResource | undefined {
  let current: RecordedResource | undefined = r;
  while (current?.parent !== undefined && byUrn.get(current.parent)?.parent !== undefined) current = byUrn.get(current.parent);
  return current?.parent === undefined ? undefined : byUrn.get(current.parent);
}

export function formatPlan(stack: string, recording: Recording): string {
  const byUrn = new Map(recording.resources.map((r) => [r.urn, r]));
  const groups = new Map<string, { component?: RecordedResource; resources: RecordedResource[] }>();
  for (const r of recording.resources) {
    if (!r.custom) continue;
    const component = moduleOf(r, byUrn);
    const key = component?.urn ?? '(stack)';
    const group = groups.get(key) ?? { ...(component !== undefined && { component }), resources: [] };
    group.resources.push(r);
    groups.set(key, group);
  }
  const lines = [
    `Plan for stack ${stack}: ${[...groups.values()].reduce((n, g) => n + g.resources.length, 0)} resources (offline, under mocks)`,
  ];
  const moduleRank = (c?: RecordedResource) => {
    const i = MODULE_ORDER.indexOf(c?.type.split(':')[1] ?? '');
    return i === -1 ? MODULE_ORDER.length : i;
  };
  const ordered = [...groups.values()].sort((a, b) => moduleRank(a.component) - moduleRank(b.component));
  for (const { component, resources } of ordered) {
    lines.push('');
    lines.push(component === undefined ? 'stack' : `${component.type.split(':')[1]}  (${component.type} "${component.name}")`);
    const kubernetes = resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'kubernetes:helm.sh/v3:Release');
    const byName = (a: RecordedResource, b: RecordedResource) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const r of resources.filter((x) => !kubernetes.includes(x)).sort(byName)) {
      const settings = keySettings(r);
      lines.push(`  ${r.type.split(':').pop()} ${r.name}${settings === '' ? '' : `  ${settings}`}`);
    }
    if (kubernetes.length > 0) {
      const counts = new Map<string, number>();
      for (const r of kubernetes) counts.set(r.type.split(':').pop() ?? r.type, (counts.get(r.type.split(':').pop() ?? r.type) ?? 0) + 1);
      const sorted = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      lines.push(`  ${kubernetes.length} Kubernetes objects: ${sorted.map(([k, n]) => `${k} x${n}`).join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
