import { main, parseOptions, UsageError } from './args';
import { planStack } from './plan-command';

const USAGE = 'usage: npm run plan -- --stack <dev|staging|prod|pr-<N>>';

main(async () => {
  const args = parseOptions(process.argv.slice(2), ['stack'], USAGE);
  if (args.stack === undefined) throw new UsageError(`--stack is required\n${USAGE}`);
  process.stdout.write((await planStack(args.stack)).text);
});
