/**
 * `npm run policy`: the rule catalogue over synthesized manifests (`<env>`) or over any
 * directory of Kubernetes/Istio YAML (`--dir`), and over the infrastructure a stack
 * declares (offline, under mocks). Exceptions from policies/exceptions.yaml apply.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAll } from 'js-yaml';
import type { ManifestObject } from '../charts/schema';
import { repoRoot } from '../infra/config';
import { RULES, ruleIds } from '../policies/catalogue';
import { evaluate, today, type Report } from '../policies/engine';
import { loadExceptions } from '../policies/exceptions';
import { gcpResourcesOf } from '../policies/pack';
import { environmentContext } from '../policies/platform';
import { assertNoProblems } from '../services/problems';
import type { EnvironmentProfile } from '../services/spec';
import type { Recording } from '../infra/testing/recorder';
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
