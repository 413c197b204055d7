import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import bookinfo from '../services/bookinfo';
import { defineCatalogue, defineService } from '../services/define';
import { formatProblem, ValidationError } from '../core/problems';
import type { Catalogue } from '../services/spec';
import { loadReleases } from '../services/releases';
import { pinChanges, promote, promoteCli, promotionRouteProblems, type PromoteOptions } from './promote-command';
import { pinsOf } from './release-command';
import { RegistryError, type DigestResolver } from './registry-digest';
import { releasesFile } from '../services/releases';
import { ROOT, runCli, spawnTsx } from '../test/cli';
import { copyReleasesRoot } from '../test/fixtures/releases-root';

const HUB = 'docker.io/istio/examples-bookinfo';
const BOUTIQUE_PINS = 'services/boutique/releases';
const SERVICES = [
  ['productpage', 'v1'],
  ['details', 'v1'],
  ['reviews', 'v1'],
  ['reviews', 'v2'],
  ['reviews', 'v3'],
  ['ratings', 'v1'],
] as const;

let root: string;
beforeEach(() => {
  root = copyReleasesRoot('promote-');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const releases = releasesFile;

const read = (env: string): string => fs.readFileSync(releases(root, env), 'utf8');
const write = (env: string, text: string): void => fs.writeFileSync(releases(root, env), text);
const original = (env: string): string => fs.readFileSync(releases(ROOT, env), 'utf8');
const boutique = (env: string): string => `${BOUTIQUE_PINS}/${env}.yaml`;
const readBoutique = (env: string): string => fs.readFileSync(path.join(root, boutique(env)), 'utf8');
const originalBoutique = (env: string): string => fs.readFileSync(path.join(ROOT, boutique(env)), 'utf8');
const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** A registry in a map: every ref resolves to the sha256 of `salt + ref`, and each call is recorded. */
function fakeRegistry(salt = ''): { resolve: DigestResolver; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (ref) => {
      asked.push(ref);
      return sha(salt + ref);
    },
  };
}

const run = (options: Omit<PromoteOptions, 'root'>) => promote({ root, ...options });
/** BookInfo's promotion alone: most rules are about one pins file. */
const runBookinfo = (options: Omit<PromoteOptions, 'root' | 'app'>) => run({ app: 'bookinfo', ...options });

/** The ValidationError a promotion rejects with, or a failed test. */
async function rejection(promise: Promise<unknown>): Promise<ValidationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, but the promotion succeeded');
}

/** Releases file text: the given header, then one block per service. */
function pinsFile(header: string, pins: ReadonlyArray<readonly [string, string, string]>): string {
  const services = [...new Set(pins.map(([s]) => s))];
  return (
    header +
    services
      .map(
        (s) =>
          `${s}:\n${pins
            .filter(([x]) => x === s)
            .map(([, k, image]) => `  ${k}: ${image}\n`)
            .join('')}`,
      )
      .join('')
  );
}

const header = (env: string): string =>
  original(env)
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .map((l) => `${l}\n`)
    .join('');

