/**
 * `npm run schema:spec` and `npm run docs:spec`: the development-time generators of the
 * ServiceSpec contract. The first writes services/spec.schema.json from the TypeScript types
 * of services/spec.ts (ts-json-schema-generator, a devDependency: only these generators load
 * it); the second writes docs/service-spec.md from that schema. Tests fail when either
 * committed file is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { repoRoot } from '../core/config';
import { SPEC_DOCS_FILE, renderSpecDocs } from '../services/spec-docs';
import { DEFAULT_DESCRIPTION, SPEC_SCHEMA_FILE } from '../services/spec-schema';
import { command } from './args';

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

export const schemaSpecCli = command(
  {
    script: 'schema:spec',
    summary: `Regenerates ${SPEC_SCHEMA_FILE}, the JSON Schema of a ServiceSpec, from the TypeScript types of services/spec.ts.`,
    options: {},
  },
  (_args, io) => {
    const root = repoRoot();
    fs.writeFileSync(path.join(root, SPEC_SCHEMA_FILE), generateSpecSchema(root));
    io.out(`${SPEC_SCHEMA_FILE}: regenerated from services/spec.ts\n`);
  },
);

export const docsSpecCli = command(
  {
    script: 'docs:spec',
    summary: `Regenerates ${SPEC_DOCS_FILE}, the reference of every ServiceSpec field, from ${SPEC_SCHEMA_FILE}.`,
    options: {},
  },
  (_args, io) => {
    const root = repoRoot();
    const schema = JSON.parse(fs.readFileSync(path.join(root, SPEC_SCHEMA_FILE), 'utf8')) as Parameters<typeof renderSpecDocs>[0];
    fs.writeFileSync(path.join(root, SPEC_DOCS_FILE), renderSpecDocs(schema));
    io.out(`${SPEC_DOCS_FILE}: regenerated from ${SPEC_SCHEMA_FILE}\n`);
  },
);
