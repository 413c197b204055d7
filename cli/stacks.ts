import { main, parseOptions, UsageError } from './args';
import { affectedInRepository, previewStackName, readChangedPaths } from './stacks-command';

const USAGE = [
  'usage: npm run stacks -- pr-name --pr <N> [--format text|github]',
  '       npm run stacks -- affected --changed <file> [--format json|github]',
].join('\n');

/** `github` writes `key=value`, to append to "$GITHUB_OUTPUT". */
function format(value: string | undefined, allowed: readonly string[]): string {
  const chosen = value ?? allowed[0];
  if (!allowed.includes(chosen)) throw new UsageError(`--format must be one of ${allowed.join(', ')}, not "${chosen}"\n${USAGE}`);
  return chosen;
}

main(() => {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'pr-name') {
    const args = parseOptions(rest, ['pr', 'format'], USAGE);
    if (args.pr === undefined) throw new UsageError(`--pr is required\n${USAGE}`);
    const name = previewStackName(args.pr);
    process.stdout.write(format(args.format, ['text', 'github']) === 'github' ? `stack=${name}\n` : `${name}\n`);
  } else if (command === 'affected') {
    const args = parseOptions(rest, ['changed', 'format'], USAGE);
    if (args.changed === undefined) throw new UsageError(`--changed is required\n${USAGE}`);
    const json = JSON.stringify(affectedInRepository(readChangedPaths(args.changed)));
    process.stdout.write(format(args.format, ['json', 'github']) === 'github' ? `stacks=${json}\n` : `${json}\n`);
  } else {
    throw new UsageError(`${command === undefined ? 'a subcommand is required' : `unknown subcommand "${command}"`}\n${USAGE}`);
  }
});
