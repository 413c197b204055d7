/**
 * GKE cluster rules (GK01-GK07), checked on the Pulumi resources: the inputs the program
 * declares (offline under mocks) or that CrossGuard sees on `pulumi preview`. In the spirit
 * of Checkov's GKE checks and Terraform's safer-cluster module.
 */
import { resourceRule } from './define';
import {
  COMPUTE_DEFAULT_ACCOUNT,
  GCP_TYPES,
  asArray,
  field,
  isAutopilot,
  isWorldRange,
  perCluster,
  perNodePool,
  perResource,
  show,
} from './gcp-resources';
import type { ResourceRule } from '../types';

// ---------------------------------------------------------------------------------------
// GK01 private cluster

const privateNodes = resourceRule(
  {
    id: 'GK01-private-nodes',
    description: 'GKE nodes have private IP addresses only (privateClusterConfig.enablePrivateNodes).',
    why: 'Nodes with public IPs are reachable from the internet on every port the firewall lets through (kubelet, NodePorts, SSH); private nodes shrink the attack surface to the load balancer.',
    fix: 'Set privateClusterConfig.enablePrivateNodes: true on the cluster (with Cloud NAT for egress) and do not set networkConfig.enablePrivateNodes: false on a node pool.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK01'],
  },
  (ctx) => [
    ...perCluster((c) => {
      const value = field(c.props, 'privateClusterConfig.enablePrivateNodes');
      return value === true ? [] : [`privateClusterConfig.enablePrivateNodes is ${show(value)}: nodes get public IP addresses`];
    })(ctx),
    ...perNodePool((p) =>
      field(p, 'networkConfig.enablePrivateNodes') === false
        ? ["networkConfig.enablePrivateNodes is false: this pool's nodes get public IP addresses"]
        : [],
    )(ctx),
  ],
);

const controlPlaneNotPublic = resourceRule(
  {
    id: 'GK01-control-plane-not-public',
    description:
      "The control plane's IP endpoint is private, disabled (DNS endpoint only), or behind authorized networks that do not include 0.0.0.0/0.",
    why: 'An API server open to the internet is one credential leak or Kubernetes CVE away from compromise; authorized networks or the IAM-checked DNS endpoint keep scanners out.',
    fix: 'Set masterAuthorizedNetworksConfig with only your admin CIDRs (or none, and use the DNS endpoint), never 0.0.0.0/0 nor gcpPublicCidrsAccessEnabled; or enablePrivateEndpoint / controlPlaneEndpointsConfig.ipEndpointsConfig.enabled: false.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK01'],
  },
  perCluster((c) => {
    if (field(c.props, 'controlPlaneEndpointsConfig.ipEndpointsConfig.enabled') === false) return [];
    if (field(c.props, 'privateClusterConfig.enablePrivateEndpoint') === true) return [];
    const authorized = c.props.masterAuthorizedNetworksConfig;
    if (authorized === undefined || authorized === null) {
      return [
        'masterAuthorizedNetworksConfig is not set and the IP endpoint is public: the API server is reachable from the whole internet',
      ];
    }
    const open = asArray(field(authorized, 'cidrBlocks'))
      .map((b) => field(b, 'cidrBlock'))
      .filter(isWorldRange);
    return [
      ...open.map(
        (cidr) => `masterAuthorizedNetworksConfig.cidrBlocks includes ${show(cidr)}: the API server is reachable from the whole internet`,
      ),
      ...(field(authorized, 'gcpPublicCidrsAccessEnabled') === true
        ? ["masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: any Google Cloud VM's public IP reaches the API server"]
        : []),
    ];
  }),
);

// ---------------------------------------------------------------------------------------
// GK02 identity

