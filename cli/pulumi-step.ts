import { main } from './args';
import { pulumiStepCli } from './pulumi-step-command';

main(pulumiStepCli);
