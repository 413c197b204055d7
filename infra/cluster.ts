/**
 * The GKE cluster: regional, private nodes, hardened control plane, Secrets encrypted
 * with a Cloud KMS key, one autoscaling node pool on a least-privilege service account,
 * and the Kubernetes provider every in-cluster resource must be given explicitly.
 *
 * The node service account and its project roles are IAM, which CI may not grant: the
 * bootstrap stack creates them with {@link NodeServiceAccount}; the cluster takes its email.
 *
 * The decisions (names, roles, maintenance window, control-plane address, kubeconfig) are
 * pure exports, tested as tables; the component only wires them to resources.
 */
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { stringify } from 'yaml';
import { assertNoProblems, type Problem } from '../core/problems';
import { roleSlug, serviceAccountEmail } from './iam-names';
import type { EnvironmentConfig } from '../core/config';

/**
 * Project roles of the node service account: what the kubelet, logging and monitoring
 * agents and image pulls need, nothing more (GKE's "least privilege" list plus reading
 * Artifact Registry). Never the Compute Engine default account, which has Editor.
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster#use_least_privilege_sa
 */
export const NODE_SERVICE_ACCOUNT_ROLES: readonly string[] = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/autoscaling.metricsWriter',
  'roles/artifactregistry.reader',
];

/** The only OAuth scope of the nodes: access is governed by IAM roles, not by scopes. */
export const NODE_OAUTH_SCOPES: readonly string[] = ['https://www.googleapis.com/auth/cloud-platform'];

/**
 * Length of each weekend maintenance window. GKE rejects a policy that allows less than
 * 48 h of maintenance in any 32-day rolling window; 32 days can hold as few as 8 weekend
 * days, so 8 x 6 h = 48 h is the shortest weekend-only window it accepts (4 h gives 32-40 h).
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions
 */
export const MAINTENANCE_WINDOW_HOURS = 6;

/** Weekly on Saturdays and Sundays (UTC, as GKE evaluates day-of-week recurrences). */
export const MAINTENANCE_RECURRENCE = 'FREQ=WEEKLY;BYDAY=SA,SU';

/** A fixed Saturday as the window's anchor, so the plan never changes between runs. */
const MAINTENANCE_ANCHOR = { year: 2025, month: 0, day: 4 };

const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Service account ids are 6-30 characters; `-nodes` takes 6 of them. */
const MAX_NAME_LENGTH = 30 - '-nodes'.length;
/**
 * GKE's own limit on a cluster name (the console's rule: a lower-case letter, then up to 40
 * lower-case letters, digits or "-"; checked against secondary sources only, see docs/regions.md).
 */
export const GKE_CLUSTER_NAME_MAX = 40;

export interface GkeClusterArgs
  extends Pick<
    EnvironmentConfig,
    | 'profile'
    | 'gcpProject'
    | 'gcpRegion'
    | 'zones'
    | 'masterCidr'
    | 'nodeMachineType'
    | 'nodeMinCount'
    | 'nodeMaxCount'
    | 'nodeDiskSizeGb'
    | 'nodeSpot'
    | 'releaseChannel'
    | 'deletionProtection'
    | 'authorizedNetworks'
    | 'binaryAuthorization'
    | 'maintenanceStart'
  > {
  /** The VPC (id or self link) the cluster joins. */
  readonly network: pulumi.Input<string>;
  /** The subnet (id or self link) of the nodes, holding the pod and Service ranges. */
  readonly subnetwork: pulumi.Input<string>;
  /** Secondary range of the subnet for pods. */
  readonly podRangeName: string;
  /** Secondary range of the subnet for Services. */
  readonly serviceRangeName: string;
  /** Email of the nodes' service account (bootstrap's {@link NodeServiceAccount}), used by every pool, the default one included. */
  readonly nodeServiceAccount: pulumi.Input<string>;
  /** Cloud KMS key (`projects/.../cryptoKeys/...`, in the cluster's region) that encrypts Kubernetes Secrets. */
  readonly secretsEncryptionKey: pulumi.Input<string>;
  /** GKE's Config Connector add-on (infra/config-connector.ts): the primary cluster of a Config Sync stack whose services use Google resources. */
  readonly configConnector?: boolean;
}

