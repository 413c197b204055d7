/**
 * IN01: the input itself. A set that defines one object twice is ambiguous: `kubectl apply`
 * and Pulumi keep whichever copy comes last, so the rules may have passed the copy that
 * loses. Seen in real directories: a Deployment both in `all.yaml` and `deployment.yaml`,
 * or once with `namespace: default` and once with none.
 */
import type { ManifestObject } from '../../charts/schema';
import { objectId, type Finding, type ManifestContext, type ManifestRule } from '../types';

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> '' (core). */
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

/**
 * What identifies an object to the API server: group (not version: `apps/v1` and
 * `apps/v1beta1` are the same Deployment), kind, namespace (none = `default`, as kubectl
 * applies it) and name.
 */
export function identityKey(o: ManifestObject): string {
  return [groupOf(o.apiVersion), o.kind, o.metadata.namespace ?? 'default', o.metadata.name].join('|');
}

export const duplicateObject: ManifestRule = {
  id: 'IN01-duplicate-object',
  description: 'Each object (API group, kind, namespace, name) is defined once in the set',
  why: 'two documents for one object are two candidates for the same thing: kubectl and Pulumi keep whichever comes last, so what runs may be the copy no rule looked at, and the two copies drift apart in review',
  fix: 'keep one document per object: delete the other copy, or rename one of them if both are meant to exist (an object without a namespace is in `default`)',
  severity: 'high',
  enforcement: 'mandatory',
  catalogue: ['MC05'],
  target: 'manifests',
  check(ctx: ManifestContext): Finding[] {
    const seen = new Map<string, { first: ManifestObject; copies: number }>();
    const findings: Finding[] = [];
    for (const o of ctx.objects) {
      const key = identityKey(o);
      const entry = seen.get(key);
      if (entry === undefined) {
        seen.set(key, { first: o, copies: 1 });
        continue;
      }
      entry.copies++;
      const group = groupOf(o.apiVersion);
      findings.push({
        object: objectId(o),
        message: `copy ${entry.copies} of ${o.kind}${group === '' ? '' : `.${group}`} ${o.metadata.namespace ?? 'default'}/${o.metadata.name}${objectId(entry.first) === objectId(o) ? '' : ` (first as ${objectId(entry.first)})`}: only the last copy applied is kept`,
      });
    }
    return findings;
  },
};

export const inputRules: readonly ManifestRule[] = [duplicateObject];
