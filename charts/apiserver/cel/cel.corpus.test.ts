/**
 * The CRD-rule families of the API-server corpus (test/apiserver-corpus/crd-*): each object
 * passes its OpenAPI schema and celErrors returns exactly the rejections its comments list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { validateObject, type ManifestObject } from '../../schema';
import { render } from '../field';
import { celErrors } from './index';

const CORPUS = path.resolve(__dirname, '..', '..', '..', 'test', 'apiserver-corpus');
const FAMILIES = fs
  .readdirSync(CORPUS)
  .filter((d) => d.startsWith('crd-'))
  .sort();

const cases = FAMILIES.flatMap((family) =>
  fs
    .readdirSync(path.join(CORPUS, family))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(CORPUS, family, file), 'utf8');
      const comments = text.split('\n').filter((l) => l.startsWith('# '));
      return {
        name: `${family}/${file}`,
        obj: parseDocument(text).toJS() as ManifestObject,
        rejects: comments.filter((l) => l.startsWith('# rejects: ')).map((l) => l.slice('# rejects: '.length)),
        upstream: comments.filter((l) => l.startsWith('# upstream: ')),
      };
    }),
);

describe('API-server corpus: CRD x-kubernetes-validations families', () => {
  it('covers every family the CEL check claims, with at least one case each', () => {
    expect(FAMILIES).toEqual([
      'crd-duration',
      'crd-exactly-one-of',
      'crd-gateway-api',
      'crd-label-keys',
      'crd-port-range',
      'crd-serviceentry-resolution',
      'crd-unix-address',
      'crd-url-scheme',
      'crd-wildcard-hosts',
    ]);
    for (const f of FAMILIES) expect(cases.filter((c) => c.name.startsWith(`${f}/`)).length).toBeGreaterThan(0);
  });

  it.each(cases)('$name passes the OpenAPI schema', ({ obj }) => {
    // Gateway API kinds included: charts/schema.ts validates them against the vendored CRDs.
    expect(validateObject(obj, 'corpus')).toEqual([]);
  });

  it.each(cases)('$name is rejected with exactly the listed messages, and names its upstream', ({ obj, rejects, upstream }) => {
    expect(upstream).toHaveLength(1);
    expect(rejects.length).toBeGreaterThan(0);
    const { errors, notChecked } = celErrors(obj);
    expect(notChecked).toEqual([]);
    expect(errors.map(render)).toEqual(rejects);
  });
});
