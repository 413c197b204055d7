/**
 * The SLOs' alerts and dashboards in Cloud Monitoring, for a platform stack: a notification channel
 * per team of `platform:teams`, an alert policy per service and severity (page, ticket) whose
 * PromQL conditions read the burn rates of the service's recorded SLIs (charts/slo.ts, recorded by
 * the Rules object synthesis puts in the service's namespace), routed to the owner's channels, and
 * a golden-signals dashboard per app (infra/dashboard.ts).
 *
 * Decisions are pure (`alertingPlan`); the component only creates what the plan says.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { serviceAlertQueries, type SliName } from '../charts/slo';
import { RULES_INTERVAL } from '../charts/slo-rules';
import type { EnvironmentConfig } from '../core/config';
import type { TeamConfig } from '../core/config-schema';
import type { Problem } from '../core/problems';
import type { LoadedApp } from '../services/apps';
import { sloFor, type ResolvedSlo } from '../services/defaults';
import { BURN_RATE_ALERTS, rangeMinutes, type AlertSeverity } from '../services/slo';
import { specLocation } from '../services/validate';
import { appDashboard, dashboardName } from './dashboard';

/** Cloud Monitoring's severity of each of ours: a page is critical, a ticket a warning. */
export const POLICY_SEVERITY: Readonly<Record<AlertSeverity, 'CRITICAL' | 'WARNING'>> = { page: 'CRITICAL', ticket: 'WARNING' };

/** One alert policy: a service's burn-rate conditions at one severity, for its owner. */
export interface AlertPolicyPlan {
  /** Resource name: `<stack>-<app>-<service>-<severity>`. */
  readonly name: string;
  readonly app: string;
  readonly service: string;
  readonly team: string;
  readonly severity: AlertSeverity;
  readonly displayName: string;
  readonly conditions: ReadonlyArray<{ readonly sli: SliName; readonly displayName: string; readonly query: string }>;
  readonly documentation: string;
  readonly userLabels: Readonly<Record<string, string>>;
}

/** What a stack's alerting consists of, or why it cannot be built. */
export interface AlertingPlan {
  /** Owners that are not teams of the environment: each names the service's file. */
  readonly problems: readonly Problem[];
  /** Teams with an email, by name: the program creates their channels. */
  readonly teams: ReadonlyArray<{ readonly team: string; readonly config: TeamConfig }>;
  readonly policies: readonly AlertPolicyPlan[];
  readonly dashboards: ReadonlyArray<{ readonly app: string; readonly name: string; readonly json: Record<string, unknown> }>;
}

/** A Cloud Monitoring user label value: lower-case letters, digits, `_` and `-`. */
function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
}

const percent = (severity: AlertSeverity) =>
  BURN_RATE_ALERTS.filter((a) => a.severity === severity)
    .map((a) => `${a.budgetPercent}% of the budget in ${a.long} (${a.short} confirms it is still burning)`)
    .join(', or ');

function documentation(app: string, stack: string, service: string, owner: string, severity: AlertSeverity, slo: ResolvedSlo): string {
  return [
    `**${service}** (app ${app}, stack ${stack}) is spending its error budget too fast: ${severity === 'page' ? 'act now' : 'act within the working day'}.`,
    '',
    `Objectives over 30 days: ${slo.availability}% of requests succeed; ${slo.latency.percentile}% complete within ${slo.latency.threshold}.`,
    `This ${severity} fires when either objective spends ${percent(severity)}.`,
    '',
    `Owner: ${owner}. Dashboard: "${dashboardName(app, stack)}". How the SLOs and alerts work: docs/slo.md.`,
  ].join('\n');
}

/**
 * The alerting of a platform stack: every service that serves requests gets a page and a ticket
 * policy for its owner's team; an owner that is not a team of `platform:teams` is a problem naming
 * the service's file and the fix.
 */
