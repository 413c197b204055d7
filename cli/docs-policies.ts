import { main } from './args';
import { docsPoliciesCli } from './docs-policies-command';

main(docsPoliciesCli);
