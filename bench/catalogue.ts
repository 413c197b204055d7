/**
 * Deterministic synthetic catalogues for benchmarks and scale tests: `n` services named
 * `svc-0001`..`svc-NNNN`, each pinned to a digest in a `Releases` map. No randomness:
 * the same `n` always gives the same catalogue and the same pins.
 *
 * Shape of service i (1-based):
 *  - one version `v1`; every 5th service (i % 5 === 0) has `v1`/`v2` weighted 90/10
 *    (a canary), `v2` with an extra env var and, for every 10th, a header match;
 *  - config values (become a ConfigMap and env vars), plain env;
 *  - a dependency on the previous service (svc-0001 has none);
 *  - a public prefix route `/svc-NNNN`;
 *  - a mix of protocols, tiers, probes and traffic policies, as a real catalogue has;
 *  - every 10th service reads a database password from a Secret;
 *  - what services use (`uses`): every 4th publishes `<name>-changed`, which the next service
 *    consumes; every 10th has a postgres database, every 25th a redis, every 15th a bucket and
 *    every 20th a Secret Manager secret.
 */
import { createHash } from 'node:crypto';
import { defineCatalogue, defineService } from '../services/define';
import type { EnvironmentConfig } from '../core/config-schema';
import type { Releases } from '../services/releases';
import type { Catalogue, ServiceSpec, ServiceUses, VersionSpec } from '../services/spec';

export const SYNTHETIC_REGISTRY = 'europe-docker.pkg.dev/proj/repo';

export interface SyntheticCatalogue {
  readonly catalogue: Catalogue;
  readonly releases: Releases;
}

/** `svc-0001`: four digits up to 9999 services, so names sort in catalogue order. */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** A stable, well-formed sha256 digest (64 hex) for one service version. */
export function syntheticDigest(service: string, version: string): string {
  return `sha256:${createHash('sha256').update(`${service}/${version}`).digest('hex')}`;
}

export function syntheticImage(service: string, version: string): string {
  return `${SYNTHETIC_REGISTRY}/${service}@${syntheticDigest(service, version)}`;
}

export function syntheticVersions(i: number): VersionSpec[] {
  if (i % 5 !== 0) return [{ name: 'v1' }];
  return [
    { name: 'v1', weight: 90 },
    {
      name: 'v2',
      weight: 10,
      env: { CANARY: 'true' },
      ...(i % 10 === 0 && { headerMatch: { header: 'x-canary', exact: 'always' } }),
    },
  ];
}

export function syntheticService(i: number): ServiceSpec {
  const name = serviceName(i);
  const grpc = i % 7 === 0;
  const previous = i > 1 ? serviceName(i - 1) : undefined;
  return {
    name,
    description: `Synthetic benchmark service ${i}`,
    owner: `team-${String(i % 20).padStart(2, '0')}`,
    port: grpc ? 9090 : 8080,
    protocol: grpc ? 'grpc' : 'http',
    versions: syntheticVersions(i),
    ...(i % 3 === 0 && { resources: { tier: 'medium' as const } }),
    ...(i % 11 === 0 && { replicas: { prod: { min: 4, max: 20 }, cpuTargetPercent: 60 } }),
    probes: grpc ? { readiness: { grpc: true }, liveness: { grpc: true } } : { readiness: { http: '/healthz' }, liveness: { tcp: true } },
    env: { SERVICE_NAME: name, OTEL_SERVICE_NAME: name },
    config: {
      values: {
        LOG_LEVEL: i % 4 === 0 ? 'debug' : 'info',
        CACHE_TTL_SECONDS: String(60 + (i % 10) * 30),
        FEATURE_FLAGS: `search,checkout${i % 2 === 0 ? ',recommendations' : ''}`,
        ...(previous !== undefined && { UPSTREAM_URL: `http://${previous}:${(i - 1) % 7 === 0 ? 9090 : 8080}` }),
      },
      ...(i % 8 === 0 && { files: { 'app.properties': `service.name=${name}\nservice.index=${i}\n` } }),
    },
    ...(i % 10 === 0 && { secrets: [{ env: 'DB_PASSWORD', secret: `${name}-db`, key: 'password' }] }),
    ...(previous !== undefined && { dependencies: [previous] }),
    routes: [{ path: `/${name}`, match: 'prefix' }],
    traffic: { timeout: '5s', retries: { attempts: 2, perTryTimeout: '2s' } },
    ...(i % 6 === 0 && { writablePaths: ['/var/cache/app'] }),
    ...(syntheticUses(i) !== undefined && { uses: syntheticUses(i) }),
  };
}

/** What service i uses; undefined when nothing. The last publisher's event has no consumer (a warning, not an error). */
export function syntheticUses(i: number): ServiceUses | undefined {
  const uses: ServiceUses = {
    ...(i % 10 === 0 && { postgres: {} }),
    ...(i % 25 === 0 && { redis: {} }),
    ...(i % 4 === 0 && { publishes: [`${serviceName(i)}-changed`] }),
    ...(i > 1 && (i - 1) % 4 === 0 && { consumes: [{ event: `${serviceName(i - 1)}-changed` }] }),
    ...(i % 15 === 0 && { buckets: [{ name: 'assets' }] }),
    ...(i % 20 === 0 && { secrets: [{ name: 'api-key' }] }),
  };
  return Object.keys(uses).length === 0 ? undefined : uses;
}

/** Image pins for every version of every service (`service -> version -> image`), digests only. */
export function syntheticReleases(specs: readonly ServiceSpec[]): Releases {
  return Object.fromEntries(
    specs.map((spec) => [spec.name, Object.fromEntries(spec.versions.map((v) => [v.image ?? v.name, syntheticImage(spec.name, v.name)]))]),
  );
}

/** A catalogue of `n` services (named `synthetic-<n>`) and its releases. */
export function syntheticCatalogue(n: number): SyntheticCatalogue {
  if (!Number.isInteger(n) || n < 1 || n > 9999) throw new RangeError(`service count must be a whole number from 1 to 9999, got ${n}`);
  const specs = Array.from({ length: n }, (_, k) => syntheticService(k + 1));
  return {
    catalogue: defineCatalogue(
      `synthetic-${n}`,
      specs.map((spec) => defineService(spec)),
    ),
    releases: syntheticReleases(specs),
  };
}

/**
 * An environment (e.g. prod's settings) hosting the catalogue of `n` services as its one app,
 * `bench` in namespace `bench`: its registry allowed, every owner a team with an email. What the
 * bench's plan and the tests of a large app under a real environment's settings share.
 */
export function syntheticEnvironment<E extends Pick<EnvironmentConfig, 'domain' | 'allowedRegistries'>>(base: E, n: number) {
  const { catalogue, releases } = syntheticCatalogue(n);
  const app = { name: catalogue.name, catalogue: 'bench', namespace: 'bench', host: `bench.${base.domain}`, releases: 'bench.yaml' };
  const owners = [...new Set(catalogue.services.map((s) => s.spec.owner))];
  const config = {
    ...base,
    apps: [app],
    allowedRegistries: [...base.allowedRegistries, SYNTHETIC_REGISTRY],
    teams: Object.fromEntries(owners.map((o) => [o, { email: `${o}@example.com` }])),
  };
  return { config, app, catalogue, releases };
}
