/**
 * Readers of parsed JSON and YAML, shared by every layer: one definition of "is it an
 * object" (copies of it drifted before).
 */

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A list. Unlike `Array.isArray`, which narrows a readonly array to `any[]`, keeps the element type. */
export function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/** The value if it is a list, else a new empty list. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
