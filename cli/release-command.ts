/**
 * `release`: sets one image pin in an app's pins file in an environment (`releases` of its
 * `platform:apps` entry, e.g. `services/boutique/releases/dev.yaml`), the step an app
 * repository's workflow runs after it pushes an image. The edit goes through the YAML
 * document, so the file's comments and layout stay as they were, and the file is replaced
 * atomically only when the result validates. Also holds the pins-file plumbing that
 * `promote` shares: which app of an environment, its pins file and its catalogue.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, type Document, type ToStringOptions } from 'yaml';
import { loadEnvironment, PREVIEW_STACK, repoRoot, type AppConfig, type EnvironmentConfig } from '../core/config';
import { loadCatalogue } from '../services/catalogue-module';
import { assertNoProblems, closestMatch, ValidationError, type Problem } from '../core/problems';
import { loadReleases, parseImageReference, validateReleases, type ReleaseRules, type Releases } from '../services/releases';
import type { Catalogue } from '../services/spec';
import { requiredImageKeys } from '../services/validate';
import { command, type OptionSpecs } from './args';

export interface ReleaseOptions {
  /** Environment whose pins change: `dev`, `staging` or `prod` (a stack with its own `Pulumi.<env>.yaml`). */
  readonly env: string;
  /**
   * The app whose pins change (a name in the environment's `platform:apps`).
   * @default - the environment's only app; else, with `catalogue`, the app of the catalogue's
   * name; else the app whose catalogue has `service` (service names are unique in an environment)
   */
  readonly app?: string;
  readonly service: string;
  /** Image key under the service (the version name unless the spec sets `image`). */
  readonly version: string;
  readonly image: string;
  /** Where `Pulumi.<env>.yaml` and the pins files are read and written. @default the repository root */
  readonly root?: string;
  /**
   * Catalogue module, resolved against the repository root as `synth --catalogue` does, or a
   * catalogue already loaded, instead of the app's own.
   * @default the app's catalogue (`catalogue` of its `platform:apps` entry)
   */
  readonly catalogue?: string | Catalogue;
}

export interface ReleaseOutcome {
  /** The app whose pins file it is. */
  readonly app: string;
  /** The app's pins file, relative to the root. */
  readonly file: string;
  /** The pin before the run; absent when the version was not pinned. */
  readonly previous?: string;
  readonly changed: boolean;
  /** The line to print. */
  readonly message: string;
  /** Other versions of the catalogue still unpinned in the file (synth refuses it until they are). */
  readonly unpinned: readonly string[];
}

/** An app's pins file in an environment, and the rules its pins follow. */
export interface ReleasesTarget {
  readonly environment: EnvironmentConfig;
  /** The app the pins file belongs to. */
  readonly app: AppConfig;
  readonly path: string;
  /** Root-relative, `/`-separated: the name messages use. */
  readonly file: string;
  readonly rules: ReleaseRules;
}

/** The options release and promote share: where the catalogue and the pins files are. */
export const RELEASES_OPTIONS = {
  catalogue: {
    type: 'string',
    value: 'module',
    description: "the catalogue module, relative to the repository root, instead of the app's",
    defaultText: "the app's (catalogue of its platform:apps entry)",
  },
  root: {
    type: 'string',
    value: 'dir',
    description: 'where Pulumi.<env>.yaml and the pins files are read and written',
    defaultText: 'the repository root',
  },
} as const satisfies OptionSpecs;

