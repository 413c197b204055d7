import type { PolicyResource } from '../types';
import { gcpRules as projectRules } from './gcp';
import { iamGrants, isWorldRange, portRangeIncludes, refersTo, resolveReference } from './gcp-resources';
import { gkeRules } from './gke';
import { describeResourceRules, patch, resource, type ResourceCase } from './resource-rules.fixture';

/** The GKE and GCP rules, run together as the runners run them. */
const gcpRules = [...gkeRules, ...projectRules];

// GIVEN a hardened stack shaped like the mock recording of infra/ (ids are `<name>-id`),
// each rule is run through `evaluate`, the path the runners use.

const T = {
  cluster: 'gcp:container/cluster:Cluster',
  nodePool: 'gcp:container/nodePool:NodePool',
  subnet: 'gcp:compute/subnetwork:Subnetwork',
  firewall: 'gcp:compute/firewall:Firewall',
  projectMember: 'gcp:projects/iAMMember:IAMMember',
  projectBinding: 'gcp:projects/iAMBinding:IAMBinding',
  projectPolicy: 'gcp:projects/iAMPolicy:IAMPolicy',
  accountMember: 'gcp:serviceaccount/iAMMember:IAMMember',
  repoMember: 'gcp:artifactregistry/repositoryIamMember:RepositoryIamMember',
  repoBinding: 'gcp:artifactregistry/repositoryIamBinding:RepositoryIamBinding',
  key: 'gcp:serviceaccount/key:Key',
  armor: 'gcp:compute/securityPolicy:SecurityPolicy',
  backend: 'gcp:compute/backendService:BackendService',
  urlMap: 'gcp:compute/uRLMap:URLMap',
  sslPolicy: 'gcp:compute/sSLPolicy:SSLPolicy',
  httpsProxy: 'gcp:compute/targetHttpsProxy:TargetHttpsProxy',
  httpProxy: 'gcp:compute/targetHttpProxy:TargetHttpProxy',
  forwardingRule: 'gcp:compute/globalForwardingRule:GlobalForwardingRule',
  wifProvider: 'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider',
  folderPolicy: 'gcp:folder/iAMPolicy:IAMPolicy',
  topicMember: 'gcp:pubsub/topicIAMMember:TopicIAMMember',
  subscriptionMember: 'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember',
  bucketMember: 'gcp:storage/bucketIAMMember:BucketIAMMember',
  secretMember: 'gcp:secretmanager/secretIamMember:SecretIamMember',
} as const;

const NODES = 'serviceAccount:gke-nodes@proj.iam.gserviceaccount.com';
const ORDERS = 'serviceAccount:dev-orders@proj.iam.gserviceaccount.com';

/** What infra/ declares, reduced to the fields the rules read; every rule accepts it. */
function hardened(): PolicyResource[] {
  return [
    resource(T.cluster, 'gke-cluster', {
      name: 'gke',
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: '172.16.0.0/28' },
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: [{ cidrBlock: '203.0.113.0/24', displayName: 'office' }],
        gcpPublicCidrsAccessEnabled: false,
      },
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      enableKubernetesAlpha: false,
      enableShieldedNodes: true,
      workloadIdentityConfig: { workloadPool: 'proj.svc.id.goog' },
      releaseChannel: { channel: 'STABLE' },
      datapathProvider: 'ADVANCED_DATAPATH',
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS'] },
      monitoringConfig: { enableComponents: ['SYSTEM_COMPONENTS'], managedPrometheus: { enabled: true } },
      databaseEncryption: { state: 'ENCRYPTED', keyName: 'projects/proj/locations/europe-west1/keyRings/gke/cryptoKeys/secrets' },
      deletionProtection: true,
    }),
    resource(T.nodePool, 'gke-pool', {
      cluster: 'gke',
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: {
        imageType: 'COS_CONTAINERD',
        serviceAccount: 'gke-nodes@proj.iam.gserviceaccount.com',
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      },
    }),
    resource(T.subnet, 'net-subnet', {
      ipCidrRange: '10.10.0.0/20',
      logConfig: { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' },
    }),
    resource(T.firewall, 'net-allow-lb', {
      direction: 'INGRESS',
      sourceRanges: ['130.211.0.0/22', '35.191.0.0/16'],
      destinationRanges: ['10.20.0.0/14'],
      allows: [{ protocol: 'tcp', ports: ['8443', '15021'] }],
    }),
    resource(T.projectMember, 'gke-nodes-logwriter', { project: 'proj', role: 'roles/logging.logWriter', member: NODES }),
    resource(T.accountMember, 'ci-deployer-wif', {
      serviceAccountId: 'ci-deployer-id',
      role: 'roles/iam.workloadIdentityUser',
      member: 'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/my-org/platform',
    }),
    // Token Creator on one service account, not the project: not an escalation path.
    resource(T.accountMember, 'ci-deployer-token', {
      serviceAccountId: 'gke-nodes-id',
      role: 'roles/iam.serviceAccountTokenCreator',
      member: 'serviceAccount:ci@proj.iam.gserviceaccount.com',
    }),
    resource(T.repoMember, 'registry-pusher', {
      repository: 'images',
      location: 'europe-west1',
      role: 'roles/artifactregistry.writer',
      member: 'serviceAccount:pusher@proj.iam.gserviceaccount.com',
    }),
    resource(T.armor, 'lb-armor', { type: 'CLOUD_ARMOR' }),
    resource(T.backend, 'lb-backend', { loadBalancingScheme: 'EXTERNAL_MANAGED', protocol: 'HTTPS', securityPolicy: 'lb-armor-id' }),
    resource(T.urlMap, 'lb-https-map', { defaultService: 'lb-backend-id' }),
    resource(T.sslPolicy, 'lb-tls', { minTlsVersion: 'TLS_1_2', profile: 'MODERN' }),
    resource(T.httpsProxy, 'lb-https-proxy', { urlMap: 'lb-https-map-id', sslPolicy: 'lb-tls-id' }),
    resource(T.forwardingRule, 'lb-https-rule', { loadBalancingScheme: 'EXTERNAL_MANAGED', portRange: '443', target: 'lb-https-proxy-id' }),
    resource(T.urlMap, 'lb-http-redirect-map', {
      defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
    }),
    resource(T.httpProxy, 'lb-http-proxy', { urlMap: 'lb-http-redirect-map-id' }),
    resource(T.forwardingRule, 'lb-http-rule', { loadBalancingScheme: 'EXTERNAL_MANAGED', portRange: '80', target: 'lb-http-proxy-id' }),
    resource(T.wifProvider, 'ci-github', {
      oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
      attributeCondition: "assertion.repository in ['my-org/platform']",
    }),
  ];
}

