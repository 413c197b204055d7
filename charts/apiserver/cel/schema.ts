/**
 * The part of a CRD's structural schema that its `x-kubernetes-validations` rules need: types
 * (to convert JSON to CEL values as the API server does), defaults (applied before validation),
 * and the rules themselves. Extracted once (at import time for Istio, on first use for the
 * vendored Gateway API CRDs); descriptions, enums and patterns are dropped.
 */

/** One `x-kubernetes-validations` entry, as the CRD spells it (apiextensions/v1 `ValidationRule`). */
export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  readonly optionalOldSelf?: boolean;
}

/** A structural schema node reduced to what rule evaluation reads. */
export interface CelSchemaNode {
  readonly type?: string;
  readonly format?: string;
  readonly intOrString?: true;
  readonly preserveUnknown?: true;
  readonly embedded?: true;
  readonly nullable?: true;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, CelSchemaNode>>;
  readonly items?: CelSchemaNode;
  readonly additionalProperties?: CelSchemaNode;
  readonly rules?: readonly CelRule[];
  /** Rules found where the API server's walk does not reach them the same way (inside `allOf`, `anyOf`, ...). */
  readonly nestedRules?: readonly { readonly where: string; readonly rule: CelRule }[];
}

/** One CRD, every version: `versions` maps a version name to an index in `schemas` (identical schemas shared). */
export interface CelCrd {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly versions: Readonly<Record<string, number>>;
  readonly schemas: readonly CelSchemaNode[];
  /** `spec.scope: Cluster` (ClusterPodMonitoring); absent for namespaced CRDs, as every Istio one is. */
  readonly clusterScoped?: true;
}

type Json = { readonly [key: string]: unknown };
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const RULE_KEYS = ['rule', 'message', 'messageExpression', 'fieldPath', 'reason', 'optionalOldSelf'] as const;

function ruleOf(raw: unknown): CelRule | undefined {
  if (!isJson(raw) || typeof raw.rule !== 'string') return undefined;
  return Object.fromEntries(RULE_KEYS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]])) as unknown as CelRule;
}

/** Reduces an `openAPIV3Schema` to a CelSchemaNode (keys in a fixed order, so the output is deterministic). */
export function celSchemaNode(schema: unknown): CelSchemaNode {
  if (!isJson(schema)) return {};
  const node: Record<string, unknown> = {};
  if (typeof schema.type === 'string') node.type = schema.type;
  if (typeof schema.format === 'string') node.format = schema.format;
  if (schema['x-kubernetes-int-or-string'] === true) node.intOrString = true;
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) node.preserveUnknown = true;
  if (schema['x-kubernetes-embedded-resource'] === true) node.embedded = true;
  if (schema.nullable === true) node.nullable = true;
  if (schema.default !== undefined) node.default = schema.default;
  if (isJson(schema.properties)) {
    node.properties = Object.fromEntries(
      Object.keys(schema.properties)
        .sort()
        .map((k) => [k, celSchemaNode((schema.properties as Json)[k])]),
    );
  }
  if (isJson(schema.items)) node.items = celSchemaNode(schema.items);
  if (isJson(schema.additionalProperties)) node.additionalProperties = celSchemaNode(schema.additionalProperties);
  const rules = Array.isArray(schema['x-kubernetes-validations'])
    ? schema['x-kubernetes-validations'].map(ruleOf).filter((r) => r !== undefined)
    : [];
  if (rules.length > 0) node.rules = rules;
  const nested = ['allOf', 'anyOf', 'oneOf', 'not'].flatMap((k) => nestedRules(schema[k], k));
  if (nested.length > 0) node.nestedRules = nested;
  return node;
}

function nestedRules(v: unknown, where: string): { where: string; rule: CelRule }[] {
  if (Array.isArray(v)) return v.flatMap((s, i) => nestedRules(s, `${where}[${i}]`));
  if (!isJson(v)) return [];
  const own = Array.isArray(v['x-kubernetes-validations']) ? v['x-kubernetes-validations'].map(ruleOf).filter((r) => r !== undefined) : [];
  const below = Object.entries(v).flatMap(([k, s]) =>
    k === 'properties' && isJson(s)
      ? Object.entries(s).flatMap(([p, ps]) => nestedRules(ps, `${where}.${p}`))
      : k === 'x-kubernetes-validations'
        ? []
        : nestedRules(s, `${where}.${k}`),
  );
  return [...own.map((rule) => ({ where, rule })), ...below];
}

/** A CustomResourceDefinition as parsed from YAML; only the fields read here. */
export interface CrdDocument {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown };
  readonly spec?: {
    readonly group?: unknown;
    readonly scope?: unknown;
    readonly names?: { readonly kind?: unknown };
    readonly versions?: readonly {
      readonly name?: unknown;
      readonly served?: unknown;
      readonly schema?: { readonly openAPIV3Schema?: unknown };
    }[];
  };
}

/** The served versions of a CRD, reduced; undefined for a document that is not a CRD. */
export function celCrd(doc: CrdDocument): CelCrd | undefined {
  if (doc.kind !== 'CustomResourceDefinition' || typeof doc.spec?.group !== 'string' || typeof doc.spec.names?.kind !== 'string')
    return undefined;
  const schemas: CelSchemaNode[] = [];
  const seen = new Map<string, number>();
  const versions: Record<string, number> = {};
  for (const v of doc.spec.versions ?? []) {
    if (typeof v.name !== 'string' || v.served === false) continue;
    const node = celSchemaNode(v.schema?.openAPIV3Schema);
    const text = JSON.stringify(node);
    let i = seen.get(text);
    if (i === undefined) {
      i = schemas.push(node) - 1;
      seen.set(text, i);
    }
    versions[v.name] = i;
  }
  return {
    name: String(doc.metadata?.name),
    group: doc.spec.group,
    kind: doc.spec.names.kind,
    versions,
    schemas,
    ...(doc.spec.scope === 'Cluster' && { clusterScoped: true as const }),
  };
}

/** The text of imports/istio-cel.json (written by `npm run import:istio`): every CRD of a bundle, by name. */
export function celCrdsFile(docs: readonly CrdDocument[], bundleName: string): string {
  const crds = docs
    .map(celCrd)
    .filter((c) => c !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  return `${JSON.stringify({ $comment: `Generated by npm run import:istio from ${bundleName}; do not edit.`, crds }, null, 1)}\n`;
}
