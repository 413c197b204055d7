/**
 * `npm run policy`: the rule catalogue over synthesized manifests (`<env>`) or over any
 * directory of Kubernetes/Istio YAML (`--dir`), and over the infrastructure a stack
 * declares (offline, under mocks). Exceptions from policies/exceptions.yaml apply.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadAll } from 'js-yaml';
import type { ManifestObject } from '../charts/schema';
import { loadEnvironment, repoRoot } from '../infra/config';
import { RULES, ruleIds } from '../policies/catalogue';
import { evaluate, passed, today, type Report } from '../policies/engine';
import { loadExceptions } from '../policies/exceptions';
import { gcpResourcesOf } from '../policies/pack';
import { environmentContext } from '../policies/platform';
import { formatReport } from '../policies/report';
import { assertNoProblems } from '../services/problems';
import { ENVIRONMENT_PROFILES, type EnvironmentProfile } from '../services/spec';
import type { Recording } from '../infra/testing/recorder';
import { UsageError, type Io } from './args';
import { planStack } from './plan-command';
import { render } from './synth-command';

export function exceptionsFile(root = repoRoot()): string {
  return path.join(root, 'policies', 'exceptions.yaml');
}

function options(environment: string, root: string, date: string) {
  return { environment, exceptions: loadExceptions(exceptionsFile(root), ruleIds(), 'policies/exceptions.yaml'), today: date };
}

/** The manifests `synth` would write for an environment, with the platform's edge Gateway they bind to, checked. */
export function checkEnvironment(env: string, root = repoRoot(), date = today()): Report {
  const { synthesis, environment } = render({ env, root });
  const objects = synthesis.files.flatMap((f) => f.objects);
  return evaluate(RULES, { manifests: environmentContext(objects, environment, environment) }, options(env, root, date));
}

/** Every `*.yaml`/`*.yml` under a directory, multi-document files included. */
export function readManifests(dir: string): ManifestObject[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    assertNoProblems([{ where: dir, field: '--dir', value: dir, problem: 'is not a directory', fix: 'pass a directory of Kubernetes/Istio YAML files' }]);
  }
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f)).sort();
  const objects: ManifestObject[] = [];
  for (const file of files) {
    let docs: unknown[];
    try {
      docs = loadAll(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (error) {
      assertNoProblems([{ where: path.join(dir, file), field: '(file)', problem: `is not valid YAML (${(error as Error).message.split('\n')[0]})`, fix: 'fix the YAML syntax' }]);
      throw error;
    }
    for (const doc of docs) {
      if (typeof doc === 'object' && doc !== null && typeof (doc as ManifestObject).kind === 'string') objects.push(doc as ManifestObject);
    }
  }
  return objects;
}

export interface DirectorySettings {
  readonly profile: EnvironmentProfile;
  readonly allowedRegistries: readonly string[];
  /** Exceptions of this environment apply; `dir` when the directory belongs to none. */
  readonly environment: string;
}

/** Any directory of YAML, checked as the manifests of an environment with these settings. */
export function checkDirectory(dir: string, settings: DirectorySettings, root = repoRoot(), date = today()): Report {
  const manifests = { objects: readManifests(dir), profile: settings.profile, allowedRegistries: settings.allowedRegistries };
  return evaluate(RULES, { manifests }, options(settings.environment, root, date));
}

/** The GCP rules over what a stack's Pulumi program declares under mocks. */
export function checkInfrastructure(stack: string, profile: EnvironmentProfile, recording: Recording, root = repoRoot(), date = today()): Report {
  const resources = gcpResourcesOf(recording.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
  return evaluate(RULES, { resources: { resources, profile } }, options(stack, root, date));
}

export const POLICY_USAGE = [
  'usage: npm run policy -- <env> [--infra]',
  '       npm run policy -- --dir <path> [--env <env>] [--profile dev|staging|prod] [--registry <prefix>]...',
].join('\n');

/** `--env` takes profile, allowed registries and exceptions from the stack; flags override. */
function directorySettings(env: string | undefined, profile: string | undefined, registries: readonly string[] | undefined): DirectorySettings {
  if (profile !== undefined && !(ENVIRONMENT_PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(`--profile must be one of ${ENVIRONMENT_PROFILES.join(', ')}, not "${profile}"\n${POLICY_USAGE}`);
  }
  const stack = env === undefined ? undefined : loadEnvironment(env);
  return {
    profile: (profile as EnvironmentProfile | undefined) ?? stack?.profile ?? 'prod',
    allowedRegistries: registries ?? stack?.allowedRegistries ?? [],
    environment: env ?? 'dir',
  };
}

/** `npm run policy -- <argv>`: prints the reports; exit code 1 when a mandatory rule fails. */
export async function policyCli(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { dir: { type: 'string' }, env: { type: 'string' }, profile: { type: 'string' }, registry: { type: 'string', multiple: true }, infra: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${POLICY_USAGE}`);
  }
  const { values, positionals } = parsed;
  const reports: Array<{ title: string; report: Report }> = [];
  if (values.dir !== undefined && positionals.length === 0 && values.infra !== true) {
    const settings = directorySettings(values.env, values.profile, values.registry);
    const dir = path.resolve(io.cwd, values.dir);
    const shown = path.relative(io.cwd, dir) || '.';
    const registries = settings.allowedRegistries.length === 0 ? 'no allowed registries: pass --env or --registry' : `registries ${settings.allowedRegistries.join(' ')}`;
    reports.push({ title: `Policy check of ${shown} (profile ${settings.profile}, ${registries})`, report: checkDirectory(dir, settings) });
  } else if (positionals.length === 1 && values.dir === undefined && values.env === undefined && values.profile === undefined && values.registry === undefined) {
    const env = positionals[0];
    reports.push({ title: `Policy check of the ${env} manifests`, report: checkEnvironment(env) });
    if (values.infra === true) {
      const { recording } = await planStack(env);
      reports.push({ title: `Policy check of the ${env} infrastructure (offline)`, report: checkInfrastructure(env, loadEnvironment(env).profile, recording) });
    }
  } else {
    throw new UsageError(POLICY_USAGE);
  }
  for (const { title, report } of reports) io.out(formatReport(report, title));
  return reports.every(({ report }) => passed(report)) ? 0 : 1;
}
