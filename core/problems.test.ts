import { closestMatch } from './problems';

describe('closestMatch', () => {
  it.each<[string, string, readonly string[], number, string | undefined]>([
    ['a one-letter typo', 'replicsa', ['replicas', 'resources'], 2, 'replicas'],
    ['case is ignored', 'Platform:Zone', ['platform:zones'], 2, 'platform:zones'],
    ['nothing within the distance', 'image', ['replicas', 'resources'], 2, undefined],
    ['the nearest of several', 'reveiws', ['ratings', 'reviews', 'details'], 3, 'reviews'],
    ['the first of two equally near', 'ab', ['ac', 'ad'], 1, 'ac'],
    ['an exact match at distance 0', 'details', ['details'], 0, 'details'],
  ])('%s', (_case, name, candidates, maxDistance, expected) => {
    expect(closestMatch(name, candidates, maxDistance)).toBe(expected);
  });
});