/** The hardened stack with fields of one resource changed (dotted paths; undefined deletes). */
function patched(name: string, changes: Record<string, unknown>, resources = hardened()): PolicyResource[] {
  return patch(resources, name, changes);
}

function withExtra(...extra: PolicyResource[]): PolicyResource[] {
  return [...hardened(), ...extra];
}

type Case = ResourceCase;

const rejected: Case[] = [
  {
    rule: 'GK01-private-nodes',
    what: 'a cluster without private nodes',
    resources: patched('gke-cluster', { privateClusterConfig: undefined }),
    expected: [{ object: 'gke-cluster', message: 'privateClusterConfig.enablePrivateNodes is not set: nodes get public IP addresses' }],
  },
  {
    rule: 'GK01-private-nodes',
    what: 'a node pool that opts out of private nodes',
    resources: patched('gke-pool', { 'networkConfig.enablePrivateNodes': false }),
    expected: [{ object: 'gke-pool', message: "networkConfig.enablePrivateNodes is false: this pool's nodes get public IP addresses" }],
  },
  {
    rule: 'GK01-control-plane-not-public',
    what: 'authorized networks including 0.0.0.0/0',
    resources: patched('gke-cluster', {
      'masterAuthorizedNetworksConfig.cidrBlocks': [{ cidrBlock: '203.0.113.0/24' }, { cidrBlock: '0.0.0.0/0' }],
    }),
    expected: [
      {
        object: 'gke-cluster',
        message: 'masterAuthorizedNetworksConfig.cidrBlocks includes "0.0.0.0/0": the API server is reachable from the whole internet',
      },
    ],
  },
  {
    rule: 'GK01-control-plane-not-public',
    what: 'a public IP endpoint without authorized networks',
    resources: patched('gke-cluster', { masterAuthorizedNetworksConfig: undefined }),
    expected: [
      {
        object: 'gke-cluster',
        message:
          'masterAuthorizedNetworksConfig is not set and the IP endpoint is public: the API server is reachable from the whole internet',
      },
    ],
  },
  {
    rule: 'GK01-control-plane-not-public',
    what: 'authorized networks open to every Google Cloud public IP',
    resources: patched('gke-cluster', { 'masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled': true }),
    expected: [
      {
        object: 'gke-cluster',
        message:
          "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: any Google Cloud VM's public IP reaches the API server",
      },
    ],
  },
  {
    rule: 'GK02-workload-identity',
    what: 'a cluster without a workload pool',
    resources: patched('gke-cluster', { workloadIdentityConfig: undefined }),
    expected: [{ object: 'gke-cluster', message: "workloadIdentityConfig.workloadPool is not set: pods use the node's service account" }],
  },
  {
    rule: 'GK02-gke-metadata',
    what: 'a node pool exposing the Compute metadata server',
    resources: patched('gke-pool', { 'nodeConfig.workloadMetadataConfig.mode': 'GCE_METADATA' }),
    expected: [
      {
        object: 'gke-pool',
        message:
          'nodeConfig.workloadMetadataConfig.mode is "GCE_METADATA", not GKE_METADATA: pods can read the node\'s credentials from the metadata server',
      },
    ],
  },
  {
    rule: 'GK02-node-service-account',
    what: 'a node pool on the Compute default service account',
    resources: patched('gke-pool', { 'nodeConfig.serviceAccount': '123456789-compute@developer.gserviceaccount.com' }),
    expected: [
      {
        object: 'gke-pool',
        message:
          'nodeConfig.serviceAccount is "123456789-compute@developer.gserviceaccount.com", the Compute Engine default service account (Editor)',
      },
    ],
  },
  {
    rule: 'GK02-node-service-account',
    what: 'a kept default node pool without a service account',
    resources: patched('gke-cluster', { removeDefaultNodePool: false }),
    expected: [
      {
        object: 'gke-cluster',
        message:
          'default node pool: nodeConfig.serviceAccount is not set: the nodes run as the Compute Engine default service account (Editor)',
      },
    ],
  },
  {
    rule: 'GK02-node-service-account',
    what: 'an inline node pool on the "default" account',
    resources: patched('gke-cluster', { nodePools: [{ name: 'inline', nodeConfig: { serviceAccount: 'default' } }] }),
    expected: [
      {
        object: 'gke-cluster',
        message:
          'nodePools[0] (inline): nodeConfig.serviceAccount is "default": the nodes run as the Compute Engine default service account (Editor)',
      },
    ],
  },
  {
    rule: 'GK03-shielded-nodes',
    what: 'a cluster with shielded nodes turned off',
    resources: patched('gke-cluster', { enableShieldedNodes: false }),
    expected: [{ object: 'gke-cluster', message: 'enableShieldedNodes is false: nodes cannot prove their identity to the control plane' }],
  },
  {
    rule: 'GK03-secure-boot',
    what: 'a node pool without a shielded instance config (Secure Boot is off by default)',
    resources: patched('gke-pool', { 'nodeConfig.shieldedInstanceConfig': undefined }),
    expected: [
      {
        object: 'gke-pool',
        message: 'nodeConfig.shieldedInstanceConfig.enableSecureBoot is not set (off by default): unsigned boot components can run',
      },
    ],
  },
  {
    rule: 'GK03-secure-boot',
    what: 'a node pool with integrity monitoring turned off',
    resources: patched('gke-pool', { 'nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring': false }),
    expected: [
      {
        object: 'gke-pool',
        message: 'nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false: boot tampering goes unreported',
      },
    ],
  },
  {
    rule: 'GK04-release-channel',
    what: 'a cluster on the UNSPECIFIED channel',
    resources: patched('gke-cluster', { 'releaseChannel.channel': 'UNSPECIFIED' }),
    expected: [{ object: 'gke-cluster', message: 'releaseChannel.channel is "UNSPECIFIED": versions are not kept patched automatically' }],
  },
  {
    rule: 'GK04-release-channel',
    what: 'a cluster without a release channel',
    resources: patched('gke-cluster', { releaseChannel: undefined }),
    expected: [{ object: 'gke-cluster', message: 'releaseChannel.channel is not set: versions are not kept patched automatically' }],
  },
  {
    rule: 'GK04-node-auto-repair-upgrade',
    what: 'a node pool with auto-repair and auto-upgrade off',
    resources: patched('gke-pool', { management: { autoRepair: false, autoUpgrade: false } }),
    expected: [
      { object: 'gke-pool', message: 'management.autoRepair is false: failed nodes are not replaced' },
      { object: 'gke-pool', message: 'management.autoUpgrade is false: nodes miss security patches' },
    ],
  },
  {
    rule: 'GK04-deletion-protection',
    what: 'a prod cluster without deletion protection',
    resources: patched('gke-cluster', { deletionProtection: false }),
    profile: 'prod',
    expected: [{ object: 'gke-cluster', message: 'deletionProtection is false: prod requires true' }],
  },
  {
    rule: 'GK05-legacy-abac',
    what: 'a cluster with legacy ABAC',
    resources: patched('gke-cluster', { enableLegacyAbac: true }),
    expected: [{ object: 'gke-cluster', message: 'enableLegacyAbac is true: authorization bypasses RBAC' }],
  },
  {
    rule: 'GK05-client-certificate',
    what: 'a cluster issuing a client certificate',
    resources: patched('gke-cluster', { 'masterAuth.clientCertificateConfig.issueClientCertificate': true }),
    expected: [
      {
        object: 'gke-cluster',
        message: 'masterAuth.clientCertificateConfig.issueClientCertificate is true: an irrevocable admin certificate is issued',
      },
    ],
  },
  {
    rule: 'GK05-network-policy',
    what: 'the legacy datapath without network policy',
    resources: patched('gke-cluster', { datapathProvider: 'LEGACY_DATAPATH' }),
    expected: [
      {
        object: 'gke-cluster',
        message: 'datapathProvider is "LEGACY_DATAPATH" and networkPolicy.enabled is not set: NetworkPolicies are not enforced',
      },
    ],
  },
  {
    rule: 'GK05-default-node-pool',
    what: 'a cluster keeping its default node pool',
    resources: patched('gke-cluster', { removeDefaultNodePool: undefined }),
    expected: [{ object: 'gke-cluster', message: 'removeDefaultNodePool is not set: the default node pool is kept' }],
  },
  {
    rule: 'GK05-no-alpha-cluster',
    what: 'an alpha cluster',
    resources: patched('gke-cluster', { enableKubernetesAlpha: true }),
    expected: [{ object: 'gke-cluster', message: 'enableKubernetesAlpha is true: unsupported, not upgradable, deleted after 30 days' }],
  },
  {
    rule: 'GK05-cos-containerd',
    what: 'an Ubuntu node pool',
    resources: patched('gke-pool', { 'nodeConfig.imageType': 'UBUNTU_CONTAINERD' }),
    expected: [{ object: 'gke-pool', message: 'nodeConfig.imageType is "UBUNTU_CONTAINERD", not COS_CONTAINERD' }],
  },
  {
    rule: 'GK06-logging',
    what: 'logging turned off',
    resources: patched('gke-cluster', { loggingService: 'none' }),
    expected: [{ object: 'gke-cluster', message: 'loggingService is "none": no logs are collected' }],
  },
  {
    rule: 'GK06-logging',
    what: 'logging without workload logs',
    resources: patched('gke-cluster', { 'loggingConfig.enableComponents': ['SYSTEM_COMPONENTS'] }),
    expected: [{ object: 'gke-cluster', message: 'loggingConfig.enableComponents is ["SYSTEM_COMPONENTS"]: missing WORKLOADS' }],
  },
  {
    rule: 'GK06-monitoring',
    what: 'monitoring turned off',
    resources: patched('gke-cluster', { monitoringService: 'none' }),
    expected: [{ object: 'gke-cluster', message: 'monitoringService is "none": no metrics are collected' }],
  },
  {
    rule: 'GK06-monitoring',
    what: 'monitoring with no components',
    resources: patched('gke-cluster', { 'monitoringConfig.enableComponents': [] }),
    expected: [{ object: 'gke-cluster', message: 'monitoringConfig.enableComponents is []: missing SYSTEM_COMPONENTS' }],
  },
  {
    rule: 'GK06-subnet-flow-logs',
    what: 'a subnet without flow logs',
    resources: patched('net-subnet', { logConfig: undefined }),
    expected: [{ object: 'net-subnet', message: 'logConfig is not set: no VPC flow logs' }],
  },
  {
    rule: 'GK07-secrets-encryption',
    what: 'a cluster without application-layer secrets encryption',
    resources: patched('gke-cluster', { databaseEncryption: undefined }),
    expected: [
      {
        object: 'gke-cluster',
        message: 'databaseEncryption.state is not set and keyName is not set: Secrets are not encrypted with a KMS key',
      },
    ],
  },
  {
    rule: 'GK08-no-basic-roles',
    what: 'Editor, Owner and Viewer granted by a member, a binding and a policy',
    resources: withExtra(
      resource(T.projectMember, 'ci-editor', {
        project: 'proj',
        role: 'roles/editor',
        member: 'serviceAccount:ci@proj.iam.gserviceaccount.com',
      }),
      resource(T.projectBinding, 'admins', {
        project: 'proj',
        role: 'roles/owner',
        members: ['user:a@example.com', 'group:ops@example.com'],
      }),
      resource(T.projectPolicy, 'policy', {
        project: 'proj',
        policyData: JSON.stringify({
          bindings: [
            { role: 'roles/viewer', members: ['group:all@example.com'] },
            { role: 'roles/logging.viewer', members: ['group:all@example.com'] },
          ],
        }),
      }),
    ),
    expected: [
      { object: 'ci-editor', message: 'grants basic role roles/editor to serviceAccount:ci@proj.iam.gserviceaccount.com' },
      { object: 'admins', message: 'grants basic role roles/owner to user:a@example.com, group:ops@example.com' },
      { object: 'policy', message: 'grants basic role roles/viewer to group:all@example.com' },
    ],
  },
  {
    rule: 'GK08-no-service-account-keys',
    what: 'a service account key',
    resources: withExtra(resource(T.key, 'ci-key', { serviceAccountId: 'ci-deployer-id' })),
    expected: [{ object: 'ci-key', message: 'user-managed key for service account "ci-deployer-id"' }],
  },
  {
    rule: 'GK08-project-impersonation',
    what: 'Token Creator granted on the project',
    resources: withExtra(
      resource(T.projectMember, 'ci-token-creator', {
        project: 'proj',
        role: 'roles/iam.serviceAccountTokenCreator',
        member: 'serviceAccount:ci@proj.iam.gserviceaccount.com',
      }),
    ),
    expected: [
      {
        object: 'ci-token-creator',
        message:
          'grants roles/iam.serviceAccountTokenCreator to serviceAccount:ci@proj.iam.gserviceaccount.com on the whole project: it can impersonate every service account in it',
      },
    ],
  },
  {
    rule: 'GK08-resource-level-roles',
    what: "a service's publisher role on the project (gcp.roles: ['roles/pubsub.publisher'] as bootstrap grants it)",
    resources: withExtra(
      resource(T.projectMember, 'orders-pubsub-publisher', { project: 'proj', role: 'roles/pubsub.publisher', member: ORDERS }),
    ),
    expected: [
      {
        object: 'orders-pubsub-publisher',
        message: `grants roles/pubsub.publisher to ${ORDERS} on the whole project: bind it on the resource instead (gcp.pubsub.TopicIAMMember or gcp.pubsub.SubscriptionIAMMember)`,
      },
    ],
  },
  {
    rule: 'GK08-resource-level-roles',
    what: 'object and secret roles in a project binding and a folder policy',
    resources: withExtra(
      resource(T.projectBinding, 'readers', {
        project: 'proj',
        role: 'roles/storage.objectViewer',
        members: [ORDERS, 'group:ops@example.com'],
      }),
      resource(T.folderPolicy, 'folder-policy', {
        folder: 'folders/1',
        policyData: JSON.stringify({ bindings: [{ role: 'roles/secretmanager.secretAccessor', members: [ORDERS] }] }),
      }),
    ),
    expected: [
      {
        object: 'readers',
        message: `grants roles/storage.objectViewer to ${ORDERS}, group:ops@example.com on the whole project: bind it on the resource instead (gcp.storage.BucketIAMMember)`,
      },
      {
        object: 'folder-policy',
        message: `grants roles/secretmanager.secretAccessor to ${ORDERS} on the whole folder: bind it on the resource instead (gcp.secretmanager.SecretIamMember)`,
      },
    ],
  },
  {
    rule: 'IM03-binary-authorization',
    what: 'a prod cluster with Binary Authorization disabled',
    resources: patched('gke-cluster', { 'binaryAuthorization.evaluationMode': 'DISABLED' }),
    profile: 'prod',
    expected: [
      {
        object: 'gke-cluster',
        message: 'binaryAuthorization.evaluationMode is "DISABLED": prod requires PROJECT_SINGLETON_POLICY_ENFORCE',
      },
    ],
  },
  {
    rule: 'IM04-registry-not-public',
    what: 'a repository readable by allUsers and allAuthenticatedUsers',
    resources: withExtra(
      resource(T.repoMember, 'registry-public', {
        repository: 'images',
        location: 'europe-west1',
        role: 'roles/artifactregistry.reader',
        member: 'allUsers',
      }),
      resource(T.repoBinding, 'registry-readers', {
        repository: 'images',
        location: 'europe-west1',
        role: 'roles/artifactregistry.reader',
        members: ['group:dev@example.com', 'allAuthenticatedUsers'],
      }),
    ),
    expected: [
      { object: 'registry-public', message: 'grants roles/artifactregistry.reader on repository "images" to allUsers' },
      { object: 'registry-readers', message: 'grants roles/artifactregistry.reader on repository "images" to allAuthenticatedUsers' },
    ],
  },
  {
    rule: 'GK09-http-redirect-only',
    what: 'port 80 serving the backends',
    resources: patched('lb-http-proxy', { urlMap: 'lb-https-map-id' }),
    expected: [
      {
        object: 'lb-http-rule',
        message:
          'port 80 serves plain HTTP through lb-http-proxy with URL map lb-https-map, which does not only redirect to HTTPS: defaultUrlRedirect.httpsRedirect is not set, it sets defaultService',
      },
    ],
  },
  {
    rule: 'GK09-http-redirect-only',
    what: 'a redirect map that also routes paths to a backend',
    resources: patched('lb-http-redirect-map', { pathMatchers: [{ name: 'api', defaultService: 'lb-backend-id' }] }),
    expected: [
      {
        object: 'lb-http-rule',
        message:
          'port 80 serves plain HTTP through lb-http-proxy with URL map lb-http-redirect-map, which does not only redirect to HTTPS: it sets pathMatchers',
      },
    ],
  },
  {
    rule: 'GK09-http-redirect-only',
    what: 'port 80 pointing outside the stack',
    resources: patched('lb-http-rule', { target: 'projects/proj/global/targetHttpProxies/elsewhere' }),
    expected: [
      {
        object: 'lb-http-rule',
        message:
          'port 80 targets "projects/proj/global/targetHttpProxies/elsewhere", which is no TargetHttpProxy or TargetHttpsProxy of this stack: it cannot be shown to only redirect to HTTPS',
      },
    ],
  },
  {
    rule: 'GK09-http-redirect-only',
    what: 'plain HTTP on another port',
    resources: withExtra(
      resource(T.httpProxy, 'alt-proxy', { urlMap: 'lb-https-map-id' }),
      resource(T.forwardingRule, 'alt-rule', { portRange: '8080', target: 'alt-proxy-id' }),
    ),
    expected: [
      {
        object: 'alt-rule',
        message:
          'port 8080 serves plain HTTP through alt-proxy with URL map lb-https-map, which does not only redirect to HTTPS: defaultUrlRedirect.httpsRedirect is not set, it sets defaultService',
      },
    ],
  },
  {
    rule: 'GK09-ssl-policy',
    what: 'an SSL policy left at the defaults',
    resources: patched('lb-tls', { minTlsVersion: undefined, profile: undefined }),
    expected: [
      { object: 'lb-tls', message: 'minTlsVersion is not set (TLS_1_0 by default): TLS_1_2 or later required' },
      { object: 'lb-tls', message: 'profile is not set (COMPATIBLE by default): MODERN or RESTRICTED required' },
    ],
  },
  {
    rule: 'GK09-ssl-policy',
    what: 'TLS 1.1 with the COMPATIBLE profile',
    resources: patched('lb-tls', { minTlsVersion: 'TLS_1_1', profile: 'COMPATIBLE' }),
    expected: [
      { object: 'lb-tls', message: 'minTlsVersion is "TLS_1_1" (TLS_1_0 by default): TLS_1_2 or later required' },
      { object: 'lb-tls', message: 'profile is "COMPATIBLE" (COMPATIBLE by default): MODERN or RESTRICTED required' },
    ],
  },
  {
    rule: 'GK09-https-proxy-ssl-policy',
    what: 'an HTTPS proxy without an SSL policy',
    resources: patched('lb-https-proxy', { sslPolicy: undefined }),
    expected: [{ object: 'lb-https-proxy', message: "sslPolicy is not set: Google's default policy accepts TLS 1.0" }],
  },
  {
    rule: 'GK10-cloud-armor',
    what: 'an external managed backend without Cloud Armor',
    resources: patched('lb-backend', { securityPolicy: undefined }),
    expected: [
      {
        object: 'lb-backend',
        message:
          'loadBalancingScheme is "EXTERNAL_MANAGED" and securityPolicy is not set: internet traffic reaches the backends unfiltered',
      },
    ],
  },
  {
    rule: 'GK10-cloud-armor',
    what: 'a backend on the default (EXTERNAL) scheme without Cloud Armor',
    resources: patched('lb-backend', { securityPolicy: undefined, loadBalancingScheme: undefined }),
    expected: [
      {
        object: 'lb-backend',
        message: 'loadBalancingScheme is "EXTERNAL" and securityPolicy is not set: internet traffic reaches the backends unfiltered',
      },
    ],
  },
  {
    rule: 'GK11-firewall-not-open',
    what: 'SSH open to the internet over IPv4 and IPv6',
    resources: withExtra(
      resource(T.firewall, 'net-allow-ssh', {
        sourceRanges: ['0.0.0.0/0', '::/0'],
        allows: [{ protocol: 'tcp', ports: ['22'] }, { protocol: 'icmp' }],
      }),
    ),
    expected: [
      { object: 'net-allow-ssh', message: 'allows ingress from "0.0.0.0/0": tcp 22; icmp open to the internet' },
      { object: 'net-allow-ssh', message: 'allows ingress from "::/0": tcp 22; icmp open to the internet' },
    ],
  },
  {
    rule: 'CI05-wif-attribute-condition',
    what: 'a provider without a condition',
    resources: patched('ci-github', { attributeCondition: undefined }),
    expected: [{ object: 'ci-github', message: 'attributeCondition is not set: every token of the issuer is accepted' }],
  },
  {
    rule: 'CI05-wif-attribute-condition',
    what: 'a provider with a blank condition',
    resources: patched('ci-github', { attributeCondition: '  ' }),
    expected: [{ object: 'ci-github', message: 'attributeCondition is "  ": every token of the issuer is accepted' }],
  },
  {
    rule: 'CI05-wif-repository-condition',
    what: 'a GitHub provider restricted to a branch only',
    resources: patched('ci-github', { attributeCondition: "assertion.ref == 'refs/heads/main'" }),
    expected: [
      {
        object: 'ci-github',
        message:
          "attributeCondition \"assertion.ref == 'refs/heads/main'\" does not restrict the repository or owner: any GitHub repository's workflows are accepted",
      },
    ],
  },
];

