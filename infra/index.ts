/**
 * The Pulumi program (`Pulumi.yaml` main). Thin on purpose: `program` reads this stack's
 * configuration through the Pulumi runtime, composes the platform and returns the outputs.
 * `pulumi up --stack dev|staging|prod|pr-<N>`.
 */
import { program } from './program';

export = () => program();
