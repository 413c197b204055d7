import { synthesize } from '../../charts';
import { collectorObjects } from '../../charts/observability';
import type { ManifestObject } from '../../charts/schema';
import bookinfo from '../../services/bookinfo';
import { environment, repoReleases } from '../../test/fixtures/environments';
import { evaluate } from '../engine';
import type { Finding } from '../types';
import { observabilityManifestRules, observabilityResourceRules } from './observability';
import { describeResourceRules, patch, resource } from './resource-rules.fixture';

// GIVEN BookInfo as synthesis writes it (every Service with its SLO Rules), WHEN an object is
// removed or changed, THEN OB01 reports exactly the Services left without recordings.

const objects = (): ManifestObject[] =>
  synthesize(environment('prod'), bookinfo, repoReleases('prod')).files.flatMap((f) => structuredClone([...f.objects]));
const ob01 = (set: readonly ManifestObject[]): Finding[] =>
  evaluate(
    observabilityManifestRules,
    { manifests: { objects: set, profile: 'prod', allowedRegistries: ['docker.io/istio/'] } },
    {
      environment: 'prod',
      exceptions: [],
      today: '2026-11-30',
    },
  ).violations.map((v) => ({ object: v.object, message: v.message }));

describe('OB01-service-slo', () => {
  it('accepts BookInfo: each of its four Services has its Rules', () => {
    expect(ob01(objects())).toEqual([]);
  });

  it('reports a Service whose Rules object is missing, naming the recording it expects', () => {
    const set = objects().filter((o) => !(o.kind === 'Rules' && o.metadata.name === 'reviews-slo'));
    expect(ob01(set)).toEqual([
      {
        object: 'Service/bookinfo/reviews',
        message:
          'serves HTTP or gRPC but no Rules object in namespace bookinfo records its availability and latency SLI (slo:sli_error:ratio_rate5m with labels service="reviews", slo="availability", team=<owner>)',
      },
    ]);
  });

  it("reports a Service whose Rules record an SLI's error ratio but not its budget: its team's alerts could never fire", () => {
    const set = objects().map((o) => {
      if (o.kind !== 'Rules' || o.metadata.name !== 'reviews-slo') return o;
      const spec = o.spec as { groups: Array<{ name: string; rules: Array<{ record: string }> }> };
      const groups = spec.groups.map((g) =>
        g.name === 'reviews-latency' ? { ...g, rules: g.rules.filter((r) => r.record !== 'slo:error_budget:ratio') } : g,
      );
      return { ...o, spec: { groups } };
    });
    expect(ob01(set)).toEqual([
      {
        object: 'Service/bookinfo/reviews',
        message:
          'records its latency SLI but not its error budget (slo:error_budget:ratio with labels service="reviews", slo="latency", team=<owner>): its team\'s burn-rate alerts compare the error ratio with it and would never fire',
      },
    ]);
  });

  it('counts no recording without the team label, which the alerts select a team by', () => {
    const set = objects().map((o) => {
      if (o.kind !== 'Rules' || o.metadata.name !== 'details-slo') return o;
      const spec = o.spec as { groups: Array<{ rules: Array<{ labels: Record<string, string> }> }> };
      const groups = spec.groups.map((g) => ({
        ...g,
        rules: g.rules.map(({ labels: { team: _team, ...labels }, ...r }) => ({ ...r, labels })),
      }));
      return { ...o, spec: { groups } };
    });
    expect(ob01(set).map((f) => f.object)).toEqual(['Service/bookinfo/details']);
  });

  it('reports a Service whose Rules record only one SLI, or sit in another namespace', () => {
    const set = objects().map((o) => {
      if (o.kind !== 'Rules') return o;
      const spec = o.spec as { groups: Array<{ name: string }> };
      if (o.metadata.name === 'ratings-slo') return { ...o, spec: { groups: spec.groups.filter((g) => g.name !== 'ratings-latency') } };
      if (o.metadata.name === 'details-slo') return { ...o, metadata: { ...o.metadata, namespace: 'elsewhere' } };
      return o;
    });
    expect(ob01(set).map((f) => `${f.object}: ${f.message.split(' (')[0]}`)).toEqual([
      'Service/bookinfo/details: serves HTTP or gRPC but no Rules object in namespace bookinfo records its availability and latency SLI',
      'Service/bookinfo/ratings: serves HTTP or gRPC but no Rules object in namespace bookinfo records its latency SLI',
    ]);
  });

  it("exempts the platform's own Services exactly as the platform deploys them (the trace collector), and no look-alike", () => {
    const collector = collectorObjects({ stack: 'prod', profile: 'prod', gcpProject: 'p-prod', controlPlaneNamespace: 'istio-system' });
    const service = collector.find((o) => o.kind === 'Service');
    if (service === undefined) throw new Error('the collector has a Service');
    const run = (set: readonly ManifestObject[], platformObjects: readonly ManifestObject[]) =>
      evaluate(
        observabilityManifestRules,
        { manifests: { objects: set, profile: 'prod', allowedRegistries: ['docker.io/istio/'], platformObjects } },
        { environment: 'prod', exceptions: [], today: '2026-11-30' },
      ).violations.map((v) => v.object);
    expect(run([...objects(), ...collector], collector)).toEqual([]);
    // The same Service, changed: no longer the platform's object, so it needs its SLO like any other.
    const changed = { ...service, spec: { ...(service.spec as Record<string, unknown>), type: 'NodePort' } };
    expect(run([...objects(), changed], collector)).toEqual([`Service/${service.metadata.namespace}/${service.metadata.name}`]);
  });

  it('leaves a Service that serves no requests alone: a tcp port, or an ExternalName', () => {
    const set = objects().filter((o) => o.kind !== 'Rules');
    const service = (name: string, spec: Record<string, unknown>) =>
      ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'bookinfo' }, spec }) as ManifestObject;
    const others = [
      service('cache', { ports: [{ name: 'tcp-redis', port: 6379 }] }),
      service('db', { ports: [{ name: 'http', appProtocol: 'tcp', port: 5432 }] }),
      service('external', { type: 'ExternalName', externalName: 'api.example.com', ports: [{ name: 'http', port: 80 }] }),
    ];
    expect(ob01([...set.filter((o) => o.kind !== 'Service'), ...others])).toEqual([]);
    // A port named for gRPC (Istio's name prefix) does serve requests.
    expect(ob01([service('api', { ports: [{ name: 'grpc-api', port: 9000 }] })]).map((f) => f.object)).toEqual(['Service/bookinfo/api']);
  });
});

