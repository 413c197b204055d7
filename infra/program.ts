/**
 * The Pulumi program of a stack (`infra/index.ts` exports it). Its settings come from the
 * Pulumi runtime, so `pulumi config set`, `secure:` values, project config in `Pulumi.yaml`
 * and ESC environments all reach it, validated by the same schema as the offline tools'.
 *
 * A `pr-<N>` preview stack has no settings of its own (its stack file may hold only the
 * secrets provider): it reads dev's through a StackReference, from the `previewSettings`
 * output every platform stack exports, and re-validates them.
 */
import * as pulumi from '@pulumi/pulumi';
import { ValidationError } from '../core/problems';
import {
  CONFIG_KEYS,
  parseEnvironment,
  PREVIEW_SETTINGS_OUTPUT,
  PREVIEW_STACK,
  previewOf,
  previewStackSettings,
  previewSettings,
  repoRoot,
  stackOutputSource,
  type ConfigSource,
  type ProgramContext,
  type RawConfig,
} from '../core/config';
import { inputsFor } from './inputs';
import { definePlatform, type PlatformOutputs } from './platform';
// Which keys hold secrets is in the SDK's runtime config module, not its public API.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- typed boundary: an internal SDK module
const { isConfigSecret } = require('@pulumi/pulumi/runtime/config') as { isConfigSecret: (key: string) => boolean };

export interface ProgramOptions {
  /** @default the repository root (catalogue modules and pins files are read from it) */
  readonly root?: string;
  /** A catalogue module to deploy instead of the stack's apps, as its first app. @default - the apps of `platform:apps` */
  readonly catalogue?: string;
}

export interface ProgramOutputs extends PlatformOutputs {
  /** A platform stack's resolved settings, for the preview stacks on it (secret if any setting is). */
  readonly previewSettings?: pulumi.Input<Record<string, string>>;
}

/**
 * The stack's configuration as the program sees it: every key the CLI passed, read through
 * `pulumi.Config` (which cannot list keys, hence `allConfig` for the names).
 */
export function pulumiConfigSource(stack: string): ConfigSource {
  const values: Record<string, string> = {};
  for (const key of Object.keys(pulumi.runtime.allConfig()).sort()) {
    const [namespace, ...name] = key.split(':');
    const value = new pulumi.Config(namespace).get(name.join(':'));
    if (value !== undefined) values[key] = value;
  }
  return { kind: 'pulumi', values, where: `pulumi config (stack ${stack})` };
}

/**
 * Sets the runtime's configuration the way the Pulumi CLI's Node.js language host does
 * (`PULUMI_CONFIG`: a JSON map of `<namespace>:config:<name>` to text, and the secret keys),
 * for `npm run plan` and tests.
 */
export function setProgramConfig(values: RawConfig, secretKeys: readonly string[] = []): void {
  const languageHost = Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      const [namespace, ...name] = key.split(':');
      return [`${namespace}:config:${name.join(':')}`, value];
    }),
  );
  pulumi.runtime.setAllConfig(languageHost, [...secretKeys]);
}

export async function program(options: ProgramOptions = {}): Promise<ProgramOutputs> {
  try {
    return await build(options.root ?? repoRoot(), options.catalogue);
  } catch (error) {
    // Bad settings, pins or specs end the program with their message only (a RunError has no stack trace).
    if (error instanceof ValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

async function build(root: string, catalogue: string | undefined): Promise<ProgramOutputs> {
  const stack = pulumi.getStack();
  const context: ProgramContext = { organization: pulumi.getOrganization(), project: pulumi.getProject() };
  const source = pulumiConfigSource(stack);
  if (PREVIEW_STACK.test(stack)) {
    const { devStackReference: reference, previewApps } = previewStackSettings(stack, source, context);
    const dev = new pulumi.StackReference(reference);
    const details = await dev.getOutputDetails(PREVIEW_SETTINGS_OUTPUT);
    const config = previewOf(
      parseEnvironment('dev', stackOutputSource(reference, details.value ?? details.secretValue), context),
      stack,
      reference,
      previewApps,
    );
    // A preview creates no Google resources: the bootstrap stack owns every Google account.
    return definePlatform(inputsFor(config, root, catalogue), { devStack: dev });
  }
  const config = parseEnvironment(stack, source, context);
  const outputs = definePlatform(inputsFor(config, root, catalogue));
  const settings = previewSettings(config);
  const secret = CONFIG_KEYS.some((key) => key in source.values && isConfigSecret(key));
  return { ...outputs, previewSettings: secret ? pulumi.secret(settings) : settings };
}
