/**
 * The JSON Schema of a ServiceSpec, generated from the TypeScript types of `spec.ts` by
 * ts-json-schema-generator: one definition for the compiler and for the runtime check of
 * catalogues (which tsx loads without type checking). `npm run schema:spec` writes
 * `services/spec.schema.json`; a test fails when the committed file is stale.
 */
import * as path from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

/** Repository-relative path of the committed schema. */
export const SPEC_SCHEMA_FILE = 'services/spec.schema.json';

/**
 * Annotation keyword for a default that is a behaviour rather than a value: the TSDoc
 * convention `@default - what happens` (cdk8s style). JSON Schema's `default` is kept for
 * values, which editors offer as completions.
 */
export const DEFAULT_DESCRIPTION = 'defaultDescription';

type JsonObject = { [key: string]: unknown };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Moves `@default - ...` texts from `default` to `defaultDescription`, everywhere in the schema. */
function splitDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(splitDefaults);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'default' && typeof value === 'string' && value.startsWith('- ')) out[DEFAULT_DESCRIPTION] = value.slice(2);
    else out[key] = splitDefaults(value);
  }
  return out;
}

/** The schema of `ServiceSpec`, as the text committed in `services/spec.schema.json`. */
export function generateSpecSchema(root: string): string {
  const generator = createGenerator({
    path: path.join(root, 'services', 'spec.ts'),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: 'ServiceSpec',
    // Unknown fields are rejected at every level (a misspelled optional field is a mistake).
    additionalProperties: false,
    // `npm run typecheck` checks the file; the generator only needs its types.
    skipTypeCheck: true,
    // Declaration order, the order in which spec.ts (and the reference) explain the fields.
    sortProps: false,
  });
  return `${JSON.stringify(splitDefaults(generator.createSchema('ServiceSpec')), null, 2)}\n`;
}
