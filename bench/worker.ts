/**
 * One measurement, run in a fresh child process so its peak RSS is its own. Modules are
 * loaded with dynamic `import()` so their load time is recorded apart from the timed work.
 *
 *  - `ours`:  `synthesize()` (catalogue + releases validation, one small App per unit,
 *             schema validation of every object) and `toYaml()` of every file.
 *  - `naive`: the common cdk8s pattern: one `App`, one `Chart` per service in it, the same
 *             constructs, `app.synth()` writing YAML to a temporary outdir.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SynthEnvironment } from '../charts/synthesize';

export type Mode = 'ours' | 'naive' | 'gate' | 'plan-pulumi' | 'plan-configsync';
export const MODES: readonly Mode[] = ['ours', 'naive', 'gate', 'plan-pulumi', 'plan-configsync'];

/** What a worker prints, as one JSON line, on stdout. */
export interface WorkerResult {
  readonly mode: Mode;
  readonly services: number;
  /** Seconds to import the modules (not part of `seconds`). */
  readonly loadSeconds: number;
  /** Seconds to build the catalogue in memory (not part of `seconds`). */
  readonly catalogueSeconds: number;
  /** Seconds of the measured work. */
  readonly seconds: number;
  /** Peak resident set size of the whole process, KiB (`process.resourceUsage().maxRSS`). */
  readonly maxRssKiB: number;
  /** Kubernetes objects emitted. */
  readonly objects: number;
  /** Bytes of YAML produced. */
  readonly yamlBytes: number;
  /** `gate` only: the pull-request gate's steps, seconds each. */
  readonly gate?: GateSeconds;
  /** `plan-*` only: resources the program declared, and of them Kubernetes objects. */
  readonly resources?: number;
  readonly kubernetesResources?: number;
  /** `plan-*` only: the most numerous resource types and their counts. */
  readonly byType?: Readonly<Record<string, number>>;
}

/**
 * The pull-request gate in its steps. `synthesize` validates every object against its schema
 * before it returns, so `synth` includes it; `validation` is that schema validation run again
 * alone over the same objects, to show its share; `policy` is `evaluate` over every rule.
 */
export interface GateSeconds {
  readonly synth: number;
  readonly validation: number;
  /** The API-server checks (CRD CEL rules, Kubernetes field validation) alone, also inside synth (issue 13). */
  readonly apiServer: number;
  readonly policy: number;
  /** Policy rules run and findings (a sanity check that the rules did run). */
  readonly rules: number;
  readonly findings: number;
}

export const BENCH_ENVIRONMENT: SynthEnvironment = {
  stack: 'bench',
  profile: 'prod',
  namespace: 'bench',
  domain: 'bench.example.com',
  gatewayNamespace: 'istio-ingress',
  gatewayName: 'istio-ingress',
  tlsCredential: 'bench-tls',
  controlPlaneNamespace: 'istio-system',
  defaultTier: 'small',
  requireDigests: true,
  releasesFile: 'bench',
  // The project, region and private services range that services with `uses` need.
  gcpProject: 'bench-project',
  gcpRegion: 'europe-west1',
  privateServicesCidr: '10.32.0.0/16',
};

export async function runWorker(mode: Mode, services: number): Promise<WorkerResult> {
  if (mode === 'gate') return runGate(services);
  if (mode === 'plan-pulumi' || mode === 'plan-configsync') return runPlan(mode, services);
  return mode === 'ours' ? runOurs(services) : runNaive(services);
}

async function runGate(services: number): Promise<WorkerResult> {
  let t = performance.now();
  const [
    { syntheticCatalogue, SYNTHETIC_REGISTRY },
    { synthesize },
    { validateObject },
    { apiServerValidation },
    { RULES },
    { evaluate },
    { environmentContext },
    { programWrittenObjects, CLOUD_SQL_PROXY_REGISTRY },
  ] = await Promise.all([
    import('./catalogue'),
    import('../charts/synthesize'),
    import('../charts/schema'),
    import('../charts/apiserver'),
    import('../policies/catalogue'),
    import('../policies/engine'),
    import('../policies/platform'),
    import('../charts/uses'),
  ]);
  const loadSeconds = seconds(t);

  t = performance.now();
  const { catalogue, releases } = syntheticCatalogue(services);
  const catalogueSeconds = seconds(t);

  t = performance.now();
  const synthesis = synthesize(BENCH_ENVIRONMENT, catalogue, releases);
  const synth = seconds(t);
  const objects = synthesis.files.flatMap((f) => f.objects);

  t = performance.now();
  let problems = 0;
  for (const file of synthesis.files) for (const o of file.objects) problems += validateObject(o, file.name).length;
  const validation = seconds(t);
  if (problems > 0) throw new Error(`${problems} schema problems in the synthesized objects`);

  t = performance.now();
  let rejected = 0;
  for (const o of objects) {
    const api = apiServerValidation(o);
    rejected += api.fieldErrors.length + api.celErrors.length;
  }
  const apiServer = seconds(t);
  if (rejected > 0) throw new Error(`${rejected} API-server validation errors in the synthesized objects`);

  t = performance.now();
  const manifests = environmentContext(
    objects,
    BENCH_ENVIRONMENT,
    { profile: BENCH_ENVIRONMENT.profile, allowedRegistries: [SYNTHETIC_REGISTRY, CLOUD_SQL_PROXY_REGISTRY] },
    programWrittenObjects(catalogue, BENCH_ENVIRONMENT),
  );
  const report = evaluate(RULES, { manifests }, { environment: BENCH_ENVIRONMENT.stack, exceptions: [], today: '2026-01-01' });
  const policy = seconds(t);

  return {
    mode: 'gate',
    services,
    loadSeconds,
    catalogueSeconds,
    seconds: synth + policy,
    maxRssKiB: process.resourceUsage().maxRSS,
    objects: objects.length,
    yamlBytes: 0,
    gate: { synth, validation, apiServer, policy, rules: report.rulesRun, findings: report.violations.length },
  };
}

