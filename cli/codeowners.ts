import { main } from './args';
import { codeownersCli } from './codeowners-command';

main(codeownersCli);
