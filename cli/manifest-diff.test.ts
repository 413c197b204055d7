import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ROOT, runCli, spawnTsx } from '../test/cli';
import { thrown } from '../test/fixtures/thrown';
import type { JsonCheck, JsonReport, JsonViolation } from '../policies/report';
import { changedPaths, MARKER, manifestDiffCli, parsePolicyReport, runManifestDiff } from './manifest-diff-command';

const GOLDEN = path.join(ROOT, 'test', 'golden', 'dev');

type Obj = Record<string, unknown>;

function deployment(name: string, image: string, extra: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'bookinfo', labels: { app: name } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image }] } } },
    ...extra,
  };
}

function service(name: string): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'bookinfo' }, spec: { ports: [{ port: 9080 }] } };
}

const NAMESPACE: Obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } };

/** `{ env: { service: objects } }` as synth writes it: one multi-document file per service. */
type Tree = Record<string, Record<string, Obj[]>>;

function standard(): Tree {
  const env = (): Record<string, Obj[]> => ({
    _shared: [NAMESPACE],
    details: [service('details'), deployment('details-v1', 'details:1.0')],
    reviews: [service('reviews'), deployment('reviews-v1', 'reviews:1.0')],
  });
  return { dev: env(), staging: env(), prod: env() };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-diff-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, tree: Tree): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [env, services] of Object.entries(tree)) {
    fs.mkdirSync(path.join(dir, env));
    for (const [svc, objects] of Object.entries(services)) {
      fs.writeFileSync(path.join(dir, env, `${svc}.yaml`), objects.map((o) => `---\n${stringify(o)}`).join(''));
    }
  }
  return dir;
}

function writePolicy(reports: Record<string, string>): string {
  const dir = path.join(tmp, 'policy');
  fs.mkdirSync(dir);
  for (const [env, text] of Object.entries(reports)) fs.writeFileSync(path.join(dir, `${env}.json`), text);
  return dir;
}

/** A check of `npm run policy -- <env> --format json`, with the given mandatory violations. */
function check(title: string, env: string, violations: JsonViolation[]): JsonCheck {
  return {
    title,
    target: 'manifests',
    environment: env,
    verdict: violations.length === 0 ? 'PASS' : 'FAIL',
    rulesRun: 78,
    counts: { mandatory: violations.length, advisory: 0, waived: 0 },
    violations,
    notes: [],
    exceptions: { expired: [], unused: [] },
  };
}
const violation = (n: number): JsonViolation => ({
  rule: 'IM01-image-digest',
  severity: 'high',
  enforcement: 'mandatory',
  object: `Deployment/bookinfo/reviews-v${n}`,
  message: 'image reviews:1 is not pinned by digest',
  fix: 'pin it',
  waiver: null,
  locations: [],
});
const report = (...checks: JsonCheck[]): string =>
  `${JSON.stringify({ version: 1, verdict: checks.every((c) => c.verdict === 'PASS') ? 'PASS' : 'FAIL', checks } satisfies JsonReport, null, 2)}\n`;
const pass = (env: string): string => report(check(`Policy check of the ${env} manifests`, env, []));
const fail = (env: string, count = 1): string =>
  report(
    check(
      `Policy check of the ${env} manifests`,
      env,
      Array.from({ length: count }, (_, i) => violation(i + 1)),
    ),
  );

function diff(base: Tree, head: Tree, policy?: Record<string, string>): string {
  return runManifestDiff({
    base: write('base', base),
    head: write('head', head),
    policy: policy === undefined ? undefined : writePolicy(policy),
  }).markdown;
}

