/**
 * The bootstrap program's offline plan: its stack file's settings handed to the program
 * through Pulumi's config (as the CLI does), the program run under mocks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { formatPlan } from '../infra/plan';
import { recordResources, registered, type Recording } from '../infra/offline/engine';
import { assertNoProblems } from '../core/problems';
import { bootstrapApps, configSyncNamespaces, defineBootstrap, type BootstrapStackOutputs } from './bootstrap';
import { BOOTSTRAP_CONFIG, loadBootstrapConfig } from './config';

const ROOT = path.resolve(__dirname, '..');

/** A stack file's `config:` as the CLI hands it to a program: every value a string, objects as JSON. */
export function stackFileConfig(file: string): Record<string, string> {
  const display = path.relative(ROOT, file);
  if (!fs.existsSync(file)) {
    assertNoProblems([{ where: display, field: '(file)', problem: 'does not exist', fix: `create it from bootstrap/Pulumi.dev.yaml` }]);
  }
  const config = (parse(fs.readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null)?.config ?? {};
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

export async function planBootstrap(stack: string): Promise<{ recording: Recording; outputs: BootstrapStackOutputs; text: string }> {
  const config = stackFileConfig(path.join(ROOT, 'bootstrap', `Pulumi.${stack}.yaml`));
  const recording = recordResources({ project: BOOTSTRAP_CONFIG, stack, gcpProject: config['gcp:project'] });
  pulumi.runtime.setAllConfig(config);
  const outputs = defineBootstrap(loadBootstrapConfig(stack), bootstrapApps(stack, ROOT), configSyncNamespaces(stack, ROOT));
  await registered();
  return { recording, outputs, text: formatPlan(`${BOOTSTRAP_CONFIG}/${stack}`, recording) };
}
