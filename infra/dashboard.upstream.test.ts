/**
 * Upstream contract of the dashboards: every field of the JSON infra/dashboard.ts writes is a
 * field of its message in google.monitoring.dashboard.v1 (the protos vendored under
 * vendor/googleapis/ by scripts/vendor-googleapis.sh), in its JSON name (lowerCamelCase), and every
 * enum value is one the enum declares. The API rejects an unknown field of a dashboard; offline,
 * this is the check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironment } from '../core/config';
import { loadApps } from '../services/apps';
import { REPO_ROOT } from '../test/fixtures/environments';
import { alertingPlan } from './alerting';

const [COMMIT] = fs.readdirSync(path.join(REPO_ROOT, 'vendor', 'googleapis'));
const DIR = path.join(REPO_ROOT, 'vendor', 'googleapis', COMMIT, 'google', 'monitoring', 'dashboard', 'v1');

interface Field {
  readonly type: string;
  readonly repeated: boolean;
  readonly map: boolean;
}

/** Messages (their fields by JSON name) and enums (their values), by name qualified by nesting (`XyChart.DataSet`). */
function readProtos(files: readonly string[]): { messages: Map<string, Map<string, Field>>; enums: Map<string, Set<string>> } {
  const messages = new Map<string, Map<string, Field>>();
  const enums = new Map<string, Set<string>>();
  const token =
    /(message|enum|oneof)\s+(\w+)\s*\{|\}|(repeated\s+)?(map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*\d+\s*(?:\[[^\]]*\])?\s*;|(\w+)\s*=\s*-?\d+\s*;/g;
  for (const file of files) {
    const text = fs
      .readFileSync(path.join(DIR, file), 'utf8')
      .replace(/\/\/[^\n]*/g, '')
      .replace(/option\s+[^;{]*(\{(?:"[^"]*"|[^}"])*\})?\s*;/g, '')
      .replace(/^(syntax|package|import)[^;]*;/gm, '');
    const stack: Array<{ kind: string; name: string }> = [];
    const qualified = () =>
      stack
        .filter((s) => s.kind !== 'oneof')
        .map((s) => s.name)
        .join('.');
    for (const m of text.matchAll(token)) {
      if (m[1] !== undefined) {
        stack.push({ kind: m[1], name: m[2] });
        if (m[1] === 'message') messages.set(qualified(), new Map());
        if (m[1] === 'enum') enums.set(qualified(), new Set());
      } else if (m[0] === '}') stack.pop();
      else if (m[5] !== undefined) {
        const json = m[5].replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
        messages.get(qualified())?.set(json, { type: m[4], repeated: m[3] !== undefined, map: m[4].startsWith('map<') });
      } else if (m[6] !== undefined) enums.get(qualified())?.add(m[6]);
    }
  }
  return { messages, enums };
}

const { messages, enums } = readProtos([
  'dashboard.proto',
  'layouts.proto',
  'widget.proto',
  'xychart.proto',
  'metrics.proto',
  'section_header.proto',
]);

/** A field's type as a message or enum name: nested in the enclosing message first (as protoc resolves it). */
function resolve(type: string, scope: string): string {
  const parts = scope.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), type].join('.');
    if (messages.has(candidate) || enums.has(candidate)) return candidate;
  }
  return type;
}

/** Every path of `value` that its message does not declare, or whose enum value it does not know. */
function unknownFields(value: unknown, message: string, at = ''): string[] {
  const fields = messages.get(message);
  if (fields === undefined) return [`${at}: no message ${message} in the vendored protos`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
    const field = fields.get(key);
    const where = `${at}.${key}`;
    if (field === undefined) return [`${where}: not a field of ${message}`];
    if (field.map) return [];
    const type = resolve(field.type, message);
    const items = field.repeated ? (v as unknown[]) : [v];
    if (messages.has(type)) return items.flatMap((item, i) => unknownFields(item, type, field.repeated ? `${where}[${i}]` : where));
    if (enums.has(type))
      return items.filter((item) => !enums.get(type)?.has(String(item))).map((item) => `${where}: ${String(item)} is not a ${type}`);
    return [];
  });
}

describe('the dashboards, against google.monitoring.dashboard.v1', () => {
  const prod = loadEnvironment('prod');
  const dashboards = alertingPlan(prod, loadApps(prod, REPO_ROOT), ['platform-prod']).dashboards;

  it('reads the messages the dashboards use from the vendored protos', () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, 'vendor', 'googleapis', COMMIT, 'SOURCE'), 'utf8')).toMatch(
      new RegExp(`^repo: https://github.com/googleapis/googleapis\\ncommit: ${COMMIT}\\n`),
    );
    expect([...(messages.get('MosaicLayout.Tile')?.keys() ?? [])]).toEqual(['xPos', 'yPos', 'width', 'height', 'widget']);
    expect(enums.get('XyChart.DataSet.PlotType')).toContain('LINE');
  });

  it.each(dashboards.map((d) => [d.app, d.json] as const))('writes only fields and enum values the API declares (%s)', (_app, json) => {
    expect(unknownFields(json, 'Dashboard')).toEqual([]);
  });

  it('would report a misspelt field and an unknown enum value', () => {
    const broken = {
      displayName: 'x',
      mosaicLayout: {
        columns: 12,
        tiles: [{ xPos: 0, widget: { title: 't', xyChart: { dataSets: [{ plotType: 'LINES', legend: 'x' }] } } }],
      },
    };
    expect(unknownFields(broken, 'Dashboard')).toEqual([
      '.mosaicLayout.tiles[0].widget.xyChart.dataSets[0].plotType: LINES is not a XyChart.DataSet.PlotType',
      '.mosaicLayout.tiles[0].widget.xyChart.dataSets[0].legend: not a field of XyChart.DataSet',
    ]);
  });

  it('keeps to the 1 to 12 columns the API allows (layouts.proto MosaicLayout.columns)', () => {
    expect(fs.readFileSync(path.join(DIR, 'layouts.proto'), 'utf8')).toContain(
      'The number of columns must be\n  // between 1 and 12, inclusive.',
    );
    for (const { json } of dashboards) expect((json.mosaicLayout as { columns: number }).columns).toBeLessThanOrEqual(12);
  });
});
