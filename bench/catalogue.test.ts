import { synthesize } from '../charts';
import { syntheticCatalogue } from './catalogue';
import { BENCH_ENVIRONMENT } from './worker';

// The benchmark measures nothing if its catalogue stops being valid: keep it synthesizable.
describe('syntheticCatalogue', () => {
  it('generates a valid catalogue whose every version is pinned, at scale', () => {
    const { catalogue, releases } = syntheticCatalogue(50);
    const s = synthesize(BENCH_ENVIRONMENT, catalogue, releases);
    expect(s.files).toHaveLength(51);
    expect(s.files.flatMap((f) => f.objects).filter((o) => o.kind === 'Deployment')).toHaveLength(60);
  });

  it('declares what services use, wired into their pods (the proxy sidecar of each postgres user)', () => {
    const { catalogue, releases } = syntheticCatalogue(50);
    const objects = synthesize(BENCH_ENVIRONMENT, catalogue, releases).files.flatMap((f) => f.objects);
    const proxies = objects.filter(
      (o) =>
        o.kind === 'Deployment' &&
        ((o.spec as { template: { spec: { initContainers?: { name: string }[] } } }).template.spec.initContainers ?? []).some(
          (c) => c.name === 'cloud-sql-proxy',
        ),
    );
    // svc-0010..0050 step 10 use postgres; 0010, 0020, 0030, 0040, 0050 are canaries (i % 5 === 0): two Deployments each.
    expect(proxies).toHaveLength(10);
    expect(objects.filter((o) => o.kind === 'SecretProviderClass').map((o) => o.metadata.name)).toEqual([
      'svc-0020-secrets',
      'svc-0040-secrets',
    ]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(syntheticCatalogue(20))).toBe(JSON.stringify(syntheticCatalogue(20)));
  });
});
