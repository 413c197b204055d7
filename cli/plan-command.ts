/**
 * The offline plan: runs the Pulumi program for a stack under mocks and returns what it
 * declares, without the Pulumi CLI, credentials or a cluster. It takes the CLI's path: the
 * stack's files (project config, then the stack's) become the runtime configuration the
 * CLI would pass, and the program reads it through `pulumi.Config`. For a `pr-<N>` stack,
 * dev's files stand in for dev's `previewSettings` output, behind the mocked StackReference.
 */
import { offlineBootstrapOutputs } from '../infra/bootstrap-outputs';
import { formatPlan } from '../infra/plan';
import { loadEnvironment, previewSettings, readStackFiles, repoRoot, type EnvironmentConfig } from '../infra/config';
import { program, setProgramConfig, type ProgramOutputs } from '../infra/program';
import { recordResources, registered, type Recording } from '../infra/testing/recorder';

export interface PlanOptions {
  /** @default the repository root */
  readonly root?: string;
  /** @default the BookInfo sample */
  readonly catalogue?: string;
}

/** What the referenced dev stack holds, offline: a kubeconfig, and its settings read from its files. */
function devStackOutputs(environment: EnvironmentConfig, root: string): Record<string, Record<string, unknown>> {
  if (environment.kind !== 'preview') return {};
  return { [environment.devStackReference]: { kubeconfig: 'apiVersion: v1\nkind: Config\n', previewSettings: previewSettings(loadEnvironment('dev', root)) } };
}

export async function planStack(stack: string, options: PlanOptions = {}): Promise<{ recording: Recording; outputs: ProgramOutputs; text: string }> {
  const root = options.root ?? repoRoot();
  // Settings first, offline: bad ones fail here naming the file, before any mock is installed.
  const environment = loadEnvironment(stack, root);
  const files = readStackFiles(stack, root);
  const recording = recordResources({
    stack,
    gcpProject: environment.gcpProject,
    stackOutputs: {
      ...devStackOutputs(environment, root),
      // A platform stack reads its accounts and keys from its bootstrap stack.
      [environment.bootstrapStackReference]: { ...offlineBootstrapOutputs({ stack, project: environment.gcpProject, region: environment.gcpRegion }) },
    },
  });
  setProgramConfig(files.values);
  const outputs = await program({ root, ...(options.catalogue !== undefined && { catalogue: options.catalogue }) });
  await registered();
  return { recording, outputs, text: formatPlan(stack, recording) };
}
