/**
 * Whether Config Sync has delivered an app at the digest `pulumi up` set, read from its
 * RepoSync's status (`kubectl get reposyncs -A -o json`). Fields as the RepoSync CRD at the
 * vendored release declares them (vendor/kpt-config-sync/<tag>): `status.sync.commit` is the
 * digest's hex for an OCI source (pkg/hydrate/controller.go), errors sit in
 * `status.{source,rendering,sync}.errors`, and a `Stalled` condition means no progress.
 */
import { isRecord } from '../core/json';

export type SyncState =
  | { readonly state: 'synced' }
  | { readonly state: 'pending'; readonly why: string }
  | { readonly state: 'failed'; readonly errors: readonly string[] };

/** What a deploy waits for: each app's RepoSync at the image (and so digest) it set. */
export interface ExpectedSync {
  readonly app: string;
  readonly namespace: string;
  /** `<registry>/apps/<app>@sha256:<hex>`. */
  readonly image: string;
}

const field = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), value);
/** A status field as text: strings and numbers as they are, anything else as `fallback`. */
const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
/** The conditions list of a status (typed boundary: kubectl's JSON). */
const conditionsOf = (status: Record<string, unknown>): readonly unknown[] =>
  Array.isArray(status.conditions) ? (status.conditions as unknown[]) : [];

function errorsOf(status: unknown, part: 'source' | 'rendering' | 'sync'): string[] {
  const errors = field(status, part, 'errors');
  if (!Array.isArray(errors)) return [];
  return errors.map(
    (e) =>
      `${part}: ${text(field(e, 'errorMessage'), 'error')}${field(e, 'code') === undefined ? '' : ` (KNV${text(field(e, 'code'), '')})`}`,
  );
}

/** The state of one RepoSync against the image it should be synced at. */
export function repoSyncState(repoSync: unknown, image: string): SyncState {
  const hex = image.slice(image.lastIndexOf('@sha256:') + '@sha256:'.length);
  const status = field(repoSync, 'status');
  if (field(repoSync, 'spec', 'oci', 'image') !== image) return { state: 'pending', why: `its spec is not at ${image} yet` };
  if (!isRecord(status)) return { state: 'pending', why: 'it has no status yet' };
  const generation = field(repoSync, 'metadata', 'generation');
  const observed = field(status, 'observedGeneration');
  if (typeof generation === 'number' && (typeof observed !== 'number' || observed < generation))
    return { state: 'pending', why: `the reconciler has not seen generation ${generation} yet` };
  const conditions = conditionsOf(status);
  const stalled = conditions.find((c) => field(c, 'type') === 'Stalled' && field(c, 'status') === 'True');
  if (stalled !== undefined)
    return { state: 'failed', errors: [`Stalled: ${text(field(stalled, 'message'), text(field(stalled, 'reason'), ''))}`] };
  // Errors about this image's pull, rendering or apply: older commits' errors are superseded.
  const current = (part: 'source' | 'rendering' | 'sync') =>
    field(status, part, 'commit') === hex || field(status, part, 'ociStatus', 'image') === image;
  const errors = (['source', 'rendering', 'sync'] as const).flatMap((part) => (current(part) ? errorsOf(status, part) : []));
  if (errors.length > 0) return { state: 'failed', errors };
  if (field(status, 'sync', 'commit') !== hex)
    return { state: 'pending', why: `it has synced ${text(field(status, 'sync', 'commit'), 'nothing')}, not ${hex}` };
  const syncing = conditions.find((c) => field(c, 'type') === 'Syncing');
  if (syncing !== undefined && field(syncing, 'status') !== 'False')
    return { state: 'pending', why: `it is still syncing (${text(field(syncing, 'message'), '')})` };
  return { state: 'synced' };
}

/** Every app's state from a `kubectl get reposyncs -A -o json` list, in the order expected. */
export function syncStates(list: unknown, expected: readonly ExpectedSync[]): Array<ExpectedSync & { readonly result: SyncState }> {
  const items = field(list, 'items');
  const byNamespace = new Map<string, unknown>();
  for (const item of Array.isArray(items) ? items : [])
    if (field(item, 'metadata', 'name') === 'repo-sync') byNamespace.set(String(field(item, 'metadata', 'namespace')), item);
  return expected.map((e) => {
    const item = byNamespace.get(e.namespace);
    return {
      ...e,
      result:
        item === undefined
          ? { state: 'pending', why: `no RepoSync repo-sync in namespace ${e.namespace} yet` }
          : repoSyncState(item, e.image),
    };
  });
}

export interface WaitOptions {
  /** Reads the RepoSync list (`kubectl get reposyncs.configsync.gke.io -A -o json`). */
  readonly read: () => Promise<unknown>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly log: (line: string) => void;
  /** Whether to give up before the deadline (another cluster has failed): checked before each sleep. */
  readonly stopped?: () => boolean;
}

