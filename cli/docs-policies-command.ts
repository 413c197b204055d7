/** `npm run docs:policies`: regenerates the rule reference of docs/policies.md from the catalogue. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../core/config';
import { RULES } from '../policies/catalogue';
import { POLICY_DOCS, withRulesReference } from '../policies/docs';
import { command } from './args';

export const docsPoliciesCli = command(
  {
    script: 'docs:policies',
    summary: `Regenerates the rule reference of ${POLICY_DOCS} from the policy catalogue (the prose around it is kept).`,
    options: {},
  },
  (_args, io) => {
    const file = path.join(repoRoot(), POLICY_DOCS);
    fs.writeFileSync(file, withRulesReference(fs.readFileSync(file, 'utf8'), RULES));
    io.out(`${POLICY_DOCS}: rule reference regenerated (${RULES.length} rules)\n`);
  },
);