describe('manifest-diff', () => {
  it('says "No manifest changes" for identical trees, with the marker first', () => {
    expect(diff(standard(), standard())).toBe(`${MARKER}\n## Manifest diff\n\nNo manifest changes in dev, staging, prod.\n`);
  });

  it('ignores formatting: the same objects written differently are no change', () => {
    const base = write('base', standard());
    const head = write('head', standard());
    const file = path.join(head, 'dev', 'details.yaml');
    fs.writeFileSync(file, `# a comment\n${fs.readFileSync(file, 'utf8').replace('namespace: bookinfo', 'namespace: "bookinfo"')}`);
    expect(runManifestDiff({ base, head }).markdown).toContain('No manifest changes');
  });

  it('renders an added, a changed and a removed object, per service, with the changed field path', () => {
    const head = standard();
    head.dev.reviews = [
      deployment('reviews-v1', 'reviews:1.1'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'reviews', namespace: 'bookinfo' }, data: { a: 'b' } },
    ];
    expect(diff(standard(), head)).toBe(
      [
        MARKER,
        '## Manifest diff',
        '',
        '### dev: 1 added, 1 changed, 1 removed',
        '',
        '| service | added | changed | removed |',
        '| --- | ---: | ---: | ---: |',
        '| reviews | 1 | 1 | 1 |',
        '',
        'No change: (shared), details',
        '',
        '<details>',
        '<summary>Objects of dev (3)</summary>',
        '',
        '**reviews**',
        '',
        '- added `ConfigMap bookinfo/reviews`',
        '- changed `Deployment bookinfo/reviews-v1`: `spec.template.spec.containers[name=app].image`',
        '- removed `Service bookinfo/reviews`',
        '',
        '</details>',
        '',
        '### staging: no change',
        '',
        '### prod: no change',
        '',
      ].join('\n'),
    );
  });

  it('counts a new service file as added objects and marks the service new', () => {
    const head = standard();
    head.staging.ratings = [service('ratings'), deployment('ratings-v1', 'ratings:1.0')];
    const markdown = diff(standard(), head);
    expect(markdown).toContain('### staging: 2 added, 0 changed, 0 removed');
    expect(markdown).toContain('| ratings (new) | 2 | 0 | 0 |');
    expect(markdown).toContain('No change: (shared), details, reviews');
  });

  it('shows a new environment with everything added', () => {
    const base = standard();
    delete base.prod;
    const markdown = diff(base, standard());
    expect(markdown).toContain('### prod (new environment): 5 added, 0 changed, 0 removed');
    expect(markdown).toContain(['| (shared) | 1 | 0 | 0 |', '| details | 2 | 0 | 0 |', '| reviews | 2 | 0 | 0 |'].join('\n'));
    expect(markdown).toContain('### dev: no change');
  });

  it('shows an environment missing on head as removed', () => {
    const head = standard();
    delete head.staging;
    const markdown = diff(standard(), head);
    expect(markdown).toContain('### staging (removed): 0 added, 0 changed, 5 removed');
    expect(markdown).toContain('- removed `Namespace bookinfo`');
  });

  it('treats a new version of the same API group as a change of the same object', () => {
    const before = {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'Gateway',
      metadata: { name: 'gw', namespace: 'bookinfo' },
      spec: { selector: { istio: 'ingress' } },
    };
    const base = standard();
    const head = standard();
    base.dev._shared = [NAMESPACE, before];
    head.dev._shared = [NAMESPACE, { ...before, apiVersion: 'networking.istio.io/v1' }];
    const markdown = diff(base, head);
    expect(markdown).toContain('| (shared) | 0 | 1 | 0 |');
    expect(markdown).toContain('- changed `Gateway bookinfo/gw`: `apiVersion`');
  });

  it('treats the same kind and name in another API group as another object, naming the groups', () => {
    const istio = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'bookinfo' } };
    const base = standard();
    const head = standard();
    base.dev._shared = [NAMESPACE, istio];
    head.dev._shared = [NAMESPACE, { ...istio, apiVersion: 'gateway.networking.k8s.io/v1' }];
    const markdown = diff(base, head);
    expect(markdown).toContain(
      '- added `Gateway bookinfo/gw (gateway.networking.k8s.io)`\n- removed `Gateway bookinfo/gw (networking.istio.io)`',
    );
  });

  it('orders environments dev, staging, prod, then the others by name', () => {
    const head = standard();
    head.qa = { _shared: [NAMESPACE] };
    head.alpha = { _shared: [NAMESPACE] };
    const headings = [...diff(standard(), head).matchAll(/^### (\S+)/gm)].map((m) => m[1]);
    expect(headings).toEqual(['dev:', 'staging:', 'prod:', 'alpha', 'qa']);
  });

  it('lists a handful of changed paths per object, then how many more', () => {
    const head = standard();
    head.dev.details[1] = deployment('details-v1', 'details:2.0', {
      metadata: {
        name: 'details-v1',
        namespace: 'bookinfo',
        labels: { app: 'x', 'app.kubernetes.io/version': '2' },
        annotations: { a: '1' },
      },
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'details:2.0' },
              { name: 'sidecar', image: 's' },
            ],
          },
        },
      },
    });
    expect(diff(standard(), head)).toContain(
      '- changed `Deployment bookinfo/details-v1`: `metadata.annotations`, `metadata.labels.app`, `metadata.labels["app.kubernetes.io/version"]`, ' +
        '`spec.replicas`, `spec.template.spec.containers[name=app].image` and 1 more',
    );
  });

  it('reads the layout synth --out <dir>/<env> writes, <dir>/<env>/<env>/, beside the flat one', () => {
    const base = write('base', standard());
    const head = write('head', standard());
    for (const env of ['dev', 'staging', 'prod']) {
      fs.renameSync(path.join(base, env), path.join(base, `${env}.tmp`));
      fs.mkdirSync(path.join(base, env));
      fs.renameSync(path.join(base, `${env}.tmp`), path.join(base, env, env));
    }
    expect(runManifestDiff({ base, head }).markdown).toContain('No manifest changes in dev, staging, prod.');
  });

  it('finds one changed image among the real synthesized manifests of every app (dev/<app>/<service>.yaml)', () => {
    const base = path.join(tmp, 'base', 'dev');
    const head = path.join(tmp, 'head', 'dev');
    for (const dir of [base, head]) fs.cpSync(GOLDEN, dir, { recursive: true });
    const reviews = path.join(head, 'bookinfo', 'reviews.yaml');
    fs.writeFileSync(
      reviews,
      fs.readFileSync(reviews, 'utf8').replace('examples-bookinfo-reviews-v2:1.20.3', 'examples-bookinfo-reviews-v2:1.20.4'),
    );
    const markdown = runManifestDiff({ base: path.join(tmp, 'base'), head: path.join(tmp, 'head') }).markdown;
    expect(markdown).toContain('| bookinfo/reviews | 0 | 1 | 0 |');
    expect(markdown).toContain('No change: bookinfo/_shared, bookinfo/details, bookinfo/productpage, bookinfo/ratings, boutique/_shared, ');
    expect(markdown).toContain('- changed `Deployment bookinfo/reviews-v2`: `spec.template.spec.containers[name=reviews].image`');
  });

  it('draws the change in shape of the real manifests: new weights of reviews, a Mermaid graph above the table', () => {
    const base = path.join(tmp, 'base', 'dev');
    const head = path.join(tmp, 'head', 'dev');
    for (const dir of [base, head]) fs.cpSync(GOLDEN, dir, { recursive: true });
    const reviews = path.join(head, 'bookinfo', 'reviews.yaml');
    fs.writeFileSync(reviews, fs.readFileSync(reviews, 'utf8').replace('weight: 80', 'weight: 70').replace('weight: 10', 'weight: 20'));
    const markdown = runManifestDiff({ base: path.join(tmp, 'base'), head: path.join(tmp, 'head') }).markdown;
    expect(markdown).toContain(
      [
        '### dev: 0 added, 1 changed, 0 removed',
        '',
        '**Shape of the change**: weights changed: bookinfo/reviews',
        '',
        '```mermaid',
        'flowchart LR',
        '  subgraph app__bookinfo ["bookinfo"]',
        '    svc__bookinfo__reviews("reviews<br>now v1 70% / v2 20% / v3 10%<br>was v1 80% / v2 10% / v3 10%<br>v2 if end-user=jason")',
        '  end',
      ].join('\n'),
    );
    expect(markdown).toContain(
      '  class svc__bookinfo__reviews changed\n```\n\nGreen, thick: added; red, dotted: removed; amber: weights changed (now, then was).\n\n| service |',
    );
  });

  it('draws no graph when only an image changed', () => {
    const base = path.join(tmp, 'base', 'dev');
    const head = path.join(tmp, 'head', 'dev');
    for (const dir of [base, head]) fs.cpSync(GOLDEN, dir, { recursive: true });
    const details = path.join(head, 'bookinfo', 'details.yaml');
    fs.writeFileSync(
      details,
      fs.readFileSync(details, 'utf8').replace(/examples-bookinfo-details-v1:[\w.]+/, 'examples-bookinfo-details-v1:9.9.9'),
    );
    const markdown = runManifestDiff({ base: path.join(tmp, 'base'), head: path.join(tmp, 'head') }).markdown;
    expect(markdown).toContain('| bookinfo/details | 0 | 1 | 0 |');
    expect(markdown).not.toContain('Shape of the change');
    expect(markdown).not.toContain('```mermaid');
  });
});