/** Problems with a component name, which is also the GKE cluster name and the node service account's prefix. */
export function clusterNameProblems(name: string): Problem[] {
  const where = `GkeCluster "${name}"`;
  if (!CLUSTER_NAME.test(name)) {
    return [
      {
        where,
        field: 'name',
        value: name,
        problem: 'must be lower-case letters, digits and "-", starting with a letter and not ending with "-"',
        fix: 'use e.g. "gke" or "platform-dev"',
      },
    ];
  }
  if (name.length > MAX_NAME_LENGTH) {
    return [
      {
        where,
        field: 'name',
        value: name,
        problem: `is ${name.length} characters, at most ${MAX_NAME_LENGTH} fit the node service account id "${name}-nodes" (30)`,
        fix: `shorten it to ${MAX_NAME_LENGTH} characters or fewer`,
      },
    ];
  }
  return [];
}

/** The node service account's id (`<name>-nodes`). */
export function nodeServiceAccountId(name: string): string {
  assertNoProblems(clusterNameProblems(name));
  return `${name}-nodes`;
}

export { roleSlug };

/**
 * GKE cluster name of a platform stack in a region. The primary region's is `platform-<stack>`,
 * as every single-region stack's always was (and the prefix of the node service account the
 * bootstrap stack creates, so short); a further region's adds its region suffix
 * (`platform-prod-europe-west4`), so consoles, kubeconfigs and metrics say where it runs.
 */
export function clusterName(stack: string, region?: { readonly suffix: string }): string {
  return `platform-${stack}${region?.suffix ?? ''}`;
}

/** Problems with a GKE cluster's name (the component's): GKE's pattern and its 40 characters. */
export function gkeClusterNameProblems(name: string): Problem[] {
  const pattern = clusterNameProblems(name).filter((p) => p.problem.startsWith('must be'));
  if (pattern.length > 0 || name.length <= GKE_CLUSTER_NAME_MAX) return pattern;
  return [
    {
      where: `GkeCluster "${name}"`,
      field: 'name',
      value: name,
      problem: `is ${name.length} characters, GKE allows at most ${GKE_CLUSTER_NAME_MAX}`,
      fix: 'use a shorter stack name (a further region adds "-<region>" to "platform-<stack>")',
    },
  ];
}

/** Labels on the cluster and the nodes: which environment, and that Pulumi owns them. */
export function clusterLabels(profile: EnvironmentConfig['profile']): Record<string, string> {
  return { env: profile, 'managed-by': 'pulumi' };
}

export interface MaintenanceWindow {
  /** RFC 3339, UTC. Only its time of day matters for a recurring window. */
  readonly startTime: string;
  readonly endTime: string;
  /** RFC 5545 RRULE. */
  readonly recurrence: string;
}

/**
 * The recurring maintenance window: Saturdays and Sundays from `start` (UTC `HH:MM`) for
 * {@link MAINTENANCE_WINDOW_HOURS} hours. Dates are fixed, so the output is deterministic.
 */
export function maintenanceWindow(start: string): MaintenanceWindow {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(start);
  if (match === null) {
    assertNoProblems([
      { where: 'maintenanceWindow', field: 'maintenanceStart', value: start, problem: 'must be a UTC time HH:MM', fix: 'use e.g. "02:00"' },
    ]);
  }
  const [, hours, minutes] = match as RegExpExecArray;
  const { year, month, day } = MAINTENANCE_ANCHOR;
  const begin = Date.UTC(year, month, day, Number(hours), Number(minutes));
  const end = begin + MAINTENANCE_WINDOW_HOURS * 3_600_000;
  const rfc3339 = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  return { startTime: rfc3339(begin), endTime: rfc3339(end), recurrence: MAINTENANCE_RECURRENCE };
}

