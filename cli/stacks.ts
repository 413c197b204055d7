import { main } from './args';
import { stacksCli } from './stacks-command';

main(stacksCli);
