/**
 * The CRD-rule families of the API-server corpus (test/apiserver-corpus/crd-*): each object
 * passes its OpenAPI schema and celErrors returns exactly the rejections its comments list.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments, parseDocument } from 'yaml';
import { strictCrdSchema, validateObject, type ManifestObject } from '../../schema';
import { render } from '../field';
import { celErrors } from './index';
import { GATEWAY_API_CRDS } from './crds';

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

/** Gateway API kinds are not in charts/schema.ts: their schema is the vendored CRD's, made strict the same way. */
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
function gatewayApiSchemaErrors(obj: ManifestObject): unknown[] {
  const [group, version] = obj.apiVersion.split('/');
  for (const f of fs.readdirSync(GATEWAY_API_CRDS).filter((x) => x.endsWith('.yaml'))) {
    for (const d of parseAllDocuments(fs.readFileSync(path.join(GATEWAY_API_CRDS, f), 'utf8'))) {
      const crd = d.toJS() as { spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] } };
      const v = crd.spec.versions.find((x) => x.name === version);
      if (crd.spec.group === group && crd.spec.names.kind === obj.kind && v !== undefined) {
        const validate = ajv.compile(strictCrdSchema(v.schema.openAPIV3Schema));
        return validate(obj) ? [] : (validate.errors ?? []);
      }
    }
  }
  return [`no vendored CRD for ${obj.apiVersion} ${obj.kind}`];
}

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
    const errors = obj.apiVersion.startsWith('gateway.networking.k8s.io/') ? gatewayApiSchemaErrors(obj) : validateObject(obj, 'corpus');
    expect(errors).toEqual([]);
  });

  it.each(cases)('$name is rejected with exactly the listed messages, and names its upstream', ({ obj, rejects, upstream }) => {
    expect(upstream).toHaveLength(1);
    expect(rejects.length).toBeGreaterThan(0);
    const { errors, notChecked } = celErrors(obj);
    expect(notChecked).toEqual([]);
    expect(errors.map(render)).toEqual(rejects);
  });
});
