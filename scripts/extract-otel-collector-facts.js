// @ts-check
/**
 * Extracts the facts of the OpenTelemetry Collector release that the platform's collector
 * (charts/observability/collector.ts) relies on, as a small JSON with the commits they were read
 * at. Data only: no upstream code, build file or manifest is copied.
 *
 *   node scripts/extract-otel-collector-facts.js <releases-git-dir> <collector-git-dir> <operations-go-git-dir> \
 *     <release tag, e.g. v0.159.0> <operations-go tag, e.g. exporter/collector/v0.59.0>
 *
 * - github.com/open-telemetry/opentelemetry-collector-releases at the release tag: the components of
 *   the contrib distribution (distributions/otelcol-contrib/manifest.yaml), its image name
 *   (.goreleaser.yaml docker_manifests) and the image's user, entrypoint and ports (Dockerfile);
 * - github.com/open-telemetry/opentelemetry-collector at the same tag: the type name and the config
 *   keys (each component's config.schema.yaml, $refs resolved) of the OTLP receiver, the batch and
 *   memory_limiter processors, and of confighttp's server config (the health_check extension's);
 * - github.com/GoogleCloudPlatform/opentelemetry-operations-go at the exporter tag: the config keys
 *   of the `googlecloud` exporter (exporter/collector/config.go's mapstructure tags; contrib's
 *   exporter/googlecloudexporter squashes that Config into its own).
 *
 * writes vendor/opentelemetry-collector/<release tag>/facts.json; charts/observability/collector.test.ts
 * asserts the collector's image and config against it.
 */
const { git } = require('./lib/git-source');
const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const DIST = 'distributions/otelcol-contrib';

/** @param {string} gitDir @param {string} tag */
function commitOf(gitDir, tag) {
  return git(gitDir, 'rev-parse', `refs/tags/${tag}^{commit}`).trim();
}

/** @param {string} gitDir @param {string} tag */
function releaseFacts(gitDir, tag) {
  /** @type {{ dist: { version: string }, [kind: string]: unknown }} */
  const manifest = parse(git(gitDir, 'show', `${tag}:${DIST}/manifest.yaml`));
  /** @type {Record<string, string[]>} */
  const components = {};
  for (const kind of ['receivers', 'processors', 'exporters', 'extensions', 'connectors']) {
    const list = /** @type {{ gomod: string }[] | undefined} */ (manifest[kind]) ?? [];
    components[kind] = list.map((c) => c.gomod.split(' ')[0].split('/').pop() ?? '').sort();
  }
  /** @type {{ docker_manifests?: { name_template: string }[] }} */
  const goreleaser = parse(git(gitDir, 'show', `${tag}:${DIST}/.goreleaser.yaml`));
  const images = [...new Set((goreleaser.docker_manifests ?? []).map((m) => m.name_template.replace(/:.*$/, '')))].sort();
  const dockerfile = git(gitDir, 'show', `${tag}:${DIST}/Dockerfile`);
  const arg = (name) => /** @type {string} */ (new RegExp(`^ARG ${name}=(\\d+)$`, 'm').exec(dockerfile)?.[1]);
  const user = /^USER (.+)$/m.exec(dockerfile)?.[1] ?? '';
  const resolve = (v) => Number(v.replace(/\$\{(\w+)\}/, (_m, name) => arg(name)));
  const [uid, gid] = user.split(':').map(resolve);
  return {
    repository: 'github.com/open-telemetry/opentelemetry-collector-releases',
    tag,
    commit: commitOf(gitDir, tag),
    version: manifest.dist.version,
    images,
    user: { uid, gid },
    entrypoint: JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)?.[1] ?? 'null'),
    cmd: JSON.parse(/^CMD (.+)$/m.exec(dockerfile)?.[1] ?? 'null'),
    expose: (/^EXPOSE (.+)$/m.exec(dockerfile)?.[1] ?? '').split(/\s+/).map(Number),
    components,
  };
}

/**
 * Dotted key paths of a component's config (to `depth`), from the collector's config.schema.yaml
 * files: `$ref: name` is a `$defs` entry of the same file, `$ref: /dir/pkg.name` one of
 * `<dir>/<pkg>/config.schema.yaml`; `allOf` entries merge into the object. `def` starts at a
 * `$defs` entry of the file instead of its root.
 * @param {string} gitDir @param {string} tag @param {string} file @param {number} depth @param {string} [def]
 */
