import { main } from './args';
import { bundleCli } from './bundle-command';

main(bundleCli);
