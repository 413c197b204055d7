/**
 * `promote`: makes the next environment run exactly what the previous one runs. For every app
 * both environments host (or the one `--app` names), every pin of its `--from` pins file is
 * copied to its `--to` pins file with tags resolved to digests, so staging and prod pin the
 * bytes that were tested, whatever the tag points at later. A target file keeps its comments;
 * its set of pins becomes the source's (the catalogue decides which versions exist, and the
 * source was validated against it). Every file is checked before any is written.
 */
import * as path from 'node:path';
import { repoRoot, type AppConfig, type EnvironmentConfig } from '../core/config';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import { loadReleases, parseImageReference, validateReleases, type Releases } from '../services/releases';
import type { Catalogue } from '../services/spec';
import { command } from './args';
import { RegistryError, registryDigestResolver, type DigestResolver } from './registry-digest';
import {
  appCatalogue,
  appendGithubOutput,
  appTarget,
  namedApp,
  openReleasesDocument,
  pinsOf,
  releasesEnvironment,
  replaceFileAtomically,
  RELEASES_OPTIONS,
  resolveCatalogue,
  serializeReleases,
  type AppCatalogueLoader,
  type ReleasesTarget,
} from './release-command';

/** The only promotions: one step along dev -> staging -> prod. */
export const PROMOTIONS: Readonly<Record<string, string>> = { dev: 'staging', staging: 'prod' };

