import * as fs from 'node:fs';
import * as path from 'node:path';
import schema from '../services/spec.schema.json';
import { SPEC_DOCS_FILE, renderSpecDocs } from '../services/spec-docs';
import { main } from './args';

main((_argv, io) => {
  fs.writeFileSync(path.resolve(__dirname, '..', SPEC_DOCS_FILE), renderSpecDocs(schema));
  io.out(`${SPEC_DOCS_FILE}: regenerated from services/spec.schema.json\n`);
});
