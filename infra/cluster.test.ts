import * as fs from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { thrown } from '../test/fixtures/thrown';
import { formatProblem } from '../core/problems';
import {
  AUTH_PLUGIN_INSTALL_HINT,
  clusterName,
  clusterNameProblems,
  gkeClusterNameProblems,
  controlPlaneAddress,
  GkeCluster,
  kubeconfigFor,
  NodeServiceAccount,
  nodeServiceAccountEmail,
  MAINTENANCE_WINDOW_HOURS,
  maintenanceWindow,
  NODE_OAUTH_SCOPES,
  NODE_SERVICE_ACCOUNT_ROLES,
  nodeServiceAccountId,
  roleSlug,
  type GkeClusterArgs,
} from './cluster';
import { loadEnvironment } from '../core/config';
import { recordResources, registered, settle, type RecordedResource, type Recording } from './offline/engine';

const COMPONENT = 'platform:gke:Cluster';
const CLUSTER = 'gcp:container/cluster:Cluster';
const NODE_POOL = 'gcp:container/nodePool:NodePool';
const ACCOUNT = 'gcp:serviceaccount/account:Account';
const IAM_MEMBER = 'gcp:projects/iAMMember:IAMMember';
const K8S_PROVIDER = 'pulumi:providers:kubernetes';

const NETWORK = {
  network: 'projects/p/global/networks/platform-vpc',
  subnetwork: 'projects/p/regions/europe-west1/subnetworks/platform-subnet',
  podRangeName: 'pods',
  serviceRangeName: 'services',
};

/** What the bootstrap stack provides: the node account and the secrets key. */
function bootstrapOf(stack: string) {
  const { gcpProject } = loadEnvironment(stack);
  return {
    nodeServiceAccount: nodeServiceAccountEmail('gke', gcpProject),
    secretsEncryptionKey: `projects/${gcpProject}/locations/europe-west1/keyRings/platform/cryptoKeys/gke-secrets`,
  };
}

function argsFor(stack: string, overrides: Partial<GkeClusterArgs> = {}): GkeClusterArgs {
  return { ...loadEnvironment(stack), ...NETWORK, ...bootstrapOf(stack), ...overrides };
}

/** Records one stack: the component `gke` built from the stack file, plus any extra components. */
function buildStack(stack: string, extra: () => void = () => undefined) {
  const env = loadEnvironment(stack);
  const state = {} as { recording: Recording; component: GkeCluster; kubeconfig: string };
  beforeAll(async () => {
    state.recording = recordResources({ stack, gcpProject: env.gcpProject });
    state.component = new GkeCluster('gke', argsFor(stack));
    new NodeServiceAccount('gke', { project: env.gcpProject });
    extra();
    state.kubeconfig = await settle(state.component.kubeconfig);
    await registered();
  });
  return {
    get recording() {
      return state.recording;
    },
    get component() {
      return state.component;
    },
    get kubeconfig() {
      return state.kubeconfig;
    },
    cluster: (name = 'gke-cluster'): RecordedResource => state.recording.one(CLUSTER, name),
    pool: (name = 'gke-pool'): RecordedResource => state.recording.one(NODE_POOL, name),
  };
}

