/**
 * An environment's manifests: every app it hosts, each synthesized into its own namespace at its
 * own host by `synthesize`, with the calls across apps indexed once beforehand (so a called app's
 * policies admit exactly the declared callers of other apps). Files are named `<app>/<file>`.
 */
import type { AppConfig, EnvironmentConfig } from '../core/config-schema';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import type { LoadedApp } from '../services/apps';
import { crossAppIndex, NO_CROSS_APP, type CrossApp } from './mesh/decisions';
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
  for (const { app, catalogue, releases } of apps) {
    try {
      const synthesis = synthesize(appEnvironment(environment, app), catalogue, releases, cross.byApp.get(app.name) ?? NO_CROSS_APP);
      synthesized.push({ app, synthesis });
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
