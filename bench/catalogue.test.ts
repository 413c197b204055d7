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

  it('is deterministic', () => {
    expect(JSON.stringify(syntheticCatalogue(20))).toBe(JSON.stringify(syntheticCatalogue(20)));
  });
});
