import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ManifestObject } from '../../schema';
import { render } from '../field';
import { WORKLOAD_VALIDATORS } from './workloads';

const GOLDEN = path.resolve(__dirname, '..', '..', '..', 'test', 'golden', 'dev');

function goldenWorkloads(): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const f of fs.readdirSync(GOLDEN).filter((n) => n.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(GOLDEN, f), 'utf8'))) {
      const o = doc.toJS() as ManifestObject | null;
      if (o !== null && WORKLOAD_VALIDATORS[`${String(o.apiVersion)}/${String(o.kind)}`] !== undefined) out.push(o);
    }
  }
  return out;
}

const validate = (o: ManifestObject): string[] => (WORKLOAD_VALIDATORS[`${String(o.apiVersion)}/${String(o.kind)}`] ?? (() => []))(o).map(render);

describe('golden dev workloads', () => {
  const objects = goldenWorkloads();
  it('has the BookInfo Deployments', () => {
    expect(objects.filter((o) => o.kind === 'Deployment').length).toBeGreaterThanOrEqual(6);
  });
  it.each(objects.map((o) => [`${String(o.kind)} ${String((o.metadata as { name?: string } | undefined)?.name)}`, o] as const))('%s gives no errors', (_n, o) => {
    expect(validate(o)).toEqual([]);
  });
});
