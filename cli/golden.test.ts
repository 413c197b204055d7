import * as fs from 'node:fs';
import * as path from 'node:path';
import { render } from './synth-command';

// A review aid beside the assertions in charts/*.test.ts: any change to dev's manifests (every
// app: test/golden/dev/<app>/) shows up as a diff of test/golden/dev in the pull request.
const GOLDEN = path.resolve(__dirname, '..', 'test', 'golden', 'dev');

describe('golden copy of dev', () => {
  const { rendered } = render({ env: 'dev' });

  it('has the same files', () => {
    const golden = fs.readdirSync(GOLDEN, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const names = golden.map((e) => path.relative(GOLDEN, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
    expect([...rendered.keys()].sort()).toEqual(names.sort());
  });

  it.each([...rendered.keys()])('%s matches test/golden/dev (regenerate with `npm run golden` and review the diff)', (name) => {
    expect(rendered.get(name)).toBe(fs.readFileSync(path.join(GOLDEN, name), 'utf8'));
  });
});
