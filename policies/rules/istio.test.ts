import type { ManifestObject } from '../../charts/schema';
import { indexOf } from '../objects';
import { hostCovers, resolveHost } from './istio';

function entry(name: string, hosts: readonly string[]): ManifestObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name, namespace: 'shop' }, spec: { hosts } };
}

/** The entry a scan in input order finds: the first whose host covers the name (what the index must give). */
function scanned(entries: readonly ManifestObject[], name: string): string | undefined {
  return entries.find((e) => (e.spec as { hosts: string[] }).hosts.some((h) => hostCovers(h, name)))?.metadata.name;
}

describe('resolveHost through the host index', () => {
  const tables: ReadonlyArray<readonly [string, readonly ManifestObject[]]> = [
    ['a wildcard before an exact host', [entry('wide', ['*.example.com']), entry('exact', ['api.example.com'])]],
    ['an exact host before a wildcard', [entry('exact', ['api.example.com']), entry('wide', ['*.example.com'])]],
    ['a broad wildcard before a narrow one', [entry('broad', ['*.example.com']), entry('narrow', ['*.api.example.com'])]],
    ['a narrow wildcard before a broad one', [entry('narrow', ['*.api.example.com']), entry('broad', ['*.example.com'])]],
    ['a catch-all after an exact host', [entry('exact', ['api.example.com']), entry('all', ['*'])]],
    ['a catch-all first', [entry('all', ['*']), entry('exact', ['api.example.com'])]],
    ['upper-case hosts', [entry('upper', ['API.Example.com'])]],
  ];
  const names = ['api.example.com', 'x.api.example.com', 'example.com', 'other.org', 'API.EXAMPLE.COM'];

  it.each(tables)('finds the first covering ServiceEntry in input order: %s', (_what, entries) => {
    const index = indexOf({ objects: entries });
    for (const name of names) {
      expect({ name, entry: resolveHost(index, name, 'shop').serviceEntry?.metadata.name }).toEqual({
        name,
        entry: scanned(entries, name.toLowerCase()),
      });
    }
  });

  it('resolves a short name to the Service of the namespace before any ServiceEntry', () => {
    const service: ManifestObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: {} };
    const r = resolveHost(indexOf({ objects: [entry('all', ['*']), service] }), 'web', 'shop');
    expect(r.fqdn).toBe('web.shop.svc.cluster.local');
    expect(r.service?.metadata.name).toBe('web');
  });
});
