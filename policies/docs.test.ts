import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from './catalogue';
import { END, rulesTable, START, withRulesTable } from './docs';

describe('the README policy table', () => {
  it('is the table generated from the catalogue (run `npm run docs:policies` after changing a rule)', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', 'README.md'), 'utf8');
    expect(withRulesTable(readme, RULES)).toBe(readme);
  });

  it('has one row per rule with its id, enforcement and fix', () => {
    const table = rulesTable(RULES);
    for (const rule of RULES) expect(table).toContain(`| \`${rule.id}\` |`);
    expect(table.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(RULES.length);
  });

  it('refuses a README without the markers', () => {
    expect(() => withRulesTable('# nothing', RULES)).toThrow(`README.md has no ${START} ... ${END} section`);
  });
});

describe('the catalogue', () => {
  it('has unique ids, each tied to an entry of the policy catalogue', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[A-Z]{2}\d{2}-[a-z0-9-]+$/);
      expect(rule.catalogue.length).toBeGreaterThan(0);
      expect(rule.why.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
  });
});
