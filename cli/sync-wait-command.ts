/**
 * `npm run sync-wait`: after `pulumi up` of a stack that delivers its apps through Config Sync,
 * waits until every app's RepoSync reports the digest `pulumi up` set as synced (cli/sync-state.ts),
 * or fails with the sync's errors, or times out. Reads the RepoSyncs with kubectl, through the
 * stack's `kubeconfig` output. A stack that delivers with Pulumi has nothing to wait for.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { environmentBundles } from '../charts/bundle';
import { synthesizeEnvironment } from '../charts/environment';
import { loadEnvironment, repoRoot } from '../core/config';
import { bundleImage } from '../infra/config-sync-plan';
import { registryPath } from '../infra/registry';
import { loadApps } from '../services/apps';
import { command, EXIT, UsageError } from './args';
import { waitForSyncs, type ExpectedSync } from './sync-state';

const run = promisify(execFile);

/**
 * The stack's RepoSyncs, read with kubectl through the stack's `kubeconfig` output (which runs
 * gke-gcloud-auth-plugin), fetched once with `pulumi stack output`.
 */
function kubectlRepoSyncs(stack: string): () => Promise<unknown> {
  let kubeconfig: Promise<string> | undefined;
  return async () => {
    kubeconfig ??= run('pulumi', ['stack', 'output', 'kubeconfig', '--show-secrets', '--stack', stack], {
      maxBuffer: 16 * 1024 * 1024,
    }).then(({ stdout }) => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sync-wait-')), 'kubeconfig');
      fs.writeFileSync(file, stdout, { mode: 0o600 });
      return file;
    });
    const { stdout } = await run('kubectl', ['get', 'reposyncs.configsync.gke.io', '--all-namespaces', '--output', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, KUBECONFIG: await kubeconfig },
    });
    return JSON.parse(stdout) as unknown;
  };
}

export const syncWaitCli = command(
  {
    script: 'sync-wait',
    summary:
      "Waits until every app's Config Sync RepoSync reports the digest pulumi up set as synced, or fails with the sync's errors; nothing to do for a stack that delivers with Pulumi.",
    options: {
      stack: { type: 'string', required: true, description: 'the stack just deployed' },
      timeout: { type: 'string', value: 'seconds', default: '600', description: 'how long to wait' },
    },
  },
  async ({ values }, io, reader: (stack: string) => () => Promise<unknown> = kubectlRepoSyncs) => {
    const timeoutMs = Number(values.timeout) * 1000;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout: "${values.timeout}" is not a number of seconds`);
    const config = loadEnvironment(values.stack);
    if (config.appDelivery !== 'configsync') {
      io.out(`${values.stack} delivers its apps with Pulumi: nothing to wait for\n`);
      return EXIT.ok;
    }
    const synthesis = synthesizeEnvironment(config, loadApps(config, repoRoot()));
    const bundles = environmentBundles(
      synthesis.apps.map((a) => a.app.name),
      synthesis.files,
    );
    const registry = registryPath(config.gcpRegion, config.gcpProject, 'images');
    const expected: ExpectedSync[] = synthesis.apps.map(({ app }, i) => ({
      app: app.name,
      namespace: app.namespace,
      image: bundleImage(registry, app.name, bundles[i].manifest.digest),
    }));
    const { ok, report } = await waitForSyncs(expected, {
      read: reader(values.stack),
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