const POLICY = 'gcp:monitoring/alertPolicy:AlertPolicy';
const CHANNEL = 'projects/proj/notificationChannels/1234';

describeResourceRules('the observability rules on the Pulumi resources', {
  rules: observabilityResourceRules,
  hardened: () => [
    resource(POLICY, 'prod-bookinfo-team-reviews-page', { displayName: 'reviews page', notificationChannels: [CHANNEL] }),
    resource(POLICY, 'prod-bookinfo-team-reviews-ticket', {
      displayName: 'reviews ticket',
      notificationChannels: [CHANNEL, 'projects/proj/notificationChannels/99'],
    }),
  ],
  rejected: [
    {
      rule: 'OB02-alert-notifies',
      what: 'a policy without channels',
      resources: [resource(POLICY, 'prod-bookinfo-team-reviews-page', { displayName: 'reviews page' })],
      expected: [
        {
          object: 'prod-bookinfo-team-reviews-page',
          message: 'notifies no channel: notificationChannels is empty, so its incidents reach nobody',
        },
      ],
    },
    {
      rule: 'OB02-alert-notifies',
      what: 'a channel given as something other than its name',
      resources: patch(
        [resource(POLICY, 'prod-bookinfo-team-reviews-page', { notificationChannels: [CHANNEL] })],
        'prod-bookinfo-team-reviews-page',
        { notificationChannels: ['team-reviews@example.com'] },
      ),
      profile: 'prod',
      expected: [
        {
          object: 'prod-bookinfo-team-reviews-page',
          message:
            'notificationChannels has "team-reviews@example.com", which is not a channel name (projects/<project>/notificationChannels/<id>)',
        },
      ],
    },
  ],
  accepted: [
    {
      rule: 'OB02-alert-notifies',
      what: 'a channel created in the same update (its name unknown at preview)',
      resources: [resource(POLICY, 'p', { notificationChannels: [undefined] })],
      expected: [],
    },
    { rule: 'OB02-alert-notifies', what: 'a stack without alert policies (a preview)', resources: [], expected: [] },
  ],
  advisory: [],
});
