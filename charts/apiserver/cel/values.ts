/**
 * JSON (parsed YAML) to the CEL values the API server binds to `self`: apiserver
 * pkg/cel/common/valuesunstructured.go `UnstructuredToVal`, with the CRD's defaults applied
 * first (apiextensions-apiserver pkg/apiserver/schema/defaulting, which runs before validation)
 * and property names escaped as pkg/cel/escaping.go `Escape` does (`namespace` is
 * `__namespace__` in a rule). Objects become `Map`s (plain objects are not CEL maps), `integer`
 * values `bigint`, `number` values doubles.
 */
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { parseGoDuration } from './duration';
import type { CelSchemaNode } from './schema';

/** pkg/cel/escaping.go `celReservedSymbols`. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);
const EXPAND: Readonly<Record<string, string>> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/** pkg/cel/escaping.go `Escape`: the identifier a property is reachable by in CEL, or undefined when it is not reachable. */
export function escapeProperty(name: string): string | undefined {
  if (name === '' || (name[0] >= '0' && name[0] <= '9')) return undefined;
  if (RESERVED_WORDS.has(name)) return `__${name}__`;
  if (/^[A-Za-z0-9_]*$/.test(name) && !name.includes('__')) return name;
  let ok = true;
  const out = name.replace(/(__|[-./]|[^a-zA-Z0-9\-./_])/g, (s) => {
    const r = EXPAND[s];
    if (r === undefined) ok = false;
    return r ?? '';
  });
  return ok ? out : undefined;
}

type Json = { readonly [key: string]: unknown };
export const isJsonObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value of property `key` after defaulting: the given value, or the schema default when absent (or null and not nullable). */
export function defaulted(obj: Json, key: string, prop: CelSchemaNode): unknown {
  const v = obj[key];
  if (prop.default !== undefined && (v === undefined || (v === null && prop.nullable !== true))) return prop.default;
  return v;
}

/** Thrown for data the API server would fail to convert (its `types.NewErr("invalid data, ...")`). */
export class InvalidData extends Error {}

/** Thrown for a value whose conversion is not ported: the rules that read it are not checked, never passed. */
export class NotPorted extends Error {}

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * A `format: duration` string as the API server converts it: kube-openapi strfmt `ParseDuration`,
 * which returns Go's `time.ParseDuration` when that succeeds and only otherwise tries its own
 * unit words ("1 day", "2wk"). The Go syntax is ported (duration.ts); the other is not.
 */
function durationValue(text: string): unknown {
  const nanos = parseGoDuration(text);
  if (nanos === undefined)
    throw new NotPorted(`the duration ${JSON.stringify(text)} is not in Go's syntax, and strfmt's other duration syntax is not ported`);
  return create(DurationSchema, { seconds: nanos / NANOS_PER_SECOND, nanos: Number(nanos % NANOS_PER_SECOND) });
}

/** Untyped conversion, for `x-kubernetes-preserve-unknown-fields` and int-or-string. */
function untyped(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(untyped);
  if (isJsonObject(v)) return new Map(Object.entries(v).map(([k, x]) => [k, untyped(x)]));
  return v;
}

const META_KEYS = ['name', 'generateName'];

type Field = readonly [name: string, schema: CelSchemaNode];
const fieldTables = new WeakMap<CelSchemaNode, ReadonlyMap<string, Field>>();
/** A typed object's fields by the CEL identifier they are reachable by (unescapable names are unreachable). */
function fieldsOf(schema: CelSchemaNode): ReadonlyMap<string, Field> {
  let table = fieldTables.get(schema);
  if (table === undefined) {
    const t = new Map<string, Field>();
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const id = escapeProperty(name);
      if (id !== undefined) t.set(id, [name, prop]);
    }
    table = t;
    fieldTables.set(schema, table);
  }
  return table;
}

/**
 * A typed object as a CEL map that converts a field only when a rule reads it (as upstream's
 * unstructuredMap does): a rule like `has(self.selector)` on `spec` costs one lookup, not a
 * conversion of the whole spec. @bufbuild/cel reads maps through get/keys/entries/size.
 */
class LazyObject extends Map<string, unknown> {
  private readonly cache = new Map<string, unknown>();
  private readonly extra: ReadonlyMap<string, unknown>;

  constructor(
    private readonly json: Json,
    private readonly fields: ReadonlyMap<string, Field>,
    root: boolean,
  ) {
    super();
    const extra = new Map<string, unknown>();
    if (root) {
      for (const k of ['apiVersion', 'kind']) if (typeof json[k] === 'string') extra.set(k, json[k]);
      const meta = json.metadata;
      if (isJsonObject(meta)) extra.set('metadata', new Map(META_KEYS.filter((k) => typeof meta[k] === 'string').map((k) => [k, meta[k]])));
    }
    this.extra = extra;
  }

  override get(id: string): unknown {
    if (this.cache.has(id)) return this.cache.get(id);
    const field = this.fields.get(id);
    let v: unknown = this.extra.get(id);
    if (field !== undefined) {
      const raw = defaulted(this.json, field[0], field[1]);
      v = raw === undefined ? undefined : toCel(raw, field[1]);
    }
    this.cache.set(id, v);
    return v;
  }

  override has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  override *keys(): MapIterator<string> {
    for (const id of this.fields.keys()) if (this.has(id)) yield id;
    for (const id of this.extra.keys()) if (!this.fields.has(id)) yield id;
  }

