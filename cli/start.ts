/**
 * `npm start`: the main job on the embedded default, the dev environment of the
 * BookInfo catalogue: synthesize, validate and write dist/dev/, summarize, check the
 * policies (manifests and infrastructure), then the offline plan of the dev
 * infrastructure. Exits 1 when a mandatory policy fails.
 */
import { passed } from '../policies/engine';
import { formatReport } from '../policies/report';
import { main } from './args';
import { planStack } from './plan-command';
import { checkEnvironment, checkInfrastructure } from './policy-command';
import { summarize } from './summary';
import { runSynth } from './synth-command';

main(async () => {
  const outcome = runSynth({ env: 'dev' });
  process.stdout.write(summarize(outcome));
  const plan = await planStack('dev');
  const manifests = checkEnvironment('dev');
  const infrastructure = checkInfrastructure('dev', outcome.environment.profile, plan.recording);
  process.stdout.write(`\n${formatReport(manifests, 'Policies, dev manifests')}${formatReport(infrastructure, 'Policies, dev infrastructure (offline)')}`);
  process.stdout.write(`\n${plan.text}`);
  if (!passed(manifests) || !passed(infrastructure)) process.exitCode = 1;
});
