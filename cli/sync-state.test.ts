import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { repoRoot } from '../core/config';
import { readClustersOnce, repoSyncState, syncStates, waitForClusters, waitForSyncs, type ExpectedSync } from './sync-state';

const FIXTURES = path.join(repoRoot(), 'test', 'fixtures', 'reposync');
const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
const IMAGE = `europe-west1-docker.pkg.dev/p/images/apps/shop@sha256:${'b'.repeat(64)}`;
const CONFIG_SYNC = path.join(repoRoot(), 'vendor', 'kpt-config-sync', 'v1.22.0');

describe("a RepoSync's state against the digest pulumi up set", () => {
  it('the fixtures are RepoSyncs as the v1.22.0 CRD declares them (spec and status)', () => {
    const crd = parse(fs.readFileSync(path.join(CONFIG_SYNC, 'manifests', 'reposync-crd.yaml'), 'utf8')) as {
      spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: object } }> };
    };
    const schema = crd.spec.versions.find((v) => v.name === 'v1beta1')?.schema.openAPIV3Schema ?? {};
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const name of fs.readdirSync(FIXTURES).map((f) => f.replace(/\.json$/, '')))
      expect([name, validate(fixture(name)) ? [] : validate.errors]).toEqual([name, []]);
  });

  it('reads the OCI commit as the digest hex, and the condition types, as Config Sync v1.22.0 writes them', () => {
    const facts = JSON.parse(fs.readFileSync(path.join(CONFIG_SYNC, 'facts.json'), 'utf8')) as Record<string, unknown>;
    expect(facts.ociCommitIsDigestHex).toBe(true);
    expect(facts.repoSyncConditionTypes).toEqual(expect.arrayContaining(['Stalled', 'Syncing']));
  });

  it.each<[string, ReturnType<typeof repoSyncState>]>([
    ['synced', { state: 'synced' }],
    ['still-at-old-digest', { state: 'pending', why: `it has synced ${'a'.repeat(64)}, not ${'b'.repeat(64)}` }],
    ['generation-not-observed', { state: 'pending', why: 'the reconciler has not seen generation 2 yet' }],
    [
      'pull-error',
      {
        state: 'failed',
        errors: [
          'source: failed to pull image: GET https://europe-west1-docker.pkg.dev/v2/p/images/apps/shop/manifests/sha256:bbbb: DENIED: Permission "artifactregistry.repositories.downloadArtifacts" denied (KNV2004)',
        ],
      },
    ],
    [
      'apply-error',
      {
        state: 'failed',
        errors: ['sync: failed to apply Deployment.apps, shop/frontend: deployments.apps "frontend" is forbidden (KNV1068)'],
      },
    ],
    ['stalled', { state: 'failed', errors: ['Stalled: KNV1061: RepoSync shop/repo-sync: reconciler deployment failed'] }],
  ])('%s -> %p', (name, state) => {
    expect(repoSyncState(fixture(name), IMAGE)).toEqual(state);
  });

  it('is pending while the spec still names another image', () => {
    expect(repoSyncState(fixture('synced'), IMAGE.replace(/b{64}$/, 'c'.repeat(64)))).toEqual({
      state: 'pending',
      why: `its spec is not at ${IMAGE.replace(/b{64}$/, 'c'.repeat(64))} yet`,
    });
  });

  it('is pending for an app whose RepoSync does not exist yet', () => {
    const expected: ExpectedSync[] = [
      { app: 'shop', namespace: 'shop', image: IMAGE },
      { app: 'blog', namespace: 'blog', image: IMAGE },
    ];
    expect(syncStates({ items: [fixture('synced')] }, expected).map((s) => s.result)).toEqual([
      { state: 'synced' },
      { state: 'pending', why: 'no RepoSync repo-sync in namespace blog yet' },
    ]);
  });
});

describe('waiting for the syncs', () => {
  const expected: ExpectedSync[] = [{ app: 'shop', namespace: 'shop', image: IMAGE }];
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };

  it('polls until synced', async () => {
    const reads = [fixture('still-at-old-digest'), fixture('synced')];
    const { now, sleep } = clock();
    const result = await waitForSyncs(expected, {
      read: async () => ({ items: [reads.shift()] }),
      now,
      sleep,
      timeoutMs: 60_000,
      intervalMs: 10_000,
      log: () => {},
    });
    expect(result).toEqual({ ok: true, report: [`shop (shop) synced at ${IMAGE}`] });
  });

  it("fails at once with the sync's errors", async () => {
    const { now, sleep } = clock();
    const result = await waitForSyncs(expected, {
      read: async () => ({ items: [fixture('apply-error')] }),
      now,
      sleep,
      timeoutMs: 60_000,
      intervalMs: 10_000,
      log: () => {},
    });
    expect(result.ok).toBe(false);
    expect(result.report).toEqual([
      `shop (shop) failed to sync ${IMAGE}:`,
      '  sync: failed to apply Deployment.apps, shop/frontend: deployments.apps "frontend" is forbidden (KNV1068)',
    ]);
  });

  it('times out saying what each app still waits for', async () => {
    const { now, sleep } = clock();
    const result = await waitForSyncs(expected, {
      read: async () => ({ items: [fixture('still-at-old-digest')] }),
      now,
      sleep,
      timeoutMs: 30_000,
      intervalMs: 10_000,
      log: () => {},
    });
    expect(result).toEqual({
      ok: false,
      report: ['timed out after 30 s:', `  shop (shop): it has synced ${'a'.repeat(64)}, not ${'b'.repeat(64)}`],
    });
  });
});