export interface PromoteOptions {
  readonly from: string;
  readonly to: string;
  /** Turns `repo:tag` into `sha256:<64 hex>`; the CLI asks the registry (`registryDigestResolver`). */
  readonly resolve: DigestResolver;
  /** The one app to promote (a name in both environments' `platform:apps`). @default - every app both environments host */
  readonly app?: string;
  /** Where `Pulumi.<env>.yaml` and the pins files are read and written. @default the repository root */
  readonly root?: string;
  /**
   * Catalogue module (resolved against the repository root) or a loaded catalogue, instead of
   * that of `app`, or of the app of its name.
   * @default each app's own
   */
  readonly catalogue?: string | Catalogue;
  /** Loads an app's own catalogue. @default its module, from the repository */
  readonly loadCatalogue?: AppCatalogueLoader;
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

/** One app's promotion: its pins file in each environment and what changed. */
export interface AppPromotion {
  readonly app: string;
  /** The source pins file, relative to the root. */
  readonly source: string;
  /** The target pins file, relative to the root. */
  readonly file: string;
  readonly changes: readonly PinChange[];
}

export interface PromoteOutcome {
  /** Every app promoted, in the source environment's order. */
  readonly apps: readonly AppPromotion[];
  /** The target pins files that changed, relative to the root (what the pull request commits). */
  readonly files: readonly string[];
  /** Apps only one of the environments hosts, which are not promoted. */
  readonly skipped: readonly string[];
  /** The lines to print. */
  readonly message: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export async function promote(options: PromoteOptions): Promise<PromoteOutcome> {
  assertNoProblems(promotionRouteProblems(options.from, options.to));
  const root = options.root ?? repoRoot();
  const from = releasesEnvironment(options.from, root);
  const to = releasesEnvironment(options.to, root);
  const override = options.catalogue === undefined ? undefined : resolveCatalogue(options.catalogue);
  const { pairs, skipped } = promotedApps(from, to, options.app, override);
  const load = options.loadCatalogue ?? appCatalogue;

  // Every file is read, resolved and checked first: a refusal in one app writes no file at all.
  const planned: Array<{ plan: AppPlan; target: ReleasesTarget; catalogue: Catalogue }> = [];
  for (const [sourceApp, targetApp] of pairs) {
    const source = appTarget(from, sourceApp, root);
    const target = appTarget(to, targetApp, root);
    const useOverride = override !== undefined && (options.app !== undefined || override.name === sourceApp.name);
    const sourceCatalogue = useOverride ? override : load(sourceApp);
    const targetCatalogue = useOverride || targetApp.catalogue === sourceApp.catalogue ? sourceCatalogue : load(targetApp);
    planned.push({
      plan: await planApp(source, target, sourceCatalogue, targetCatalogue, options.resolve),
      target,
      catalogue: targetCatalogue,
    });
  }
  for (const { plan, target, catalogue } of planned) {
    if (plan.promotion.changes.length === 0) continue;
    replaceFileAtomically(target.path, plan.text, (written) => {
      assertNoProblems(
        validateReleases(loadReleases(written, target.file), catalogue, target.rules),
        `${target.file} would be invalid after the promotion`,
      );
    });
  }
  const apps = planned.map(({ plan }) => plan.promotion);
  const lines = apps.flatMap(promotionLines);
  for (const app of skipped) lines.push(`${app}: not promoted, only one of ${from.stack} and ${to.stack} hosts it`);
  return {
    apps,
    files: apps.filter((a) => a.changes.length > 0).map((a) => a.file),
    skipped,
    message: lines.join('\n'),
  };
}

/** An app's promotion before anything is written: its changes and the target file's new text. */
interface AppPlan {
  readonly promotion: AppPromotion;
  readonly text: string;
}

async function planApp(
  source: ReleasesTarget,
  target: ReleasesTarget,
  sourceCatalogue: Catalogue,
  targetCatalogue: Catalogue,
  resolve: DigestResolver,
): Promise<AppPlan> {
  const sourcePins = loadReleases(source.path, source.file);
  assertNoProblems(validateReleases(sourcePins, sourceCatalogue, source.rules), `${source.file} cannot be promoted until it is valid`);
  const current = loadReleases(target.path, target.file);
  const doc = openReleasesDocument(target.path, target.file);
  const next = await pinDigests(sourcePins, resolve, source.file);
  const changes = pinChanges(current, next);
  const promotion = { app: target.app.name, source: source.file, file: target.file, changes };
  if (changes.length === 0) return { promotion, text: '' };
  assertNoProblems(validateReleases(next, targetCatalogue, target.rules), `${target.file} would be invalid after the promotion`);
  for (const change of changes) {
    if (change.after === undefined) doc.deleteIn([change.service, change.key]);
    else doc.setIn([change.service, change.key], change.after);
  }
  for (const service of Object.keys(current)) {
    if (next[service] === undefined) doc.deleteIn([service]);
  }
  return { promotion, text: serializeReleases(doc) };
}

function promotionLines({ file, source, changes }: AppPromotion): string[] {
  if (changes.length === 0) return [`${file}: already in sync with ${source}`];
  return [
    `${file}: promoted ${changes.length} pin${changes.length === 1 ? '' : 's'} from ${source}`,
    ...changes.map((c) => `  ${c.service} ${c.key}: ${c.before ?? '(unpinned)'} -> ${c.after ?? '(removed)'}`),
  ];
}

/**
 * The apps to promote, as [source app, target app] pairs in the source's order: the one
 * `--app` names (which both environments must host), or every app both host, by name. A
 * `--catalogue` without `--app` must be named after one of them.
 */
export function promotedApps(
  from: EnvironmentConfig,
  to: EnvironmentConfig,
  app: string | undefined,
  catalogue?: Catalogue,
): { pairs: Array<[AppConfig, AppConfig]>; skipped: string[] } {
  if (app !== undefined) return { pairs: [[namedApp(from, app), namedApp(to, app)]], skipped: [] };
  const pairs: Array<[AppConfig, AppConfig]> = [];
  for (const source of from.apps) {
    const target = to.apps.find((a) => a.name === source.name);
    if (target !== undefined) pairs.push([source, target]);
  }
  const promoted = new Set(pairs.map(([a]) => a.name));
  const skipped = [...from.apps, ...to.apps].map((a) => a.name).filter((name, i, all) => !promoted.has(name) && all.indexOf(name) === i);
  const where = `Pulumi.${to.stack}.yaml`;
  if (pairs.length === 0)
    throw new ValidationError([
      {
        where,
        field: 'config.platform:apps',
        value: to.apps.map((a) => a.name),
        problem: `has no app that ${from.stack} hosts too (${from.apps.map((a) => a.name).join(', ')})`,
        fix: `host the same apps in both environments (platform:apps in Pulumi.${from.stack}.yaml and ${where})`,
      },
    ]);
  if (catalogue !== undefined && !promoted.has(catalogue.name))
    throw new ValidationError([
      {
        where,
        field: '--catalogue',
        value: catalogue.source ?? catalogue.name,
        problem: `is the catalogue ${catalogue.name}, which is not an app both ${from.stack} and ${to.stack} host (${[...promoted].join(', ')})`,
        fix: 'pass --app to say whose pins it checks, or name the catalogue after its app',
      },
    ]);
  return { pairs, skipped };
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

/** `npm run promote -- <argv>`: promotes every pin of every app (or of `--app`) one environment along and prints the changes. */
export const promoteCli = command(
  {
    script: 'promote',
    summary:
      "Copies every image pin of an environment's apps to the next environment (dev -> staging -> prod), each app's pins file to its own, tags resolved to digests over the registry API, so the next environment runs the bytes that were tested.",
    options: {
      from: { type: 'string', required: true, choices: Object.keys(PROMOTIONS), description: 'the environment whose pins are copied' },
      to: {
        type: 'string',
        required: true,
        choices: Object.values(PROMOTIONS),
        description: 'the environment after it, whose pins files are rewritten',
      },
      app: {
        type: 'string',
        value: 'name',
        description: 'the one app to promote (platform:apps of both environments)',
        defaultText: 'every app both environments host',
      },
      ...RELEASES_OPTIONS,
      'github-output': {
        type: 'string',
        value: 'file',
        description:
          'also append files=<JSON list of the pins files that changed> to this file (pass "$GITHUB_OUTPUT"), for open-pr --path',
      },
    },
    notes: [
      'environment: GOOGLE_OAUTH_ACCESS_TOKEN, a token that reads private Artifact Registry images (google-github-actions/auth writes it)',
    ],
  },
  async ({ values }, io) => {
    const outcome = await promote({
      from: values.from,
      to: values.to,
      app: values.app,
      catalogue: values.catalogue,
      root: values.root && path.resolve(io.cwd, values.root),
      // The credential is the workflow's, handed over by google-github-actions/auth.
      resolve: registryDigestResolver({ googleAccessToken: process.env.GOOGLE_OAUTH_ACCESS_TOKEN }),
    });
    io.out(`${outcome.message}\n`);
    const githubOutput = values['github-output'];
    if (githubOutput !== undefined) appendGithubOutput(path.resolve(io.cwd, githubOutput), { files: JSON.stringify(outcome.files) });
  },
);
