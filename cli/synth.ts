import { main } from './args';
import { synthCli } from './synth-command';

main(synthCli);
