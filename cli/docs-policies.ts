import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../policies/catalogue';
import { withRulesTable } from '../policies/docs';
import { main } from './args';

main(() => {
  const file = path.resolve(__dirname, '..', 'README.md');
  fs.writeFileSync(file, withRulesTable(fs.readFileSync(file, 'utf8'), RULES));
  process.stdout.write(`README.md: policy table regenerated (${RULES.length} rules)\n`);
});
