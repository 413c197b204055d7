import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEnvironment } from '../core/config';
import bookinfo from './bookinfo';
import { formatProblem, type Problem } from '../core/problems';
import { loadReleases, parseImageReference, releasesFile, validateReleases, type ImageReference, type Releases } from './releases';
import type { Catalogue } from './spec';
import { thrown } from '../test/fixtures/thrown';

const ROOT = path.resolve(__dirname, '..');
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageReference', () => {
  const valid: Array<[string, ImageReference]> = [
    ['nginx', { repository: 'nginx' }],
    ['nginx:1.25', { repository: 'nginx', tag: '1.25' }],
    ['istio/examples-bookinfo-reviews-v1:1.20.3', { repository: 'istio/examples-bookinfo-reviews-v1', tag: '1.20.3' }],
    [
      'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3',
      { registry: 'docker.io', repository: 'istio/examples-bookinfo-reviews-v1', tag: '1.20.3' },
    ],
    ['docker.io/istio/reviews', { registry: 'docker.io', repository: 'istio/reviews' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/app:dev', { registry: 'localhost:5000', repository: 'app', tag: 'dev' }],
    ['myregistry:5000/team/app:1', { registry: 'myregistry:5000', repository: 'team/app', tag: '1' }],
    ['registry.example.com:5000/team/app:v1', { registry: 'registry.example.com:5000', repository: 'team/app', tag: 'v1' }],
    [
      `europe-west1-docker.pkg.dev/my-proj/apps/reviews@${DIGEST}`,
      { registry: 'europe-west1-docker.pkg.dev', repository: 'my-proj/apps/reviews', digest: DIGEST },
    ],
    [`gcr.io/proj/app:1.0@${DIGEST}`, { registry: 'gcr.io', repository: 'proj/app', tag: '1.0', digest: DIGEST }],
    [`app@${DIGEST}`, { repository: 'app', digest: DIGEST }],
    ['my.app:1.0', { repository: 'my.app', tag: '1.0' }],
    ['a__b/c-d--e:V_1.0-rc.1', { repository: 'a__b/c-d--e', tag: 'V_1.0-rc.1' }],
    [`nginx:${'t'.repeat(128)}`, { repository: 'nginx', tag: 't'.repeat(128) }],
  ];

  it.each(valid)('parses %s', (ref, expected) => {
    // toStrictEqual: absent parts are absent keys, not `undefined` values.
    expect(parseImageReference(ref)).toStrictEqual(expected);
  });

  const invalid: Array<[string, string]> = [
    ['empty', ''],
    ['upper-case repository', 'Nginx'],
    ['empty tag', 'nginx:'],
    ['tag starting with "-"', 'nginx:-1'],
    ['tag longer than 128', `nginx:${'t'.repeat(129)}`],
    ['short digest', 'nginx@sha256:abc'],
    ['upper-case digest', `nginx@sha256:${'A'.repeat(64)}`],
    ['digest of another algorithm', `nginx@md5:${'a'.repeat(64)}`],
    ['a URL', 'https://docker.io/nginx'],
    ['a trailing space', 'nginx:1.0 '],
    ['a leading "/"', '/nginx'],
    ['an empty path component', 'docker.io//nginx'],
    ['a repository ending in "-"', 'app-:1'],
    ['three underscores', 'a___b'],
  ];

  it.each(invalid)('rejects %s', (_title, ref) => {
    expect(parseImageReference(ref)).toBeUndefined();
  });
});

describe('releasesFile', () => {
  it('is services/releases/<env>.yaml under the root', () => {
    expect(releasesFile('/repo', 'staging')).toBe(path.join('/repo', 'services', 'releases', 'staging.yaml'));
  });
});

