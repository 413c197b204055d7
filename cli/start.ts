/**
 * `npm start`: the main job on the embedded default, the dev environment of the
 * BookInfo catalogue: synthesize, validate and write dist/dev/, then summarize.
 */
import { main } from './args';
import { summarize } from './summary';
import { runSynth } from './synth-command';

main(() => {
  const outcome = runSynth({ env: 'dev' });
  process.stdout.write(summarize(outcome));
});
