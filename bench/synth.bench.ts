import { main } from '../cli/args';
import { benchCli } from './bench-command';

main(benchCli);
