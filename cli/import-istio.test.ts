import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ISTIO_KINDS } from '../charts/istio-kinds';
import { runCli, spawnTsx } from '../test/cli';
import { importIstioCli, readIstioBundle } from './import-istio-command';

const FIX =
  'Fix: pass the CRD bundle of an Istio release (manifests/charts/base/files/crd-all.gen.yaml in istio/istio), or restore ../shared/istio/ (see its README)';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-istio-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const crd = (group: string, kind: string, versions: readonly string[]) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${group}` },
  spec: {
    group,
    names: { kind },
    versions: versions.map((name) => ({ name, served: true, schema: { openAPIV3Schema: { type: 'object', description: name } } })),
  },
});

function bundle(name: string, docs: readonly unknown[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, docs.map((d) => `---\n${stringify(d)}`).join(''));
  return name;
}

describe('npm run import:istio: a bad bundle is reported with the file and the fix, exit 2', () => {
  it.each<[string, () => string, string]>([
    ['a missing file', () => 'nope.yaml', 'nope.yaml: <bundle> does not exist'],
    ['a directory', () => '.', '.: <bundle> is not a file'],
    [
      'invalid YAML',
      () => {
        fs.writeFileSync(path.join(tmp, 'broken.yaml'), 'kind: CustomResourceDefinition\nspec: [unclosed\n');
        return 'broken.yaml';
      },
      'broken.yaml: line 3, column 1 is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a bundle without the kinds this repository emits',
      () => bundle('gateway-only.yaml', [crd('networking.istio.io', 'Gateway', ['v1', 'v1beta1'])]),
      `gateway-only.yaml: CustomResourceDefinition v1 "gateway-only.yaml" is missing for ${ISTIO_KINDS.slice(1)
        .map((k) => `${k.group}/${k.kind}`)
        .join(', ')} (1 of 9 found)`,
    ],
    [
      'documents that only look like CRDs (no spec, no versions)',
      () =>
        bundle('shapeless.yaml', [
          { kind: 'CustomResourceDefinition' },
          { kind: 'CustomResourceDefinition', metadata: { name: 'x' }, spec: { group: 'networking.istio.io', names: { kind: 'Gateway' } } },
          null,
        ]),
      `shapeless.yaml: CustomResourceDefinition v1 "shapeless.yaml" is missing for ${ISTIO_KINDS.map((k) => `${k.group}/${k.kind}`).join(', ')} (0 of 9 found)`,
    ],
  ])('%s', async (_name, make, problem) => {
    const result = await runCli(importIstioCli, [make()], tmp);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `error: 1 problem found:\n  - ${problem}. ${FIX}\n` });
  });

  it('runs through main from its entry point (cli/import-istio.ts), with no stack trace', async () => {
    const result = await spawnTsx('cli/import-istio.ts', ['nope.yaml'], { cwd: tmp });
    expect(result).toEqual({ code: 2, stdout: '', stderr: `error: 1 problem found:\n  - nope.yaml: <bundle> does not exist. ${FIX}\n` });
  });
});

describe('readIstioBundle', () => {
  it('keeps the kinds this repository emits at v1, sorted by name, and every document for the CEL rules', () => {
    const kinds = [...ISTIO_KINDS].reverse().map((k) => crd(k.group, k.kind, ['v1alpha3', 'v1beta1', 'v1']));
    const other = crd('extensions.istio.io', 'WasmPlugin', ['v1alpha1']);
    const read = readIstioBundle(path.join(tmp, bundle('full.yaml', [...kinds, other])));
    expect(read.crds.map((c) => [c.metadata.name, c.spec.versions.map((v) => v.name)])).toEqual(
      ISTIO_KINDS.map((k) => [`${k.kind.toLowerCase()}s.${k.group}`, ['v1']]).sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    expect(read.docs).toHaveLength(ISTIO_KINDS.length + 1);
  });
});
