import { main, parseOptions } from './args';
import { runPrComment } from './pr-comment-command';

const USAGE = [
  'usage: npm run pr-comment -- --pr <N> --marker <key> --body-file <file> [--if-missing fail|note]',
  '       npm run pr-comment -- --pr <N> --each <dir> --body-file <name>   (one comment per <dir>/<marker>/<name>)',
  '       (env: GITHUB_TOKEN, GITHUB_REPOSITORY, optional GITHUB_API_URL; GITHUB_SERVER_URL and GITHUB_RUN_ID for the note)',
].join('\n');

main(async () => {
  const args = parseOptions(process.argv.slice(2), ['pr', 'marker', 'body-file', 'each', 'if-missing'], USAGE);
  const line = await runPrComment({ pr: args.pr, marker: args.marker, bodyFile: args['body-file'], each: args.each, ifMissing: args['if-missing'] }, process.env, USAGE);
  process.stdout.write(`${line}\n`);
});