describe('manifest-diff --policy', () => {
  it("says PASS in all environments and quotes each verdict, skipping npm's header", () => {
    const head = standard();
    head.dev.details[1] = deployment('details-v1', 'details:2.0');
    const markdown = diff(standard(), head, {
      dev: `\n> gke-mesh-platform@0.1.0 policy\n> tsx cli/policy.ts dev\n\n${pass('dev')}`,
      staging: pass('staging'),
      prod: pass('prod'),
    });
    expect(markdown.split('\n').slice(0, 4)).toEqual([MARKER, '## Manifest diff', '', 'Policy: PASS in all environments']);
    expect(markdown).toContain(
      '### dev: 0 added, 1 changed, 0 removed\n\n> Policy check of the dev manifests: PASS (78 rules; 0 mandatory violations, 0 advisory, 0 waived)\n\n| service',
    );
    expect(markdown).toContain('### prod: no change\n\n> Policy check of the prod manifests: PASS');
  });

  it('names the failing environments on the top line', () => {
    const markdown = diff(standard(), standard(), { dev: pass('dev'), staging: fail('staging'), prod: fail('prod') });
    expect(markdown).toContain('Policy: FAIL in staging, prod\n');
    expect(markdown).toContain('No manifest changes in dev, staging, prod.\n\n> Policy check of the dev manifests: PASS');
    expect(markdown).toContain('> Policy check of the prod manifests: FAIL (78 rules; 1 mandatory violations, 0 advisory, 0 waived)');
  });

  it('quotes the first mandatory violations of a failing environment', () => {
    const markdown = diff(standard(), standard(), { dev: pass('dev'), staging: pass('staging'), prod: fail('prod', 7) });
    expect(markdown).toContain(
      [
        '> Policy check of the prod manifests: FAIL (78 rules; 7 mandatory violations, 0 advisory, 0 waived)',
        ...[1, 2, 3, 4, 5].map(
          (n) => `> - \`IM01-image-digest\` Deployment/bookinfo/reviews-v${n}: image reviews:1 is not pinned by digest`,
        ),
        '> - ... and 2 more',
      ].join('\n'),
    );
  });

  it('counts a report without a verdict as a failure, and says which environment has no report', () => {
    const markdown = diff(standard(), standard(), { dev: '', staging: pass('staging') });
    expect(markdown).toContain('Policy: FAIL in dev\n');
    expect(markdown).toContain('> Policy: no verdict in ');
    expect(markdown).toContain('> Policy: no report (no prod.json in the policy directory)');
  });

  it('says why a report holds no verdict: text output, or JSON of another shape', () => {
    const text = diff(standard(), standard(), {
      dev: 'Policy check of the dev manifests: PASS (78 rules)\n',
      staging: pass('staging'),
      prod: '{"version": 2, "checks": []}\n',
    });
    expect(text).toMatch(
      /> Policy: no verdict in \S*dev\.json \(no JSON object; it starts: `Policy check of the dev manifests: PASS \(78 rules\)`\); the policy run may have crashed, see its log/,
    );
    expect(text).toMatch(
      /> Policy: no verdict in \S*prod\.json \(not a policy report of version 1 \(npm run policy -- <env> --format json\); it starts: `\{"version": 2, "checks": \[\]\}`\)/,
    );
  });

  it('says which environment has no report when the others pass', () => {
    expect(diff(standard(), standard(), { dev: pass('dev'), staging: pass('staging') })).toContain(
      'Policy: PASS in dev, staging; no report for prod\n',
    );
  });

  it('reads every check of a report with --infra, failing on any', () => {
    const text = report(check('Policy check of the dev manifests', 'dev', []), {
      ...check('Policy check of the dev infrastructure (offline)', 'dev', [violation(1)]),
      target: 'resources',
      rulesRun: 30,
    });
    expect(parsePolicyReport(text, 'dev', 'dev.json')).toEqual({
      env: 'dev',
      verdict: 'FAIL',
      file: 'dev.json',
      lines: [
        'Policy check of the dev manifests: PASS (78 rules; 0 mandatory violations, 0 advisory, 0 waived)',
        'Policy check of the dev infrastructure (offline): FAIL (30 rules; 1 mandatory violations, 0 advisory, 0 waived)',
        '- `IM01-image-digest` Deployment/bookinfo/reviews-v1: image reviews:1 is not pinned by digest',
      ],
    });
  });
});

