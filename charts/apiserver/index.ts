/**
 * What the API server (Kubernetes 1.35, as GKE runs it) would reject beyond the OpenAPI
 * schema, offline: the `x-kubernetes-validations` CEL rules of the Istio and Gateway API
 * CRDs (`./cel`) and Kubernetes' own field validation of built-in kinds (`./k8s`), each
 * ported from, and tested against, the vendored upstream source (vendor/kubernetes/).
 *
 * `synthesize` runs it on every object before anything is written; the policy rules
 * MC10-crd-validation-rules and MC10-kubernetes-validation run it on any YAML
 * (`npm run policy -- --dir`).
 */
import type { ManifestObject } from '../schema';
import { celErrors, crdIsNamespaced, hasCrd, type NotChecked } from './cel';
import { render, FieldPath, type FieldError } from './field';
import { fieldErrors } from './k8s';
import { nameIsDNSSubdomain, validateObjectMeta } from './k8s/meta';

export type { FieldError } from './field';
export type { NotChecked } from './cel';
export { render } from './field';

export interface ApiServerResult {
  /** Errors from Kubernetes' field validation (built-in kinds) or the object's metadata (custom resources). */
  readonly fieldErrors: readonly FieldError[];
  /** Errors from the CRD's `x-kubernetes-validations` rules. */
  readonly celErrors: readonly FieldError[];
  /** CRD rules that could not be evaluated, by name: never counted as passed. */
  readonly notChecked: readonly NotChecked[];
  /** False when neither a CRD nor a Kubernetes validator knows the kind: nothing was checked. */
  readonly covered: boolean;
}

const NOT_COVERED: ApiServerResult = { fieldErrors: [], celErrors: [], notChecked: [], covered: false };
const METADATA = FieldPath.root('metadata');

/**
 * Custom resources: apiextensions-apiserver `customresource` validator checks metadata with
 * `ValidateObjectMetaAccessor(obj, namespaceScoped, NameIsDNSSubdomain, ...)`, then the CRD
 * schema and its rules; `namespaceScoped` is the CRD's `spec.scope` (every CRD this repository
 * knows is namespaced but Managed Prometheus' ClusterPodMonitoring).
 */
export function apiServerValidation(obj: ManifestObject): ApiServerResult {
  if (hasCrd(obj.apiVersion, obj.kind)) {
    const cel = celErrors(obj);
    return {
      fieldErrors: validateObjectMeta(obj.metadata, crdIsNamespaced(obj.apiVersion, obj.kind), nameIsDNSSubdomain, METADATA),
      celErrors: cel.errors,
      notChecked: cel.notChecked,
      covered: true,
    };
  }
  const errors = fieldErrors(obj);
  return errors === undefined ? NOT_COVERED : { fieldErrors: errors, celErrors: [], notChecked: [], covered: true };
}

/** `spec.http[0].timeout: Invalid value: "string": must be ... (rule)`: the API server's line, and the upstream check. */
export function describeError(e: FieldError): string {
  return `${render(e)} [${e.rule}]`;
}
