import { main } from './args';
import { schemaSpecCli } from './spec-docs-command';

main(schemaSpecCli);
