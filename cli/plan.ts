import { main } from './args';
import { planCli } from './plan-command';

main(planCli);
