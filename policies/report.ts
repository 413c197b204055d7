import { blocking, passed, type Report } from './engine';

/** The human report: violations grouped by object, then rule, each with the fix. */
export function formatReport(report: Report, title: string): string {
  const lines: string[] = [];
  const byObject = new Map<string, Report['violations'][number][]>();
  for (const v of report.violations) byObject.set(v.object, [...(byObject.get(v.object) ?? []), v]);
  for (const object of [...byObject.keys()].sort()) {
    lines.push(object);
    for (const v of byObject.get(object) ?? []) {
      const tag = v.waivedBy !== undefined ? 'waived' : v.rule.enforcement === 'mandatory' ? 'FAIL' : 'warn';
      lines.push(`  [${tag}] ${v.rule.id} (${v.rule.severity}): ${v.message}`);
      lines.push(v.waivedBy !== undefined ? `         waived: ${v.waivedBy.reason}${v.waivedBy.expires ? ` (until ${v.waivedBy.expires})` : ''}` : `         fix: ${v.rule.fix}`);
    }
  }
  for (const e of report.expiredExceptions) lines.push(`[FAIL] exception for ${e.rule} on ${e.object} expired on ${e.expires}: fix the object or renew the exception with a new reason`);
  for (const e of report.unusedExceptions) lines.push(`[warn] exception for ${e.rule} on ${e.object} (${e.environment}) matched nothing: delete it`);
  const mandatory = blocking(report).length;
  const advisory = report.violations.filter((v) => v.rule.enforcement === 'advisory' && v.waivedBy === undefined).length;
  const waived = report.violations.filter((v) => v.waivedBy !== undefined).length;
  const verdict = passed(report) ? 'PASS' : 'FAIL';
  lines.unshift(`${title}: ${verdict} (${report.rulesRun} rules; ${mandatory} mandatory violations, ${advisory} advisory, ${waived} waived)`);
  return `${lines.join('\n')}\n`;
}
