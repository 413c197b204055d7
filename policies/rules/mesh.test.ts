import { add, compliant, findings, meshRules, networking, report } from './mesh.fixture';

describe('mesh rules', () => {
  it('find nothing wrong with the hardened mesh', () => {
    const result = report(compliant());
    expect(result.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
    expect(result.rulesRun).toBe(meshRules.length);
  });

  it.each(meshRules.map((r) => r.id))('%s accepts the hardened mesh', (id) => {
    expect(findings(id, compliant())).toEqual([]);
  });

  it('gives every rule a unique id prefixed by a catalogue entry it lists', () => {
    const ids = meshRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of meshRules) {
      expect(rule.catalogue).toContain(rule.id.split('-')[0]);
      expect(rule.target).toBe('manifests');
    }
  });

  it('marks only good practice as advisory', () => {
    expect(meshRules.filter((r) => r.enforcement === 'advisory').map((r) => r.id)).toEqual([
      'NM05-positive-allow',
      'NM08-origination-ca',
      'NM09-sidecar-egress',
      'NM10-port-protocol',
    ]);
  });

  it('MC08-selector-matches rejects a Sidecar in istio-system whose selector matches pods of other namespaces only', () => {
    // Istio applies a root-namespace Sidecar to other namespaces only when it has no selector.
    const objects = add(
      networking('Sidecar', 'istio-system', 'web', {
        workloadSelector: { labels: { app: 'web' } },
        egress: [{ hosts: ['istio-system/*'] }],
      }),
    )(compliant());
    expect(findings('MC08-selector-matches', objects)).toEqual([
      { object: 'Sidecar/istio-system/web', message: expect.stringContaining('app=web') },
    ]);
  });
});
