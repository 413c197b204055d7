/**
 * The two port shapes BookInfo does not use: a worker without a port (no Service, no traffic
 * objects, no probes, no ingress, egress from its dependencies) and a Service port in front of a
 * different container port (`servicePort`), which everything that addresses the service uses.
 */
import { synthesize, type ManifestObject, type Synthesis } from '.';
import { defineCatalogue } from '../services/define';
import type { ServiceSpec } from '../services/spec';
import { environment } from '../test/fixtures/environments';

const IMAGE = 'registry.example.com/team/app:1.0.0';
const web: ServiceSpec = {
  name: 'web',
  description: 'Public web front end',
  owner: 'team-a',
  port: 8080,
  servicePort: 80,
  versions: [{ name: 'v1' }],
  routes: [{ path: '/' }],
};
const worker: ServiceSpec = {
  name: 'worker',
  description: 'Calls the web front end in a loop',
  owner: 'team-a',
  versions: [{ name: 'v1' }],
  dependencies: ['web'],
};

const synthesis: Synthesis = synthesize(
  environment('dev', { namespace: 'shop' }),
  defineCatalogue('shop', [{ spec: web }, { spec: worker }]),
  { web: { v1: IMAGE }, worker: { v1: IMAGE } },
);
const objects = synthesis.files.flatMap((f) => f.objects);
const named = (name: string) => objects.filter((o) => o.metadata.name === name);
const find = (kind: string, name: string): ManifestObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found;
};
type Container = Record<string, unknown> & { ports?: unknown[] };
const containerOf = (name: string): Container =>
  (find('Deployment', `${name}-v1`).spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];

describe('a worker without a port', () => {
  it('gets a ServiceAccount, a Deployment, its autoscaling and mesh security, but no Service and no traffic objects', () => {
    // No AuthorizationPolicy either: nobody may call it, and the namespace's allow-nothing already says so.
    expect(
      named('worker')
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['NetworkPolicy', 'ServiceAccount', 'Sidecar']);
    expect(
      named('worker-v1')
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expect(
      objects.filter((o) => ['Service', 'DestinationRule', 'VirtualService'].includes(o.kind) && o.metadata.name === 'worker'),
    ).toEqual([]);
  });

  it('declares no container port and no probes', () => {
    const c = containerOf('worker');
    expect(c.ports ?? []).toEqual([]);
    expect(c).not.toHaveProperty('readinessProbe');
    expect(c).not.toHaveProperty('livenessProbe');
    expect(c).not.toHaveProperty('startupProbe');
  });

  it('takes no ingress and reaches its dependency on the pod port; its Sidecar egress names the dependency', () => {
    expect(find('NetworkPolicy', 'worker').spec).toMatchObject({
      ingress: [],
      egress: expect.arrayContaining([
        { to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      ]),
    });
    const egress = (find('Sidecar', 'worker').spec as { egress: Array<{ hosts: string[] }> }).egress[0].hosts;
    expect(egress).toContain('./web.shop.svc.cluster.local');
  });

  it('is allowed to call its dependency: the dependency’s AuthorizationPolicy names its identity', () => {
    expect(JSON.stringify(find('AuthorizationPolicy', 'web').spec)).toContain('cluster.local/ns/shop/sa/worker');
  });
});

describe('servicePort', () => {
  it('is the Service’s port; the container port stays the targetPort, probes and NetworkPolicy ingress', () => {
    expect(find('Service', 'web').spec).toMatchObject({ ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    expect(containerOf('web')).toMatchObject({
      ports: [{ containerPort: 8080, name: 'http' }],
      readinessProbe: { tcpSocket: { port: 8080 } },
    });
    expect(find('NetworkPolicy', 'web').spec).toMatchObject({ ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }] });
  });

  it('is the port the mesh VirtualService and the gateway route address', () => {
    const vs = JSON.stringify(find('VirtualService', 'web').spec);
    expect(vs).toContain('"port":{"number":80}');
    expect(vs).not.toContain('8080');
    const edge = objects.filter((o) => o.kind === 'VirtualService' && o.metadata.name !== 'web');
    expect(edge.length).toBeGreaterThan(0);
    for (const o of edge) expect(JSON.stringify(o.spec)).toContain('"port":{"number":80}');
  });

  it('defaults to port', () => {
    const s = synthesize(
      environment('dev', { namespace: 'shop' }),
      defineCatalogue('shop', [{ spec: { ...web, servicePort: undefined } }]),
      {
        web: { v1: IMAGE },
      },
    );
    const svc = s.files.flatMap((f) => f.objects).find((o) => o.kind === 'Service');
    expect(svc?.spec).toMatchObject({ ports: [{ port: 8080, targetPort: 8080 }] });
  });
});
