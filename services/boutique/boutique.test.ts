/**
 * Online Boutique against its upstream release manifests (the facts in
 * vendor/microservices-demo/v0.10.6/facts.json, extracted by scripts/extract-boutique-facts.js),
 * and end to end: it validates, synthesizes for dev, staging and prod, and passes the manifest policies.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { synthesize, type ManifestObject } from '../../charts';
import { programWrittenObjects } from '../../charts/uses';
import { RULES } from '../../policies/catalogue';
import { evaluate } from '../../policies/engine';
import { environmentContext } from '../../policies/platform';
import { environment } from '../../test/fixtures/environments';
import { servicePortFor } from '../defaults';
import { loadReleases } from '../releases';
import type { EnvironmentProfile, ServiceSpec } from '../spec';
import { validateCatalogue, validateForEnvironment } from '../validate';
import boutique from '.';

interface UpstreamWorkload {
  readonly image: string;
  readonly containerPort: number | null;
  readonly services: ReadonlyArray<{ name: string; type: string; port: number; targetPort: number }>;
  readonly env: ReadonlyArray<{ name: string; value: string | null }>;
  readonly readiness: string | null;
  readonly liveness: string | null;
  readonly readinessPath: string | null;
  readonly runAsUser: number | null;
}
const FACTS = JSON.parse(fs.readFileSync(path.join(__dirname, '../../vendor/microservices-demo/v0.10.6/facts.json'), 'utf8')) as {
  commit: string;
  tag: string;
  workloads: Record<string, UpstreamWorkload>;
};
/** redis-cart is replaced by cartservice's `uses.redis` (index.ts says why). */
const REPLACED = ['redis-cart'];
const upstream = Object.entries(FACTS.workloads).filter(([name]) => !REPLACED.includes(name));
const specs = new Map(boutique.services.map((d) => [d.spec.name, d.spec]));
const specOf = (name: string): ServiceSpec => {
  const spec = specs.get(name);
  if (spec === undefined) throw new Error(`no ${name} in the boutique catalogue`);
  return spec;
};
const releases = (profile: EnvironmentProfile) => loadReleases(path.join(__dirname, 'releases', `${profile}.yaml`));
const REGISTRY = 'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/';

const envFor = (profile: EnvironmentProfile) =>
  environment(profile, {
    namespace: 'boutique',
    gcpProject: `boutique-${profile}`,
    gcpRegion: 'europe-west1',
    privateServicesCidr: '10.32.0.0/16',
    releasesFile: `services/boutique/releases/${profile}.yaml`,
  });
const dev = envFor('dev');
const objects = synthesize(dev, boutique, releases('dev')).files.flatMap((f) => f.objects);
const find = (kind: string, name: string): ManifestObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found;
};
type Env = { name: string; value?: string };
const containerOf = (name: string) =>
  (find('Deployment', `${name}-v1`).spec as { template: { spec: { containers: Array<{ image: string; env?: Env[] }> } } }).template.spec
    .containers[0];

describe('the facts file', () => {
  it('is v0.10.6 at the commit we read, and has every workload we model', () => {
    expect([FACTS.tag, FACTS.commit]).toEqual(['v0.10.6', '5b3a712ab85ccb8f6f7cd5b720d36ba9a8d041eb']);
    expect(upstream.map(([name]) => name).sort()).toEqual([...specs.keys()].sort());
  });

  it('deploys no shopping assistant at that tag, so the catalogue has none', () => {
    expect(Object.keys(FACTS.workloads)).not.toContain('shoppingassistantservice');
    expect(specs.has('shoppingassistantservice')).toBe(false);
  });
});

describe.each(upstream)('%s, as upstream', (name, up) => {
  const spec = specOf(name);

  it('runs the same image, pinned in dev', () => {
    expect(releases('dev')[name]).toEqual({ v1: up.image });
    expect(containerOf(name).image).toBe(up.image);
  });

  it('listens on the same container port, behind a Service on the same port (none for a worker)', () => {
    expect(spec.port ?? null).toBe(up.containerPort);
    const clusterIp = up.services.filter((s) => s.type === 'ClusterIP');
    expect(clusterIp.map((s) => [s.name, s.port, s.targetPort])).toEqual(
      spec.port === undefined ? [] : [[name, servicePortFor(spec), spec.port]],
    );
  });

  it('has the same environment variable names; every address matches its Service and is a dependency', () => {
    // REDIS_ADDR is the platform's (uses.redis), never the spec's own.
    const own = up.env.map((e) => e.name).filter((n) => !(spec.uses?.redis !== undefined && n === 'REDIS_ADDR'));
    expect(Object.keys(spec.env ?? {}).sort()).toEqual([...own].sort());
    const synthesized = new Set((containerOf(name).env ?? []).map((e) => e.name));
    for (const e of up.env) expect([e.name, synthesized.has(e.name)]).toEqual([e.name, true]);
    const addresses = up.env.filter((e) => e.name.endsWith('_ADDR') && e.name !== 'REDIS_ADDR');
    for (const e of addresses) expect([e.name, spec.env?.[e.name]]).toEqual([e.name, e.value]);
    // The addresses of deployed services are the dependencies (the mesh allow-lists); the
    // shopping assistant is not deployed (see frontend.ts), so it is not one.
    const callees = addresses.map((e) => (e.value ?? '').split(':')[0]).filter((callee) => specs.has(callee));
    expect([...(spec.dependencies ?? [])].sort()).toEqual([...new Set(callees)].sort());
    for (const callee of callees) {
      const target = specOf(callee);
      const value = addresses.find((e) => e.value?.startsWith(`${callee}:`))?.value;
      expect(value).toBe(`${callee}:${servicePortFor(target)}`);
    }
  });

  it("has upstream's readiness probe kind; liveness is the platform's TCP check where upstream repeats readiness", () => {
    const probes = find('Deployment', `${name}-v1`).spec as {
      template: { spec: { containers: Array<Record<string, object | undefined>> } };
    };
    const c = probes.template.spec.containers[0];
    const kind = (probe: object | undefined) =>
      probe === undefined ? null : (['grpc', 'httpGet', 'tcpSocket'].find((k) => k in probe) ?? 'unknown');
    expect(kind(c.readinessProbe)).toBe(up.readiness);
    if (up.readinessPath !== null) expect(spec.probes?.readiness).toEqual({ http: up.readinessPath });
    // Upstream's liveness is its readiness check again, which policy RR02-distinct-probes refuses (index.ts).
    expect(up.liveness).toBe(up.readiness);
    expect(kind(c.livenessProbe)).toBe(up.liveness === null ? null : 'tcpSocket');
  });

  it("runs as upstream's UID, which is the platform's default", () => {
    expect(spec.runAsUser ?? 1000).toBe(up.runAsUser);
  });
});

