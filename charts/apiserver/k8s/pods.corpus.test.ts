import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { validateObject, type ManifestObject } from '../../schema';
import { render } from '../field';
import { WORKLOAD_VALIDATORS } from './workloads';

/** The corpus families of the pod and workload checks (the other families belong to kinds.ts). */
const FAMILIES = [
  'container-names',
  'container-ports',
  'env',
  'volumes',
  'volume-mounts',
  'probes',
  'resources',
  'security-context',
  'deployment-selector',
  'deployment-strategy',
  'pod-spec-misc',
] as const;
const CORPUS = path.resolve(__dirname, '..', '..', '..', 'test', 'apiserver-corpus');

const cases = FAMILIES.flatMap((family) =>
  fs
    .readdirSync(path.join(CORPUS, family))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const text = fs.readFileSync(path.join(CORPUS, family, f), 'utf8');
      const comments = text.split('\n').filter((l) => l.startsWith('# '));
      return {
        name: `${family}/${f}`,
        object: parse(text) as ManifestObject,
        rejects: comments.filter((l) => l.startsWith('# rejects: ')).map((l) => l.slice('# rejects: '.length)),
        upstream: comments.find((l) => l.startsWith('# upstream: ')),
      };
    }),
);

describe('API-server corpus: pod templates and workloads', () => {
  it('has at least one case per family', () => {
    for (const family of FAMILIES) expect(cases.filter((c) => c.name.startsWith(`${family}/`)).length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s passes the OpenAPI schema and is rejected with the listed messages', (_n, c) => {
    expect(validateObject(c.object, c.name)).toEqual([]);
    expect(c.rejects.length).toBeGreaterThan(0);
    expect(c.upstream).toBeDefined();
    const validate = WORKLOAD_VALIDATORS[`${String(c.object.apiVersion)}/${String(c.object.kind)}`];
    expect(validate).toBeDefined();
    expect((validate?.(c.object) ?? []).map(render)).toEqual(c.rejects);
  });
});
