/**
 * `npm run bundle`: renders each app of an environment into its OCI bundle (charts/bundle.ts),
 * prints app -> digest, and with `--push` pushes them to the environment's Artifact Registry
 * under `apps/<app>:<tag>` (cli/oci-push.ts). CI runs it before `pulumi up` of a stack whose
 * `platform:appDelivery` is `configsync`: `pulumi up` then points each RepoSync at the same digest.
 */
import { environmentBundles } from '../charts/bundle';
import { synthesizeEnvironment } from '../charts/environment';
import { loadEnvironment, repoRoot } from '../core/config';
import { bundleRepository } from '../infra/config-sync-plan';
import { registryPath } from '../infra/registry';
import { loadApps } from '../services/apps';
import { command, UsageError } from './args';
import { pushBundle, pushTarget, type PushFetch } from './oci-push';

/** The environment variable the access token is read from (never an argument: it would show in logs). */
export const TOKEN_ENV = 'GOOGLE_OAUTH_ACCESS_TOKEN';
/** The Artifact Registry repository of infra/registry.ts (its default id). */
const REPOSITORY_ID = 'images';

export const bundleCli = command(
  {
    script: 'bundle',
    summary:
      "Renders each app of an environment into its OCI bundle and prints app -> digest; with --push, pushes them to the environment's Artifact Registry (apps/<app>:<tag>) for Config Sync.",
    options: {
      env: { type: 'string', required: true, description: 'the environment: its settings are Pulumi.<env>.yaml' },
      push: { type: 'boolean', description: `push the bundles (token from $${TOKEN_ENV}, e.g. gcloud auth print-access-token)` },
      tag: { type: 'string', description: 'the tag to push under, e.g. the commit', defaultText: 'required with --push' },
    },
  },
  async ({ values }, io, fetch: PushFetch = globalThis.fetch, env: NodeJS.ProcessEnv = process.env) => {
    const config = loadEnvironment(values.env);
    const synthesis = synthesizeEnvironment(config, loadApps(config, repoRoot()));
    const bundles = environmentBundles(
      synthesis.apps.map((a) => a.app.name),
      synthesis.files,
    );
    const registry = registryPath(config.gcpRegion, config.gcpProject, REPOSITORY_ID);
    for (const b of bundles) io.out(`${b.app}\t${bundleRepository(registry, b.app)}@${b.manifest.digest}\n`);
    if (values.push !== true) return;
    if (config.appDelivery !== 'configsync') {
      io.out(`${values.env} delivers its apps with Pulumi (platform:appDelivery: ${config.appDelivery}): nothing to push\n`);
      return;
    }
    if (values.tag === undefined) throw new UsageError('--push needs --tag (the commit the bundles are built from)');
    const token = env[TOKEN_ENV];
    for (const b of bundles) {
      await pushBundle(b, pushTarget(bundleRepository(registry, b.app), values.tag, token === '' ? undefined : token), fetch, (line) =>
        io.err(`${b.app}: ${line}\n`),
      );
      io.out(`pushed ${bundleRepository(registry, b.app)}:${values.tag} (${b.manifest.digest})\n`);
    }
  },
);
