/**
 * The apps of an environment, loaded: each `platform:apps` entry's catalogue module and image
 * pins file. One loader for synth, plan, policy, release and the Pulumi program, so they never
 * disagree on what an environment hosts. docs/environments.md "Several apps".
 */
import * as path from 'node:path';
import type { AppConfig, EnvironmentConfig } from '../core/config-schema';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import { loadCatalogue, type ModuleLoader } from './catalogue-module';
import { loadReleases, type Releases } from './releases';
import type { Catalogue } from './spec';

export interface LoadedApp {
  readonly app: AppConfig;
  readonly catalogue: Catalogue;
  readonly releases: Releases;
}

/** What loading needs of an environment. */
export type AppsEnvironment = Pick<EnvironmentConfig, 'stack' | 'apps' | 'previewApps'>;

export interface LoadAppsOptions {
  /**
   * A catalogue module to host instead of the environment's apps (`synth --catalogue`): the one
   * app, in the namespace, host and pins file of the environment's first app.
   */
  readonly catalogue?: string;
  readonly load?: ModuleLoader;
}

/**
 * Loads every app's catalogue and pins. Problems of all apps are reported together; a catalogue
 * must be named as its app (the name is its `part-of` label and how other apps call it).
 * A preview (`previewApps` set) keeps the apps the pull request changes and the apps they call.
 */
export function loadApps(environment: AppsEnvironment, root: string, options: LoadAppsOptions = {}): LoadedApp[] {
  const problems: Problem[] = [];
  const failures: ValidationError[] = [];
  const entries: readonly AppConfig[] =
    options.catalogue === undefined ? environment.apps : [{ ...environment.apps[0], catalogue: options.catalogue }];
  const loaded: LoadedApp[] = [];
  for (const app of entries) {
    try {
      const catalogue = loadCatalogue(app.catalogue, root, options.load);
      const releases = loadReleases(path.resolve(root, app.releases), app.releases);
      if (options.catalogue !== undefined) {
        // The override hosts whatever catalogue it names, under its own name.
        loaded.push({ app: { ...app, name: catalogue.name }, catalogue, releases });
        continue;
      }
      if (catalogue.name !== app.name)
        problems.push({
          where: catalogue.source ?? app.catalogue,
          field: 'name',
          value: catalogue.name,
          problem: `is not the app's name ${app.name} (platform:apps in Pulumi.${environment.stack}.yaml)`,
          fix: `name the catalogue ${app.name} (defineCatalogue('${app.name}', ...)), or point the app at the right module`,
        });
      loaded.push({ app, catalogue, releases });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      failures.push(error);
    }
  }
  // One app that does not load keeps its own heading (`the catalogue module does not load`).
  const only = failures[0];
  if (failures.length === 1 && problems.length === 0 && only !== undefined) throw only;
  for (const failure of failures) problems.push(...failure.problems);
  problems.push(...sharedServiceNames(loaded));
  assertNoProblems(problems, `the apps of ${environment.stack} do not load`);
  return environment.previewApps === undefined ? loaded : withCallees(loaded, environment.previewApps);
}

/**
 * A service's Google service account, database, buckets and secrets are named after it in the
 * environment's project, so two apps of one environment cannot both have a service of that name.
 */
function sharedServiceNames(apps: readonly LoadedApp[]): Problem[] {
  const owner = new Map<string, LoadedApp>();
  const problems: Problem[] = [];
  for (const loaded of apps) {
    for (const def of loaded.catalogue.services) {
      const other = owner.get(def.spec.name);
      if (other !== undefined && other !== loaded)
        problems.push({
          where: def.source ?? loaded.app.catalogue,
          field: 'name',
          value: def.spec.name,
          problem: `is also a service of app ${other.app.name}, in the same environment`,
          fix: "rename one of them: a service's Google service account, database, buckets and secrets are named after it in the environment's project",
        });
      else owner.set(def.spec.name, loaded);
    }
  }
  return problems;
}

/** The named apps and, transitively, every app one of their services calls (`<app>/<service>`), in the environment's order. */
export function withCallees(apps: readonly LoadedApp[], names: readonly string[]): LoadedApp[] {
  const byName = new Map(apps.map((a) => [a.app.name, a]));
  const keep = new Set<string>();
  const visit = (name: string): void => {
    const app = byName.get(name);
    if (app === undefined || keep.has(name)) return;
    keep.add(name);
    for (const { spec } of app.catalogue.services)
      for (const dep of spec.dependencies ?? []) if (dep.includes('/')) visit(dep.split('/')[0]);
  };
  for (const name of names) visit(name);
  return apps.filter((a) => keep.has(a.app.name));
}
