import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvironment } from '../infra/config';
import { passed, type Report } from '../policies/engine';
import { formatReport } from '../policies/report';
import { ENVIRONMENT_PROFILES, type EnvironmentProfile } from '../services/spec';
import { main, UsageError } from './args';
import { checkDirectory, checkEnvironment, checkInfrastructure, type DirectorySettings } from './policy-command';
import { planStack } from './plan-command';

const USAGE = [
  'usage: npm run policy -- <env> [--infra]',
  '       npm run policy -- --dir <path> [--env <env>] [--profile dev|staging|prod] [--registry <prefix>]...',
].join('\n');

/** `--env` takes profile, allowed registries and exceptions from the stack; flags override. */
function directorySettings(env: string | undefined, profile: string | undefined, registries: readonly string[] | undefined): DirectorySettings {
  if (profile !== undefined && !(ENVIRONMENT_PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(`--profile must be one of ${ENVIRONMENT_PROFILES.join(', ')}, not "${profile}"\n${USAGE}`);
  }
  const stack = env === undefined ? undefined : loadEnvironment(env);
  return {
    profile: (profile as EnvironmentProfile | undefined) ?? stack?.profile ?? 'prod',
    allowedRegistries: registries ?? stack?.allowedRegistries ?? [],
    environment: env ?? 'dir',
  };
}

main(async () => {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { dir: { type: 'string' }, env: { type: 'string' }, profile: { type: 'string' }, registry: { type: 'string', multiple: true }, infra: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const reports: Array<{ title: string; report: Report }> = [];
  if (values.dir !== undefined && positionals.length === 0 && values.infra !== true) {
    const settings = directorySettings(values.env, values.profile, values.registry);
    const shown = path.relative(process.cwd(), path.resolve(values.dir)) || '.';
    const registries = settings.allowedRegistries.length === 0 ? 'no allowed registries: pass --env or --registry' : `registries ${settings.allowedRegistries.join(' ')}`;
    reports.push({ title: `Policy check of ${shown} (profile ${settings.profile}, ${registries})`, report: checkDirectory(path.resolve(values.dir), settings) });
  } else if (positionals.length === 1 && values.dir === undefined && values.env === undefined && values.profile === undefined && values.registry === undefined) {
    const env = positionals[0];
    reports.push({ title: `Policy check of the ${env} manifests`, report: checkEnvironment(env) });
    if (values.infra === true) {
      const { recording } = await planStack(env);
      reports.push({ title: `Policy check of the ${env} infrastructure (offline)`, report: checkInfrastructure(env, loadEnvironment(env).profile, recording) });
    }
  } else {
    throw new UsageError(USAGE);
  }
  for (const { title, report } of reports) process.stdout.write(formatReport(report, title));
  if (!reports.every(({ report }) => passed(report))) process.exitCode = 1;
});
