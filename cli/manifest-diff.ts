import * as fs from 'node:fs';
import * as path from 'node:path';
import { main, parseOptions, UsageError } from './args';
import { environmentChanged, runManifestDiff } from './manifest-diff-command';

const USAGE = 'usage: npm run manifest-diff -- --base <dir> --head <dir> [--policy <dir>] [--out <file>]';

main(() => {
  const args = parseOptions(process.argv.slice(2), ['base', 'head', 'policy', 'out'], USAGE);
  if (args.base === undefined || args.head === undefined) throw new UsageError(`--base and --head are required\n${USAGE}`);
  const { markdown, envs } = runManifestDiff({ base: args.base, head: args.head, policy: args.policy });
  if (args.out === undefined) {
    process.stdout.write(markdown);
    return;
  }
  fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
  fs.writeFileSync(args.out, markdown);
  const changed = envs.filter(environmentChanged).map((e) => e.env);
  process.stdout.write(`wrote ${args.out}: ${changed.length === 0 ? 'no manifest changes' : `changes in ${changed.join(', ')}`}\n`);
});
