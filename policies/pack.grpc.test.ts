/**
 * The policy pack served the way `pulumi preview --policy-pack policies` serves it: the
 * CLI's nodejs language host starts @pulumi/pulumi's cmd/run-policy-pack in the pack
 * directory, which compiles the pack with ts-node, type checking on, using
 * policies/tsconfig.json; the analyzer prints its gRPC port, the engine asks for its
 * policies, then sends the stack's resources. No Pulumi CLI here, so this test starts the
 * runner with the CLI's arguments (test/language-host.ts) and plays the engine's part with
 * the client and messages of @pulumi/pulumi's own protocol.
 *
 * The runner is started with test/ts-node-transpile-only.cjs preloaded: it records the options
 * the runner registers ts-node with and compiles transpile-only. The type check the runner asks
 * for is `npm run check`'s, over the same files with the same options (both asserted below);
 * done again here it was about 7 s of the pack's 11 s of CPU.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct, type JavaScriptValue } from 'google-protobuf/google/protobuf/struct_pb';
import * as ts from 'typescript';
import { AnalyzerClient } from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import {
  AnalyzeStackRequest,
  AnalyzerResource,
  AnalyzerResourceOptions,
  EnforcementLevel,
  type AnalyzeResponse,
  type AnalyzerInfo,
} from '@pulumi/pulumi/proto/analyzer_pb';
import { policyPackLaunch } from '../test/language-host';
import { RULES } from './catalogue';

const ROOT = path.resolve(__dirname, '..');
// The runner ignores the engine address (cmd/run-policy-pack/index.js drops it); nothing listens here.
const ENGINE = '127.0.0.1:1';
const launch = policyPackLaunch(__dirname, ENGINE);

const TRANSPILE_ONLY = path.join(ROOT, 'test', 'ts-node-transpile-only.cjs');

/** What test/ts-node-transpile-only.cjs records: the runner's options to ts-node's register, and the files ts-node compiled. */
interface TsNodeRegistration {
  readonly options: {
    readonly typeCheck?: boolean;
    readonly transpileOnly?: boolean;
    readonly skipProject?: boolean;
    readonly compilerOptions?: Record<string, unknown>;
  };
  readonly compiled: readonly string[];
}

let pack: ChildProcess;
let client: AnalyzerClient;
let stderr = '';
let recordDir: string;
let registration: TsNodeRegistration;

beforeAll(async () => {
  recordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-grpc-'));
  const record = path.join(recordDir, 'ts-node-register.json');
  // TS_NODE_CACHE=false: no ts-node disk cache (it would return an earlier output).
  const env = { ...process.env, ...launch.env, TS_NODE_CACHE: 'false', TS_NODE_REGISTER_RECORD: record, PLATFORM_ENVIRONMENT: 'prod' };
  pack = spawn(process.execPath, ['--require', TRANSPILE_ONLY, ...launch.args], { cwd: launch.cwd, env });
  pack.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    pack.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m !== null) resolve(m[1]);
    });
    pack.on('exit', (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  registration = JSON.parse(fs.readFileSync(record, 'utf8')) as TsNodeRegistration;
});

afterAll(() => {
  client?.close();
  pack?.kill();
  fs.rmSync(recordDir, { recursive: true, force: true });
});

function info(): Promise<AnalyzerInfo> {
  return new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res))));
}

function resource(type: string, name: string, props: Record<string, unknown>): AnalyzerResource {
  return new AnalyzerResource()
    .setType(type)
    .setName(name)
    .setUrn(`urn:pulumi:prod::platform::${type}::${name}`)
    .setProperties(Struct.fromJavaScript(props as Record<string, JavaScriptValue>))
    .setOptions(new AnalyzerResourceOptions());
}

function analyzeStack(resources: AnalyzerResource[]): Promise<AnalyzeResponse> {
  const request = new AnalyzeStackRequest().setResourcesList(resources);
  return new Promise((resolve, reject) => client.analyzeStack(request, (err, res) => (err ? reject(err) : resolve(res))));
}

