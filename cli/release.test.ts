import * as fs from 'node:fs';
import * as path from 'node:path';
import bookinfo from '../services/bookinfo';
import { defineCatalogue, defineService } from '../services/define';
import { formatProblem } from '../core/problems';
import type { Catalogue, VersionSpec } from '../services/spec';
import { thrown } from '../test/fixtures/thrown';
import { loadEnvironment } from '../core/config';
import { chooseApp, closestName, releaseCli, runRelease, type ReleaseOptions } from './release-command';
import { releasesFile } from '../services/releases';
import { ROOT, runCli, spawnTsx } from '../test/cli';
import { copyReleasesRoot } from '../test/fixtures/releases-root';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const HUB = 'docker.io/istio/examples-bookinfo';
const BOUTIQUE = 'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo';
const BOUTIQUE_PINS = 'services/boutique/releases';

let root: string;
beforeEach(() => {
  root = copyReleasesRoot('release-');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const releases = releasesFile;

const read = (env: string): string => fs.readFileSync(releases(root, env), 'utf8');
const original = (env: string): string => fs.readFileSync(releases(ROOT, env), 'utf8');
const readBoutique = (env: string): string => fs.readFileSync(path.join(root, BOUTIQUE_PINS, `${env}.yaml`), 'utf8');
const originalBoutique = (env: string): string => fs.readFileSync(path.join(ROOT, BOUTIQUE_PINS, `${env}.yaml`), 'utf8');
const release = (options: Omit<ReleaseOptions, 'root'>) => runRelease({ root, ...options });

/** BookInfo with extra versions of reviews and extra services. */
function extended(reviewsVersions: readonly VersionSpec[], ...services: ReturnType<typeof defineService>[]): Catalogue {
  return defineCatalogue('bookinfo', [
    ...bookinfo.services.map((d) =>
      d.spec.name === 'reviews' ? { ...d, spec: { ...d.spec, versions: [...d.spec.versions, ...reviewsVersions] } } : d,
    ),
    ...services,
  ]);
}

describe('runRelease: setting a pin', () => {
  it('replaces one pin and leaves every other byte of the file as it was', () => {
    const outcome = release({ env: 'dev', service: 'reviews', version: 'v2', image: `${HUB}-reviews-v2:1.21.0` });
    expect(outcome).toEqual({
      app: 'bookinfo',
      file: 'services/releases/dev.yaml',
      previous: `${HUB}-reviews-v2:1.20.3`,
      changed: true,
      message: `services/releases/dev.yaml: reviews v2 = ${HUB}-reviews-v2:1.21.0 (was ${HUB}-reviews-v2:1.20.3)`,
      unpinned: [],
    });
    expect(read('dev')).toBe(original('dev').replace(`  v2: ${HUB}-reviews-v2:1.20.3\n`, `  v2: ${HUB}-reviews-v2:1.21.0\n`));
  });

  it('keeps the comments at the top of the file', () => {
    release({ env: 'dev', service: 'ratings', version: 'v1', image: `${HUB}-ratings-v1:1.21.0` });
    expect(read('dev').split('\n').slice(0, 2)).toEqual([
      '# Image pins for dev: service -> version -> image. Written by CI when an app repo ships an image.',
      '# Tags are allowed in dev; staging and prod require digests.',
    ]);
  });

  it('keeps comments between services and beside pins, including the one on the pin it changes', () => {
    const commented = original('dev')
      .replace('\nreviews:\n', '\n# reviews: canary of v2 and v3 (team-reviews owns these pins)\nreviews:\n')
      .replace(`  v2: ${HUB}-reviews-v2:1.20.3\n`, `  v2: ${HUB}-reviews-v2:1.20.3 # canary\n`);
    fs.writeFileSync(releases(root, 'dev'), commented);
    release({ env: 'dev', service: 'reviews', version: 'v2', image: `${HUB}-reviews-v2:1.21.0` });
    expect(read('dev')).toBe(commented.replace(`v2:1.20.3 # canary`, `v2:1.21.0 # canary`));
  });

  it('sets a digest pin in staging', () => {
    const image = `${HUB}-reviews-v3:1.21.0@${DIGEST}`;
    const outcome = release({ env: 'staging', service: 'reviews', version: 'v3', image });
    expect(outcome.changed).toBe(true);
    expect(read('staging')).toBe(original('staging').replace(/ {2}v3: .*\n/, `  v3: ${image}\n`));
  });

  it('accepts a digest without a tag in prod', () => {
    const image = `${HUB}-details-v1@${DIGEST}`;
    release({ env: 'prod', service: 'details', version: 'v1', image });
    expect(read('prod')).toContain(`details:\n  v1: ${image}\nreviews:`);
  });

  it('accepts "latest" when a digest pins it', () => {
    const image = `${HUB}-details-v1:latest@${DIGEST}`;
    expect(release({ env: 'dev', service: 'details', version: 'v1', image }).changed).toBe(true);
  });

  it('is idempotent: the same pin again prints unchanged and does not touch the file', () => {
    const options = { env: 'dev', service: 'reviews', version: 'v2', image: `${HUB}-reviews-v2:1.21.0` };
    release(options);
    const bytes = read('dev');
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(releases(root, 'dev'), past, past);
    const again = release(options);
    expect(again).toMatchObject({
      changed: false,
      message: `services/releases/dev.yaml: reviews v2 = ${HUB}-reviews-v2:1.21.0 (unchanged)`,
    });
    expect(read('dev')).toBe(bytes);
    expect(fs.statSync(releases(root, 'dev')).mtimeMs).toBe(past.getTime());
  });

  it('adds a new version of a service at the end of that service', () => {
    const outcome = release({
      env: 'dev',
      service: 'reviews',
      version: 'v4',
      image: `${HUB}-reviews-v4:1.0.0`,
      catalogue: extended([{ name: 'v4', weight: 0 }]),
    });
    expect(outcome.message).toBe(`services/releases/dev.yaml: reviews v4 = ${HUB}-reviews-v4:1.0.0 (was unpinned)`);
    expect(read('dev')).toBe(original('dev').replace('\nratings:\n', `\n  v4: ${HUB}-reviews-v4:1.0.0\nratings:\n`));
  });

  it('adds a service of the catalogue that the file lacks at the end of the file', () => {
    const cart = defineService({ name: 'cart', description: 'cart', owner: 'team-shop', port: 8080, versions: [{ name: 'v1' }] });
    release({
      env: 'dev',
      service: 'cart',
      version: 'v1',
      image: 'europe-west1-docker.pkg.dev/p/apps/cart:1.0.0',
      catalogue: extended([], cart),
    });
    expect(read('dev')).toBe(`${original('dev')}cart:\n  v1: europe-west1-docker.pkg.dev/p/apps/cart:1.0.0\n`);
  });

  it('pins a new service one version at a time, naming the versions still unpinned', () => {
    const cart = defineService({
      name: 'cart',
      description: 'cart',
      owner: 'team-shop',
      port: 8080,
      versions: [
        { name: 'v1', weight: 50 },
        { name: 'v2', weight: 50 },
      ],
    });
    const outcome = release({
      env: 'dev',
      service: 'cart',
      version: 'v1',
      image: 'europe-west1-docker.pkg.dev/p/apps/cart:1.0.0',
      catalogue: extended([], cart),
    });
    expect(outcome.unpinned).toEqual(['cart.v2']);
    expect(read('dev')).toContain('cart:\n  v1: europe-west1-docker.pkg.dev/p/apps/cart:1.0.0\n');
  });

  it('writes through a temporary file that does not outlive the run, and keeps the permissions', () => {
    fs.chmodSync(releases(root, 'dev'), 0o640);
    release({ env: 'dev', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` });
    expect(fs.readdirSync(path.join(root, 'services', 'releases')).sort()).toEqual(['dev.yaml', 'prod.yaml', 'staging.yaml']);
    expect(fs.statSync(releases(root, 'dev')).mode & 0o777).toBe(0o640);
  });
});

describe('runRelease: bad input is refused and the file is left byte-identical', () => {
  const cases: Array<[string, Omit<ReleaseOptions, 'root'>, string, string]> = [
    [
      'an unknown service, with the closest name',
      { env: 'dev', service: 'reveiws', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` },
      'dev',
      'services/releases/dev.yaml: --service "reveiws" is not a service of the catalogue bookinfo. Fix: did you mean "reviews"? Use one of: details, productpage, ratings, reviews',
    ],
    [
      'an unknown service of the app --app names',
      { env: 'dev', app: 'bookinfo', service: 'checkout', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` },
      'dev',
      'services/releases/dev.yaml: --service "checkout" is not a service of the catalogue bookinfo. Fix: use one of: details, productpage, ratings, reviews',
    ],
    [
      'a service of another app than --app names',
      { env: 'dev', app: 'bookinfo', service: 'frontend', version: 'v1', image: `${BOUTIQUE}/frontend:v0.10.7` },
      'dev',
      'services/releases/dev.yaml: --service "frontend" is not a service of the catalogue bookinfo. Fix: use one of: details, productpage, ratings, reviews',
    ],
    [
      'a service of no app, with no close name',
      { env: 'dev', service: 'checkout', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` },
      'dev',
      'Pulumi.dev.yaml: --service "checkout" is not a service of any app of dev (bookinfo, boutique). Fix: use a service of one of them (bookinfo: details, productpage, ratings, reviews; boutique: adservice, cartservice, checkoutservice, currencyservice, emailservice, frontend, loadgenerator, paymentservice, productcatalogservice, recommendationservice, shippingservice), or pass --app',
    ],
    [
      'an app the environment does not host, with the closest name',
      { env: 'dev', app: 'botique', service: 'frontend', version: 'v1', image: `${BOUTIQUE}/frontend:v0.10.7` },
      'dev',
      'Pulumi.dev.yaml: --app "botique" is not an app of dev. Fix: did you mean "boutique"? Use one of its platform:apps: bookinfo, boutique',
    ],
    [
      'an app the environment does not host',
      { env: 'staging', app: 'shop', service: 'frontend', version: 'v1', image: `${BOUTIQUE}/frontend:v0.10.7` },
      'staging',
      'Pulumi.staging.yaml: --app "shop" is not an app of staging. Fix: use one of its platform:apps: bookinfo, boutique',
    ],
    [
      'a version the catalogue does not declare',
      { env: 'dev', service: 'reviews', version: 'v4', image: `${HUB}-reviews-v4:1.0.0` },
      'dev',
      'services/releases/dev.yaml: --version "v4" is not a version of reviews in the catalogue bookinfo. Fix: use one of: v1, v2, v3, or add the version to the service\'s spec first',
    ],
    [
      'a malformed reference',
      { env: 'dev', service: 'reviews', version: 'v1', image: 'Docker.io/istio/Reviews:1.0' },
      'dev',
      'services/releases/dev.yaml: --image "Docker.io/istio/Reviews:1.0" is not an image reference with a tag or digest. Fix: pass registry/repository:tag, registry/repository@sha256:<64 hex>, or both',
    ],
    [
      'a reference without a tag or digest',
      { env: 'dev', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1` },
      'dev',
      `services/releases/dev.yaml: --image "${HUB}-reviews-v1" is not an image reference with a tag or digest. Fix: pass registry/repository:tag, registry/repository@sha256:<64 hex>, or both`,
    ],
    [
      'the latest tag',
      { env: 'dev', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:latest` },
      'dev',
      `services/releases/dev.yaml: --image "${HUB}-reviews-v1:latest" uses the mutable "latest" tag. Fix: pass a version tag or a digest so a rollout is repeatable`,
    ],
    [
      'a tag without a digest in staging',
      { env: 'staging', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` },
      'staging',
      `services/releases/staging.yaml: --image "${HUB}-reviews-v1:1.21.0" has no digest; this environment requires immutable pins. Fix: pass <image>:<tag>@sha256:<64 hex> (crane digest ${HUB}-reviews-v1:1.21.0), or promote it from the previous environment`,
    ],
    [
      'a tag without a digest in prod',
      { env: 'prod', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` },
      'prod',
      `services/releases/prod.yaml: --image "${HUB}-reviews-v1:1.21.0" has no digest; this environment requires immutable pins. Fix: pass <image>:<tag>@sha256:<64 hex> (crane digest ${HUB}-reviews-v1:1.21.0), or promote it from the previous environment`,
    ],
    [
      'a preview stack',
      { env: 'pr-7', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` },
      'dev',
      'Pulumi.pr-7.yaml: --env "pr-7" is a preview stack, which has no pins files of its own (it runs dev\'s pins). Fix: release to dev, or change dev\'s pins file of the app in the pull request',
    ],
  ];

  it.each(cases)('%s', (_title, options, env, message) => {
    const error = thrown(() => release(options));
    expect(error.problems.map(formatProblem)).toEqual([message]);
    expect(read(env)).toBe(original(env));
    expect(readBoutique(env)).toBe(originalBoutique(env));
  });

  it('refuses a preview stack whose file holds only the secrets provider too', () => {
    fs.writeFileSync(path.join(root, 'Pulumi.pr-7.yaml'), 'encryptionsalt: v1:abc:def\n');
    expect(
      thrown(() => release({ env: 'pr-7', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` })).problems[0].problem,
    ).toBe("is a preview stack, which has no pins files of its own (it runs dev's pins)");
    expect(read('dev')).toBe(original('dev'));
  });

  it('reports every bad argument at once', () => {
    const error = thrown(() => release({ env: 'prod', service: 'reviews', version: 'v9', image: 'nginx:latest' }));
    expect(error.problems.map((p) => p.field)).toEqual(['--version', '--image']);
    expect(read('prod')).toBe(original('prod'));
  });

  it('names the stacks when the environment does not exist', () => {
    const error = thrown(() => release({ env: 'qa', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` }));
    expect(error.message).toContain(
      '"qa" is not a stack of this repository. Fix: use one of: dev, prod, staging, or create Pulumi.qa.yaml',
    );
    expect(fs.readdirSync(path.join(root, 'services', 'releases')).sort()).toEqual(['dev.yaml', 'prod.yaml', 'staging.yaml']);
  });

  it('refuses when the resulting file would be invalid (a stale pin elsewhere), and writes nothing', () => {
    const stale = `${original('dev')}checkout:\n  v1: ${HUB}-checkout-v1:1.0.0\n`;
    fs.writeFileSync(releases(root, 'dev'), stale);
    const error = thrown(() => release({ env: 'dev', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` }));
    expect(error.message).toBe(
      [
        'services/releases/dev.yaml would be invalid after setting reviews.v1:',
        '  - services/releases/dev.yaml: checkout is not a service of the catalogue. Fix: remove the stale pin or fix the name (services: details, productpage, ratings, reviews)',
      ].join('\n'),
    );
    expect(read('dev')).toBe(stale);
    expect(fs.readdirSync(path.join(root, 'services', 'releases')).sort()).toEqual(['dev.yaml', 'prod.yaml', 'staging.yaml']);
  });

  it('refuses a file the YAML writer would lay out differently, naming the first such line', () => {
    const indented = original('dev')
      .replace('reviews:\n  v1:', 'reviews:\n    v1:')
      .replace('\n  v2:', '\n    v2:')
      .replace('\n  v3:', '\n    v3:');
    fs.writeFileSync(releases(root, 'dev'), indented);
    const error = thrown(() => release({ env: 'dev', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` }));
    expect(error.problems).toEqual([
      expect.objectContaining({ where: 'services/releases/dev.yaml', field: 'line 8', value: `    v1: ${HUB}-reviews-v1:1.20.3` }),
    ]);
    expect(error.message).toContain('Fix: write the file as 2-space block maps');
    expect(read('dev')).toBe(indented);
  });

  it('reports a releases file that is not valid YAML with its line', () => {
    const broken = `${original('dev')}reviews:\n  v1: duplicate\n`;
    fs.writeFileSync(releases(root, 'dev'), broken);
    const error = thrown(() => release({ env: 'dev', service: 'reviews', version: 'v1', image: `${HUB}-reviews-v1:1.21.0` }));
    expect(error.problems[0]).toMatchObject({
      where: 'services/releases/dev.yaml',
      field: 'line 13',
      problem: 'is not valid YAML (DUPLICATE_KEY)',
    });
    expect(read('dev')).toBe(broken);
  });
});

describe('runRelease: the app whose pins change', () => {
  const frontend = `${BOUTIQUE}/frontend:v0.10.7`;

  it("finds the app by the service: a boutique service changes boutique's pins file only", () => {
    const outcome = release({ env: 'dev', service: 'frontend', version: 'v1', image: frontend });
    expect(outcome).toEqual({
      app: 'boutique',
      file: `${BOUTIQUE_PINS}/dev.yaml`,
      previous: `${BOUTIQUE}/frontend:v0.10.6`,
      changed: true,
      message: `${BOUTIQUE_PINS}/dev.yaml: frontend v1 = ${frontend} (was ${BOUTIQUE}/frontend:v0.10.6)`,
      unpinned: [],
    });
    expect(readBoutique('dev')).toBe(originalBoutique('dev').replace(`  v1: ${BOUTIQUE}/frontend:v0.10.6\n`, `  v1: ${frontend}\n`));
    expect(read('dev')).toBe(original('dev'));
  });

  it('takes the app --app names', () => {
    const outcome = release({ env: 'dev', app: 'boutique', service: 'frontend', version: 'v1', image: frontend });
    expect([outcome.app, outcome.file]).toEqual(['boutique', `${BOUTIQUE_PINS}/dev.yaml`]);
    expect(readBoutique('dev')).toContain(`frontend:\n  v1: ${frontend}\n`);
  });

  it("applies the environment's digest rule to the app's file, named in the message", () => {
    const error = thrown(() => release({ env: 'prod', service: 'frontend', version: 'v1', image: frontend }));
    expect(error.problems.map((p) => [p.where, p.field, p.problem])).toEqual([
      [`${BOUTIQUE_PINS}/prod.yaml`, '--image', 'has no digest; this environment requires immutable pins'],
    ]);
    expect(readBoutique('prod')).toBe(originalBoutique('prod'));
  });

  it('reports a misspelt service against the catalogue of the app with the closest name', () => {
    const error = thrown(() => release({ env: 'dev', service: 'frontent', version: 'v1', image: frontend }));
    expect(error.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^services\/boutique\/releases\/dev\.yaml: --service "frontent" is not a service of the catalogue boutique\. Fix: did you mean "frontend"\?/,
      ),
    ]);
  });

  it('takes the app a --catalogue is named after', () => {
    const cart = defineService({ name: 'cart', description: 'cart', owner: 'team-shop', port: 8080, versions: [{ name: 'v1' }] });
    const outcome = release({
      env: 'dev',
      service: 'cart',
      version: 'v1',
      image: 'europe-west1-docker.pkg.dev/p/apps/cart:1.0.0',
      catalogue: extended([], cart),
    });
    expect(outcome.app).toBe('bookinfo');
  });

  it('refuses a --catalogue named after no app, without --app, and writes nothing', () => {
    const shop = defineCatalogue('shop', [
      defineService({ name: 'cart', description: 'cart', owner: 'team-shop', port: 8080, versions: [{ name: 'v1' }] }),
    ]);
    const error = thrown(() =>
      release({ env: 'dev', service: 'cart', version: 'v1', image: 'europe-west1-docker.pkg.dev/p/apps/cart:1.0.0', catalogue: shop }),
    );
    expect(error.problems.map(formatProblem)).toEqual([
      `Pulumi.dev.yaml: --catalogue "${shop.source ?? ''}" is the catalogue shop, which is not an app of dev (bookinfo, boutique). Fix: pass --app to say whose pins change, or name the catalogue after its app`,
    ]);
    expect([read('dev'), readBoutique('dev')]).toEqual([original('dev'), originalBoutique('dev')]);
  });
});

describe('chooseApp', () => {
  const dev = loadEnvironment('dev', ROOT);
  const bookinfoApp = dev.apps[0];

  it("takes an environment's only app without loading any catalogue", () => {
    const load = jest.fn(() => bookinfo);
    expect(chooseApp({ ...dev, apps: [bookinfoApp] }, { service: 'frontend' }, load)).toBe(bookinfoApp);
    expect(load).not.toHaveBeenCalled();
  });

  it('takes --app over the service, without loading any catalogue', () => {
    const load = jest.fn(() => bookinfo);
    expect(chooseApp(dev, { app: 'boutique', service: 'reviews' }, load).name).toBe('boutique');
    expect(load).not.toHaveBeenCalled();
  });

  it("otherwise loads each app's catalogue to find the service", () => {
    expect(chooseApp(dev, { service: 'reviews' }).name).toBe('bookinfo');
    expect(chooseApp(dev, { service: 'cartservice' }).name).toBe('boutique');
  });
});

describe('closestName', () => {
  it.each([
    ['reveiws', 'reviews'],
    ['Ratings', 'ratings'],
    ['detail', 'details'],
    ['checkout', undefined],
    ['ab', undefined],
  ])('%s -> %s', (name, expected) => {
    expect(closestName(name, ['details', 'productpage', 'ratings', 'reviews'])).toBe(expected);
  });
});

describe('npm run release', () => {
  it('prints the pin it set (spawned: the entry point)', async () => {
    const result = await spawnTsx('cli/release.ts', [
      '--root',
      root,
      '--env',
      'dev',
      '--service',
      'reviews',
      '--version',
      'v2',
      '--image',
      `${HUB}-reviews-v2:1.21.0`,
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: `services/releases/dev.yaml: reviews v2 = ${HUB}-reviews-v2:1.21.0 (was ${HUB}-reviews-v2:1.20.3)\n`,
      stderr: '',
    });
  });

  it('--github-output appends the app and its pins file for the next step', async () => {
    const outputs = path.join(root, 'github-output');
    fs.writeFileSync(outputs, 'earlier=1\n');
    const result = await runCli(releaseCli, [
      '--root',
      root,
      '--env',
      'dev',
      '--service',
      'cartservice',
      '--version',
      'v1',
      '--image',
      `${BOUTIQUE}/cartservice:v0.10.7`,
      '--github-output',
      outputs,
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: `${BOUTIQUE_PINS}/dev.yaml: cartservice v1 = ${BOUTIQUE}/cartservice:v0.10.7 (was ${BOUTIQUE}/cartservice:v0.10.6)\n`,
      stderr: '',
    });
    expect(fs.readFileSync(outputs, 'utf8')).toBe(`earlier=1\napp=boutique\nfile=${BOUTIQUE_PINS}/dev.yaml\n`);
  });

  it('exits 2 with the problem on stderr and leaves the file as it was', async () => {
    const result = await runCli(releaseCli, [
      '--root',
      root,
      '--env',
      'prod',
      '--service',
      'reviews',
      '--version',
      'v2',
      '--image',
      `${HUB}-reviews-v2:1.21.0`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `error: 1 problem found:\n  - services/releases/prod.yaml: --image "${HUB}-reviews-v2:1.21.0" has no digest; this environment requires immutable pins.`,
    );
    expect(read('prod')).toBe(original('prod'));
  });
});
