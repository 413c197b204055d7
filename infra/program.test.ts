import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { bootstrapStackReference, offlineBootstrapOutputs } from './bootstrap-outputs';
import { parseEnvironment, previewSettings, readStackFiles } from '../core/config';
import { program, pulumiConfigSource, setProgramConfig, type ProgramOutputs } from './program';
import { recordResources, registered, settle, type Recording } from './offline/engine';

const ROOT = path.resolve(__dirname, '..');
const WITH_GCP = path.join(ROOT, 'test', 'fixtures', 'catalogues', 'bookinfo-gcp');

/**
 * What the Pulumi CLI's Node.js language host puts in PULUMI_CONFIG for a stack (pulumi/pulumi
 * v3.248.0 sdk/nodejs/cmd/pulumi-language-nodejs/main.go constructConfig): `<namespace>:config:<name>`
 * keys, every value as text, lists as JSON. The SDK reads it with setAllConfig's key cleaning.
 */
function cliConfig(values: Record<string, string>, secretKeys: string[] = []): void {
  const json = JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k.replace(':', ':config:'), v])));
  pulumi.runtime.setAllConfig(JSON.parse(json) as Record<string, string>, secretKeys);
}

/** A stack with no file anywhere: every setting comes from `pulumi config`. */
const QA: Record<string, string> = {
  'gcp:project': 'shop-qa-1234',
  'gcp:region': 'europe-west4',
  'platform:profile': 'dev',
  'platform:namespace': 'shop',
  'platform:domain': 'qa.shop.example.com',
  'platform:tlsCredential': 'shop-qa-tls',
  'platform:istioVersion': '1.30.3',
  'platform:releases': 'dev',
  'platform:zones': '["europe-west4-a","europe-west4-b"]',
  'platform:nodeMaxCount': '4',
  'platform:jwtIssuer': 'https://accounts.google.com',
  'platform:jwksUri': 'https://www.googleapis.com/oauth2/v3/certs',
  // A map arrives as JSON, like a list: the teams BookInfo's services name as owner.
  'platform:teams': JSON.stringify({
    'team-catalog': { email: 'catalog@example.com' },
    'team-reviews': { email: 'reviews@example.com' },
    'team-storefront': { channels: ['projects/shop-qa-1234/notificationChannels/42'] },
  }),
};

async function run(
  stack: string,
  stackOutputs: Record<string, Record<string, unknown>> = {},
  catalogue?: string,
): Promise<{ recording: Recording; outputs: ProgramOutputs }> {
  const recording = recordResources({ stack, stackOutputs });
  const outputs = await program({ root: ROOT, ...(catalogue !== undefined && { catalogue }) });
  await registered();
  return { recording, outputs };
}

