import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PREVIEW_STACK, type AppConfig } from '../core/config';
import { runCli, spawnTsx, type CliResult } from '../test/cli';
import { thrown } from '../test/fixtures/thrown';
import {
  affectedInRepository,
  affectedStacks,
  byEnvironmentOrder,
  longLivedStacks,
  previewApps,
  previewAppsInRepository,
  previewStackName,
  readChangedPaths,
  stacksCli,
} from './stacks-command';

const STACKS = ['dev', 'staging', 'prod'];
const ALL = STACKS;
const NONE: string[] = [];
/** Each stack's pins files, as the repository's stack files set them: BookInfo's and Online Boutique's. */
const PINS = new Map(STACKS.map((s) => [s, [`services/releases/${s}.yaml`, `services/boutique/releases/${s}.yaml`]]));

let tmp: string;
let changedFile: string;
let appsChangedFile: string;
const RUNS = {
  prName: ['pr-name', '--pr', '42', '--format', 'github'],
  badPr: ['pr-name', '--pr', '12345678'],
  affected: ['affected', '--changed', '<changed>', '--format', 'github'],
  previewApps: ['preview-apps', '--changed', '<apps-changed>', '--format', 'github'],
  previewAppsJson: ['preview-apps', '--changed', '<apps-changed>'],
  missingChanged: ['affected', '--changed', 'no/such/changed.txt'],
} as const;
let results: Record<keyof typeof RUNS, CliResult>;
let spawned: CliResult;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-'));
  changedFile = path.join(tmp, 'changed.txt');
  appsChangedFile = path.join(tmp, 'apps-changed.txt');
  fs.writeFileSync(changedFile, 'README.md\nservices/releases/staging.yaml\n');
  fs.writeFileSync(appsChangedFile, 'README.md\nservices/releases/staging.yaml\nservices/boutique/frontend.ts\n');
  const argv = (args: readonly string[]) =>
    args.map((a) => (a === '<changed>' ? changedFile : a === '<apps-changed>' ? appsChangedFile : a));
  // The spawned run starts tsx while the in-process runs go on.
  const spawn = spawnTsx('cli/stacks.ts', argv(RUNS.affected));
  const entries = await Promise.all(Object.entries(RUNS).map(async ([name, args]) => [name, await runCli(stacksCli, argv(args))] as const));
  results = Object.fromEntries(entries) as typeof results;
  spawned = await spawn;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('previewStackName', () => {
  it.each(['1', '42', '9999999'])('names pull request %s pr-<N>, which matches PREVIEW_STACK', (pr) => {
    expect(previewStackName(pr)).toBe(`pr-${pr}`);
    expect(previewStackName(pr)).toMatch(PREVIEW_STACK);
  });

  it.each([
    ['0', 'must be positive'],
    ['000', 'must be positive'],
    ['-3', 'is not a positive whole number'],
    ['1.5', 'is not a positive whole number'],
    ['1e3', 'is not a positive whole number'],
    ['abc', 'is not a positive whole number'],
    ['', 'is not a positive whole number'],
    [' 7', 'is not a positive whole number'],
    ['007', 'has leading zeros'],
    ['12345678', 'has 8 digits; preview stack names (pr-<N>) allow at most 7'],
  ])('refuses %j: %s', (pr, problem) => {
    expect(thrown(() => previewStackName(pr)).problems).toEqual([
      {
        where: '--pr',
        field: 'pull request number',
        value: pr,
        problem,
        fix: 'pass the number GitHub gives the pull request, e.g. --pr "${{ github.event.pull_request.number }}"',
      },
    ]);
  });
});

