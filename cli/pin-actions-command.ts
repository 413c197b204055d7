import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { assertNoProblems } from '../core/problems';
import { PIN_TABLE, pinnedFiles, readPins, repinText, type PinChange } from './action-pins';
import { UsageError, type Io } from './args';

export const PIN_ACTIONS_USAGE = 'usage: npm run pin-actions -- [--check] [--root <dir>]  (--check: change nothing, exit 1 when a uses: line differs from ' + PIN_TABLE + ')';

function options(argv: string[]): { check: boolean; root: string | undefined } {
  try {
    const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean' }, root: { type: 'string' } }, allowPositionals: false, strict: true });
    return { check: values.check === true, root: values.root };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${PIN_ACTIONS_USAGE}`);
  }
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
const describe = (c: PinChange): string => `${c.file}:${c.line} ${c.from} -> ${c.to}\n`;

/**
 * `npm run pin-actions`: writes the pinned commit and version of each action into every
 * `uses:` line under .github/ and examples/; with `--check`, only reports the lines that differ.
 */
export function pinActionsCli(argv: string[], io: Io): number {
  const o = options(argv);
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
  io.out(`${lines === 0 ? 'every uses: line is pinned already' : `re-pinned ${plural(lines, 'uses: line')} in ${plural(changed.length, 'file')}`}\n`);
  return 0;
}
