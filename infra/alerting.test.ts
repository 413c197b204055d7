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

describe('alertingPlan', () => {
  const plan = alertingPlan(prod, prodApps, 'platform-prod');

  it('gives every service that serves requests a page and a ticket policy: BookInfo 4, Online Boutique 10 (not the load generator)', () => {
    expect(plan.problems).toEqual([]);
    expect(plan.policies).toHaveLength(28);
    expect(plan.policies.filter((p) => p.app === 'boutique').map((p) => p.service)).not.toContain('loadgenerator');
    expect(plan.policies.slice(0, 2).map((p) => p.name)).toEqual(['prod-bookinfo-productpage-page', 'prod-bookinfo-productpage-ticket']);
  });

  it("routes reviews' policies to its owner, with a condition per SLI reading the service's burn rates", () => {
    const page = plan.policies.find((p) => p.name === 'prod-bookinfo-reviews-page');
    const scope = { cluster: 'platform-prod', namespace: 'bookinfo', service: 'reviews' };
    expect(page).toEqual({
      name: 'prod-bookinfo-reviews-page',
      app: 'bookinfo',
      service: 'reviews',
      team: 'team-reviews',
      severity: 'page',
      displayName: 'bookinfo/reviews (prod): SLO burn rate, page',
      conditions: [
        {
          sli: 'availability',
          displayName: 'reviews availability (99.9% succeed): error budget burn',
          query: burnRateQuery(scope, 'availability', 99.9, 'page'),
        },
        {
          sli: 'latency',
          displayName: 'reviews latency (99% within 500ms): error budget burn',
          query: burnRateQuery(scope, 'latency', 99, 'page'),
        },
      ],
      documentation: [
        '**reviews** (app bookinfo, stack prod) is spending its error budget too fast: act now.',
        '',
        'Objectives over 30 days: 99.9% of requests succeed; 99% complete within 500ms.',
        'This page fires when either objective spends 2% of the budget in 1h (5m confirms it is still burning), or 5% of the budget in 6h (30m confirms it is still burning).',
        '',
        'Owner: team-reviews. Dashboard: "bookinfo (prod): golden signals". How the SLOs and alerts work: docs/slo.md.',
      ].join('\n'),
      userLabels: { stack: 'prod', app: 'bookinfo', service: 'reviews', team: 'team-reviews', severity: 'page' },
    });
  });

  it("reads a gRPC service's recordings in its own app's namespace", () => {
    const ticket = plan.policies.find((p) => p.name === 'prod-boutique-cartservice-ticket');
    expect(ticket?.conditions[0].query).toBe(
      burnRateQuery({ cluster: 'platform-prod', namespace: 'boutique', service: 'cartservice' }, 'availability', 99.9, 'ticket'),
    );
  });

  it('makes a channel only for the teams that own a service, and a dashboard per app', () => {
    expect(plan.teams.map((t) => t.team)).toEqual(['team-catalog', 'team-reviews', 'team-storefront', 'team-boutique']);
    const extra = alertingPlan(withTeams(prod, { ...prod.teams, 'team-idle': { email: 'idle@example.com' } }), prodApps, 'platform-prod');
    expect(extra.teams.map((t) => t.team)).not.toContain('team-idle');
    expect(plan.dashboards.map((d) => [d.name, d.json.displayName])).toEqual([
      ['prod-bookinfo-dashboard', 'bookinfo (prod): golden signals'],
      ['prod-boutique-dashboard', 'boutique (prod): golden signals'],
    ]);
  });

  it('reports an owner that is not a team of the environment, naming the service file and the fix', () => {
    const { 'team-reviews': _reviews, ...others } = dev.teams;
    expect(alertingPlan(withTeams(dev, others), devApps, 'platform-dev').problems).toEqual(
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
    const [first] = alertingPlan(withTeams(dev, {}), devApps, 'platform-dev').problems;
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
    new Alerting('dev-alerting', { plan: alertingPlan(config, devApps, 'platform-dev'), project: dev.gcpProject });
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
    expect(policy('dev-bookinfo-reviews-page').notificationChannels).toEqual([EXISTING]);
    const storefront = policy('dev-bookinfo-productpage-ticket').notificationChannels as string[];
    expect(storefront).toHaveLength(2);
    expect(storefront[0]).toBe(EXISTING);
    expect(storefront[1]).toMatch(/^projects\/replace-me-platform-dev\/notificationChannels\/\d+$/);
  });

  it('writes each policy as PromQL conditions over the recordings, evaluated every minute, without metric validation', () => {
    expect(recording.one('gcp:monitoring/alertPolicy:AlertPolicy', 'dev-bookinfo-details-page').inputs).toMatchObject({
      project: 'replace-me-platform-dev',
      displayName: 'bookinfo/details (dev): SLO burn rate, page',
      combiner: 'OR',
      severity: 'CRITICAL',
      conditions: [
        {
          displayName: 'details availability (99% succeed): error budget burn',
          conditionPrometheusQueryLanguage: {
            query: burnRateQuery({ cluster: 'platform-dev', namespace: 'bookinfo', service: 'details' }, 'availability', 99, 'page'),
            evaluationInterval: '60s',
            disableMetricValidation: true,
            labels: { severity: 'page', slo: 'availability' },
          },
        },
        { displayName: 'details latency (95% within 1s): error budget burn' },
      ],
      documentation: { mimeType: 'text/markdown', subject: '[page] bookinfo/details (dev): SLO burn rate, page' },
      userLabels: { stack: 'dev', app: 'bookinfo', service: 'details', team: 'team-catalog', severity: 'page' },
    });
    expect(recording.one('gcp:monitoring/alertPolicy:AlertPolicy', 'dev-bookinfo-details-ticket').inputs.severity).toBe('WARNING');
  });

  it("creates each app's dashboard from its JSON", () => {
    const dashboards = recording.ofType('gcp:monitoring/dashboard:Dashboard');
    expect(dashboards.map((d) => d.name)).toEqual(['dev-bookinfo-dashboard', 'dev-boutique-dashboard']);
    expect(JSON.parse(String(dashboards[1].inputs.dashboardJson))).toEqual(
      alertingPlan(config, devApps, 'platform-dev').dashboards[1].json,
    );
  });
});