function configKeys(gitDir, tag, file, depth, def) {
  /** @type {Map<string, any>} */
  const files = new Map();
  const load = (f) => {
    if (!files.has(f)) files.set(f, parse(git(gitDir, 'show', `${tag}:${f}`)));
    return files.get(f);
  };
  /** @returns {[any, string]} */
  const deref = (ref, from) => {
    if (!ref.startsWith('/')) return [load(from).$defs[ref], from];
    const [dir, name] = [ref.slice(1, ref.lastIndexOf('.')), ref.slice(ref.lastIndexOf('.') + 1)];
    const target = `${dir}/config.schema.yaml`;
    return [load(target).$defs[name], target];
  };
  /** @type {Set<string>} */
  const keys = new Set();
  const walk = (schema, from, prefix, level) => {
    if (schema === undefined || level > depth) return;
    if (typeof schema.$ref === 'string') {
      const [s, f] = deref(schema.$ref, from);
      walk(s, f, prefix, level);
    }
    for (const part of schema.allOf ?? []) walk(part, from, prefix, level);
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      const keyPath = prefix === '' ? key : `${prefix}.${key}`;
      keys.add(keyPath);
      if (level < depth) walk(child, from, keyPath, level + 1);
    }
  };
  walk(def === undefined ? load(file) : load(file).$defs[def], file, '', 1);
  return [...keys].sort();
}

/**
 * The mapstructure keys of the Go file's structs (facts read from the source, none of it copied).
 * @param {string} gitDir @param {string} tag @param {string} file
 */
function goKeys(gitDir, tag, file) {
  const source = git(gitDir, 'show', `${tag}:${file}`);
  return [...source.matchAll(/`mapstructure:"([a-z_]+)(?:,[a-z]+)?"`/g)].map((m) => m[1]).sort();
}

/** @param {string} gitDir @param {string} tag */
function collectorFacts(gitDir, tag) {
  const component = (dir) => ({
    type: parse(git(gitDir, 'show', `${tag}:${dir}/metadata.yaml`)).type,
    keys: configKeys(gitDir, tag, `${dir}/config.schema.yaml`, 3),
  });
  return {
    repository: 'github.com/open-telemetry/opentelemetry-collector',
    tag,
    commit: commitOf(gitDir, tag),
    // The config file's top level, its `service` section, and a pipeline's.
    configKeys: goKeys(gitDir, tag, 'otelcol/config.go'),
    serviceKeys: goKeys(gitDir, tag, 'service/config.go'),
    pipelineKeys: goKeys(gitDir, tag, 'service/pipelines/config.go'),
    tracesSignal: /SignalTraces\s*=\s*Signal\{name: "(\w+)"\}/.exec(
      git(gitDir, 'show', `${tag}:pipeline/internal/globalsignal/signal.go`),
    )?.[1],
    components: {
      otlpreceiver: component('receiver/otlpreceiver'),
      batchprocessor: component('processor/batchprocessor'),
      memorylimiterprocessor: component('processor/memorylimiterprocessor'),
    },
    // The health_check extension (contrib) serves on confighttp's server config.
    httpServerKeys: configKeys(gitDir, tag, 'config/confighttp/config.schema.yaml', 1, 'server_config'),
  };
}

/**
 * The mapstructure keys of each struct of the exporter's config.go (`,squash` fields add their
 * struct's keys): facts read from the source, none of it copied.
 * @param {string} gitDir @param {string} tag
 */
function exporterFacts(gitDir, tag) {
  const file = 'exporter/collector/config.go';
  const source = git(gitDir, 'show', `${tag}:${file}`);
  /** @type {Record<string, { key: string, type: string }[]>} */
  const structs = {};
  for (const m of source.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
    structs[m[1]] = [...m[2].matchAll(/^\s+\w+\s+(\*?[\w.[\]]+(?:\([^)]*\)[^`]*)?)\s+`mapstructure:"([^"]*)"`/gm)].map((f) => ({
      type: f[1].replace(/^\*/, '').replace(/^\[\]/, ''),
      key: f[2],
    }));
  }
  const keysOf = (name, prefix, level) =>
    (structs[name] ?? []).flatMap((f) => {
      if (f.key === '-') return [];
      if (f.key === ',squash') return keysOf(f.type, prefix, level);
      const keyPath = prefix === '' ? f.key : `${prefix}.${f.key}`;
      return [keyPath, ...(level < 2 ? keysOf(f.type, keyPath, level + 1) : [])];
    });
  return {
    repository: 'github.com/GoogleCloudPlatform/opentelemetry-operations-go',
    tag,
    commit: commitOf(gitDir, tag),
    path: file,
    keys: [...new Set(keysOf('Config', '', 1))].sort(),
  };
}

const [releasesDir, collectorDir, operationsDir, tag, exporterTag] = process.argv.slice(2);
if (exporterTag === undefined) {
  console.error(
    'usage: node scripts/extract-otel-collector-facts.js <releases-git-dir> <collector-git-dir> <operations-go-git-dir> <tag> <exporter tag>',
  );
  process.exit(2);
}
const data = {
  release: releaseFacts(releasesDir, tag),
  collector: collectorFacts(collectorDir, tag),
  googlecloudExporter: exporterFacts(operationsDir, exporterTag),
};
const out = path.join(ROOT, 'vendor', 'opentelemetry-collector', tag, 'facts.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${JSON.stringify(data, null, 2)}\n`);
console.log(`wrote ${path.relative(ROOT, out)}`);
