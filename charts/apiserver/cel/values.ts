/**
 * JSON (parsed YAML) to the CEL values the API server binds to `self`: apiserver
 * pkg/cel/common/valuesunstructured.go `UnstructuredToVal`, with the CRD's defaults applied
 * first (apiextensions-apiserver pkg/apiserver/schema/defaulting, which runs before validation)
 * and property names escaped as pkg/cel/escaping.go `Escape` does (`namespace` is
 * `__namespace__` in a rule). Objects become `Map`s (plain objects are not CEL maps), `integer`
 * values `bigint`, `number` values doubles.
 */
import type { CelSchemaNode } from './schema';

const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);
const EXPAND: Readonly<Record<string, string>> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/** pkg/cel/escaping.go `Escape`: the identifier a property is reachable by in CEL, or undefined when it is not reachable. */
export function escapeProperty(name: string): string | undefined {
  if (name === '' || (name[0] >= '0' && name[0] <= '9')) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
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

/** Untyped conversion, for `x-kubernetes-preserve-unknown-fields` and int-or-string. */
function untyped(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(untyped);
  if (isJsonObject(v)) return new Map(Object.entries(v).map(([k, x]) => [k, untyped(x)]));
  return v;
}

const META_KEYS = ['name', 'generateName'];

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
      const out = new Map<string, unknown>();
      if (schema.properties !== undefined || root || schema.embedded === true) {
        for (const [k, prop] of Object.entries(schema.properties ?? {})) {
          const v = defaulted(value, k, prop);
          const id = escapeProperty(k);
          if (v !== undefined && id !== undefined) out.set(id, toCel(v, prop));
        }
        if (root || schema.embedded === true) {
          for (const k of ['apiVersion', 'kind']) if (typeof value[k] === 'string') out.set(k, value[k]);
          const meta = value.metadata;
          if (isJsonObject(meta)) out.set('metadata', new Map(META_KEYS.filter((k) => typeof meta[k] === 'string').map((k) => [k, meta[k]])));
        }
        return out;
      }
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
      return value;
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
      throw new InvalidData(`invalid type, expected object, array, number, integer, boolean or string, or no type with x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true, got ${schema.type ?? ''}`);
  }
}

/** Formats whose strings the API server converts to durations, timestamps or bytes before a rule sees them: not ported. */
export const CONVERTED_FORMATS = new Set(['duration', 'date', 'date-time', 'byte']);

/** The first string format in a schema subtree that UnstructuredToVal would convert, if any. */
export function convertedFormatIn(schema: CelSchemaNode): string | undefined {
  if (schema.type === 'string' && schema.format !== undefined && CONVERTED_FORMATS.has(schema.format)) return schema.format;
  for (const child of [...Object.values(schema.properties ?? {}), schema.items, schema.additionalProperties]) {
    const f = child === undefined ? undefined : convertedFormatIn(child);
    if (f !== undefined) return f;
  }
  return undefined;
}
