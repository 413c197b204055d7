import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ValidationError, type Problem } from '../core/problems';
import { parseManifestText, readManifestDirectory } from './manifest-input';

const parse = (text: string) => {
  const problems: Problem[] = [];
  const input = parseManifestText(text, 'f.yaml', problems);
  return { ...input, problems };
};
const ids = (objects: ReadonlyArray<{ kind: string; metadata: { name: string } }>) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('parseManifestText', () => {
  it('reads objects with the document and line they start at', () => {
    const { objects, locations, notes, problems } = parse(
      '# c\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n',
    );
    expect([ids(objects), locations, notes, problems]).toEqual([
      ['ConfigMap/a', 'Secret/b'],
      [
        { file: 'f.yaml', document: 1, line: 2 },
        { file: 'f.yaml', document: 2, line: 6 },
      ],
      [],
      [],
    ]);
  });

  it('unpacks a List (kubectl get -o yaml) and a typed list, each item located, and notes items that are not objects', () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n  - 5\n---\napiVersion: v1\nkind: PodList\nitems: [{apiVersion: v1, kind: Pod, metadata: {name: q}}]\n';
    const { objects, locations, notes } = parse(list);
    expect(ids(objects)).toEqual(['Pod/p', 'Pod/q']);
    expect(locations).toEqual([
      { file: 'f.yaml', document: 1, line: 4, item: 'items[0]' },
      { file: 'f.yaml', document: 2, line: 11, item: 'items[0]' },
    ]);
    expect(notes).toEqual([
      { at: { file: 'f.yaml', document: 1, line: 7, item: 'items[1]' }, note: 'a number ("5"), not a Kubernetes object' },
    ]);
  });

  it.each([
    ['an empty file', '', 'empty file'],
    ['an empty document', '---\n', 'empty document'],
    ['a scalar', 'hello\n', 'a string ("hello"), not a Kubernetes object'],
    ['a sequence', '- a\n', 'a sequence, not a Kubernetes object'],
    ['Helm values', 'replicaCount: 2\n', 'no apiVersion and kind: not a Kubernetes object'],
    ['a kind without apiVersion', 'kind: Deployment\n', 'no apiVersion and kind: not a Kubernetes object'],
    [
      'a kustomization (kind, no metadata)',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
      "Kustomization (kustomize.config.k8s.io/v1beta1) has no metadata: not an object the API server stores (a kustomization or other tool's file)",
    ],
    [
      'metadata that is not a map',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: x\n',
      "ConfigMap (v1) has no metadata: not an object the API server stores (a kustomization or other tool's file)",
    ],
    ['a name that is not a string', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 5}\n', 'ConfigMap (v1) has no metadata.name'],
    [
      'generateName only',
      'apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-}\n',
      'Pod (v1) has no metadata.name (generateName names it only when it is created)',
    ],
    [
      'a namespace that is not a name',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: [x]}\n',
      'ConfigMap (v1) a: metadata.namespace ["x"] is not a name',
    ],
    [
      'labels that are not strings',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {n: 1}}\n',
      'ConfigMap (v1) a: metadata.labels is not a map of strings',
    ],
    ['an empty List', 'apiVersion: v1\nkind: List\nitems: []\n', 'List with no items'],
  ])('skips %s with a note', (_what, text, note) => {
    const { objects, notes, problems } = parse(text);
    expect([objects, notes.map((n) => n.note), problems]).toEqual([[], [note], []]);
  });

  it.each([
    [
      'an unclosed flow sequence',
      'a: [1\n',
      'f.yaml:2:1',
      'is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ])',
    ],
    ['a duplicate key', 'a: 1\na: 2\n', 'f.yaml:2:1', 'is not valid YAML (Map keys must be unique)'],
    ['tab indentation', 'a:\n\t- b\n', 'f.yaml:2:1', 'is not valid YAML (Tabs are not allowed as indentation)'],
    ['an unknown alias', 'a: *nope\n', 'f.yaml:1', 'cannot be read (Unresolved alias (the anchor must be set before the alias): nope)'],
  ])('reports %s with the file, line and fix', (_what, text, where, problem) => {
    expect(parse(text).problems).toEqual([
      { where, field: 'document 1', problem, fix: 'fix the YAML at that line (or move the file out of the directory)' },
    ]);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdef'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(parse(`${bomb}\n`).problems.map((p) => p.problem)).toEqual([
      'cannot be read (Excessive alias count indicates a resource exhaustion attack)',
    ]);
  });
});

describe('readManifestDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-input-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads *.yaml and *.yml in path order, sub-directories included, hidden ones not', () => {
    const object = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;
    fs.mkdirSync(path.join(dir, 'b'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, 'b', 'x.yml'), object('bx'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), object('a'));
    fs.writeFileSync(path.join(dir, '.git', 'c.yaml'), object('hidden'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), object('txt'));
    const input = readManifestDirectory(dir, 'm');
    expect([ids(input.objects), input.locations.map((l) => l.file)]).toEqual([
      ['ConfigMap/a', 'ConfigMap/bx'],
      ['m/a.yaml', 'm/b/x.yml'],
    ]);
  });

  it('names every unreadable file at once, a missing directory, and one without YAML', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'a: [\n');
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'b: 1\nb: 2\n');
    expect(() => readManifestDirectory(dir, 'm')).toThrow(
      new ValidationError(
        [
          {
            where: 'm/a.yaml:2:1',
            field: 'document 1',
            problem: 'is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ])',
            fix: 'fix the YAML at that line (or move the file out of the directory)',
          },
          {
            where: 'm/b.yaml:2:1',
            field: 'document 1',
            problem: 'is not valid YAML (Map keys must be unique)',
            fix: 'fix the YAML at that line (or move the file out of the directory)',
          },
        ],
        'm: unreadable manifests',
      ),
    );
    expect(() => readManifestDirectory(path.join(dir, 'nope'), 'nope')).toThrow(
      'nope: --dir "nope" is not a directory. Fix: pass a directory of Kubernetes/Istio YAML files (*.yaml, *.yml)',
    );
    fs.rmSync(path.join(dir, 'a.yaml'));
    fs.rmSync(path.join(dir, 'b.yaml'));
    expect(() => readManifestDirectory(dir, 'm')).toThrow(
      'm: --dir holds no *.yaml or *.yml file. Fix: pass a directory of Kubernetes/Istio YAML files',
    );
  });
});
