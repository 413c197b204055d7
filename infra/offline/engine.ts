/**
 * An in-process Pulumi engine stand-in: `pulumi.runtime.setMocks` plus a record of every
 * resource the program registers, with its parent and dependencies. Tests assert on the
 * record; `npm run plan` prints it. No CLI, no cloud.
 *
 * The stock mocks pass only type, name and inputs to `newResource`; the parent and the
 * dependencies are in the register request, so the monitor is wrapped to keep them.
 */
import * as pulumi from '@pulumi/pulumi';
import type { EnvironmentConfig } from '../../core/config-schema';
import { offlineBootstrapOutputs } from '../bootstrap-outputs';
// The SDK's mock monitor and settings are internal modules without exports maps.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- typed boundary: an internal SDK module
const { MockMonitor } = require('@pulumi/pulumi/runtime/mocks') as { MockMonitor: new (mocks: pulumi.runtime.Mocks) => MonitorLike };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- typed boundary: an internal SDK module
const settings = require('@pulumi/pulumi/runtime/settings') as {
  setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean, organization?: string): void;
  waitForRPCs(): Promise<void>;
};

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getCustom(): boolean;
  getProvider(): string;
}
interface MonitorLike {
  registerResource(req: RegisterRequest, callback: (...args: unknown[]) => void): Promise<void>;
}

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent (a component), if any. */
  readonly parent?: string;
  /** URNs this resource depends on (dependsOn and inputs from other resources). */
  readonly dependencies: readonly string[];
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  /** Reference (`<urn>::<id>`) of the explicit or inherited provider, if any. */
  readonly provider?: string;
}

export class Recording {
  readonly resources: RecordedResource[] = [];
  /** Data-source lookups (invokes): their token and arguments. */
  readonly calls: Array<{ token: string; inputs: Record<string, unknown> }> = [];
  /** Stacks read through a StackReference (reads, not registrations), by fully qualified name. */
  readonly stackReferences: string[] = [];

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  one(type: string, name?: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1)
      throw new Error(
        `expected one ${type}${name === undefined ? '' : ` named ${name}`}, found ${found.length}: ${found.map((r) => r.name).join(', ')}`,
      );
    return found[0];
  }

  /** Whether `a` depends on `b`, directly or through its parents and dependencies. */
  dependsOn(a: RecordedResource, b: RecordedResource): boolean {
    const byUrn = new Map(this.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const visit = (r: RecordedResource | undefined): boolean => {
      if (r === undefined || seen.has(r.urn)) return false;
      seen.add(r.urn);
      if (r.dependencies.includes(b.urn)) return true;
      return r.dependencies.some((d) => visit(byUrn.get(d))) || visit(r.parent === undefined ? undefined : byUrn.get(r.parent));
    };
    return visit(a);
  }
}

/** Outputs a real provider would compute, so dependent code sees realistic values. */
function computedState(type: string, name: string, inputs: Record<string, unknown>, project: string): Record<string, unknown> {
  const state: Record<string, unknown> = { name: inputs.name ?? name, ...inputs };
  switch (type) {
    case 'gcp:container/cluster:Cluster':
      return {
        ...state,
        endpoint: '203.0.113.10',
        masterAuth: { clusterCaCertificate: Buffer.from('mock-ca').toString('base64') },
        selfLink: `projects/${project}/locations/${String(inputs.location)}/clusters/${String(state.name)}`,
      };
    case 'gcp:certificatemanager/dnsAuthorization:DnsAuthorization':
      return {
        ...state,
        dnsResourceRecords: [
          { name: `_acme-challenge.${String(inputs.domain)}.`, type: 'CNAME', data: `${name}.authorize.certificatemanager.goog.` },
        ],
      };
    case 'gcp:compute/globalAddress:GlobalAddress':
      // An external address is Google's choice; an internal range keeps the one asked for.
      return { ...state, address: inputs.address ?? '198.51.100.7' };
    case 'gcp:serviceaccount/account:Account':
      return {
        ...state,
        email: `${String(inputs.accountId)}@${project}.iam.gserviceaccount.com`,
        member: `serviceAccount:${String(inputs.accountId)}@${project}.iam.gserviceaccount.com`,
      };
    case 'gcp:redis/instance:Instance':
      return {
        ...state,
        host: '10.32.0.4',
        port: 6378,
        authString: `mock-auth-${name}`,
        serverCaCerts: [{ cert: `-----BEGIN CERTIFICATE-----\nmock ${name} CA\n-----END CERTIFICATE-----\n` }],
      };
    case 'gcp:sql/databaseInstance:DatabaseInstance':
      return { ...state, connectionName: `${project}:${String(inputs.region)}:${String(state.name)}`, privateIpAddress: '10.32.1.3' };
    case 'tls:index/privateKey:PrivateKey':
      return { ...state, privateKeyPem: `-----BEGIN PRIVATE KEY-----\nmock ${name}\n-----END PRIVATE KEY-----\n` };
    case 'tls:index/selfSignedCert:SelfSignedCert':
      return { ...state, certPem: `-----BEGIN CERTIFICATE-----\nmock ${name}\n-----END CERTIFICATE-----\n` };
    case 'gcp:monitoring/notificationChannel:NotificationChannel':
      // Google names a channel with a number of its own choosing; a stable one stands in for it.
      return { ...state, name: `projects/${project}/notificationChannels/${stableNumber(name)}` };
    case 'gcp:iam/workloadIdentityPool:WorkloadIdentityPool':
      return { ...state, name: `projects/123456789/locations/global/workloadIdentityPools/${String(inputs.workloadIdentityPoolId)}` };
    case 'gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider':
      return {
        ...state,
        name: `projects/123456789/locations/global/workloadIdentityPools/${String(inputs.workloadIdentityPoolId)}/providers/${String(inputs.workloadIdentityPoolProviderId)}`,
      };
    default:
      return state;
  }
}