describe('affectedStacks', () => {
  it.each<[string, string[], string[]]>([
    // Pulumi.<env>.yaml: that stack only.
    ['a stack file affects its stack', ['Pulumi.staging.yaml'], ['staging']],
    ['two stack files affect both, in stack order', ['Pulumi.prod.yaml', 'Pulumi.dev.yaml'], ['dev', 'prod']],
    ['a preview stack file affects no long-lived stack', ['Pulumi.pr-7.yaml'], NONE],
    ['a stack file of an unknown stack affects none', ['Pulumi.qa.yaml'], NONE],
    // An app's pins file: the stacks that use it only.
    ['a pins file affects its stack', ['services/releases/prod.yaml'], ['prod']],
    ["an app's own pins file affects its stack", ['services/boutique/releases/staging.yaml'], ['staging']],
    ['two pins files of two stacks affect both', ['services/boutique/releases/prod.yaml', 'services/releases/dev.yaml'], ['dev', 'prod']],
    ['pins and a stack file add up', ['services/releases/dev.yaml', 'Pulumi.staging.yaml'], ['dev', 'staging']],
    ['a pins file no stack uses affects all (fail safe)', ['services/releases/qa.yaml'], ALL],
    ["a file beside an app's pins files that no stack uses affects all", ['services/boutique/releases/qa.yaml'], ALL],
    // Project-wide files and folders: every stack.
    ['Pulumi.yaml affects all', ['Pulumi.yaml'], ALL],
    ['package.json affects all', ['package.json'], ALL],
    ['package-lock.json affects all', ['package-lock.json'], ALL],
    ['tsconfig.json affects all', ['tsconfig.json'], ALL],
    ['core/ affects all', ['core/config-schema.ts'], ALL],
    ['infra/ affects all', ['infra/cluster.ts'], ALL],
    ['infra/ values files affect all', ['infra/istio/istiod.yaml'], ALL],
    ['charts/ affects all', ['charts/mesh/traffic.ts'], ALL],
    ['services/ other than pins files affects all', ['services/bookinfo/reviews.ts'], ALL],
    ["an app's catalogue affects all", ['services/boutique/frontend.ts'], ALL],
    ['a file beside the releases folder affects all', ['services/releases.ts'], ALL],
    ['a nested file under releases affects all', ['services/releases/old/dev.yaml'], ALL],
    ['imports/ affects all', ['imports/networking.istio.io.ts'], ALL],
    ['policies/ affects all', ['policies/rules/images.ts'], ALL],
    ['one project-wide file among stack files affects all', ['Pulumi.dev.yaml', 'charts/workload.ts'], ALL],
    // Documentation, tests, CI definitions, the benchmark: none.
    ['a Markdown file affects none', ['README.md'], NONE],
    ['a Markdown file inside infra/ affects none', ['infra/README.md'], NONE],
    ['docs/ affects none', ['docs/architecture.png'], NONE],
    ['a test file affects none', ['charts/workload.test.ts'], NONE],
    ['test/ affects none', ['test/golden/dev/reviews.yaml'], NONE],
    ['.github/ affects none', ['.github/workflows/pr.yml'], NONE],
    ['bench/ affects none', ['bench/synth.bench.ts'], NONE],
    ['no change affects none', [], NONE],
    ['blank lines are ignored', ['', '  '], NONE],
    // Anything else: every stack (fail safe).
    ['cli/ affects all', ['cli/synth.ts'], ALL],
    ['an unknown top-level file affects all', ['.gitignore'], ALL],
    ['a test-looking name that is not a test affects all', ['charts/test.ts'], ALL],
    ['a git-quoted path affects all', ['"charts/wei\\tght.ts"'], ALL],
  ])('%s', (_name, changed, expected) => {
    expect(affectedStacks(changed, STACKS, PINS)).toEqual(expected);
  });

  it("follows a stack whose app pins its images from another stack's file", () => {
    const releasesOf = new Map([
      ['dev', ['services/releases/dev.yaml']],
      ['staging', ['services/releases/prod.yaml', 'services/boutique/releases/staging.yaml']],
      ['prod', ['services/releases/prod.yaml']],
    ]);
    expect(affectedStacks(['services/releases/prod.yaml'], STACKS, releasesOf)).toEqual(['staging', 'prod']);
    expect(affectedStacks(['services/boutique/releases/staging.yaml'], STACKS, releasesOf)).toEqual(['staging']);
    expect(affectedStacks(['services/releases/staging.yaml'], STACKS, releasesOf)).toEqual(ALL);
  });

  it('without the pins files of the stacks, takes any pins file to affect all (fail safe)', () => {
    expect(affectedStacks(['services/releases/dev.yaml'], STACKS)).toEqual(ALL);
  });

  it('trims whitespace, carriage returns and a leading ./', () => {
    expect(affectedStacks(['  ./Pulumi.dev.yaml\r'], STACKS, PINS)).toEqual(['dev']);
  });

  it('keeps the order of the stacks it is given', () => {
    expect(affectedStacks(['package.json'], ['prod', 'dev'])).toEqual(['prod', 'dev']);
  });
});

