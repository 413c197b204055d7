/**
 * `npm run manifest-diff`: what a pull request changes in the rendered manifests, as
 * Markdown for a PR comment. Compares two trees that `npm run synth -- --env <env> --out <dir>`
 * wrote (base and head: one directory per environment), object by object on the parsed YAML,
 * so formatting never shows up as a change. Where an environment's shape changed (allowed calls,
 * public routes, weights), a Mermaid graph shows how (cli/manifest-shape.ts). With `--policy`, the
 * verdicts (and the first mandatory violations) come from `npm run policy -- <env> --format json` reports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { JSON_REPORT_VERSION, type JsonCheck, type JsonReport } from '../policies/report';
import { assertNoProblems, type Problem } from '../core/problems';
import { command } from './args';
import { byEnvironmentOrder } from './stacks-command';
import { isRecord } from '../core/json';
import { diffShapes, manifestShape, shapeSection, type ShapeDiff } from './manifest-shape';

export const MARKER = '<!-- platform:manifest-diff -->';
/** Changed field paths shown per object; the rest are counted. */
export const MAX_PATHS = 5;
/** Objects listed per environment; a comment holds 65,536 characters. */
export const MAX_OBJECTS_LISTED = 100;
const SHARED = '_shared';

/** A parsed Kubernetes object with its identity. */
export interface ManifestEntry {
  /** `group|kind|namespace|name`: the same object across apiVersion versions. */
  readonly id: string;
  /** `Kind namespace/name` (`Kind name` when cluster-scoped). */
  readonly display: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/** `<app>/<service>` (the file path without `.yaml`) -> its objects. */
export type EnvironmentManifests = ReadonlyMap<string, readonly ManifestEntry[]>;
/** environment directory -> its services. */
export type ManifestTree = ReadonlyMap<string, EnvironmentManifests>;

export type ObjectChange =
  | { readonly kind: 'added' | 'removed'; readonly service: string; readonly display: string }
  | { readonly kind: 'changed'; readonly service: string; readonly display: string; readonly paths: readonly string[] };

export interface ServiceDiff {
  readonly service: string;
  /** The file exists on one side only. */
  readonly presence: 'both' | 'new' | 'removed';
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  /** Sorted by object. */
  readonly objects: readonly ObjectChange[];
}

export interface EnvironmentDiff {
  readonly env: string;
  /** The environment directory exists on one side only. */
  readonly presence: 'both' | 'new' | 'removed' | 'neither';
  /** Every service of either side, sorted. */
  readonly services: readonly ServiceDiff[];
  /** What the change adds or removes in shape: calls, public routes, weights (cli/manifest-shape.ts). */
  readonly shape: ShapeDiff;
}

export interface PolicyResult {
  readonly env: string;
  readonly verdict: 'PASS' | 'FAIL' | 'unknown';
  /** The report's verdict lines (one per check), then its first mandatory violations. */
  readonly lines: readonly string[];
  readonly file: string;
  /** Why the file holds no verdict (verdict `unknown`). */
  readonly problem?: string;
}

const hasChanges = (s: ServiceDiff): boolean => s.objects.length > 0;
export const environmentChanged = (e: EnvironmentDiff): boolean => e.services.some(hasChanges);

/** Code-point order, the same on every machine (unlike localeCompare). */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------
// Reading

/** Relative to the working directory when inside it, absolute otherwise. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(file) : relative;
}

/** Subdirectories that hold an environment (temp directories of an interrupted synth start with a dot). */
function subdirectories(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name);
}

function requireDirectory(dir: string, flag: string, fix: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    assertNoProblems([{ where: shown(dir), field: flag, problem: 'is not a directory', fix }]);
  }
}

