import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPEC_DOCS_FILE, renderSpecDocs } from './spec-docs';
import schema from './spec.schema.json';

const ROOT = path.resolve(__dirname, '..');
const committed = fs.readFileSync(path.join(ROOT, SPEC_DOCS_FILE), 'utf8');

describe(SPEC_DOCS_FILE, () => {
  it('is what npm run docs:spec renders from services/spec.schema.json', () => {
    // On failure: run `npm run docs:spec` (after `npm run schema:spec`) and commit the file.
    expect(renderSpecDocs(schema)).toBe(committed);
  });

  it('has a row for every field of ServiceSpec, in declaration order', () => {
    const top = committed
      .split('\n')
      .map((line) => /^\| `([A-Za-z0-9]+)` \| `/.exec(line)?.[1])
      .filter((f) => f !== undefined);
    expect(top).toEqual(Object.keys(schema.definitions.ServiceSpec.properties));
  });

  it('lists nested fields with their type, default and description', () => {
    expect(committed).toContain("| `traffic.retries.perTryTimeout` | `Duration` | `'2s'` | Timeout of each attempt. |");
    expect(committed).toContain(
      '| `versions[].weight` | `number` | 100 for a single version | Share of traffic, percent; all weights of a service sum to 100. |',
    );
    expect(committed).toContain(
      '| `probes.readiness` | `{ http: string } \\| { tcp: true } \\| { grpc: true }` | `{ tcp: true }` (for `grpc` services, `{ grpc: true }`) | Gates traffic. |',
    );
    expect(committed).toContain('| `versions[].headerMatch.header` | `string` | required | Header name, lower case (`end-user`). |');
  });

  it('is linked from docs/services.md', () => {
    expect(fs.readFileSync(path.join(ROOT, 'docs/services.md'), 'utf8')).toContain('(service-spec.md)');
  });
});
