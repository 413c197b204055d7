/**
 * The offline source of a stack's settings: `Pulumi.yaml`'s project `config:` and
 * `Pulumi.<stack>.yaml`'s `config:`, merged and turned into the map the Pulumi CLI hands
 * the program, then validated by the same schema as the program's (`config-schema.ts`).
 * `synth`, `plan`, `policy` and the policy pack read stacks through here, so manifests and
 * infrastructure never disagree.
 *
 * The CLI's rules, from pulumi/pulumi v3.248.0 (see docs/environments.md):
 * - `sdk/go/common/workspace/project.go` RewriteShorthandConfigValues: in `Pulumi.yaml`, a
 *   plain value or list under a key of this project (`platform:x`, or bare `x`) is its
 *   `default`, under another namespace (`gcp:region`) its `value`; the long form is a map
 *   with `default` or `value` (`Project.Validate` forbids both, and `default` or `type` on
 *   another namespace's key).
 * - `sdk/go/common/workspace/config.go` mergeConfig: a project key applies only where the
 *   stack does not set it.
 * - `sdk/go/common/resource/config/object.go` MarshalString and config.go createConfigValue:
 *   scalars reach the program as their text, lists and maps as JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { assertNoProblems, type Problem } from './problems';
import {
  parseEnvironment,
  previewOf,
  previewStackSettings,
  PREVIEW_STACK,
  PROJECT,
  type ConfigSource,
  type EnvironmentConfig,
} from './config-schema';

export {
  CONFIG_KEYS,
  OFFLINE_CONTEXT,
  parseEnvironment,
  PREVIEW_SETTINGS_OUTPUT,
  PREVIEW_STACK,
  previewOf,
  previewReference,
  previewSettings,
  previewStackSettings,
  PROJECT,
  stackOutputSource,
  DEFAULT_APP,
  type AppConfig,
  type ConfigSource,
  type EnvironmentConfig,
  type ProgramContext,
  type RawConfig,
} from './config-schema';

/** The repository root: where `Pulumi.yaml` lives. */
export function repoRoot(): string {
  return path.resolve(__dirname, '..');
}

export function stackFile(stack: string, root = repoRoot()): string {
  return path.join(root, `Pulumi.${stack}.yaml`);
}

export function projectFile(root = repoRoot()): string {
  return path.join(root, 'Pulumi.yaml');
}

/** Stacks that have a `Pulumi.<stack>.yaml`, sorted. */
export function availableStacks(root = repoRoot()): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** How the CLI passes a config value to the program: text for scalars, JSON otherwise. */
export function cliText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
}

/** Whether a stack-file value holds a `secure:` (encrypted) part. */
function isEncrypted(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isEncrypted);
  if (typeof value !== 'object' || value === null) return false;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === 'secure' && typeof entries[0][1] === 'string') return true;
  return entries.some(([, v]) => isEncrypted(v));
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readYaml(file: string, display: string): Record<string, unknown> {
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true });
  if (doc.errors.length > 0) {
    assertNoProblems(
      doc.errors.map((e) => ({
        where: display,
        field: `line ${e.linePos?.[0]?.line ?? '?'}`,
        problem: `is not valid YAML (${e.code})`,
        fix: e.message.split('\n')[0],
      })),
    );
  }
  const data: unknown = doc.toJS();
  return isMap(data) ? data : {};
}

function configSection(data: Record<string, unknown>, display: string): Record<string, unknown> {
  const config = data.config ?? {};
  if (!isMap(config)) {
    assertNoProblems([
      {
        where: display,
        field: 'config',
        value: config,
        problem: 'must be a map of settings',
        fix: 'write `config:` followed by indented `key: value` lines',
      },
    ]);
  }
  return config as Record<string, unknown>;
}

const DECLARATION_ATTRIBUTES = ['description', 'default', 'value'];

