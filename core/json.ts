/**
 * Readers of parsed JSON and YAML, shared by every layer: one definition of "is it an
 * object" (copies of it drifted before).
 */

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