/** Objects of one multi-document YAML file; bad documents become problems. */
export function parseManifests(text: string, file: string, problems: Problem[]): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const fix = 'regenerate the directory with npm run synth -- --env <env> --out <dir>, or fix the file';
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      problems.push({
        where: file,
        field: `line ${error.linePos?.[0]?.line ?? '?'}`,
        problem: `is not valid YAML (${error.message.split('\n')[0].replace(/:$/, '')})`,
        fix,
      });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const metadata = isRecord(value) ? value.metadata : undefined;
    if (
      !isRecord(value) ||
      typeof value.apiVersion !== 'string' ||
      typeof value.kind !== 'string' ||
      !isRecord(metadata) ||
      typeof metadata.name !== 'string'
    ) {
      problems.push({
        where: file,
        field: `document ${index + 1}`,
        problem: 'is not a Kubernetes object (it needs apiVersion, kind and metadata.name)',
        fix,
      });
      return;
    }
    const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : '';
    const slash = value.apiVersion.lastIndexOf('/');
    const group = slash === -1 ? '' : value.apiVersion.slice(0, slash);
    const display = `${value.kind} ${namespace === '' ? '' : `${namespace}/`}${metadata.name}`;
    const id = [group, value.kind, namespace, metadata.name].join('|');
    if (entries.some((e) => e.id === id)) {
      problems.push({
        where: file,
        field: `document ${index + 1}`,
        value: display,
        problem: 'repeats an object of the same file',
        fix: 'keep one document per object',
      });
      return;
    }
    entries.push({ id, display, object: value });
  });
  return entries;
}

/** YAML files under `dir`, relative and `/`-separated (`bookinfo/reviews.yaml`: synth writes one folder per app), sorted. */
const yamlFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => /\.ya?ml$/.test(f) && fs.statSync(path.join(dir, f)).isFile())
    .sort(compare);

/**
 * Where an environment's files are: `<dir>/<env>/`, or `<dir>/<env>/<env>/`, which is what
 * `npm run synth -- --env <env> --out <dir>/<env>` writes (synth appends the environment).
 */
function environmentDirectory(dir: string, env: string): string | undefined {
  const direct = path.join(dir, env);
  const nested = path.join(direct, env);
  if (fs.existsSync(nested) && fs.statSync(nested).isDirectory() && yamlFiles(nested).length > 0) return nested;
  return yamlFiles(direct).length > 0 ? direct : undefined;
}

/**
 * Reads `<dir>/<env>/<app>/<service>.yaml` (or `<dir>/<env>/<env>/...`), keyed `<app>/<service>`. Every problem
 * of every file is reported at once; an environment directory without manifests is one,
 * since synth always writes at least `_shared.yaml`.
 * @param flag the option that named the directory, for messages
 */
export function readManifestTree(dir: string, flag: string): ManifestTree {
  const commit = flag === '--base' ? 'base' : 'head';
  requireDirectory(
    dir,
    flag,
    `synthesize the ${commit} commit first (for env in dev staging prod; do npm run synth -- --env "$env" --out <dir>; done) and pass that <dir>`,
  );
  const problems: Problem[] = [];
  const tree = new Map<string, Map<string, ManifestEntry[]>>();
  for (const env of subdirectories(dir)) {
    const envDir = environmentDirectory(dir, env);
    if (envDir === undefined) {
      problems.push({
        where: shown(path.join(dir, env)),
        field: flag,
        problem: 'holds no manifests (*.yaml), neither directly nor in a sub-directory of the same name',
        fix: `synthesize it (npm run synth -- --env ${env} --out <dir>) or remove the directory`,
      });
      continue;
    }
    const services = new Map<string, ManifestEntry[]>();
    for (const file of yamlFiles(envDir)) {
      const full = path.join(envDir, file);
      services.set(file.replace(/\.ya?ml$/, ''), parseManifests(fs.readFileSync(full, 'utf8'), shown(full), problems));
    }
    tree.set(env, services);
  }
  assertNoProblems(problems, `${flag} ${shown(dir)}: unreadable manifests`);
  return tree;
}

/** Mandatory violations quoted per environment; the rest are counted. */
export const MAX_VIOLATIONS_QUOTED = 5;

function isJsonCheck(value: unknown): value is JsonCheck {
  if (!isRecord(value) || !isRecord(value.counts) || !Array.isArray(value.violations)) return false;
  return typeof value.title === 'string' && (value.verdict === 'PASS' || value.verdict === 'FAIL') && typeof value.rulesRun === 'number';
}