  override *values(): MapIterator<unknown> {
    for (const id of this.keys()) yield this.get(id);
  }

  override *entries(): MapIterator<[string, unknown]> {
    for (const id of this.keys()) yield [id, this.get(id)];
  }

  override [Symbol.iterator](): MapIterator<[string, unknown]> {
    return this.entries();
  }

  override forEach(callback: (value: unknown, key: string, map: Map<string, unknown>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }

  override get size(): number {
    let n = 0;
    for (const _ of this.keys()) n++;
    return n;
  }
}

/** `UnstructuredToVal(value, schema)`; `root` adds `apiVersion`, `kind`, `metadata.{name,generateName}` as `WithTypeAndObjectMeta` does. */
export function toCel(value: unknown, schema: CelSchemaNode, root = false): unknown {
  if (value === null || value === undefined) {
    if (schema.nullable === true) return null;
    throw new InvalidData('invalid data, got null for schema with nullable=false');
  }
  if (schema.intOrString === true) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    throw new InvalidData('invalid data, expected XIntOrString value to be either a string or integer');
  }
  switch (schema.type) {
    case 'object': {
      if (!isJsonObject(value)) throw new InvalidData('invalid data, expected a map for the provided schema with type=object');
      const embedded = root || schema.embedded === true;
      if (schema.properties !== undefined || embedded) return new LazyObject(value, fieldsOf(schema), embedded);
      const out = new Map<string, unknown>();
      if (schema.additionalProperties !== undefined) {
        const prop = schema.additionalProperties;
        for (const [k, v] of Object.entries(value)) out.set(k, toCel(v, prop));
        return out;
      }
      return schema.preserveUnknown === true ? untyped(value) : out;
    }
    case 'array': {
      if (!Array.isArray(value)) throw new InvalidData('invalid data, expected an array for the provided schema with type=array');
      const items = schema.items;
      if (items === undefined) throw new InvalidData('invalid array type, expected Items with a non-empty Schema');
      return value.map((v) => toCel(v, items));
    }
    case 'string':
      if (typeof value !== 'string') throw new InvalidData(`invalid data, expected string, got ${typeof value}`);
      return schema.format === 'duration' ? durationValue(value) : value;
    case 'number':
      if (typeof value !== 'number') throw new InvalidData(`invalid data, expected float, got ${typeof value}`);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidData(`invalid data, expected int, got ${typeof value}`);
      return BigInt(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw new InvalidData(`invalid data, expected bool, got ${typeof value}`);
      return value;
    default:
      if (schema.preserveUnknown === true) return untyped(value);
      throw new InvalidData(
        `invalid type, expected object, array, number, integer, boolean or string, or no type with x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true, got ${schema.type ?? ''}`,
      );
  }
}

/** Formats whose strings the API server converts to durations, timestamps or bytes before a rule sees them. */
export const CONVERTED_FORMATS = new Set(['duration', 'date', 'date-time', 'byte']);
/** Of those, the ones `toCel` converts as the API server does (`durationValue`); rules reading the others are not checked. */
export const PORTED_FORMATS: ReadonlySet<string> = new Set(['duration']);

const convertedFormat = (schema: CelSchemaNode): string | undefined =>
  schema.type === 'string' && schema.format !== undefined && CONVERTED_FORMATS.has(schema.format) && !PORTED_FORMATS.has(schema.format)
    ? schema.format
    : undefined;

/** The first string format in a schema subtree that UnstructuredToVal would convert and `toCel` does not, if any. */
export function convertedFormatIn(schema: CelSchemaNode): string | undefined {
  const own = convertedFormat(schema);
  if (own !== undefined) return own;
  for (const child of [...Object.values(schema.properties ?? {}), schema.items, schema.additionalProperties]) {
    const f = child === undefined ? undefined : convertedFormatIn(child);
    if (f !== undefined) return f;
  }
  return undefined;
}

/** What a rule's expression reads of its `self`, by field name (compile.ts `fieldsRead`). */
export interface FieldsRead {
  /** Every field name it selects (`x.name`, `has(x.name)`). */
  readonly names: ReadonlySet<string>;
  /** Fields whose whole value it compares (`x.name == ...`, `x.name in ...`, `<`...). */
  readonly compared: ReadonlySet<string>;
  /** It compares a bare variable (`self`, or a macro's): any value of the subtree may be read whole. */
  readonly comparesVariable: boolean;
}

/**
 * The first converted string format a rule can see: the node itself, the properties it selects
 * (whole subtrees of those it compares), and list items and map values. A property it never names
 * is never read, so its format cannot change the rule's result: without this, one duration field
 * anywhere below would leave every rule above it unchecked.
 */
export function convertedFormatRead(schema: CelSchemaNode, read: FieldsRead): string | undefined {
  if (read.comparesVariable) return convertedFormatIn(schema);
  const own = convertedFormat(schema);
  if (own !== undefined) return own;
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const f = read.compared.has(name) ? convertedFormatIn(child) : read.names.has(name) ? convertedFormatRead(child, read) : undefined;
    if (f !== undefined) return f;
  }
  for (const child of [schema.items, schema.additionalProperties]) {
    const f = child === undefined ? undefined : convertedFormatRead(child, read);
    if (f !== undefined) return f;
  }
  return undefined;
}
