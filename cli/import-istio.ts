import { main } from './args';
import { importIstioCli } from './import-istio-command';

main(importIstioCli);