/** Report lines for apps that are not synced: `failed` ones with their errors, `pending` ones with what they wait for. */
function notSyncedLines(states: ReadonlyArray<ExpectedSync & { readonly result: SyncState }>): string[] {
  return states.flatMap((s) =>
    s.result.state === 'failed'
      ? [`${s.app} (${s.namespace}) failed to sync ${s.image}:`, ...s.result.errors.map((e) => `  ${e}`)]
      : s.result.state === 'pending'
        ? [`${s.app} (${s.namespace}): ${s.result.why}`]
        : [],
  );
}

/** Polls until every app is synced (true), one fails, or the time runs out (false, with what each still waits for). */
export async function waitForSyncs(expected: readonly ExpectedSync[], options: WaitOptions): Promise<{ ok: boolean; report: string[] }> {
  const deadline = options.now() + options.timeoutMs;
  for (;;) {
    const states = syncStates(await options.read(), expected);
    const failed = states.filter((s) => s.result.state === 'failed');
    if (failed.length > 0) return { ok: false, report: notSyncedLines(failed) };
    const pending = states.filter((s) => s.result.state === 'pending');
    if (pending.length === 0) return { ok: true, report: states.map((s) => `${s.app} (${s.namespace}) synced at ${s.image}`) };
    if (options.now() >= deadline)
      return {
        ok: false,
        report: [`timed out after ${Math.round(options.timeoutMs / 1000)} s:`, ...notSyncedLines(pending).map((l) => `  ${l}`)],
      };
    if (options.stopped?.() === true)
      return { ok: false, report: ['stopped waiting (another cluster failed):', ...notSyncedLines(pending).map((l) => `  ${l}`)] };
    options.log(`waiting for ${pending.map((s) => s.app).join(', ')}`);
    await options.sleep(options.intervalMs);
  }
}

/** One cluster of the stack (an entry of its `clusters` output) and how to read its RepoSyncs. */
export interface ClusterSyncs {
  /** The GKE cluster's name, e.g. `platform-prod-europe-west4`. */
  readonly cluster: string;
  /** Reads the cluster's RepoSync list (`kubectl get reposyncs.configsync.gke.io -A -o json`). */
  readonly read: () => Promise<unknown>;
}

export interface ClustersOutcome {
  readonly ok: boolean;
  /** Per cluster, in the order given: a heading line, then that cluster's lines indented. */
  readonly report: string[];
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).trim();

function perCluster(results: ReadonlyArray<{ cluster: string; ok: boolean; report: readonly string[] }>): ClustersOutcome {
  return {
    ok: results.every((r) => r.ok),
    report: results.flatMap((r) => [`cluster ${r.cluster}: ${r.ok ? 'ok' : 'FAILED'}`, ...r.report.map((l) => `  ${l}`)]),
  };
}

/**
 * Waits on every cluster at once, with the one deadline of `timeoutMs`: ok when every
 * cluster has every app synced. A cluster that fails (a sync error, or its RepoSyncs cannot be
 * read) makes the others stop at their next poll, so the deploy fails without waiting out the timeout.
 */
export async function waitForClusters(
  expected: readonly ExpectedSync[],
  clusters: readonly ClusterSyncs[],
  options: Omit<WaitOptions, 'read' | 'stopped'>,
): Promise<ClustersOutcome> {
  let failed = false;
  const results = await Promise.all(
    clusters.map(async ({ cluster, read }) => {
      let result: { ok: boolean; report: string[] };
      try {
        result = await waitForSyncs(expected, {
          ...options,
          read,
          stopped: () => failed,
          log: (line) => options.log(`${cluster}: ${line}`),
        });
      } catch (error) {
        result = { ok: false, report: [`could not read its RepoSyncs: ${messageOf(error)}`] };
      }
      if (!result.ok) failed = true;
      return { cluster, ...result };
    }),
  );
  return perCluster(results);
}

/**
 * Reads every cluster's RepoSyncs once (the drift check): ok when every app is synced at its
 * digest on every cluster; an app still pending, failing, or missing is drift.
 */
export async function readClustersOnce(expected: readonly ExpectedSync[], clusters: readonly ClusterSyncs[]): Promise<ClustersOutcome> {
  const results = await Promise.all(
    clusters.map(async ({ cluster, read }) => {
      try {
        const states = syncStates(await read(), expected);
        const notSynced = states.filter((s) => s.result.state !== 'synced');
        return notSynced.length === 0
          ? { cluster, ok: true, report: states.map((s) => `${s.app} (${s.namespace}) synced at ${s.image}`) }
          : { cluster, ok: false, report: notSyncedLines(notSynced) };
      } catch (error) {
        return { cluster, ok: false, report: [`could not read its RepoSyncs: ${messageOf(error)}`] };
      }
    }),
  );
  return perCluster(results);
}
