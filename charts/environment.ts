/**
 * An environment's manifests: every app it hosts, each synthesized into its own namespace at its
 * own host by `synthesize`, with the calls across apps indexed once beforehand (so a called app's
 * policies admit exactly the declared callers of other apps). Files are named `<app>/<file>`.
 *
 * Under `platform:appDelivery: configsync` each app also gets `<app>/_cloud.yaml`: the Config
 * Connector objects of what its services use (charts/config-connector.ts), validated against the
 * vendored CRDs like every other object.
 */
import type { AppConfig, EnvironmentConfig } from '../core/config-schema';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import type { LoadedApp } from '../services/apps';
import { appResourcePlan, type AppResourcePlan } from './cloud-plan';
import { CLOUD_FILE, configConnectorObjects } from './config-connector';
import { crossAppIndex, NO_CROSS_APP, type CrossApp } from './mesh/decisions';
import { validateObject } from './schema';
import { synthesize, type ManifestFile, type Synthesis, type SynthEnvironment, type UncheckedRule } from './synthesize';

export interface AppSynthesis {
  readonly app: AppConfig;
  readonly synthesis: Synthesis;
}

export interface EnvironmentSynthesis {
  readonly stack: string;
  /** In the environment's order of apps. */
  readonly apps: readonly AppSynthesis[];
  /** Every app's files, named `<app>/<file>` (`bookinfo/reviews.yaml`). */
  readonly files: readonly ManifestFile[];
  readonly notChecked: readonly UncheckedRule[];
  /** Each app's calls to and from the others (charts/mesh/decisions.ts `crossAppIndex`). */
  readonly crossApp: ReadonlyMap<string, CrossApp>;
}

/** What synthesis needs of the environment, besides its apps. */
export type SynthesisSettings = Omit<EnvironmentConfig, 'apps' | 'previewApps'>;

/** The synthesis settings of one app: the environment's, in the app's namespace, at its host, with its pins file. */
export function appEnvironment(environment: SynthesisSettings, app: AppConfig): SynthEnvironment {
  return { ...environment, namespace: app.namespace, domain: app.host, releasesFile: app.releases };
}

/** The calls across the environment's apps (charts/mesh/decisions.ts `crossAppIndex`), from the loaded apps. */
export function appsCrossIndex(apps: readonly LoadedApp[]): ReturnType<typeof crossAppIndex> {
  return crossAppIndex(
    apps.map((a) => ({
      name: a.app.name,
      namespace: a.app.namespace,
      catalogue: a.catalogue,
      where: a.catalogue.source ?? a.app.catalogue,
    })),
  );
}

/** Synthesizes every app; the problems of all apps are reported together, and nothing is returned unless all pass. */
export function synthesizeEnvironment(environment: SynthesisSettings, apps: readonly LoadedApp[]): EnvironmentSynthesis {
  const cross = appsCrossIndex(apps);
  // Calls across apps first: each app's synthesis would only repeat them as unresolved.
  assertNoProblems(cross.problems, `the apps of ${environment.stack} are invalid; nothing was written`);
  const problems: Problem[] = [];
  const synthesized: AppSynthesis[] = [];
  const cloud = cloudPlan(environment, apps, problems);
  for (const { app, catalogue, releases } of apps) {
    try {
      const synthesis = synthesize(appEnvironment(environment, app), catalogue, releases, cross.byApp.get(app.name) ?? NO_CROSS_APP);
      synthesized.push({ app, synthesis: cloud === undefined ? synthesis : withCloudFile(synthesis, app, cloud, environment, problems) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.problems);
    }
  }
  assertNoProblems(problems, `the apps of ${environment.stack} are invalid; nothing was written`);
  return {
    stack: environment.stack,
    apps: synthesized,
    files: synthesized.flatMap(({ app, synthesis }) => synthesis.files.map((f) => ({ ...f, name: `${app.name}/${f.name}` }))),
    notChecked: synthesized.flatMap(({ app, synthesis }) => synthesis.notChecked.map((n) => ({ ...n, file: `${app.name}/${n.file}` }))),
    crossApp: cross.byApp,
  };
}

/** The plan of what the services use, when Config Connector delivers it (configsync); its problems join the others. */
function cloudPlan(environment: SynthesisSettings, apps: readonly LoadedApp[], problems: Problem[]): AppResourcePlan | undefined {
  if (environment.appDelivery !== 'configsync' || environment.kind === 'preview') return undefined;
  try {
    return appResourcePlan(
      apps.map((a) => ({ namespace: a.app.namespace, catalogue: a.catalogue })),
      environment,
    );
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/** The app's synthesis with its Config Connector objects in {@link CLOUD_FILE}, each checked against its CRD. */
function withCloudFile(
  synthesis: Synthesis,
  app: AppConfig,
  plan: AppResourcePlan,
  environment: SynthesisSettings,
  problems: Problem[],
): Synthesis {
  const objects = configConnectorObjects(app, plan, environment);
  if (objects.length === 0) return synthesis;
  for (const o of objects) problems.push(...validateObject(o, `${app.name}/${CLOUD_FILE}`));
  return { ...synthesis, files: [...synthesis.files, { name: CLOUD_FILE, objects }] };
}
