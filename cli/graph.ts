import { main } from './args';
import { graphCli } from './graph-command';

main(graphCli);
