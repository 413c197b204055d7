import * as path from 'node:path';
import { main, parseOptions, UsageError } from './args';
import { runSynth } from './synth-command';

const USAGE = 'usage: npm run synth -- --env <env> [--catalogue <module>] [--out <dir>]';

main(() => {
  const args = parseOptions(process.argv.slice(2), ['env', 'catalogue', 'out'], USAGE);
  if (args.env === undefined) throw new UsageError(`--env is required\n${USAGE}`);
  const outcome = runSynth({ env: args.env, catalogue: args.catalogue, out: args.out && path.resolve(args.out) });
  const objects = outcome.synthesis.files.reduce((n, f) => n + f.objects.length, 0);
  process.stdout.write(`wrote ${objects} objects in ${outcome.written.length} files to ${path.relative(process.cwd(), outcome.dir) || '.'}\n`);
});