/** `Pulumi.yaml`'s project config: key -> the value every stack gets unless it sets its own. */
function readProjectConfig(root: string, problems: Problem[]): { values: Record<string, unknown>; display: string } {
  const file = projectFile(root);
  const display = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) return { values: {}, display };
  const data = readYaml(file, display);
  if (data.name !== PROJECT) {
    problems.push({
      where: display,
      field: 'name',
      value: data.name,
      problem: `must be ${PROJECT}, which namespaces every setting`,
      fix: `set \`name: ${PROJECT}\``,
    });
  }
  const values: Record<string, unknown> = {};
  for (const [name, declared] of Object.entries(configSection(data, display))) {
    const key = name.includes(':') ? name : `${PROJECT}:${name}`;
    const ours = !name.includes(':') || name.startsWith(`${PROJECT}:`);
    const add = (problem: string, fix: string, value?: unknown) =>
      problems.push({ where: display, field: `config.${name}`, ...(value !== undefined && { value }), problem, fix });
    // The shorthand: a plain value or a list is the key's default (ours) or value (another namespace's).
    if (!isMap(declared)) {
      // Pulumi.yaml's schema allows a string, an integer, a boolean or a list here, nothing else.
      if (declared === null) add('is empty', 'give it a value, or remove the line');
      else if (typeof declared === 'number' && !Number.isInteger(declared))
        add("is not a string, integer, boolean or list (Pulumi.yaml's schema)", 'quote it', declared);
      else values[key] = declared;
      continue;
    }
    const unsupported = Object.keys(declared).filter((a) => !DECLARATION_ATTRIBUTES.includes(a));
    if (unsupported.length > 0) {
      add(
        `uses ${unsupported.join(', ')}, which this repository does not use (core/config-schema.ts types every setting)`,
        'write the value itself, or a map with `default:` (our keys) or `value:` (other namespaces)',
        Object.keys(declared),
      );
    } else if ('default' in declared && 'value' in declared) {
      add("cannot have both a 'default' and 'value' attribute", 'keep one');
    } else if (!ours && 'default' in declared) {
      add("is not namespaced by the project and cannot have a 'default'", 'use `value:` instead');
    } else if ('default' in declared || 'value' in declared) {
      values[key] = declared.default ?? declared.value;
    } else if (!ours) {
      add("is not namespaced by the project and must provide a 'value'", 'add `value: <value>`');
    }
  }
  return { values, display };
}

/**
 * The settings the Pulumi CLI would hand the program of `stack`: project config overridden
 * key by key by the stack file's. A `pr-<N>` stack's file may be missing, or hold only what
 * `pulumi stack select --create` writes (`secretsprovider:`, `encryptedkey:`).
 */
export function readStackFiles(stack: string, root = repoRoot()): ConfigSource {
  const file = stackFile(stack, root);
  const display = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file) && !PREVIEW_STACK.test(stack)) {
    assertNoProblems([
      {
        where: display,
        field: '(file)',
        value: stack,
        problem: 'is not a stack of this repository',
        fix: `use one of: ${availableStacks(root)
          .filter((s) => !PREVIEW_STACK.test(s))
          .join(', ')}, or create Pulumi.${stack}.yaml`,
      },
    ]);
  }
  const problems: Problem[] = [];
  const project = readProjectConfig(root, problems);
  const data = fs.existsSync(file) ? readYaml(file, display) : {};
  const values: Record<string, string> = {};
  const origins: Record<string, string> = {};
  const encrypted: string[] = [];
  for (const [key, value] of Object.entries(project.values)) {
    values[key] = cliText(value);
    origins[key] = project.display;
  }
  for (const [key, value] of Object.entries(configSection(data, display))) {
    delete values[key];
    delete origins[key];
    if (!/^[^:]+:[^:]+$/.test(key)) {
      problems.push({
        where: display,
        field: `config.${key}`,
        problem: 'is not a configuration key of the form `<namespace>:<name>`',
        fix: `write it as ${PROJECT}:${key.split(':').pop() ?? key}`,
      });
    } else if (value === null) {
      problems.push({ where: display, field: `config.${key}`, problem: 'is empty', fix: 'give it a value, or remove the line' });
    } else if (isEncrypted(value)) {
      encrypted.push(key);
    } else {
      values[key] = cliText(value);
    }
  }
  assertNoProblems(problems, `${display}: invalid stack files`);
  const environments = data.environment;
  return {
    kind: 'files',
    values,
    where: display,
    origins,
    encrypted,
    ...(environments !== undefined && {
      missingHint: ` (${display} imports ESC environments, whose values only the Pulumi CLI can read: run this through \`pulumi preview\`)`,
    }),
  };
}

/**
 * A stack's settings, read offline. A `pr-<N>` stack is a preview of dev: dev's files stand
 * in for dev's `previewSettings` output; its own files name only the dev stack.
 */
export function loadEnvironment(stack: string, root = repoRoot()): EnvironmentConfig {
  if (!PREVIEW_STACK.test(stack)) return parseEnvironment(stack, readStackFiles(stack, root));
  const own = previewStackSettings(stack, readStackFiles(stack, root));
  return previewOf(parseEnvironment('dev', readStackFiles('dev', root)), stack, own.devStackReference, own.previewApps);
}
