/**
 * Synthesis and pull-request gate benchmark: `npm run bench [-- --quick] [-- --sizes 100,500]`.
 *
 * For each catalogue size, runs each measurement in a fresh child process (so peak RSS
 * is per run) and prints ours (`synthesize` + `toYaml`) next to the naive cdk8s pattern
 * (one App, one Chart per service, `app.synth()`), then the pull-request gate in its steps
 * (synth, schema validation, policy evaluation) with milliseconds per service, so growth
 * is visible. A report, not a test: the targets are printed, not asserted. Exits non-zero
 * only if a child process fails. The entry point is bench/synth.bench.ts.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { command, UsageError, type Io } from '../cli/args';
import { MODES, runWorker, type GateSeconds, type WorkerResult, type Mode } from './worker';

const DEFAULT_SIZES: readonly number[] = [100, 1000, 5000];
const QUICK_NAIVE_LIMIT = 500;
/** The naive pattern grows faster than linearly: above this it only makes the benchmark slow. */
const NAIVE_LIMIT = 1000;
const TARGET = { services: 1000, seconds: 5, rssMiB: 1024 };
/** Policy evaluation: 1000 services in 1 s, 5000 in 5 s; the whole gate for 1000 in 5 s (issue 12). */
const POLICY_TARGETS: ReadonlyArray<{ readonly services: number; readonly seconds: number }> = [
  { services: 1000, seconds: 1 },
  { services: 5000, seconds: 5 },
];
const GATE_TARGET = { services: 1000, seconds: 5 };
/** API-server validation (CRD CEL rules, Kubernetes field validation) under 10 % of synth at 1000 services (issue 13). */
const API_SERVER_SHARE = 0.1;
/** The prod program under mocks with Config Sync: 1000 services in 10 s and 1 GiB (issue 17). */
const PLAN_TARGET = { services: 1000, seconds: 10, rssMiB: 1024 };
const DEFAULT_PLAN_SIZES: readonly number[] = [100, 1000];
/** Every object a Pulumi resource grows past minutes and gigabytes above this: only measured up to it. */
const PLAN_PULUMI_LIMIT = 500;
const ROOT = path.resolve(__dirname, '..');
/** The entry point, run again as each measurement's child process. */
const ENTRY = path.join(__dirname, 'synth.bench.ts');

interface Options {
  readonly sizes: readonly number[];
  readonly planSizes: readonly number[];
  readonly quick: boolean;
  readonly runs: number;
}

interface Row {
  readonly services: number;
  readonly ours: WorkerResult;
  /** Peak RSS over all runs of ours, KiB (the time is the best run's). */
  readonly oursMaxRssKiB: number;
  readonly naive?: WorkerResult;
  /** The gate's best run (lowest synth + policy). */
  readonly gate: WorkerResult & { readonly gate: GateSeconds };
}