describe('changedPaths', () => {
  it.each<[string, unknown, unknown, string[]]>([
    ['equal values', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, []],
    ['a changed leaf', { a: { b: 1 } }, { a: { b: 2 } }, ['a.b']],
    ['an added subtree, as one path', { a: {} }, { a: { b: { c: 1 } } }, ['a.b']],
    ['a removed field', { a: 1, b: 2 }, { a: 1 }, ['b']],
    ['an array grown by one', { a: [1] }, { a: [1, 2] }, ['a[1]']],
    [
      'a key that is not an identifier',
      { l: { 'app.kubernetes.io/name': 'x' } },
      { l: { 'app.kubernetes.io/name': 'y' } },
      ['l["app.kubernetes.io/name"]'],
    ],
    ['a changed type', { a: [1] }, { a: { 0: 1 } }, ['a']],
    ['whole values', 1, 2, ['(whole object)']],
  ])('%s', (_name, before, after, expected) => {
    expect(changedPaths(before, after)).toEqual(expected);
  });
});

describe('changedPaths matches list entries by their Kubernetes merge key', () => {
  const env = (...names: string[]) => names.map((name) => ({ name, value: name.toLowerCase() }));
  const pod = (containers: unknown[]) => ({ spec: { template: { spec: { containers } } } });

  it('shows one env var added in the middle as one path, not every later entry changed', () => {
    const before = pod([{ name: 'app', env: env('A', 'B', 'C') }]);
    const after = pod([{ name: 'app', env: env('A', 'NEW', 'B', 'C') }]);
    expect(changedPaths(before, after)).toEqual(['spec.template.spec.containers[name=app].env[name=NEW]']);
  });

  it('shows a removed env var and a changed one by name, the removed one last', () => {
    const before = pod([{ name: 'app', env: env('A', 'B', 'C') }]);
    const after = pod([{ name: 'app', env: [{ name: 'A', value: 'changed' }, ...env('C')] }]);
    expect(changedPaths(before, after)).toEqual([
      'spec.template.spec.containers[name=app].env[name=A].value',
      'spec.template.spec.containers[name=app].env[name=B]',
    ]);
  });

  it('matches containers by name when a sidecar is added in front', () => {
    const before = pod([{ name: 'app', image: 'a:1' }]);
    const after = pod([
      { name: 'istio-proxy', image: 'proxy' },
      { name: 'app', image: 'a:2' },
    ]);
    expect(changedPaths(before, after)).toEqual([
      'spec.template.spec.containers[name=istio-proxy]',
      'spec.template.spec.containers[name=app].image',
    ]);
  });

  it('reports entries that only moved as one path, the list', () => {
    expect(changedPaths({ env: env('A', 'B') }, { env: env('B', 'A') })).toEqual(['env']);
  });

  it.each<[string, unknown, unknown, string[]]>([
    [
      'container ports by containerPort',
      { ports: [{ containerPort: 80 }, { containerPort: 9080 }] },
      { ports: [{ containerPort: 9080, name: 'http' }] },
      ['ports[containerPort=9080].name', 'ports[containerPort=80]'],
    ],
    [
      'Service ports by port',
      { ports: [{ port: 9080, targetPort: 9080 }] },
      { ports: [{ port: 15021 }, { port: 9080, targetPort: 8080 }] },
      ['ports[port=15021]', 'ports[port=9080].targetPort'],
    ],
    [
      'volumeMounts by mountPath',
      { volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] },
      {
        volumeMounts: [
          { name: 'cfg', mountPath: '/etc/app' },
          { name: 'tmp', mountPath: '/tmp', readOnly: true },
        ],
      },
      ['volumeMounts[mountPath=/etc/app]', 'volumeMounts[mountPath=/tmp].readOnly'],
    ],
    [
      'other lists of named entries by name (Istio subsets)',
      { subsets: [{ name: 'v1' }] },
      { subsets: [{ name: 'v0' }, { name: 'v1' }] },
      ['subsets[name=v0]'],
    ],
    ['a name that would misread, quoted', { env: [{ name: 'A' }] }, { env: [{ name: 'A' }, { name: 'B C]' }] }, ['env[name="B C]"]']],
    [
      'by index when two entries share the key',
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      },
      {
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '3' },
        ],
      },
      ['env[1].value'],
    ],
    ['by index when an entry has no key', { args: ['--a', '--b'] }, { args: ['--a', '--c'] }, ['args[1]']],
  ])('matches %s', (_name, before, after, expected) => {
    expect(changedPaths(before, after)).toEqual(expected);
  });
});