async function runOurs(services: number): Promise<WorkerResult> {
  let t = performance.now();
  const [{ syntheticCatalogue }, { synthesize }, { toYaml }] = await Promise.all([
    import('./catalogue'),
    import('../charts/synthesize'),
    import('../charts/yaml'),
  ]);
  const loadSeconds = seconds(t);

  t = performance.now();
  const { catalogue, releases } = syntheticCatalogue(services);
  const catalogueSeconds = seconds(t);

  t = performance.now();
  const synthesis = synthesize(BENCH_ENVIRONMENT, catalogue, releases);
  let yamlBytes = 0;
  let objects = 0;
  for (const file of synthesis.files) {
    yamlBytes += Buffer.byteLength(toYaml(file.objects));
    objects += file.objects.length;
  }
  const elapsed = seconds(t);
  return {
    mode: 'ours',
    services,
    loadSeconds,
    catalogueSeconds,
    seconds: elapsed,
    maxRssKiB: process.resourceUsage().maxRSS,
    objects,
    yamlBytes,
  };
}

async function runNaive(services: number): Promise<WorkerResult> {
  let t = performance.now();
  const [{ syntheticCatalogue }, { App, Chart, ApiObject }, { addServiceConstructs, addSharedConstructs }, { meshIndex }] =
    await Promise.all([import('./catalogue'), import('cdk8s'), import('../charts/synthesize'), import('../charts/mesh/decisions')]);
  const loadSeconds = seconds(t);

  t = performance.now();
  const { catalogue, releases } = syntheticCatalogue(services);
  const catalogueSeconds = seconds(t);

  const env = BENCH_ENVIRONMENT;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-bench-naive-'));
  try {
    t = performance.now();
    // The same constructs as ours, built the common way: one App, a Chart per service, app.synth().
    const app = new App({ outdir });
    const mesh = meshIndex(catalogue, env.domain);
    addSharedConstructs(
      new Chart(app, '_cluster', { disableResourceNameHashes: true }),
      new Chart(app, '_shared', { namespace: env.namespace, disableResourceNameHashes: true }),
      env,
      catalogue.name,
      mesh,
    );
    for (const { spec } of catalogue.services) {
      const chart = new Chart(app, spec.name, { namespace: env.namespace, disableResourceNameHashes: true });
      addServiceConstructs(chart, env, catalogue.name, spec, releases[spec.name] ?? {}, mesh);
    }
    app.synth();
    const elapsed = seconds(t);

    // Outside the timed part: what was emitted.
    const objects = app.node.findAll().filter((c) => c instanceof ApiObject).length;
    let yamlBytes = 0;
    for (const f of fs.readdirSync(outdir)) yamlBytes += fs.statSync(path.join(outdir, f)).size;
    return {
      mode: 'naive',
      services,
      loadSeconds,
      catalogueSeconds,
      seconds: elapsed,
      maxRssKiB: process.resourceUsage().maxRSS,
      objects,
      yamlBytes,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The prod platform program under mocks (infra/offline/engine.ts, as `npm run plan`) hosting the
 * generated catalogue as its one app, with the given app delivery: what `pulumi up` has to
 * declare, and so what the engine walks, for that many services.
 */
async function runPlan(mode: 'plan-pulumi' | 'plan-configsync', services: number): Promise<WorkerResult> {
  let t = performance.now();
  const [{ syntheticEnvironment }, { loadEnvironment }, { recordPlatformStack, registered }, { definePlatform }] = await Promise.all([
    import('./catalogue'),
    import('../core/config'),
    import('../infra/offline/engine'),
    import('../infra/platform'),
  ]);
  const loadSeconds = seconds(t);

  t = performance.now();
  const { config: hosting, app, catalogue, releases } = syntheticEnvironment(loadEnvironment('prod'), services);
  const config = { ...hosting, appDelivery: mode === 'plan-pulumi' ? ('pulumi' as const) : ('configsync' as const) };
  const catalogueSeconds = seconds(t);

  t = performance.now();
  const recording = recordPlatformStack(config);

  definePlatform({ config, apps: [{ app, catalogue, releases }] });
  await registered();
  const elapsed = seconds(t);
  return {
    mode,
    services,
    loadSeconds,
    catalogueSeconds,
    seconds: elapsed,
    maxRssKiB: process.resourceUsage().maxRSS,
    objects: recording.resources.length,
    yamlBytes: 0,
    resources: recording.resources.length,
    kubernetesResources: recording.resources.filter((r) => r.type.startsWith('kubernetes:')).length,
    byType: Object.fromEntries(
      [...recording.resources.reduce((m, r) => m.set(r.type, (m.get(r.type) ?? 0) + 1), new Map<string, number>())]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8),
    ),
  };
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
