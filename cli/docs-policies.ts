import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../policies/catalogue';
import { POLICY_DOCS, withRulesReference } from '../policies/docs';
import { main } from './args';

main((_argv, io) => {
  const file = path.resolve(__dirname, '..', POLICY_DOCS);
  fs.writeFileSync(file, withRulesReference(fs.readFileSync(file, 'utf8'), RULES));
  io.out(`${POLICY_DOCS}: rule reference regenerated (${RULES.length} rules)\n`);
});
