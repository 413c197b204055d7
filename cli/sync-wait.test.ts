import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli } from '../test/cli';
import { thrown } from '../test/fixtures/thrown';
import type { ClusterSyncs, ExpectedSync } from './sync-state';
import { clusterAccess, expectedSyncs, syncWaitCli } from './sync-wait-command';

const FIXTURE_IMAGE = `europe-west1-docker.pkg.dev/p/images/apps/shop@sha256:${'b'.repeat(64)}`;
/** A RepoSync fixture (test/fixtures/reposync) moved to an app's namespace and image. */
function repoSync(name: string, { namespace, image }: ExpectedSync): unknown {
  const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'reposync', `${name}.json`), 'utf8');
  const hex = image.slice(image.indexOf('@sha256:') + '@sha256:'.length);
  return JSON.parse(
    text.replaceAll(FIXTURE_IMAGE, image).replaceAll('b'.repeat(64), hex).replaceAll('"namespace": "shop"', `"namespace": "${namespace}"`),
  ) as unknown;
}

describe("the stack's clusters, from its `clusters` output", () => {
  const entry = { region: 'europe-west1', name: 'platform-prod', endpoint: 'gke-1.europe-west1.gke.goog', kubeconfig: 'apiVersion: v1\n' };

  it('lists every cluster with its kubeconfig, the primary first', () => {
    expect(clusterAccess([entry, { ...entry, region: 'europe-west4', name: 'platform-prod-europe-west4' }], 'prod')).toEqual([
      { name: 'platform-prod', region: 'europe-west1', kubeconfig: 'apiVersion: v1\n' },
      { name: 'platform-prod-europe-west4', region: 'europe-west4', kubeconfig: 'apiVersion: v1\n' },
    ]);
  });

  it.each<[string, unknown, string]>([
    [
      'an output written before clusters had kubeconfigs',
      [{ ...entry, kubeconfig: undefined }],
      'clusters[0].kubeconfig must be a non-empty string',
    ],
    ['no list', { name: 'platform-prod' }, 'clusters {"name":"platform-prod"} must be a non-empty list of clusters'],
    ['an empty list', [], 'clusters [] must be a non-empty list of clusters'],
  ])('refuses %s, saying what to do', (_, output, problem) => {
    const error = thrown(() => clusterAccess(output, 'prod'));
    expect(error.message).toContain("prod's clusters cannot be reached");
    expect(error.message).toContain(`the \`clusters\` output of stack prod: ${problem}`);
    expect(error.message).toContain('run `pulumi up` on prod with this version of the program');
  });
});

describe('npm run sync-wait', () => {
  const clusters = ['platform-prod', 'platform-prod-europe-west4'];
  const expected = expectedSyncs('prod') ?? [];
  /** Both prod clusters, each returning the same fixture for every app. */
  const prodClusters =
    (...files: string[]) =>
    async (stack: string): Promise<ClusterSyncs[]> => {
      expect(stack).toBe('prod');
      return clusters.map((cluster, i) => ({ cluster, read: async () => ({ items: expected.map((e) => repoSync(files[i], e)) }) }));
    };

  it("expects each of prod's apps at its bundle digest in the primary region's registry", () => {
    expect(expected.map((e) => [e.app, e.namespace])).toEqual([
      ['bookinfo', 'bookinfo'],
      ['boutique', 'boutique'],
    ]);
    for (const e of expected)
      expect(e.image).toMatch(
        new RegExp(`^europe-west1-docker\\.pkg\\.dev/replace-me-platform-prod/images/apps/${e.app}@sha256:[0-9a-f]{64}$`),
      );
  });

  it('reports every cluster of prod synced', async () => {
    const result = await runCli((argv, io) => syncWaitCli(argv, io, prodClusters('synced', 'synced')), ['--stack', 'prod']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('cluster '))).toEqual([
      'cluster platform-prod: ok',
      'cluster platform-prod-europe-west4: ok',
    ]);
    for (const e of expected) expect(result.stdout.split(`${e.app} (${e.namespace}) synced at ${e.image}`)).toHaveLength(3);
  });

  it('with --once, fails at once when the second region has not synced (the drift check)', async () => {
    const result = await runCli((argv, io) => syncWaitCli(argv, io, prodClusters('synced', 'apply-error')), ['--stack', 'prod', '--once']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cluster platform-prod-europe-west4: FAILED\n');
    expect(result.stderr).toContain(`  bookinfo (bookinfo) failed to sync ${expected[0].image}:\n    sync: failed to apply`);
  });

  it('has nothing to wait for on a stack that applies its apps with Pulumi', async () => {
    const none = async (): Promise<ClusterSyncs[]> => {
      throw new Error('must not read the clusters of dev');
    };
    const result = await runCli((argv, io) => syncWaitCli(argv, io, none), ['--stack', 'dev', '--once']);
    expect(result).toEqual({ code: 0, stdout: 'dev delivers its apps with Pulumi: nothing to check\n', stderr: '' });
  });
});
