/**
 * Every rule, in report order: the groups below, each in its own order. The rule reference of
 * docs/policies.md (`npm run docs:policies`) is generated from this list.
 *
 * The order is by group (pod security, identity, reliability, images, RBAC, network, mesh
 * security, edge, mesh consistency, GKE, GCP, the managed services of `uses` (as Pulumi resources, then as Config Connector objects), input, API server,
 * references, Gateway API, observability: SLOs and alerts, then telemetry); before the rules were split by group, NM02
 * came right after the image rules and NM06/NM07 before NM08.
 */
import { apiServerRules } from './rules/api-server';
import { configConnectorRules } from './rules/config-connector';
import { edgeRules } from './rules/edge';
import { gatewayApiRules } from './rules/gateway-api';
import { gcpRules } from './rules/gcp';
import { gkeRules } from './rules/gke';
import { imageRules } from './rules/images';
import { inputRules } from './rules/input';
import { managedServiceRules } from './rules/managed-services';
import { meshConsistencyRules } from './rules/mesh-consistency';
import { meshSecurityRules } from './rules/mesh-security';
import { networkRules } from './rules/network';
import { observabilityRules } from './rules/observability';
import { podIdentityRules } from './rules/pod-identity';
import { podSecurityRules } from './rules/pod-security';
import { rbacRules } from './rules/rbac';
import { telemetryRules } from './rules/telemetry';
import { referenceRules } from './rules/references';
import { reliabilityRules } from './rules/reliability';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [
  ...podSecurityRules,
  ...podIdentityRules,
  ...reliabilityRules,
  ...imageRules,
  ...rbacRules,
  ...networkRules,
  ...meshSecurityRules,
  ...edgeRules,
  ...meshConsistencyRules,
  ...gkeRules,
  ...gcpRules,
  ...managedServiceRules,
  ...configConnectorRules,
  ...inputRules,
  ...apiServerRules,
  ...referenceRules,
  ...gatewayApiRules,
  ...observabilityRules,
  ...telemetryRules,
];

export function ruleIds(): ReadonlySet<string> {
  return new Set(RULES.map((r) => r.id));
}
