import { main } from './args';
import { pinActionsCli } from './pin-actions-command';

main(pinActionsCli);
