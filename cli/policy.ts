import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENT_PROFILES, type EnvironmentProfile } from '../services/spec';
import { passed } from '../policies/engine';
import { formatReport } from '../policies/report';
import { main, UsageError } from './args';
import { checkDirectory, checkEnvironment, checkInfrastructure } from './policy-command';
import { planStack } from './plan-command';

const USAGE = 'usage: npm run policy -- <env> [--infra] | --dir <path> [--profile dev|staging|prod]';

main(async () => {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { dir: { type: 'string' }, profile: { type: 'string' }, infra: { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const reports: Array<{ title: string; report: ReturnType<typeof checkEnvironment> }> = [];
  if (values.dir !== undefined) {
    const profile = (values.profile ?? 'prod') as EnvironmentProfile;
    if (!ENVIRONMENT_PROFILES.includes(profile)) throw new UsageError(`--profile must be one of ${ENVIRONMENT_PROFILES.join(', ')}\n${USAGE}`);
    reports.push({ title: `Policy check of ${path.relative(process.cwd(), path.resolve(values.dir)) || '.'} (profile ${profile})`, report: checkDirectory(path.resolve(values.dir), profile) });
  } else if (positionals.length === 1) {
    const env = positionals[0];
    reports.push({ title: `Policy check of the ${env} manifests`, report: checkEnvironment(env) });
    if (values.infra === true) {
      const { recording } = await planStack(env);
      const profile = (await import('../infra/config')).loadEnvironment(env).profile;
      reports.push({ title: `Policy check of the ${env} infrastructure (offline)`, report: checkInfrastructure(env, profile, recording) });
    }
  } else {
    throw new UsageError(USAGE);
  }
  for (const { title, report } of reports) process.stdout.write(formatReport(report, title));
  if (!reports.every(({ report }) => passed(report))) process.exitCode = 1;
});