const accepted: Case[] = [
  {
    rule: 'GK01-control-plane-not-public',
    what: 'no authorized networks but the IP endpoint disabled (DNS endpoint only)',
    resources: patched('gke-cluster', {
      masterAuthorizedNetworksConfig: undefined,
      'controlPlaneEndpointsConfig.ipEndpointsConfig.enabled': false,
    }),
    expected: [],
  },
  {
    rule: 'GK01-control-plane-not-public',
    what: 'no authorized networks but a private endpoint',
    resources: patched('gke-cluster', { masterAuthorizedNetworksConfig: undefined, 'privateClusterConfig.enablePrivateEndpoint': true }),
    expected: [],
  },
  {
    rule: 'GK01-control-plane-not-public',
    what: 'authorized networks with no CIDRs (IP endpoint closed, as infra/ declares)',
    resources: patched('gke-cluster', { 'masterAuthorizedNetworksConfig.cidrBlocks': [] }),
    expected: [],
  },
  {
    rule: 'GK02-node-service-account',
    what: 'an Autopilot cluster, whose nodes Google manages',
    resources: patched('gke-cluster', { enableAutopilot: true, removeDefaultNodePool: undefined }),
    expected: [],
  },
  {
    rule: 'GK03-shielded-nodes',
    what: 'enableShieldedNodes left at its default (true)',
    resources: patched('gke-cluster', { enableShieldedNodes: undefined }),
    expected: [],
  },
  {
    rule: 'GK04-node-auto-repair-upgrade',
    what: 'management left at its defaults (on)',
    resources: patched('gke-pool', { management: undefined }),
    expected: [],
  },
  {
    rule: 'GK04-deletion-protection',
    what: 'a dev cluster without deletion protection',
    resources: patched('gke-cluster', { deletionProtection: false }),
    profile: 'dev',
    expected: [],
  },
  {
    rule: 'GK05-network-policy',
    what: 'the legacy datapath with network policy enforcement',
    resources: patched('gke-cluster', { datapathProvider: 'LEGACY_DATAPATH', networkPolicy: { enabled: true, provider: 'CALICO' } }),
    expected: [],
  },
  {
    rule: 'GK05-default-node-pool',
    what: 'an Autopilot cluster',
    resources: patched('gke-cluster', { enableAutopilot: true, removeDefaultNodePool: undefined }),
    expected: [],
  },
  {
    rule: 'GK05-cos-containerd',
    what: 'imageType left at its default',
    resources: patched('gke-pool', { 'nodeConfig.imageType': undefined }),
    expected: [],
  },
  {
    rule: 'GK06-logging',
    what: 'loggingConfig left at its default (system and workloads)',
    resources: patched('gke-cluster', { loggingConfig: undefined }),
    expected: [],
  },
  {
    rule: 'GK06-subnet-flow-logs',
    what: 'a proxy-only subnet, which has no flow logs',
    resources: withExtra(resource(T.subnet, 'proxy-subnet', { purpose: 'REGIONAL_MANAGED_PROXY', role: 'ACTIVE' })),
    expected: [],
  },
  {
    rule: 'GK08-no-basic-roles',
    what: 'predefined viewer roles',
    resources: withExtra(
      resource(T.projectMember, 'log-viewer', { project: 'proj', role: 'roles/logging.viewer', member: 'group:ops@example.com' }),
    ),
    expected: [],
  },
  { rule: 'GK08-project-impersonation', what: 'Token Creator on a single service account', resources: hardened(), expected: [] },
  {
    rule: 'GK08-resource-level-roles',
    what: 'the same roles on a topic, a subscription, a bucket and a secret, and the project-only Cloud SQL roles on the project',
    resources: withExtra(
      resource(T.topicMember, 'orders-publish', { topic: 'orders-id', role: 'roles/pubsub.publisher', member: ORDERS }),
      resource(T.subscriptionMember, 'orders-consume', { subscription: 'orders-sub-id', role: 'roles/pubsub.subscriber', member: ORDERS }),
      resource(T.bucketMember, 'orders-bucket', { bucket: 'orders-bucket-id', role: 'roles/storage.objectUser', member: ORDERS }),
      resource(T.secretMember, 'orders-secret', {
        secretId: 'orders-secret-id',
        role: 'roles/secretmanager.secretAccessor',
        member: ORDERS,
      }),
      resource(T.projectMember, 'orders-sql-client', { project: 'proj', role: 'roles/cloudsql.client', member: ORDERS }),
      resource(T.projectMember, 'orders-sql-user', { project: 'proj', role: 'roles/cloudsql.instanceUser', member: ORDERS }),
      resource(T.projectMember, 'ci-pubsub-admin', {
        project: 'proj',
        role: 'roles/pubsub.admin',
        member: 'serviceAccount:ci@proj.iam.gserviceaccount.com',
      }),
    ),
    expected: [],
  },
  {
    rule: 'IM03-binary-authorization',
    what: 'a dev cluster with Binary Authorization disabled',
    resources: patched('gke-cluster', { 'binaryAuthorization.evaluationMode': 'DISABLED' }),
    profile: 'dev',
    expected: [],
  },
  {
    rule: 'IM03-binary-authorization',
    what: 'the deprecated enabled: true in prod',
    resources: patched('gke-cluster', { binaryAuthorization: { enabled: true } }),
    profile: 'prod',
    expected: [],
  },
  {
    rule: 'IM04-registry-not-public',
    what: "allUsers on a project role (another rule's business)",
    resources: withExtra(resource(T.projectMember, 'odd', { project: 'proj', role: 'roles/logging.viewer', member: 'allUsers' })),
    expected: [],
  },
  {
    rule: 'GK09-http-redirect-only',
    what: 'the chain referenced by CrossGuard-style self links of auto-named resources',
    resources: [
      resource(T.urlMap, 'lb-http-redirect-map', { name: 'lb-http-redirect-map-5f3a1c2', defaultUrlRedirect: { httpsRedirect: true } }),
      resource(T.httpProxy, 'lb-http-proxy', {
        name: 'lb-http-proxy-9b8e7d6',
        urlMap: 'https://www.googleapis.com/compute/v1/projects/proj/global/urlMaps/lb-http-redirect-map-5f3a1c2',
      }),
      resource(T.forwardingRule, 'lb-http-rule', {
        portRange: '80',
        target: 'projects/proj/global/targetHttpProxies/lb-http-proxy-9b8e7d6',
      }),
    ],
    expected: [],
  },
  {
    rule: 'GK09-http-redirect-only',
    what: 'an HTTPS proxy on port 80',
    resources: patched('lb-http-rule', { target: 'lb-https-proxy-id' }),
    expected: [],
  },
  {
    rule: 'GK09-http-redirect-only',
    what: 'an internal forwarding rule',
    resources: patched('lb-http-rule', { loadBalancingScheme: 'INTERNAL_MANAGED', target: 'somewhere-else' }),
    expected: [],
  },
  {
    rule: 'GK09-ssl-policy',
    what: 'TLS 1.3 with the RESTRICTED profile',
    resources: patched('lb-tls', { minTlsVersion: 'TLS_1_3', profile: 'RESTRICTED' }),
    expected: [],
  },
  {
    rule: 'GK10-cloud-armor',
    what: 'an internal backend without Cloud Armor',
    resources: patched('lb-backend', { loadBalancingScheme: 'INTERNAL_MANAGED', securityPolicy: undefined }),
    expected: [],
  },
  {
    rule: 'GK11-firewall-not-open',
    what: 'a deny rule from anywhere',
    resources: withExtra(
      resource(T.firewall, 'net-deny-all', { sourceRanges: ['0.0.0.0/0'], denies: [{ protocol: 'all' }], priority: 65000 }),
    ),
    expected: [],
  },
  {
    rule: 'GK11-firewall-not-open',
    what: 'an egress rule',
    resources: withExtra(
      resource(T.firewall, 'net-egress', {
        direction: 'EGRESS',
        destinationRanges: ['0.0.0.0/0'],
        allows: [{ protocol: 'tcp', ports: ['443'] }],
      }),
    ),
    expected: [],
  },
  {
    rule: 'CI05-wif-repository-condition',
    what: 'a condition on the repository owner id',
    resources: patched('ci-github', { attributeCondition: "assertion.repository_owner_id == '123456'" }),
    expected: [],
  },
  {
    rule: 'CI05-wif-repository-condition',
    what: 'a non-GitHub provider',
    resources: patched('ci-github', {
      'oidc.issuerUri': 'https://gitlab.com',
      attributeCondition: "assertion.namespace_path == 'my-group'",
    }),
    expected: [],
  },
];