/** What the cluster reports about its control plane. */
export interface ControlPlaneEndpoints {
  /** The DNS endpoint (`gke-<id>.<region>.gke.goog`), reachable from anywhere with IAM. */
  readonly dnsEndpoint?: string;
  /** The IP endpoint, behind the authorized networks. */
  readonly ipEndpoint?: string;
  /** Base64 PEM of the cluster CA, which signs the IP endpoint's certificate only. */
  readonly clusterCaCertificate?: string;
}

export interface ControlPlaneAddress {
  /** Host name or IP, without scheme. */
  readonly endpoint: string;
  /** Base64 PEM to trust; absent when the endpoint has a publicly trusted certificate. */
  readonly caCertificate?: string;
}

/**
 * Where CI and the Kubernetes provider reach the API server: the DNS endpoint, which
 * checks IAM and is open to the internet while the IP endpoint stays behind the
 * authorized networks (closed when there are none). Its certificate is issued by a public
 * Google CA, not the cluster CA, so no CA data goes with it. The IP endpoint, with the
 * cluster CA, only when the cluster reports no DNS endpoint.
 */
export function controlPlaneAddress(endpoints: ControlPlaneEndpoints): ControlPlaneAddress {
  if (endpoints.dnsEndpoint) return { endpoint: endpoints.dnsEndpoint };
  if (endpoints.ipEndpoint)
    return { endpoint: endpoints.ipEndpoint, ...(endpoints.clusterCaCertificate ? { caCertificate: endpoints.clusterCaCertificate } : {}) };
  throw new Error(
    'controlPlaneAddress: the cluster reports neither a DNS nor an IP endpoint; enable controlPlaneEndpointsConfig.dnsEndpointConfig',
  );
}

/** Where Helm stores release records (see the provider below). */
export const HELM_STORAGE_DRIVER = 'configmap';

/** Printed by kubectl when the credential plugin is missing. */
export const AUTH_PLUGIN_INSTALL_HINT =
  'Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin), see https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin';

/**
 * A kubeconfig for one cluster whose credentials come from `gke-gcloud-auth-plugin` at use
 * time (the caller's Google identity, checked by IAM): no static token, password or client
 * certificate is ever written.
 */
export function kubeconfigFor(name: string, endpoint: string, caCertificate?: string): string {
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name, cluster: { server: `https://${endpoint}`, ...(caCertificate ? { 'certificate-authority-data': caCertificate } : {}) } },
      ],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
      preferences: {},
      users: [
        {
          name,
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1beta1',
              command: 'gke-gcloud-auth-plugin',
              installHint: AUTH_PLUGIN_INSTALL_HINT,
              provideClusterInfo: true,
            },
          },
        },
      ],
    },
    { lineWidth: 0 },
  );
}

/** The node service account's email in a project. */
export function nodeServiceAccountEmail(name: string, project: string): string {
  return serviceAccountEmail(nodeServiceAccountId(name), project);
}

export interface NodeServiceAccountArgs {
  readonly project: string;
}

/**
 * The nodes' dedicated least-privilege service account and its project roles (never the
 * Compute Engine default account, which has Editor). Named after the cluster it serves.
 */
export class NodeServiceAccount extends pulumi.ComponentResource {
  readonly account: gcp.serviceaccount.Account;
  readonly roleGrants: readonly gcp.projects.IAMMember[];

  constructor(clusterName: string, args: NodeServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoProblems(clusterNameProblems(clusterName));
    super('platform:gke:NodeServiceAccount', `${clusterName}-nodes`, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };
    this.account = new gcp.serviceaccount.Account(
      `${clusterName}-nodes`,
      {
        project: args.project,
        accountId: nodeServiceAccountId(clusterName),
        displayName: `GKE nodes of ${clusterName}`,
        description: 'Least-privilege identity of the GKE nodes (logging, monitoring, image pulls); never the Compute default account.',
      },
      child,
    );
    this.roleGrants = NODE_SERVICE_ACCOUNT_ROLES.map(
      (role) =>
        new gcp.projects.IAMMember(
          `${clusterName}-nodes-${roleSlug(role)}`,
          {
            project: args.project,
            role,
            member: this.account.member,
          },
          child,
        ),
    );
    this.registerOutputs({ email: this.account.email });
  }
}

