import { main } from './args';
import { importMonitoringCli } from './import-monitoring-command';

main(importMonitoringCli);
