import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MONITORING_KINDS } from '../charts/apiserver/crd-files';
import { thrown } from '../test/fixtures/thrown';
import { readMonitoringCrds } from './import-monitoring-command';

describe('readMonitoringCrds', () => {
  it('reads the vendored PodMonitoring, ClusterPodMonitoring and Rules CRDs at v1 only, sorted by name', () => {
    expect(readMonitoringCrds().map((c) => [c.metadata.name, c.spec.versions.map((v) => v.name)])).toEqual([
      ['clusterpodmonitorings.monitoring.googleapis.com', ['v1']],
      ['podmonitorings.monitoring.googleapis.com', ['v1']],
      ['rules.monitoring.googleapis.com', ['v1']],
    ]);
  });

  it('names the kinds a directory lacks and how to vendor them again', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-crds-'));
    try {
      const problems = thrown(() => readMonitoringCrds(empty)).problems;
      expect(problems.map((p) => `${p.field}: ${p.problem}. Fix: ${p.fix}`)).toEqual([
        `CustomResourceDefinition v1: is missing for ${MONITORING_KINDS.join(', ')}. Fix: vendor the prometheus-engine release again: scripts/vendor-prometheus-engine.sh <prometheus-engine-git-dir> <tag>`,
      ]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
