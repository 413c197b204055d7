/**
 * Reading the manifests the policy runner checks from YAML text, whatever a user points it
 * at: `kind: List` documents (as `kubectl get -o yaml` writes) are unpacked; empty documents,
 * scalars, non-Kubernetes YAML and objects without `metadata.name` (a `kustomization.yaml`)
 * are skipped with a note naming the file and document; invalid YAML is a problem naming the
 * file, line and column. Every object keeps where it was read, for reports that link to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { ManifestObject } from '../charts/schema';
import { assertNoProblems, type Problem } from '../core/problems';
import { objectId } from './types';
import { isRecord } from '../core/json';

/** Where a document (or an item of a `List`) was read. */
export interface SourceLocation {
  /** As given by the caller (relative to the working directory for `--dir`). */
  readonly file: string;
  /** 1-based index of the YAML document in the file. */
  readonly document: number;
  /** 1-based line where the object starts. */
  readonly line: number;
  /** `items[2]` for an item of a `List`. */
  readonly item?: string;
}

/** A document that was not checked, and why. */
export interface InputNote {
  readonly at: SourceLocation;
  readonly note: string;
}

export interface ManifestInput {
  /** The Kubernetes objects, in file and document order. */
  readonly objects: readonly ManifestObject[];
  /** Where each object was read, in the order of `objects`. */
  readonly locations: readonly SourceLocation[];
  /** Documents skipped. */
  readonly notes: readonly InputNote[];
}

/** `file document 2` or `file document 2 items[0]`, with the line. */
export function describeLocation(at: SourceLocation): string {
  return `${at.file}:${at.line} (document ${at.document}${at.item === undefined ? '' : ` ${at.item}`})`;
}

const isStringMap = (value: unknown): boolean => isRecord(value) && Object.values(value).every((v) => typeof v === 'string');

/** Why a parsed value is not a Kubernetes object the rules can read, or undefined when it is one. */
function notAnObject(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'empty document';
  if (Array.isArray(value)) return 'a sequence, not a Kubernetes object';
  // Neither empty, nor a sequence, nor a mapping: a YAML scalar.
  if (!isRecord(value))
    return `a ${typeof value} (${JSON.stringify(`${value as string | number | boolean}`.slice(0, 40))}), not a Kubernetes object`;
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || value.kind === '') {
    return 'no apiVersion and kind: not a Kubernetes object';
  }
  const what = `${value.kind} (${value.apiVersion})`;
  const metadata = value.metadata;
  if (!isRecord(metadata)) return `${what} has no metadata: not an object the API server stores (a kustomization or other tool's file)`;
  if (typeof metadata.name !== 'string' || metadata.name === '')
    return `${what} has no metadata.name${typeof metadata.generateName === 'string' ? ' (generateName names it only when it is created)' : ''}`;
  if (metadata.namespace !== undefined && (typeof metadata.namespace !== 'string' || metadata.namespace === ''))
    return `${what} ${metadata.name}: metadata.namespace ${JSON.stringify(metadata.namespace)} is not a name`;
  for (const field of ['labels', 'annotations'] as const) {
    if (metadata[field] !== undefined && metadata[field] !== null && !isStringMap(metadata[field]))
      return `${what} ${metadata.name}: metadata.${field} is not a map of strings`;
  }
  return undefined;
}

/** `List` as kubectl writes it, and typed lists (`PodList`) as the API returns them. */
const isList = (value: Record<string, unknown>): boolean =>
  typeof value.kind === 'string' && /List$/.test(value.kind) && Array.isArray(value.items);

const startLine = (node: Node | null | undefined, lines: LineCounter, fallback: number): number =>
  node?.range === undefined || node.range === null ? fallback : lines.linePos(node.range[0]).line;

const FIX_YAML = 'fix the YAML at that line (or move the file out of the directory)';

/**
 * The objects of one multi-document YAML text; YAML errors are added to `problems` (the
 * caller reports every file's at once).
 */
