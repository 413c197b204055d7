import { loadEnvironment, type EnvironmentConfig } from '../core/config';
import { loadApps } from '../services/apps';
import { REPO_ROOT } from '../test/fixtures/environments';
import { burnRateQuery } from '../charts/slo';
import { Alerting, alertingPlan } from './alerting';
import { recordResources, registered } from './offline/engine';

const dev = loadEnvironment('dev');
const prod = loadEnvironment('prod');
const devApps = loadApps(dev, REPO_ROOT);
const prodApps = loadApps(prod, REPO_ROOT);
const withTeams = (config: EnvironmentConfig, teams: EnvironmentConfig['teams']): EnvironmentConfig => ({ ...config, teams });

// prod's clusters: one per region, the primary first (infra/platform.ts passes every region's).
const PROD_CLUSTERS = ['platform-prod', 'platform-prod-europe-west4'];

describe('alertingPlan', () => {
  const plan = alertingPlan(prod, prodApps, PROD_CLUSTERS);

  it('gives every team a page and a ticket policy per app it owns services in, not one per service', () => {
    expect(plan.problems).toEqual([]);
    // BookInfo: team-storefront (productpage), team-catalog (details), team-reviews (reviews, ratings); Online Boutique: team-boutique.
    expect(plan.policies.map((p) => p.name)).toEqual([
      'prod-bookinfo-team-storefront-page',
      'prod-bookinfo-team-storefront-ticket',
      'prod-bookinfo-team-catalog-page',
      'prod-bookinfo-team-catalog-ticket',
      'prod-bookinfo-team-reviews-page',
      'prod-bookinfo-team-reviews-ticket',
      'prod-boutique-team-boutique-page',
      'prod-boutique-team-boutique-ticket',
    ]);
  });

  it('watches every service of the team in the app that serves requests (not the load generator), in catalogue order', () => {
    const services = (name: string) => plan.policies.find((p) => p.name === name)?.services;
    expect(services('prod-bookinfo-team-reviews-page')).toEqual(['reviews', 'ratings']);
    expect(services('prod-boutique-team-boutique-ticket')).toHaveLength(10);
    expect(services('prod-boutique-team-boutique-ticket')).not.toContain('loadgenerator');
  });

  it("routes team-reviews' page to the team, with a condition per SLI over its services' burn rates in both regions", () => {
    const page = plan.policies.find((p) => p.name === 'prod-bookinfo-team-reviews-page');
    const scope = { clusters: PROD_CLUSTERS, namespace: 'bookinfo', team: 'team-reviews' };
    expect(page).toEqual({
      name: 'prod-bookinfo-team-reviews-page',
      app: 'bookinfo',
      team: 'team-reviews',
      severity: 'page',
      services: ['reviews', 'ratings'],
      clusters: PROD_CLUSTERS,
      displayName: 'bookinfo/team-reviews (prod): SLO burn rate, page',
      conditions: [
        {
          sli: 'availability',
          displayName: "team-reviews's services in bookinfo: availability error budget burn",
          query: burnRateQuery(scope, 'availability', 'page'),
        },
        {
          sli: 'latency',
          displayName: "team-reviews's services in bookinfo: latency error budget burn",
          query: burnRateQuery(scope, 'latency', 'page'),
        },
      ],
      documentation: [
        'A service of **team-reviews** in app bookinfo (stack prod) is spending its error budget too fast: act now.',
        "The incident's labels name it: `service`, the objective `slo` (availability or latency), and the region's `cluster`.",
        '',
        'This page fires when an objective of a service spends 2% of its budget in 1h (5m confirms it is still burning), or 5% of its budget in 6h (30m confirms it is still burning).',
        "Each service's objectives are its ServiceSpec's `slo` (or its environment's defaults); its budget is recorded as `slo:error_budget:ratio`.",
        '',
        'Owner: team-reviews. Dashboard: "bookinfo (prod): golden signals". How the SLOs and alerts work: docs/slo.md.',
      ].join('\n'),
      userLabels: { stack: 'prod', app: 'bookinfo', team: 'team-reviews', severity: 'page' },
    });
  });

  it("reads the second region's cluster as well as the primary's, and only the team's recordings in its app's namespace", () => {
    for (const policy of plan.policies)
      for (const c of policy.conditions) {
        expect(c.query).toContain('cluster=~"platform-prod|platform-prod-europe-west4"');
        expect(c.query).toContain(
          `namespace="${policy.app === 'boutique' ? 'boutique' : 'bookinfo'}",team="${policy.team}",slo="${c.sli}"`,
        );
      }
    const single = alertingPlan(prod, prodApps, ['platform-prod']);
    expect(single.policies[0].conditions[0].query).toContain('cluster="platform-prod",');
    expect(single.policies[0].conditions[0].query).not.toContain('europe-west4');
  });

  it('refuses a stack without a cluster', () => {
    expect(() => alertingPlan(prod, prodApps, [])).toThrow('alertingPlan: prod has no cluster to alert on');
  });

  it('makes a channel only for the teams that own a service, and a dashboard per app', () => {
    expect(plan.teams.map((t) => t.team)).toEqual(['team-catalog', 'team-reviews', 'team-storefront', 'team-boutique']);
    const extra = alertingPlan(withTeams(prod, { ...prod.teams, 'team-idle': { email: 'idle@example.com' } }), prodApps, PROD_CLUSTERS);
    expect(extra.teams.map((t) => t.team)).not.toContain('team-idle');
    expect(plan.dashboards.map((d) => [d.name, d.json.displayName])).toEqual([
      ['prod-bookinfo-dashboard', 'bookinfo (prod): golden signals'],
      ['prod-boutique-dashboard', 'boutique (prod): golden signals'],
    ]);
  });

  it('reports an owner that is not a team of the environment, naming the service file and the fix', () => {
    const { 'team-reviews': _reviews, ...others } = dev.teams;
    expect(alertingPlan(withTeams(dev, others), devApps, ['platform-dev']).problems).toEqual(
      ['reviews', 'ratings'].map((service) => ({
        where: `services/bookinfo/${service}.ts (service "${service}")`,
        field: 'owner',
        value: 'team-reviews',
        problem: "is not a team of Pulumi.dev.yaml (platform:teams), so the service's SLO alerts would reach nobody",
        fix: 'add `team-reviews: { email: <on-call address> }` under platform:teams in Pulumi.dev.yaml, or set owner to one of: team-catalog, team-storefront, team-boutique',
      })),
    );
  });

  it('says where to add the first team when the environment has none', () => {
    const [first] = alertingPlan(withTeams(dev, {}), devApps, ['platform-dev']).problems;
    expect(first.fix).toBe('add the team under platform:teams in Pulumi.dev.yaml: `team-storefront: { email: <on-call address> }`');
  });
});

