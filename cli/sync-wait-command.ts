/**
 * `npm run sync-wait`: after `pulumi up` of a stack that delivers its apps through Config Sync,
 * waits until every app's RepoSync on every cluster of the stack (one per region) reports the
 * digest `pulumi up` set as synced (cli/sync-state.ts), or fails with the sync's errors, or times
 * out. With `--once` (the drift check) it reads the status once and fails on anything not synced.
 * Reads the RepoSyncs with kubectl, through the kubeconfig of each entry of the stack's `clusters`
 * output. A stack that delivers with Pulumi has nothing to wait for.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { environmentBundles } from '../charts/bundle';
import { synthesizeEnvironment } from '../charts/environment';
import { isRecord } from '../core/json';
import { loadEnvironment, repoRoot } from '../core/config';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import { bundleImage } from '../infra/config-sync-plan';
import { registryPath } from '../infra/registry';
import { loadApps } from '../services/apps';
import { command, EXIT, UsageError } from './args';
import { readClustersOnce, waitForClusters, type ClusterSyncs, type ExpectedSync } from './sync-state';

const run = promisify(execFile);

/** What sync-wait needs of one entry of the stack's `clusters` output (infra/platform.ts). */
export interface ClusterAccess {
  readonly name: string;
  readonly region: string;
  /** A kubeconfig that runs gke-gcloud-auth-plugin (infra/cluster.ts `kubeconfigFor`). */
  readonly kubeconfig: string;
}

/**
 * Every cluster of a stack from its `clusters` output (`pulumi stack output clusters --json
 * --show-secrets`), in the output's order (the primary first). Anything else is an error naming
 * the output, the entry's field and the fix.
 */
export function clusterAccess(output: unknown, stack: string): ClusterAccess[] {
  const where = `the \`clusters\` output of stack ${stack}`;
  const fix = `run \`pulumi up\` on ${stack} with this version of the program, which exports every cluster's name, region and kubeconfig`;
  const heading = `${stack}'s clusters cannot be reached`;
  if (!Array.isArray(output) || output.length === 0)
    throw new ValidationError([{ where, field: 'clusters', value: output, problem: 'must be a non-empty list of clusters', fix }], heading);
  const problems: Problem[] = [];
  const clusters = output.map((entry: unknown, i): ClusterAccess => {
    const value = (key: keyof ClusterAccess): string => {
      const v = isRecord(entry) ? entry[key] : undefined;
      if (typeof v === 'string' && v !== '') return v;
      problems.push({
        where,
        field: `clusters[${i}].${key}`,
        ...(v === undefined ? {} : { value: v }),
        problem: 'must be a non-empty string',
        fix,
      });
      return '';
    };
    return { name: value('name'), region: value('region'), kubeconfig: value('kubeconfig') };
  });
  assertNoProblems(problems, heading);
  return clusters;
}

/**
 * The stack's clusters, read with `pulumi stack output clusters`, each with a reader of its
 * RepoSyncs (kubectl through the cluster's kubeconfig, written once to a private temporary file).
 */
async function kubectlClusters(stack: string): Promise<ClusterSyncs[]> {
  const args = ['stack', 'output', 'clusters', '--json', '--show-secrets', '--stack', stack];
  const { stdout } = await run('pulumi', args, { maxBuffer: 16 * 1024 * 1024 }).catch((error: unknown) => {
    const stderr = isRecord(error) && typeof error.stderr === 'string' ? error.stderr.trim() : String(error);
    throw new ValidationError([
      {
        where: `pulumi ${args.join(' ')}`,
        field: 'clusters',
        problem: `failed: ${stderr}`,
        fix: `sign in to the stack's state backend (pulumi login) and check that stack ${stack} exists and has been deployed`,
      },
    ]);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-wait-'));
  return clusterAccess(JSON.parse(stdout) as unknown, stack).map(({ name, kubeconfig }) => {
    const file = path.join(dir, `${name}.kubeconfig`);
    fs.writeFileSync(file, kubeconfig, { mode: 0o600 });
    return {
      cluster: name,
      read: async () => {
        const { stdout: list } = await run('kubectl', ['get', 'reposyncs.configsync.gke.io', '--all-namespaces', '--output', 'json'], {
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, KUBECONFIG: file },
        });
        return JSON.parse(list) as unknown;
      },
    };
  });
}

/** Each app's RepoSync image: the bundle digest of the same synthesis `pulumi up` computed. */
export function expectedSyncs(stack: string): ExpectedSync[] | undefined {
  const config = loadEnvironment(stack);
  if (config.appDelivery !== 'configsync') return undefined;
  const synthesis = synthesizeEnvironment(config, loadApps(config, repoRoot()));
  const bundles = environmentBundles(
    synthesis.apps.map((a) => a.app.name),
    synthesis.files,
  );
  const registry = registryPath(config.gcpRegion, config.gcpProject, 'images');
  return synthesis.apps.map(({ app }, i) => ({
    app: app.name,
    namespace: app.namespace,
    image: bundleImage(registry, app.name, bundles[i].manifest.digest),
  }));
}

export const syncWaitCli = command(
  {
    script: 'sync-wait',
    summary:
      "Waits until every app's Config Sync RepoSync on every cluster of the stack reports the digest pulumi up set as synced, or fails with the sync's errors; nothing to do for a stack that delivers with Pulumi.",
    options: {
      stack: { type: 'string', required: true, description: 'the stack just deployed' },
      timeout: { type: 'string', value: 'seconds', default: '600', description: 'how long to wait, for all clusters together' },
      once: {
        type: 'boolean',
        description: 'read the status once, no waiting (the drift check): an app not synced at its digest on any cluster fails',
      },
    },
  },
  async ({ values }, io, clusters: (stack: string) => Promise<readonly ClusterSyncs[]> = kubectlClusters) => {
    const timeoutMs = Number(values.timeout) * 1000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout: "${values.timeout}" is not a number of seconds`);
    const expected = expectedSyncs(values.stack);
    if (expected === undefined) {
      io.out(`${values.stack} delivers its apps with Pulumi: nothing to ${values.once ? 'check' : 'wait for'}\n`);
      return EXIT.ok;
    }
    const targets = await clusters(values.stack);
    const { ok, report } = values.once
      ? await readClustersOnce(expected, targets)
      : await waitForClusters(expected, targets, {
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          now: () => Date.now(),
          timeoutMs,
          intervalMs: 10_000,
          log: (line) => io.err(`${line}\n`),
        });
    (ok ? io.out : io.err)(`${report.join('\n')}\n`);
    return ok ? EXIT.ok : EXIT.checkFailed;
  },
);
