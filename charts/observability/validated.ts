/**
 * The check every platform observability object passes before anyone applies it: its OpenAPI
 * schema (charts/schema.ts), then what the API server checks beyond it (CRD rules, Kubernetes
 * field validation: charts/apiserver), as `synthesize` checks the apps' objects.
 */
import { assertNoProblems, type Problem } from '../../core/problems';
import { apiServerValidation } from '../apiserver';
import { errorBody } from '../apiserver/field';
import { objectRef, validateObject, type ManifestObject } from '../schema';

/** Problems of one object; `what` names it in messages. */
export function platformObjectProblems(obj: ManifestObject, what: string): Problem[] {
  const schema = validateObject(obj, what);
  if (schema.length > 0) return schema;
  const api = apiServerValidation(obj);
  return [...api.fieldErrors, ...api.celErrors].map((e) => ({
    where: what,
    field: `${objectRef(obj)} ${e.field}`,
    problem: `${errorBody(e)} (the API server would reject it: ${e.rule})`,
    fix: 'fix the construct that produced this field (charts/observability)',
  }));
}

/** The objects, each checked; all problems are reported together. */
export function validated(objects: readonly ManifestObject[], what: string): ManifestObject[] {
  assertNoProblems(
    objects.flatMap((o) => platformObjectProblems(o, `${what} ${objectRef(o)}`)),
    `${what} failed validation`,
  );
  return [...objects];
}