/** A number derived from a name (FNV-1a), the same on every run. */
function stableNumber(name: string): number {
  let hash = 0x811c9dc5;
  for (const c of name) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/** Ids a real provider would assign where other resources reference them by id (KMS keys). */
function computedId(type: string, name: string, inputs: Record<string, unknown>, project: string): string {
  switch (type) {
    case 'gcp:kms/keyRing:KeyRing':
      return `projects/${typeof inputs.project === 'string' ? inputs.project : project}/locations/${String(inputs.location)}/keyRings/${String(inputs.name)}`;
    case 'gcp:kms/cryptoKey:CryptoKey':
      return `${String(inputs.keyRing)}/cryptoKeys/${String(inputs.name)}`;
    default:
      return `${name}-id`;
  }
}

/**
 * Installs the mocks for a stack and returns the recording. Call it before creating
 * resources (importing our modules creates nothing, so imports may come first).
 */
export function recordResources(options: {
  project?: string;
  stack: string;
  gcpProject?: string;
  /** Outputs of the stacks the program references, by fully qualified name. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** @default `organization`, a self-managed backend's */
  organization?: string;
}): Recording {
  const recording = new Recording();
  const gcpProject = options.gcpProject ?? 'mock-project';
  const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
      const inputs = args.inputs as Record<string, unknown>;
      if (args.type === 'pulumi:pulumi:StackReference') {
        const stack = typeof inputs.name === 'string' ? inputs.name : args.name;
        recording.stackReferences.push(stack);
        return { id: stack, state: { ...inputs, outputs: options.stackOutputs?.[stack] ?? {} } };
      }
      return { id: computedId(args.type, args.name, inputs, gcpProject), state: computedState(args.type, args.name, inputs, gcpProject) };
    },
    call: (args) => {
      const inputs = args.inputs as Record<string, unknown>;
      recording.calls.push({ token: args.token, inputs });
      if (args.token === 'gcp:compute/getNetworkEndpointGroup:getNetworkEndpointGroup') {
        return {
          ...inputs,
          selfLink: `https://www.googleapis.com/compute/v1/projects/${gcpProject}/zones/${String(inputs.zone)}/networkEndpointGroups/${String(inputs.name)}`,
        };
      }
      if (args.token === 'gcp:organizations/getProject:getProject') return { ...inputs, number: '123456789', projectId: gcpProject };
      return inputs;
    },
  };
  const project = options.project ?? 'platform';
  const organization = options.organization ?? 'organization';
  // Async only in its signature: setMocks has no await, so the mocks are installed when it returns (runtime/mocks.js).
  void pulumi.runtime.setMocks(mocks, project, options.stack, false, organization);

  const monitor = new MockMonitor(mocks);
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = async (req, callback) => {
    const urnParent = req.getParent();
    const type = req.getType();
    const name = req.getName();
    const qualified = urnParent ? `${urnParent.split('::')[2].split('$').pop()}$${type}` : type;
    // Typed boundary: the request's object is the SDK's protobuf Struct.
    const inputs = (req as unknown as { getObject(): { toJavaScript(): Record<string, unknown> } }).getObject().toJavaScript();
    recording.resources.push({
      type,
      name,
      urn: `urn:pulumi:${options.stack}::${project}::${qualified}::${name}`,
      ...(urnParent ? { parent: urnParent } : {}),
      dependencies: req.getDependenciesList(),
      inputs,
      custom: req.getCustom(),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
    });
    return register(req, callback);
  };
  settings.setMockOptions(monitor, project, options.stack, false, organization);
  return recording;
}

/**
 * The mocks of a platform stack's program: its bootstrap stack (`bootstrapStackReference`)
 * answers with the offline placeholders of its outputs, plus any other stack's outputs given.
 */
export function recordPlatformStack(
  environment: Pick<EnvironmentConfig, 'stack' | 'gcpProject' | 'gcpRegion' | 'bootstrapStackReference'>,
  otherStacks: Record<string, Record<string, unknown>> = {},
): Recording {
  const { stack, gcpProject: project, gcpRegion: region } = environment;
  return recordResources({
    stack,
    gcpProject: project,
    stackOutputs: { ...otherStacks, [environment.bootstrapStackReference]: { ...offlineBootstrapOutputs({ stack, project, region }) } },
  });
}

/**
 * Resolves once every pending registration and lookup has finished, so the recording is
 * complete (an output resolving says nothing about its siblings).
 */
export function registered(): Promise<void> {
  return settings.waitForRPCs();
}

/** Waits for every output of a value to resolve (mocks resolve asynchronously). */
export function settle<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
