/**
 * `npm run policy`: the rule catalogue over synthesized manifests (`<env>`) or over any
 * directory of Kubernetes/Istio YAML (`--dir`), and over the infrastructure a stack
 * declares (offline, under mocks). Exceptions from policies/exceptions.yaml apply.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ManifestObject } from '../charts/schema';
import { appEnvironment } from '../charts/environment';
import { programWrittenObjects } from '../charts/uses';
import { loadEnvironment, repoRoot } from '../core/config';
import { RULES, ruleIds } from '../policies/catalogue';
import { evaluate, passed, today, type Report } from '../policies/engine';
import { loadExceptions } from '../policies/exceptions';
import { gcpResourcesOf } from '../policies/pack';
import { environmentContext } from '../policies/platform';
import { describeLocation, locationsById, readManifestDirectory, type SourceLocation } from '../policies/manifest-input';
import { formatJsonReport, formatReport, type PolicyCheck } from '../policies/report';
import { formatSarif } from '../policies/sarif';
import { objectId, type ManifestContext, type ManifestRule, type Rule } from '../policies/types';
import { ValidationError } from '../core/problems';
import { POLICY_DOCS } from '../policies/docs';
import { ENVIRONMENT_PROFILES, type EnvironmentProfile } from '../services/spec';
import type { Recording } from '../infra/offline/engine';
import { command, EXIT } from './args';
import { render } from './synth-command';

export function exceptionsFile(root = repoRoot()): string {
  return path.join(root, 'policies', 'exceptions.yaml');
}

function options(environment: string, root: string, date: string) {
  return { environment, exceptions: loadExceptions(exceptionsFile(root), ruleIds(), 'policies/exceptions.yaml'), today: date };
}

/**
 * Where each object of rendered YAML starts: synth writes one `---` line before each
 * object (charts/yaml.ts), so the n-th such line starts the n-th object. Linear, no parse.
 */
function renderedLocations(file: string, text: string, objects: readonly ManifestObject[]): SourceLocation[] {
  const starts: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '---') starts.push(i + 2);
  });
  return objects.map((_, i) => ({ file, document: i + 1, line: starts[i] ?? 1 }));
}

/** The manifests `synth` would write for an environment, with the platform's edge Gateway they bind to, checked. */
export function environmentCheck(env: string, root = repoRoot(), date = today()): PolicyCheck {
  const { synthesis, environment, rendered, apps } = render({ env, root });
  const objects = synthesis.files.flatMap((f) => f.objects);
  const locations = synthesis.files.flatMap((f) => renderedLocations(`dist/${env}/${f.name}`, rendered.get(f.name) ?? '', f.objects));
  // A rule that throws on synthesized objects is a bug (exit 3, with its own stack), not bad input.
  const programWritten = apps.flatMap((a) => programWrittenObjects(a.catalogue, appEnvironment(environment, a.app)));
  const report = evaluate(
    RULES,
    { manifests: environmentContext(objects, environment, environment, programWritten) },
    options(env, root, date),
  );
  return {
    title: `Policy check of the ${env} manifests`,
    target: 'manifests',
    report,
    locations: locationsById(objects, locations),
    source: `Pulumi.${env}.yaml`,
  };
}

export function checkEnvironment(env: string, root = repoRoot(), date = today()): Report {
  return environmentCheck(env, root, date).report;
}

/** A rule that threw on the input: the runner finds the object that makes it throw. */
class RuleCrash extends Error {
  constructor(
    readonly rule: ManifestRule,
    override readonly cause: unknown,
  ) {
    super(`${rule.id}: ${(cause as Error).message}`);
  }
}

/** The rules, each throwing a RuleCrash that names it instead of a bare TypeError. */
function guarded(rules: readonly Rule[]): Rule[] {
  return rules.map((rule) =>
    rule.target === 'resources'
      ? rule
      : {
          ...rule,
          check: (ctx: ManifestContext) => {
            try {
              return rule.check(ctx);
            } catch (error) {
              throw new RuleCrash(rule, error);
            }
          },
        },
  );
}

/**
 * A rule threw on a directory's objects: the object that makes it throw on its own is
 * malformed input (a field of the wrong type the API server would refuse): name its file
 * and line. When no single object does, it is a bug of the rule: rethrow.
 */
function malformedObject(crash: RuleCrash, ctx: ManifestContext, locations: readonly SourceLocation[]): never {
  const index = ctx.objects.findIndex((o) => {
    try {
      crash.rule.check({ ...ctx, objects: [o] });
      return false;
    } catch {
      return true;
    }
  });
  if (index === -1) throw crash.cause;
  const o = ctx.objects[index];
  throw new ValidationError([
    {
      where: describeLocation(locations[index]),
      field: objectId(o),
      problem: `has a field of an unexpected type or shape, which rule ${crash.rule.id} cannot read (${(crash.cause as Error).message})`,
      fix: `check the object against its schema (kubectl apply --dry-run=server -f ${locations[index].file}), or move the file out of the directory`,
    },
  ]);
}

export interface DirectorySettings {
  readonly profile: EnvironmentProfile;
  readonly allowedRegistries: readonly string[];
  /** Exceptions of this environment apply; `dir` when the directory belongs to none. */
  readonly environment: string;
}