describe('maintenanceWindow', () => {
  it.each([
    ['02:00', '2025-01-04T02:00:00Z', '2025-01-04T08:00:00Z'],
    ['00:00', '2025-01-04T00:00:00Z', '2025-01-04T06:00:00Z'],
    ['13:45', '2025-01-04T13:45:00Z', '2025-01-04T19:45:00Z'],
    ['21:30', '2025-01-04T21:30:00Z', '2025-01-05T03:30:00Z'],
    ['23:59', '2025-01-04T23:59:00Z', '2025-01-05T05:59:00Z'],
  ])('GIVEN a start of %s THEN the window runs from %s to %s on Saturdays and Sundays', (start, startTime, endTime) => {
    expect(maintenanceWindow(start)).toEqual({ startTime, endTime, recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' });
  });

  it('anchors the window on a Saturday', () => {
    expect(new Date(maintenanceWindow('02:00').startTime).getUTCDay()).toBe(6);
  });

  it("allows GKE's minimum of 48 hours in every 32-day rolling window", () => {
    // Every 32-day span, by the weekday it starts on: the fewest weekend days it can hold.
    const weekendDays = [0, 1, 2, 3, 4, 5, 6].map(
      (first) => Array.from({ length: 32 }, (_, i) => (first + i) % 7).filter((d) => d === 0 || d === 6).length,
    );
    expect(Math.min(...weekendDays) * MAINTENANCE_WINDOW_HOURS).toBeGreaterThanOrEqual(48);
  });

  it.each(['2:00', '24:00', '02:60', '', '02:00Z'])('rejects the start %j, naming the field and the fix', (start) => {
    expect(thrown(() => maintenanceWindow(start)).message).toBe(
      `1 problem found:\n  - maintenanceWindow: maintenanceStart ${JSON.stringify(start)} must be a UTC time HH:MM. Fix: use e.g. "02:00"`,
    );
  });
});

describe('controlPlaneAddress', () => {
  it.each([
    [
      'the DNS endpoint, without the cluster CA, when there is one',
      { dnsEndpoint: 'gke-abc.europe-west1.gke.goog', ipEndpoint: '203.0.113.10', clusterCaCertificate: 'Q0E=' },
      { endpoint: 'gke-abc.europe-west1.gke.goog' },
    ],
    [
      'the IP endpoint with the cluster CA when there is no DNS endpoint',
      { ipEndpoint: '203.0.113.10', clusterCaCertificate: 'Q0E=' },
      { endpoint: '203.0.113.10', caCertificate: 'Q0E=' },
    ],
    ['the IP endpoint alone when there is no CA either', { dnsEndpoint: '', ipEndpoint: '203.0.113.10' }, { endpoint: '203.0.113.10' }],
  ])('chooses %s', (_, endpoints, expected) => {
    expect(controlPlaneAddress(endpoints)).toEqual(expected);
  });

  it('fails when the cluster reports no endpoint at all', () => {
    expect(() => controlPlaneAddress({ clusterCaCertificate: 'Q0E=' })).toThrow(
      'controlPlaneAddress: the cluster reports neither a DNS nor an IP endpoint; enable controlPlaneEndpointsConfig.dnsEndpointConfig',
    );
  });
});

describe('kubeconfigFor', () => {
  const EXEC = {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    command: 'gke-gcloud-auth-plugin',
    installHint: AUTH_PLUGIN_INSTALL_HINT,
    provideClusterInfo: true,
  };

  it.each([
    ['the DNS endpoint', 'gke', 'gke-abc.europe-west1.gke.goog', undefined, { server: 'https://gke-abc.europe-west1.gke.goog' }],
    [
      'the IP endpoint and its CA',
      'platform-prod',
      '203.0.113.10',
      'Q0E=',
      { server: 'https://203.0.113.10', 'certificate-authority-data': 'Q0E=' },
    ],
  ])('GIVEN %s THEN it names one cluster, context and user and trusts only what it is given', (_, name, endpoint, ca, cluster) => {
    expect(parse(kubeconfigFor(name, endpoint, ca))).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster }],
      contexts: [{ name, context: { cluster: name, user: name } }],
      'current-context': name,
      preferences: {},
      users: [{ name, user: { exec: EXEC } }],
    });
  });

  it.each([
    ['the DNS endpoint', 'gke-abc.europe-west1.gke.goog', undefined],
    ['the IP endpoint and its CA', '203.0.113.10', 'Q0E='],
  ])('GIVEN %s THEN it holds no token, password or client certificate', (_, endpoint, ca) => {
    const text = kubeconfigFor('gke', endpoint, ca);
    expect(text).not.toMatch(/token|password|username|client-certificate|client-key|auth-provider/);
  });

  it('writes the same text for the same inputs', () => {
    expect(kubeconfigFor('gke', '203.0.113.10', 'Q0E=')).toBe(kubeconfigFor('gke', '203.0.113.10', 'Q0E='));
  });
});

