/**
 * Test helper: the upstream facts extracted from Kubernetes' staging repositories by
 * scripts/vendor-kubernetes.sh (scripts/lib/kubernetes-facts.js) into
 * vendor/kubernetes/<repo>/<tag>/*-facts.json. Data only: names, values, message literals, and
 * for facts about upstream code shape the short pattern the refresh script found.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const KUBERNETES_TAG = 'v0.35.7';

export interface ShapeFact {
  readonly id: string;
  readonly fact: string;
  readonly file: string;
  readonly in?: string;
  readonly pattern: string;
}

export interface UpstreamFacts {
  readonly repo: string;
  readonly tag: string;
  readonly commit: string;
  readonly data: Readonly<Record<string, { readonly file: string; readonly value: unknown }>>;
  readonly shape: readonly ShapeFact[];
  /** The SOURCE file next to the facts (tag, commit, date, files read). */
  readonly source: string;
  /** One data value; throws when the facts file lacks it (a refresh dropped it). */
  value<T>(id: string): T;
}

const VENDOR = join(__dirname, '..', 'vendor', 'kubernetes');

export function upstreamFacts(repo: 'apimachinery' | 'apiserver' | 'apiextensions-apiserver', file: string): UpstreamFacts {
  const dir = join(VENDOR, repo, KUBERNETES_TAG);
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<UpstreamFacts, 'source' | 'value'>;
  return {
    ...json,
    source: readFileSync(join(dir, 'SOURCE'), 'utf8'),
    value<T>(id: string): T {
      const d = json.data[id];
      if (d === undefined) throw new Error(`${repo} ${file}: no data "${id}"`);
      return d.value as T;
    },
  };
}

/** Go's fmt.Sprintf for the verbs upstream messages use (%v, %s, %d, %q), arguments in order. */
export function goSprintf(format: string, ...args: readonly (string | number)[]): string {
  let i = 0;
  return format.replace(/%[vsdq]/g, (verb) => {
    const a = args[i++];
    return verb === '%q' ? JSON.stringify(String(a)) : String(a);
  });
}