const workloadIdentity = resourceRule(
  {
    id: 'GK02-workload-identity',
    description: 'The cluster has Workload Identity (workloadIdentityConfig.workloadPool).',
    why: "Without Workload Identity, pods reach Google APIs as the node's service account (shared by every pod on the node) or with exported keys; with it each Kubernetes service account maps to its own Google identity.",
    fix: 'Set workloadIdentityConfig: { workloadPool: "<project>.svc.id.goog" } on the cluster.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK02'],
  },
  perCluster((c) => {
    const pool = field(c.props, 'workloadIdentityConfig.workloadPool');
    return typeof pool === 'string' && pool !== ''
      ? []
      : [`workloadIdentityConfig.workloadPool is ${show(pool)}: pods use the node's service account`];
  }),
);

const gkeMetadata = resourceRule(
  {
    id: 'GK02-gke-metadata',
    description: 'Node pools run the GKE metadata server (nodeConfig.workloadMetadataConfig.mode GKE_METADATA).',
    why: "With the Compute metadata server exposed, any pod can read the node's service account token and the kubelet's bootstrap credentials; GKE_METADATA serves Workload Identity tokens and hides the rest.",
    fix: 'Set nodeConfig.workloadMetadataConfig: { mode: "GKE_METADATA" } on every node pool.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK02'],
  },
  perNodePool((p) => {
    const mode = field(p, 'nodeConfig.workloadMetadataConfig.mode');
    return mode === 'GKE_METADATA'
      ? []
      : [
          `nodeConfig.workloadMetadataConfig.mode is ${show(mode)}, not GKE_METADATA: pods can read the node's credentials from the metadata server`,
        ];
  }),
);

const nodeServiceAccount = resourceRule(
  {
    id: 'GK02-node-service-account',
    description: 'Node pools run as a dedicated service account, not the Compute Engine default one.',
    why: 'The Compute Engine default service account has the Editor role on the project: a compromised node (or a pod reading its token) could change almost anything.',
    fix: 'Create a least-privilege service account (logging, monitoring, image pulls) and set nodeConfig.serviceAccount to its email.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK02'],
  },
  perNodePool((p) => {
    const account = field(p, 'nodeConfig.serviceAccount');
    if (typeof account !== 'string' || account === '' || account === 'default') {
      return [`nodeConfig.serviceAccount is ${show(account)}: the nodes run as the Compute Engine default service account (Editor)`];
    }
    return COMPUTE_DEFAULT_ACCOUNT.test(account)
      ? [`nodeConfig.serviceAccount is ${show(account)}, the Compute Engine default service account (Editor)`]
      : [];
  }),
);

// ---------------------------------------------------------------------------------------
// GK03 shielded nodes

const shieldedNodes = resourceRule(
  {
    id: 'GK03-shielded-nodes',
    description: 'Shielded GKE nodes are on (enableShieldedNodes, true by default).',
    why: "Shielded nodes prove their identity to the control plane with a vTPM, so an attacker who steals a node's bootstrap credentials cannot impersonate nodes and read their Secrets.",
    fix: 'Remove enableShieldedNodes: false from the cluster (or set it to true).',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK03'],
  },
  perCluster((c) =>
    c.props.enableShieldedNodes === false ? ['enableShieldedNodes is false: nodes cannot prove their identity to the control plane'] : [],
  ),
);

const secureBoot = resourceRule(
  {
    id: 'GK03-secure-boot',
    description: 'Node pools use Secure Boot and integrity monitoring (nodeConfig.shieldedInstanceConfig).',
    why: 'Secure Boot refuses unsigned boot components and integrity monitoring reports a changed boot sequence: together they stop rootkits and bootkits from persisting on nodes.',
    fix: 'Set nodeConfig.shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true } on every node pool.',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK03'],
  },
  perNodePool((p) => {
    const secure = field(p, 'nodeConfig.shieldedInstanceConfig.enableSecureBoot');
    const integrity = field(p, 'nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring');
    return [
      ...(secure === true
        ? []
        : [`nodeConfig.shieldedInstanceConfig.enableSecureBoot is ${show(secure)} (off by default): unsigned boot components can run`]),
      ...(integrity === false
        ? ['nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring is false: boot tampering goes unreported']
        : []),
    ];
  }),
);

