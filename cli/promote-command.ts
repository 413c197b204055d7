/**
 * `promote`: makes the next environment run exactly what the previous one runs. Every pin
 * of `--from` is copied to `--to` with tags resolved to digests, so staging and prod pin
 * the bytes that were tested, whatever the tag points at later. The target file keeps its
 * comments; its set of pins becomes the source's (the catalogue decides which versions
 * exist, and the source was validated against it).
 */
import * as path from 'node:path';
import { repoRoot } from '../core/config';
import { assertNoProblems, type Problem } from '../core/problems';
import { loadReleases, parseImageReference, validateReleases, type Releases } from '../services/releases';
import type { Catalogue } from '../services/spec';
import { command } from './args';
import { RegistryError, registryDigestResolver, type DigestResolver } from './registry-digest';
import {
  openReleasesDocument,
  pinsOf,
  releasesTarget,
  replaceFileAtomically,
  RELEASES_OPTIONS,
  resolveCatalogue,
  serializeReleases,
} from './release-command';

/** The only promotions: one step along dev -> staging -> prod. */
export const PROMOTIONS: Readonly<Record<string, string>> = { dev: 'staging', staging: 'prod' };

export interface PromoteOptions {
  readonly from: string;
  readonly to: string;
  /** Turns `repo:tag` into `sha256:<64 hex>`; the CLI asks the registry (`registryDigestResolver`). */
  readonly resolve: DigestResolver;
  /** Where `Pulumi.<env>.yaml` and `services/releases/` are read and written. @default the repository root */
  readonly root?: string;
  /** Catalogue module (resolved against the repository root) or a loaded catalogue. @default the BookInfo sample */
  readonly catalogue?: string | Catalogue;
}

/** One pin that differs between the target file and the promoted set. */
export interface PinChange {
  readonly service: string;
  readonly key: string;
  /** Absent: the target did not pin this version. */
  readonly before?: string;
  /** Absent: the version is gone from the source, so it is removed. */
  readonly after?: string;
}

