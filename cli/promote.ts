import * as path from 'node:path';
import { main, parseOptions, UsageError } from './args';
import { promote } from './promote-command';
import { registryDigestResolver } from './registry-digest';

const USAGE = 'usage: npm run promote -- --from <dev|staging> --to <staging|prod> [--catalogue <module>] [--root <dir>]\n' +
  '  tags are resolved to digests over the registry API; set GOOGLE_OAUTH_ACCESS_TOKEN for private Artifact Registry images';

main(async () => {
  const args = parseOptions(process.argv.slice(2), ['from', 'to', 'catalogue', 'root'], USAGE);
  if (args.from === undefined || args.to === undefined) throw new UsageError(`--from and --to are required\n${USAGE}`);
  const outcome = await promote({
    from: args.from,
    to: args.to,
    catalogue: args.catalogue,
    root: args.root && path.resolve(args.root),
    // The credential is the workflow's, handed over by google-github-actions/auth.
    resolve: registryDigestResolver({ googleAccessToken: process.env.GOOGLE_OAUTH_ACCESS_TOKEN }),
  });
  process.stdout.write(`${outcome.message}\n`);
});