describe('the Alerting component', () => {
  // GIVEN a team with an email and a team with an existing channel WHEN dev's alerting is created
  const recording = recordResources({ stack: 'dev', gcpProject: dev.gcpProject });
  const EXISTING = 'projects/replace-me-platform-dev/notificationChannels/777';
  const config = withTeams(dev, {
    ...dev.teams,
    'team-reviews': { channels: [EXISTING] },
    'team-storefront': { email: 'storefront@example.com', channels: [EXISTING] },
  });
  beforeAll(async () => {
    new Alerting('dev-alerting', { plan: alertingPlan(config, devApps, ['platform-dev']), project: dev.gcpProject });
    await registered();
  });

  it('creates an email channel for each owning team with an email, and none for a team that only names existing channels', () => {
    const channels = recording.ofType('gcp:monitoring/notificationChannel:NotificationChannel');
    expect(channels.map((c) => c.name).sort()).toEqual([
      'dev-alerting-team-boutique-email',
      'dev-alerting-team-catalog-email',
      'dev-alerting-team-storefront-email',
    ]);
    expect(recording.one('gcp:monitoring/notificationChannel:NotificationChannel', 'dev-alerting-team-storefront-email').inputs).toEqual({
      project: 'replace-me-platform-dev',
      type: 'email',
      displayName: 'team-storefront (dev-alerting)',
      description: 'SLO alerts of the services team-storefront owns',
      labels: { email_address: 'storefront@example.com' },
      userLabels: { team: 'team-storefront' },
    });
  });

  it("sends each policy to its owner's channels: the existing ones, and the email channel the program made", () => {
    const policy = (name: string) => recording.one('gcp:monitoring/alertPolicy:AlertPolicy', name).inputs;
    expect(policy('dev-bookinfo-team-reviews-page').notificationChannels).toEqual([EXISTING]);
    const storefront = policy('dev-bookinfo-team-storefront-ticket').notificationChannels as string[];
    expect(storefront).toHaveLength(2);
    expect(storefront[0]).toBe(EXISTING);
    expect(storefront[1]).toMatch(/^projects\/replace-me-platform-dev\/notificationChannels\/\d+$/);
  });

  it('writes each policy as PromQL conditions over the recordings, evaluated every minute, without metric validation', () => {
    expect(recording.ofType('gcp:monitoring/alertPolicy:AlertPolicy')).toHaveLength(8);
    expect(recording.one('gcp:monitoring/alertPolicy:AlertPolicy', 'dev-bookinfo-team-catalog-page').inputs).toMatchObject({
      project: 'replace-me-platform-dev',
      displayName: 'bookinfo/team-catalog (dev): SLO burn rate, page',
      combiner: 'OR',
      severity: 'CRITICAL',
      conditions: [
        {
          displayName: "team-catalog's services in bookinfo: availability error budget burn",
          conditionPrometheusQueryLanguage: {
            query: burnRateQuery({ clusters: ['platform-dev'], namespace: 'bookinfo', team: 'team-catalog' }, 'availability', 'page'),
            evaluationInterval: '60s',
            disableMetricValidation: true,
            labels: { severity: 'page', slo: 'availability' },
          },
        },
        { displayName: "team-catalog's services in bookinfo: latency error budget burn" },
      ],
      documentation: { mimeType: 'text/markdown', subject: '[page] bookinfo/team-catalog (dev): SLO burn rate, page' },
      userLabels: { stack: 'dev', app: 'bookinfo', team: 'team-catalog', severity: 'page' },
    });
    expect(recording.one('gcp:monitoring/alertPolicy:AlertPolicy', 'dev-bookinfo-team-catalog-ticket').inputs.severity).toBe('WARNING');
  });

  it("creates each app's dashboard from its JSON", () => {
    const dashboards = recording.ofType('gcp:monitoring/dashboard:Dashboard');
    expect(dashboards.map((d) => d.name)).toEqual(['dev-bookinfo-dashboard', 'dev-boutique-dashboard']);
    expect(JSON.parse(String(dashboards[1].inputs.dashboardJson))).toEqual(
      alertingPlan(config, devApps, ['platform-dev']).dashboards[1].json,
    );
  });
});
