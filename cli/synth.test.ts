import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, runCli, spawnTsx } from '../test/cli';
import { synthCli } from './synth-command';

const synth = (...args: string[]) => runCli(synthCli, args);

/** Every file under `dir` by its relative path (`bookinfo/reviews.yaml`), sorted. */
function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

const BOOKINFO_FILES = ['_shared.yaml', 'details.yaml', 'productpage.yaml', 'ratings.yaml', 'reviews.yaml'];

let out: string;
beforeEach(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
});
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

describe('npm run synth', () => {
  it('runs from the command line: writes the files and says where, relative to the working directory', async () => {
    const result = await spawnTsx('cli/synth.ts', ['--env', 'dev', '--out', out]);
    expect(result).toEqual({
      code: 0,
      stdout: `wrote 190 objects in 17 files (apps bookinfo, boutique) to ${path.relative(ROOT, path.join(out, 'dev'))}\n`,
      stderr: '',
    });
    expect(fs.readdirSync(path.join(out, 'dev'))).toEqual(['bookinfo', 'boutique']);
    expect(fs.readdirSync(path.join(out, 'dev', 'bookinfo'))).toEqual(BOOKINFO_FILES);
  });

  it("writes each app's files under <env>/<app>/, one per service plus the shared file, identical bytes on every run", async () => {
    const first = await synth('--env', 'dev', '--out', out);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^wrote 190 objects in 17 files \(apps bookinfo, boutique\) to /);
    const before = readTree(path.join(out, 'dev'));
    expect(Object.keys(before).filter((f) => f.startsWith('bookinfo/'))).toEqual(BOOKINFO_FILES.map((f) => `bookinfo/${f}`));
    expect(Object.keys(before).filter((f) => f.startsWith('boutique/'))).toHaveLength(12);
    // Every object of an app carries its part-of label, and sits in its namespace.
    expect(before['boutique/frontend.yaml']).toContain('app.kubernetes.io/part-of: boutique');
    expect(before['boutique/frontend.yaml']).not.toContain('part-of: bookinfo');
    expect(before['boutique/frontend.yaml']).toContain('namespace: boutique');

    expect((await synth('--env', 'dev', '--out', out)).code).toBe(0);
    expect(readTree(path.join(out, 'dev'))).toEqual(before);
    // Only the environment directory: no temp directories left behind.
    expect(fs.readdirSync(out)).toEqual(['dev']);
  });

  it('synthesizes prod, whose pins are digests', async () => {
    const result = await synth('--env', 'prod', '--out', out);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'prod', 'bookinfo', 'reviews.yaml'), 'utf8')).toContain(
      'examples-bookinfo-reviews-v2:1.20.3@sha256:',
    );
    expect(fs.readFileSync(path.join(out, 'prod', 'boutique', 'frontend.yaml'), 'utf8')).toContain('frontend:v0.10.6@sha256:');
  });

  it('rejects a bad catalogue with the file, field, value and fix, and writes nothing', async () => {
    const result = await synth('--env', 'dev', '--out', out, '--catalogue', 'test/fixtures/catalogues/unknown-dependency.ts');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'test/fixtures/catalogues/unknown-dependency.ts (service "frontend"): dependencies[0] "checkout" is not a service of this catalogue. Fix: use one of: frontend, or add the missing service to the catalogue',
    );
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('leaves earlier output untouched when a later run fails', async () => {
    expect((await synth('--env', 'dev', '--out', out)).code).toBe(0);
    const before = readTree(path.join(out, 'dev'));
    const result = await synth('--env', 'dev', '--out', out, '--catalogue', 'test/fixtures/catalogues/bad-weights.ts');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('versions[].weight 90 is the sum of the weights; it must be 100');
    expect(readTree(path.join(out, 'dev'))).toEqual(before);
    expect(fs.readdirSync(out)).toEqual(['dev']);
  });

  it('reports missing pins of another catalogue against the releases file', async () => {
    const result = await synth('--env', 'dev', '--out', out, '--catalogue', 'test/fixtures/catalogues/single.ts');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('services/releases/dev.yaml: frontend.v1 is not pinned.');
    expect(result.stderr).toContain('services/releases/dev.yaml: productpage is not a service of the catalogue.');
  });

  it('rejects a module that does not export a catalogue', async () => {
    const result = await synth('--env', 'dev', '--out', out, '--catalogue', 'test/fixtures/catalogues/not-a-catalogue.ts');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'test/fixtures/catalogues/not-a-catalogue.ts: exports ["services"] include no catalogue (a default export or one named "catalogue").',
    );
  });

  describe('mesh consistency errors: non-zero exit, the service, field and value, nothing written', () => {
    it.each([
      [
        'route-unknown-version',
        'test/fixtures/catalogues/route-unknown-version.ts (service "web"): routes[0].version "v2" is not a version of this service. Fix: use one of: v1, or leave it out to use the weights',
      ],
      [
        'same-public-path',
        'test/fixtures/catalogues/same-public-path.ts (service "shop"): routes[0].path "/shop" is already claimed by test/fixtures/catalogues/same-public-path.ts (service "web") (prefix match)',
      ],
      [
        'host-outside-domain',
        `test/fixtures/catalogues/host-outside-domain.ts (service "web"): routes[0].host "www.example.org" is outside the app's host bookinfo.dev.example.com (its host in platform:apps, or platform:domain, in Pulumi.dev.yaml)`,
      ],
      [
        'header-match-tcp',
        'test/fixtures/catalogues/header-match-tcp.ts (service "db"): versions[].headerMatch "tcp" needs HTTP headers, but the service speaks tcp',
      ],
      [
        'unknown-dependency',
        'test/fixtures/catalogues/unknown-dependency.ts (service "frontend"): dependencies[0] "checkout" is not a service of this catalogue',
      ],
      [
        'bad-weights',
        'test/fixtures/catalogues/bad-weights.ts (service "cart"): versions[].weight 90 is the sum of the weights; it must be 100',
      ],
    ])('%s', async (fixture, message) => {
      const result = await synth('--env', 'dev', '--out', out, '--catalogue', `test/fixtures/catalogues/${fixture}.ts`);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(fs.readdirSync(out)).toEqual([]);
    });

    it('fault injection: accepted in dev, refused in prod', async () => {
      expect((await synth('--env', 'dev', '--out', out, '--catalogue', 'test/fixtures/catalogues/faults.ts')).code).toBe(0);
      expect(fs.readFileSync(path.join(out, 'dev', 'bookinfo', 'ratings.yaml'), 'utf8')).toContain('httpStatus: 503');
      const prod = await synth('--env', 'prod', '--out', out, '--catalogue', 'test/fixtures/catalogues/faults.ts');
      expect(prod.code).toBe(2);
      expect(prod.stderr).toContain(
        'services/bookinfo/ratings.ts (service "ratings"): traffic.faults {"abort":{"httpStatus":503,"percent":50}} injects faults, which production environments refuse.',
      );
      expect(fs.readdirSync(out)).toEqual(['dev']);
    });
  });

  it('names the available stacks when the environment does not exist', async () => {
    const result = await synth('--env', 'qa', '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Pulumi.qa.yaml: (file) "qa" is not a stack of this repository. Fix: use one of: dev, prod, staging, or create Pulumi.qa.yaml',
    );
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('prints usage for a missing --env or an unknown option', async () => {
    const missing = await synth('--out', out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--env is required');
    expect(missing.stderr).toContain('usage: npm run synth -- --env <env>');
    const unknown = await synth('--env', 'dev', '--colour');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
  });
});
