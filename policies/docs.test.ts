import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from './catalogue';
import { END, POLICY_DOCS, rulesReference, START, withRulesReference } from './docs';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('docs/policies.md', () => {
  it('holds the rule reference generated from the catalogue (run `npm run docs:policies` after changing a rule)', () => {
    const doc = read(POLICY_DOCS);
    expect(withRulesReference(doc, RULES)).toBe(doc);
  });

  it('has one heading per rule, the rule id, so a finding can link to #<id in lower case>', () => {
    const headings = rulesReference(RULES)
      .split('\n')
      .filter((l) => l.startsWith('### '))
      .map((l) => l.slice(4));
    expect(headings).toEqual(RULES.map((r) => r.id));
    // GitHub's anchor of a heading: lower case, spaces to -, punctuation other than - and _ dropped.
    for (const id of headings)
      expect(id.toLowerCase()).toBe(
        id
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, '')
          .replace(/ /g, '-'),
      );
    for (const rule of RULES) expect(rulesReference(RULES)).toContain(`- fix: ${rule.fix.replace(/\s*\n\s*/g, ' ')}`);
  });

  it('refuses a document without the markers', () => {
    expect(() => withRulesReference('# nothing', RULES)).toThrow(`${POLICY_DOCS} has no ${START} ... ${END} section`);
  });

  it('is where the README sends readers: the README keeps no rule table', () => {
    const readme = read('README.md');
    expect(readme).toContain('(docs/policies.md)');
    expect(readme).not.toContain(START);
    for (const rule of RULES) expect(readme).not.toContain(`| \`${rule.id}\` |`);
    expect(Buffer.byteLength(readme)).toBeLessThan(15_360);
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