/** The report, or why it is not one; npm's own `> script` header lines before the JSON are skipped. */
function readJsonReport(text: string): JsonReport | string {
  const start = text.search(/^\{/m);
  if (start === -1) return 'no JSON object';
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start));
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (!isRecord(value) || value.version !== JSON_REPORT_VERSION || !Array.isArray(value.checks) || !value.checks.every(isJsonCheck)) {
    return `not a policy report of version ${JSON_REPORT_VERSION} (npm run policy -- <env> --format json)`;
  }
  return value as unknown as JsonReport;
}

/** The verdict line of one check, as the text report prints it. */
const verdictLine = (c: JsonCheck): string =>
  `${c.title}: ${c.verdict} (${c.rulesRun} rules; ${c.counts.mandatory} mandatory violations, ${c.counts.advisory} advisory, ${c.counts.waived} waived)`;

/** The verdicts and the first mandatory violations of `npm run policy -- <env> --format json` output. */
export function parsePolicyReport(text: string, env: string, file: string): PolicyResult {
  const report = readJsonReport(text);
  if (typeof report === 'string') {
    const first = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('> '));
    return { env, verdict: 'unknown', lines: first === undefined ? [] : [first], file, problem: report };
  }
  const blocking = report.checks.flatMap((c) => c.violations.filter((v) => v.enforcement === 'mandatory' && v.waiver === null));
  const quoted = blocking.slice(0, MAX_VIOLATIONS_QUOTED).map((v) => `- \`${v.rule}\` ${v.object}: ${v.message}`);
  const more = blocking.length > MAX_VIOLATIONS_QUOTED ? [`- ... and ${blocking.length - MAX_VIOLATIONS_QUOTED} more`] : [];
  return { env, verdict: report.verdict, lines: [...report.checks.map(verdictLine), ...quoted, ...more], file };
}

/** `<dir>/<env>.json` files, each holding the output of `npm run policy -- <env> --format json`. */
export function readPolicyReports(dir: string): PolicyResult[] {
  requireDirectory(
    dir,
    '--policy',
    'pass the directory holding <env>.json files written by npm run -s policy -- <env> --format json > <dir>/<env>.json',
  );
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parsePolicyReport(fs.readFileSync(path.join(dir, f), 'utf8'), f.slice(0, -'.json'.length), shown(path.join(dir, f))))
    .sort((a, b) => byEnvironmentOrder(a.env, b.env));
}

// ---------------------------------------------------------------------------------------
// Comparing

