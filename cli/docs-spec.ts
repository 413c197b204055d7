import { main } from './args';
import { docsSpecCli } from './spec-docs-command';

main(docsSpecCli);