describe('the program reads its configuration from the Pulumi runtime', () => {
  it("sees every key the CLI passes, through pulumi.Config, with the language host's key form cleaned", () => {
    cliConfig({ 'platform:domain': 'qa.shop.example.com', 'gcp:region': 'europe-west4', 'platform:zones': '["europe-west4-a"]' });
    expect(pulumiConfigSource('qa')).toEqual({
      kind: 'pulumi',
      where: 'pulumi config (stack qa)',
      values: { 'gcp:region': 'europe-west4', 'platform:domain': 'qa.shop.example.com', 'platform:zones': '["europe-west4-a"]' },
    });
  });

  it('gets from setProgramConfig (npm run plan) exactly what the CLI would pass for the stack files', () => {
    setProgramConfig(readStackFiles('dev').values);
    expect(pulumiConfigSource('dev').values).toEqual(readStackFiles('dev').values);
  });

  describe('a platform stack configured only with `pulumi config` (no stack file)', () => {
    let recording: Recording;
    let outputs: ProgramOutputs;
    beforeAll(async () => {
      cliConfig(QA, ['platform:tlsCredential']);
      // A platform stack reads its accounts and keys from its bootstrap stack.
      const bootstrap = offlineBootstrapOutputs({ stack: 'qa', project: 'shop-qa-1234', region: 'europe-west4' });
      ({ recording, outputs } = await run('qa', { [bootstrapStackReference('qa')]: { ...bootstrap } }));
    });

    it('builds the platform from those settings', () => {
      expect(recording.one('gcp:container/cluster:Cluster').inputs).toMatchObject({ location: 'europe-west4', project: 'shop-qa-1234' });
      expect(recording.one('gcp:container/nodePool:NodePool').inputs).toMatchObject({
        nodeLocations: ['europe-west4-a', 'europe-west4-b'],
        autoscaling: { maxNodeCount: 4 },
      });
      expect(recording.one('kubernetes:networking.istio.io/v1:VirtualService', 'shop/bookinfo-public').inputs).toMatchObject({
        spec: { hosts: ['qa.shop.example.com'], gateways: ['istio-ingress/edge'] },
      });
      expect(outputs.urls).toContain('https://qa.shop.example.com/productpage');
    });

    it('exports its resolved settings for preview stacks, secret because one setting is', async () => {
      const output = outputs.previewSettings as pulumi.Output<Record<string, string>>;
      expect(await pulumi.isSecret(output)).toBe(true);
      expect(await settle(output)).toEqual(
        previewSettings(parseEnvironment('qa', { kind: 'pulumi', values: QA, where: 'pulumi config (stack qa)' })),
      );
    });
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'a misspelt key, with the key it meant',
      { ...QA, 'platform:nodeMaxCuont': '3' },
      'pulumi config (stack qa): config.platform:nodeMaxCuont "3" is not a setting of this project. Fix: did you mean platform:nodeMaxCount? (every setting is listed in docs/environments.md)',
    ],
    [
      'a missing key, with the command that sets it',
      Object.fromEntries(Object.entries(QA).filter(([k]) => k !== 'platform:domain')),
      'pulumi config (stack qa): config.platform:domain is required. Fix: run `pulumi config set platform:domain <value>` (or add it under config: in Pulumi.<stack>.yaml)',
    ],
    [
      'a list that is not JSON',
      { ...QA, 'platform:zones': 'europe-west4-a' },
      'pulumi config (stack qa): config.platform:zones "europe-west4-a" must be a YAML list of zones (at least one). Fix: write it as a list, e.g. [europe-west1-b, europe-west1-c]',
    ],
  ])('ends with a RunError (message, no stack trace) on %s', async (_title, config, line) => {
    recordResources({ stack: 'qa' });
    cliConfig(config);
    const error = await program({ root: ROOT }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(`pulumi config (stack qa): invalid environment settings:\n  - ${line}`);
  });
});

describe("a preview stack reads dev's settings from dev's previewSettings output", () => {
  const DEV = 'organization/platform/dev';
  /** Dev's settings as its program exported them: not the repository's dev file. */
  const devSettings = previewSettings(
    parseEnvironment('dev', { kind: 'pulumi', values: { ...QA, 'platform:domain': 'dev.shop.example.com' }, where: 'dev' }),
  );
  let recording: Recording;
  let outputs: ProgramOutputs;
  beforeAll(async () => {
    // What the CLI passes a stack whose file holds only the secrets provider: the project config.
    cliConfig({ 'platform:istioVersion': '1.30.3' });
    ({ recording, outputs } = await run(
      'pr-3',
      { [DEV]: { kubeconfig: 'apiVersion: v1\nkind: Config\n', previewSettings: devSettings } },
      WITH_GCP,
    ));
  });

  it("deploys dev's one app into namespace pr-3-bookinfo at pr-3.<its host>", () => {
    expect(recording.stackReferences).toEqual([DEV]);
    expect(recording.one('kubernetes:networking.istio.io/v1:VirtualService', 'pr-3-bookinfo/bookinfo-public').inputs).toMatchObject({
      spec: { hosts: ['pr-3.dev.shop.example.com'], gateways: ['istio-ingress/edge'] },
    });
    // dev owns the edge Gateway; a preview never creates one.
    expect(recording.ofType('kubernetes:networking.istio.io/v1:Gateway')).toEqual([]);
    expect(outputs.urls).toContain('https://pr-3.dev.shop.example.com/productpage');
    expect(outputs.previewSettings).toBeUndefined();
  });

  it("creates no Google resource, not even for apps with gcp: their accounts are the bootstrap stack's", () => {
    expect(recording.resources.filter((r) => r.type.startsWith('gcp:') || r.type === 'pulumi:providers:gcp')).toEqual([]);
  });

  it('ends with a RunError when dev does not export its settings yet', async () => {
    recordResources({ stack: 'pr-3', stackOutputs: { [DEV]: { kubeconfig: 'x' } } });
    cliConfig({});
    const error = await program({ root: ROOT }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      `stack ${DEV} output previewSettings: previewSettings is missing. Fix: deploy dev with this version`,
    );
  });
});
