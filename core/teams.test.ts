import { parseEnvironment, previewOf, previewSettings, stackOutputSource } from './config';
import { thrown } from '../test/fixtures/thrown';

/** A valid stack's settings as the CLI hands them over (maps as JSON), with `platform:teams` as given. */
const withTeams = (teams: unknown) =>
  parseEnvironment('qa', {
    kind: 'files',
    where: 'Pulumi.qa.yaml',
    values: {
      'gcp:project': 'my-platform-qa',
      'gcp:region': 'europe-west1',
      'platform:profile': 'staging',
      'platform:namespace': 'shop',
      'platform:domain': 'qa.shop.example.com',
      'platform:tlsCredential': 'shop-qa-tls',
      'platform:istioVersion': '1.30.3',
      ...(teams !== undefined && { 'platform:teams': JSON.stringify(teams) }),
    },
  });
const problemOf = (teams: unknown) => thrown(() => withTeams(teams)).problems;
const CHANNEL = 'projects/my-platform-qa/notificationChannels/1234567890';

describe('platform:teams', () => {
  it('defaults to no team', () => {
    expect(withTeams(undefined).teams).toEqual({});
  });

  it('reads each team with an email, existing channels, or both', () => {
    const teams = {
      'team-a': { email: 'a@example.com' },
      'team-b': { channels: [CHANNEL] },
      team_c: { email: 'c@example.com', channels: [CHANNEL] },
    };
    expect(withTeams(teams).teams).toEqual(teams);
  });

  it.each([
    [
      ['team-a'],
      ['team-a'],
      'must be a map of team name to its alert channels',
      'write e.g. `team-reviews: { email: reviews-oncall@example.com }` or `channels: [projects/<project>/notificationChannels/<id>]`',
    ],
    [
      { 'team a': { email: 'a@example.com' } },
      { 'team a': { email: 'a@example.com' } },
      'team a: is not a team name as services write `owner`',
      'rename the team',
    ],
    [
      { 'team-a': 'a@example.com' },
      { 'team-a': 'a@example.com' },
      'team-a: must be a map with `email` and/or `channels`',
      'write e.g. `team-reviews: { email: reviews-oncall@example.com }` or `channels: [projects/<project>/notificationChannels/<id>]`',
    ],
    [
      { 'team-a': { email: 'a@example.com', pager: 'x' } },
      { 'team-a': { email: 'a@example.com', pager: 'x' } },
      'team-a: has unknown field(s) pager',
      'use only `email` and `channels`',
    ],
    [
      { 'team-a': { email: 'a-at-example.com' } },
      { 'team-a': { email: 'a-at-example.com' } },
      'team-a: `email` is not an email address',
      'write e.g. `email: reviews-oncall@example.com`',
    ],
    [
      { 'team-a': { channels: ['pagerduty'] } },
      { 'team-a': { channels: ['pagerduty'] } },
      'team-a: `channels` must be a list of notification channel names',
      'list existing channels as `projects/<project>/notificationChannels/<id>` (`gcloud beta monitoring channels list`)',
    ],
    [
      { 'team-a': { channels: [] } },
      { 'team-a': { channels: [] } },
      'team-a: has no channel: its alerts would reach nobody',
      'give the team an `email`, `channels`, or both',
    ],
  ])('refuses %j', (teams, value, problem, fix) => {
    expect(problemOf(teams)).toEqual([
      { where: 'Pulumi.qa.yaml', field: 'config.platform:teams', value, problem: expect.stringContaining(problem), fix },
    ]);
  });

  it("reach preview stacks through dev's previewSettings output unchanged", () => {
    const dev = withTeams({ 'team-a': { email: 'a@example.com' } });
    const source = stackOutputSource('organization/platform/dev', previewSettings(dev));
    const again = parseEnvironment('dev', source);
    expect(previewOf(again, 'pr-7').teams).toEqual({ 'team-a': { email: 'a@example.com' } });
  });
});
