/**
 * The policy pack served the way `pulumi preview --policy-pack policies` serves it: the
 * analyzer process prints its gRPC port, the engine asks for its policies, then sends the
 * stack's resources. No Pulumi CLI here, so this test plays the engine's part with the
 * client and messages of @pulumi/pulumi's own protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct, type JavaScriptValue } from 'google-protobuf/google/protobuf/struct_pb';
import { AnalyzerClient } from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import { AnalyzeStackRequest, AnalyzerResource, AnalyzerResourceOptions, EnforcementLevel, type AnalyzeResponse, type AnalyzerInfo } from '@pulumi/pulumi/proto/analyzer_pb';
import { RULES } from './catalogue';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

let pack: ChildProcess;
let client: AnalyzerClient;
let stderr = '';

beforeAll(async () => {
  // The CLI starts the pack in its own directory (policies/package.json gives the version).
  pack = spawn(TSX, ['index.ts'], { cwd: __dirname, env: { ...process.env, PLATFORM_ENVIRONMENT: 'prod' } });
  pack.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
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
});

afterAll(() => {
  client?.close();
  pack?.kill();
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
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', securityContext: { privileged: true } }] } } },
    };
    const firewall = { direction: 'INGRESS', sourceRanges: ['0.0.0.0/0'], allows: [{ protocol: 'tcp', ports: ['22'] }] };
    const response = await analyzeStack([
      resource('kubernetes:apps/v1:Deployment', 'web', deployment),
      resource('gcp:compute/firewall:Firewall', 'ssh', firewall),
    ]);
    const diagnostics = response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));
    expect(diagnostics).toContainEqual(expect.objectContaining({ policy: 'ps02-privileged', level: EnforcementLevel.MANDATORY }));
    expect(diagnostics.find((d) => d.policy === 'ps02-privileged')?.message).toContain('Deployment/shop/web: container "web": securityContext.privileged is true. Fix: ');
    expect(diagnostics).toContainEqual(expect.objectContaining({ policy: 'gk11-firewall-not-open' }));
    // PLATFORM_ENVIRONMENT=prod: the profile rules of prod apply (digests), from Pulumi.prod.yaml.
    expect(diagnostics.map((d) => d.policy)).toContain('im01-image-digest');
    // prod's allowed registries do not include Docker Hub's library images.
    expect(diagnostics.find((d) => d.policy === 'im02-allowed-registries')?.message).toContain('nginx:1.27 (docker.io/library/nginx)');
  });

  it('finds nothing to report on a compliant stack', async () => {
    const response = await analyzeStack([resource('gcp:compute/firewall:Firewall', 'lb', { direction: 'INGRESS', sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'], allows: [{ protocol: 'tcp', ports: ['8443'] }] })]);
    expect(response.getDiagnosticsList().map((d) => d.getPolicyname())).toEqual([]);
  });
});
