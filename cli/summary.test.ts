import type { Catalogue, ServiceDefinition, ServiceSpec } from '../services/spec';
import { summarize, table, usesSection } from './summary';
import type { SynthOutcome } from './synth-command';
import { render } from './synth-command';

describe('npm start summary', () => {
  const { synthesis, apps, environment } = render({ env: 'dev' });
  const outcome: SynthOutcome = {
    synthesis,
    apps,
    environment,
    dir: '/repo/dist/dev',
    written: synthesis.files.map((f) => ({ name: f.name, bytes: 1 })),
  };
  const text = summarize(outcome, '/repo');

  it('names the environment, then each app with its namespace, host, pins file and counts', () => {
    expect(text).toContain(
      'Environment dev (profile dev, domain dev.example.com): 2 apps, 190 objects, all valid against the OpenAPI schemas and what the API server checks beyond them (CRD rules, Kubernetes field validation)',
    );
    expect(text).toContain(
      'App bookinfo (namespace bookinfo, host bookinfo.dev.example.com, pins services/releases/dev.yaml): 4 services, 62 objects',
    );
    expect(text).toContain(
      'App boutique (namespace boutique, host boutique.dev.example.com, pins services/boutique/releases/dev.yaml): 11 services, 128 objects',
    );
    expect(text.indexOf('App bookinfo')).toBeLessThan(text.indexOf('App boutique'));
  });

  it("prints each app's routes at its host, its allow-list, and a worker as having no Service", () => {
    expect(text).toMatch(/bookinfo\.dev\.example\.com +\/productpage +productpage:9080/);
    expect(text).toMatch(/boutique\.dev\.example\.com +\/\* +frontend:80 +v1 100%/);
    expect(text).toContain('  ingress-gateway, loadgenerator -> frontend\n');
    expect(text).toContain('  loadgenerator: a worker without a port (no Service)\n');
    expect(text).toContain('  cartservice: redis 1 GiB\n');
  });

  it('evaluated every CRD rule of the dev objects, and would name any it could not', () => {
    expect(synthesis.notChecked).toEqual([]);
    expect(text).not.toContain('not checked offline');
    const unchecked = {
      file: 'reviews.yaml',
      object: 'VirtualService/reviews',
      field: 'spec.http[0].timeout',
      rule: "duration(self) >= duration('1ms')",
      reason: 'the duration format is not ported',
    };
    const withGap = summarize({ ...outcome, synthesis: { ...synthesis, notChecked: [unchecked] } }, '/repo');
    expect(withGap).toContain(
      `  not checked offline: reviews.yaml VirtualService/reviews spec.http[0].timeout: CRD rule "duration(self) >= duration('1ms')" (the duration format is not ported)`,
    );
  });

  it('lists each service with its deployments and replica range', () => {
    expect(text).toMatch(/reviews +reviews-v1, reviews-v2, reviews-v3 +1\.\.2 +bookinfo\/reviews\.yaml/);
  });

  it('counts objects by kind', () => {
    expect(text).toMatch(/Deployment +17\n/);
    expect(text).toMatch(/HorizontalPodAutoscaler +17\n/);
    expect(text).toMatch(/Namespace +2\n/);
  });

  it('says where the files are, relative to the working directory', () => {
    expect(text).toContain('Manifests written to dist/dev/: bookinfo/ (5 files), boutique/ (12 files)');
  });

  it('ends by pointing at the service graph of the environment', () => {
    expect(text.endsWith('\nService graph (Mermaid): npm run graph -- --env dev\n')).toBe(true);
  });
});

describe('table', () => {
  it('pads columns to the widest cell', () => {
    expect(table(['a', 'bb'], [['ccc', 'd']])).toEqual(['  a    bb', '  ---  --', '  ccc  d']);
  });
});

describe('npm start summary: what services use and the event graph', () => {
  const service = (name: string, uses: ServiceSpec['uses']): ServiceDefinition => ({
    spec: { name, description: name, owner: 'team', port: 8080, versions: [{ name: 'v1' }], ...(uses !== undefined && { uses }) },
  });
  const catalogue: Catalogue = {
    name: 'shop',
    services: [
      service('order', { postgres: {}, publishes: ['order-placed', 'order-cancelled'], consumes: [{ event: 'payment-failed' }] }),
      service('payment', { publishes: ['payment-failed'], consumes: [{ event: 'order-placed' }], secrets: [{ name: 'provider-key' }] }),
      service('shipping', {
        consumes: [{ event: 'order-placed' }],
        buckets: [{ name: 'labels' }],
        redis: { sizeGb: 2 },
      }),
      service('web', undefined),
    ],
  };

  it('lists each service that uses something, and nothing for one that does not', () => {
    const lines = usesSection(catalogue);
    expect(lines.slice(0, 5)).toEqual([
      '',
      'What services use (managed Google Cloud resources, IAM on each resource)',
      '  order: postgres database order, publishes order-placed, publishes order-cancelled, consumes payment-failed',
      '  payment: publishes payment-failed, consumes order-placed, secret provider-key',
      '  shipping: redis 2 GiB, consumes order-placed, bucket labels',
    ]);
    expect(lines.join('\n')).not.toContain('web');
  });

  it('draws each event from its publisher to its subscribers, by event name, naming one nobody consumes', () => {
    expect(usesSection(catalogue).slice(5)).toEqual([
      '',
      'Events (publisher -> event -> subscribers, each subscription with a dead-letter topic)',
      '  order -> order-cancelled -> (no consumer)',
      '  order -> order-placed -> payment, shipping',
      '  payment -> payment-failed -> order',
      `  warning: service "order": uses.publishes[1] "order-cancelled" is consumed by no service of this catalogue. Fix: add uses.consumes: [{ event: 'order-cancelled' }] to the service that reacts to it, or stop publishing it`,
    ]);
  });

  it('is empty for a catalogue that uses nothing (BookInfo)', () => {
    expect(usesSection({ name: 'x', services: [service('a', undefined), service('b', { publishes: [] })] })).toEqual([]);
  });
});
