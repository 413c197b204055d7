/** Loading a catalogue from a TypeScript module, for `synth --catalogue` and the Pulumi program. */
import * as path from 'node:path';
import { assertNoProblems } from '../core/problems';
import type { Catalogue } from './spec';

/** The sample catalogue, used when no other is named. */
export const DEFAULT_CATALOGUE = 'services/bookinfo';

export function loadCatalogue(modulePath: string, root: string): Catalogue {
  const resolved = path.resolve(root, modulePath);
  let mod: { default?: unknown; catalogue?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the catalogue's module path is known only at run time
    mod = require(resolved) as typeof mod;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(resolved)) {
      assertNoProblems([{ where: modulePath, field: '--catalogue', value: modulePath, problem: 'is not a module that can be loaded', fix: 'pass the path of a .ts file (or directory with index.ts) that exports a catalogue' }]);
    }
    throw error;
  }
  const catalogue = mod.catalogue ?? mod.default;
  if (typeof catalogue !== 'object' || catalogue === null || !Array.isArray((catalogue as Catalogue).services)) {
    assertNoProblems([{ where: modulePath, field: 'exports', value: Object.keys(mod), problem: 'include no catalogue (a default export or one named "catalogue")', fix: "export default defineCatalogue('name', [defineService({...}), ...])" }]);
  }
  return catalogue as Catalogue;
}

