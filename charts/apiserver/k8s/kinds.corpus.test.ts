import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import type { ManifestObject } from '../../schema';
import { validateObject } from '../../schema';
import { render } from '../field';
import { KIND_VALIDATORS } from './kinds';
import { coveredKinds, fieldErrors } from './index';

const ROOT = join(__dirname, '../../../test');
/** The corpus families this module (kinds.ts, meta.ts) answers for. */
const FAMILIES = [
  'metadata-names',
  'labels',
  'annotations',
  'configmap-keys',
  'secret-type',
  'service-ports',
  'networkpolicy',
  'pdb',
  'hpa',
];

const mine = (o: ManifestObject): string[] | undefined => KIND_VALIDATORS[`${o.apiVersion}/${o.kind}`]?.(o).map(render);

const cases = FAMILIES.flatMap((family) =>
  readdirSync(join(ROOT, 'apiserver-corpus', family))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const text = readFileSync(join(ROOT, 'apiserver-corpus', family, f), 'utf8');
      const expected = [...text.matchAll(/^# rejects: (.*)$/gm)].map((m) => m[1]);
      const upstream = /^# upstream: \S+:\S+/m.test(text);
      return { name: `${family}/${f}`, obj: parse(text) as ManifestObject, expected, upstream };
    }),
);

describe('apiserver corpus: core, networking, policy and autoscaling kinds', () => {
  it('has at least one case per family', () => {
    for (const family of FAMILIES) expect(cases.some((c) => c.name.startsWith(`${family}/`))).toBe(true);
  });
  it.each(cases)(
    '$name passes the OpenAPI schema and is rejected with exactly the listed messages',
    ({ obj, expected, upstream, name }) => {
      expect(validateObject(obj, name)).toEqual([]);
      expect(upstream).toBe(true);
      expect(expected.length).toBeGreaterThan(0);
      expect(mine(obj)).toEqual(expected);
      expect(fieldErrors(obj)?.map(render)).toEqual(expected);
    },
  );
});

describe('golden objects', () => {
  const objects = readdirSync(join(ROOT, 'golden/dev'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(ROOT, 'golden/dev', f), 'utf8')).map((d) => d.toJS() as ManifestObject))
    .filter((o) => o !== null);
  it('produce no errors, and some of each covered kind are checked', () => {
    const checked = objects.filter((o) => mine(o) !== undefined);
    expect(checked.length).toBeGreaterThan(20);
    expect(checked.flatMap((o) => (mine(o) ?? []).map((e) => `${o.kind}/${o.metadata.name}: ${e}`))).toEqual([]);
  });
  it('coveredKinds lists the kinds this module adds', () => {
    expect(coveredKinds()).toEqual(expect.arrayContaining(Object.keys(KIND_VALIDATORS)));
  });
});
