import { main } from './args';
import { releaseCli } from './release-command';

main(releaseCli);
