import { main } from './args';
import { synthBaseCli } from './synth-base-command';

main(synthBaseCli);
