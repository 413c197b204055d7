/**
 * What every platform stack's SLO alerting must show under mocks (infra/alerting.ts), asserted the
 * same way for dev and prod: a page and a ticket policy per service that serves requests, each
 * routed to its team's channel, and a dashboard per app.
 */
import type { Recording } from '../offline/engine';

export function describeSloAlerting(stack: string, plan: () => { recording: Recording; text: string }): void {
  describe(`the ${stack} SLO alerting`, () => {
    it('pages and tickets each owner through its team channel: two policies per service that serves requests, a dashboard per app', () => {
      const { recording } = plan();
      const policies = recording.ofType('gcp:monitoring/alertPolicy:AlertPolicy');
      // BookInfo's 4 services and Online Boutique's 10 (its load generator serves no requests).
      expect(policies).toHaveLength(28);
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

    it('shows the policies with their channels and the dashboards in the plan', () => {
      const { text } = plan();
      expect(text).toContain(`alerting  (platform:alerting:Alerting "${stack}-alerting")`);
      expect(text).toMatch(
        new RegExp(
          `AlertPolicy ${stack}-bookinfo-reviews-page {2}severity=CRITICAL {2}userLabels\\.team=team-reviews {2}notificationChannels=\\[projects/replace-me-platform-${stack}/notificationChannels/\\d+\\]`,
        ),
      );
      expect(text).toContain(`Dashboard ${stack}-boutique-dashboard`);
    });
  });
}