describe('promote: every app both environments host', () => {
  const devPins = (file: string) => pinsOf(loadReleases(path.join(ROOT, file)));

  it("promotes each app's pins file to its own, in the environment's order", async () => {
    const { resolve, asked } = fakeRegistry('new ');
    const outcome = await run({ from: 'dev', to: 'staging', resolve });
    expect(outcome.apps.map((a) => [a.app, a.source, a.file, a.changes.length])).toEqual([
      ['bookinfo', 'services/releases/dev.yaml', 'services/releases/staging.yaml', 6],
      ['boutique', boutique('dev'), boutique('staging'), 11],
    ]);
    expect(outcome.files).toEqual(['services/releases/staging.yaml', boutique('staging')]);
    expect(asked).toEqual([...devPins('services/releases/dev.yaml'), ...devPins(boutique('dev'))].map(([, , image]) => image));
    const boutiqueHeader = originalBoutique('staging')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .map((l) => `${l}\n`)
      .join('');
    expect(readBoutique('staging')).toBe(
      pinsFile(
        boutiqueHeader,
        devPins(boutique('dev')).map(([s, k, image]) => [s, k, `${image}@${sha(`new ${image}`)}`]),
      ),
    );
    expect(outcome.message.split('\n').filter((l) => !l.startsWith('  '))).toEqual([
      'services/releases/staging.yaml: promoted 6 pins from services/releases/dev.yaml',
      `${boutique('staging')}: promoted 11 pins from ${boutique('dev')}`,
    ]);
  });

  it('lists no file when every app is in sync', async () => {
    const outcome = await run({ from: 'dev', to: 'staging', resolve: fakeRegistry().resolve });
    expect(outcome.files).toEqual([]);
    expect(outcome.message).toBe(
      [
        'services/releases/staging.yaml: already in sync with services/releases/dev.yaml',
        `${boutique('staging')}: already in sync with ${boutique('dev')}`,
      ].join('\n'),
    );
  });

  it('lists only the files that changed', async () => {
    const pinned = `${HUB}-ratings-v1:1.21.0@${sha('ratings')}`;
    write('dev', original('dev').replace(`${HUB}-ratings-v1:1.20.3`, pinned));
    const outcome = await run({ from: 'dev', to: 'staging', resolve: fakeRegistry().resolve });
    expect(outcome.files).toEqual(['services/releases/staging.yaml']);
    expect(readBoutique('staging')).toBe(originalBoutique('staging'));
  });

  it('writes no file when one app cannot be promoted, even an app before it', async () => {
    const resolve: DigestResolver = async (ref) => {
      if (ref.includes('/frontend:')) throw new RegistryError(ref, 'manifest not found', 404);
      return sha(`new ${ref}`);
    };
    const error = await rejection(run({ from: 'dev', to: 'staging', resolve }));
    expect(error.problems.map((p) => [p.where, p.field])).toEqual([[boutique('dev'), 'frontend.v1']]);
    expect(read('staging')).toBe(original('staging'));
    expect(readBoutique('staging')).toBe(originalBoutique('staging'));
  });

  it('promotes only the app --app names', async () => {
    const { resolve, asked } = fakeRegistry('new ');
    const outcome = await run({ from: 'dev', to: 'staging', app: 'boutique', resolve });
    expect(outcome.files).toEqual([boutique('staging')]);
    expect(asked.every((ref) => ref.includes('online-boutique-ci'))).toBe(true);
    expect(read('staging')).toBe(original('staging'));
  });

  it('refuses an --app the target environment does not host, and writes nothing', async () => {
    fs.writeFileSync(
      path.join(root, 'Pulumi.staging.yaml'),
      fs.readFileSync(path.join(ROOT, 'Pulumi.staging.yaml'), 'utf8').replace('    - name: boutique\n', ''),
    );
    const error = await rejection(run({ from: 'dev', to: 'staging', app: 'boutique', resolve: fakeRegistry('new ').resolve }));
    expect(error.problems.map(formatProblem)).toEqual([
      'Pulumi.staging.yaml: --app "boutique" is not an app of staging. Fix: use one of its platform:apps: bookinfo',
    ]);
    expect(readBoutique('staging')).toBe(originalBoutique('staging'));
  });

  it('leaves out an app only the source hosts, and says so', async () => {
    fs.writeFileSync(
      path.join(root, 'Pulumi.staging.yaml'),
      fs.readFileSync(path.join(ROOT, 'Pulumi.staging.yaml'), 'utf8').replace('    - name: boutique\n', ''),
    );
    const outcome = await run({ from: 'dev', to: 'staging', resolve: fakeRegistry('new ').resolve });
    expect(outcome.apps.map((a) => a.app)).toEqual(['bookinfo']);
    expect(outcome.skipped).toEqual(['boutique']);
    expect(outcome.message.split('\n').pop()).toBe('boutique: not promoted, only one of dev and staging hosts it');
    expect(readBoutique('staging')).toBe(originalBoutique('staging'));
  });

  it('refuses a --catalogue named after no app both host, without --app', async () => {
    const shop = defineCatalogue('shop', [
      defineService({ name: 'cart', description: 'cart', owner: 'team-shop', port: 8080, versions: [{ name: 'v1' }] }),
    ]);
    const { resolve, asked } = fakeRegistry('new ');
    const error = await rejection(run({ from: 'dev', to: 'staging', resolve, catalogue: shop }));
    expect(error.problems.map(formatProblem)).toEqual([
      `Pulumi.staging.yaml: --catalogue "${shop.source ?? ''}" is the catalogue shop, which is not an app both dev and staging host (bookinfo, boutique). Fix: pass --app to say whose pins it checks, or name the catalogue after its app`,
    ]);
    expect(asked).toEqual([]);
  });
});