describe('loadReleases', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releases-test-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a releases file into the temp dir and returns its path. */
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('loads a map of services to pins', () => {
    const file = write('ok.yaml', `# pins\ndetails:\n  v1: docker.io/istio/details:1.0\nreviews:\n  v1: "r:1"\n  v2: r@${DIGEST}\n`);
    expect(loadReleases(file, 'services/releases/ok.yaml')).toEqual({
      details: { v1: 'docker.io/istio/details:1.0' },
      reviews: { v1: 'r:1', v2: `r@${DIGEST}` },
    });
  });

  it('loads an empty file as no pins', () => {
    expect(loadReleases(write('empty.yaml', '# nothing pinned yet\n'))).toEqual({});
  });

  it('reports a missing file, by its display name', () => {
    const error = thrown(() => loadReleases(path.join(dir, 'qa.yaml'), 'services/releases/qa.yaml'));
    expect(error.problems).toEqual([
      {
        where: 'services/releases/qa.yaml',
        field: '(file)',
        problem: 'does not exist',
        fix: expect.stringContaining('create it with one pin per service version'),
      },
    ]);
    expect(error.problems[0]).not.toHaveProperty('value');
    expect(error.message).toBe(`1 problem found:\n  - ${formatProblem(error.problems[0])}`);
  });

  it('names a missing file by its path when no display name is given', () => {
    const file = path.join(dir, 'nope.yaml');
    expect(thrown(() => loadReleases(file)).problems).toEqual([
      expect.objectContaining({ where: file, field: '(file)', problem: 'does not exist' }),
    ]);
  });

  it('reports invalid YAML, naming the line (a duplicate key)', () => {
    const file = write('dup.yaml', 'details:\n  v1: a:1\n  v1: b:1\n');
    expect(thrown(() => loadReleases(file, 'services/releases/dup.yaml')).problems).toEqual([
      {
        where: 'services/releases/dup.yaml',
        field: 'line 3',
        problem: 'is not valid YAML (DUPLICATE_KEY)',
        fix: expect.stringContaining('Map keys must be unique'),
      },
    ]);
  });

  it('reports invalid YAML, naming the line (an unterminated quote)', () => {
    const file = write('quote.yaml', "details:\n  v1: 'docker.io/x:1\n");
    expect(thrown(() => loadReleases(file, 'bad.yaml')).problems).toEqual([
      { where: 'bad.yaml', field: 'line 3', problem: 'is not valid YAML (MISSING_CHAR)', fix: expect.stringContaining('Missing closing') },
    ]);
  });

  it.each([
    ['a list', '- details\n- reviews\n', ['details', 'reviews']],
    ['a scalar', 'just some text\n', 'just some text'],
    ['a number', '42\n', 42],
  ])('reports a root that is %s, not a map', (_title, text, value) => {
    const file = write('root.yaml', text);
    expect(thrown(() => loadReleases(file, 'root.yaml')).problems).toEqual([
      {
        where: 'root.yaml',
        field: '(root)',
        value,
        problem: 'must be a map of services',
        fix: expect.stringContaining('write one map per service, e.g. `reviews: { v1: <image> }`'),
      },
    ]);
  });

  it.each([
    ['a string', 'details: docker.io/istio/details:1.0\n', 'docker.io/istio/details:1.0'],
    ['a list', 'details:\n  - docker.io/istio/details:1.0\n', ['docker.io/istio/details:1.0']],
    ['empty', 'details:\n', null],
  ])('reports a service whose pins are %s, not a map', (_title, text, value) => {
    const file = write('service.yaml', text);
    expect(thrown(() => loadReleases(file, 'service.yaml')).problems).toEqual([
      {
        where: 'service.yaml',
        field: 'details',
        value,
        problem: 'must map image keys to image references',
        fix: 'write `details: { v1: <image> }`',
      },
    ]);
  });

  it.each([
    ['a number', '1.5', 1.5],
    ['a boolean', 'true', true],
    ['a map', '{ image: x }', { image: 'x' }],
    ['empty', '', null],
  ])('reports an image that is %s, not a string', (_title, yamlValue, value) => {
    const file = write('image.yaml', `details:\n  v1: ${yamlValue}\n`);
    expect(thrown(() => loadReleases(file, 'image.yaml')).problems).toEqual([
      {
        where: 'image.yaml',
        field: 'details.v1',
        value,
        problem: 'must be an image reference string',
        fix: expect.stringContaining('@sha256:'),
      },
    ]);
  });

  it('reports every problem of the file at once', () => {
    const file = write('many.yaml', 'details: x\nreviews:\n  v1: 1\n  v2: ok:1\n  v3: false\n');
    const error = thrown(() => loadReleases(file, 'many.yaml'));
    expect(error.problems.map((p) => [p.field, p.value])).toEqual([
      ['details', 'x'],
      ['reviews.v1', 1],
      ['reviews.v3', false],
    ]);
    expect(error.message).toMatch(/^3 problems found:\n/);
  });
});