describe('manifest-diff errors', () => {
  it('names invalid YAML with the file, the line and the fix', () => {
    const base = write('base', standard());
    const head = write('head', standard());
    fs.writeFileSync(path.join(head, 'dev', 'reviews.yaml'), '---\napiVersion: v1\nkind: [Service\n');
    const error = thrown(() => runManifestDiff({ base, head }));
    expect(error.message).toMatch(
      /^--head .*head: unreadable manifests:\n {2}- .*head\/dev\/reviews\.yaml: line \d+ is not valid YAML \(.+\)\. Fix: regenerate the directory with npm run synth -- --env <env> --out <dir>, or fix the file$/,
    );
  });

  it('names a document that is not a Kubernetes object', () => {
    const base = write('base', standard());
    const head = write('head', standard());
    fs.writeFileSync(path.join(head, 'dev', 'reviews.yaml'), '---\nkind: Service\nmetadata:\n  name: x\n');
    expect(thrown(() => runManifestDiff({ base, head })).problems).toEqual([
      expect.objectContaining({
        where: expect.stringMatching(/head\/dev\/reviews\.yaml$/),
        field: 'document 1',
        problem: 'is not a Kubernetes object (it needs apiVersion, kind and metadata.name)',
      }),
    ]);
  });

  it('refuses an environment directory without manifests, which would hide every change', () => {
    const base = write('base', standard());
    const head = write('head', standard());
    fs.mkdirSync(path.join(head, 'qa'));
    expect(thrown(() => runManifestDiff({ base, head })).problems).toEqual([
      expect.objectContaining({
        field: '--head',
        problem: 'holds no manifests (*.yaml), neither directly nor in a sub-directory of the same name',
        fix: 'synthesize it (npm run synth -- --env qa --out <dir>) or remove the directory',
      }),
    ]);
  });

  it('names a missing --base directory and how to write it', () => {
    const head = write('head', standard());
    expect(thrown(() => runManifestDiff({ base: path.join(tmp, 'nope'), head })).problems).toEqual([
      expect.objectContaining({
        field: '--base',
        problem: 'is not a directory',
        fix: 'synthesize the base commit first (for env in dev staging prod; do npm run synth -- --env "$env" --out <dir>; done) and pass that <dir>',
      }),
    ]);
  });

  it('refuses two empty trees, which mean the synth step did not run', () => {
    fs.mkdirSync(path.join(tmp, 'base'));
    fs.mkdirSync(path.join(tmp, 'head'));
    expect(thrown(() => runManifestDiff({ base: path.join(tmp, 'base'), head: path.join(tmp, 'head') })).problems[0].problem).toBe(
      'holds no environment directory, and neither does --base',
    );
  });
});

describe('npm run manifest-diff', () => {
  it('writes the comment to --out and exits 2 with the message on a missing directory', async () => {
    const head = standard();
    head.prod.reviews[1] = deployment('reviews-v1', 'reviews:1.1');
    const base = write('base', standard());
    const headDir = write('head', head);
    const out = path.join(tmp, 'out', 'diff.md');
    // The entry point spawned once; the failure in-process.
    const ok = await spawnTsx('cli/manifest-diff.ts', ['--base', base, '--head', headDir, '--out', out]);
    const missing = await runCli(manifestDiffCli, ['--base', path.join(tmp, 'nope'), '--head', headDir]);
    expect(ok).toEqual({ code: 0, stdout: `wrote ${out}: changes in prod\n`, stderr: '' });
    expect(fs.readFileSync(out, 'utf8')).toContain(
      '- changed `Deployment bookinfo/reviews-v1`: `spec.template.spec.containers[name=app].image`',
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: 1 problem found:\n {2}- .*nope: --base is not a directory\. Fix: /);
  });
});
