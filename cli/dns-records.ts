import * as fs from 'node:fs';
import { main, parseOptions, UsageError } from './args';
import { dnsStep, formatDnsStep } from './dns-records-command';

const USAGE = [
  'usage: pulumi stack output --json --stack <stack> | npm run dns-records -- --stack <stack>',
  '       npm run dns-records -- --stack <stack> --file <outputs.json>',
].join('\n');

main(() => {
  const args = parseOptions(process.argv.slice(2), ['stack', 'file'], USAGE);
  if (args.stack === undefined) throw new UsageError(`--stack is required\n${USAGE}`);
  if (args.file === undefined && process.stdin.isTTY) throw new UsageError(`pipe the stack outputs in, or pass --file\n${USAGE}`);
  const where = args.file ?? 'stdin';
  let text: string;
  try {
    text = fs.readFileSync(args.file ?? 0, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${where}: ${(error as Error).message}\n${USAGE}`);
  }
  process.stdout.write(formatDnsStep(args.stack, dnsStep(text, where, args.stack)));
});