function positiveInt(s: string, flag: string): number {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: "${s}" is not a positive whole number`);
  return n;
}

/** Runs one measurement in a fresh `node --import tsx` process and parses its JSON line. */
function runChild(mode: Mode, services: number): Promise<WorkerResult> {
  const args = ['--import', 'tsx', ENTRY, '--worker', mode, String(services)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`worker ${mode} ${services} failed (${signal ?? `exit ${code}`})${stdout === '' ? '' : `; stdout:\n${stdout}`}`));
        return;
      }
      const line = stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop();
      if (line === undefined) {
        reject(new Error(`worker ${mode} ${services} printed no result; stdout:\n${stdout}`));
        return;
      }
      // Typed boundary: the JSON line is a WorkerResult written by runWorker in the child.
      resolve(JSON.parse(line) as WorkerResult);
    });
  });
}

const mib = (kib: number): number => kib / 1024;
const fmt = (n: number, digits: number): string => n.toFixed(digits);

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function report(rows: readonly Row[], options: Options): string {
  const out: string[] = [];
  const body = rows.map((r) => [
    String(r.services),
    fmt(r.ours.seconds, 2),
    fmt(mib(r.oursMaxRssKiB), 0),
    String(r.ours.objects),
    r.naive === undefined ? 'skipped' : fmt(r.naive.seconds, 2),
    r.naive === undefined ? '-' : fmt(mib(r.naive.maxRssKiB), 0),
    r.naive === undefined ? '-' : `${fmt(r.naive.seconds / r.ours.seconds, 1)}x`,
  ]);
  out.push(table(['services', 'ours (s)', 'ours peak RSS (MiB)', 'objects', 'naive (s)', 'naive peak RSS (MiB)', 'speed-up'], body));
  out.push('');
  out.push(
    `growth (ours, ms per service): ${rows.map((r) => `${r.services}: ${fmt((r.ours.seconds * 1000) / r.services, 2)}`).join(', ')}`,
  );
  const naiveRows = rows.filter((r): r is Row & { naive: WorkerResult } => r.naive !== undefined);
  if (naiveRows.length > 0) {
    out.push(
      `growth (naive, ms per service): ${naiveRows.map((r) => `${r.services}: ${fmt((r.naive.seconds * 1000) / r.services, 2)}`).join(', ')}`,
    );
  }
  out.push(`module load (ours, s, not timed above): ${rows.map((r) => `${r.services}: ${fmt(r.ours.loadSeconds, 2)}`).join(', ')}`);
  out.push(`YAML emitted (ours, MiB): ${rows.map((r) => `${r.services}: ${fmt(r.ours.yamlBytes / 2 ** 20, 1)}`).join(', ')}`);
  const mismatched = naiveRows.filter((r) => r.naive.objects !== r.ours.objects);
  if (mismatched.length > 0) {
    out.push(
      `note: object counts differ (ours vs naive): ${mismatched.map((r) => `${r.services}: ${r.ours.objects} vs ${r.naive.objects}`).join(', ')}`,
    );
  }
  out.push(
    `target: ${TARGET.services} services < ${TARGET.seconds} s and < 1 GiB on 2 cores ` +
      `(this machine: ${os.cpus().length} cores, node ${process.version})${targetLine(rows)}`,
  );
  out.push(
    `ours: best of ${options.runs} fresh processes, time = synthesize (validation included) + toYaml, ` +
      'peak RSS = highest of the runs (whole process, module load included); naive: 1 run, App + Charts + app.synth() to a temp dir.',
  );
  out.push('');
  out.push(gateReport(rows));
  return out.join('\n');
}

function gateReport(rows: readonly Row[]): string {
  const out: string[] = [];
  const perService = (seconds: number, services: number) => fmt((seconds * 1000) / services, 2);
  const body = rows.map(({ services, gate: { objects, gate } }) => {
    const total = gate.synth + gate.policy;
    return [
      String(services),
      String(objects),
      fmt(gate.synth, 2),
      fmt(gate.validation, 2),
      fmt(gate.apiServer, 2),
      `${fmt((gate.apiServer / gate.synth) * 100, 1)}%`,
      fmt(gate.policy, 2),
      fmt(total, 2),
      perService(gate.synth, services),
      perService(gate.validation, services),
      perService(gate.apiServer, services),
      perService(gate.policy, services),
      perService(total, services),
      `${gate.rules}/${gate.findings}`,
    ];
  });
  out.push('pull-request gate (prod profile; best run): seconds, then milliseconds per service');
  out.push(
    table(
      [
        'services',
        'objects',
        'synth (s)',
        'validation (s)',
        'api-server (s)',
        'api-server/synth',
        'policy (s)',
        'gate (s)',
        'synth ms/svc',
        'validation ms/svc',
        'api-server ms/svc',
        'policy ms/svc',
        'gate ms/svc',
        'rules/findings',
      ],
      body,
    ),
  );
  const verdict = (seconds: number, limit: number) => `${fmt(seconds, 2)} s (target < ${limit} s: ${seconds < limit ? 'met' : 'NOT met'})`;
  for (const t of POLICY_TARGETS) {
    const row = rows.find((r) => r.services === t.services);
    if (row !== undefined) out.push(`policy, ${t.services} services: ${verdict(row.gate.gate.policy, t.seconds)}`);
  }
  const gateRow = rows.find((r) => r.services === GATE_TARGET.services);
  if (gateRow !== undefined)
    out.push(
      `whole gate, ${GATE_TARGET.services} services: ${verdict(gateRow.gate.gate.synth + gateRow.gate.gate.policy, GATE_TARGET.seconds)}`,
    );
  if (gateRow !== undefined) {
    const share = gateRow.gate.gate.apiServer / gateRow.gate.gate.synth;
    out.push(
      `API-server validation, ${GATE_TARGET.services} services: ${fmt(share * 100, 1)}% of synth (target < ${API_SERVER_SHARE * 100}%: ${share < API_SERVER_SHARE ? 'met' : 'NOT met'})`,
    );
  }
  out.push(
    'synth = synthesize() with its schema validation of every object (what `npm run synth` does); validation = that schema validation ' +
      'run again alone over the same objects, to show its share (it is inside synth, not added to the gate); api-server = the CRD CEL rules and ' +
      'Kubernetes field validation (charts/apiserver) run again alone, also inside synth; policy = evaluate() of every rule ' +
      'over the objects and the platform edge Gateway; gate = synth + policy.',
  );
  return out.join('\n');
}

/** The prod program under mocks per app delivery mode (platform:appDelivery, docs/scaling.md). */
export function planReport(plans: readonly WorkerResult[]): string {
  const body = plans.map((p) => [
    String(p.services),
    p.mode.replace(/^plan-/, ''),
    fmt(p.seconds, 2),
    fmt(mib(p.maxRssKiB), 0),
    String(p.resources ?? 0),
    String(p.kubernetesResources ?? 0),
    fmt((p.resources ?? 0) / p.services, 2),
  ]);
  const out = [
    'plan: the prod program under mocks (npm run plan), the generated catalogue as its one app, per app delivery mode',
    table(['services', 'delivery', 'program (s)', 'peak RSS (MiB)', 'resources', 'kubernetes', 'resources/svc'], body),
  ];
  const target = plans.find((p) => p.mode === 'plan-configsync' && p.services === PLAN_TARGET.services);
  if (target !== undefined) {
    const met = target.seconds < PLAN_TARGET.seconds && mib(target.maxRssKiB) < PLAN_TARGET.rssMiB;
    out.push(
      `target: configsync, ${PLAN_TARGET.services} services < ${PLAN_TARGET.seconds} s and < 1 GiB: measured ${fmt(target.seconds, 2)} s, ${fmt(mib(target.maxRssKiB), 0)} MiB: ${met ? 'met' : 'NOT met'}`,
    );
  }
  out.push(
    `program = definePlatform() until every resource is registered (module load excluded); pulumi mode only up to ${PLAN_PULUMI_LIMIT} services. ` +
      'What still grows with services under configsync: the Memorystore instances of `redis` services and their Secrets (one per cluster); the rest of `uses` is Config Connector objects in the bundle (docs/scaling.md).',
  );
  return out.join('\n');
}

function targetLine(rows: readonly Row[]): string {
  const row = rows.find((r) => r.services === TARGET.services);
  if (row === undefined) return '';
  const met = row.ours.seconds < TARGET.seconds && mib(row.oursMaxRssKiB) < TARGET.rssMiB;
  return `; measured ${fmt(row.ours.seconds, 2)} s, ${fmt(mib(row.oursMaxRssKiB), 0)} MiB: ${met ? 'within target' : 'NOT within target'}`;
}

export const benchCli = command(
  {
    script: 'bench',
    summary:
      'Synth and validation time and peak memory per catalogue size, beside the naive cdk8s pattern, then the pull-request gate (synth, schema validation, policy) with ms per service.',
    options: {
      sizes: { type: 'string', default: DEFAULT_SIZES.join(','), value: 'n,n,...', description: 'the catalogue sizes, in services' },
      quick: { type: 'boolean', description: `skip naive runs above ${QUICK_NAIVE_LIMIT} services (else above ${NAIVE_LIMIT})` },
      runs: { type: 'string', default: '2', value: 'N', description: 'runs of ours per size; the best time is reported' },
      'plan-sizes': {
        type: 'string',
        default: DEFAULT_PLAN_SIZES.join(','),
        value: 'n,n,...',
        description: `catalogue sizes of the prod program under mocks in both app delivery modes (pulumi only up to ${PLAN_PULUMI_LIMIT})`,
      },
      worker: { type: 'string', choices: MODES, description: 'internal: run one measurement and print it as JSON' },
    },
    forms: [
      { optional: ['sizes', 'quick', 'runs', 'plan-sizes'] },
      { required: ['worker'], positionals: [{ name: 'services', description: 'with --worker: the catalogue size' }] },
    ],
  },
  async ({ values, positionals }, io) => {
    if (values.worker !== undefined) {
      io.out(`${JSON.stringify(await runWorker(values.worker, positiveInt(positionals[0], '<services>')))}\n`);
      return;
    }
    await benchmark(
      {
        sizes: values.sizes.split(',').map((s) => positiveInt(s, '--sizes')),
        planSizes: values['plan-sizes'].split(',').map((s) => positiveInt(s, '--plan-sizes')),
        quick: values.quick,
        runs: positiveInt(values.runs, '--runs'),
      },
      io,
    );
  },
);

async function benchmark(options: Options, io: Io): Promise<void> {
  const log = (line: string): void => io.out(`${line}\n`);
  const started = performance.now();
  log(`synth and gate benchmark: sizes ${options.sizes.join(', ')} (naive only up to ${options.quick ? QUICK_NAIVE_LIMIT : NAIVE_LIMIT})`);
  const rows: Row[] = [];
  for (const services of options.sizes) {
    const runs: WorkerResult[] = [];
    for (let r = 0; r < options.runs; r++) {
      const result = await runChild('ours', services);
      log(
        `  ours  ${String(services).padStart(5)}  run ${r + 1}: ${fmt(result.seconds, 2)} s, ${fmt(mib(result.maxRssKiB), 0)} MiB, ${result.objects} objects`,
      );
      runs.push(result);
    }
    const ours = runs.reduce((best, r) => (r.seconds < best.seconds ? r : best));
    const oursMaxRssKiB = Math.max(...runs.map((r) => r.maxRssKiB));
    let naive: WorkerResult | undefined;
    if (services <= (options.quick ? QUICK_NAIVE_LIMIT : NAIVE_LIMIT)) {
      naive = await runChild('naive', services);
      log(
        `  naive ${String(services).padStart(5)}:        ${fmt(naive.seconds, 2)} s, ${fmt(mib(naive.maxRssKiB), 0)} MiB, ${naive.objects} objects`,
      );
    }
    let gate: Row['gate'] | undefined;
    for (let r = 0; r < options.runs; r++) {
      const result = await runChild('gate', services);
      if (result.gate === undefined) throw new Error(`worker gate ${services} printed no gate timings`);
      const g = result.gate;
      log(
        `  gate  ${String(services).padStart(5)}  run ${r + 1}: synth ${fmt(g.synth, 2)} s, validation ${fmt(g.validation, 2)} s, api-server ${fmt(g.apiServer, 2)} s, policy ${fmt(g.policy, 2)} s`,
      );
      if (gate === undefined || g.synth + g.policy < gate.gate.synth + gate.gate.policy) gate = { ...result, gate: g };
    }
    if (gate === undefined) throw new Error('--runs must be at least 1');
    rows.push({ services, ours, oursMaxRssKiB, gate, ...(naive !== undefined && { naive }) });
  }
  const plans: WorkerResult[] = [];
  for (const services of options.planSizes)
    for (const mode of ['plan-configsync', 'plan-pulumi'] as const) {
      if (mode === 'plan-pulumi' && services > PLAN_PULUMI_LIMIT) continue;
      const result = await runChild(mode, services);
      log(
        `  ${mode} ${String(services).padStart(5)}: ${fmt(result.seconds, 2)} s, ${fmt(mib(result.maxRssKiB), 0)} MiB, ${result.resources ?? 0} resources`,
      );
      plans.push(result);
    }
  log('');
  log(report(rows, options));
  log('');
  log(planReport(plans));
  log(`\ntotal benchmark time: ${fmt((performance.now() - started) / 1000, 1)} s`);
}
