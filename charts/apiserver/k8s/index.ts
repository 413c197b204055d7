/**
 * Kubernetes' own field validation (what the API server rejects on create beyond the OpenAPI
 * schema), by kind: `fieldErrors(obj)` returns the errors the API server would give, `[]` for a
 * valid object, `undefined` when the kind is not covered. `coveredKinds()` lists `apiVersion/kind`.
 * The non-workload kinds are in kinds.ts, the workloads (pods helper) in workloads.ts.
 */
import type { ManifestObject } from '../../schema';
import type { FieldError } from '../field';
import { KIND_VALIDATORS } from './kinds';
import { WORKLOAD_VALIDATORS } from './workloads';

const VALIDATORS: ReadonlyMap<string, (obj: ManifestObject) => FieldError[]> = new Map([
  ...Object.entries(KIND_VALIDATORS),
  ...Object.entries(WORKLOAD_VALIDATORS),
]);

/** The API server's field errors for one object, or undefined when its kind is not covered. */
export function fieldErrors(obj: ManifestObject): FieldError[] | undefined {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const validate = VALIDATORS.get(`${apiVersion}/${kind}`);
  return validate === undefined ? undefined : validate(obj);
}

/** The `apiVersion/kind` keys fieldErrors covers, sorted. */
export function coveredKinds(): string[] {
  return [...VALIDATORS.keys()].sort();
}