describe('names', () => {
  it.each([
    ['gke', 'gke-nodes'],
    ['platform-prod', 'platform-prod-nodes'],
    ['a23456789012345678901234', 'a23456789012345678901234-nodes'],
  ])('gives the cluster %s the node service account %s', (name, id) => {
    expect(nodeServiceAccountId(name)).toBe(id);
  });

  it.each([
    [
      'Gke',
      'must be lower-case letters, digits and "-", starting with a letter and not ending with "-". Fix: use e.g. "gke" or "platform-dev"',
    ],
    [
      'gke-',
      'must be lower-case letters, digits and "-", starting with a letter and not ending with "-". Fix: use e.g. "gke" or "platform-dev"',
    ],
    [
      '1gke',
      'must be lower-case letters, digits and "-", starting with a letter and not ending with "-". Fix: use e.g. "gke" or "platform-dev"',
    ],
    [
      'a234567890123456789012345',
      'is 25 characters, at most 24 fit the node service account id "a234567890123456789012345-nodes" (30). Fix: shorten it to 24 characters or fewer',
    ],
  ])('rejects the name %j, saying why and how to fix it', (name, message) => {
    expect(thrown(() => nodeServiceAccountId(name)).message).toBe(
      `1 problem found:\n  - GkeCluster "${name}": name ${JSON.stringify(name)} ${message}`,
    );
  });

  it('reports nothing for a valid name', () => {
    expect(clusterNameProblems('gke')).toEqual([]);
  });

  it.each([
    ['prod', undefined, 'platform-prod'],
    ['prod', { suffix: '-europe-west4' }, 'platform-prod-europe-west4'],
  ])('names the cluster of stack %s in region %j %s', (stack, region, name) => {
    expect(clusterName(stack, region)).toBe(name);
  });

  it("accepts a further region's cluster name up to GKE's 40 characters, longer than a node account's prefix", () => {
    expect(gkeClusterNameProblems('platform-prod-europe-west4')).toEqual([]);
    expect(gkeClusterNameProblems('platform-staging-northamerica-northeast2')).toEqual([]);
    expect(gkeClusterNameProblems('platform-staging2-northamerica-northeast2').map(formatProblem)).toEqual([
      'GkeCluster "platform-staging2-northamerica-northeast2": name "platform-staging2-northamerica-northeast2" is 41 characters, GKE allows at most 40. Fix: use a shorter stack name (a further region adds "-<region>" to "platform-<stack>")',
    ]);
  });

  it('refuses to build a component with an invalid name', () => {
    expect(() => new GkeCluster('Platform_Dev', argsFor('dev'))).toThrow(
      'GkeCluster "Platform_Dev": name "Platform_Dev" must be lower-case letters',
    );
  });

  it.each([
    ['roles/logging.logWriter', 'logging-logwriter'],
    ['roles/stackdriver.resourceMetadata.writer', 'stackdriver-resourcemetadata-writer'],
    ['roles/artifactregistry.reader', 'artifactregistry-reader'],
  ])('names the grant of %s after %s', (role, slug) => {
    expect(roleSlug(role)).toBe(slug);
  });
});

