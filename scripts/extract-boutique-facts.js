// @ts-check
/**
 * Extracts the facts of Online Boutique's release manifests that services/boutique/ follows, as a
 * small JSON with the commit they were read at (data only, no upstream code or manifest is copied):
 * per Deployment its image, container port, the port of the Service that selects it, the names of
 * its environment variables and the kinds of its readiness and liveness probes.
 *
 *   node scripts/extract-boutique-facts.js <microservices-demo-git-dir> v0.10.6
 *
 * writes vendor/microservices-demo/<tag>/facts.json; services/boutique/boutique.test.ts asserts the
 * catalogue against it.
 */
const { git } = require('./lib/git-source');
const fs = require('node:fs');
const path = require('node:path');
const { parseAllDocuments } = require('yaml');

const ROOT = path.resolve(__dirname, '..');
const MANIFESTS = 'release/kubernetes-manifests.yaml';

/** @param {Record<string, unknown> | undefined} probe @returns {string | null} */
function probeKind(probe) {
  if (probe === undefined) return null;
  for (const kind of ['grpc', 'httpGet', 'tcpSocket', 'exec']) if (kind in probe) return kind;
  return 'unknown';
}

/** @param {string} gitDir @param {string} tag */
function extract(gitDir, tag) {
  const commit = git(gitDir, 'rev-parse', `${tag}^{commit}`).trim();
  /** @type {any[]} */
  const docs = parseAllDocuments(git(gitDir, 'show', `${tag}:${MANIFESTS}`))
    .map((d) => d.toJS())
    .filter((d) => d !== null);
  const services = docs.filter((d) => d.kind === 'Service');
  /** @type {Record<string, unknown>} */
  const workloads = {};
  for (const d of docs.filter((x) => x.kind === 'Deployment')) {
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const app = d.spec.template.metadata.labels.app;
    const selecting = services
      .filter((s) => s.spec.selector?.app === app)
      .map((s) => ({
        name: s.metadata.name,
        type: s.spec.type ?? 'ClusterIP',
        port: s.spec.ports[0].port,
        targetPort: s.spec.ports[0].targetPort,
      }));
    workloads[d.metadata.name] = {
      image: c.image,
      containerPort: c.ports?.[0]?.containerPort ?? null,
      services: selecting,
      env: (c.env ?? []).map((/** @type {{ name: string; value?: string }} */ e) => ({ name: e.name, value: e.value ?? null })),
      readiness: probeKind(c.readinessProbe),
      liveness: probeKind(c.livenessProbe),
      readinessPath: c.readinessProbe?.httpGet?.path ?? null,
      runAsUser: pod.securityContext?.runAsUser ?? null,
      initContainers: (pod.initContainers ?? []).map((/** @type {{ name: string }} */ i) => i.name),
    };
  }
  const file = path.join(ROOT, 'vendor', 'microservices-demo', tag, 'facts.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const data = { source: `github.com/GoogleCloudPlatform/microservices-demo ${MANIFESTS}`, tag, commit, workloads };
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

const [gitDir, tag] = process.argv.slice(2);
if (gitDir === undefined || tag === undefined) {
  console.error('usage: node scripts/extract-boutique-facts.js <microservices-demo-git-dir> <tag>');
  process.exit(2);
}
extract(gitDir, tag);
