import { synthesize, toYaml } from '.';
import catalogue from '../services/bookinfo';
import { defineCatalogue } from '../services/define';
import type { ServiceSpec } from '../services/spec';
import { environment, repoReleases } from '../test/fixtures/environments';
import { thrown } from '../test/fixtures/thrown';

const spec = (name: string, versions: ServiceSpec['versions']): ServiceSpec => ({
  name,
  description: 'x',
  owner: 'team-a',
  port: 8080,
  versions,
});

describe('synthesize', () => {
  it('is deterministic: two runs give byte-identical YAML', () => {
    const render = () =>
      synthesize(environment('dev'), catalogue, repoReleases('dev'))
        .files.map((f) => `# ${f.name}\n${toYaml(f.objects)}`)
        .join('');
    const first = render();
    expect(render()).toBe(first);
    expect(first.length).toBeGreaterThan(10_000);
  });

  it('synthesizes prod from digest pins', () => {
    const prod = synthesize(environment('prod'), catalogue, repoReleases('prod'));
    const images = prod.files
      .flatMap((f) => f.objects)
      .filter((o) => o.kind === 'Deployment')
      .map(
        (o) =>
          (o as unknown as { spec: { template: { spec: { containers: Array<{ image: string }> } } } }).spec.template.spec.containers[0]
            .image,
      );
    expect(images).toHaveLength(6);
    for (const image of images) expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('refuses an invalid catalogue before building anything', () => {
    const bad = defineCatalogue('test', [{ spec: { ...spec('svc', [{ name: 'v1' }]), port: 0 } }]);
    const error = thrown(() => synthesize(environment('dev'), bad, { svc: { v1: 'example.com/svc:1' } }));
    expect(error.message).toMatch(/^the catalogue is invalid:/);
    expect(error.problems.map((p) => p.field)).toEqual(['port']);
  });

  it('refuses a request above the limit of the tier the environment falls back to', () => {
    const big = defineCatalogue('test', [{ spec: { ...spec('svc', [{ name: 'v1' }]), resources: { requests: { memory: '256Mi' } } } }]);
    const pins = { svc: { v1: 'example.com/svc:1' } };
    const error = thrown(() => synthesize(environment('dev'), big, pins));
    expect(error.message).toMatch(/^the catalogue is invalid in dev:/);
    expect(error.problems).toEqual([
      {
        where: 'service "svc"',
        field: 'resources.requests.memory',
        value: '256Mi',
        problem: 'is above the limit 128Mi of tier small (platform:defaultTier in Pulumi.dev.yaml)',
        fix: 'set resources.limits.memory too, or choose a larger resources.tier',
      },
    ]);
    // The same spec fits the medium tier that prod falls back to (limit 512Mi).
    expect(() => synthesize(environment('prod'), big, { svc: { v1: `example.com/svc@sha256:${'b'.repeat(64)}` } })).not.toThrow();
  });

  it('refuses tag pins where the environment requires digests', () => {
    const error = thrown(() => synthesize(environment('prod'), catalogue, repoReleases('dev')));
    expect(error.message).toMatch(/^the image pins for prod are invalid:/);
    expect(error.problems).toHaveLength(6);
    expect(error.problems[0]).toMatchObject({ where: 'services/releases/prod.yaml', field: 'productpage.v1' });
  });

  it('refuses two objects with the same name from different services', () => {
    const clash = defineCatalogue('test', [{ spec: spec('a-b', [{ name: 'c' }]) }, { spec: spec('a', [{ name: 'b-c' }]) }]);
    const error = thrown(() => synthesize(environment('dev'), clash, { 'a-b': { c: 'example.com/x:1' }, a: { 'b-c': 'example.com/x:1' } }));
    expect(error.problems.map((p) => `${p.where} ${p.field} ${p.problem}`)).toEqual([
      'a.yaml Deployment/a-b-c is also emitted by a-b.yaml',
      'a.yaml HorizontalPodAutoscaler/a-b-c is also emitted by a-b.yaml',
      'a.yaml PodDisruptionBudget/a-b-c is also emitted by a-b.yaml',
    ]);
  });
});