export function parseManifestText(text: string, file: string, problems: Problem[]): ManifestInput {
  const objects: ManifestObject[] = [];
  const locations: SourceLocation[] = [];
  const notes: InputNote[] = [];
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, merge: true, uniqueKeys: true, prettyErrors: false });
  if (docs.length === 0) notes.push({ at: { file, document: 1, line: 1 }, note: 'empty file' });
  docs.forEach((doc, index) => {
    const document = index + 1;
    const docLine = startLine(doc.contents, lines, doc.range === undefined ? 1 : lines.linePos(doc.range[0]).line);
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const pos = lines.linePos(error.pos[0]);
      problems.push({
        where: `${file}:${pos.line}:${pos.col}`,
        field: `document ${document}`,
        problem: `is not valid YAML (${error.message.split('\n')[0].replace(/[:.]$/, '')})`,
        fix: FIX_YAML,
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (error) {
      problems.push({
        where: `${file}:${docLine}`,
        field: `document ${document}`,
        problem: `cannot be read (${(error as Error).message.split('\n')[0]})`,
        fix: FIX_YAML,
      });
      return;
    }
    const at: SourceLocation = { file, document, line: docLine };
    if (isRecord(value) && isList(value)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      (value.items as unknown[]).forEach((item, i) => {
        const node = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        const itemAt: SourceLocation = { ...at, line: startLine(node, lines, docLine), item: `items[${i}]` };
        const why = notAnObject(item);
        if (why === undefined) {
          objects.push(item as ManifestObject);
          locations.push(itemAt);
        } else notes.push({ at: itemAt, note: why });
      });
      if ((value.items as unknown[]).length === 0) notes.push({ at, note: `${String(value.kind)} with no items` });
      return;
    }
    const why = notAnObject(value);
    if (why === undefined) {
      objects.push(value as ManifestObject);
      locations.push(at);
    } else notes.push({ at, note: why });
  });
  return { objects, locations, notes };
}

/** Code-point order, the same on every machine. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every `*.yaml`/`*.yml` under a directory (sub-directories included, hidden ones not),
 * multi-document files included, in path order. Paths in locations are `shown` joined
 * with the file's path inside the directory. Throws a ValidationError naming every
 * unreadable file, and when the directory holds no YAML at all.
 */
export function readManifestDirectory(dir: string, shown = dir): ManifestInput {
  const fix = 'pass a directory of Kubernetes/Istio YAML files (*.yaml, *.yml)';
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    assertNoProblems([{ where: shown, field: '--dir', value: shown, problem: 'is not a directory', fix }]);
  }
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && !f.split(path.sep).some((part) => part.startsWith('.')))
    .sort(compare);
  const problems: Problem[] = [];
  const objects: ManifestObject[] = [];
  const locations: SourceLocation[] = [];
  const notes: InputNote[] = [];
  for (const file of files) {
    const full = path.join(dir, file);
    const where = path.join(shown, file).split(path.sep).join('/');
    let text: string;
    try {
      if (!fs.statSync(full).isFile()) continue;
      text = fs.readFileSync(full, 'utf8');
    } catch (error) {
      problems.push({
        where,
        field: '(file)',
        problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        fix: 'make it readable, or move it out of the directory',
      });
      continue;
    }
    const input = parseManifestText(text, where, problems);
    objects.push(...input.objects);
    locations.push(...input.locations);
    notes.push(...input.notes);
  }
  if (files.length === 0) problems.push({ where: shown, field: '--dir', problem: 'holds no *.yaml or *.yml file', fix });
  assertNoProblems(problems, `${shown}: unreadable manifests`);
  return { objects, locations, notes };
}

/** Where each object was read, by the id findings name it with (`Kind/namespace/name`). */
export function locationsById(objects: readonly ManifestObject[], locations: readonly SourceLocation[]): Map<string, SourceLocation[]> {
  const byId = new Map<string, SourceLocation[]>();
  objects.forEach((o, i) => {
    const id = objectId(o);
    byId.set(id, [...(byId.get(id) ?? []), locations[i]]);
  });
  return byId;
}
