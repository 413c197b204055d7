import { stringify } from 'yaml';
import type { ManifestObject } from './schema';

/** Multi-document YAML, byte-stable: fixed options, no line folding, objects in given order. */
export function toYaml(objects: readonly ManifestObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0, sortMapEntries: false, aliasDuplicateObjects: false })}`).join('');
}