describe('the CrossGuard policy pack', () => {
  it('is started by the CLI with run-policy-pack in policies/, compiled as TypeScript', () => {
    expect(launch).toEqual({
      cwd: __dirname,
      args: [require.resolve('@pulumi/pulumi/cmd/run-policy-pack'), ENGINE, __dirname],
      env: { PULUMI_NODEJS_TYPESCRIPT: 'true' },
    });
  });

  it('compiles with the compiler options of the repo tsconfig.json', () => {
    // What the runner spreads over its defaults: this file's own compilerOptions (the SDK's reader).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's tsutils is an internal module, read as the runner reads it
    const tsutils = require('@pulumi/pulumi/tsutils') as { loadTypeScriptCompilerOptions(file: string): Record<string, unknown> };
    const own = tsutils.loadTypeScriptCompilerOptions(path.join(__dirname, 'tsconfig.json'));
    const root = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file)).config as {
      compilerOptions: Record<string, unknown>;
    };
    for (const key of ['target', 'module', 'moduleResolution']) expect([key, own[key]]).toEqual([key, root.compilerOptions[key]]);
    // What ts-node reads from the file, extends resolved: the repo's options.
    const parsed = (file: string): ts.CompilerOptions => {
      const { configFilePath: _ignored, ...options } =
        ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })?.options ?? {};
      return options;
    };
    expect(parsed(path.join(__dirname, 'tsconfig.json'))).toEqual(parsed(path.join(ROOT, 'tsconfig.json')));
  });

  it('is type-checked by ts-node in the runner with those options, every file of it one npm run check type-checks', () => {
    // The runner's registration: type checking on, the project file found (else ts-node's non-strict defaults).
    const { options, compiled } = registration;
    expect(options).toMatchObject({ typeCheck: true, skipProject: false });
    expect(options.transpileOnly).toBeUndefined();
    const root = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (file) => ts.sys.readFile(file)).config as {
      compilerOptions: Record<string, unknown>;
    };
    for (const key of ['target', 'module', 'moduleResolution']) {
      expect([key, options.compilerOptions?.[key]]).toEqual([key, root.compilerOptions[key]]);
    }
    // `npm run check` type-checks the root tsconfig.json's files with the options asserted equal above.
    expect(compiled).toEqual(expect.arrayContaining([path.join(__dirname, 'index.ts'), path.join(__dirname, 'catalogue.ts')]));
    const checked = new Set(ts.parseJsonConfigFileContent(root, ts.sys, ROOT).fileNames.map((f) => path.resolve(f)));
    expect(compiled.filter((f) => !checked.has(path.resolve(f)))).toEqual([]);
  });

  it('loads and declares one policy per rule, with its enforcement level', async () => {
    const policies = (await info()).getPoliciesList();
    expect(policies.map((p) => p.getName())).toEqual(RULES.map((r) => r.id.toLowerCase()));
    const privileged = policies.find((p) => p.getName() === 'ps02-privileged');
    expect(privileged?.getEnforcementlevel()).toBe(EnforcementLevel.MANDATORY);
    expect(policies.find((p) => p.getName() === 'rr06-topology-spread')?.getEnforcementlevel()).toBe(EnforcementLevel.ADVISORY);
  });

  it('reports Kubernetes rules on Kubernetes resources and GCP rules on GCP resources', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true } }] },
        },
      },
    };
    const firewall = { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0'], allows: [{ protocol: 'tcp', ports: ['22'] }] };
    const response = await analyzeStack([
      resource('kubernetes:apps/v1:Deployment', 'web', deployment),
      resource('gcp:compute/firewall:Firewall', 'ssh', firewall),
    ]);
    const diagnostics = response
      .getDiagnosticsList()
      .map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));
    expect(diagnostics).toContainEqual(expect.objectContaining({ policy: 'ps02-privileged', level: EnforcementLevel.MANDATORY }));
    expect(diagnostics.find((d) => d.policy === 'ps02-privileged')?.message).toContain(
      'Deployment/shop/web: container "web": securityContext.privileged is true. Fix: ',
    );
    expect(diagnostics).toContainEqual(expect.objectContaining({ policy: 'gk11-firewall-not-open' }));
    // PLATFORM_ENVIRONMENT=prod: the profile rules of prod apply (digests), from Pulumi.prod.yaml.
    expect(diagnostics.map((d) => d.policy)).toContain('im01-image-digest');
    // prod's allowed registries do not include Docker Hub's library images.
    expect(diagnostics.find((d) => d.policy === 'im02-allowed-registries')?.message).toContain('nginx:1.27 (docker.io/library/nginx)');
  });

  it("reports the managed service rules on the resources of a service's uses, nested settings included", async () => {
    const response = await analyzeStack([
      resource('gcp:sql/databaseInstance:DatabaseInstance', 'prod-postgres', {
        databaseVersion: 'POSTGRES_16',
        settings: { ipConfiguration: { ipv4Enabled: true, privateNetwork: 'vpc', sslMode: 'ENCRYPTED_ONLY' } },
      }),
      resource('gcp:projects/iAMMember:IAMMember', 'orders-publisher', {
        project: 'proj',
        role: 'roles/pubsub.publisher',
        member: 'serviceAccount:orders@proj.iam.gserviceaccount.com',
      }),
    ]);
    const diagnostics = response
      .getDiagnosticsList()
      .map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));
    expect(diagnostics.find((d) => d.policy === 'gk12-sql-no-public-ip')).toEqual({
      policy: 'gk12-sql-no-public-ip',
      level: EnforcementLevel.MANDATORY,
      message: expect.stringContaining('prod-postgres: settings.ipConfiguration.ipv4Enabled is true'),
    });
    // PLATFORM_ENVIRONMENT=prod: the prod-only rules apply.
    expect(diagnostics.map((d) => d.policy)).toEqual(
      expect.arrayContaining(['gk12-sql-prod-backups', 'gk12-sql-prod-high-availability', 'gk08-resource-level-roles']),
    );
    expect(diagnostics.map((d) => d.policy)).not.toContain('gk12-sql-encrypted-connections');
  });

  it('finds nothing to report on a compliant stack', async () => {
    const response = await analyzeStack([
      resource('gcp:compute/firewall:Firewall', 'lb', {
        direction: 'INGRESS',
        sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
        allows: [{ protocol: 'tcp', ports: ['8443'] }],
      }),
    ]);
    expect(response.getDiagnosticsList().map((d) => d.getPolicyname())).toEqual([]);
  });
});
