/**
 * `npm start`: the main job on the embedded default, the dev environment of the
 * BookInfo catalogue: synthesize, validate and write dist/dev/, summarize, then the
 * offline plan of the dev infrastructure.
 */
import { main } from './args';
import { planStack } from './plan-command';
import { summarize } from './summary';
import { runSynth } from './synth-command';

main(async () => {
  const outcome = runSynth({ env: 'dev' });
  process.stdout.write(summarize(outcome));
  process.stdout.write(`\n${(await planStack('dev')).text}`);
});
