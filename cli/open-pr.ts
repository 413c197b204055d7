import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { main, parseOptions, UsageError } from './args';
import { openPr, type Git } from './open-pr-command';

const USAGE = 'usage: npm run open-pr -- --branch <name> --title <text> --body-file <file> --path <file> [--base main] [--repo owner/name]  (token in GH_TOKEN)';
const exec = promisify(execFile);

const git: Git = async (args, env) => (await exec('git', [...args], { env: { ...process.env, ...env } })).stdout;

main(async () => {
  const o = parseOptions(process.argv.slice(2), ['branch', 'title', 'body-file', 'path', 'base', 'repo'], USAGE);
  if (o.branch === undefined || o.title === undefined || o['body-file'] === undefined || o.path === undefined) throw new UsageError(USAGE);
  const token = process.env.GH_TOKEN;
  if (token === undefined || token === '') throw new UsageError(`GH_TOKEN is not set. Fix: pass the GitHub App token in the step's env\n${USAGE}`);
  const outcome = await openPr({
    branch: o.branch, title: o.title, body: fs.readFileSync(o['body-file'], 'utf8'), path: o.path, base: o.base ?? 'main', token,
    ...(o.repo !== undefined && { repo: o.repo }), git,
  });
  process.stdout.write(outcome.action === 'unchanged' ? `${o.path} is unchanged: no pull request needed\n` : `${outcome.action} pull request ${outcome.url}\n`);
});
