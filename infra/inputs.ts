import { loadApps } from '../services/apps';
import { loadEnvironment, repoRoot, type EnvironmentConfig } from '../core/config';
import type { PlatformInputs } from './platform';

/**
 * Everything a stack is built from: its settings and its apps (catalogues and image pins).
 * `catalogue` hosts that module instead of the environment's apps (`synth --catalogue`).
 */
export function inputsFor(config: EnvironmentConfig, root = repoRoot(), catalogue?: string): PlatformInputs {
  return { config, apps: loadApps(config, root, catalogue === undefined ? {} : { catalogue }) };
}

/** A stack's inputs read offline, from its stack files (see `core/config.ts`). */
export function stackInputs(stack: string, root = repoRoot(), catalogue?: string): PlatformInputs {
  return inputsFor(loadEnvironment(stack, root), root, catalogue);
}
