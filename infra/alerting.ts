/**
 * The SLOs' alerts and dashboards in Cloud Monitoring, for a platform stack: a notification channel
 * per team of `platform:teams`, an alert policy per app, owning team and severity (page, ticket)
 * whose PromQL conditions compare every one of the team's services' recorded error ratios with its
 * own recorded error budget (charts/slo.ts, recorded by the Rules object synthesis puts in each
 * service's namespace) on every cluster of the stack, routed to the team's channels, and a
 * golden-signals dashboard per app (infra/dashboard.ts). The number of policies grows with apps and
 * teams, not with services: each burning service is an incident of its own, named by its labels.
 *
 * Decisions are pure (`alertingPlan`); the component only creates what the plan says.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { ERROR_BUDGET_RECORD, teamAlertQueries, type SliName } from '../charts/slo';
import { RULES_INTERVAL } from '../charts/slo-rules';
import type { EnvironmentConfig } from '../core/config';
import type { TeamConfig } from '../core/config-schema';
import type { Problem } from '../core/problems';
import type { LoadedApp } from '../services/apps';
import { sloFor } from '../services/defaults';
import { BURN_RATE_ALERTS, rangeMinutes, type AlertSeverity } from '../services/slo';
import { specLocation } from '../services/validate';
import { appDashboard, dashboardName } from './dashboard';

/** Cloud Monitoring's severity of each of ours: a page is critical, a ticket a warning. */
export const POLICY_SEVERITY: Readonly<Record<AlertSeverity, 'CRITICAL' | 'WARNING'>> = { page: 'CRITICAL', ticket: 'WARNING' };

/** One alert policy: the burn-rate conditions of a team's services in an app, at one severity. */
export interface AlertPolicyPlan {
  /** Resource name: `<stack>-<app>-<team>-<severity>`. */
  readonly name: string;
  readonly app: string;
  readonly team: string;
  readonly severity: AlertSeverity;
  /** The services it watches (those of the team in the app that serve requests), in catalogue order. */
  readonly services: readonly string[];
  /** The clusters its queries read, the primary first. */
  readonly clusters: readonly string[];
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
    .map((a) => `${a.budgetPercent}% of its budget in ${a.long} (${a.short} confirms it is still burning)`)
    .join(', or ');

/**
 * The policy's documentation. It does not list the services (a team may own hundreds; Cloud
 * Monitoring caps the content at 8,192 characters): the incident's own labels name the service.
 */
function documentation(app: string, stack: string, team: string, severity: AlertSeverity): string {
  return [
    `A service of **${team}** in app ${app} (stack ${stack}) is spending its error budget too fast: ${severity === 'page' ? 'act now' : 'act within the working day'}.`,
    "The incident's labels name it: `service`, the objective `slo` (availability or latency), and the region's `cluster`.",
    '',
    `This ${severity} fires when an objective of a service spends ${percent(severity)}.`,
    `Each service's objectives are its ServiceSpec's \`slo\` (or its environment's defaults); its budget is recorded as \`${ERROR_BUDGET_RECORD}\`.`,
    '',
    `Owner: ${team}. Dashboard: "${dashboardName(app, stack)}". How the SLOs and alerts work: docs/slo.md.`,
  ].join('\n');
}

/**
 * The alerting of a platform stack: for every app, each team that owns a service that serves
 * requests gets a page and a ticket policy over all of its services there, on every cluster of
 * `clusters` (the stack's, one per region, the primary first); an owner that is not a team of
 * `platform:teams` is a problem naming the service's file and the fix.
 */
export function alertingPlan(config: EnvironmentConfig, apps: readonly LoadedApp[], clusters: readonly string[]): AlertingPlan {
  if (clusters.length === 0) throw new Error(`alertingPlan: ${config.stack} has no cluster to alert on`);
  const problems: Problem[] = [];
  const policies: AlertPolicyPlan[] = [];
  const dashboards: Array<AlertingPlan['dashboards'][number]> = [];
  const known = Object.keys(config.teams);
  for (const { app, catalogue } of apps) {
    const services = catalogue.services.map((def) => ({ def, slo: sloFor(def.spec, config.profile) }));
    // Team -> its services in this app that have an SLO, teams in the order of their first service.
    const byTeam = new Map<string, string[]>();
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
      byTeam.set(spec.owner, [...(byTeam.get(spec.owner) ?? []), spec.name]);
    }
    for (const [team, owned] of byTeam) {
      const queries = teamAlertQueries({ clusters, namespace: app.namespace, team });
      for (const severity of ['page', 'ticket'] as const) {
        policies.push({
          name: `${config.stack}-${app.name}-${team}-${severity}`,
          app: app.name,
          team,
          severity,
          services: owned,
          clusters,
          displayName: `${app.name}/${team} (${config.stack}): SLO burn rate, ${severity}`,
          conditions: queries
            .filter((q) => q.severity === severity)
            .map((q) => ({ sli: q.sli, displayName: `${team}'s services in ${app.name}: ${q.sli} error budget burn`, query: q.query })),
          documentation: documentation(app.name, config.stack, team, severity),
          userLabels: { stack: labelValue(config.stack), app: labelValue(app.name), team: labelValue(team), severity },
        });
      }
    }
    dashboards.push({
      app: app.name,
      name: `${config.stack}-${app.name}-dashboard`,
      json: appDashboard({
        app: app.name,
        stack: config.stack,
        clusters,
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

/** The teams' channels, the teams' alert policies per app and the apps' dashboards. */
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