export function alertingPlan(config: EnvironmentConfig, apps: readonly LoadedApp[], cluster: string): AlertingPlan {
  const problems: Problem[] = [];
  const policies: AlertPolicyPlan[] = [];
  const dashboards: Array<AlertingPlan['dashboards'][number]> = [];
  const known = Object.keys(config.teams);
  for (const { app, catalogue } of apps) {
    const services = catalogue.services.map((def) => ({ def, slo: sloFor(def.spec, config.profile) }));
    for (const { def, slo } of services) {
      const { spec } = def;
      if (slo === undefined) continue;
      if (config.teams[spec.owner] === undefined) {
        problems.push({
          where: specLocation(def),
          field: 'owner',
          value: spec.owner,
          problem: `is not a team of ${config.file} (platform:teams), so the service's SLO alerts would reach nobody`,
          fix:
            known.length === 0
              ? `add the team under platform:teams in ${config.file}: \`${spec.owner}: { email: <on-call address> }\``
              : `add \`${spec.owner}: { email: <on-call address> }\` under platform:teams in ${config.file}, or set owner to one of: ${known.join(', ')}`,
        });
        continue;
      }
      const scope = { cluster, namespace: app.namespace, service: spec.name };
      const queries = serviceAlertQueries(scope, slo);
      for (const severity of ['page', 'ticket'] as const) {
        policies.push({
          name: `${config.stack}-${app.name}-${spec.name}-${severity}`,
          app: app.name,
          service: spec.name,
          team: spec.owner,
          severity,
          displayName: `${app.name}/${spec.name} (${config.stack}): SLO burn rate, ${severity}`,
          conditions: queries
            .filter((q) => q.severity === severity)
            .map((q) => ({
              sli: q.sli,
              displayName: `${spec.name} ${q.sli} (${q.sli === 'availability' ? `${q.target}% succeed` : `${q.target}% within ${slo.latency.threshold}`}): error budget burn`,
              query: q.query,
            })),
          documentation: documentation(app.name, config.stack, spec.name, spec.owner, severity, slo),
          userLabels: {
            stack: labelValue(config.stack),
            app: labelValue(app.name),
            service: labelValue(spec.name),
            team: labelValue(spec.owner),
            severity,
          },
        });
      }
    }
    dashboards.push({
      app: app.name,
      name: `${config.stack}-${app.name}-dashboard`,
      json: appDashboard({
        app: app.name,
        stack: config.stack,
        cluster,
        namespace: app.namespace,
        services: services.map(({ def, slo }) => ({ spec: def.spec, ...(slo !== undefined && { slo }) })),
      }),
    });
  }
  const owners = new Set(policies.map((p) => p.team));
  const teams = Object.entries(config.teams)
    .filter(([team]) => owners.has(team))
    .map(([team, teamConfig]) => ({ team, config: teamConfig }));
  return { problems, teams, policies, dashboards };
}

export interface AlertingArgs {
  readonly plan: AlertingPlan;
  readonly project: string;
}

/** The teams' channels, the services' alert policies and the apps' dashboards. */
export class Alerting extends pulumi.ComponentResource {
  /** Each owning team's channel names (`projects/<p>/notificationChannels/<id>`), created or given. */
  public readonly channels: ReadonlyMap<string, ReadonlyArray<pulumi.Input<string>>>;
  public readonly policies: readonly gcp.monitoring.AlertPolicy[];
  public readonly dashboards: readonly gcp.monitoring.Dashboard[];

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:alerting:Alerting', name, {}, opts);
    const { plan, project } = args;
    const channels = new Map<string, Array<pulumi.Input<string>>>();
    for (const { team, config } of plan.teams) {
      const names: Array<pulumi.Input<string>> = [...(config.channels ?? [])];
      if (config.email !== undefined) {
        const channel = new gcp.monitoring.NotificationChannel(
          `${name}-${team}-email`,
          {
            project,
            type: 'email',
            displayName: `${team} (${name})`,
            description: `SLO alerts of the services ${team} owns`,
            labels: { email_address: config.email },
            userLabels: { team: labelValue(team) },
          },
          { parent: this },
        );
        names.push(channel.name);
      }
      channels.set(team, names);
    }
    this.channels = channels;
    this.policies = plan.policies.map(
      (p) =>
        new gcp.monitoring.AlertPolicy(
          p.name,
          {
            project,
            displayName: p.displayName,
            combiner: 'OR',
            severity: POLICY_SEVERITY[p.severity],
            conditions: p.conditions.map((c) => ({
              displayName: c.displayName,
              conditionPrometheusQueryLanguage: {
                query: c.query,
                // The rules record every minute; evaluating more often would only re-read the same points.
                evaluationInterval: `${rangeMinutes(RULES_INTERVAL) * 60}s`,
                // The recordings appear only once the Rules object is evaluated: validating the metric would fail the first deploy.
                disableMetricValidation: true,
                labels: { severity: p.severity, slo: c.sli },
              },
            })),
            notificationChannels: channels.get(p.team) ?? [],
            documentation: { content: p.documentation, mimeType: 'text/markdown', subject: `[${p.severity}] ${p.displayName}` },
            userLabels: { ...p.userLabels },
          },
          { parent: this },
        ),
    );
    this.dashboards = plan.dashboards.map(
      (d) => new gcp.monitoring.Dashboard(d.name, { project, dashboardJson: JSON.stringify(d.json) }, { parent: this }),
    );
    this.registerOutputs({});
  }
}