// ---------------------------------------------------------------------------------------
// GK04 lifecycle

const releaseChannel = resourceRule(
  {
    id: 'GK04-release-channel',
    description: 'The cluster is enrolled in a release channel (RAPID, REGULAR, STABLE or EXTENDED).',
    why: 'A release channel keeps the control plane and nodes on supported, patched versions automatically; without one, security patches wait for someone to upgrade by hand.',
    fix: 'Set releaseChannel: { channel: "REGULAR" } (or STABLE for production).',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK04'],
  },
  perCluster((c) => {
    const channel = field(c.props, 'releaseChannel.channel');
    return typeof channel === 'string' && channel !== '' && channel !== 'UNSPECIFIED'
      ? []
      : [`releaseChannel.channel is ${show(channel)}: versions are not kept patched automatically`];
  }),
);

const nodeAutoRepairUpgrade = resourceRule(
  {
    id: 'GK04-node-auto-repair-upgrade',
    description: 'Node pools keep auto-repair and auto-upgrade on (both on by default).',
    why: 'Auto-upgrade applies node security patches with the release channel; auto-repair replaces unhealthy nodes before they take workloads down.',
    fix: 'Remove management.autoRepair: false / management.autoUpgrade: false from the node pool (or set them to true).',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK04'],
  },
  perNodePool((p) => [
    ...(field(p, 'management.autoRepair') === false ? ['management.autoRepair is false: failed nodes are not replaced'] : []),
    ...(field(p, 'management.autoUpgrade') === false ? ['management.autoUpgrade is false: nodes miss security patches'] : []),
  ]),
);

const deletionProtection = resourceRule(
  {
    id: 'GK04-deletion-protection',
    description: 'In prod, the cluster has deletion protection (deletionProtection: true).',
    why: 'A replacement or a stray `pulumi destroy` would delete the production cluster and every workload and volume on it; deletion protection makes that fail instead.',
    fix: 'Set deletionProtection: true on the prod cluster (platform:deletionProtection in Pulumi.prod.yaml).',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK04'],
  },
  (ctx) =>
    ctx.profile !== 'prod'
      ? []
      : perCluster((c) =>
          c.props.deletionProtection === true ? [] : [`deletionProtection is ${show(c.props.deletionProtection)}: prod requires true`],
        )(ctx),
);

// ---------------------------------------------------------------------------------------
// GK05 hardening

const legacyAbac = resourceRule(
  {
    id: 'GK05-legacy-abac',
    description: 'Legacy ABAC authorization is off (enableLegacyAbac).',
    why: 'Legacy ABAC grants static permissions beyond RBAC (historically full access to every service account), so RBAC no longer bounds what workloads can do.',
    fix: 'Remove enableLegacyAbac: true from the cluster.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK05'],
  },
  perCluster((c) => (c.props.enableLegacyAbac === true ? ['enableLegacyAbac is true: authorization bypasses RBAC'] : [])),
);

const clientCertificate = resourceRule(
  {
    id: 'GK05-client-certificate',
    description: 'No client certificate is issued for the cluster (masterAuth.clientCertificateConfig.issueClientCertificate).',
    why: 'The issued client certificate is a long-lived cluster-admin credential that cannot be revoked, stored in state and outputs; IAM-based authentication can be audited and withdrawn.',
    fix: 'Set masterAuth.clientCertificateConfig.issueClientCertificate: false (or leave masterAuth out) and use gke-gcloud-auth-plugin.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK05'],
  },
  perCluster((c) =>
    field(c.props, 'masterAuth.clientCertificateConfig.issueClientCertificate') === true
      ? ['masterAuth.clientCertificateConfig.issueClientCertificate is true: an irrevocable admin certificate is issued']
      : [],
  ),
);