describeResourceRules('GKE and GCP rules', {
  rules: gcpRules,
  hardened,
  rejected,
  accepted,
  advisory: ['GK05-cos-containerd', 'GK06-subnet-flow-logs', 'GK07-secrets-encryption', 'GK08-project-impersonation'],
});

describe('GKE and GCP rules: more', () => {});

describe('references between resources', () => {
  const proxy = resource(T.httpProxy, 'lb-http-proxy', { name: 'lb-http-proxy-9b8e7d6' });

  it.each([
    ['the mock id', 'lb-http-proxy-id', true],
    ['the Pulumi name', 'lb-http-proxy', true],
    [
      'a self link ending in the physical name',
      'https://www.googleapis.com/compute/v1/projects/p/global/targetHttpProxies/lb-http-proxy-9b8e7d6',
      true,
    ],
    ['an id ending in the Pulumi name', 'projects/p/global/targetHttpProxies/lb-http-proxy', true],
    ['another resource whose name ends the same', 'projects/p/global/targetHttpProxies/x-lb-http-proxy', false],
    ['a longer name', 'lb-http-proxy-2-id', false],
    ['no value', undefined, false],
  ])('%s (%s) refers to the proxy: %s', (_what, ref, expected) => {
    expect(refersTo(ref, proxy)).toBe(expected);
  });

  it('resolves a reference only among the expected types', () => {
    const map = resource(T.urlMap, 'lb-http-proxy', {});
    expect(resolveReference('lb-http-proxy-id', [map, proxy], [T.httpProxy])).toBe(proxy);
    expect(resolveReference('lb-http-proxy-id', [map], [T.httpProxy])).toBeUndefined();
  });
});