export class GkeCluster extends pulumi.ComponentResource {
  /** The component name, which is also the GKE cluster name. */
  readonly name: string;
  readonly cluster: gcp.container.Cluster;
  readonly nodePool: gcp.container.NodePool;
  /** The API server's host (the DNS endpoint), without scheme. */
  readonly endpoint: pulumi.Output<string>;
  /** Kubeconfig using gke-gcloud-auth-plugin; secret so it never shows in logs or diffs. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Pass it explicitly to every resource in the cluster (it waits for the node pool). */
  readonly provider: k8s.Provider;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before registering anything: the name becomes the GKE cluster's. The nodes' account is
    // passed in (bootstrap's, named after the primary region's cluster), so only GKE's limit applies.
    assertNoProblems(gkeClusterNameProblems(name));
    super('platform:gke:Cluster', name, {}, opts);
    const child = { parent: this };
    const labels = clusterLabels(args.profile);
    this.name = name;

    // The identity every node runs as, the default pool's included (see nodeConfig below).
    const nodeIdentity = {
      serviceAccount: args.nodeServiceAccount,
      oauthScopes: [...NODE_OAUTH_SCOPES],
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    };

    this.cluster = new gcp.container.Cluster(
      `${name}-cluster`,
      {
        project: args.gcpProject,
        // A stable name, so the kubeconfig and consoles never change between runs.
        name,
        description: `Platform cluster (${args.profile})`,
        location: args.gcpRegion,
        network: args.network,
        subnetwork: args.subnetwork,
        // We only want separately managed pools: GKE insists on a default pool at creation,
        // so it gets one node and is deleted straight away.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        // `nodeConfig` is the default pool's: set, its one node runs as the dedicated
        // account too, never as the Compute Engine default account (Editor).
        nodeConfig: nodeIdentity,
        networkingMode: 'VPC_NATIVE',
        ipAllocationPolicy: { clusterSecondaryRangeName: args.podRangeName, servicesSecondaryRangeName: args.serviceRangeName },
        privateClusterConfig: {
          enablePrivateNodes: true,
          // The IP endpoint stays, but only the authorized networks reach it; CI uses the DNS endpoint.
          enablePrivateEndpoint: false,
          masterIpv4CidrBlock: args.masterCidr,
          masterGlobalAccessConfig: { enabled: true },
        },
        controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
        // Always on: with no CIDRs the IP endpoint is closed to the internet.
        masterAuthorizedNetworksConfig: {
          cidrBlocks: args.authorizedNetworks.map((cidrBlock) => ({ cidrBlock, displayName: `authorized ${cidrBlock}` })),
          gcpPublicCidrsAccessEnabled: false,
        },
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        enableLegacyAbac: false,
        enableKubernetesAlpha: false,
        enableShieldedNodes: true,
        workloadIdentityConfig: { workloadPool: `${args.gcpProject}.svc.id.goog` },
        releaseChannel: { channel: args.releaseChannel },
        // Dataplane V2 (eBPF) enforces NetworkPolicy itself: no Calico add-on.
        datapathProvider: 'ADVANCED_DATAPATH',
        binaryAuthorization: { evaluationMode: args.binaryAuthorization ? 'PROJECT_SINGLETON_POLICY_ENFORCE' : 'DISABLED' },
        // The load balancer reaches the Istio gateway through standalone NEGs, which this add-on's NEG controller creates.
        addonsConfig: {
          httpLoadBalancing: { disabled: false },
          ...(args.configConnector === true && { configConnectorConfig: { enabled: true } }),
        },
        // GKE's Secret Manager add-on: its CSI driver mounts the Secret Manager secrets services
        // declare in `uses.secrets` as files (SecretProviderClass, provider `gke`), read as the
        // pod's own Workload Identity. Rotation is off: a new version is read on the pod's restart.
        secretManagerConfig: { enabled: true },
        loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS'] },
        // Workload metrics come from Managed Prometheus; the monitoring `WORKLOADS` component was removed in GKE 1.24.
        monitoringConfig: { enableComponents: ['SYSTEM_COMPONENTS'], managedPrometheus: { enabled: true } },
        // Application-layer secrets encryption: Secrets in etcd are envelope-encrypted with
        // this KMS key (bootstrap grants GKE's service agent Encrypter/Decrypter on it).
        databaseEncryption: { state: 'ENCRYPTED', keyName: args.secretsEncryptionKey },
        securityPostureConfig: { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_BASIC' },
        maintenancePolicy: { recurringWindow: maintenanceWindow(args.maintenanceStart) },
        deletionProtection: args.deletionProtection,
        resourceLabels: labels,
      },
      {
        ...child,
        // Two clusters cannot share the name nor the control-plane range, so a replacement
        // must delete first (in prod deletion protection stops it outright).
        deleteBeforeReplace: true,
      },
    );

    this.nodePool = new gcp.container.NodePool(
      `${name}-pool`,
      {
        project: args.gcpProject,
        // No fixed name: a replacement pool is created before the old one is drained.
        cluster: this.cluster.name,
        location: this.cluster.location,
        nodeLocations: [...args.zones],
        initialNodeCount: args.nodeMinCount,
        autoscaling: {
          minNodeCount: args.nodeMinCount,
          maxNodeCount: args.nodeMaxCount,
          // Spot capacity comes and goes per zone: take it wherever it is.
          locationPolicy: args.nodeSpot ? 'ANY' : 'BALANCED',
        },
        management: { autoRepair: true, autoUpgrade: true },
        upgradeSettings: { strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 },
        nodeConfig: {
          machineType: args.nodeMachineType,
          imageType: 'COS_CONTAINERD',
          diskSizeGb: args.nodeDiskSizeGb,
          diskType: 'pd-balanced',
          spot: args.nodeSpot,
          ...nodeIdentity,
          metadata: { 'disable-legacy-endpoints': 'true' },
          labels,
          resourceLabels: labels,
        },
      },
      {
        ...child,
        // The autoscaler owns the size after creation; a new minimum must not replace the pool.
        ignoreChanges: ['initialNodeCount'],
      },
    );

    const address = pulumi
      .all([this.cluster.controlPlaneEndpointsConfig, this.cluster.endpoint, this.cluster.masterAuth])
      .apply(([endpoints, ipEndpoint, masterAuth]) =>
        controlPlaneAddress({
          // Typed as always present, but absent until GKE has allotted it.
          dnsEndpoint: endpoints?.dnsEndpointConfig?.endpoint,
          ipEndpoint,
          clusterCaCertificate: masterAuth?.clusterCaCertificate,
        }),
      );
    this.endpoint = address.endpoint;
    this.kubeconfig = pulumi.secret(address.apply((a) => kubeconfigFor(name, a.endpoint, a.caCertificate)));

    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        enableServerSideApply: true,
        // Helm keeps its release records in ConfigMaps, not Secrets: the read-only plan account
        // (container.viewer, no Secrets) can then refresh the Istio releases in the drift check,
        // and nothing in our charts' values is secret. Choose it before the first install: Helm
        // does not find records a different driver wrote.
        helmReleaseSettings: { driver: HELM_STORAGE_DRIVER },
      },
      {
        ...child,
        // Workloads and Helm releases need nodes to schedule on, not just an API server.
        dependsOn: [this.nodePool],
      },
    );

    this.registerOutputs({
      name,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
    });
  }
}
