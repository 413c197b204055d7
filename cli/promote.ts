import { main } from './args';
import { promoteCli } from './promote-command';

main(promoteCli);
