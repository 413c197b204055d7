import * as path from 'node:path';
import { main, parseOptions, UsageError } from './args';
import { runRelease } from './release-command';

const USAGE = 'usage: npm run release -- --env <dev|staging|prod> --service <name> --version <image key> --image <registry/repository:tag[@sha256:digest]> [--catalogue <module>] [--root <dir>]';
const REQUIRED = ['env', 'service', 'version', 'image'] as const;

main(() => {
  const args = parseOptions(process.argv.slice(2), [...REQUIRED, 'catalogue', 'root'], USAGE);
  const missing = REQUIRED.filter((name) => args[name] === undefined);
  if (missing.length > 0) throw new UsageError(`${missing.map((name) => `--${name}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required\n${USAGE}`);
  const outcome = runRelease({
    env: args.env as string,
    service: args.service as string,
    version: args.version as string,
    image: args.image as string,
    catalogue: args.catalogue,
    root: args.root && path.resolve(args.root),
  });
  process.stdout.write(`${outcome.message}\n`);
  for (const field of outcome.unpinned) process.stderr.write(`note: ${outcome.file}: ${field} is not pinned yet; synth refuses the file until it is\n`);
});
