/**
 * The entry point: the CEL rule errors of one manifest object, as the API server would return
 * them on create, and the rules it could not run on it.
 */
import type { ManifestObject } from '../../schema';
import { crdFor, ruleTree } from './crds';
import { walk, type CelResultSet } from './validate';

/** Whether a CRD (Istio or vendored Gateway API) is known for this apiVersion and kind. */
export function hasCrd(apiVersion: string, kind: string): boolean {
  return typeof apiVersion === 'string' && typeof kind === 'string' && crdFor(apiVersion, kind) !== undefined;
}

/** Whether the known CRD of this apiVersion and kind is namespaced (every one is but ClusterPodMonitoring); true when none is known. */
export function crdIsNamespaced(apiVersion: string, kind: string): boolean {
  return crdFor(apiVersion, kind)?.crd.clusterScoped !== true;
}

/** Errors of the object's CRD rules (none for kinds with no known CRD). Never throws on malformed input. */
export function celErrors(obj: ManifestObject): CelResultSet {
  const out: CelResultSet = { errors: [], notChecked: [] };
  if (typeof obj !== 'object' || obj === null || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return out;
  const cv = crdFor(obj.apiVersion, obj.kind);
  const tree = cv === undefined ? undefined : ruleTree(cv);
  if (tree !== undefined) walk(tree, obj, '', out);
  return out;
}