describe('GkeCluster on the dev stack', () => {
  // GIVEN the dev stack file WHEN the component is built (plus one with authorized networks)
  const dev = buildStack('dev', () => {
    new GkeCluster('ops', argsFor('dev', { authorizedNetworks: ['203.0.113.0/24', '198.51.100.0/24'] }));
  });

  describe('the component', () => {
    it('registers with the type token platform:gke:Cluster', () => {
      expect(dev.recording.one(COMPONENT, 'gke').custom).toBe(false);
    });

    it('parents every resource to the component and names it after its role', () => {
      const component = dev.recording.one(COMPONENT, 'gke');
      const children = dev.recording.resources.filter(
        (r) => r !== component && r.name.startsWith('gke-') && !r.name.startsWith('gke-nodes'),
      );
      expect(children.every((r) => r.parent === component.urn)).toBe(true);
      expect(
        children
          .filter((r) => r.parent === component.urn)
          .map((r) => r.name)
          .sort(),
      ).toEqual(['gke-cluster', 'gke-k8s', 'gke-pool']);
    });

    it('exposes its name and resources', () => {
      expect(dev.component.name).toBe('gke');
      expect([dev.component.cluster, dev.component.nodePool, dev.component.provider].every((r) => pulumi.Resource.isInstance(r))).toBe(
        true,
      );
    });
  });

  describe('the cluster', () => {
    it('is regional, named after the component, in the stack project', () => {
      expect(dev.cluster().inputs).toMatchObject({ name: 'gke', location: 'europe-west1', project: 'replace-me-platform-dev' });
    });

    it('removes the default node pool, which GKE creates with one node', () => {
      expect(dev.cluster().inputs).toMatchObject({ removeDefaultNodePool: true, initialNodeCount: 1 });
    });

    it('is VPC-native on the given network, subnet and secondary ranges', () => {
      expect(dev.cluster().inputs).toMatchObject({
        network: NETWORK.network,
        subnetwork: NETWORK.subnetwork,
        networkingMode: 'VPC_NATIVE',
        ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
      });
    });

    it('has private nodes, the configured control-plane range and global access to the private endpoint', () => {
      expect(dev.cluster().inputs.privateClusterConfig).toEqual({
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: '172.16.0.0/28',
        masterGlobalAccessConfig: { enabled: true },
      });
    });

    it('opens the DNS endpoint, guarded by IAM, to CI outside the VPC', () => {
      expect(dev.cluster().inputs.controlPlaneEndpointsConfig).toEqual({ dnsEndpointConfig: { allowExternalTraffic: true } });
    });

    it('keeps the IP endpoint closed to the internet when no network is authorized', () => {
      expect(dev.cluster().inputs.masterAuthorizedNetworksConfig).toEqual({ cidrBlocks: [], gcpPublicCidrsAccessEnabled: false });
    });

    it('lets only the configured networks reach the IP endpoint', () => {
      expect(dev.cluster('ops-cluster').inputs.masterAuthorizedNetworksConfig).toEqual({
        cidrBlocks: [
          { cidrBlock: '203.0.113.0/24', displayName: 'authorized 203.0.113.0/24' },
          { cidrBlock: '198.51.100.0/24', displayName: 'authorized 198.51.100.0/24' },
        ],
        gcpPublicCidrsAccessEnabled: false,
      });
    });

    it('issues no client certificate', () => {
      expect(dev.cluster().inputs.masterAuth).toEqual({ clientCertificateConfig: { issueClientCertificate: false } });
    });

    it('turns off legacy ABAC and alpha features', () => {
      expect(dev.cluster().inputs).toMatchObject({ enableLegacyAbac: false, enableKubernetesAlpha: false });
    });

    it("enables Workload Identity with the project's pool", () => {
      expect(dev.cluster().inputs.workloadIdentityConfig).toEqual({ workloadPool: 'replace-me-platform-dev.svc.id.goog' });
    });

    it('turns on shielded nodes', () => {
      expect(dev.cluster().inputs.enableShieldedNodes).toBe(true);
    });

    it('runs Dataplane V2', () => {
      expect(dev.cluster().inputs.datapathProvider).toBe('ADVANCED_DATAPATH');
    });

    it('keeps the HTTP load balancing add-on that creates the standalone NEGs', () => {
      expect(dev.cluster().inputs.addonsConfig).toEqual({ httpLoadBalancing: { disabled: false } });
    });

    it('enables the Secret Manager add-on, which mounts the secrets services declare', () => {
      expect(dev.cluster().inputs.secretManagerConfig).toEqual({ enabled: true });
    });

    it('logs system components and workloads', () => {
      expect(dev.cluster().inputs.loggingConfig).toEqual({ enableComponents: ['SYSTEM_COMPONENTS', 'WORKLOADS'] });
    });

    it('monitors system components and collects workload metrics with Managed Prometheus', () => {
      expect(dev.cluster().inputs.monitoringConfig).toEqual({
        enableComponents: ['SYSTEM_COMPONENTS'],
        managedPrometheus: { enabled: true },
      });
    });

    it('turns on security posture and vulnerability scanning', () => {
      expect(dev.cluster().inputs.securityPostureConfig).toEqual({ mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_BASIC' });
    });

    it('allows maintenance on weekends from the configured start, UTC', () => {
      expect(dev.cluster().inputs.maintenancePolicy).toEqual({
        recurringWindow: { startTime: '2025-01-04T02:00:00Z', endTime: '2025-01-04T08:00:00Z', recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU' },
      });
    });

    it('labels the cluster with its environment and owner', () => {
      expect(dev.cluster().inputs.resourceLabels).toEqual({ env: 'dev', 'managed-by': 'pulumi' });
    });
  });

  describe('secrets encryption', () => {
    it('encrypts Kubernetes Secrets with the Cloud KMS key from bootstrap', () => {
      expect(dev.cluster().inputs.databaseEncryption).toEqual({ state: 'ENCRYPTED', keyName: bootstrapOf('dev').secretsEncryptionKey });
    });
  });

  describe('the default node pool', () => {
    it('runs its one node as the dedicated node account with the hardened metadata and boot settings, not the Compute Engine default', () => {
      expect(dev.cluster().inputs.nodeConfig).toEqual({
        serviceAccount: 'gke-nodes@replace-me-platform-dev.iam.gserviceaccount.com',
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      });
    });

    it("is what the cluster's nodeConfig configures, per @pulumi/gcp's own documentation of the field", () => {
      const types = fs.readFileSync(require.resolve('@pulumi/gcp/container/cluster.d.ts'), 'utf8');
      const doc = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*nodeConfig\?: pulumi\.Input<inputs\.container\.ClusterNodeConfig/.exec(types);
      expect(doc?.[1]).toContain('Parameters used in creating the default node pool.');
    });
  });

  describe('the node service account (NodeServiceAccount, created by bootstrap)', () => {
    it('is a dedicated account, not the Compute Engine default', () => {
      const { serviceAccount } = dev.pool().inputs.nodeConfig as { serviceAccount: string };
      expect(dev.recording.one(ACCOUNT, 'gke-nodes').inputs).toMatchObject({ accountId: 'gke-nodes', project: 'replace-me-platform-dev' });
      expect(serviceAccount).toBe('gke-nodes@replace-me-platform-dev.iam.gserviceaccount.com');
      expect(serviceAccount).not.toMatch(/-compute@developer\.gserviceaccount\.com$|^default$/);
    });

    it('lists exactly the roles a node needs', () => {
      expect(NODE_SERVICE_ACCOUNT_ROLES).toEqual([
        'roles/logging.logWriter',
        'roles/monitoring.metricWriter',
        'roles/monitoring.viewer',
        'roles/stackdriver.resourceMetadata.writer',
        'roles/autoscaling.metricsWriter',
        'roles/artifactregistry.reader',
      ]);
    });

    it('is granted exactly those roles, on the project, and nothing else', () => {
      const member = 'serviceAccount:gke-nodes@replace-me-platform-dev.iam.gserviceaccount.com';
      const grants = dev.recording.ofType(IAM_MEMBER).filter((r) => r.inputs.member === member);
      expect(grants.map((r) => r.inputs.role).sort()).toEqual([...NODE_SERVICE_ACCOUNT_ROLES].sort());
      expect(grants.every((r) => r.inputs.project === 'replace-me-platform-dev')).toBe(true);
    });
  });

  describe('the node pool', () => {
    it('belongs to the cluster, in its region, over the configured zones', () => {
      expect(dev.pool().inputs).toMatchObject({
        cluster: 'gke',
        location: 'europe-west1',
        nodeLocations: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
      });
    });

    it('depends on the cluster', () => {
      expect(dev.recording.dependsOn(dev.pool(), dev.cluster())).toBe(true);
    });

    it('repairs and upgrades its nodes automatically', () => {
      expect(dev.pool().inputs.management).toEqual({ autoRepair: true, autoUpgrade: true });
    });

    it('upgrades by surge: one extra node, none taken away', () => {
      expect(dev.pool().inputs.upgradeSettings).toEqual({ strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 });
    });

    it('runs the configured machine type on balanced persistent disks with Container-Optimized OS', () => {
      expect(dev.pool().inputs.nodeConfig).toMatchObject({
        machineType: 'e2-standard-4',
        diskSizeGb: 50,
        diskType: 'pd-balanced',
        imageType: 'COS_CONTAINERD',
      });
    });

    it('runs as the node service account with the cloud-platform scope only', () => {
      expect(dev.pool().inputs.nodeConfig).toMatchObject({
        serviceAccount: 'gke-nodes@replace-me-platform-dev.iam.gserviceaccount.com',
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      });
      expect(NODE_OAUTH_SCOPES).toEqual(['https://www.googleapis.com/auth/cloud-platform']);
    });

    it('serves pods the GKE metadata server (Workload Identity)', () => {
      expect((dev.pool().inputs.nodeConfig as Record<string, unknown>).workloadMetadataConfig).toEqual({ mode: 'GKE_METADATA' });
    });

    it('boots shielded nodes with secure boot and integrity monitoring', () => {
      expect((dev.pool().inputs.nodeConfig as Record<string, unknown>).shieldedInstanceConfig).toEqual({
        enableSecureBoot: true,
        enableIntegrityMonitoring: true,
      });
    });

    it('disables the legacy metadata endpoints', () => {
      expect((dev.pool().inputs.nodeConfig as Record<string, unknown>).metadata).toEqual({ 'disable-legacy-endpoints': 'true' });
    });

    it('labels the nodes and their VMs with the environment and owner', () => {
      expect(dev.pool().inputs.nodeConfig).toMatchObject({
        labels: { env: 'dev', 'managed-by': 'pulumi' },
        resourceLabels: { env: 'dev', 'managed-by': 'pulumi' },
      });
    });
  });

  describe('the kubeconfig and provider', () => {
    it('marks the kubeconfig secret', async () => {
      expect(await pulumi.isSecret(dev.component.kubeconfig)).toBe(true);
    });

    it('authenticates through gke-gcloud-auth-plugin, without static credentials', () => {
      const config = parse(dev.kubeconfig) as { users: { user: Record<string, unknown> }[] };
      expect(config.users).toEqual([{ name: 'gke', user: { exec: expect.objectContaining({ command: 'gke-gcloud-auth-plugin' }) } }]);
    });

    it('falls back to the IP endpoint and cluster CA when the cluster reports no DNS endpoint, as the mocks do', async () => {
      expect(dev.kubeconfig).toBe(kubeconfigFor('gke', '203.0.113.10', Buffer.from('mock-ca').toString('base64')));
      expect(await settle(dev.component.endpoint)).toBe('203.0.113.10');
    });

    it('registers a Kubernetes provider, parented to the component, with server-side apply', () => {
      const provider = dev.recording.one(K8S_PROVIDER, 'gke-k8s');
      expect(provider.parent).toBe(dev.recording.one(COMPONENT, 'gke').urn);
      // Provider inputs reach the engine as strings.
      expect(provider.inputs).toEqual({
        kubeconfig: dev.kubeconfig,
        enableServerSideApply: 'true',
        helmReleaseSettings: JSON.stringify({ driver: 'configmap' }),
      });
    });

    it('makes the provider wait for the node pool, so workloads have nodes to run on', () => {
      expect(dev.recording.dependsOn(dev.recording.one(K8S_PROVIDER, 'gke-k8s'), dev.pool())).toBe(true);
    });
  });

  describe('against prod', () => {
    it('follows the REGULAR release channel (prod: STABLE)', () => {
      expect(dev.cluster().inputs.releaseChannel).toEqual({ channel: 'REGULAR' });
    });

    it('does not enforce Binary Authorization (prod: PROJECT_SINGLETON_POLICY_ENFORCE)', () => {
      expect(dev.cluster().inputs.binaryAuthorization).toEqual({ evaluationMode: 'DISABLED' });
    });

    it('leaves the cluster deletable (prod: protected)', () => {
      expect(dev.cluster().inputs.deletionProtection).toBe(false);
    });

    it('runs on Spot VMs (prod: standard)', () => {
      expect((dev.pool().inputs.nodeConfig as Record<string, unknown>).spot).toBe(true);
    });

    it('scales 1 to 2 nodes per zone, wherever Spot capacity is (prod: 2 to 5, balanced)', () => {
      expect(dev.pool().inputs).toMatchObject({
        initialNodeCount: 1,
        autoscaling: { minNodeCount: 1, maxNodeCount: 2, locationPolicy: 'ANY' },
      });
    });
  });
});

describe('GkeCluster on the prod stack, against dev', () => {
  // GIVEN the prod stack file WHEN the component is built
  const prod = buildStack('prod');

  it('follows the STABLE release channel (dev: REGULAR)', () => {
    expect(prod.cluster().inputs.releaseChannel).toEqual({ channel: 'STABLE' });
  });

  it('enforces the project Binary Authorization policy (dev: DISABLED)', () => {
    expect(prod.cluster().inputs.binaryAuthorization).toEqual({ evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' });
  });

  it('protects the cluster from deletion (dev: off)', () => {
    expect(prod.cluster().inputs.deletionProtection).toBe(true);
  });

  it('runs on standard VMs, not Spot (dev: Spot)', () => {
    expect((prod.pool().inputs.nodeConfig as Record<string, unknown>).spot).toBe(false);
  });

  it('scales 2 to 5 nodes per zone, balanced across zones (dev: 1 to 2, anywhere)', () => {
    expect(prod.pool().inputs).toMatchObject({
      initialNodeCount: 2,
      autoscaling: { minNodeCount: 2, maxNodeCount: 5, locationPolicy: 'BALANCED' },
    });
  });

  it('labels the cluster and nodes prod', () => {
    expect(prod.cluster().inputs.resourceLabels).toEqual({ env: 'prod', 'managed-by': 'pulumi' });
    expect((prod.pool().inputs.nodeConfig as Record<string, unknown>).labels).toEqual({ env: 'prod', 'managed-by': 'pulumi' });
  });

  it("uses the prod project's Workload Identity pool and node service account", () => {
    expect(prod.cluster().inputs.workloadIdentityConfig).toEqual({ workloadPool: 'replace-me-platform-prod.svc.id.goog' });
    expect((prod.pool().inputs.nodeConfig as Record<string, unknown>).serviceAccount).toBe(
      'gke-nodes@replace-me-platform-prod.iam.gserviceaccount.com',
    );
  });

  it('registers its own Kubernetes provider, parented to its component', () => {
    expect(prod.recording.one(K8S_PROVIDER).parent).toBe(prod.recording.one(COMPONENT).urn);
  });
});