/** Appends `name=value` lines to a `$GITHUB_OUTPUT` file (values are one line: paths and JSON). */
export function appendGithubOutput(file: string, outputs: Readonly<Record<string, string>>): void {
  fs.appendFileSync(
    file,
    Object.entries(outputs)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
}

/** `npm run release -- <argv>`: sets the pin and prints what changed. */
export const releaseCli = command(
  {
    script: 'release',
    summary:
      "Sets one image pin in an app's pins file of an environment (releases of its platform:apps entry), keeping its comments and order; the file changes only when the result is valid.",
    options: {
      env: { type: 'string', required: true, value: 'dev|staging|prod', description: 'the environment whose pins change' },
      app: {
        type: 'string',
        value: 'name',
        description: 'the app whose pins change (platform:apps)',
        defaultText: "the only app; else the app of --catalogue's name; else the app whose catalogue has --service",
      },
      service: { type: 'string', required: true, value: 'name', description: "a service of the app's catalogue" },
      version: {
        type: 'string',
        required: true,
        value: 'image key',
        description: 'the image key under the service (the version name unless the spec sets image)',
      },
      image: {
        type: 'string',
        required: true,
        value: 'registry/repository:tag[@sha256:digest]',
        description: 'the image reference; staging and prod require a digest',
      },
      ...RELEASES_OPTIONS,
      'github-output': {
        type: 'string',
        value: 'file',
        description: 'also append app=<name> and file=<its pins file> to this file (pass "$GITHUB_OUTPUT"), for open-pr --path',
      },
    },
  },
  ({ values }, io) => {
    const { 'github-output': githubOutput, ...options } = values;
    const outcome = runRelease({ ...options, root: values.root && path.resolve(io.cwd, values.root) });
    io.out(`${outcome.message}\n`);
    for (const field of outcome.unpinned) io.err(`note: ${outcome.file}: ${field} is not pinned yet; synth refuses the file until it is\n`);
    if (githubOutput !== undefined) appendGithubOutput(path.resolve(io.cwd, githubOutput), { app: outcome.app, file: outcome.file });
  },
);

/** Serialization options: no folding, so a long reference stays on its line. */
const YAML_OUTPUT: ToStringOptions = { lineWidth: 0 };

export function runRelease(options: ReleaseOptions): ReleaseOutcome {
  const root = options.root ?? repoRoot();
  const override = options.catalogue === undefined ? undefined : resolveCatalogue(options.catalogue);
  const target = releasesTarget(options.env, root, { app: options.app, service: options.service, catalogue: override });
  const catalogue = override ?? appCatalogue(target.app);
  const current = loadReleases(target.path, target.file);
  assertNoProblems(releaseArgumentProblems(options, catalogue, target));

  const { service, version, image } = options;
  const previous = current[service]?.[version];
  if (previous === image) {
    return {
      app: target.app.name,
      file: target.file,
      previous,
      changed: false,
      message: `${target.file}: ${service} ${version} = ${image} (unchanged)`,
      unpinned: [],
    };
  }
  const doc = openReleasesDocument(target.path, target.file);
  doc.setIn([service, version], image);
  let unpinned: string[] = [];
  replaceFileAtomically(target.path, serializeReleases(doc), (written) => {
    const problems = validateReleases(loadReleases(written, target.file), catalogue, target.rules);
    // A new service or version is pinned one release at a time; the gaps are synth's to refuse.
    const missing = problems.filter((p) => p.problem === 'is not pinned');
    assertNoProblems(
      problems.filter((p) => !missing.includes(p)),
      `${target.file} would be invalid after setting ${service}.${version}`,
    );
    unpinned = missing.map((p) => p.field);
  });
  return {
    app: target.app.name,
    file: target.file,
    ...(previous !== undefined && { previous }),
    changed: true,
    message: `${target.file}: ${service} ${version} = ${image} (was ${previous ?? 'unpinned'})`,
    unpinned,
  };
}

/** What is wrong with `--service`, `--version` and `--image`, all at once. */
export function releaseArgumentProblems(
  options: Pick<ReleaseOptions, 'service' | 'version' | 'image'>,
  catalogue: Catalogue,
  target: Pick<ReleasesTarget, 'file' | 'rules'>,
): Problem[] {
  const where = target.file;
  const problems: Problem[] = [];
  const names = catalogue.services.map((d) => d.spec.name).sort();
  const spec = catalogue.services.find((d) => d.spec.name === options.service)?.spec;
  if (spec === undefined) {
    const closest = closestName(options.service, names);
    problems.push({
      where,
      field: '--service',
      value: options.service,
      problem: `is not a service of the catalogue ${catalogue.name}`,
      fix: `${closest === undefined ? 'use' : `did you mean "${closest}"? Use`} one of: ${names.join(', ')}`,
    });
  } else {
    const keys = requiredImageKeys(spec);
    if (!keys.includes(options.version)) {
      problems.push({
        where,
        field: '--version',
        value: options.version,
        problem: `is not a version of ${spec.name} in the catalogue ${catalogue.name}`,
        fix: `use one of: ${keys.join(', ')}, or add the version to the service's spec first`,
      });
    }
  }
  const ref = parseImageReference(options.image);
  if (ref === undefined || (ref.tag === undefined && ref.digest === undefined)) {
    problems.push({
      where,
      field: '--image',
      value: options.image,
      problem: 'is not an image reference with a tag or digest',
      fix: 'pass registry/repository:tag, registry/repository@sha256:<64 hex>, or both',
    });
  } else if (target.rules.requireDigests && ref.digest === undefined) {
    problems.push({
      where,
      field: '--image',
      value: options.image,
      problem: 'has no digest; this environment requires immutable pins',
      fix: `pass <image>:<tag>@sha256:<64 hex> (crane digest ${options.image}), or promote it from the previous environment`,
    });
  } else if (ref.digest === undefined && ref.tag === 'latest') {
    problems.push({
      where,
      field: '--image',
      value: options.image,
      problem: 'uses the mutable "latest" tag',
      fix: 'pass a version tag or a digest so a rollout is repeatable',
    });
  }
  return problems;
}

/** How release and promote pick an app of an environment (`AppChoice` fields are the CLI's options). */
export interface AppChoice {
  /** `--app`: the app of this name. */
  readonly app?: string;
  /** `--service`: the app whose catalogue has it. */
  readonly service?: string;
  /** `--catalogue`, loaded: the app of its name. */
  readonly catalogue?: Catalogue;
}

/** Loads an app's own catalogue module (code, so from the repository, whatever the root of the pins). */
export type AppCatalogueLoader = (app: AppConfig) => Catalogue;

export const appCatalogue: AppCatalogueLoader = (app) => loadCatalogue(app.catalogue, repoRoot());

/**
 * An environment whose pins files can change. Preview stacks (`pr-<N>`) have no pins of
 * their own: they deploy dev's, as changed by the pull request.
 */
export function releasesEnvironment(env: string, root: string): EnvironmentConfig {
  // Whether or not its stack file exists (it may hold only the secrets provider).
  if (PREVIEW_STACK.test(env)) {
    assertNoProblems([
      {
        where: `Pulumi.${env}.yaml`,
        field: '--env',
        value: env,
        problem: "is a preview stack, which has no pins files of its own (it runs dev's pins)",
        fix: "release to dev, or change dev's pins file of the app in the pull request",
      },
    ]);
  }
  return loadEnvironment(env, root);
}

/** The app of `--app` (an unknown name is refused with the environment's apps). */
export function namedApp(environment: EnvironmentConfig, name: string): AppConfig {
  const app = environment.apps.find((a) => a.name === name);
  if (app !== undefined) return app;
  const names = environment.apps.map((a) => a.name);
  const closest = closestName(name, names);
  throw new ValidationError([
    {
      where: `Pulumi.${environment.stack}.yaml`,
      field: '--app',
      value: name,
      problem: `is not an app of ${environment.stack}`,
      fix: `${closest === undefined ? 'use' : `did you mean "${closest}"? Use`} one of its platform:apps: ${names.join(', ')}`,
    },
  ]);
}

/**
 * The app a release is for: `--app`; else the environment's only app; else, with a
 * `--catalogue`, the app of the catalogue's name; else the app whose catalogue has
 * `--service` (service names are unique in an environment), or has the closest name to it, so
 * a misspelt service is reported against that app's catalogue.
 */
export function chooseApp(environment: EnvironmentConfig, choice: AppChoice, load: AppCatalogueLoader = appCatalogue): AppConfig {
  if (choice.app !== undefined) return namedApp(environment, choice.app);
  const { apps, stack } = environment;
  if (apps.length === 1) return apps[0];
  const names = apps.map((a) => a.name).join(', ');
  const where = `Pulumi.${stack}.yaml`;
  if (choice.catalogue !== undefined) {
    const named = apps.find((a) => a.name === choice.catalogue?.name);
    if (named !== undefined) return named;
    throw new ValidationError([
      {
        where,
        field: '--catalogue',
        value: choice.catalogue.source ?? choice.catalogue.name,
        problem: `is the catalogue ${choice.catalogue.name}, which is not an app of ${stack} (${names})`,
        fix: 'pass --app to say whose pins change, or name the catalogue after its app',
      },
    ]);
  }
  const catalogues = apps.map((app) => ({ app, services: load(app).services.map((d) => d.spec.name) }));
  const service = choice.service ?? '';
  const owner =
    catalogues.find((c) => c.services.includes(service)) ?? catalogues.find((c) => closestName(service, c.services) !== undefined);
  if (owner !== undefined) return owner.app;
  throw new ValidationError([
    {
      where,
      field: '--service',
      value: service,
      problem: `is not a service of any app of ${stack} (${names})`,
      fix: `use a service of one of them (${catalogues.map((c) => `${c.app.name}: ${[...c.services].sort().join(', ')}`).join('; ')}), or pass --app`,
    },
  ]);
}

/** The chosen app's pins file in an environment. */
export function releasesTarget(env: string, root: string, choice: AppChoice = {}, load: AppCatalogueLoader = appCatalogue): ReleasesTarget {
  const environment = releasesEnvironment(env, root);
  return appTarget(environment, chooseApp(environment, choice, load), root);
}

/** An app's pins file in an environment, and its rules. */
export function appTarget(environment: EnvironmentConfig, app: AppConfig, root: string): ReleasesTarget {
  const file = path.resolve(root, app.releases);
  return {
    environment,
    app,
    path: file,
    file: displayPath(root, file),
    rules: { requireDigests: environment.requireDigests, file: displayPath(root, file) },
  };
}

/** A catalogue given as a module (resolved against the repository root) or already loaded. */
export function resolveCatalogue(catalogue: string | Catalogue): Catalogue {
  return typeof catalogue === 'object' ? catalogue : loadCatalogue(catalogue, repoRoot());
}

/**
 * The file as an editable document. Refuses a file the YAML writer would lay out
 * differently even without an edit (4-space indents, comments after a map key...), since
 * writing it would rewrite lines nobody asked to change.
 */
export function openReleasesDocument(file: string, display: string): Document {
  const text = fs.readFileSync(file, 'utf8');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const rewritten = serializeReleases(doc);
  if (rewritten !== text) {
    const before = text.split('\n');
    const after = rewritten.split('\n');
    const line = before.findIndex((l, i) => l !== after[i]);
    const at = line === -1 ? before.length : line;
    assertNoProblems([
      {
        where: display,
        field: `line ${at + 1}`,
        value: before[at] ?? '(end of file)',
        problem: `is laid out differently from what the YAML writer produces (${JSON.stringify(after[at] ?? '(end of file)')}), so an automated edit would rewrite lines it did not change`,
        fix: 'write the file as 2-space block maps (`service:` then `  version: image`), comments on their own lines, ending in one newline',
      },
    ]);
  }
  return doc;
}

export function serializeReleases(doc: Document): string {
  return doc.toString(YAML_OUTPUT);
}

/** Every pin as [service, key, image], in file order. */
export function pinsOf(releases: Releases): Array<[string, string, string]> {
  return Object.entries(releases).flatMap(([service, pins]) =>
    Object.entries(pins).map(([key, image]): [string, string, string] => [service, key, image]),
  );
}

/**
 * Writes beside the file, lets `check` read the bytes that would land (it throws to
 * abort), then renames over the original: readers see the old file or the new one, and a
 * failed check leaves the original untouched. The original's permissions carry over.
 */
export function replaceFileAtomically(file: string, text: string, check: (written: string) => void = () => undefined): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode: fs.statSync(file).mode & 0o777 });
    check(temp);
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** The candidate nearest to `name` (edit distance at most a third of its length, and 3), if any. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  return closestMatch(name, candidates, Math.min(3, Math.max(1, Math.floor(name.length / 3))));
}

function displayPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
