import * as path from 'node:path';
import { allowList, publicRoutes, weightedVersions } from '../charts/mesh/decisions';
import { describeUnchecked, KIND_ORDER } from '../charts/synthesize';
import type { Catalogue } from '../services/spec';
import { eventGraph, formatEventGraph } from '../services/event-graph';
import { describeUses } from '../services/uses';
import { catalogueWarnings } from '../services/validate';
import { formatProblem } from '../core/problems';
import type { SynthOutcome } from './synth-command';

/** The human summary `npm start` prints: services, objects by kind, where the files are. */
export function summarize(outcome: SynthOutcome, cwd = process.cwd()): string {
  const { synthesis, environment, catalogue } = outcome;
  const lines: string[] = [];
  const all = synthesis.files.flatMap((f) => f.objects);
  lines.push(
    `Environment ${environment.stack} (profile ${environment.profile}, namespace ${environment.namespace}, domain ${environment.domain})`,
  );
  lines.push(
    `Catalogue ${synthesis.catalogue}: ${synthesis.files.filter((f) => f.service).length} services, ${all.length} objects, all valid against the OpenAPI schemas and what the API server checks beyond them (CRD rules, Kubernetes field validation)`,
  );
  for (const n of synthesis.notChecked) lines.push(`  not checked offline: ${describeUnchecked(n)}`);
  lines.push('');
  lines.push('Services');
  const rows = synthesis.files
    .filter((f) => f.service !== undefined)
    .map((f) => {
      const deployments = f.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
      const hpa = f.objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as
        | { spec?: { minReplicas?: number; maxReplicas?: number } }
        | undefined;
      return [f.service ?? '', deployments.join(', '), `${hpa?.spec?.minReplicas ?? '-'}..${hpa?.spec?.maxReplicas ?? '-'}`, f.name];
    });
  lines.push(...table(['service', 'deployments', 'replicas', 'file'], rows));
  lines.push('');
  lines.push('Objects by kind');
  const counts = new Map<string, number>();
  for (const o of all) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const rank = (kind: string) => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length);
  lines.push(
    ...table(
      ['kind', 'count'],
      [...counts].sort(([a], [b]) => rank(a) - rank(b)).map(([k, n]) => [k, String(n)]),
    ),
  );
  lines.push('');
  lines.push('Public routes (gateway, first match wins)');
  lines.push(...table(['host', 'path', 'service', 'versions', 'auth'], routesTable(catalogue, environment.domain)));
  lines.push('');
  lines.push('In-mesh traffic (header routes first, then the split)');
  for (const { spec } of catalogue.services) {
    const headers = spec.versions
      .filter((v) => v.headerMatch !== undefined)
      .map(
        (v) =>
          `${v.headerMatch!.header}${v.headerMatch!.exact !== undefined ? `=${v.headerMatch!.exact}` : `^=${v.headerMatch!.prefix ?? ''}`} -> ${v.name}; `,
      );
    lines.push(
      `  ${spec.name}: ${headers.join('')}${weightedVersions(spec)
        .map((w) => `${w.version} ${w.weight}%`)
        .join(', ')}`,
    );
  }
  lines.push('');
  lines.push('Allowed callers (mTLS identity; everything else is denied)');
  for (const { service, callers } of allowList(catalogue)) {
    lines.push(`  ${callers.length === 0 ? '(nobody)' : callers.join(', ')} -> ${service}`);
  }
  lines.push(...usesSection(catalogue));
  lines.push('');
  lines.push(`Manifests written to ${path.relative(cwd, outcome.dir) || '.'}/ (${outcome.written.map((w) => w.name).join(', ')})`);
  return `${lines.join('\n')}\n`;
}

/**
 * What the services use (each provisioned by the Pulumi program with IAM on the resource) and the
 * event graph, publisher -> event -> subscribers. Nothing when no service declares `uses`.
 */
export function usesSection(catalogue: Catalogue): string[] {
  const specs = catalogue.services.map((s) => s.spec);
  const using = specs.filter((spec) => describeUses(spec).length > 0);
  if (using.length === 0) return [];
  const lines = ['', 'What services use (managed Google Cloud resources, IAM on each resource)'];
  for (const spec of using) lines.push(`  ${spec.name}: ${describeUses(spec).join(', ')}`);
  const warnings = catalogueWarnings(catalogue);
  const events = formatEventGraph(eventGraph(catalogue));
  if (events.length > 0) {
    lines.push('', 'Events (publisher -> event -> subscribers, each subscription with a dead-letter topic)');
    lines.push(...events.map((e) => `  ${e}`));
  }
  for (const w of warnings) lines.push(`  warning: ${formatProblem(w)}`);
  return lines;
}

export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function routesTable(catalogue: Catalogue, domain: string): string[][] {
  return publicRoutes(catalogue, domain).map((r) => [
    r.host,
    `${r.path}${r.match === 'prefix' ? '*' : ''}`,
    `${r.service}:${r.port}`,
    r.version ??
      weightedVersions(r.spec)
        .map((w) => `${w.version} ${w.weight}%`)
        .join(', '),
    r.authRequired ? 'JWT' : '-',
  ]);
}
