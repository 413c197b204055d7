import { planBootstrap } from '../bootstrap/plan';
import { main, parseOptions, UsageError } from './args';
import { planStack } from './plan-command';

const USAGE = 'usage: npm run plan -- --stack <dev|staging|prod|pr-<N>> [--program platform|bootstrap]';

main(async () => {
  const args = parseOptions(process.argv.slice(2), ['stack', 'program'], USAGE);
  if (args.stack === undefined) throw new UsageError(`--stack is required\n${USAGE}`);
  const program = args.program ?? 'platform';
  if (program !== 'platform' && program !== 'bootstrap') throw new UsageError(`--program must be platform or bootstrap, not ${program}\n${USAGE}`);
  process.stdout.write((program === 'bootstrap' ? await planBootstrap(args.stack) : await planStack(args.stack)).text);
});
