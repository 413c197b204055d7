// @ts-check
/**
 * Extracts the upstream facts charts/uses.ts relies on, as small JSON files with the commit
 * they were read at (no upstream code is copied):
 *
 * - vendor/cloud-sql-proxy/<tag>.json: from a git dir of github.com/GoogleCloudPlatform/cloud-sql-proxy,
 *   the flags the sidecar passes (cmd/root.go), the defaults we override, the health endpoints, the
 *   image's user (Dockerfile) and README's rule for IAM database user names.
 * - vendor/secrets-store-csi-driver/<tag>/secretproviderclass.json: from a git dir of
 *   github.com/kubernetes-sigs/secrets-store-csi-driver, the SecretProviderClass CRD's served
 *   version `v1` (descriptions dropped), which charts/schema.ts and charts/apiserver validate against.
 *
 *   node scripts/extract-uses-facts.js <cloud-sql-proxy-git-dir> v2.25.3 <secrets-store-csi-driver-git-dir> v1.6.0
 */
const { git } = require('./lib/git-source');
const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

const ROOT = path.resolve(__dirname, '..');

/** @param {string} file @param {unknown} data */
function write(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

/** `StringVar(&c.conf.HTTPPort, httpPortFlag, "9090",` and `BoolVarP(&c.conf.IAMAuthN, "auto-iam-authn", "i", false,`: flag name -> default. */
/** @param {string} rootGo @returns {Record<string, string>} */
function cobraFlags(rootGo) {
  const constants = new Map([...rootGo.matchAll(/^\s*(\w+Flag)\s*=\s*"([^"]+)"/gm)].map((m) => [m[1], m[2]]));
  /** @type {Record<string, string>} */
  const flags = {};
  const re =
    /Flags\.(?:String|Bool|Int|Duration|Uint64)VarP?\(&c\.conf\.\w+,\s*(?:"([^"]+)"|(\w+Flag))(?:,\s*"\w")?,\s*("[^"]*"|true|false|\d+|[\w.()]+),/g;
  for (const m of rootGo.matchAll(re)) {
    const name = m[1] ?? constants.get(m[2]);
    if (name !== undefined) flags[name] = m[3].replace(/^"|"$/g, '');
  }
  return flags;
}

/** @param {string} gitDir @param {string} tag */
function proxyFacts(gitDir, tag) {
  const commit = git(gitDir, 'rev-parse', `${tag}^{commit}`).trim();
  const rootGo = git(gitDir, 'show', `${commit}:cmd/root.go`);
  const flags = cobraFlags(rootGo);
  const wanted = [
    'address',
    'auto-iam-authn',
    'exit-zero-on-sigterm',
    'health-check',
    'http-address',
    'http-port',
    'port',
    'private-ip',
    'quitquitquit',
    'structured-logs',
  ];
  const missing = wanted.filter((f) => flags[f] === undefined);
  if (missing.length > 0) throw new Error(`cmd/root.go at ${tag} has no flag ${missing.join(', ')}`);
  const endpoints = [...rootGo.matchAll(/mux\.HandleFunc\("(\/\w+)", hc\.Handle\w+\)/g)].map((m) => m[1]).sort();
  const dockerfile = git(gitDir, 'show', `${commit}:Dockerfile`);
  const user = /^USER\s+(\d+)\s*$/m.exec(dockerfile)?.[1];
  const readme = git(gitDir, 'show', `${commit}:README.md`);
  const postgresUser =
    /\*\*Postgres\*\*:[\s\S]*?For a service account, it is the service account's email without[\s\S]*?`([^`]+)` domain suffix/.exec(
      readme,
    )?.[1];
  const postgresUserMaxLength = /PostgreSQL's username character limit is (\d+)/.exec(readme)?.[1];
  const image = /image: (gcr\.io\/cloud-sql-connectors\/cloud-sql-proxy):/.exec(
    git(gitDir, 'show', `${commit}:examples/k8s-sidecar/proxy_with_workload_identity.yaml`),
  )?.[1];
  write(path.join(ROOT, 'vendor', 'cloud-sql-proxy', `${tag}.json`), {
    repository: 'https://github.com/GoogleCloudPlatform/cloud-sql-proxy',
    tag,
    commit,
    version: git(gitDir, 'show', `${commit}:cmd/version.txt`).trim(),
    image,
    flagDefaults: Object.fromEntries(wanted.map((f) => [f, flags[f]])),
    healthEndpoints: endpoints,
    imageUser: user === undefined ? undefined : Number(user),
    postgresIamUserSuffixDropped: postgresUser,
    postgresIamUserMaxLength: postgresUserMaxLength === undefined ? undefined : Number(postgresUserMaxLength),
    sources: ['cmd/root.go', 'cmd/version.txt', 'Dockerfile', 'README.md', 'examples/k8s-sidecar/proxy_with_workload_identity.yaml'],
  });
}

/** @param {unknown} node @returns {unknown} */
function withoutDescriptions(node) {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== 'description')
      .map(([k, v]) => [k, withoutDescriptions(v)]),
  );
}

/** @param {string} gitDir @param {string} tag */
function secretProviderClassCrd(gitDir, tag) {
  const commit = git(gitDir, 'rev-parse', `${tag}^{commit}`).trim();
  const file = 'deploy/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml';
  /** @type {{ apiVersion: string, kind: string, metadata: { name: string }, spec: { group: string, scope: string, names: { kind: string, plural: string }, versions: Array<{ name: string, served: boolean, storage: boolean, schema: unknown }> } }} */
  const crd = parse(git(gitDir, 'show', `${commit}:${file}`));
  const spec = crd.spec;
  const v1 = spec.versions.find((v) => v.name === 'v1');
  if (v1 === undefined) throw new Error(`${file} at ${tag} has no version v1`);
  write(path.join(ROOT, 'vendor', 'secrets-store-csi-driver', tag, 'secretproviderclass.json'), {
    repository: 'https://github.com/kubernetes-sigs/secrets-store-csi-driver',
    tag,
    commit,
    path: file,
    note: 'The served version v1 of the CRD, descriptions dropped (scripts/extract-uses-facts.js).',
    crd: {
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      metadata: { name: crd.metadata.name },
      spec: {
        group: spec.group,
        names: { kind: spec.names.kind, plural: spec.names.plural },
        scope: spec.scope,
        versions: [{ name: v1.name, served: v1.served, storage: v1.storage, schema: withoutDescriptions(v1.schema) }],
      },
    },
  });
}

const [proxyDir, proxyTag, csiDir, csiTag] = process.argv.slice(2);
if (csiTag === undefined) {
  console.error('usage: node scripts/extract-uses-facts.js <cloud-sql-proxy-git-dir> <tag> <secrets-store-csi-driver-git-dir> <tag>');
  process.exit(2);
}
proxyFacts(proxyDir, proxyTag);
secretProviderClassCrd(csiDir, csiTag);
