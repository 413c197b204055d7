import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main, parseOptions, UsageError } from './args';
import { OPERATIONS, runStep, SECRETS_PROVIDER_ENV, stackFileProblems, type Operation, type Runner } from './pulumi-step-command';

const USAGE = `usage: npm run pulumi-step -- --command ${OPERATIONS.join('|')} --stack <stack> --out <file.md>   (env: ${SECRETS_PROVIDER_ENV} for a new pr-<N> stack)`;

/** Streams to this process's output (the job log) and keeps a copy. */
const runner: Runner = (command, args, env) => new Promise((resolve, reject) => {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { process.stdout.write(d); stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { process.stderr.write(d); stderr += d.toString(); });
  child.on('error', reject);
  child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
});

main(async () => {
  const { command, stack, out } = parseOptions(process.argv.slice(2), ['command', 'stack', 'out'], USAGE);
  if (command === undefined || stack === undefined || out === undefined) throw new UsageError(USAGE);
  if (!(OPERATIONS as readonly string[]).includes(command)) throw new UsageError(`--command must be one of ${OPERATIONS.join(', ')}, not "${command}"\n${USAGE}`);
  const file = `Pulumi.${stack}.yaml`;
  const problem = stackFileProblems(stack, file, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  if (problem !== undefined) throw problem;
  const secretsProvider = process.env[SECRETS_PROVIDER_ENV];
  const result = await runStep(command as Operation, stack, runner, secretsProvider === undefined || secretsProvider === '' ? {} : { secretsProvider });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, result.markdown);
  process.exitCode = result.code;
});
