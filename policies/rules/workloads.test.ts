import type { EnvironmentProfile } from '../../services/spec';
import { evaluate } from '../engine';
import { PROFILES, REGISTRIES, TAGGED, compliant, container, hpa, mutated, remove, workloadRules } from './workloads.fixture';

describe('workload rules', () => {
  it.each(PROFILES)('accept the compliant manifests in %s with no violation at all', (profile) => {
    const report = evaluate(
      workloadRules,
      { manifests: { objects: compliant(), profile, allowedRegistries: REGISTRIES } },
      { environment: profile, exceptions: [], today: '2026-11-23' },
    );
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(report.rulesRun).toBe(workloadRules.length);
  });

  it('fires the profile-dependent rules in staging and prod but not in dev', () => {
    const floorOfOne = mutated((o) => {
      hpa(o).minReplicas = 1;
      remove(o, 'PodDisruptionBudget');
      container(o).image = TAGGED;
      container(o).imagePullPolicy = 'Always';
    });
    const fired = (profile: EnvironmentProfile) => [
      ...new Set(
        evaluate(
          workloadRules,
          { manifests: { objects: floorOfOne, profile, allowedRegistries: REGISTRIES } },
          { environment: profile, exceptions: [], today: '2026-11-23' },
        ).violations.map((v) => v.rule.id),
      ),
    ];
    expect(fired('dev')).toEqual([]);
    expect(fired('staging')).toEqual(['RR03-min-replicas', 'RR04-pdb', 'IM01-image-digest']);
    expect(fired('prod')).toEqual(['RR03-min-replicas', 'RR04-pdb', 'IM01-image-digest']);
  });

  it('gives every rule a unique id prefixed by a catalogue entry it lists', () => {
    const ids = workloadRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of workloadRules) {
      expect(rule.catalogue).toContain(rule.id.split('-')[0]);
      expect(rule.target).toBe('manifests');
    }
  });

  it('marks only conventions and freshness as advisory', () => {
    expect(workloadRules.filter((r) => r.enforcement === 'advisory').map((r) => r.id)).toEqual([
      'RR06-topology-spread',
      'RR07-selector-matches-labels',
      'RR07-recommended-labels',
      'IM01-pull-policy',
    ]);
  });
});
