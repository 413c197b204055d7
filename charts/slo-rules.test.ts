import { synthesize } from '.';
import { sloFor } from '../services/defaults';
import bookinfo from '../services/bookinfo';
import reviews from '../services/bookinfo/reviews';
import { defineCatalogue } from '../services/define';
import type { ServiceSpec } from '../services/spec';
import { environment, REPO_ROOT, repoReleases } from '../test/fixtures/environments';
import { validateObject, type ManifestObject } from './schema';
import { sloRulesSpec, type RulesSpec } from './slo-rules';
import { availabilityErrorRatio, latencyErrorRatio, SLI_NAMES, sliTarget } from './slo';
import { synthesizeEnvironment } from './environment';
import { loadEnvironment } from '../core/config';
import { loadApps } from '../services/apps';

// GIVEN BookInfo synthesized for dev and prod
const dev = synthesize(environment('dev'), bookinfo, repoReleases('dev'));
const prod = synthesize(environment('prod'), bookinfo, repoReleases('prod'));
const rulesOf = (synthesis: typeof dev, service: string) =>
  synthesis.files.find((f) => f.service === service)?.objects.filter((o) => o.kind === 'Rules') ?? [];

describe("a service's SLO recording rules", () => {
  it("are one Managed Prometheus Rules object in the service's file and namespace, labelled like its other objects", () => {
    const [rules] = rulesOf(dev, 'reviews');
    expect(rulesOf(dev, 'reviews')).toHaveLength(1);
    expect(rules).toMatchObject({
      apiVersion: 'monitoring.googleapis.com/v1',
      kind: 'Rules',
      metadata: {
        name: 'reviews-slo',
        namespace: 'bookinfo',
        labels: { app: 'reviews', team: 'team-reviews', 'app.kubernetes.io/part-of': 'bookinfo' },
      },
    });
  });

  it("record each SLI in a group of its own, every minute, over the seven alert windows, then its budget, labelled with the owner's team", () => {
    const spec = rulesOf(prod, 'reviews')[0].spec as ReturnType<typeof sloRulesSpec>;
    expect(spec.groups.map((g) => [g.name, g.interval, g.rules.length])).toEqual([
      ['reviews-availability', '1m', 8],
      ['reviews-latency', '1m', 8],
    ]);
    expect(spec.groups[0].rules[0]).toEqual({
      record: 'slo:sli_error:ratio_rate5m',
      expr: availabilityErrorRatio({ service: 'reviews', namespace: 'bookinfo' }, '5m'),
      labels: { service: 'reviews', slo: 'availability', team: 'team-reviews' },
    });
    // prod's latency objective: 99% within 500ms.
    expect(spec.groups[1].rules[6]).toEqual({
      record: 'slo:sli_error:ratio_rate3d',
      expr: latencyErrorRatio({ service: 'reviews', namespace: 'bookinfo' }, '500ms', '3d'),
      labels: { service: 'reviews', slo: 'latency', team: 'team-reviews' },
    });
    expect(spec.groups.map((g) => g.rules[7])).toEqual([
      {
        record: 'slo:error_budget:ratio',
        expr: 'vector(0.001)',
        labels: { service: 'reviews', slo: 'availability', team: 'team-reviews' },
      },
      { record: 'slo:error_budget:ratio', expr: 'vector(0.01)', labels: { service: 'reviews', slo: 'latency', team: 'team-reviews' } },
    ]);
  });

  it.each(['dev', 'staging', 'prod'] as const)(
    "record as every %s service's budget the one its own objectives give, in every app of the environment",
    (stack) => {
      const config = loadEnvironment(stack);
      const apps = loadApps(config, REPO_ROOT);
      const recorded = synthesizeEnvironment(config, apps)
        .files.flatMap((f) => f.objects)
        .filter((o) => o.kind === 'Rules')
        .flatMap((o) =>
          (o.spec as RulesSpec).groups.flatMap((g) =>
            g.rules
              .filter((r) => r.record === 'slo:error_budget:ratio')
              .map((r) => `${o.metadata.namespace}/${r.labels?.service}/${r.labels?.slo} ${r.expr}`),
          ),
        );
      const expected = apps.flatMap(({ app, catalogue }) =>
        catalogue.services.flatMap(({ spec }) => {
          const slo = sloFor(spec, config.profile);
          return slo === undefined
            ? []
            : SLI_NAMES.map(
                (sli) => `${app.namespace}/${spec.name}/${sli} vector(${Number(((100 - sliTarget(sli, slo)) / 100).toPrecision(12))})`,
              );
        }),
      );
      expect(expected.length).toBeGreaterThan(20);
      expect(recorded.sort()).toEqual(expected.sort());
    },
  );

  it("follow the spec's own latency threshold", () => {
    const slo = sloFor({ ...reviews.spec, slo: { latency: { threshold: '250ms' } } }, 'dev');
    if (slo === undefined) throw new Error('reviews serves requests');
    expect(sloRulesSpec(reviews.spec, 'bookinfo', slo).groups[1].rules[0].expr).toContain('le="250"');
  });

  it('exist for every BookInfo service, each valid against the prometheus-engine Rules CRD', () => {
    const all = dev.files.flatMap((f) => f.objects.filter((o) => o.kind === 'Rules'));
    expect(all.map((o) => o.metadata.name)).toEqual(['productpage-slo', 'details-slo', 'reviews-slo', 'ratings-slo']);
    for (const o of all) expect(validateObject(o, 'x.yaml')).toEqual([]);
  });

  it('are refused by the CRD schema when a field is misspelt, as the API server would prune it', () => {
    const [rules] = rulesOf(dev, 'reviews');
    const spec = rules.spec as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    const broken = {
      ...rules,
      spec: { groups: [{ ...spec.groups[0], rules: [{ recrod: 'x', expr: 'up' }] }] },
    } as unknown as ManifestObject;
    expect(validateObject(broken, 'reviews.yaml')).toEqual([
      expect.objectContaining({
        field: 'Rules/reviews-slo /spec/groups/0/rules/0',
        problem: expect.stringContaining('"recrod": the API server would drop it'),
      }),
    ]);
  });

  it('are not made for a worker without a port, nor for a tcp service: they serve no requests', () => {
    const worker: ServiceSpec = { name: 'worker', description: 'x', owner: 'team-a', versions: [{ name: 'v1' }] };
    const tcp: ServiceSpec = { name: 'store', description: 'x', owner: 'team-a', port: 6379, protocol: 'tcp', versions: [{ name: 'v1' }] };
    const shop = defineCatalogue('shop', [{ spec: worker }, { spec: tcp }]);
    const releases = { worker: { v1: 'docker.io/istio/worker:1' }, store: { v1: 'docker.io/istio/store:1' } };
    const synthesis = synthesize(environment('dev', { namespace: 'shop' }), shop, releases);
    expect(synthesis.files.flatMap((f) => f.objects).filter((o) => o.kind === 'Rules')).toEqual([]);
  });
});