/** `a.b`, or `a["app.kubernetes.io/name"]` for keys a dotted path would misread. */
function pathKey(at: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${at}[${JSON.stringify(key)}]`;
  return at === '' ? key : `${at}.${key}`;
}

/**
 * The key Kubernetes merges a list's entries on, by the list's field name: the
 * `patchMergeKey` struct tags of k8s.io/api core/v1 types.go (kubernetes/api
 * 3fed8b5a8558cb508dd58c8cfb228d04cc9a52a5: PodSpec.containers, initContainers,
 * ephemeralContainers, volumes, imagePullSecrets `name`; Container.env `name`,
 * volumeMounts `mountPath`, volumeDevices `devicePath`, ports `containerPort`;
 * ServiceSpec.ports `port`), which the OpenAPI document publishes as
 * `x-kubernetes-patch-merge-key`. The installed kubernetes-models and @pulumi/kubernetes
 * typings do not carry these tags. `ports` holds container ports or Service ports: the
 * first key every entry has.
 */
export const LIST_MERGE_KEYS: Readonly<Record<string, readonly string[]>> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  imagePullSecrets: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  ports: ['containerPort', 'port'],
};

type Key = string | number;

/**
 * The key that identifies every entry of a list, unique within it: the field's merge key,
 * else `name` (Istio's named routes, subsets and servers); undefined (compare by index)
 * when some entry lacks it or two share it.
 */
function listKey(field: string, before: readonly unknown[], after: readonly unknown[]): string | undefined {
  const entries = [...before, ...after];
  const candidates = LIST_MERGE_KEYS[field] ?? ['name'];
  const key = candidates.find((k) => entries.every((e) => isRecord(e) && (typeof e[k] === 'string' || typeof e[k] === 'number')));
  if (key === undefined) return undefined;
  const unique = (list: readonly unknown[]): boolean => new Set(list.map((e) => (e as Record<string, unknown>)[key])).size === list.length;
  return unique(before) && unique(after) ? key : undefined;
}

/** `containers[name=app]`; a value that would misread is quoted: `env[name="A B"]`. */
function entryPath(at: string, key: string, value: Key): string {
  const shownValue = typeof value === 'number' || /^[\w./:-]+$/.test(value) ? String(value) : JSON.stringify(value);
  return `${at}[${key}=${shownValue}]`;
}

/**
 * The shallowest paths at which two parsed values differ, in key order: a field added or
 * removed as a whole is one path, not one per leaf. List entries are matched by their
 * merge key (LIST_MERGE_KEYS, else `name`), as Kubernetes merges them, so one env var
 * added in the middle is one path (`env[name=NEW]`), not every later entry changed; a list
 * whose entries only moved is one path, the list's. Lists without such a key compare by index.
 */
export function changedPaths(before: unknown, after: unknown, at = '', field = ''): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compare);
    return keys.flatMap((k) => changedPaths(before[k], after[k], pathKey(at, k), k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = listKey(field, before, after);
    if (key === undefined) {
      const length = Math.max(before.length, after.length);
      return Array.from({ length }, (_, i) => changedPaths(before[i], after[i], `${at}[${i}]`)).flat();
    }
    const byKey = (list: readonly unknown[]): Map<Key, unknown> => new Map(list.map((e) => [(e as Record<string, Key>)[key], e]));
    const old = byKey(before);
    const now = byKey(after);
    // Entries in the order of the new list, then the removed ones in their old order.
    const keys = [...new Set([...now.keys(), ...old.keys()])];
    const paths = keys.flatMap((k) => changedPaths(old.get(k), now.get(k), entryPath(at, key, k)));
    return paths.length > 0 ? paths : [at === '' ? '(whole object)' : at];
  }
  return [at === '' ? '(whole object)' : at];
}

/** Added, changed and removed objects of one service; display names gain the API group when two kinds share a name. */
export function diffService(
  service: string,
  base: readonly ManifestEntry[] | undefined,
  head: readonly ManifestEntry[] | undefined,
): ServiceDiff {
  const before = new Map((base ?? []).map((e) => [e.id, e]));
  const after = new Map((head ?? []).map((e) => [e.id, e]));
  const all = [...new Map([...before, ...after]).values()];
  const label = (e: ManifestEntry): string => {
    const group = e.id.split('|')[0];
    const clash = all.some((o) => o.display === e.display && o.id !== e.id);
    return clash ? `${e.display} (${group === '' ? 'core' : group})` : e.display;
  };
  const objects: ObjectChange[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])]) {
    const b = before.get(id);
    const a = after.get(id);
    if (b === undefined && a !== undefined) objects.push({ kind: 'added', service, display: label(a) });
    else if (a === undefined && b !== undefined) objects.push({ kind: 'removed', service, display: label(b) });
    else if (a !== undefined && b !== undefined && !isDeepStrictEqual(a.object, b.object)) {
      objects.push({ kind: 'changed', service, display: label(a), paths: changedPaths(b.object, a.object) });
    }
  }
  objects.sort((x, y) => compare(x.display, y.display));
  const count = (kind: ObjectChange['kind']): number => objects.filter((o) => o.kind === kind).length;
  const presence = base === undefined ? 'new' : head === undefined ? 'removed' : 'both';
  return { service, presence, added: count('added'), changed: count('changed'), removed: count('removed'), objects };
}

/** Every environment of either tree (and of `extraEnvs`), in environment order. */
export function diffTrees(base: ManifestTree, head: ManifestTree, extraEnvs: readonly string[] = []): EnvironmentDiff[] {
  const envs = [...new Set([...base.keys(), ...head.keys(), ...extraEnvs])].sort(byEnvironmentOrder);
  return envs.map((env) => {
    const b = base.get(env);
    const h = head.get(env);
    const names = [...new Set([...(b?.keys() ?? []), ...(h?.keys() ?? [])])].sort(compare);
    const presence = b === undefined ? (h === undefined ? 'neither' : 'new') : h === undefined ? 'removed' : 'both';
    const shape = diffShapes(b && manifestShape(b), h && manifestShape(h));
    return { env, presence, services: names.map((s) => diffService(s, b?.get(s), h?.get(s))), shape };
  });
}

// ---------------------------------------------------------------------------------------
// Markdown

const serviceName = (service: string): string => (service === SHARED ? '(shared)' : service);
const cell = (text: string): string => text.replace(/\|/g, '\\|');
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

function policySummary(envs: readonly EnvironmentDiff[], policy: readonly PolicyResult[]): string {
  const failing = policy.filter((p) => p.verdict !== 'PASS').map((p) => p.env);
  if (failing.length > 0) return `Policy: FAIL in ${failing.join(', ')}`;
  const reported = new Set(policy.map((p) => p.env));
  const missing = envs.filter((e) => (e.presence === 'both' || e.presence === 'new') && !reported.has(e.env)).map((e) => e.env);
  if (missing.length === 0) return 'Policy: PASS in all environments';
  return `Policy: PASS in ${policy.map((p) => p.env).join(', ') || 'no environment'}; no report for ${missing.join(', ')}`;
}

function policyLines(env: EnvironmentDiff, policy: readonly PolicyResult[] | undefined): string[] {
  if (policy === undefined) return [];
  const result = policy.find((p) => p.env === env.env);
  if (result === undefined) return env.presence === 'removed' ? [] : [`> Policy: no report (no ${env.env}.json in the policy directory)`];
  if (result.verdict === 'unknown') {
    return [
      `> Policy: no verdict in ${result.file}${result.lines.length > 0 ? ` (${result.problem ?? 'unreadable'}; it starts: ${code(result.lines[0].slice(0, 80))})` : ' (it is empty)'}; the policy run may have crashed, see its log`,
    ];
  }
  return result.lines.map((l) => `> ${l}`);
}

function objectLine(o: ObjectChange): string {
  if (o.kind !== 'changed') return `- ${o.kind} ${code(o.display)}`;
  const more = o.paths.length > MAX_PATHS ? ` and ${o.paths.length - MAX_PATHS} more` : '';
  return `- changed ${code(o.display)}: ${o.paths.slice(0, MAX_PATHS).map(code).join(', ')}${more}`;
}

function environmentSection(env: EnvironmentDiff, policy: readonly PolicyResult[] | undefined): string[] {
  const policyText = policyLines(env, policy);
  if (!environmentChanged(env)) return [`### ${env.env}: no change`, ...(policyText.length > 0 ? ['', ...policyText] : []), ''];
  const note = env.presence === 'new' ? ' (new environment)' : env.presence === 'removed' ? ' (removed)' : '';
  const changed = env.services.filter(hasChanges);
  const unchanged = env.services.filter((s) => !hasChanges(s));
  const total = (k: 'added' | 'changed' | 'removed'): number => changed.reduce((n, s) => n + s[k], 0);
  const lines = [`### ${env.env}${note}: ${total('added')} added, ${total('changed')} changed, ${total('removed')} removed`, ''];
  if (policyText.length > 0) lines.push(...policyText, '');
  lines.push(...shapeSection(env.shape, env.env));
  lines.push('| service | added | changed | removed |', '| --- | ---: | ---: | ---: |');
  for (const s of changed) {
    const presence = s.presence === 'both' || env.presence !== 'both' ? '' : ` (${s.presence})`;
    lines.push(`| ${cell(serviceName(s.service))}${presence} | ${s.added} | ${s.changed} | ${s.removed} |`);
  }
  lines.push('');
  if (unchanged.length > 0) lines.push(`No change: ${unchanged.map((s) => serviceName(s.service)).join(', ')}`, '');
  const objects = changed.flatMap((s) => s.objects);
  lines.push('<details>', `<summary>Objects of ${env.env} (${objects.length})</summary>`, '');
  let listed = 0;
  for (const s of changed) {
    if (listed >= MAX_OBJECTS_LISTED) break;
    const shownObjects = s.objects.slice(0, MAX_OBJECTS_LISTED - listed);
    listed += shownObjects.length;
    lines.push(`**${serviceName(s.service)}**`, '', ...shownObjects.map(objectLine), '');
  }
  if (objects.length > listed) lines.push(`... and ${objects.length - listed} more objects`, '');
  lines.push('</details>', '');
  return lines;
}

