/**
 * `npm start`: the main job on the embedded default, the dev environment and its apps
 * (BookInfo and Online Boutique): synthesize, validate and write dist/dev/, summarize, check the
 * policies (manifests and infrastructure), then the offline plan of the dev
 * infrastructure. Exits 1 when a mandatory policy fails.
 */
import { passed } from '../policies/engine';
import { formatReport } from '../policies/report';
import { command, EXIT } from './args';
import { planStack } from './plan-command';
import { checkEnvironment, checkInfrastructure } from './policy-command';
import { summarize } from './summary';
import { runSynth } from './synth-command';

export const startCli = command(
  {
    script: 'start',
    summary:
      'The main job on the dev environment and its apps (BookInfo and Online Boutique): writes dist/dev/, prints its summary, checks the policies (manifests and infrastructure), then prints the offline plan of dev.',
    options: {},
    failsWhen: 'a mandatory policy fails',
  },
  async (_args, io) => {
    const outcome = runSynth({ env: 'dev' });
    io.out(summarize(outcome));
    const plan = await planStack('dev');
    const manifests = checkEnvironment('dev');
    const infrastructure = checkInfrastructure('dev', outcome.environment.profile, plan.recording);
    io.out(
      `\n${formatReport(manifests, 'Policies, dev manifests')}${formatReport(infrastructure, 'Policies, dev infrastructure (offline)')}`,
    );
    io.out(`\n${plan.text}`);
    return passed(manifests) && passed(infrastructure) ? EXIT.ok : EXIT.checkFailed;
  },
);