const networkPolicyEnforced = resourceRule(
  {
    id: 'GK05-network-policy',
    description: 'NetworkPolicies are enforced: Dataplane V2 (datapathProvider ADVANCED_DATAPATH) or networkPolicy.enabled.',
    why: 'Without an enforcing dataplane, the NetworkPolicies the platform ships are silently ignored and every pod can reach every other pod.',
    fix: 'Set datapathProvider: "ADVANCED_DATAPATH" on the cluster (or networkPolicy: { enabled: true, provider: "CALICO" }).',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['GK05'],
  },
  perCluster((c) => {
    if (c.props.datapathProvider === 'ADVANCED_DATAPATH' || field(c.props, 'networkPolicy.enabled') === true) return [];
    return [
      `datapathProvider is ${show(c.props.datapathProvider)} and networkPolicy.enabled is ${show(field(c.props, 'networkPolicy.enabled'))}: NetworkPolicies are not enforced`,
    ];
  }),
);

const defaultNodePoolRemoved = resourceRule(
  {
    id: 'GK05-default-node-pool',
    description: "The cluster's default node pool is removed (removeDefaultNodePool: true) in favour of managed node pools.",
    why: 'The default pool is created with default settings (Compute default service account unless told otherwise) and cannot be changed without recreating the cluster; separately managed pools can be hardened, replaced and upgraded on their own.',
    fix: 'Set removeDefaultNodePool: true (with initialNodeCount: 1) and declare gcp.container.NodePool resources.',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK05'],
  },
  perCluster((c) => {
    if (isAutopilot(c) || asArray(c.props.nodePools).length > 0 || c.props.removeDefaultNodePool === true) return [];
    return [`removeDefaultNodePool is ${show(c.props.removeDefaultNodePool)}: the default node pool is kept`];
  }),
);

const noAlphaCluster = resourceRule(
  {
    id: 'GK05-no-alpha-cluster',
    description: 'The cluster is not an alpha cluster (enableKubernetesAlpha).',
    why: 'Alpha clusters run unsupported features, cannot be upgraded and are deleted after 30 days: no production workload survives on them.',
    fix: 'Remove enableKubernetesAlpha: true from the cluster.',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK05'],
  },
  perCluster((c) =>
    c.props.enableKubernetesAlpha === true ? ['enableKubernetesAlpha is true: unsupported, not upgradable, deleted after 30 days'] : [],
  ),
);

const containerOptimizedOs = resourceRule(
  {
    id: 'GK05-cos-containerd',
    description: 'Node pools use Container-Optimized OS with containerd (nodeConfig.imageType COS_CONTAINERD, the default).',
    why: 'COS has a minimal, read-only root filesystem, verified boot and automatic security patches; other images (Ubuntu, Windows) have a larger attack surface to maintain.',
    fix: 'Set nodeConfig.imageType: "COS_CONTAINERD" (or leave it out), unless a workload really needs another image.',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['GK05'],
  },
  perNodePool((p) => {
    const image = field(p, 'nodeConfig.imageType');
    return image === undefined || (typeof image === 'string' && image.toUpperCase() === 'COS_CONTAINERD')
      ? []
      : [`nodeConfig.imageType is ${show(image)}, not COS_CONTAINERD`];
  }),
);

// ---------------------------------------------------------------------------------------
// GK06 logging and monitoring

const logging = resourceRule(
  {
    id: 'GK06-logging',
    description:
      'Cloud Logging collects system and workload logs (loggingService not "none", loggingConfig with SYSTEM_COMPONENTS and WORKLOADS).',
    why: 'Without logs there is no audit trail of what ran and what it did: incidents cannot be investigated nor detected.',
    fix: 'Remove loggingService: "none" and set loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] } (or leave loggingConfig out).',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK06'],
  },
  perCluster((c) => {
    if (c.props.loggingService === 'none') return ['loggingService is "none": no logs are collected'];
    const components = field(c.props, 'loggingConfig.enableComponents');
    if (components === undefined) return [];
    const missing = ['SYSTEM_COMPONENTS', 'WORKLOADS'].filter((k) => !asArray(components).includes(k));
    return missing.length === 0 ? [] : [`loggingConfig.enableComponents is ${show(components)}: missing ${missing.join(', ')}`];
  }),
);

