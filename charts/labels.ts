/**
 * Labels: `app` and `version` are what Istio (and its dashboards) key on; the
 * `app.kubernetes.io/*` set is what every other tool expects.
 */
import type { ServiceSpec } from '../services/spec';

export const MANAGED_BY = 'platform-cdk8s';

/** Labels on every object of a service. */
export function serviceLabels(partOf: string, spec: ServiceSpec): Record<string, string> {
  return {
    app: spec.name,
    'app.kubernetes.io/name': spec.name,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    team: spec.owner,
  };
}

/** Labels on a version's Deployment and pods. */
export function versionLabels(partOf: string, spec: ServiceSpec, version: string): Record<string, string> {
  return {
    ...serviceLabels(partOf, spec),
    version,
    'app.kubernetes.io/instance': `${spec.name}-${version}`,
    'app.kubernetes.io/version': version,
  };
}

/** The selector of a version's pods: the two labels that never change for its lifetime. */
export function versionSelector(spec: ServiceSpec, version: string): Record<string, string> {
  return { app: spec.name, version };
}
