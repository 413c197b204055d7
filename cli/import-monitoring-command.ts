/**
 * `npm run import:monitoring`: regenerates the typed constructs of Google Cloud Managed Service
 * for Prometheus (PodMonitoring, ClusterPodMonitoring, Rules) in imports/ with `cdk8s import`, from
 * the CRDs vendored at the pinned prometheus-engine release (scripts/vendor-prometheus-engine.sh).
 * Only the `v1` version is imported (the one this repository emits); charts/schema.ts validates
 * synthesized objects against the same vendored files. Generated files are never edited by hand.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { MONITORING_CRDS, MONITORING_KINDS, MONITORING_VERSION } from '../charts/apiserver/crd-files';
import { repoRoot } from '../core/config';
import { assertNoProblems } from '../core/problems';
import { command } from './args';
import type { Crd } from './import-istio-command';

/** The vendored CRDs of `MONITORING_KINDS`, reduced to `MONITORING_VERSION`, sorted by name; a missing kind is reported with the fix. */
export function readMonitoringCrds(dir: string = MONITORING_CRDS): Crd[] {
  const shown = path.relative(repoRoot(), dir) || dir;
  const docs = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Crd | null))
    : [];
  const crds = MONITORING_KINDS.flatMap((kind) =>
    docs
      .filter((d): d is Crd => d?.kind === 'CustomResourceDefinition' && d.spec?.names?.kind === kind)
      .map((crd) => ({ ...crd, spec: { ...crd.spec, versions: crd.spec.versions.filter((v) => v.name === MONITORING_VERSION) } }))
      .filter((crd) => crd.spec.versions.length === 1),
  ).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const missing = MONITORING_KINDS.filter((k) => !crds.some((c) => c.spec.names.kind === k));
  if (missing.length > 0)
    assertNoProblems([
      {
        where: shown,
        field: `CustomResourceDefinition ${MONITORING_VERSION}`,
        problem: `is missing for ${missing.join(', ')}`,
        fix: 'vendor the prometheus-engine release again: scripts/vendor-prometheus-engine.sh <prometheus-engine-git-dir> <tag>',
      },
    ]);
  return crds;
}

export const importMonitoringCli = command(
  {
    script: 'import:monitoring',
    summary: `Regenerates the typed Managed Service for Prometheus constructs in imports/ (cdk8s import of the vendored ${MONITORING_KINDS.join(', ')} ${MONITORING_VERSION} CRDs).`,
    options: {},
  },
  (_args, io) => {
    const root = repoRoot();
    const crds = readMonitoringCrds();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-crds-'));
    try {
      const filtered = path.join(tmp, 'monitoring-crds.yaml');
      fs.writeFileSync(filtered, crds.map((c) => `---\n${stringify(c)}`).join(''));
      execFileSync(
        path.join(root, 'node_modules', '.bin', 'cdk8s'),
        ['import', filtered, '--output', path.join(root, 'imports'), '--language', 'typescript', '--no-save', '--no-check-upgrade'],
        { cwd: tmp, stdio: 'inherit' },
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    io.out(`imported ${crds.length} Managed Service for Prometheus kinds (${MONITORING_VERSION}) into imports/\n`);
  },
);