const monitoring = resourceRule(
  {
    id: 'GK06-monitoring',
    description: 'Cloud Monitoring collects system metrics (monitoringService not "none", monitoringConfig with SYSTEM_COMPONENTS).',
    why: 'Without system metrics nobody sees nodes or the control plane degrade, and alerting on attacks (crypto-mining CPU, traffic spikes) is blind.',
    fix: 'Remove monitoringService: "none" and include "SYSTEM_COMPONENTS" in monitoringConfig.enableComponents (or leave monitoringConfig out).',
    severity: 'medium',
    enforcement: 'mandatory',
    catalogue: ['GK06'],
  },
  perCluster((c) => {
    if (c.props.monitoringService === 'none') return ['monitoringService is "none": no metrics are collected'];
    const components = field(c.props, 'monitoringConfig.enableComponents');
    return components === undefined || asArray(components).includes('SYSTEM_COMPONENTS')
      ? []
      : [`monitoringConfig.enableComponents is ${show(components)}: missing SYSTEM_COMPONENTS`];
  }),
);

/** Subnet purposes that carry no VM traffic and do not support flow logs. */
const PROXY_SUBNET_PURPOSES: readonly string[] = [
  'REGIONAL_MANAGED_PROXY',
  'GLOBAL_MANAGED_PROXY',
  'INTERNAL_HTTPS_LOAD_BALANCER',
  'PRIVATE_SERVICE_CONNECT',
];

const subnetFlowLogs = resourceRule(
  {
    id: 'GK06-subnet-flow-logs',
    description: 'VPC subnets record flow logs (logConfig).',
    why: 'Flow logs show who talked to whom: the evidence for investigating lateral movement or exfiltration, and for tuning firewall rules.',
    fix: 'Set logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" } on the subnet.',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['GK06'],
  },
  perResource([GCP_TYPES.subnetwork], (s) => {
    if (typeof s.props.purpose === 'string' && PROXY_SUBNET_PURPOSES.includes(s.props.purpose)) return [];
    return s.props.logConfig === undefined || s.props.logConfig === null ? ['logConfig is not set: no VPC flow logs'] : [];
  }),
);

// ---------------------------------------------------------------------------------------
// GK07 secrets encryption

const secretsEncryption = resourceRule(
  {
    id: 'GK07-secrets-encryption',
    description: 'Kubernetes Secrets are encrypted at the application layer with a Cloud KMS key (databaseEncryption ENCRYPTED).',
    why: 'etcd is encrypted at rest by Google by default; a customer-managed key adds a second layer you control, audit and can revoke, which compliance regimes often require.',
    fix: 'Create a Cloud KMS key in the cluster\'s region, grant the GKE service agent Encrypter/Decrypter on it and set databaseEncryption: { state: "ENCRYPTED", keyName: <key id> }.',
    severity: 'medium',
    enforcement: 'advisory',
    catalogue: ['GK07'],
  },
  perCluster((c) => {
    const state = field(c.props, 'databaseEncryption.state');
    const key = field(c.props, 'databaseEncryption.keyName');
    return state === 'ENCRYPTED' && typeof key === 'string' && key !== ''
      ? []
      : [`databaseEncryption.state is ${show(state)} and keyName is ${show(key)}: Secrets are not encrypted with a KMS key`];
  }),
);

/** GKE cluster rules, in report order. */
export const gkeRules: readonly ResourceRule[] = [
  privateNodes,
  controlPlaneNotPublic,
  workloadIdentity,
  gkeMetadata,
  nodeServiceAccount,
  shieldedNodes,
  secureBoot,
  releaseChannel,
  nodeAutoRepairUpgrade,
  deletionProtection,
  legacyAbac,
  clientCertificate,
  networkPolicyEnforced,
  defaultNodePoolRemoved,
  noAlphaCluster,
  containerOptimizedOs,
  logging,
  monitoring,
  subnetFlowLogs,
  secretsEncryption,
];
