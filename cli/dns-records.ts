import { main } from './args';
import { dnsRecordsCli } from './dns-records-command';

main(dnsRecordsCli);
