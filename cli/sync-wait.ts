import { main } from './args';
import { syncWaitCli } from './sync-wait-command';

main(syncWaitCli);
