/**
 * NM01, NM02: pod isolation and exposure. Every namespace that runs pods denies by default
 * and every workload is selected for both directions by a NetworkPolicy; no Service opens a
 * way in beside the gateway.
 */
import type { ManifestObject } from '../../charts/schema';
import {
  formatLabels,
  namespaceId,
  push,
  selectsEveryPod,
  namespaceOf,
  specOf,
  strings,
  valueAt,
  workloadsSelectedBy,
  type Workload,
} from '../objects';
import { objectId, type ManifestRule } from '../types';
import { isEmptyLabelSelector } from './istio';
import { finding, manifestRule } from './define';

type Direction = 'Ingress' | 'Egress';
const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

/** `policyTypes`, or what Kubernetes defaults it to: Ingress, plus Egress when egress rules exist. */
function policyTypes(np: ManifestObject): Direction[] {
  const spec = specOf(np);
  const declared = strings(spec.policyTypes).filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (declared.length > 0) return declared;
  const defaults: Direction[] = ['Ingress'];
  // Kubernetes adds Egress only for a non-empty egress list: `egress: []` isolates nothing.
  if (Array.isArray(spec.egress) && spec.egress.length > 0) defaults.push('Egress');
  return defaults;
}

function isolates(np: ManifestObject, direction: Direction): boolean {
  return policyTypes(np).includes(direction);
}

/** Selects every pod of its namespace and allows nothing in that direction. */
function deniesAll(np: ManifestObject, direction: Direction): boolean {
  const spec = specOf(np);
  const rules = direction === 'Ingress' ? spec.ingress : spec.egress;
  return (
    isEmptyLabelSelector(spec.podSelector) &&
    isolates(np, direction) &&
    (rules === undefined || rules === null || (Array.isArray(rules) && rules.length === 0))
  );
}

const nm01DefaultDeny = manifestRule(
  {
    id: 'NM01-default-deny',
    description: 'Every namespace that runs pods has a default-deny NetworkPolicy for both Ingress and Egress',
    why: 'Without a default deny, a pod no policy selects accepts and opens connections to anything: a new workload, or one whose labels drift, is silently unisolated, and a compromised pod can reach the whole cluster and the metadata server.',
    fix: 'Add a NetworkPolicy with `podSelector: {}`, `policyTypes: [Ingress, Egress]` and no rules to the namespace, then allow each flow explicitly.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM01'],
  },
  (_ctx, index) => {
    const byNamespace = new Map<string, ManifestObject[]>();
    for (const p of index.ofKind('NetworkPolicy', 'networking.k8s.io')) push(byNamespace, namespaceOf(p), p);
    return index.namespaces.flatMap((ns) => {
      const inNs = byNamespace.get(ns) ?? [];
      const missing = DIRECTIONS.filter((d) => !inNs.some((p) => deniesAll(p, d)));
      return missing.length === 0
        ? []
        : [
            finding(
              namespaceId(ns),
              `no default-deny NetworkPolicy (podSelector {}, no rules) for ${missing.join(' and ')} in namespace '${ns}'`,
            ),
          ];
    });
  },
);

const nm01PodCoverage = manifestRule(
  {
    id: 'NM01-pod-coverage',
    description: "Every workload's pods are selected by a NetworkPolicy for Ingress and for Egress",
    why: 'A pod that no NetworkPolicy selects for a direction is not isolated in that direction: any pod in the cluster can reach it, or it can reach any of them, whatever the mesh says (traffic that bypasses the sidecar is not checked by Istio).',
    fix: "Select the pods with a NetworkPolicy covering both directions (a namespace default-deny with `podSelector: {}` does), then allow the workload's flows.",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM01'],
  },
  (_ctx, index) => {
    // Each policy adds its directions to the workloads it selects, or to its whole namespace
    // when it selects every pod: one pass over the policies, none over the pods per policy.
    const isolated = new Map<Workload | string, Set<Direction>>();
    const add = (key: Workload | string, directions: readonly Direction[]) => {
      const set = isolated.get(key) ?? new Set<Direction>();
      for (const d of directions) set.add(d);
      isolated.set(key, set);
    };
    for (const p of index.ofKind('NetworkPolicy', 'networking.k8s.io')) {
      const selector = specOf(p).podSelector ?? {};
      if (selectsEveryPod(selector)) add(namespaceOf(p), policyTypes(p));
      else for (const w of workloadsSelectedBy(index, namespaceOf(p), selector)) add(w, policyTypes(p));
    }
    return index.workloads.flatMap((w) => {
      const missing = DIRECTIONS.filter((d) => !(isolated.get(w)?.has(d) ?? false) && !(isolated.get(w.namespace)?.has(d) ?? false));
      return missing.length === 0
        ? []
        : [
            finding(
              w.id,
              `pods (${formatLabels(w.podLabels) || 'no labels'}) are selected by no NetworkPolicy for ${missing.join(' and ')}`,
            ),
          ];
    });
  },
);

const serviceType = manifestRule(
  {
    id: 'NM02-service-type',
    description: 'No NodePort or LoadBalancer Services',
    why: 'the edge is the Google load balancer in front of the Istio gateway, with TLS, Cloud Armor and authentication; a NodePort or LoadBalancer Service opens a second way in that has none of them',
    fix: 'use type ClusterIP and publish the service through a gateway route (ServiceSpec routes)',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM02'],
  },
  (_ctx, index) =>
    index.ofKind('Service').flatMap((s) => {
      const type = valueAt(s, ['spec', 'type']);
      return type === 'NodePort' || type === 'LoadBalancer' ? [{ object: objectId(s), message: `spec.type is ${type}` }] : [];
    }),
);

/** Network rules, in report order. */
export const networkRules: readonly ManifestRule[] = [nm01DefaultDeny, nm01PodCoverage, serviceType];