describe('previewApps', () => {
  const app = (name: string, catalogue: string, releases: string): AppConfig => ({
    name,
    catalogue,
    releases,
    namespace: name,
    host: `${name}.dev.example.com`,
  });
  const APPS = [
    app('bookinfo', 'services/bookinfo', 'services/releases/dev.yaml'),
    app('boutique', 'services/boutique', 'services/boutique/releases/dev.yaml'),
  ];
  const EVERY = ['bookinfo', 'boutique'];

  it.each<[string, string[], string[]]>([
    // An app's catalogue or dev pins: that app.
    ["a service of an app's catalogue", ['services/bookinfo/reviews.ts'], ['bookinfo']],
    ["the app's index", ['services/boutique/index.ts'], ['boutique']],
    ["the app's dev pins file", ['services/releases/dev.yaml'], ['bookinfo']],
    ["an app's dev pins file inside its catalogue folder", ['services/boutique/releases/dev.yaml'], ['boutique']],
    ["two apps, in dev's order", ['services/boutique/frontend.ts', 'services/bookinfo/details.ts'], EVERY],
    [
      'a documentation or test file beside the change is left out',
      ['services/boutique/frontend.ts', 'README.md', 'services/boutique/boutique.test.ts'],
      ['boutique'],
    ],
    // Other stacks' files: no app.
    ["another stack's pins file beside an app's change", ['services/releases/staging.yaml', 'services/boutique/frontend.ts'], ['boutique']],
    [
      "another stack's pins file inside an app's folder",
      ['services/boutique/releases/prod.yaml', 'services/bookinfo/ratings.ts'],
      ['bookinfo'],
    ],
    ["another stack's settings beside an app's change", ['Pulumi.staging.yaml', 'services/bookinfo/ratings.ts'], ['bookinfo']],
    // Shared code and dev's settings: every app.
    ['core/', ['core/config-schema.ts', 'services/bookinfo/ratings.ts'], EVERY],
    ['charts/', ['charts/workload.ts'], EVERY],
    ['infra/', ['infra/app-resources.ts'], EVERY],
    ['policies/', ['policies/rules/images.ts'], EVERY],
    ['services/*.ts outside an app', ['services/apps.ts', 'services/boutique/frontend.ts'], EVERY],
    ['a folder beside an app that is no app', ['services/examples/saga/index.ts'], EVERY],
    ['package-lock.json', ['package-lock.json'], EVERY],
    ['Pulumi.yaml', ['Pulumi.yaml'], EVERY],
    ["dev's settings", ['Pulumi.dev.yaml'], EVERY],
    ["a preview stack's settings", ['Pulumi.pr-7.yaml'], EVERY],
    ['an unknown path (fail safe)', ['cli/synth.ts'], EVERY],
    // Nothing that touches an app: every app (the preview stack still runs).
    ['documentation only', ['README.md', 'docs/ci-cd.md'], EVERY],
    ["another stack's pins only", ['services/releases/prod.yaml'], EVERY],
    ['no change', [], EVERY],
  ])('%s', (_name, changed, expected) => {
    expect(previewApps(changed, APPS, PINS)).toEqual(expected);
  });

  it('takes a catalogue module that is one file', () => {
    const apps = [...APPS, app('shop', 'services/shop', 'services/shop/releases/dev.yaml')];
    expect(previewApps(['services/shop.ts'], apps, PINS)).toEqual(['shop']);
    expect(previewApps(['services/shopping/cart.ts'], apps, PINS)).toEqual(['bookinfo', 'boutique', 'shop']);
  });
});

describe('the repository', () => {
  it('has the long-lived stacks dev, staging, prod, in promotion order', () => {
    expect(longLivedStacks()).toEqual(['dev', 'staging', 'prod']);
  });

  it("maps each app's pins file to its own stack", () => {
    expect(affectedInRepository(['services/releases/staging.yaml'])).toEqual(['staging']);
    expect(affectedInRepository(['services/boutique/releases/prod.yaml'])).toEqual(['prod']);
  });

  it("previews the dev apps a change touches: dev's apps and every stack's pins files", () => {
    expect(previewAppsInRepository(['services/boutique/releases/staging.yaml', 'services/bookinfo/reviews.ts'])).toEqual(['bookinfo']);
    expect(previewAppsInRepository(['services/boutique/releases/dev.yaml'])).toEqual(['boutique']);
  });

  it('orders environments dev, staging, prod, then the others by name', () => {
    expect(['qa', 'prod', 'alpha', 'dev', 'staging'].sort(byEnvironmentOrder)).toEqual(['dev', 'staging', 'prod', 'alpha', 'qa']);
  });

  it('reads a changed-paths file, one path a line, without blank lines', () => {
    const file = path.join(tmp, 'crlf.txt');
    fs.writeFileSync(file, 'a.md\r\n\r\nb.ts\r\n');
    expect(readChangedPaths(file)).toEqual(['a.md', 'b.ts']);
  });
});

describe('npm run stacks', () => {
  it('runs from the command line: affected --format github prints the JSON array and exits 0', () => {
    expect(spawned).toEqual({ code: 0, stdout: 'stacks=["staging"]\n', stderr: '' });
  });

  it('pr-name --format github prints the stack for $GITHUB_OUTPUT', () => {
    expect(results.prName).toEqual({ code: 0, stdout: 'stack=pr-42\n', stderr: '' });
  });

  it('pr-name refuses a number over 7 digits with the value and the fix', () => {
    expect(results.badPr.code).toBe(2);
    expect(results.badPr.stderr).toBe(
      'error: not a pull request number:\n' +
        '  - --pr: pull request number "12345678" has 8 digits; preview stack names (pr-<N>) allow at most 7. ' +
        'Fix: pass the number GitHub gives the pull request, e.g. --pr "${{ github.event.pull_request.number }}"\n',
    );
  });

  it('affected --format github prints the JSON array for $GITHUB_OUTPUT', () => {
    expect(results.affected).toEqual({ code: 0, stdout: 'stacks=["staging"]\n', stderr: '' });
  });

  it('preview-apps --format github prints the JSON list for $GITHUB_OUTPUT', () => {
    expect(results.previewApps).toEqual({ code: 0, stdout: 'apps=["boutique"]\n', stderr: '' });
    expect(results.previewAppsJson).toEqual({ code: 0, stdout: '["boutique"]\n', stderr: '' });
  });

  it('affected names a changed-paths file that does not exist, and how to write it', () => {
    expect(results.missingChanged.code).toBe(2);
    expect(results.missingChanged.stderr).toContain('no/such/changed.txt: --changed is not a file. Fix: write the changed paths first');
  });
});