describe('promote dev -> staging, one app (--app)', () => {
  it("pins every tag of dev by the digest the registry serves, keeping staging's comments", async () => {
    const { resolve, asked } = fakeRegistry('new ');
    const outcome = await runBookinfo({ from: 'dev', to: 'staging', resolve });
    expect(asked).toEqual(SERVICES.map(([s, v]) => `${HUB}-${s}-${v}:1.20.3`));
    const expected = pinsFile(
      header('staging'),
      SERVICES.map(([s, v]) => [s, v, `${HUB}-${s}-${v}:1.20.3@${sha(`new ${HUB}-${s}-${v}:1.20.3`)}`]),
    );
    expect(read('staging')).toBe(expected);
    expect(read('staging').startsWith(header('staging'))).toBe(true);
    expect(outcome.apps.map((a) => [a.app, a.changes.length])).toEqual([['bookinfo', 6]]);
    expect(outcome.files).toEqual(['services/releases/staging.yaml']);
    expect(outcome.message.split('\n')[0]).toBe('services/releases/staging.yaml: promoted 6 pins from services/releases/dev.yaml');
    expect(outcome.message.split('\n')[4]).toBe(
      `  reviews v2: ${HUB}-reviews-v2:1.20.3@${sha(`${HUB}-reviews-v2:1.20.3`)} -> ${HUB}-reviews-v2:1.20.3@${sha(`new ${HUB}-reviews-v2:1.20.3`)}`,
    );
  });

  it("reports the repository's placeholders as already in sync when the registry serves them", async () => {
    // The placeholder digests are the sha256 of the tag text, which is what this fake serves.
    const outcome = await runBookinfo({ from: 'dev', to: 'staging', resolve: fakeRegistry().resolve });
    expect(outcome).toEqual({
      apps: [{ app: 'bookinfo', source: 'services/releases/dev.yaml', file: 'services/releases/staging.yaml', changes: [] }],
      files: [],
      skipped: [],
      message: 'services/releases/staging.yaml: already in sync with services/releases/dev.yaml',
    });
    expect(read('staging')).toBe(original('staging'));
  });

  it('is idempotent: a second run is in sync and leaves the file and its mtime alone', async () => {
    const { resolve } = fakeRegistry('new ');
    await runBookinfo({ from: 'dev', to: 'staging', resolve });
    const bytes = read('staging');
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(releases(root, 'staging'), past, past);
    const again = await runBookinfo({ from: 'dev', to: 'staging', resolve });
    expect(again.message).toBe('services/releases/staging.yaml: already in sync with services/releases/dev.yaml');
    expect(read('staging')).toBe(bytes);
    expect(fs.statSync(releases(root, 'staging')).mtimeMs).toBe(past.getTime());
  });

  it('copies a dev pin that already carries a digest as it is, without asking the registry', async () => {
    const pinned = `${HUB}-ratings-v1:1.21.0@${sha('ratings')}`;
    write('dev', original('dev').replace(`${HUB}-ratings-v1:1.20.3`, pinned));
    const { resolve, asked } = fakeRegistry();
    const outcome = await runBookinfo({ from: 'dev', to: 'staging', resolve });
    expect(asked).not.toContain(pinned);
    expect(asked).toHaveLength(5);
    expect(outcome.apps[0].changes).toEqual([
      { service: 'ratings', key: 'v1', before: `${HUB}-ratings-v1:1.20.3@${sha(`${HUB}-ratings-v1:1.20.3`)}`, after: pinned },
    ]);
    expect(read('staging')).toBe(original('staging').replace(/ {2}v1: .*ratings-v1.*\n/, `  v1: ${pinned}\n`));
  });

  it("ends with exactly the source's pins: versions and services gone from dev are removed, new ones added", async () => {
    const cart = defineService({ name: 'cart', description: 'cart', owner: 'team-shop', port: 8080, versions: [{ name: 'v1' }] });
    // The catalogue dropped reviews v3 and ratings, and gained cart.
    const catalogue: Catalogue = defineCatalogue('bookinfo', [
      ...bookinfo.services
        .filter((d) => d.spec.name !== 'ratings')
        .map((d) =>
          d.spec.name === 'reviews'
            ? { ...d, spec: { ...d.spec, dependencies: [], versions: d.spec.versions.filter((v) => v.name !== 'v3') } }
            : d,
        ),
      cart,
    ]);
    write(
      'dev',
      original('dev')
        .replace(/ {2}v3: .*\n/, '')
        .replace(/ratings:\n.*\n/, 'cart:\n  v1: europe-west1-docker.pkg.dev/p/apps/cart:1.0.0\n'),
    );
    const outcome = await runBookinfo({ from: 'dev', to: 'staging', resolve: fakeRegistry().resolve, catalogue });
    expect(outcome.apps[0].changes).toEqual([
      {
        service: 'cart',
        key: 'v1',
        after: `europe-west1-docker.pkg.dev/p/apps/cart:1.0.0@${sha('europe-west1-docker.pkg.dev/p/apps/cart:1.0.0')}`,
      },
      { service: 'reviews', key: 'v3', before: expect.stringContaining('reviews-v3:1.20.3@sha256:') },
      { service: 'ratings', key: 'v1', before: expect.stringContaining('ratings-v1:1.20.3@sha256:') },
    ]);
    expect(outcome.message).toContain(`  reviews v3: ${HUB}-reviews-v3:1.20.3@${sha(`${HUB}-reviews-v3:1.20.3`)} -> (removed)`);
    expect(outcome.message).toContain('  cart v1: (unpinned) -> europe-west1-docker.pkg.dev/p/apps/cart:1.0.0@sha256:');
    const expected = original('staging')
      .replace(/ {2}v3: .*\n/, '')
      .replace(
        /ratings:\n.*\n/,
        `cart:\n  v1: europe-west1-docker.pkg.dev/p/apps/cart:1.0.0@${sha('europe-west1-docker.pkg.dev/p/apps/cart:1.0.0')}\n`,
      );
    expect(read('staging')).toBe(expected);
  });
});