/** The PR comment: the marker first, then the policy summary and one section per environment. */
export function formatManifestDiff(envs: readonly EnvironmentDiff[], policy?: readonly PolicyResult[]): string {
  const lines = [MARKER, '## Manifest diff', ''];
  if (policy !== undefined) lines.push(policySummary(envs, policy), '');
  if (!envs.some(environmentChanged)) {
    lines.push(`No manifest changes in ${envs.map((e) => e.env).join(', ')}.`, '');
    if (policy !== undefined) lines.push(...envs.flatMap((env) => policyLines(env, policy)));
    return `${lines.join('\n').trimEnd()}\n`;
  }
  for (const env of envs) lines.push(...environmentSection(env, policy));
  return `${lines.join('\n').trimEnd()}\n`;
}

export interface ManifestDiffOptions {
  /** Synth output of the pull request's base: `<base>/<env>/<service>.yaml`. */
  readonly base: string;
  /** Synth output of the pull request's head. */
  readonly head: string;
  /** `<env>.json` files with `npm run policy -- <env> --format json` output. @default no policy lines */
  readonly policy?: string;
}

export function runManifestDiff(options: ManifestDiffOptions): { markdown: string; envs: EnvironmentDiff[] } {
  const base = readManifestTree(options.base, '--base');
  const head = readManifestTree(options.head, '--head');
  if (base.size === 0 && head.size === 0) {
    assertNoProblems([
      {
        where: shown(options.head),
        field: '--head',
        problem: 'holds no environment directory, and neither does --base',
        fix: 'write them first: for env in dev staging prod; do npm run synth -- --env "$env" --out <dir>; done',
      },
    ]);
  }
  const policy = options.policy === undefined ? undefined : readPolicyReports(options.policy);
  const envs = diffTrees(
    base,
    head,
    policy?.map((p) => p.env),
  );
  return { markdown: formatManifestDiff(envs, policy), envs };
}

