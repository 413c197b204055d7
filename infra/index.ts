/**
 * The Pulumi program (`Pulumi.yaml` main). Thin on purpose: load this stack's inputs,
 * compose the platform, export the outputs. `pulumi up --stack dev|staging|prod|pr-<N>`.
 */
import * as pulumi from '@pulumi/pulumi';
import { stackInputs } from './inputs';
import { definePlatform } from './platform';

export = definePlatform(stackInputs(pulumi.getStack()));
