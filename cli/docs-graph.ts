import { main } from './args';
import { docsGraphCli } from './graph-command';

main(docsGraphCli);
