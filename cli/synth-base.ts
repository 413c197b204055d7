import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { main, parseOptions, UsageError } from './args';
import { synthBase, type Exec } from './synth-base-command';

const USAGE = 'usage: npm run synth-base -- --ref <commit> --out <dir>';
const run = promisify(execFile);
const exec: Exec = async (command, args, cwd) => { await run(command, [...args], { cwd, maxBuffer: 64 * 1024 * 1024 }); };

main(async () => {
  const { ref, out } = parseOptions(process.argv.slice(2), ['ref', 'out'], USAGE);
  if (ref === undefined || out === undefined) throw new UsageError(USAGE);
  const written = await synthBase({ ref, out, repo: process.cwd(), exec, warn: (m) => process.stdout.write(`${m}\n`) });
  process.stdout.write(`base ${ref}: synthesized ${written.join(', ') || 'nothing'}\n`);
});
