/**
 * The JSON Schema of a ServiceSpec, generated from the TypeScript types of `spec.ts` by
 * ts-json-schema-generator: one definition for the compiler and for the runtime check of
 * catalogues (which tsx loads without type checking). `npm run schema:spec`
 * (cli/spec-docs-command.ts) writes `services/spec.schema.json`; a test fails when the
 * committed file is stale.
 */

/** Repository-relative path of the committed schema. */
export const SPEC_SCHEMA_FILE = 'services/spec.schema.json';

/**
 * Annotation keyword for a default that is a behaviour rather than a value: the TSDoc
 * convention `@default - what happens` (cdk8s style). JSON Schema's `default` is kept for
 * values, which editors offer as completions.
 */
export const DEFAULT_DESCRIPTION = 'defaultDescription';
