import { main } from './args';
import { manifestDiffCli } from './manifest-diff-command';

main(manifestDiffCli);
