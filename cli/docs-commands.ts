import { main } from './args';
import { docsCommandsCli } from './commands';

main(docsCommandsCli);