describe('reading helpers', () => {
  it.each([
    ['80', 80, true],
    ['80-80', 80, true],
    ['1-1024', 80, true],
    ['443', 80, false],
    ['8080', 80, false],
    [undefined, 80, false],
  ])('port range %s includes %d: %s', (range, port, expected) => {
    expect(portRangeIncludes(range, port)).toBe(expected);
  });

  it.each([
    ['0.0.0.0/0', true],
    ['::/0', true],
    [' 0.0.0.0/0 ', true],
    ['130.211.0.0/22', false],
    ['10.0.0.0/8', false],
  ])('%s matches every address: %s', (cidr, expected) => {
    expect(isWorldRange(cidr)).toBe(expected);
  });

  it('reads grants from IAM members, bindings and policies, and nothing else', () => {
    expect(iamGrants(resource(T.projectMember, 'm', { role: 'roles/a', member: 'user:x' }))).toEqual([
      { role: 'roles/a', members: ['user:x'] },
    ]);
    expect(iamGrants(resource(T.repoBinding, 'b', { role: 'roles/b', members: ['user:x', 'user:y'] }))).toEqual([
      { role: 'roles/b', members: ['user:x', 'user:y'] },
    ]);
    expect(iamGrants(resource(T.projectPolicy, 'p', { policyData: '{"bindings":[{"role":"roles/c","members":["user:z"]}]}' }))).toEqual([
      { role: 'roles/c', members: ['user:z'] },
    ]);
    expect(iamGrants(resource(T.projectPolicy, 'p', { policyData: 'not json' }))).toEqual([]);
    expect(iamGrants(resource('gcp:projects/iAMCustomRole:IAMCustomRole', 'r', { role: 'roles/x' }))).toBeUndefined();
    expect(iamGrants(resource(T.cluster, 'c', {}))).toBeUndefined();
  });
});
