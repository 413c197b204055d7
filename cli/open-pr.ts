import { main } from './args';
import { openPrCli } from './open-pr-command';

main(openPrCli);