describe('the boutique catalogue', () => {
  it('validates, and validates for dev, staging and prod', () => {
    expect(validateCatalogue(boutique)).toEqual([]);
    for (const profile of ['dev', 'staging', 'prod'] as const) {
      const env = envFor(profile);
      expect(
        validateForEnvironment(boutique, {
          profile,
          defaultTier: env.defaultTier,
          domain: env.domain,
          hasJwtIssuer: true,
          stackFile: `Pulumi.${profile}.yaml`,
          stack: profile,
          gcpProject: env.gcpProject,
        }),
      ).toEqual([]);
    }
  });

  it('synthesizes for staging and prod with the (placeholder) digests those files pin', () => {
    for (const profile of ['staging', 'prod'] as const) {
      const files = synthesize(envFor(profile), boutique, releases(profile)).files;
      expect(files.length).toBeGreaterThan(0);
    }
  });

  it('gives loadgenerator no Service, no container port, no probes and no ingress, and never a route', () => {
    expect(
      objects.filter((o) => o.metadata.name === 'loadgenerator' && ['Service', 'DestinationRule', 'VirtualService'].includes(o.kind)),
    ).toEqual([]);
    const c = containerOf('loadgenerator') as Record<string, unknown>;
    expect([c.ports ?? [], 'readinessProbe' in c, 'livenessProbe' in c]).toEqual([[], false, false]);
    expect(find('NetworkPolicy', 'loadgenerator').spec).toMatchObject({ ingress: [] });
    const gatewayRoutes = objects.filter((o) => o.kind === 'VirtualService' && !specs.has(o.metadata.name));
    expect(gatewayRoutes.length).toBeGreaterThan(0);
    for (const vs of gatewayRoutes) expect(JSON.stringify(vs.spec)).not.toContain('loadgenerator');
  });

  it("lets loadgenerator reach the frontend: the frontend's AuthorizationPolicy names it, its egress is the frontend", () => {
    expect(JSON.stringify(find('AuthorizationPolicy', 'frontend').spec)).toContain('cluster.local/ns/boutique/sa/loadgenerator');
    expect(find('NetworkPolicy', 'loadgenerator').spec).toMatchObject({
      egress: expect.arrayContaining([
        { to: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      ]),
    });
  });

  it('serves the frontend publicly at / on its Service port 80, and nothing else', () => {
    expect([...specs.values()].filter((s) => (s.routes ?? []).length > 0).map((s) => [s.name, s.routes])).toEqual([
      ['frontend', [{ path: '/' }]],
    ]);
    const gatewayRoutes = JSON.stringify(
      objects.filter((o) => o.kind === 'VirtualService' && !specs.has(o.metadata.name)).map((o) => o.spec),
    );
    expect(gatewayRoutes).toContain('"prefix":"/"');
    expect(gatewayRoutes).toContain('"host":"frontend.boutique.svc.cluster.local"');
    expect(gatewayRoutes).toContain('"port":{"number":80}');
    expect(find('Service', 'frontend').spec).toMatchObject({ ports: [{ port: 80, targetPort: 8080 }] });
  });

  it("wires cartservice's Redis from uses.redis: REDIS_ADDR from the platform", () => {
    const env = new Map((containerOf('cartservice').env ?? []).map((e) => [e.name, e.value]));
    expect(env.get('REDIS_ADDR')).toBe('$(REDIS_HOST):$(REDIS_PORT)');
    expect(specOf('cartservice').env?.REDIS_ADDR).toBeUndefined();
  });

  it('passes every mandatory manifest policy', () => {
    const context = environmentContext(
      objects,
      dev,
      { profile: 'dev', allowedRegistries: [REGISTRY] },
      programWrittenObjects(boutique, dev),
    );
    const report = evaluate(RULES, { manifests: context }, { environment: 'dev', exceptions: [], today: '2026-11-30' });
    expect(
      report.violations.filter((v) => v.rule.enforcement === 'mandatory').map((v) => `${v.rule.id} ${v.object}: ${v.message}`),
    ).toEqual([]);
  });
});
