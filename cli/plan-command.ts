/**
 * The offline plan: runs the Pulumi program for a stack under mocks and returns what it
 * declares, without the Pulumi CLI, credentials or a cluster.
 */
import { bootstrapStackReference, offlineBootstrapOutputs } from '../infra/bootstrap-outputs';
import { formatPlan } from '../infra/plan';
import { stackInputs } from '../infra/inputs';
import { recordResources, registered, type Recording } from '../infra/testing/recorder';
import { definePlatform, type PlatformOutputs } from '../infra/platform';

export async function planStack(stack: string): Promise<{ recording: Recording; outputs: PlatformOutputs; text: string }> {
  // Inputs first: bad settings fail here, before any mock is installed.
  const inputs = stackInputs(stack);
  const recording = recordResources({
    stack,
    gcpProject: inputs.config.gcpProject,
    stackOutputs: {
      // A preview stack reads the dev cluster's kubeconfig from the dev stack.
      [inputs.config.devStackReference]: { kubeconfig: 'apiVersion: v1\nkind: Config\n' },
      // A platform stack reads its accounts and keys from its bootstrap stack.
      [bootstrapStackReference(stack)]: { ...offlineBootstrapOutputs({ stack, project: inputs.config.gcpProject, region: inputs.config.gcpRegion }) },
    },
  });
  const outputs = definePlatform(inputs);
  await registered();
  return { recording, outputs, text: formatPlan(stack, recording) };
}
