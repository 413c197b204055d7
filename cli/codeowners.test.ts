import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../test/cli';
import { thrown } from '../test/fixtures/thrown';
import { defineCatalogue, defineService } from '../services/define';
import { GITHUB_OWNER, validateCatalogue } from '../services/validate';
import { BLOCK_END, BLOCK_START, CODEOWNERS_FILE, codeownersBlock, withCodeowners } from './codeowners-command';

const text = fs.readFileSync(path.join(ROOT, CODEOWNERS_FILE), 'utf8');

/** GitHub's rule: the last pattern that matches wins (a root-anchored `/dir/` covers everything under it). */
function ownersOf(file: string): string[] {
  let owners: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [pattern, ...names] = line.trim().split(/\s+/);
    const matches = pattern === '*' || (pattern.endsWith('/') ? `/${file}`.startsWith(pattern) : `/${file}` === pattern);
    if (matches) owners = names;
  }
  return owners;
}

describe('.github/CODEOWNERS', () => {
  it('holds the block npm run codeowners generates from the catalogues (run it after changing owners or apps)', () => {
    expect(withCodeowners(text, codeownersBlock())).toBe(text);
  });

  it("makes each app's owners the owners of its catalogue and of every one of its pins files, and the platform the rest", () => {
    expect(ownersOf('services/bookinfo/reviews.ts')).toEqual(['@your-org/bookinfo']);
    expect(ownersOf('services/releases/prod.yaml')).toEqual(['@your-org/bookinfo']);
    expect(ownersOf('services/boutique/frontend.ts')).toEqual(['@your-org/boutique']);
    expect(ownersOf('services/boutique/releases/staging.yaml')).toEqual(['@your-org/boutique']);
    expect(ownersOf('charts/synthesize.ts')).toEqual(['@your-org/platform']);
    expect(ownersOf('Pulumi.prod.yaml')).toEqual(['@your-org/platform']);
  });

  it('has only lines GitHub accepts: comments, or a pattern and owners in the @user / @org/team form', () => {
    for (const line of text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))) {
      const [pattern, ...owners] = line.split(/\s+/);
      expect([line, pattern.length > 0, owners.length > 0, owners.every((o) => GITHUB_OWNER.test(o))]).toEqual([line, true, true, true]);
    }
  });
});

describe('withCodeowners', () => {
  const block = [BLOCK_START, '/services/a/ @o/a', BLOCK_END];
  it('replaces the block and keeps what surrounds it; appends it to a file without one', () => {
    expect(withCodeowners(`* @o/p\n\n${BLOCK_START}\nold\n${BLOCK_END}\n# tail\n`, block)).toBe(`* @o/p\n\n${block.join('\n')}\n# tail\n`);
    expect(withCodeowners('* @o/p\n', block)).toBe(`* @o/p\n\n${block.join('\n')}\n`);
  });
});

describe('catalogue owners', () => {
  const service = defineService({ name: 'web', description: 'x', owner: 'team', port: 8080, versions: [{ name: 'v1' }] });
  it('accepts users and teams, and refuses what would make GitHub ignore the whole file', () => {
    expect(validateCatalogue(defineCatalogue('shop', [service], { owners: ['@octocat', '@my-org/shop-team'] }))).toEqual([]);
    const problems = validateCatalogue(defineCatalogue('shop', [service], { owners: ['my-org/shop', '@a--b', '@octocat', '@octocat'] }));
    expect(problems.map((p) => `${p.field} ${JSON.stringify(p.value)}: ${p.problem}`)).toEqual([
      'owners[0] "my-org/shop": is not a GitHub user (@name) or team (@org/team)',
      'owners[1] "@a--b": is not a GitHub user (@name) or team (@org/team)',
      'owners[3] "@octocat": is listed twice',
    ]);
  });

  it('stops npm run codeowners on a catalogue with a bad owner, naming it', () => {
    expect(thrown(() => codeownersBlock(path.join(ROOT, 'test', 'fixtures', 'codeowners'))).problems[0]).toMatchObject({
      field: 'owners[0]',
      value: 'nobody',
    });
  });
});