describe('every cluster of the stack', () => {
  const expected: ExpectedSync[] = [{ app: 'shop', namespace: 'shop', image: IMAGE }];
  const clock = () => {
    let t = 0;
    return { now: () => t, sleep: async (ms: number) => void (t += ms) };
  };
  /** A cluster whose reads return the given fixtures in turn, the last one from then on. */
  const cluster = (name: string, ...reads: string[]) => ({
    cluster: name,
    read: async () => ({ items: [fixture(reads.length > 1 ? (reads.shift() ?? '') : reads[0])] }),
  });
  const options = () => ({ ...clock(), timeoutMs: 60_000, intervalMs: 10_000, log: () => {} });

  it('waits on all clusters at once and reports each', async () => {
    const result = await waitForClusters(
      expected,
      [cluster('platform-prod', 'synced'), cluster('platform-prod-europe-west4', 'still-at-old-digest', 'still-at-old-digest', 'synced')],
      options(),
    );
    expect(result).toEqual({
      ok: true,
      report: [
        'cluster platform-prod: ok',
        `  shop (shop) synced at ${IMAGE}`,
        'cluster platform-prod-europe-west4: ok',
        `  shop (shop) synced at ${IMAGE}`,
      ],
    });
  });

  it("fails when one cluster fails, naming the cluster, the app and the sync's errors; the others stop waiting", async () => {
    const result = await waitForClusters(
      expected,
      [cluster('platform-prod', 'still-at-old-digest'), cluster('platform-prod-europe-west4', 'still-at-old-digest', 'apply-error')],
      options(),
    );
    expect(result).toEqual({
      ok: false,
      report: [
        'cluster platform-prod: FAILED',
        '  stopped waiting (another cluster failed):',
        `    shop (shop): it has synced ${'a'.repeat(64)}, not ${'b'.repeat(64)}`,
        'cluster platform-prod-europe-west4: FAILED',
        `  shop (shop) failed to sync ${IMAGE}:`,
        '    sync: failed to apply Deployment.apps, shop/frontend: deployments.apps "frontend" is forbidden (KNV1068)',
      ],
    });
  });

  it('fails a cluster whose RepoSyncs cannot be read', async () => {
    const unreachable = {
      cluster: 'platform-prod-europe-west4',
      read: async () => Promise.reject(new Error('Command failed: kubectl get reposyncs.configsync.gke.io\nUnauthorized')),
    };
    const result = await waitForClusters(expected, [cluster('platform-prod', 'synced'), unreachable], options());
    expect(result).toEqual({
      ok: false,
      report: [
        'cluster platform-prod: ok',
        `  shop (shop) synced at ${IMAGE}`,
        'cluster platform-prod-europe-west4: FAILED',
        '  could not read its RepoSyncs: Command failed: kubectl get reposyncs.configsync.gke.io\nUnauthorized',
      ],
    });
  });

  it('has one timeout for all clusters', async () => {
    const result = await waitForClusters(
      expected,
      [cluster('platform-prod', 'still-at-old-digest'), cluster('platform-prod-europe-west4', 'generation-not-observed')],
      { ...options(), timeoutMs: 30_000 },
    );
    expect(result.report).toEqual([
      'cluster platform-prod: FAILED',
      '  timed out after 30 s:',
      `    shop (shop): it has synced ${'a'.repeat(64)}, not ${'b'.repeat(64)}`,
      'cluster platform-prod-europe-west4: FAILED',
      '  timed out after 30 s:',
      '    shop (shop): the reconciler has not seen generation 2 yet',
    ]);
  });

  it('reads once for the drift check: anything not synced at its digest is drift, nothing waits', async () => {
    const reads: string[] = [];
    const once = (name: string, file: string) => ({ cluster: name, read: async () => (reads.push(name), { items: [fixture(file)] }) });
    expect(await readClustersOnce(expected, [once('platform-prod', 'synced'), once('platform-prod-europe-west4', 'synced')])).toEqual({
      ok: true,
      report: [
        'cluster platform-prod: ok',
        `  shop (shop) synced at ${IMAGE}`,
        'cluster platform-prod-europe-west4: ok',
        `  shop (shop) synced at ${IMAGE}`,
      ],
    });
    const drift = await readClustersOnce(
      [...expected, { app: 'blog', namespace: 'blog', image: IMAGE }],
      [once('platform-prod', 'pull-error'), once('platform-prod-europe-west4', 'still-at-old-digest')],
    );
    expect(drift).toEqual({
      ok: false,
      report: [
        'cluster platform-prod: FAILED',
        `  shop (shop) failed to sync ${IMAGE}:`,
        '    source: failed to pull image: GET https://europe-west1-docker.pkg.dev/v2/p/images/apps/shop/manifests/sha256:bbbb: DENIED: Permission "artifactregistry.repositories.downloadArtifacts" denied (KNV2004)',
        '  blog (blog): no RepoSync repo-sync in namespace blog yet',
        'cluster platform-prod-europe-west4: FAILED',
        `  shop (shop): it has synced ${'a'.repeat(64)}, not ${'b'.repeat(64)}`,
        '  blog (blog): no RepoSync repo-sync in namespace blog yet',
      ],
    });
    expect(reads).toEqual(['platform-prod', 'platform-prod-europe-west4', 'platform-prod', 'platform-prod-europe-west4']);
  });
});