/** `npm run manifest-diff -- <argv>`: the Markdown on stdout, or written to `--out` with a one-line note. */
export const manifestDiffCli = command(
  {
    script: 'manifest-diff',
    summary:
      'The pull-request comment: the objects added, changed and removed per environment and service between two synth outputs, a Mermaid graph of the calls, public routes and weights that changed, and the policy verdicts.',
    options: {
      base: { type: 'string', required: true, value: 'dir', description: 'synth output of the base: <dir>/<env>/<service>.yaml' },
      head: { type: 'string', required: true, value: 'dir', description: 'synth output of the head, laid out the same' },
      policy: {
        type: 'string',
        value: 'dir',
        description: '<env>.json reports of npm run policy -- <env> --format json',
        defaultText: 'no policy verdicts',
      },
      out: { type: 'string', value: 'file', description: 'write the Markdown to this file', defaultText: 'stdout' },
    },
  },
  ({ values }, io) => {
    const resolve = (p: string): string => path.resolve(io.cwd, p);
    const { markdown, envs } = runManifestDiff({
      base: resolve(values.base),
      head: resolve(values.head),
      policy: values.policy && resolve(values.policy),
    });
    if (values.out === undefined) {
      io.out(markdown);
      return;
    }
    fs.mkdirSync(path.dirname(resolve(values.out)), { recursive: true });
    fs.writeFileSync(resolve(values.out), markdown);
    const changed = envs.filter(environmentChanged).map((e) => e.env);
    io.out(`wrote ${values.out}: ${changed.length === 0 ? 'no manifest changes' : `changes in ${changed.join(', ')}`}\n`);
  },
);
