import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPEC_SCHEMA_FILE, generateSpecSchema } from '../services/spec-schema';
import { main } from './args';

main((_argv, io) => {
  const root = path.resolve(__dirname, '..');
  fs.writeFileSync(path.join(root, SPEC_SCHEMA_FILE), generateSpecSchema(root));
  io.out(`${SPEC_SCHEMA_FILE}: regenerated from services/spec.ts\n`);
});
