import * as path from 'node:path';
import { allowList, NO_CROSS_APP, publicRoutes, weightedVersions, type CrossApp } from '../charts/mesh/decisions';
import { describeUnchecked, KIND_ORDER, type Synthesis } from '../charts/synthesize';
import type { AppConfig } from '../core/config';
import type { Catalogue } from '../services/spec';
import { eventGraph, formatEventGraph } from '../services/event-graph';
import { describeUses } from '../services/uses';
import { catalogueWarnings } from '../services/validate';
import { formatProblem } from '../core/problems';
import type { SynthOutcome } from './synth-command';

/** The human summary `npm start` prints: each app's services, routes and allow-lists, objects by kind, where the files are. */
export function summarize(outcome: SynthOutcome, cwd = process.cwd()): string {
  const { synthesis, environment } = outcome;
  const lines: string[] = [];
  const all = synthesis.files.flatMap((f) => f.objects);
  lines.push(
    `Environment ${environment.stack} (profile ${environment.profile}, domain ${environment.domain}): ${synthesis.apps.length} ${synthesis.apps.length === 1 ? 'app' : 'apps'}, ${all.length} objects, all valid against the OpenAPI schemas and what the API server checks beyond them (CRD rules, Kubernetes field validation)`,
  );
  for (const n of synthesis.notChecked) lines.push(`  not checked offline: ${describeUnchecked(n)}`);
  const loaded = new Map(outcome.apps.map((a) => [a.app.name, a]));
  for (const { app, synthesis: appSynthesis } of synthesis.apps) {
    const catalogue = loaded.get(app.name)?.catalogue;
    if (catalogue === undefined) continue;
    lines.push(...appSection(app, appSynthesis, catalogue, synthesis.crossApp.get(app.name) ?? NO_CROSS_APP));
  }
  lines.push('');
  lines.push(`Objects by kind (${synthesis.apps.length === 1 ? 'the app' : 'all apps'})`);
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
  const dirs = synthesis.apps.map((a) => `${a.app.name}/ (${a.synthesis.files.length} files)`).join(', ');
  lines.push(`Manifests written to ${path.relative(cwd, outcome.dir) || '.'}/: ${dirs}`);
  lines.push(`Service graph (Mermaid): npm run graph -- --env ${environment.stack}`);
  return `${lines.join('\n')}\n`;
}

/** One app: its services, public routes, in-mesh traffic, allowed callers and what it uses. */
function appSection(app: AppConfig, synthesis: Synthesis, catalogue: Catalogue, crossApp: CrossApp): string[] {
  const lines: string[] = [''];
  const services = synthesis.files.filter((f) => f.service !== undefined);
  const objects = synthesis.files.reduce((n, f) => n + f.objects.length, 0);
  lines.push(
    `App ${app.name} (namespace ${app.namespace}, host ${app.host}, pins ${app.releases}): ${services.length} services, ${objects} objects`,
  );
  lines.push('');
  lines.push('Services');
  const rows = services.map((f) => {
    const deployments = f.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    const hpa = f.objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as
      | { spec?: { minReplicas?: number; maxReplicas?: number } }
      | undefined;
    return [
      f.service ?? '',
      deployments.join(', '),
      `${hpa?.spec?.minReplicas ?? '-'}..${hpa?.spec?.maxReplicas ?? '-'}`,
      `${app.name}/${f.name}`,
    ];
  });
  lines.push(...table(['service', 'deployments', 'replicas', 'file'], rows));
  lines.push('');
  lines.push('Public routes (gateway, first match wins)');
  lines.push(...table(['host', 'path', 'service', 'versions', 'auth'], routesTable(catalogue, app.host)));
  lines.push('');
  lines.push('In-mesh traffic (header routes first, then the split)');
  for (const { spec } of catalogue.services) {
    if (spec.port === undefined) {
      lines.push(`  ${spec.name}: a worker without a port (no Service)`);
      continue;
    }
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
  for (const { service, callers } of allowList(catalogue, crossApp)) {
    lines.push(`  ${callers.length === 0 ? '(nobody)' : callers.join(', ')} -> ${service}`);
  }
  lines.push(...usesSection(catalogue));
  return lines;
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
