import { main, parseOptions } from './args';
import { runPrComment } from './pr-comment-command';

const USAGE = 'usage: npm run pr-comment -- --pr <N> --marker <key> --body-file <file>   (env: GITHUB_TOKEN, GITHUB_REPOSITORY, optional GITHUB_API_URL)';

main(async () => {
  const args = parseOptions(process.argv.slice(2), ['pr', 'marker', 'body-file'], USAGE);
  const line = await runPrComment({ pr: args.pr, marker: args.marker, bodyFile: args['body-file'] }, process.env, USAGE);
  process.stdout.write(`${line}\n`);
});
