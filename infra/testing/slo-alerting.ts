/**
 * What every platform stack's SLO alerting must show under mocks (infra/alerting.ts), asserted the
 * same way for dev and prod: a page and a ticket policy per app and owning team (not per service),
 * each routed to its team's channel and reading every cluster the stack creates (prod: one per
 * region), and a dashboard per app.
 */
import type { Recording } from '../offline/engine';

/** The owning teams of the repository's apps, by app: BookInfo has three, Online Boutique one. */
const TEAMS_BY_APP: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['bookinfo', ['team-storefront', 'team-catalog', 'team-reviews']],
  ['boutique', ['team-boutique']],
];

export function describeSloAlerting(stack: string, plan: () => { recording: Recording; text: string }): void {
  describe(`the ${stack} SLO alerting`, () => {
    it('pages and tickets each owning team per app through its team channel, and has a dashboard per app', () => {
      const { recording } = plan();
      const policies = recording.ofType('gcp:monitoring/alertPolicy:AlertPolicy');
      expect(policies.map((p) => p.name).sort()).toEqual(
        TEAMS_BY_APP.flatMap(([app, teams]) =>
          teams.flatMap((team) => [`${stack}-${app}-${team}-page`, `${stack}-${app}-${team}-ticket`]),
        ).sort(),
      );
      const channels = recording
        .ofType('gcp:monitoring/notificationChannel:NotificationChannel')
        .map((c) => (c.inputs.labels as { email_address: string }).email_address);
      expect(channels.sort()).toEqual(
        ['team-boutique', 'team-catalog', 'team-reviews', 'team-storefront'].map((t) => `${t}+${stack}@example.com`),
      );
      for (const p of policies)
        expect(p.inputs.notificationChannels).toEqual([
          expect.stringMatching(new RegExp(`^projects/replace-me-platform-${stack}/notificationChannels/\\d+$`)),
        ]);
      expect(recording.ofType('gcp:monitoring/dashboard:Dashboard').map((d) => d.name)).toEqual([
        `${stack}-bookinfo-dashboard`,
        `${stack}-boutique-dashboard`,
      ]);
    });

    it('reads the recordings of every cluster the stack creates, and of no other', () => {
      const { recording } = plan();
      const clusters = recording.ofType('gcp:container/cluster:Cluster').map((c) => String(c.inputs.name));
      const matcher = clusters.length === 1 ? `cluster="${clusters[0]}"` : `cluster=~"${clusters.join('|')}"`;
      for (const policy of recording.ofType('gcp:monitoring/alertPolicy:AlertPolicy')) {
        const queries = (policy.inputs.conditions as Array<{ conditionPrometheusQueryLanguage: { query: string } }>).map(
          (c) => c.conditionPrometheusQueryLanguage.query,
        );
        expect(queries).toHaveLength(2);
        for (const query of queries) expect(new Set(query.match(/cluster=~?"[^"]*"/g))).toEqual(new Set([matcher]));
      }
    });

    it('shows the policies with their channels and the dashboards in the plan', () => {
      const { text } = plan();
      expect(text).toContain(`alerting  (platform:alerting:Alerting "${stack}-alerting")`);
      expect(text).toMatch(
        new RegExp(
          `AlertPolicy ${stack}-bookinfo-team-reviews-page {2}severity=CRITICAL {2}userLabels\\.team=team-reviews {2}notificationChannels=\\[projects/replace-me-platform-${stack}/notificationChannels/\\d+\\]`,
        ),
      );
      expect(text).toContain(`Dashboard ${stack}-boutique-dashboard`);
    });
  });
}
