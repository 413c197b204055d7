import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertNoProblems } from '../core/problems';
import { PIN_TABLE, pinnedFiles, readPins, repinText, type PinChange } from './action-pins';
import { command } from './args';

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
const describe = (c: PinChange): string => `${c.file}:${c.line} ${c.from} -> ${c.to}\n`;

/**
 * `npm run pin-actions`: writes the pinned commit and version of each action into every
 * `uses:` line under .github/ and examples/; with `--check`, only reports the lines that differ.
 */
export const pinActionsCli = command(
  {
    script: 'pin-actions',
    summary: `Writes the pinned commit and version of each action (${PIN_TABLE}) into every uses: line under .github/ and examples/.`,
    options: {
      check: { type: 'boolean', description: 'change nothing: list the uses: lines that differ, and exit 1 if any does' },
      root: { type: 'string', value: 'dir', description: 'the repository', defaultText: 'the current directory' },
    },
    failsWhen: `with --check: a uses: line differs from ${PIN_TABLE}`,
  },
  ({ values: o }, io) => {
    const root = path.resolve(io.cwd, o.root ?? '.');
    const pins = readPins(root);
    const results = pinnedFiles(root).map((file) => {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      return { file, text, result: repinText(text, pins, file) };
    });
    assertNoProblems(results.flatMap(({ result }) => result.problems));
    const changed = results.filter(({ result }) => result.changes.length > 0);
    for (const { result } of changed) for (const c of result.changes) io.out(describe(c));
    if (o.check) {
      if (changed.length > 0) io.err(`${plural(changed.length, 'file')} not pinned as ${PIN_TABLE} says. Fix: npm run pin-actions\n`);
      return changed.length > 0 ? 1 : 0;
    }
    for (const { file, result } of changed) fs.writeFileSync(path.join(root, file), result.text);
    const lines = changed.reduce((n, c) => n + c.result.changes.length, 0);
    io.out(
      `${lines === 0 ? 'every uses: line is pinned already' : `re-pinned ${plural(lines, 'uses: line')} in ${plural(changed.length, 'file')}`}\n`,
    );
    return 0;
  },
);