describe('promote staging -> prod, one app (--app)', () => {
  it('copies digest pins without asking the registry', async () => {
    const pinned = `${HUB}-reviews-v2:1.21.0@${sha('reviews v2')}`;
    write('staging', original('staging').replace(/ {2}v2: .*\n/, `  v2: ${pinned}\n`));
    const { resolve, asked } = fakeRegistry();
    const outcome = await runBookinfo({ from: 'staging', to: 'prod', resolve });
    expect(asked).toEqual([]);
    expect(outcome.message).toBe(
      [
        'services/releases/prod.yaml: promoted 1 pin from services/releases/staging.yaml',
        `  reviews v2: ${HUB}-reviews-v2:1.20.3@${sha(`${HUB}-reviews-v2:1.20.3`)} -> ${pinned}`,
      ].join('\n'),
    );
    expect(read('prod')).toBe(original('prod').replace(/ {2}v2: .*\n/, `  v2: ${pinned}\n`));
  });
});

describe('promote: refusals leave the target byte-identical', () => {
  it.each([
    [
      'dev',
      'prod',
      'npm run promote: --to "prod" is not the environment after dev (that is staging). Fix: promote one step at a time: --from dev --to staging or --from staging --to prod',
    ],
    [
      'staging',
      'dev',
      'npm run promote: --to "dev" is not the environment after staging (that is prod). Fix: promote one step at a time: --from dev --to staging or --from staging --to prod',
    ],
    [
      'dev',
      'dev',
      'npm run promote: --to "dev" is not the environment after dev (that is staging). Fix: promote one step at a time: --from dev --to staging or --from staging --to prod',
    ],
    [
      'prod',
      'staging',
      'npm run promote: --from "prod" is not an environment that promotes to another. Fix: promote one step at a time: --from dev --to staging or --from staging --to prod',
    ],
    [
      'pr-7',
      'staging',
      'npm run promote: --from "pr-7" is not an environment that promotes to another. Fix: promote one step at a time: --from dev --to staging or --from staging --to prod',
    ],
  ])('--from %s --to %s', async (from, to, message) => {
    const { resolve, asked } = fakeRegistry('new ');
    const error = await rejection(runBookinfo({ from, to, resolve }));
    expect(error.problems.map(formatProblem)).toEqual([message]);
    expect(asked).toEqual([]);
    for (const env of ['dev', 'staging', 'prod']) expect(read(env)).toBe(original(env));
  });

  it('reports every pin the registry cannot resolve, against the source, and writes nothing', async () => {
    const resolve: DigestResolver = async (ref) => {
      if (ref.includes('reviews-v3') || ref.includes('ratings'))
        throw new RegistryError(
          ref,
          'manifest not found: check the repository and tag exist (HTTP 404 from https://registry-1.docker.io/v2/...)',
          404,
        );
      return sha(`new ${ref}`);
    };
    const error = await rejection(runBookinfo({ from: 'dev', to: 'staging', resolve }));
    expect(error.message.split('\n')).toEqual([
      'the promotion needs a digest for every pin:',
      `  - services/releases/dev.yaml: reviews.v3 "${HUB}-reviews-v3:1.20.3" could not be resolved to a digest: manifest not found: check the repository and tag exist (HTTP 404 from https://registry-1.docker.io/v2/...). Fix: check the image was pushed and that the workflow can read the registry (GOOGLE_OAUTH_ACCESS_TOKEN for Artifact Registry)`,
      `  - services/releases/dev.yaml: ratings.v1 "${HUB}-ratings-v1:1.20.3" could not be resolved to a digest: manifest not found: check the repository and tag exist (HTTP 404 from https://registry-1.docker.io/v2/...). Fix: check the image was pushed and that the workflow can read the registry (GOOGLE_OAUTH_ACCESS_TOKEN for Artifact Registry)`,
    ]);
    expect(read('staging')).toBe(original('staging'));
  });

  it('refuses a resolver answer that is not a sha256 digest', async () => {
    const error = await rejection(runBookinfo({ from: 'dev', to: 'staging', resolve: async () => 'sha256:abc' }));
    expect(error.problems[0]).toMatchObject({
      where: 'services/releases/dev.yaml',
      field: 'productpage.v1',
      problem: 'resolved to "sha256:abc", which is not a sha256 digest',
    });
    expect(read('staging')).toBe(original('staging'));
  });

  it('refuses to promote an invalid source, naming the source file', async () => {
    write('dev', `${original('dev')}checkout:\n  v1: ${HUB}-checkout-v1:1.0.0\n`);
    const { resolve, asked } = fakeRegistry('new ');
    const error = await rejection(runBookinfo({ from: 'dev', to: 'staging', resolve }));
    expect(error.message).toBe(
      [
        'services/releases/dev.yaml cannot be promoted until it is valid:',
        '  - services/releases/dev.yaml: checkout is not a service of the catalogue. Fix: remove the stale pin or fix the name (services: details, productpage, ratings, reviews)',
      ].join('\n'),
    );
    expect(asked).toEqual([]);
    expect(read('staging')).toBe(original('staging'));
  });

  it('refuses a target that is not valid YAML, naming its line', async () => {
    const broken = `${original('staging')}reviews: [\n`;
    write('staging', broken);
    const error = await rejection(runBookinfo({ from: 'dev', to: 'staging', resolve: fakeRegistry('new ').resolve }));
    expect(error.problems[0]).toMatchObject({
      where: 'services/releases/staging.yaml',
      problem: expect.stringContaining('is not valid YAML'),
    });
    expect(read('staging')).toBe(broken);
  });

  it('refuses a target laid out in a way the YAML writer would change', async () => {
    const spaced = original('staging').replace('productpage:\n  v1: ', 'productpage:\n  v1:  ');
    write('staging', spaced);
    const error = await rejection(runBookinfo({ from: 'dev', to: 'staging', resolve: fakeRegistry('new ').resolve }));
    expect(error.problems[0]).toMatchObject({ where: 'services/releases/staging.yaml', field: 'line 7' });
    expect(read('staging')).toBe(spaced);
  });
});

