/**
 * Jest's order, except on a run without the times of an earlier one (a clean checkout: CI).
 * Jest runs the slowest test files first when its cache has their times, so that nothing
 * long starts at the end; without times it goes by file size, and the short files that wait
 * on a child process (a Pulumi runner type-checking with ts-node for 10 s of CPU, a tsx
 * smoke test) came last, with one worker idle beside them. Without times these go first:
 * the ones that start a Pulumi runner (test/language-host), then those that spawn, then the
 * rest in Jest's order.
 */
const fs = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

function rank(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes("from '../test/language-host'")) return 2;
  return /\b(spawnTsx|spawn|execFile|execFileSync)\(/.test(text) ? 1 : 0;
}

class SpawnFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const ranks = new Map(sorted.map((test) => [test.path, rank(test.path)]));
    // Array.prototype.sort is stable: within a rank, Jest's order stays.
    return [...sorted].sort((a, b) => ranks.get(b.path) - ranks.get(a.path));
  }
}

module.exports = SpawnFirstSequencer;
