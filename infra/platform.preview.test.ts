import * as fs from 'node:fs';
import * as path from 'node:path';
import { planStack } from '../cli/plan-command';
import { copyReleasesRoot } from '../test/fixtures/releases-root';
import { loadEnvironment, previewSettings } from '../core/config';
import type { Recording } from './offline/engine';
import type { PlatformOutputs } from './platform';

// GIVEN a pull request's preview stack WHEN the program runs under mocks
let recording: Recording;
let outputs: PlatformOutputs;
let text: string;
beforeAll(async () => {
  ({ recording, outputs, text } = await planStack('pr-7'));
});

describe('a pr-<N> preview stack', () => {
  it("reads dev's settings through a StackReference to dev, from its previewSettings output", () => {
    expect(recording.stackReferences).toEqual(['organization/platform/dev']);
    // Offline, dev's stack files stand in for that output (cli/plan-command.ts).
    expect(previewSettings(loadEnvironment('dev'))).toMatchObject({
      'platform:domain': 'dev.example.com',
      'gcp:project': 'replace-me-platform-dev',
    });
  });

  it('creates no cluster, network, load balancer, registry, CI identity or Istio', () => {
    const gcpTypes = recording.resources.filter((r) => r.type.startsWith('gcp:'));
    expect(gcpTypes).toEqual([]);
    expect(recording.ofType('kubernetes:helm.sh/v3:Release')).toEqual([]);
    expect(recording.resources.filter((r) => r.type.startsWith('platform:')).map((r) => r.type)).toEqual(['platform:apps:Apps']);
  });

  it("deploys every app of dev, each into its namespace pr-7-<app> on the dev cluster, through a provider built from the dev stack's kubeconfig", () => {
    expect(recording.one('pulumi:providers:kubernetes').inputs).toMatchObject({ kubeconfig: 'apiVersion: v1\nkind: Config\n' });
    for (const app of ['bookinfo', 'boutique']) {
      expect(recording.one('kubernetes:core/v1:Namespace', `pr-7-${app}`).inputs.metadata).toMatchObject({
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'app.kubernetes.io/part-of': app },
      });
    }
    const objects = recording.resources.filter((r) => r.type.startsWith('kubernetes:') && r.custom);
    // dev's 190 objects less the 3 ServiceEntries of cartservice's redis: a preview wires no `uses` (no Google identity).
    // Its services' SLO Rules (14) come along: the recordings, in the preview's namespaces; no alert policy reads them.
    expect(objects).toHaveLength(187);
    expect(objects.filter((o) => o.type === 'kubernetes:monitoring.googleapis.com/v1:Rules')).toHaveLength(14);
    for (const o of objects.filter((x) => x.type !== 'kubernetes:core/v1:Namespace')) {
      const { namespace, labels } = o.inputs.metadata as { namespace: string; labels: Record<string, string> };
      expect(namespace).toBe(`pr-7-${labels['app.kubernetes.io/part-of']}`);
    }
    expect(outputs.namespaces).toEqual({ bookinfo: 'pr-7-bookinfo', boutique: 'pr-7-boutique' });
  });

  it("routes pr-7.<app host> through the dev gateway, under the wildcard of the app's host on dev's certificate", () => {
    // No Gateway and no certificate of its own: the routes bind to dev's edge Gateway, which accepts any host.
    expect(recording.ofType('kubernetes:networking.istio.io/v1:Gateway')).toEqual([]);
    expect(recording.ofType('kubernetes:core/v1:Secret')).toEqual([]);
    expect(recording.one('kubernetes:networking.istio.io/v1:VirtualService', 'pr-7-bookinfo/bookinfo-public').inputs).toMatchObject({
      spec: { gateways: ['istio-ingress/edge'], hosts: ['pr-7.bookinfo.dev.example.com'] },
    });
    expect(outputs.urls).toContain('https://pr-7.bookinfo.dev.example.com/productpage');
    expect(outputs.urls).toContain('https://pr-7.boutique.dev.example.com/');
  });

  it('has nothing deletion-protected, so the stack can be destroyed', () => {
    expect(JSON.stringify(recording.resources.map((r) => r.inputs))).not.toMatch(/"deletionProtection":true|"protect":true/);
  });

  it('prints a plan of only the apps', () => {
    expect(text).toMatch(/^Plan for stack pr-7: 188 resources \(offline, under mocks\)\n/);
    expect(text).toContain('apps  (platform:apps:Apps "pr-7")');
    expect(text).not.toContain('platform:gke');
    // A preview pages nobody: no alert policy, channel or dashboard.
    expect(text).not.toContain('platform:alerting');
  });
});

// (No stack file at all is the repository's own case, planned above.)
describe('npm run plan -- --stack pr-7 in a repository whose pr-7 stack has', () => {
  let root: string;
  beforeEach(() => {
    root = copyReleasesRoot('plan-pr-');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const plan = () => planStack('pr-7', { root });

  it('only the lines `pulumi stack select --create` writes (the secrets provider)', async () => {
    fs.writeFileSync(
      path.join(root, 'Pulumi.pr-7.yaml'),
      'secretsprovider: gcpkms://projects/p/locations/global/keyRings/pulumi/cryptoKeys/stacks\nencryptedkey: CiQAbc==\n',
    );
    expect((await plan()).text).toBe(text);
  });

  it('platform:previewApps: only the apps the pull request changes (and the apps they call)', async () => {
    fs.writeFileSync(path.join(root, 'Pulumi.pr-7.yaml'), 'config:\n  platform:previewApps: [boutique]\n');
    const { recording: only, outputs: out } = await plan();
    expect(only.ofType('kubernetes:core/v1:Namespace').map((r) => r.name)).toEqual(['pr-7-boutique']);
    expect(out.namespaces).toEqual({ boutique: 'pr-7-boutique' });
    expect(out.urls).toEqual(['https://pr-7.boutique.dev.example.com/']);
  });
});
