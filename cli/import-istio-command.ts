/**
 * `npm run import:istio [-- <bundle>]`: regenerates the typed Istio constructs in
 * imports/ with `cdk8s import`, and the CRD schemas that synthesized Istio objects are
 * validated against. Generated files are committed and never edited by hand.
 *
 * Only the kinds and the API version this repo emits are imported (networking, security and
 * telemetry `v1`): the full bundle generates ~1.3 MB of TypeScript, mostly old versions.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { celCrdsFile, type CrdDocument } from '../charts/apiserver/cel/schema';
import { ISTIO_KINDS, ISTIO_VERSION } from '../charts/istio-kinds';
import { repoRoot } from '../core/config';
import { assertNoProblems, type Problem } from '../core/problems';
import { command } from './args';

/** The bundle of the Istio release the repository pins (../shared/istio/README.md). */
export const DEFAULT_BUNDLE = path.join('..', 'shared', 'istio', 'crd-all.gen.yaml');

const BUNDLE_FIX =
  'pass the CRD bundle of an Istio release (manifests/charts/base/files/crd-all.gen.yaml in istio/istio), or restore ../shared/istio/ (see its README)';

interface CrdVersion {
  readonly name: string;
  readonly schema?: { readonly openAPIV3Schema?: unknown };
  readonly [key: string]: unknown;
}

/** A CRD of the bundle with the fields the import reads, checked. */
export interface Crd {
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly CrdVersion[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isCrd(doc: unknown): doc is Crd {
  if (
    !isRecord(doc) ||
    doc.kind !== 'CustomResourceDefinition' ||
    !isRecord(doc.metadata) ||
    typeof doc.metadata.name !== 'string' ||
    !isRecord(doc.spec)
  )
    return false;
  const { group, names, versions } = doc.spec;
  return (
    typeof group === 'string' &&
    isRecord(names) &&
    typeof names.kind === 'string' &&
    Array.isArray(versions) &&
    versions.every((v) => isRecord(v) && typeof v.name === 'string')
  );
}

export interface IstioBundle {
  /** Every document of the bundle (for the CEL rules of every kind and served version). */
  readonly docs: readonly CrdDocument[];
  /** The kinds this repository emits, reduced to `ISTIO_VERSION`, sorted by name. */
  readonly crds: readonly Crd[];
}

/** Reads and checks a CRD bundle: an unreadable file, bad YAML or a missing kind is reported with the fix. */
export function readIstioBundle(file: string, shown = file): IstioBundle {
  const problem = (field: string, text: string, value?: unknown): Problem => ({
    where: shown,
    field,
    ...(value !== undefined && { value }),
    problem: text,
    fix: BUNDLE_FIX,
  });
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    assertNoProblems([problem('<bundle>', fs.existsSync(file) ? 'is not a file' : 'does not exist')]);
  const parsed = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const documents = Array.isArray(parsed) ? parsed : [];
  assertNoProblems(
    documents.flatMap((d, i) =>
      d.errors.map((e) => {
        const at = e.linePos?.[0];
        // The message's first line, without the position it ends with (the field gives it).
        const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return problem(at === undefined ? `document ${i + 1}` : `line ${at.line}, column ${at.col}`, `is not valid YAML: ${message}`);
      }),
    ),
  );
  const docs = documents.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
  const wanted = new Set(ISTIO_KINDS.map((k) => `${k.group}/${k.kind}`));
  const crds = docs
    .filter(isCrd)
    .filter((crd) => wanted.has(`${crd.spec.group}/${crd.spec.names.kind}`))
    .map((crd) => ({ ...crd, spec: { ...crd.spec, versions: crd.spec.versions.filter((v) => v.name === ISTIO_VERSION) } }))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const missing = [...wanted].filter(
    (k) => !crds.some((c) => `${c.spec.group}/${c.spec.names.kind}` === k && c.spec.versions.length === 1),
  );
  if (missing.length > 0) {
    assertNoProblems([
      problem(
        `CustomResourceDefinition ${ISTIO_VERSION}`,
        `is missing for ${missing.join(', ')} (${crds.length} of ${wanted.size} found)`,
        path.basename(file),
      ),
    ]);
  }
  return { docs, crds };
}

/** Writes imports/: the cdk8s constructs of the CRDs, their schemas, and the CEL rules of the whole bundle. */
function writeImports(bundle: IstioBundle, bundleName: string, root: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-crds-'));
  try {
    const filtered = path.join(tmp, 'istio-crds.yaml');
    fs.writeFileSync(filtered, bundle.crds.map((c) => `---\n${stringify(c)}`).join(''));
    const out = path.join(root, 'imports');
    execFileSync(
      path.join(root, 'node_modules', '.bin', 'cdk8s'),
      ['import', filtered, '--output', out, '--language', 'typescript', '--no-save', '--no-check-upgrade'],
      {
        cwd: tmp,
        stdio: 'inherit',
      },
    );
    const schemas = Object.fromEntries(
      bundle.crds.map((c) => [`${c.spec.group}/${ISTIO_VERSION}/${c.spec.names.kind}`, c.spec.versions[0].schema?.openAPIV3Schema]),
    );
    fs.writeFileSync(
      path.join(out, 'istio-schemas.json'),
      `${JSON.stringify({ $comment: `Generated by npm run import:istio from ${bundleName}; do not edit.`, schemas }, null, 1)}\n`,
    );
    // Every kind and served version (policy --dir reads any Istio object): the CEL rules and the schema they need.
    fs.writeFileSync(path.join(out, 'istio-cel.json'), celCrdsFile(bundle.docs, bundleName));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export const importIstioCli = command(
  {
    script: 'import:istio',
    summary: `Regenerates the typed Istio constructs in imports/ (cdk8s import of the networking, security and telemetry ${ISTIO_VERSION} CRDs) and the CRD schemas and CEL rules synthesized objects are validated against.`,
    options: {},
    positionals: [
      {
        name: 'bundle',
        required: false,
        description: 'the Istio CRD bundle (crd-all.gen.yaml of an Istio release)',
        defaultText: DEFAULT_BUNDLE,
      },
    ],
  },
  ({ positionals }, io) => {
    const root = repoRoot();
    const given = positionals[0];
    const file = given === undefined ? path.resolve(root, DEFAULT_BUNDLE) : path.resolve(io.cwd, given);
    const bundle = readIstioBundle(file, given ?? DEFAULT_BUNDLE);
    writeImports(bundle, path.basename(file), root);
    io.out(`imported ${bundle.crds.length} Istio kinds (${ISTIO_VERSION}) into imports/\n`);
  },
);
