/**
 * The structure of a ServiceSpec at runtime: `spec.schema.json` (generated from the types of
 * `spec.ts`, see `spec-schema.ts`) checked by ajv, each error turned into a Problem. It rejects
 * what the compiler would: unknown fields (with a did-you-mean), wrong types, values outside
 * an enum, missing required fields. Formats, ranges and the rules between fields stay as code
 * in `validate.ts`.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closestMatch } from '../core/problems';
import schema from './spec.schema.json';

type JsonSchema = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where the generated reference of every field lives, named in the fixes. */
export const SPEC_REFERENCE = 'docs/service-spec.md';

/** One structural mistake, located by the dotted field path the other problems use. */
export interface StructureProblem {
  readonly field: string;
  /** Absent for a missing field. */
  readonly value?: unknown;
  readonly problem: string;
  readonly fix: string;
  /** An unknown field: the rest of the spec is still well-formed. */
  readonly unknownField: boolean;
}

let compiled: ValidateFunction | undefined;

/** Definition name by schema node: ajv's `parentSchema` is the node itself, wherever `$ref` led. */
const DEFINITION_NAMES = new Map<unknown, string>(Object.entries(schema.definitions).map(([name, node]) => [node, name]));

/** The schema's validator, compiled on first use and kept. */
function validator(): ValidateFunction {
  if (compiled === undefined) {
    // verbose: errors carry the schema node they failed, for field lists and type names.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    ajv.addKeyword({ keyword: 'defaultDescription', schemaType: 'string' });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** The schema node a `$ref` points at (the generated schema only uses `#/definitions/...`). */
export function resolveRef(node: JsonSchema, root: JsonSchema = schema): JsonSchema {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const name = decodeURIComponent(ref.replace('#/definitions/', ''));
  const definitions = root.definitions as Record<string, JsonSchema>;
  return resolveRef({ ...definitions[name], ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) }, root);
}

/** A short TypeScript-like rendering of a schema node: `string`, `{ http: string }`, `'exact' | 'prefix'`. */
export function typeText(node: JsonSchema, root: JsonSchema = schema): string {
  const s = resolveRef(node, root);
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map((b) => typeText(b, root)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const).replace(/"/g, "'");
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v).replace(/"/g, "'")).join(' | ');
  if (s.type === 'array') return `${typeText(s.items as JsonSchema, root)}[]`;
  if (s.type === 'object' && isObject(s.properties)) {
    const required = new Set((s.required as string[] | undefined) ?? []);
    const fields = Object.entries(s.properties as Record<string, JsonSchema>);
    // A nested object is named, not expanded, unless it is a small inline shape.
    if (typeof node.$ref === 'string' && fields.length > 3) return node.$ref.replace('#/definitions/', '');
    return `{ ${fields.map(([k, v]) => `${k}${required.has(k) ? '' : '?'}: ${typeText(v, root)}`).join('; ')} }`;
  }
  if (s.type === 'object' && isObject(s.additionalProperties)) return `{ [key: string]: ${typeText(s.additionalProperties, root)} }`;
  return typeof s.type === 'string' ? s.type : 'unknown';
}

const TYPE_PHRASE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** Converts a JSON pointer into the repo's field notation (`versions[0].env.KEY`), walking the data. */
function fieldOf(pointer: string, data: unknown): string {
  if (pointer === '') return '';
  let field = '';
  let node = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field += Array.isArray(node) ? `[${key}]` : field === '' ? key : `.${key}`;
    node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  }
  return field;
}

const child = (field: string, key: string): string => (field === '' ? key : `${field}.${key}`);

/** The problem for one ajv error. */
function toProblem(error: ErrorObject, spec: unknown): StructureProblem {
  const field = fieldOf(error.instancePath, spec);
  const parent = (error.parentSchema ?? {}) as JsonSchema;
  // The type that rejects the field: a named definition (`VersionSpec`), else the field itself.
  const owner = DEFINITION_NAMES.get(parent) ?? field;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((parent.properties as Record<string, unknown> | undefined) ?? {});
      const guess = closestMatch(name, known, Math.max(2, Math.min(3, Math.floor(name.length / 3))));
      const value = isObject(error.data) ? error.data[name] : undefined;
      return {
        field: child(field, name),
        value,
        problem: `is not a field of ${owner}`,
        fix: guess !== undefined ? `did you mean ${guess}?` : `remove it; ${owner} has: ${known.join(', ')}`,
        unknownField: true,
      };
    }
    case 'required': {
      const name = String((error.params as { missingProperty: string }).missingProperty);
      const property = resolveRef(((parent.properties as Record<string, JsonSchema> | undefined) ?? {})[name] ?? {});
      return {
        field: child(field, name),
        problem: 'is required',
        fix: `add ${name} (${typeText(property)}); see ${SPEC_REFERENCE}`,
        unknownField: false,
      };
    }
    case 'type': {
      const expected = String((error.params as { type: string }).type);
      const shape = typeText(parent);
      const hint = shape.length <= 60 && shape !== expected ? ` (${shape})` : '';
      return {
        field,
        value: error.data,
        problem: `must be ${TYPE_PHRASE[expected] ?? expected}`,
        fix: `write it as ${TYPE_PHRASE[expected] ?? expected}${hint}; see ${SPEC_REFERENCE}`,
        unknownField: false,
      };
    }
    default: {
      // enum, or anyOf (whose branch errors are left out): list what is accepted.
      const forms = Array.isArray(parent.anyOf) ? (parent.anyOf as JsonSchema[]).map((b) => typeText(b)) : typeText(parent).split(' | ');
      return {
        field,
        value: error.data,
        problem: `is not one of: ${forms.join(', ')}`,
        fix: `use one of: ${forms.join(', ')}; see ${SPEC_REFERENCE}`,
        unknownField: false,
      };
    }
  }
}

/**
 * Structural problems of a spec. Errors inside a failed `anyOf` branch are left out: the
 * `anyOf` itself is reported once, with the forms it accepts.
 */
export function structureProblems(spec: unknown): StructureProblem[] {
  const validate = validator();
  if (validate(spec)) return [];
  const errors = validate.errors ?? [];
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const inBranch = (e: ErrorObject) =>
    unions.some(
      (u) =>
        e !== u &&
        e.schemaPath.startsWith(`${u.schemaPath}/`) &&
        (e.instancePath === u.instancePath || e.instancePath.startsWith(`${u.instancePath}/`)),
    );
  return errors.filter((e) => !inBranch(e)).map((e) => toProblem(e, spec));
}
