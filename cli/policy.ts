import { main } from './args';
import { policyCli } from './policy-command';

main(policyCli);
