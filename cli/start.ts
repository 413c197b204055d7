import { main } from './args';
import { startCli } from './start-command';

main(startCli);
