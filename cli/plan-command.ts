/**
 * The offline plan: runs the Pulumi program for a stack under mocks and returns what it
 * declares, without the Pulumi CLI, credentials or a cluster. It takes the CLI's path: the
 * stack's files (project config, then the stack's) become the runtime configuration the
 * CLI would pass, and the program reads it through `pulumi.Config`. For a `pr-<N>` stack,
 * dev's files stand in for dev's `previewSettings` output, behind the mocked StackReference.
 */
import { planBootstrap } from '../bootstrap/plan';
import { formatPlan } from '../infra/plan';
import { loadEnvironment, previewSettings, readStackFiles, repoRoot, type EnvironmentConfig } from '../core/config';
import { program, setProgramConfig, type ProgramOutputs } from '../infra/program';
import { recordPlatformStack, registered, type Recording } from '../infra/offline/engine';
import { command } from './args';

export interface PlanOptions {
  /** @default the repository root */
  readonly root?: string;
  /** @default the BookInfo sample */
  readonly catalogue?: string;
}

/** What the referenced dev stack holds, offline: a kubeconfig, and its settings read from its files. */
function devStackOutputs(environment: EnvironmentConfig, root: string): Record<string, Record<string, unknown>> {
  if (environment.kind !== 'preview') return {};
  return {
    [environment.devStackReference]: {
      kubeconfig: 'apiVersion: v1\nkind: Config\n',
      previewSettings: previewSettings(loadEnvironment('dev', root)),
    },
  };
}

export async function planStack(
  stack: string,
  options: PlanOptions = {},
): Promise<{ recording: Recording; outputs: ProgramOutputs; text: string }> {
  const root = options.root ?? repoRoot();
  // Settings first, offline: bad ones fail here naming the file, before any mock is installed.
  const environment = loadEnvironment(stack, root);
  const files = readStackFiles(stack, root);
  // A platform stack reads its accounts and keys from its bootstrap stack; a preview, dev's outputs too.
  const recording = recordPlatformStack(environment, devStackOutputs(environment, root));
  setProgramConfig(files.values);
  const outputs = await program({ root, ...(options.catalogue !== undefined && { catalogue: options.catalogue }) });
  await registered();
  return { recording, outputs, text: formatPlan(stack, recording) };
}

/** `npm run plan -- <argv>`: prints the offline plan of a stack's platform or bootstrap program. */
export const planCli = command(
  {
    script: 'plan',
    summary:
      "Runs a stack's Pulumi program under mocks (no Pulumi CLI, no cloud) and prints every resource it declares, grouped by module, with its key settings.",
    options: {
      stack: {
        type: 'string',
        required: true,
        value: 'dev|staging|prod|pr-<N>',
        description: 'the stack: its settings are Pulumi.<stack>.yaml',
      },
      program: {
        type: 'string',
        choices: ['platform', 'bootstrap'],
        default: 'platform',
        description: 'the Pulumi program: infra/ (platform) or bootstrap/',
      },
    },
  },
  async ({ values }, io) => {
    io.out((values.program === 'bootstrap' ? await planBootstrap(values.stack) : await planStack(values.stack)).text);
  },
);
