import * as path from 'node:path';
import { thrown } from '../test/fixtures/thrown';
import { loadEnvironment, type AppConfig } from '../core/config';
import { loadApps, withCallees, type LoadedApp } from './apps';
import { defineCatalogue, defineService } from './define';
import type { Catalogue } from './spec';

const ROOT = path.resolve(__dirname, '..');
const dev = loadEnvironment('dev', ROOT);

const service = (name: string, dependencies: string[] = []) =>
  defineService({ name, description: name, owner: 'team', port: 8080, versions: [{ name: 'v1' }], dependencies });
const loaded = (name: string, catalogue: Catalogue): LoadedApp => ({
  app: {
    name,
    namespace: name,
    host: `${name}.dev.example.com`,
    catalogue: `services/${name}`,
    releases: `services/${name}/releases/dev.yaml`,
  },
  catalogue,
  releases: {},
});

describe('loadApps', () => {
  it("loads each app of the environment: its catalogue and its pins, in the environment's order", () => {
    const apps = loadApps(dev, ROOT);
    expect(apps.map((a) => [a.app.name, a.catalogue.name, a.catalogue.services.length, Object.keys(a.releases).length])).toEqual([
      ['bookinfo', 'bookinfo', 4, 4],
      ['boutique', 'boutique', 11, 11],
    ]);
  });

  it('hosts a --catalogue module instead, as the one app, in the first app’s namespace and pins, under its own name', () => {
    const apps = loadApps(dev, ROOT, { catalogue: 'services/examples/saga' });
    expect(apps.map((a) => [a.app.name, a.app.namespace, a.app.releases])).toEqual([['saga', 'bookinfo', 'services/releases/dev.yaml']]);
  });

  it('refuses a catalogue named otherwise than its app, and a service name two apps share, naming file and fix', () => {
    const apps: AppConfig[] = [
      { ...dev.apps[0], name: 'books' },
      { ...dev.apps[1], catalogue: 'services/bookinfo', releases: 'services/releases/dev.yaml' },
    ];
    const problems = thrown(() => loadApps({ ...dev, apps }, ROOT)).problems;
    expect(problems.map((p) => `${p.where} ${p.field} ${JSON.stringify(p.value)}: ${p.problem}`)).toEqual([
      'services/bookinfo/index.ts name "bookinfo": is not the app\'s name books (platform:apps in Pulumi.dev.yaml)',
      'services/bookinfo/index.ts name "bookinfo": is not the app\'s name boutique (platform:apps in Pulumi.dev.yaml)',
      'services/bookinfo/productpage.ts name "productpage": is also a service of app books, in the same environment',
      'services/bookinfo/details.ts name "details": is also a service of app books, in the same environment',
      'services/bookinfo/reviews.ts name "reviews": is also a service of app books, in the same environment',
      'services/bookinfo/ratings.ts name "ratings": is also a service of app books, in the same environment',
    ]);
  });

  it('keeps, for a preview, the apps it changes and every app they call, transitively', () => {
    const apps = [
      loaded('a', defineCatalogue('a', [service('a1', ['b/b1'])])),
      loaded('b', defineCatalogue('b', [service('b1', ['c/c1'])])),
      loaded('c', defineCatalogue('c', [service('c1')])),
      loaded('d', defineCatalogue('d', [service('d1', ['a/a1'])])),
    ];
    expect(withCallees(apps, ['a']).map((a) => a.app.name)).toEqual(['a', 'b', 'c']);
    expect(withCallees(apps, ['c']).map((a) => a.app.name)).toEqual(['c']);
    expect(withCallees(apps, ['d', 'c']).map((a) => a.app.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(loadApps({ ...dev, previewApps: ['boutique'] }, ROOT).map((a) => a.app.name)).toEqual(['boutique']);
  });
});
