/**
 * A service's SLO recording rules as a Managed Service for Prometheus `Rules` object in its
 * namespace. The managed rule evaluator scopes a namespaced `Rules` to its namespace: every
 * selector gets the cluster's and the namespace's matchers, and every result keeps `project_id`,
 * `location`, `cluster` and `namespace` (prometheus-engine v0.17.2,
 * pkg/operator/apis/monitoring/v1/rules_config.go `scope`), which the alert policies filter on.
 *
 * Only recording rules: the alerts are Cloud Monitoring alert policies over these recordings
 * (infra/alerting.ts), which notify the owner's channels directly; alerting rules here would need
 * an Alertmanager configured for the managed evaluator.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ResolvedSlo } from '../services/defaults';
import type { PromRange } from '../services/slo';
import type { ServiceSpec } from '../services/spec';
import { SLI_NAMES, sliRecordings, type SliName } from './slo';

export const RULES_API_VERSION = 'monitoring.googleapis.com/v1';
export const RULES_KIND = 'Rules';

/**
 * One rule of a `Rules` object, as the CRD declares it (vendor/prometheus-engine/v0.17.2,
 * charts/operator/crds/monitoring.googleapis.com_rules.yaml): exactly one of `record` or `alert`,
 * `annotations` only on an alert.
 */
export interface PrometheusRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule group: evaluated together, every `interval` (the CRD's default: 1m). */
export interface PrometheusRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly PrometheusRule[];
}

/** The `spec` of a `Rules` object. */
export interface RulesSpec {
  readonly groups: readonly PrometheusRuleGroup[];
}

/** How often the recordings are evaluated: the alert policies evaluate their queries as often. */
export const RULES_INTERVAL: PromRange = '1m';

/** The name of a service's `Rules` object: `<service>-slo`. */
export function sloRulesName(spec: ServiceSpec): string {
  return `${spec.name}-slo`;
}

/** The name of the group of one SLI: `<service>-<sli>`. */
export function sliGroupName(service: string, sli: SliName): string {
  return `${service}-${sli}`;
}

/**
 * The recording rules of a service's SLOs: one group per SLI, one recording per alert window and
 * one of the SLI's error budget, labelled with the owner's team (the alert policies select a team's
 * services by it).
 */
export function sloRulesSpec(spec: ServiceSpec, namespace: string, slo: ResolvedSlo): RulesSpec {
  const subject = { service: spec.name, namespace, ...(spec.protocol !== undefined && { protocol: spec.protocol }) };
  return {
    groups: SLI_NAMES.map((sli) => ({
      name: sliGroupName(spec.name, sli),
      interval: RULES_INTERVAL,
      rules: sliRecordings(subject, spec.owner, sli, slo).map((r) => ({ record: r.record, expr: r.expr, labels: { ...r.labels } })),
    })),
  };
}

export interface ServiceSloProps {
  readonly spec: ServiceSpec;
  readonly namespace: string;
  /** The service's objectives in this environment (services/defaults.ts `sloFor`). */
  readonly slo: ResolvedSlo;
  readonly labels: Readonly<Record<string, string>>;
}

/** The `Rules` object of one service's SLOs. */
export class ServiceSlo extends Construct {
  public readonly rules: ApiObject;

  constructor(scope: Construct, id: string, props: ServiceSloProps) {
    super(scope, id);
    this.rules = new ApiObject(this, 'rules', {
      apiVersion: RULES_API_VERSION,
      kind: RULES_KIND,
      metadata: { name: sloRulesName(props.spec), labels: { ...props.labels } },
      spec: sloRulesSpec(props.spec, props.namespace, props.slo),
    });
  }
}
