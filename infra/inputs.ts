import * as path from 'node:path';
import { DEFAULT_CATALOGUE, loadCatalogue } from '../services/catalogue-module';
import { loadReleases, releasesFile } from '../services/releases';
import { loadEnvironment, repoRoot, type EnvironmentConfig } from '../core/config';
import type { PlatformInputs } from './platform';

/** Everything a stack is built from: its settings, the catalogue and its image pins. */
export function inputsFor(config: EnvironmentConfig, root = repoRoot(), catalogueModule = DEFAULT_CATALOGUE): PlatformInputs {
  const file = releasesFile(root, config.releases);
  const display = path.relative(root, file).split(path.sep).join('/');
  return { config, catalogue: loadCatalogue(catalogueModule, root), releases: loadReleases(file, display), releasesFile: display };
}

/** A stack's inputs read offline, from its stack files (see `core/config.ts`). */
export function stackInputs(stack: string, root = repoRoot(), catalogueModule = DEFAULT_CATALOGUE): PlatformInputs {
  return inputsFor(loadEnvironment(stack, root), root, catalogueModule);
}