/** Any directory of YAML, checked as the manifests of an environment with these settings. */
export function directoryCheck(dir: string, settings: DirectorySettings, shown = dir, root = repoRoot(), date = today()): PolicyCheck {
  const input = readManifestDirectory(dir, shown);
  const manifests: ManifestContext = { objects: input.objects, profile: settings.profile, allowedRegistries: settings.allowedRegistries };
  let report: Report;
  try {
    report = evaluate(guarded(RULES), { manifests }, options(settings.environment, root, date));
  } catch (error) {
    if (error instanceof RuleCrash) malformedObject(error, manifests, input.locations);
    throw error;
  }
  const registries =
    settings.allowedRegistries.length === 0
      ? 'no allowed registries: pass --env or --registry'
      : `registries ${settings.allowedRegistries.join(' ')}`;
  return {
    title: `Policy check of ${shown} (profile ${settings.profile}, ${registries})`,
    target: 'manifests',
    report,
    notes: input.notes,
    locations: locationsById(input.objects, input.locations),
  };
}

export function checkDirectory(dir: string, settings: DirectorySettings, root = repoRoot(), date = today()): Report {
  return directoryCheck(dir, settings, dir, root, date).report;
}

/** The GCP rules over what a stack's Pulumi program declares under mocks. */
export function checkInfrastructure(
  stack: string,
  profile: EnvironmentProfile,
  recording: Recording,
  root = repoRoot(),
  date = today(),
): Report {
  const resources = gcpResourcesOf(recording.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
  return evaluate(RULES, { resources: { resources, profile } }, options(stack, root, date));
}

export const POLICY_FORMATS = ['text', 'json', 'sarif'] as const;
export type PolicyFormat = (typeof POLICY_FORMATS)[number];

/**
 * Where SARIF help links point: docs/policies.md of this commit on GitHub in a workflow
 * (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA), the local file otherwise.
 */
export function defaultDocsUrl(env: NodeJS.ProcessEnv, root = repoRoot()): string {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  if (server && repository && sha) return `${server}/${repository}/blob/${sha}/${POLICY_DOCS}`;
  return pathToFileURL(path.join(root, POLICY_DOCS)).href;
}

/** The reports in the format asked for. */
export function formatChecks(checks: readonly PolicyCheck[], format: PolicyFormat, docsUrl: string): string {
  if (format === 'json') return formatJsonReport(checks);
  if (format === 'sarif') {
    return formatSarif(checks, {
      docsUrl,
      exceptionsFile: 'policies/exceptions.yaml',
      rulesOf: (check) => RULES.filter((r) => r.target === check.target),
    });
  }
  return checks.map((c) => formatReport(c.report, c.title, c)).join('');
}

/** `--env` takes profile, allowed registries and exceptions from the stack; flags override. */
function directorySettings(
  env: string | undefined,
  profile: EnvironmentProfile | undefined,
  registries: readonly string[] | undefined,
): DirectorySettings {
  const stack = env === undefined ? undefined : loadEnvironment(env);
  return {
    profile: profile ?? stack?.profile ?? 'prod',
    allowedRegistries: registries ?? stack?.allowedRegistries ?? [],
    environment: env ?? 'dir',
  };
}

/** `npm run policy -- <argv>`: prints the reports; exit code 1 when a mandatory rule fails. */
export const policyCli = command(
  {
    script: 'policy',
    summary:
      "The policy catalogue over an environment's manifests (and, with --infra, its infrastructure), or over any directory of Kubernetes/Istio YAML (--dir); exceptions from policies/exceptions.yaml apply.",
    options: {
      infra: { type: 'boolean', description: "also check the GCP resources the stack's Pulumi program declares (offline, under mocks)" },
      dir: { type: 'string', value: 'path', description: 'a directory of Kubernetes/Istio YAML to check instead of an environment' },
      env: { type: 'string', description: 'with --dir: take the profile, allowed registries and exceptions of this stack' },
      profile: {
        type: 'string',
        choices: ENVIRONMENT_PROFILES,
        description: 'with --dir: the environment profile the rules apply',
        defaultText: "the --env stack's, else prod",
      },
      registry: {
        type: 'string',
        multiple: true,
        value: 'prefix',
        description: 'with --dir: an allowed image registry prefix',
        defaultText: "the --env stack's, else none",
      },
      format: { type: 'string', choices: POLICY_FORMATS, default: 'text', description: 'the report format' },
      'docs-url': {
        type: 'string',
        value: 'url',
        description: 'where SARIF help links point',
        defaultText: 'docs/policies.md of this commit on GitHub in a workflow, the local file otherwise',
      },
    },
    forms: [
      {
        positionals: [{ name: 'env', description: 'the environment whose synthesized manifests are checked (Pulumi.<env>.yaml)' }],
        optional: ['infra', 'format', 'docs-url'],
      },
      { required: ['dir'], optional: ['env', 'profile', 'registry', 'format', 'docs-url'] },
    ],
    failsWhen: 'a mandatory rule fails or an exception expired',
  },
  async ({ values, positionals }, io) => {
    const checks: PolicyCheck[] = [];
    if (values.dir !== undefined) {
      const settings = directorySettings(values.env, values.profile, values.registry);
      const dir = path.resolve(io.cwd, values.dir);
      checks.push(directoryCheck(dir, settings, path.relative(io.cwd, dir).split(path.sep).join('/') || '.'));
    } else {
      const env = positionals[0];
      checks.push(environmentCheck(env));
      if (values.infra) {
        // Loaded only here: the offline plan brings @pulumi/pulumi and the providers (about 1.5 s),
        // which a manifest check does not need.
        const { planStack } = await import('./plan-command');
        const { recording } = await planStack(env);
        checks.push({
          title: `Policy check of the ${env} infrastructure (offline)`,
          target: 'resources',
          report: checkInfrastructure(env, loadEnvironment(env).profile, recording),
          source: `Pulumi.${env}.yaml`,
        });
      }
    }
    io.out(formatChecks(checks, values.format, values['docs-url'] ?? defaultDocsUrl(process.env)));
    return checks.every(({ report }) => passed(report)) ? EXIT.ok : EXIT.checkFailed;
  },
);