describe('promotionRouteProblems', () => {
  it.each([
    ['dev', 'staging'],
    ['staging', 'prod'],
  ])('allows %s -> %s', (from, to) => {
    expect(promotionRouteProblems(from, to)).toEqual([]);
  });
});

describe('pinChanges', () => {
  it('lists changed and added pins in the new order, then removed ones', () => {
    expect(pinChanges({ a: { v1: 'x:1', v2: 'x:2' }, b: { v1: 'y:1' } }, { a: { v1: 'x:1', v3: 'x:3' }, c: { v1: 'z:1' } })).toEqual([
      { service: 'a', key: 'v3', after: 'x:3' },
      { service: 'c', key: 'v1', after: 'z:1' },
      { service: 'a', key: 'v2', before: 'x:2' },
      { service: 'b', key: 'v1', before: 'y:1' },
    ]);
  });

  it('is empty when the pins are equal', () => {
    expect(pinChanges({ a: { v1: 'x:1' } }, { a: { v1: 'x:1' } })).toEqual([]);
  });
});

describe('npm run promote', () => {
  it('staging -> prod with digest pins needs no registry and reports the files in sync (spawned: the entry point)', async () => {
    const result = await spawnTsx('cli/promote.ts', ['--root', root, '--from', 'staging', '--to', 'prod']);
    expect(result).toEqual({
      code: 0,
      stdout: [
        'services/releases/prod.yaml: already in sync with services/releases/staging.yaml',
        `${BOUTIQUE_PINS}/prod.yaml: already in sync with ${BOUTIQUE_PINS}/staging.yaml`,
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(read('prod')).toBe(original('prod'));
  });

  it('--github-output appends the target files that changed, as a JSON list, for open-pr', async () => {
    const outputs = `${root}/github-output`;
    write('staging', original('staging').replace(/ {2}v2: .*\n/, `  v2: ${HUB}-reviews-v2:1.21.0@${sha('reviews v2')}\n`));
    const result = await runCli(promoteCli, ['--root', root, '--from', 'staging', '--to', 'prod', '--github-output', outputs]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(outputs, 'utf8')).toBe('files=["services/releases/prod.yaml"]\n');
  });

  it('exits 2 with the allowed routes on stderr for a skipped environment', async () => {
    const result = await runCli(promoteCli, ['--root', root, '--from', 'dev', '--to', 'prod']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: 1 problem found:\n  - npm run promote: --to "prod" is not the environment after dev (that is staging). Fix: promote one step at a time',
    );
    expect(read('prod')).toBe(original('prod'));
  });
});
