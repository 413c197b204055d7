/**
 * `synth`: environment settings + catalogue + image pins -> validated manifests, written
 * atomically to `<out>/<env>/`. Shared by `npm run synth` and `npm start`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toYaml } from '../charts';
import { synthesizeEnvironment, type EnvironmentSynthesis } from '../charts/environment';
import { describeUnchecked } from '../charts/synthesize';
import { repoRoot, type EnvironmentConfig } from '../core/config';
import { stackInputs } from '../infra/inputs';
import type { LoadedApp } from '../services/apps';
import { DEFAULT_CATALOGUE, loadCatalogue } from '../services/catalogue-module';
import { catalogueWarnings } from '../services/validate';
import { formatProblem } from '../core/problems';
import { command } from './args';

export { DEFAULT_CATALOGUE, loadCatalogue };

export interface SynthOptions {
  readonly env: string;
  /** Module exporting a catalogue to synthesize instead of the environment's apps (default export or `catalogue`). @default - every app of the environment */
  readonly catalogue?: string;
  /** @default `dist` under the repository root */
  readonly out?: string;
  readonly root?: string;
}

export interface SynthOutcome {
  readonly synthesis: EnvironmentSynthesis;
  /** The apps synthesized, in the environment's order. */
  readonly apps: readonly LoadedApp[];
  readonly environment: EnvironmentConfig;
  /** The directory written (`<out>/<env>`), one subdirectory per app. */
  readonly dir: string;
  /** Files written, relative to `dir` (`<app>/<file>`), with their byte counts. */
  readonly written: ReadonlyArray<{ name: string; bytes: number }>;
}

/** Everything up to the bytes on disk; throws ValidationError and writes nothing on bad input. */
export function render(options: SynthOptions): {
  synthesis: EnvironmentSynthesis;
  apps: readonly LoadedApp[];
  environment: EnvironmentConfig;
  /** `<app>/<file>` -> YAML text. */
  rendered: Map<string, string>;
} {
  const { config: environment, apps } = stackInputs(options.env, options.root ?? repoRoot(), options.catalogue);
  const synthesis = synthesizeEnvironment(environment, apps);
  const rendered = new Map(synthesis.files.map((f) => [f.name, toYaml(f.objects)]));
  return { synthesis, apps, environment, rendered };
}

export function runSynth(options: SynthOptions): SynthOutcome {
  const root = options.root ?? repoRoot();
  const { synthesis, apps, environment, rendered } = render(options);
  const dir = path.resolve(root, options.out ?? 'dist', options.env);
  writeDirectoryAtomically(dir, rendered);
  const written = [...rendered].map(([name, text]) => ({ name, bytes: Buffer.byteLength(text) }));
  return { synthesis, apps, environment, dir, written };
}

/** `npm run synth -- <argv>`: writes the manifests and says how many, where. */
export const synthCli = command(
  {
    script: 'synth',
    summary:
      'Writes the validated manifests of every app of an environment, one YAML file per service, to <out>/<env>/<app>/ (all or nothing).',
    options: {
      env: {
        type: 'string',
        required: true,
        description: 'the environment: its settings are Pulumi.<env>.yaml (dev, staging, prod or pr-<N>)',
      },
      catalogue: {
        type: 'string',
        value: 'module',
        description:
          'a .ts module exporting a catalogue (default export or "catalogue") to synthesize instead of the apps, in the first app\'s namespace',
        defaultText: "the environment's apps (platform:apps)",
      },
      out: { type: 'string', value: 'dir', description: 'where <env>/ is written', defaultText: 'dist/ under the repository root' },
    },
  },
  ({ values }, io) => {
    const outcome = runSynth({ env: values.env, catalogue: values.catalogue, out: values.out && path.resolve(io.cwd, values.out) });
    const objects = outcome.synthesis.files.reduce((n, f) => n + f.objects.length, 0);
    const apps = outcome.apps.map((a) => a.app.name).join(', ');
    io.out(
      `wrote ${objects} objects in ${outcome.written.length} files (${outcome.apps.length === 1 ? 'app' : 'apps'} ${apps}) to ${path.relative(io.cwd, outcome.dir) || '.'}\n`,
    );
    for (const n of outcome.synthesis.notChecked) {
      io.err(`warning: not checked offline: ${describeUnchecked(n)}\n`);
    }
    for (const { catalogue } of outcome.apps) for (const w of catalogueWarnings(catalogue)) io.err(`warning: ${formatProblem(w)}\n`);
  },
);

/**
 * Writes into a sibling temp directory, then swaps it in with renames, so a reader (or a
 * failed run) never sees a half-written directory. The previous output is replaced whole:
 * files of deleted services do not linger.
 */
export function writeDirectoryAtomically(dir: string, files: ReadonlyMap<string, string>): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    for (const [name, text] of files) {
      const file = path.join(staging, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    const old = `${staging}.old`;
    const hadOld = fs.existsSync(dir);
    if (hadOld) fs.renameSync(dir, old);
    try {
      fs.renameSync(staging, dir);
    } catch (error) {
      if (hadOld) fs.renameSync(old, dir);
      throw error;
    }
    if (hadOld) fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