export interface PromoteOutcome {
  /** The target releases file, relative to the root. */
  readonly file: string;
  readonly changes: readonly PinChange[];
  /** The lines to print. */
  readonly message: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export async function promote(options: PromoteOptions): Promise<PromoteOutcome> {
  assertNoProblems(promotionRouteProblems(options.from, options.to));
  const root = options.root ?? repoRoot();
  const source = releasesTarget(options.from, root);
  const target = releasesTarget(options.to, root);
  const catalogue = resolveCatalogue(options.catalogue);

  const sourcePins = loadReleases(source.path, source.file);
  assertNoProblems(validateReleases(sourcePins, catalogue, source.rules), `${source.file} cannot be promoted until it is valid`);
  const current = loadReleases(target.path, target.file);
  const doc = openReleasesDocument(target.path, target.file);

  const next = await pinDigests(sourcePins, options.resolve, source.file);
  const changes = pinChanges(current, next);
  if (changes.length === 0) return { file: target.file, changes, message: `${target.file}: already in sync with ${source.file}` };

  for (const change of changes) {
    if (change.after === undefined) doc.deleteIn([change.service, change.key]);
    else doc.setIn([change.service, change.key], change.after);
  }
  for (const service of Object.keys(current)) {
    if (next[service] === undefined) doc.deleteIn([service]);
  }
  replaceFileAtomically(target.path, serializeReleases(doc), (written) => {
    assertNoProblems(
      validateReleases(loadReleases(written, target.file), catalogue, target.rules),
      `${target.file} would be invalid after the promotion`,
    );
  });
  const lines = changes.map((c) => `  ${c.service} ${c.key}: ${c.before ?? '(unpinned)'} -> ${c.after ?? '(removed)'}`);
  return {
    file: target.file,
    changes,
    message: [`${target.file}: promoted ${changes.length} pin${changes.length === 1 ? '' : 's'} from ${source.file}`, ...lines].join('\n'),
  };
}

/** Only the next environment along dev -> staging -> prod. */
export function promotionRouteProblems(from: string, to: string): Problem[] {
  if (PROMOTIONS[from] === to) return [];
  const route = Object.entries(PROMOTIONS)
    .map(([a, b]) => `--from ${a} --to ${b}`)
    .join(' or ');
  const known = Object.prototype.hasOwnProperty.call(PROMOTIONS, from);
  return [
    {
      where: 'npm run promote',
      field: known ? '--to' : '--from',
      value: known ? to : from,
      problem: known
        ? `is not the environment after ${from} (that is ${PROMOTIONS[from]})`
        : 'is not an environment that promotes to another',
      fix: `promote one step at a time: ${route}`,
    },
  ];
}

/**
 * The source's pins with every tag resolved to a digest; pins that carry one are kept as
 * they are. Every failure is reported, against the source pin that caused it.
 */
export async function pinDigests(source: Releases, resolve: DigestResolver, file: string): Promise<Releases> {
  const out: Record<string, Record<string, string>> = {};
  const problems: Problem[] = [];
  // Sequential on purpose: registries rate-limit, and a catalogue has tens of pins, not thousands.
  for (const [service, key, image] of pinsOf(source)) {
    out[service] ??= {};
    if (parseImageReference(image)?.digest !== undefined) {
      out[service][key] = image;
      continue;
    }
    const field = `${service}.${key}`;
    try {
      const digest = await resolve(image);
      if (DIGEST.test(digest)) out[service][key] = `${image}@${digest}`;
      else
        problems.push({
          where: file,
          field,
          value: image,
          problem: `resolved to "${digest}", which is not a sha256 digest`,
          fix: 'check the registry serves the image over the v2 API',
        });
    } catch (error) {
      const reason = error instanceof RegistryError ? error.reason : (error as Error).message;
      problems.push({
        where: file,
        field,
        value: image,
        problem: `could not be resolved to a digest: ${reason}`,
        fix: 'check the image was pushed and that the workflow can read the registry (GOOGLE_OAUTH_ACCESS_TOKEN for Artifact Registry)',
      });
    }
  }
  assertNoProblems(problems, 'the promotion needs a digest for every pin');
  return out;
}

/** Pins to set, add or remove to turn `current` into `next`, in `next`'s order then removals. */
export function pinChanges(current: Releases, next: Releases): PinChange[] {
  const changes: PinChange[] = [];
  for (const [service, key, after] of pinsOf(next)) {
    const before = current[service]?.[key];
    if (before !== after) changes.push({ service, key, ...(before !== undefined && { before }), after });
  }
  for (const [service, key, before] of pinsOf(current)) {
    if (next[service]?.[key] === undefined) changes.push({ service, key, before });
  }
  return changes;
}

/** `npm run promote -- <argv>`: promotes every pin one environment along and prints the changes. */
export const promoteCli = command(
  {
    script: 'promote',
    summary:
      'Copies every image pin of an environment to the next one (dev -> staging -> prod), tags resolved to digests over the registry API, so the next environment runs the bytes that were tested.',
    options: {
      from: { type: 'string', required: true, choices: Object.keys(PROMOTIONS), description: 'the environment whose pins are copied' },
      to: {
        type: 'string',
        required: true,
        choices: Object.values(PROMOTIONS),
        description: 'the environment after it, whose releases file is rewritten',
      },
      ...RELEASES_OPTIONS,
    },
    notes: [
      'environment: GOOGLE_OAUTH_ACCESS_TOKEN, a token that reads private Artifact Registry images (google-github-actions/auth writes it)',
    ],
  },
  async ({ values }, io) => {
    const outcome = await promote({
      from: values.from,
      to: values.to,
      catalogue: values.catalogue,
      root: values.root && path.resolve(io.cwd, values.root),
      // The credential is the workflow's, handed over by google-github-actions/auth.
      resolve: registryDigestResolver({ googleAccessToken: process.env.GOOGLE_OAUTH_ACCESS_TOKEN }),
    });
    io.out(`${outcome.message}\n`);
  },
);