describe('validateReleases', () => {
  const DEV = 'services/releases/dev.yaml';
  const tags = (): Record<string, Record<string, string>> => ({
    productpage: { v1: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.3' },
    details: { v1: 'docker.io/istio/examples-bookinfo-details-v1:1.20.3' },
    reviews: {
      v1: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3',
      v2: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3',
      v3: 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.3',
    },
    ratings: { v1: 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.3' },
  });
  const digests = (): Record<string, Record<string, string>> =>
    Object.fromEntries(
      Object.entries(tags()).map(([s, pins]) => [
        s,
        Object.fromEntries(Object.entries(pins).map(([k, ref]) => [k, `${ref.replace(/:[^:/]+$/, '')}@${DIGEST}`])),
      ]),
    );
  const dev = (releases: Releases): Problem[] => validateReleases(releases, bookinfo, { requireDigests: false, file: DEV });
  const prod = (releases: Releases): Problem[] =>
    validateReleases(releases, bookinfo, { requireDigests: true, file: 'services/releases/prod.yaml' });

  it('accepts tags where digests are not required', () => {
    expect(dev(tags())).toEqual([]);
  });

  it('accepts digests where digests are required, with or without a tag', () => {
    expect(prod(digests())).toEqual([]);
    const releases = digests();
    releases.reviews.v2 = `docker.io/istio/examples-bookinfo-reviews-v2:1.20.3@${DIGEST}`;
    expect(prod(releases)).toEqual([]);
  });

  it('reports a version without a pin', () => {
    const releases = tags();
    delete releases.reviews.v3;
    const problems = dev(releases);
    expect(problems).toEqual([{ where: DEV, field: 'reviews.v3', problem: 'is not pinned', fix: 'add `v3: <image>` under `reviews:`' }]);
    expect(problems.map(formatProblem)[0]).toMatch(/^services\/releases\/dev\.yaml: reviews\.v3 is not pinned\. Fix: /);
  });

  it('reports a service without any pins', () => {
    const releases = tags();
    delete releases.ratings;
    expect(dev(releases)).toEqual([expect.objectContaining({ where: DEV, field: 'ratings.v1', problem: 'is not pinned' })]);
  });

  it('reports a pin for a service that is not in the catalogue', () => {
    expect(dev({ ...tags(), ratingz: { v1: 'docker.io/x/ratings:1' } })).toEqual([
      {
        where: DEV,
        field: 'ratingz',
        problem: 'is not a service of the catalogue',
        fix: 'remove the stale pin or fix the name (services: details, productpage, ratings, reviews)',
      },
    ]);
  });

  it('reports a pin for a version that does not exist', () => {
    const releases = tags();
    releases.reviews.v4 = 'docker.io/istio/examples-bookinfo-reviews-v4:1.20.3';
    expect(dev(releases)).toEqual([
      {
        where: DEV,
        field: 'reviews.v4',
        value: 'docker.io/istio/examples-bookinfo-reviews-v4:1.20.3',
        problem: 'is not a version of reviews',
        fix: 'remove the stale pin or use one of: v1, v2, v3',
      },
    ]);
  });

  it.each([
    ['not a reference', 'reviews v1 image'],
    ['neither tag nor digest', 'docker.io/istio/examples-bookinfo-reviews-v1'],
    ['a bad digest', 'docker.io/istio/reviews@sha256:1234'],
  ])('reports a malformed pin: %s', (_title, image) => {
    const releases = tags();
    releases.reviews.v1 = image;
    expect(dev(releases)).toEqual([
      {
        where: DEV,
        field: 'reviews.v1',
        value: image,
        problem: 'is not an image reference with a tag or digest',
        fix: 'write registry/repository:tag or registry/repository@sha256:<64 hex>',
      },
    ]);
  });

  it('reports a tag where the environment requires digests, and says a digest is needed', () => {
    const releases = digests();
    releases.details.v1 = 'docker.io/istio/examples-bookinfo-details-v1:1.20.3';
    const problems = prod(releases);
    expect(problems).toEqual([
      {
        where: 'services/releases/prod.yaml',
        field: 'details.v1',
        value: 'docker.io/istio/examples-bookinfo-details-v1:1.20.3',
        problem: 'is a tag; this environment requires an immutable digest',
        fix: expect.stringContaining('pin it as <image>@sha256:<64 hex>'),
      },
    ]);
    expect(formatProblem(problems[0])).toContain('digest');
  });

  it('reports every tag pin where digests are required', () => {
    expect(prod(tags()).map((p) => p.field)).toEqual([
      'productpage.v1',
      'details.v1',
      'reviews.v1',
      'reviews.v2',
      'reviews.v3',
      'ratings.v1',
    ]);
  });

  it('rejects the mutable "latest" tag', () => {
    const releases = tags();
    releases.ratings.v1 = 'docker.io/istio/examples-bookinfo-ratings-v1:latest';
    expect(dev(releases)).toEqual([
      {
        where: DEV,
        field: 'ratings.v1',
        value: 'docker.io/istio/examples-bookinfo-ratings-v1:latest',
        problem: 'uses the mutable "latest" tag',
        fix: 'pin a version tag or a digest so a rollout is repeatable',
      },
    ]);
  });

  it('accepts "latest" when a digest pins it', () => {
    const releases = tags();
    releases.ratings.v1 = `docker.io/istio/examples-bookinfo-ratings-v1:latest@${DIGEST}`;
    expect(dev(releases)).toEqual([]);
  });

  it('needs one pin per image key, shared by the versions that use it', () => {
    const shared: Catalogue = {
      name: 'shop',
      services: [
        {
          spec: {
            name: 'web',
            description: 'd',
            owner: 'team-a',
            port: 8080,
            versions: [
              { name: 'blue', image: 'main', weight: 50 },
              { name: 'green', image: 'main', weight: 50 },
            ],
          },
        },
      ],
    };
    const rules = { requireDigests: false, file: 'shop.yaml' };
    expect(validateReleases({ web: { main: 'example.com/web:1' } }, shared, rules)).toEqual([]);
    expect(validateReleases({ web: { blue: 'example.com/web:1' } }, shared, rules).map((p) => `${p.field} ${p.problem}`)).toEqual([
      'web.main is not pinned',
      'web.blue is not a version of web',
    ]);
  });

  it('reports every problem at once', () => {
    const releases = tags();
    delete releases.details;
    releases.reviews.v2 = 'docker.io/x:latest';
    releases.reviews.v9 = 'docker.io/x:1';
    expect(dev({ ...releases, ghost: {} }).map((p) => p.field)).toEqual(['details.v1', 'reviews.v2', 'reviews.v9', 'ghost']);
  });

  describe("the repository's releases files", () => {
    it.each([
      ['dev', false],
      ['staging', true],
      ['prod', true],
    ])('%s is valid for BookInfo under its rules (requireDigests %p)', (stack, requireDigests) => {
      const environment = loadEnvironment(stack, ROOT);
      expect(environment.requireDigests).toBe(requireDigests);
      const app = environment.apps.find((a) => a.name === 'bookinfo');
      expect(app?.releases).toBe(`services/releases/${stack}.yaml`);
      const file = `services/releases/${stack}.yaml`;
      const releases = loadReleases(releasesFile(ROOT, stack), file);
      expect(Object.keys(releases).sort()).toEqual(['details', 'productpage', 'ratings', 'reviews']);
      expect(validateReleases(releases, bookinfo, { requireDigests, file })).toEqual([]);
    });

    it('dev pins tags, which would not pass where digests are required', () => {
      const releases = loadReleases(releasesFile(ROOT, 'dev'), 'services/releases/dev.yaml');
      const problems = validateReleases(releases, bookinfo, { requireDigests: true, file: 'services/releases/dev.yaml' });
      expect(problems).toHaveLength(6);
      for (const p of problems) expect(p.problem).toBe('is a tag; this environment requires an immutable digest');
    });

    it.each(['staging', 'prod'])('%s pins only digests', (env) => {
      const releases = loadReleases(releasesFile(ROOT, env));
      const refs = Object.values(releases).flatMap((pins) => Object.values(pins));
      expect(refs).toHaveLength(6);
      for (const ref of refs) expect(parseImageReference(ref)?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    });
  });

  it('suggests only npm scripts that exist', () => {
    // An earlier "is not pinned" fix pointed at `npm run release`, which package.json lacks.
    const scripts = Object.keys(
      (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
    );
    const releases = tags();
    delete releases.reviews.v3;
    delete releases.details;
    const problems = [...dev(releases), ...dev({ ...tags(), ghost: {} }), ...prod(tags())];
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      for (const [, script] of problem.fix.matchAll(/npm run ([\w:-]+)/g)) expect(scripts).toContain(script);
    }
  });
});
