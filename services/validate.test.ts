import * as path from 'node:path';
import bookinfo from './bookinfo';
import reviews from './bookinfo/reviews';
import { defineCatalogue, defineService } from './define';
import { formatProblem, type Problem } from '../core/problems';
import type { Catalogue, ServiceDefinition, ServiceSpec } from './spec';
import { specLocation, validateCatalogue, validateService } from './validate';

/** A small spec with no problems; every test overrides one field of it. */
const base: ServiceSpec = {
  name: 'svc',
  description: 'A test service',
  owner: 'team-a',
  port: 8080,
  versions: [{ name: 'v1' }],
};

/** Where problems of `base` (no source) are reported. */
const WHERE = 'service "svc"';

/** Specs may come from plain JavaScript, so tests pass values the types forbid. */
type Overrides = Record<string, unknown>;

const specWith = (overrides: Overrides): ServiceSpec => ({ ...base, ...overrides });
const problemsWith = (overrides: Overrides): Problem[] => validateService({ spec: specWith(overrides) });

/** A service of a catalogue, with its own name and optional source file. */
const service = (name: string, overrides: Overrides = {}, source?: string): ServiceDefinition => {
  const spec = specWith({ name, ...overrides });
  return source === undefined ? { spec } : { spec, source };
};

interface Expected {
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

/** The one problem expected from a spec: exact where/field/value, meaningful parts of problem and fix. */
const only = (e: Expected, where = WHERE) => [
  { where, field: e.field, value: e.value, problem: expect.stringContaining(e.problem), fix: expect.stringContaining(e.fix) },
];

type Row = [title: string, overrides: Overrides, expected: Expected];

describe('validateService', () => {
  it('accepts the base spec', () => {
    expect(problemsWith({})).toEqual([]);
  });

  it('accepts a spec that sets every optional field to a valid value', () => {
    const full: ServiceSpec = {
      ...base,
      protocol: 'grpc',
      serviceAccountName: 'team-a.svc',
      versions: [
        { name: 'v1', weight: 90, image: 'main', env: { MODE: 'stable' } },
        { name: 'canary', weight: 10, image: 'main', headerMatch: { header: 'x-canary', prefix: 'yes' } },
      ],
      replicas: { dev: { min: 1, max: 1 }, staging: { min: 2, max: 3 }, prod: { min: 3, max: 12 }, cpuTargetPercent: 60 },
      resources: { tier: 'large', requests: { cpu: '750m', memory: '1.5Gi' }, limits: { cpu: '2', memory: '2Gi' } },
      probes: { readiness: { grpc: true }, liveness: { tcp: true }, startup: { http: '/started' }, startupSeconds: 3600 },
      env: { LOG_LEVEL: 'info' },
      config: { values: { FEATURE_X: 'on' }, files: { 'app.conf': 'a=1', '.hidden_file-1': '' }, mountPath: '/etc/svc' },
      secrets: [{ env: 'DB_PASSWORD', secret: 'svc-db.v1', key: 'pass_word-1.txt' }],
      dependencies: ['other'],
      routes: [
        {
          path: '/api/v1',
          match: 'prefix',
          rewrite: '/',
          authRequired: true,
          timeout: '1.5s',
          cors: { allowOrigins: ['https://a.example.com'] },
        },
        { path: '/api/v1', match: 'exact' },
      ],
      traffic: {
        timeout: '2m',
        retries: { attempts: 0, perTryTimeout: '1m' },
        circuitBreaker: {
          maxConnections: 1,
          http1MaxPendingRequests: 1_000_000,
          http2MaxRequests: 10,
          consecutive5xxErrors: 1,
          interval: '1h',
          baseEjectionTime: '30s',
          maxEjectionPercent: 0,
        },
        faults: { delay: { fixedDelay: '5s', percent: 100 }, abort: { httpStatus: 599, percent: 0 } },
      },
      writablePaths: ['/var/cache/app', '/data'],
      runAsUser: 1,
      terminationGracePeriodSeconds: 5,
      slo: { availability: 99.95, latency: { percentile: 99, threshold: '2.5s' } },
    };
    expect(validateService({ spec: full })).toEqual([]);
  });

  it('reports a spec that is not an object', () => {
    const problems = validateService({ spec: null as unknown as ServiceSpec });
    expect(problems).toEqual([
      {
        where: 'service "?"',
        field: 'spec',
        value: null,
        problem: 'is not a ServiceSpec object',
        fix: expect.stringContaining('defineService('),
      },
    ]);
  });

  describe('name', () => {
    it.each([
      ['upper case and "_"', 'Reviews_V1'],
      ['a leading "-"', '-reviews'],
      ['a trailing "-"', 'reviews-'],
      ['a dot', 'book.reviews'],
      ['empty', ''],
    ])('rejects a name with %s', (_title, name) => {
      expect(problemsWith({ name })).toEqual(
        only(
          {
            field: 'name',
            value: name,
            problem: 'must be a DNS-1123 label: at most 63 lower-case letters',
            fix: "rename it, e.g. 'reviews'",
          },
          `service "${name}"`,
        ),
      );
    });

    it('rejects a name that is not a string (and names the spec "?")', () => {
      expect(problemsWith({ name: 42 })).toEqual(
        only({ field: 'name', value: 42, problem: 'must be a DNS-1123 label', fix: 'rename it' }, 'service "?"'),
      );
    });

    it('rejects a name longer than 63 characters (its Deployment name is then too long as well)', () => {
      const name = 'a'.repeat(64);
      const where = `service "${name}"`;
      expect(problemsWith({ name })).toEqual([
        { where, field: 'name', value: name, problem: expect.stringContaining('at most 63'), fix: expect.any(String) },
        {
          where,
          field: 'versions[0].name',
          value: 'v1',
          problem: expect.stringContaining('longer than 63 characters'),
          fix: expect.any(String),
        },
      ]);
    });

    it('accepts a name of exactly 63 characters when the Deployment name still fits', () => {
      // 60 + "-" + "v1" = 63 characters.
      expect(validateService({ spec: { ...base, name: 'a'.repeat(60) } })).toEqual([]);
      expect(validateService({ spec: { ...base, name: 'a'.repeat(63), versions: [] } }).map((p) => p.field)).toEqual(['versions']);
    });
  });

  const rows: Row[] = [
    // Identity
    [
      'description: empty',
      { description: '' },
      { field: 'description', value: '', problem: 'must say in one line what the service does', fix: "add description: '" },
    ],
    [
      'description: blank',
      { description: '   ' },
      { field: 'description', value: '   ', problem: 'must say in one line what the service does', fix: 'add description' },
    ],
    [
      'description: missing',
      { description: undefined },
      { field: 'description', value: undefined, problem: 'must say in one line', fix: 'add description' },
    ],
    [
      'owner: with a space',
      { owner: 'team books' },
      { field: 'owner', value: 'team books', problem: 'must name the owning team as a label value', fix: "set owner: 'team-books'" },
    ],
    ['owner: empty', { owner: '' }, { field: 'owner', value: '', problem: 'must name the owning team', fix: 'set owner' }],
    [
      'owner: longer than 63',
      { owner: 'x'.repeat(64) },
      { field: 'owner', value: 'x'.repeat(64), problem: 'must name the owning team', fix: 'set owner' },
    ],
    [
      'owner: not a string',
      { owner: ['team-a'] },
      { field: 'owner', value: ['team-a'], problem: 'must name the owning team', fix: 'set owner' },
    ],
    [
      'port: 0',
      { port: 0 },
      {
        field: 'port',
        value: 0,
        problem: 'is out of range: a port is a whole number from 1 to 65535',
        fix: 'set the port the container listens on',
      },
    ],
    ['port: 70000', { port: 70000 }, { field: 'port', value: 70000, problem: 'is out of range', fix: 'e.g. 9080' }],
    ['port: not an integer', { port: 80.5 }, { field: 'port', value: 80.5, problem: 'is out of range', fix: 'set the port' }],
    ['port: a string', { port: '8080' }, { field: 'port', value: '8080', problem: 'a whole number from 1 to 65535', fix: 'set the port' }],
    [
      'port: Istio outbound 15001',
      { port: 15001 },
      { field: 'port', value: 15001, problem: 'is reserved by the Istio sidecar', fix: 'listen on another port' },
    ],
    [
      'port: Istio health 15021',
      { port: 15021 },
      { field: 'port', value: 15021, problem: 'is reserved by the Istio sidecar', fix: 'Istio uses 15000-15090' },
    ],
    [
      'port: Istio metrics 15090',
      { port: 15090 },
      { field: 'port', value: 15090, problem: 'is reserved by the Istio sidecar', fix: 'listen on another port' },
    ],
    [
      'protocol',
      { protocol: 'http2' },
      { field: 'protocol', value: 'http2', problem: 'is not a protocol', fix: "use 'http', 'grpc' or 'tcp'" },
    ],
    ['protocol: upper case', { protocol: 'HTTP' }, { field: 'protocol', value: 'HTTP', problem: 'is not a protocol', fix: "'http'" }],
    [
      'serviceAccountName',
      { serviceAccountName: 'Bookinfo_Reviews' },
      { field: 'serviceAccountName', value: 'Bookinfo_Reviews', problem: 'is not a DNS-1123 name', fix: "use e.g. 'bookinfo-reviews'" },
    ],
    [
      'serviceAccountName: empty',
      { serviceAccountName: '' },
      { field: 'serviceAccountName', value: '', problem: 'is not a DNS-1123 name', fix: 'bookinfo-reviews' },
    ],

    // Versions
    [
      'versions: empty',
      { versions: [] },
      { field: 'versions', value: [], problem: 'must list at least one version', fix: "add { name: 'v1' }" },
    ],
    [
      'versions: missing',
      { versions: undefined },
      { field: 'versions', value: undefined, problem: 'must list at least one version', fix: "add { name: 'v1' }" },
    ],
    [
      'versions: not a list',
      { versions: { name: 'v1' } },
      { field: 'versions', value: { name: 'v1' }, problem: 'must list at least one version', fix: 'add' },
    ],
    [
      'versions[0]: not an object',
      { versions: ['v1'] },
      { field: 'versions[0]', value: 'v1', problem: 'must be an object', fix: "write { name: 'v1' }" },
    ],
    [
      'version name: upper case',
      { versions: [{ name: 'V1' }] },
      {
        field: 'versions[0].name',
        value: 'V1',
        problem: 'must be a DNS-1123 label (lower-case letters, digits, "-")',
        fix: "use a name like 'v1' or 'canary'",
      },
    ],
    [
      'version name: missing',
      { versions: [{ weight: 100 }] },
      { field: 'versions[0].name', value: undefined, problem: 'must be a DNS-1123 label', fix: "'canary'" },
    ],
    [
      'version name: declared twice',
      {
        versions: [
          { name: 'v1', weight: 50 },
          { name: 'v1', weight: 50 },
        ],
      },
      { field: 'versions[1].name', value: 'v1', problem: 'is declared twice', fix: 'give each version a distinct name' },
    ],
    [
      'version image: not a key',
      { versions: [{ name: 'v1', image: 'docker.io/app:1' }] },
      { field: 'versions[0].image', value: 'docker.io/app:1', problem: 'is not a valid image key', fix: 'services/releases/<env>.yaml' },
    ],
    [
      'version image: not a string',
      { versions: [{ name: 'v1', image: 1 }] },
      { field: 'versions[0].image', value: 1, problem: 'is not a valid image key', fix: 'use the key of the pin' },
    ],
    [
      'version weight: above 100',
      {
        versions: [
          { name: 'v1', weight: 100 },
          { name: 'v2', weight: 101 },
        ],
      },
      { field: 'versions[1].weight', value: 101, problem: 'must be a whole percentage from 0 to 100', fix: 'set a weight from 0 to 100' },
    ],
    [
      'version weight: negative',
      {
        versions: [
          { name: 'v1', weight: 100 },
          { name: 'v2', weight: -5 },
        ],
      },
      { field: 'versions[1].weight', value: -5, problem: 'must be a whole percentage from 0 to 100', fix: 'set a weight' },
    ],
    [
      'version weight: fractional',
      {
        versions: [
          { name: 'v1', weight: 100 },
          { name: 'v2', weight: 0.5 },
        ],
      },
      { field: 'versions[1].weight', value: 0.5, problem: 'must be a whole percentage', fix: 'set a weight' },
    ],
    [
      'version weight: a string',
      {
        versions: [
          { name: 'v1', weight: 100 },
          { name: 'v2', weight: '0' },
        ],
      },
      { field: 'versions[1].weight', value: '0', problem: 'must be a whole percentage', fix: 'set a weight' },
    ],
    [
      'version weights: sum below 100',
      {
        versions: [
          { name: 'v1', weight: 60 },
          { name: 'v2', weight: 30 },
        ],
      },
      {
        field: 'versions[].weight',
        value: 90,
        problem: 'is the sum of the weights; it must be 100',
        fix: 'adjust the weights so they add up to 100',
      },
    ],
    [
      'version weights: sum above 100',
      {
        versions: [
          { name: 'v1', weight: 60 },
          { name: 'v2', weight: 50 },
        ],
      },
      { field: 'versions[].weight', value: 110, problem: 'it must be 100', fix: 'add up to 100' },
    ],
    [
      'version weights: a single version weighted below 100',
      { versions: [{ name: 'v1', weight: 50 }] },
      { field: 'versions[].weight', value: 50, problem: 'is the sum of the weights; it must be 100', fix: 'add up to 100' },
    ],
    [
      'version weights: one of two missing',
      { versions: [{ name: 'v1', weight: 100 }, { name: 'v2' }] },
      {
        field: 'versions',
        value: ['v1', 'v2'],
        problem: 'has several versions but not every one has a weight',
        fix: 'give every version a weight; the weights must sum to 100',
      },
    ],
    [
      'version weights: none of two given',
      { versions: [{ name: 'v1' }, { name: 'v2' }] },
      { field: 'versions', value: ['v1', 'v2'], problem: 'not every one has a weight', fix: 'give every version a weight' },
    ],
    [
      'headerMatch: header not lower case',
      { versions: [{ name: 'v1', headerMatch: { header: 'End-User', exact: 'jason' } }] },
      {
        field: 'versions[0].headerMatch.header',
        value: 'End-User',
        problem: 'must be a lower-case HTTP header name',
        fix: "{ header: 'end-user', exact: 'jason' }",
      },
    ],
    [
      'headerMatch: header with a space',
      { versions: [{ name: 'v1', headerMatch: { header: 'end user', exact: 'jason' } }] },
      { field: 'versions[0].headerMatch.header', value: 'end user', problem: 'must be a lower-case HTTP header name', fix: 'end-user' },
    ],
    [
      'headerMatch: not an object',
      { versions: [{ name: 'v1', headerMatch: 'end-user' }] },
      { field: 'versions[0].headerMatch.header', value: 'end-user', problem: 'must be a lower-case HTTP header name', fix: 'end-user' },
    ],
    [
      'headerMatch: neither exact nor prefix',
      { versions: [{ name: 'v1', headerMatch: { header: 'end-user' } }] },
      {
        field: 'versions[0].headerMatch',
        value: { header: 'end-user' },
        problem: 'must set exactly one of "exact" or "prefix"',
        fix: "exact: 'jason'",
      },
    ],
    [
      'headerMatch: both exact and prefix',
      { versions: [{ name: 'v1', headerMatch: { header: 'end-user', exact: 'jason', prefix: 'ja' } }] },
      {
        field: 'versions[0].headerMatch',
        value: { header: 'end-user', exact: 'jason', prefix: 'ja' },
        problem: 'must set exactly one of "exact" or "prefix"',
        fix: 'end-user',
      },
    ],
    [
      'version env: invalid key',
      { versions: [{ name: 'v1', env: { '1ST': 'x' } }] },
      {
        field: 'versions[0].env.1ST',
        value: '1ST',
        problem: 'is not a valid key',
        fix: 'use letters, digits and "_", not starting with a digit',
      },
    ],
    [
      'version env: non-string value',
      { versions: [{ name: 'v1', env: { WORKERS: 4 } }] },
      { field: 'versions[0].env.WORKERS', value: 4, problem: 'must be a string', fix: "quote it: '4'" },
    ],

    // Workload
    [
      'replicas: min 0',
      { replicas: { dev: { min: 0, max: 2 } } },
      { field: 'replicas.dev.min', value: 0, problem: 'must be a whole number from 1 to 1000', fix: 'use 1 to 1000 replicas' },
    ],
    [
      'replicas: min fractional',
      { replicas: { staging: { min: 1.5, max: 2 } } },
      { field: 'replicas.staging.min', value: 1.5, problem: 'must be a whole number from 1 to 1000', fix: 'replica' },
    ],
    [
      'replicas: max above 1000',
      { replicas: { prod: { min: 3, max: 1001 } } },
      { field: 'replicas.prod.max', value: 1001, problem: 'must be a whole number from 1 to 1000', fix: 'replica' },
    ],
    [
      'replicas: max fractional',
      { replicas: { dev: { min: 1, max: 2.5 } } },
      { field: 'replicas.dev.max', value: 2.5, problem: 'must be a whole number from 1 to 1000', fix: 'use 1 to 1000 replicas' },
    ],
    [
      'replicas: max below min',
      { replicas: { prod: { min: 5, max: 3 } } },
      { field: 'replicas.prod.max', value: 3, problem: 'is below min (5)', fix: 'set max to min or more' },
    ],
    [
      'replicas.cpuTargetPercent: 0',
      { replicas: { cpuTargetPercent: 0 } },
      {
        field: 'replicas.cpuTargetPercent',
        value: 0,
        problem: 'must be a whole number from 1 to 100',
        fix: 'a percentage of the CPU request from 1 to 100',
      },
    ],
    [
      'replicas.cpuTargetPercent: 101',
      { replicas: { cpuTargetPercent: 101 } },
      { field: 'replicas.cpuTargetPercent', value: 101, problem: 'from 1 to 100', fix: 'e.g. 70' },
    ],
    [
      'resources.tier',
      { resources: { tier: 'huge' } },
      { field: 'resources.tier', value: 'huge', problem: 'is not a tier', fix: 'use one of small, medium, large' },
    ],
    [
      'resources.requests.cpu: with a space',
      { resources: { requests: { cpu: '250 m' } } },
      { field: 'resources.requests.cpu', value: '250 m', problem: 'is not a CPU quantity', fix: "write e.g. '250m' or '1'" },
    ],
    [
      'resources.limits.cpu: a number',
      { resources: { limits: { cpu: 2 } } },
      { field: 'resources.limits.cpu', value: 2, problem: 'is not a CPU quantity', fix: "'250m'" },
    ],
    [
      'resources.limits.memory: decimal units',
      { resources: { limits: { memory: '1GB' } } },
      {
        field: 'resources.limits.memory',
        value: '1GB',
        problem: 'is not a memory quantity in binary units',
        fix: "write e.g. '256Mi' or '1Gi'",
      },
    ],
    [
      'resources.requests.memory: bare bytes',
      { resources: { requests: { memory: '536870912' } } },
      { field: 'resources.requests.memory', value: '536870912', problem: 'is not a memory quantity in binary units', fix: "'256Mi'" },
    ],
    [
      'resources: cpu request above limit',
      { resources: { requests: { cpu: '2' }, limits: { cpu: '1500m' } } },
      { field: 'resources.requests.cpu', value: '2', problem: 'is above the limit (1500m)', fix: 'raise the limit or lower the request' },
    ],
    [
      'resources: memory request above limit',
      { resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } },
      {
        field: 'resources.requests.memory',
        value: '1Gi',
        problem: 'is above the limit (512Mi)',
        fix: 'raise the limit or lower the request',
      },
    ],
    [
      'probes.readiness: http path without "/"',
      { probes: { readiness: { http: 'health' } } },
      { field: 'probes.readiness.http', value: 'health', problem: 'must be a path starting with "/"', fix: "{ http: '/health' }" },
    ],
    [
      'probes.startup: http path not a string',
      { probes: { startup: { http: 8080 } } },
      { field: 'probes.startup.http', value: 8080, problem: 'must be a path starting with "/"', fix: 'health endpoint' },
    ],
    [
      'probes.liveness: tcp false',
      { probes: { liveness: { tcp: false } } },
      {
        field: 'probes.liveness',
        value: { tcp: false },
        problem: 'is not a probe',
        fix: "use { http: '/path' }, { tcp: true } or { grpc: true }",
      },
    ],
    [
      'probes.startup: a string',
      { probes: { startup: 'tcp' } },
      { field: 'probes.startup', value: 'tcp', problem: 'is not a probe', fix: '{ grpc: true }' },
    ],
    [
      'probes.readiness: exec',
      { probes: { readiness: { exec: ['cat', '/ready'] } } },
      { field: 'probes.readiness', value: { exec: ['cat', '/ready'] }, problem: 'is not a probe', fix: '{ tcp: true }' },
    ],
    [
      'probes.startupSeconds: 0',
      { probes: { startupSeconds: 0 } },
      {
        field: 'probes.startupSeconds',
        value: 0,
        problem: 'must be a whole number from 1 to 3600',
        fix: 'the seconds the service may take to start',
      },
    ],
    [
      'probes.startupSeconds: 3601',
      { probes: { startupSeconds: 3601 } },
      { field: 'probes.startupSeconds', value: 3601, problem: 'from 1 to 3600', fix: 'e.g. 60' },
    ],
    [
      'runAsUser: root',
      { runAsUser: 0 },
      { field: 'runAsUser', value: 0, problem: 'must be a whole number from 1 to 2147483647', fix: 'use a non-root UID (1 or more)' },
    ],
    ['runAsUser: negative', { runAsUser: -1 }, { field: 'runAsUser', value: -1, problem: 'from 1 to 2147483647', fix: 'non-root' }],
    [
      'terminationGracePeriodSeconds: 1',
      { terminationGracePeriodSeconds: 1 },
      {
        field: 'terminationGracePeriodSeconds',
        value: 1,
        problem: 'must be a whole number from 5 to 3600',
        fix: 'allow at least 5 seconds for in-flight requests',
      },
    ],
    [
      'terminationGracePeriodSeconds: 3601',
      { terminationGracePeriodSeconds: 3601 },
      { field: 'terminationGracePeriodSeconds', value: 3601, problem: 'from 5 to 3600', fix: 'at least 5 seconds' },
    ],
    [
      'writablePaths: relative',
      { writablePaths: ['var/cache'] },
      {
        field: 'writablePaths[0]',
        value: 'var/cache',
        problem: 'must be an absolute directory other than "/" and "/tmp" (always writable)',
        fix: "write e.g. '/var/cache/app'",
      },
    ],
    [
      'writablePaths: /tmp',
      { writablePaths: ['/tmp'] },
      { field: 'writablePaths[0]', value: '/tmp', problem: 'other than "/" and "/tmp"', fix: '/var/cache/app' },
    ],
    [
      'writablePaths: /',
      { writablePaths: ['/data', '/'] },
      { field: 'writablePaths[1]', value: '/', problem: 'other than "/" and "/tmp"', fix: '/var/cache/app' },
    ],
    [
      'writablePaths: ".."',
      { writablePaths: ['/var/../etc'] },
      { field: 'writablePaths[0]', value: '/var/../etc', problem: 'must be an absolute directory', fix: '/var/cache/app' },
    ],
    [
      'writablePaths: duplicate',
      { writablePaths: ['/data', '/cache', '/data'] },
      { field: 'writablePaths[2]', value: '/data', problem: 'is listed twice', fix: 'remove the duplicate' },
    ],
    [
      'writablePaths: not a list',
      { writablePaths: '/data' },
      { field: 'writablePaths', value: '/data', problem: 'must be a list of directories', fix: "write ['/var/cache/app']" },
    ],

    // Environment, config and secrets
    [
      'env: key starting with a digit',
      { env: { '1ST_RUN': 'x' } },
      {
        field: 'env.1ST_RUN',
        value: '1ST_RUN',
        problem: 'is not a valid key',
        fix: 'use letters, digits and "_", not starting with a digit',
      },
    ],
    [
      'env: key with "-"',
      { env: { 'LOG-LEVEL': 'x' } },
      { field: 'env.LOG-LEVEL', value: 'LOG-LEVEL', problem: 'is not a valid key', fix: 'not starting with a digit' },
    ],
    [
      'env: non-string value',
      { env: { WORKERS: 8080 } },
      { field: 'env.WORKERS', value: 8080, problem: 'must be a string', fix: "quote it: '8080'" },
    ],
    [
      'env: boolean value',
      { env: { DEBUG: true } },
      { field: 'env.DEBUG', value: true, problem: 'must be a string', fix: "quote it: 'true'" },
    ],
    [
      'env: not an object',
      { env: 'LOG_LEVEL=info' },
      { field: 'env', value: 'LOG_LEVEL=info', problem: 'must be an object of string values', fix: "write it as { KEY: 'value' }" },
    ],
    [
      'env: a password as a plain value',
      { env: { DB_PASSWORD: 'hunter2' } },
      {
        field: 'env.DB_PASSWORD',
        value: 'DB_PASSWORD',
        problem: 'looks like a secret but is given as a plain value',
        fix: "move it to secrets: [{ env: 'DB_PASSWORD', secret: '<secret name>', key: '<key>' }]",
      },
    ],
    [
      'env: an API key as a plain value',
      { env: { STRIPE_API_KEY: 'sk_live_x' } },
      { field: 'env.STRIPE_API_KEY', value: 'STRIPE_API_KEY', problem: 'looks like a secret', fix: 'so the value never enters git' },
    ],
    [
      'config.values: a token as a plain value',
      { config: { values: { auth_token: 'abc' } } },
      {
        field: 'config.values.auth_token',
        value: 'auth_token',
        problem: 'looks like a secret but is given as a plain value',
        fix: "move it to secrets: [{ env: 'auth_token'",
      },
    ],
    [
      'config.values: invalid key',
      { config: { values: { 'feature.x': 'on' } } },
      {
        field: 'config.values.feature.x',
        value: 'feature.x',
        problem: 'is not a valid key',
        fix: 'config values become environment variables',
      },
    ],
    [
      'config.values: non-string value',
      { config: { values: { FLOOD_FACTOR: 0 } } },
      { field: 'config.values.FLOOD_FACTOR', value: 0, problem: 'must be a string', fix: "quote it: '0'" },
    ],
    [
      'secrets: with a value',
      { secrets: [{ env: 'DB_PASSWORD', secret: 'svc-db', key: 'password', value: 'hunter2' }] },
      {
        field: 'secrets[0].value',
        value: '(redacted)',
        problem: 'is a secret value in the catalogue',
        fix: 'delete it: store the value in a Kubernetes Secret',
      },
    ],
    [
      'secrets: env not a variable name',
      { secrets: [{ env: 'DB-PASSWORD', secret: 'svc-db', key: 'password' }] },
      { field: 'secrets[0].env', value: 'DB-PASSWORD', problem: 'is not an environment variable name', fix: 'use letters, digits and "_"' },
    ],
    [
      'secrets: secret not a Secret name',
      { secrets: [{ env: 'DB_PASSWORD', secret: 'Svc_DB', key: 'password' }] },
      {
        field: 'secrets[0].secret',
        value: 'Svc_DB',
        problem: 'is not a Secret name',
        fix: 'use the DNS-1123 name of the Kubernetes Secret',
      },
    ],
    [
      'secrets: secret missing',
      { secrets: [{ env: 'DB_PASSWORD', key: 'password' }] },
      { field: 'secrets[0].secret', value: undefined, problem: 'is not a Secret name', fix: 'Kubernetes Secret' },
    ],
    [
      'secrets: key with "/"',
      { secrets: [{ env: 'DB_PASSWORD', secret: 'svc-db', key: 'db/password' }] },
      { field: 'secrets[0].key', value: 'db/password', problem: 'is not a Secret key', fix: 'use letters, digits, "-", "_" or "."' },
    ],
    [
      'secrets: entry not an object',
      { secrets: ['DB_PASSWORD'] },
      {
        field: 'secrets[0]',
        value: 'DB_PASSWORD',
        problem: 'must be an object',
        fix: "{ env: 'DB_PASSWORD', secret: 'ratings-db', key: 'password' }",
      },
    ],
    [
      'secrets: not a list',
      { secrets: { env: 'DB_PASSWORD', secret: 'svc-db', key: 'password' } },
      {
        field: 'secrets',
        value: { env: 'DB_PASSWORD', secret: 'svc-db', key: 'password' },
        problem: 'must be a list',
        fix: "[{ env: 'DB_PASSWORD'",
      },
    ],
    [
      'env name in env and config.values',
      { env: { DB_HOST: 'a' }, config: { values: { DB_HOST: 'b' } } },
      {
        field: 'env',
        value: 'DB_HOST',
        problem: 'is set more than once (env, config.values, secrets)',
        fix: 'set each environment variable in one place',
      },
    ],
    [
      'env name in env and secrets',
      { env: { DB_USER: 'app' }, secrets: [{ env: 'DB_USER', secret: 'svc-db', key: 'user' }] },
      { field: 'env', value: 'DB_USER', problem: 'is set more than once', fix: 'in one place' },
    ],
    [
      'env name in two secrets',
      {
        secrets: [
          { env: 'DB_PASSWORD', secret: 'a', key: 'k' },
          { env: 'DB_PASSWORD', secret: 'b', key: 'k' },
        ],
      },
      { field: 'env', value: 'DB_PASSWORD', problem: 'is set more than once', fix: 'in one place' },
    ],
    [
      'config.files: key with "/"',
      { config: { files: { 'conf/app.yaml': 'a: 1' } } },
      {
        field: 'config.files.conf/app.yaml',
        value: 'conf/app.yaml',
        problem: 'is not a valid key',
        fix: 'file names may use letters, digits, "-", "_" and "."',
      },
    ],
    [
      'config.files: non-string content',
      { config: { files: { 'app.json': { a: 1 } } } },
      { field: 'config.files.app.json', value: { a: 1 }, problem: 'must be a string', fix: 'quote it' },
    ],
    [
      'config.files: not an object',
      { config: { files: 'app.conf' } },
      { field: 'config.files', value: 'app.conf', problem: 'must be an object of string values', fix: '{ KEY' },
    ],
    [
      'config.mountPath: relative',
      { config: { mountPath: 'etc/svc' } },
      {
        field: 'config.mountPath',
        value: 'etc/svc',
        problem: 'must be an absolute directory other than "/"',
        fix: "use e.g. '/etc/<service>'",
      },
    ],
    [
      'config.mountPath: /',
      { config: { mountPath: '/' } },
      { field: 'config.mountPath', value: '/', problem: 'must be an absolute directory other than "/"', fix: '/etc/<service>' },
    ],

    // Dependencies
    [
      'dependencies: itself',
      { dependencies: ['svc'] },
      { field: 'dependencies[0]', value: 'svc', problem: 'is the service itself', fix: 'remove it: a service may always call itself' },
    ],
    [
      'dependencies: listed twice',
      { dependencies: ['ratings', 'details', 'ratings'] },
      { field: 'dependencies[2]', value: 'ratings', problem: 'is listed twice', fix: 'remove the duplicate' },
    ],
    [
      'dependencies: not a list',
      { dependencies: 'ratings' },
      { field: 'dependencies', value: 'ratings', problem: 'must be a list of service names', fix: "write dependencies: ['ratings']" },
    ],

    // Public routes
    [
      'route path: no leading "/"',
      { routes: [{ path: 'productpage' }] },
      {
        field: 'routes[0].path',
        value: 'productpage',
        problem: 'must be a host-relative path starting with "/" (no query, fragment, spaces or "..")',
        fix: "write e.g. '/api/v1/products'",
      },
    ],
    [
      'route path: a space',
      { routes: [{ path: '/product page' }] },
      { field: 'routes[0].path', value: '/product page', problem: 'must be a host-relative path', fix: '/api/v1/products' },
    ],
    [
      'route path: a query',
      { routes: [{ path: '/products?id=1' }] },
      { field: 'routes[0].path', value: '/products?id=1', problem: 'no query', fix: '/api/v1/products' },
    ],
    [
      'route path: a fragment',
      { routes: [{ path: '/products#top' }] },
      { field: 'routes[0].path', value: '/products#top', problem: 'fragment', fix: '/api/v1/products' },
    ],
    [
      'route path: ".."',
      { routes: [{ path: '/static/../admin' }] },
      { field: 'routes[0].path', value: '/static/../admin', problem: 'no query, fragment, spaces or ".."', fix: '/api/v1/products' },
    ],
    [
      'route path: missing',
      { routes: [{ match: 'exact' }] },
      { field: 'routes[0].path', value: undefined, problem: 'must be a host-relative path', fix: '/api/v1/products' },
    ],
    [
      'route match',
      { routes: [{ path: '/api', match: 'regex' }] },
      { field: 'routes[0].match', value: 'regex', problem: 'must be "exact" or "prefix"', fix: "use match: 'exact' or match: 'prefix'" },
    ],
    [
      'route: declared twice (default match is prefix)',
      { routes: [{ path: '/api' }, { path: '/api', match: 'prefix' }] },
      { field: 'routes[1].path', value: '/api', problem: 'is declared twice', fix: 'remove the duplicate route' },
    ],
    [
      'route rewrite',
      { routes: [{ path: '/api', rewrite: 'v2' }] },
      { field: 'routes[0].rewrite', value: 'v2', problem: 'must be a path starting with "/"', fix: "write e.g. rewrite: '/'" },
    ],
    [
      'route authRequired',
      { routes: [{ path: '/api', authRequired: 'yes' }] },
      { field: 'routes[0].authRequired', value: 'yes', problem: 'must be true or false', fix: 'write authRequired: true' },
    ],
    [
      'route timeout',
      { routes: [{ path: '/api', timeout: '5 seconds' }] },
      {
        field: 'routes[0].timeout',
        value: '5 seconds',
        problem: 'is not a duration',
        fix: "write it as a number and a unit: '250ms', '5s', '1m'",
      },
    ],
    [
      'route cors: no origins',
      { routes: [{ path: '/api', cors: { allowOrigins: [] } }] },
      {
        field: 'routes[0].cors.allowOrigins',
        value: [],
        problem: 'must list at least one origin',
        fix: "cors: { allowOrigins: ['https://app.example.com'] }",
      },
    ],
    [
      'route cors: origins missing',
      { routes: [{ path: '/api', cors: { allowMethods: ['GET'] } }] },
      { field: 'routes[0].cors.allowOrigins', value: undefined, problem: 'must list at least one origin', fix: 'allowOrigins' },
    ],
    [
      'route cors: not an object',
      { routes: [{ path: '/api', cors: true }] },
      { field: 'routes[0].cors.allowOrigins', value: true, problem: 'must list at least one origin', fix: 'allowOrigins' },
    ],
    [
      'route: not an object',
      { routes: ['/api'] },
      { field: 'routes[0]', value: '/api', problem: 'must be an object', fix: "{ path: '/productpage', match: 'exact' }" },
    ],
    [
      'routes: not a list',
      { routes: { path: '/api' } },
      { field: 'routes', value: { path: '/api' }, problem: 'must be a list', fix: "[{ path: '/productpage', match: 'exact' }]" },
    ],

    // Traffic
    [
      'traffic.timeout: no unit',
      { traffic: { timeout: '10' } },
      { field: 'traffic.timeout', value: '10', problem: 'is not a duration', fix: "'250ms', '5s', '1m'" },
    ],
    [
      'traffic.timeout: days',
      { traffic: { timeout: '1d' } },
      { field: 'traffic.timeout', value: '1d', problem: 'is not a duration', fix: 'a number and a unit' },
    ],
    [
      'traffic.timeout: a number',
      { traffic: { timeout: 10 } },
      { field: 'traffic.timeout', value: 10, problem: 'is not a duration', fix: 'a number and a unit' },
    ],
    [
      'traffic.timeout: 0s',
      { traffic: { timeout: '0s' } },
      {
        field: 'traffic.timeout',
        value: '0s',
        problem: "is shorter than 1ms: Istio's CRD rejects it (must be a valid duration greater than 1ms)",
        fix: "use at least '1ms', or leave the field out",
      },
    ],
    [
      'traffic.retries.perTryTimeout: 0.5ms',
      { traffic: { retries: { perTryTimeout: '0.5ms' } } },
      { field: 'traffic.retries.perTryTimeout', value: '0.5ms', problem: 'is shorter than 1ms', fix: "at least '1ms'" },
    ],
    [
      'traffic.circuitBreaker.interval: 0m',
      { traffic: { circuitBreaker: { interval: '0m' } } },
      { field: 'traffic.circuitBreaker.interval', value: '0m', problem: 'is shorter than 1ms', fix: "at least '1ms'" },
    ],
    [
      'traffic.faults.delay.fixedDelay: 0s',
      { traffic: { faults: { delay: { fixedDelay: '0s', percent: 10 } } } },
      { field: 'traffic.faults.delay.fixedDelay', value: '0s', problem: 'is shorter than 1ms', fix: "at least '1ms'" },
    ],
    [
      'route timeout: 0h',
      { routes: [{ path: '/api', timeout: '0h' }] },
      { field: 'routes[0].timeout', value: '0h', problem: 'is shorter than 1ms', fix: "at least '1ms'" },
    ],
    [
      'route cors maxAge: 0s',
      { routes: [{ path: '/api', cors: { allowOrigins: ['https://a.example.com'], maxAge: '0s' } }] },
      { field: 'routes[0].cors.maxAge', value: '0s', problem: 'is shorter than 1ms', fix: "at least '1ms'" },
    ],
    [
      'route cors maxAge: not a duration',
      { routes: [{ path: '/api', cors: { allowOrigins: ['https://a.example.com'], maxAge: 'a day' } }] },
      { field: 'routes[0].cors.maxAge', value: 'a day', problem: 'is not a duration', fix: "'250ms', '5s', '1m'" },
    ],
    [
      'traffic.retries.attempts: 11',
      { traffic: { retries: { attempts: 11 } } },
      { field: 'traffic.retries.attempts', value: 11, problem: 'must be a whole number from 0 to 10', fix: 'use 0 (no retries) to 10' },
    ],
    [
      'traffic.retries.attempts: -1',
      { traffic: { retries: { attempts: -1 } } },
      { field: 'traffic.retries.attempts', value: -1, problem: 'from 0 to 10', fix: 'no retries' },
    ],
    [
      'traffic.retries.perTryTimeout',
      { traffic: { retries: { perTryTimeout: 'fast' } } },
      { field: 'traffic.retries.perTryTimeout', value: 'fast', problem: 'is not a duration', fix: "'5s'" },
    ],
    [
      'traffic.circuitBreaker.maxConnections: 0',
      { traffic: { circuitBreaker: { maxConnections: 0 } } },
      {
        field: 'traffic.circuitBreaker.maxConnections',
        value: 0,
        problem: 'must be a whole number from 1 to 1000000',
        fix: 'use a positive whole number',
      },
    ],
    [
      'traffic.circuitBreaker.http1MaxPendingRequests: fractional',
      { traffic: { circuitBreaker: { http1MaxPendingRequests: 1.5 } } },
      { field: 'traffic.circuitBreaker.http1MaxPendingRequests', value: 1.5, problem: 'from 1 to 1000000', fix: 'positive whole number' },
    ],
    [
      'traffic.circuitBreaker.http2MaxRequests: too many',
      { traffic: { circuitBreaker: { http2MaxRequests: 1_000_001 } } },
      { field: 'traffic.circuitBreaker.http2MaxRequests', value: 1_000_001, problem: 'from 1 to 1000000', fix: 'positive whole number' },
    ],
    [
      'traffic.circuitBreaker.consecutive5xxErrors: negative',
      { traffic: { circuitBreaker: { consecutive5xxErrors: -3 } } },
      { field: 'traffic.circuitBreaker.consecutive5xxErrors', value: -3, problem: 'from 1 to 1000000', fix: 'positive whole number' },
    ],
    [
      'traffic.circuitBreaker.maxEjectionPercent',
      { traffic: { circuitBreaker: { maxEjectionPercent: 101 } } },
      {
        field: 'traffic.circuitBreaker.maxEjectionPercent',
        value: 101,
        problem: 'must be a whole number from 0 to 100',
        fix: 'use a percentage from 0 to 100',
      },
    ],
    [
      'traffic.circuitBreaker.interval',
      { traffic: { circuitBreaker: { interval: '10' } } },
      { field: 'traffic.circuitBreaker.interval', value: '10', problem: 'is not a duration', fix: "'1m'" },
    ],
    [
      'traffic.circuitBreaker.baseEjectionTime',
      { traffic: { circuitBreaker: { baseEjectionTime: 'forever' } } },
      { field: 'traffic.circuitBreaker.baseEjectionTime', value: 'forever', problem: 'is not a duration', fix: "'1m'" },
    ],
    [
      'traffic.faults.delay.fixedDelay',
      { traffic: { faults: { delay: { fixedDelay: '5', percent: 10 } } } },
      { field: 'traffic.faults.delay.fixedDelay', value: '5', problem: 'is not a duration', fix: "'5s'" },
    ],
    [
      'traffic.faults.delay.percent',
      { traffic: { faults: { delay: { fixedDelay: '5s', percent: 101 } } } },
      {
        field: 'traffic.faults.delay.percent',
        value: 101,
        problem: 'must be a whole number from 0 to 100',
        fix: 'use a percentage from 0 to 100',
      },
    ],
    [
      'traffic.faults.abort.httpStatus: 600',
      { traffic: { faults: { abort: { httpStatus: 600, percent: 10 } } } },
      {
        field: 'traffic.faults.abort.httpStatus',
        value: 600,
        problem: 'must be a whole number from 200 to 599',
        fix: 'use an HTTP status code, e.g. 503',
      },
    ],
    [
      'traffic.faults.abort.httpStatus: 100',
      { traffic: { faults: { abort: { httpStatus: 100, percent: 10 } } } },
      { field: 'traffic.faults.abort.httpStatus', value: 100, problem: 'from 200 to 599', fix: 'e.g. 503' },
    ],
    [
      'traffic.faults.abort.percent',
      { traffic: { faults: { abort: { httpStatus: 503, percent: -1 } } } },
      {
        field: 'traffic.faults.abort.percent',
        value: -1,
        problem: 'must be a whole number from 0 to 100',
        fix: 'use a percentage from 0 to 100',
      },
    ],
    [
      'traffic.retries.perTryTimeout above the timeout',
      { traffic: { timeout: '1s', retries: { perTryTimeout: '1500ms' } } },
      {
        field: 'traffic.retries.perTryTimeout',
        value: '1500ms',
        problem: 'is longer than the whole-request timeout (1s)',
        fix: 'lower perTryTimeout or raise traffic.timeout',
      },
    ],
    [
      'traffic.retries.retryOn malformed',
      { traffic: { retries: { retryOn: '5xx; reset' } } },
      {
        field: 'traffic.retries.retryOn',
        value: '5xx; reset',
        problem: 'is not a comma-separated list of Envoy retry conditions',
        fix: "'connect-failure,refused-stream,5xx'",
      },
    ],
    [
      'routes[0].host not a DNS name',
      { routes: [{ path: '/a', host: 'https://a.example.com' }] },
      {
        field: 'routes[0].host',
        value: 'https://a.example.com',
        problem: 'must be a lower-case DNS name',
        fix: "leave it out for the environment's domain",
      },
    ],
    [
      'routes[0].version unknown',
      { routes: [{ path: '/a', version: 'v9' }] },
      {
        field: 'routes[0].version',
        value: 'v9',
        problem: 'is not a version of this service',
        fix: 'use one of: v1, or leave it out to use the weights',
      },
    ],
    [
      'public routes on a tcp service',
      { protocol: 'tcp', routes: [{ path: '/a' }] },
      { field: 'routes', value: 1, problem: 'are HTTP routes, but the service speaks tcp', fix: "set protocol: 'http' or 'grpc'" },
    ],
    [
      'a header match on a tcp service',
      { protocol: 'tcp', versions: [{ name: 'v1', headerMatch: { header: 'x-user', exact: 'a' } }] },
      { field: 'versions[].headerMatch', value: 'tcp', problem: 'needs HTTP headers', fix: 'remove the header match' },
    ],
    [
      'retries on a tcp service',
      { protocol: 'tcp', traffic: { retries: { attempts: 1 } } },
      { field: 'traffic', value: 'tcp', problem: 'sets HTTP retries or faults', fix: 'remove traffic.retries' },
    ],
    [
      'gcp without roles',
      { gcp: { roles: [] } },
      { field: 'gcp.roles', value: [], problem: 'must list at least one role', fix: 'or remove gcp' },
    ],
    [
      'gcp role malformed',
      { gcp: { roles: ['storage.admin'] } },
      { field: 'gcp.roles[0]', value: 'storage.admin', problem: 'is not a predefined IAM role name', fix: "'roles/storage.objectViewer'" },
    ],
    [
      'gcp basic role',
      { gcp: { roles: ['roles/editor'] } },
      { field: 'gcp.roles[0]', value: 'roles/editor', problem: 'is a basic role', fix: 'grant the predefined roles' },
    ],
    [
      'gcp role twice',
      { gcp: { roles: ['roles/pubsub.publisher', 'roles/pubsub.publisher'] } },
      { field: 'gcp.roles[1]', value: 'roles/pubsub.publisher', problem: 'is listed twice', fix: 'remove the duplicate' },
    ],
    ['gcp not an object', { gcp: 'yes' }, { field: 'gcp', value: 'yes', problem: 'must be an object', fix: 'write gcp: { roles:' }],
    [
      'traffic.faults.delay without fixedDelay',
      { traffic: { faults: { delay: { percent: 10 } } } },
      { field: 'traffic.faults.delay.fixedDelay', value: undefined, problem: 'is required', fix: "write fixedDelay: '2s'" },
    ],
    [
      'traffic.faults.abort without percent',
      { traffic: { faults: { abort: { httpStatus: 503 } } } },
      { field: 'traffic.faults.abort.percent', value: undefined, problem: 'is required', fix: 'write percent: 10' },
    ],
    [
      'traffic.retries not an object',
      { traffic: { retries: 3 } },
      { field: 'traffic.retries', value: 3, problem: 'must be an object', fix: 'write retries: { attempts: 2 }' },
    ],
    [
      'config not an object',
      { config: 'LEVEL=info' },
      { field: 'config', value: 'LEVEL=info', problem: 'must be an object', fix: 'write config: { values:' },
    ],
    [
      'replicas range without max',
      { replicas: { staging: { min: 2 } } },
      { field: 'replicas.staging.max', value: undefined, problem: 'is required when the range is given', fix: 'set both min and max' },
    ],
  ];

  it.each(rows)('reports %s', (_title, overrides, expected) => {
    expect(problemsWith(overrides)).toEqual(only(expected));
  });

  it("reports both durations of the issue-13 example, which Istio's CRD rules reject", () => {
    const problems = problemsWith({ traffic: { timeout: '0s', retries: { attempts: 0, perTryTimeout: '0s' } } });
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['traffic.timeout', '0s'],
      ['traffic.retries.perTryTimeout', '0s'],
    ]);
    expect(problemsWith({ traffic: { timeout: '1ms', retries: { attempts: 0, perTryTimeout: '1ms' } } })).toEqual([]);
  });

  it('reports a version whose Deployment name would be longer than 63 characters', () => {
    const name = 'a'.repeat(55); // valid on its own
    expect(problemsWith({ name, versions: [{ name: 'canary-1' }] })).toEqual(
      only(
        {
          field: 'versions[0].name',
          value: 'canary-1',
          problem: `makes the Deployment name "${name}-canary-1" longer than 63 characters`,
          fix: 'shorten the service or version name',
        },
        `service "${name}"`,
      ),
    );
    // 55 + "-" + 7 = 63: still fits.
    expect(problemsWith({ name, versions: [{ name: 'canary1' }] })).toEqual([]);
  });

  it('reports a config too large for a ConfigMap', () => {
    const config = { files: { 'big.txt': 'x'.repeat(900 * 1024) } };
    const size = JSON.stringify(config).length;
    expect(problemsWith({ config })).toEqual(
      only({
        field: 'config',
        value: `${size} bytes`,
        problem: 'is too large for a ConfigMap (1 MiB limit)',
        fix: 'move large files into the image or a volume',
      }),
    );
    // Just under the threshold is fine.
    const fits = { files: { 'big.txt': 'x'.repeat(900 * 1024 - 40) } };
    expect(JSON.stringify(fits).length).toBeLessThanOrEqual(900 * 1024);
    expect(problemsWith({ config: fits })).toEqual([]);
  });

  it('reports every problem of a spec, not just the first', () => {
    const problems = problemsWith({
      owner: '',
      port: 0,
      versions: [
        { name: 'v1', weight: 70 },
        { name: 'v2', weight: 20 },
      ],
      env: { API_TOKEN: 'abc' },
      routes: [{ path: 'api' }],
      traffic: { timeout: 'soon' },
    });
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['owner', ''],
      ['port', 0],
      ['versions[].weight', 90],
      ['env.API_TOKEN', 'API_TOKEN'],
      ['routes[0].path', 'api'],
      ['traffic.timeout', 'soon'],
    ]);
    for (const p of problems) expect(p.where).toBe(WHERE);
  });

  it('never puts a secret value in a message', () => {
    const problems = problemsWith({
      env: { DB_PASSWORD: 'hunter2' },
      secrets: [{ env: 'API_TOKEN', secret: 'svc-api', key: 'token', value: 'tok-s3cr3t' }],
    });
    expect(problems.map((p) => p.field)).toEqual(['env.DB_PASSWORD', 'secrets[0].value']);
    const text = problems.map(formatProblem).join('\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('tok-s3cr3t');
  });

  describe('formatted messages', () => {
    it('formats a port out of range', () => {
      expect(problemsWith({ port: 0 }).map(formatProblem)).toEqual([
        'service "svc": port 0 is out of range: a port is a whole number from 1 to 65535. Fix: set the port the container listens on, e.g. 9080',
      ]);
    });

    it('formats a missing value as (missing)', () => {
      expect(problemsWith({ versions: undefined }).map(formatProblem)).toEqual([
        'service "svc": versions (missing) must list at least one version. Fix: add { name: \'v1\' }',
      ]);
    });

    it('formats a secret given with a value, redacted', () => {
      expect(
        problemsWith({ secrets: [{ env: 'DB_PASSWORD', secret: 'svc-db', key: 'password', value: 'hunter2' }] }).map(formatProblem),
      ).toEqual([
        'service "svc": secrets[0].value "(redacted)" is a secret value in the catalogue. Fix: delete it: store the value in a Kubernetes Secret and reference it by name and key',
      ]);
    });

    it('formats a secret-looking plain variable', () => {
      expect(problemsWith({ env: { DB_PASSWORD: 'hunter2' } }).map(formatProblem)).toEqual([
        'service "svc": env.DB_PASSWORD "DB_PASSWORD" looks like a secret but is given as a plain value. ' +
          "Fix: move it to secrets: [{ env: 'DB_PASSWORD', secret: '<secret name>', key: '<key>' }] so the value never enters git",
      ]);
    });

    it('formats a problem of a defined service with its file', () => {
      const def = defineService({ ...base, replicas: { prod: { min: 5, max: 3 } } });
      expect(validateService(def).map(formatProblem)).toEqual([
        'services/validate.test.ts (service "svc"): replicas.prod.max 3 is below min (5). Fix: set max to min or more',
      ]);
    });
  });

  /*
   * Defects found while writing these tests: each asserts the correct behaviour and fails
   * against the current services/validate.ts (see the report).
   */
  describe('malformed or partial input', () => {
    it('reports an out-of-range weight once, without a bogus "sum of the weights" problem', () => {
      // The invalid weight is left out of the sum, so the sum check then reports "0 is the
      // sum of the weights" although the only weight given is 101.
      expect(problemsWith({ versions: [{ name: 'v1', weight: 101 }] })).toEqual(
        only({
          field: 'versions[0].weight',
          value: 101,
          problem: 'must be a whole percentage from 0 to 100',
          fix: 'set a weight from 0 to 100',
        }),
      );
    });

    it('reports a secret-looking plain variable in a version env too', () => {
      // versions[].env becomes plain container env exactly like env, but only env and
      // config.values are checked for secret-looking names.
      expect(problemsWith({ versions: [{ name: 'v1', env: { DB_PASSWORD: 'hunter2' } }] })).toEqual(
        only({
          field: 'versions[0].env.DB_PASSWORD',
          value: 'DB_PASSWORD',
          problem: 'looks like a secret but is given as a plain value',
          fix: "move it to secrets: [{ env: 'DB_PASSWORD'",
        }),
      );
    });

    it('reports a replica range without min (required by ReplicaRange)', () => {
      // min undefined is skipped as "not set", so the HPA gets no minReplicas and prod can
      // scale down to 1 despite the profile's minimum.
      expect(problemsWith({ replicas: { prod: { max: 5 } } })).toEqual([
        expect.objectContaining({ where: WHERE, field: 'replicas.prod.min' }),
      ]);
    });

    it.each<[string, Overrides, RegExp]>([
      ['replicas.dev: null', { replicas: { dev: null } }, /^replicas\.dev/],
      ['resources: null', { resources: null }, /^resources/],
      ['traffic: null', { traffic: null }, /^traffic/],
      ['env not an object while config.values has a secret-looking name', { env: 'X=1', config: { values: { API_TOKEN: 'x' } } }, /^env$/],
    ])('reports, and does not throw on, %s', (_title, overrides, field) => {
      // "Specs may come from plain JavaScript catalogues, so nothing here trusts the static
      // types": malformed sections must become problems, not a TypeError.
      let problems: Problem[] = [];
      expect(() => {
        problems = problemsWith(overrides);
      }).not.toThrow();
      expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ where: WHERE, field: expect.stringMatching(field) })]));
    });
  });
});

describe('specLocation', () => {
  it('names the file when the definition has a source', () => {
    expect(specLocation(reviews)).toBe('services/bookinfo/reviews.ts (service "reviews")');
    expect(specLocation({ spec: base, source: 'teams/a/svc.ts' })).toBe('teams/a/svc.ts (service "svc")');
  });

  it('names the service when there is no source', () => {
    expect(specLocation({ spec: base })).toBe('service "svc"');
  });

  it('uses "?" when the spec has no usable name', () => {
    expect(specLocation({ spec: { ...base, name: 7 as unknown as string } })).toBe('service "?"');
    expect(specLocation({ spec: undefined as unknown as ServiceSpec, source: 'x.ts' })).toBe('x.ts (service "?")');
  });

  it('is what validateService reports as `where`', () => {
    expect(validateService({ spec: { ...base, port: 0 }, source: 'teams/a/svc.ts' })[0].where).toBe('teams/a/svc.ts (service "svc")');
  });
});

describe('defineService', () => {
  it('records the calling file, relative to the working directory', () => {
    // jest runs with the repository root as its working directory.
    expect(process.cwd()).toBe(path.resolve(__dirname, '..'));
    const def = defineService(base);
    expect(def).toEqual({ spec: base, source: 'services/validate.test.ts' });
    expect(def.spec).toBe(base);
  });

  it('records the file of each BookInfo service', () => {
    expect(bookinfo.services.map((d) => d.source)).toEqual([
      'services/bookinfo/productpage.ts',
      'services/bookinfo/details.ts',
      'services/bookinfo/reviews.ts',
      'services/bookinfo/ratings.ts',
    ]);
  });

  it('defineCatalogue keeps the name and services as given, and records its file', () => {
    const services = [defineService(base)];
    expect(defineCatalogue('shop', services)).toEqual({ name: 'shop', services, source: 'services/validate.test.ts' });
  });
});

describe('validateCatalogue', () => {
  const catalogue = (services: ServiceDefinition[], name = 'shop'): Catalogue => ({ name, services });

  it('accepts the BookInfo catalogue with zero problems', () => {
    expect(validateCatalogue(bookinfo)).toEqual([]);
    expect(bookinfo.name).toBe('bookinfo');
    expect(bookinfo.services.map((d) => d.spec.name)).toEqual(['productpage', 'details', 'reviews', 'ratings']);
  });

  it('accepts services that depend on each other', () => {
    expect(validateCatalogue(catalogue([service('a', { dependencies: ['b'] }), service('b', { dependencies: ['a'] })]))).toEqual([]);
  });

  it('reports the problems of each service, located by file', () => {
    const problems = validateCatalogue(catalogue([service('a', { port: 0 }, 'teams/a.ts'), service('b', { owner: '' })]));
    expect(problems.map((p) => [p.where, p.field])).toEqual([
      ['teams/a.ts (service "a")', 'port'],
      ['service "b"', 'owner'],
    ]);
  });

  it('reports two services with the same name, on the second, naming the first', () => {
    const problems = validateCatalogue(catalogue([service('svc', {}, 'teams/a.ts'), service('svc', {}, 'teams/b.ts')]));
    expect(problems).toEqual([
      {
        where: 'teams/b.ts (service "svc")',
        field: 'name',
        value: 'svc',
        problem: 'is already used by teams/a.ts (service "svc")',
        fix: 'give every service a unique name',
      },
    ]);
  });

  it('reports two services sharing a serviceAccountName', () => {
    const problems = validateCatalogue(
      catalogue([service('a', { serviceAccountName: 'shared' }), service('b', { serviceAccountName: 'shared' })]),
    );
    expect(problems).toEqual([
      {
        where: 'service "b"',
        field: 'serviceAccountName',
        value: 'shared',
        problem: 'is already the identity of service "a"',
        fix: expect.stringContaining('give every service its own ServiceAccount'),
      },
    ]);
  });

  it("reports a serviceAccountName that is another service's default account", () => {
    const problems = validateCatalogue(catalogue([service('a'), service('b', { serviceAccountName: 'a' })]));
    expect(problems).toEqual([
      expect.objectContaining({
        where: 'service "b"',
        field: 'serviceAccountName',
        value: 'a',
        problem: 'is already the identity of service "a"',
      }),
    ]);
  });

  it('reports two services claiming the same public path', () => {
    const problems = validateCatalogue(
      catalogue([
        service('a', { routes: [{ path: '/api', match: 'exact' }] }, 'teams/a.ts'),
        service('b', { routes: [{ path: '/other' }, { path: '/api', match: 'exact' }] }),
      ]),
    );
    expect(problems).toEqual([
      {
        where: 'service "b"',
        field: 'routes[1].path',
        value: '/api',
        problem: 'is already claimed by teams/a.ts (service "a") (exact match)',
        fix: expect.stringContaining('route each public path to one service'),
      },
    ]);
  });

  it('treats a route without match as a prefix route when comparing services', () => {
    const problems = validateCatalogue(
      catalogue([service('a', { routes: [{ path: '/static' }] }), service('b', { routes: [{ path: '/static', match: 'prefix' }] })]),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        where: 'service "b"',
        field: 'routes[0].path',
        value: '/static',
        problem: 'is already claimed by service "a" (prefix match)',
      }),
    ]);
  });

  it('lets two services use the same path with different match types', () => {
    expect(
      validateCatalogue(
        catalogue([service('a', { routes: [{ path: '/api', match: 'exact' }] }), service('b', { routes: [{ path: '/api' }] })]),
      ),
    ).toEqual([]);
  });

  it('reports an unknown dependency and lists the known services', () => {
    const problems = validateCatalogue(catalogue([service('web', { dependencies: ['api', 'ghost'] }), service('api')]));
    expect(problems).toEqual([
      {
        where: 'service "web"',
        field: 'dependencies[1]',
        value: 'ghost',
        problem: 'is not a service of this catalogue',
        fix: 'use one of: api, web, or add the missing service to the catalogue',
      },
    ]);
  });

  it('reports an empty catalogue', () => {
    expect(validateCatalogue(catalogue([]))).toEqual([
      { where: 'catalogue', field: 'services', value: [], problem: 'is empty', fix: 'add at least one defineService(...)' },
    ]);
  });

  it.each(['Book_Info', 'bookinfo-', ''])('reports the catalogue name %p', (name) => {
    expect(validateCatalogue(catalogue([service('a')], name))).toEqual([
      { where: 'catalogue', field: 'name', value: name, problem: 'must be a DNS-1123 label', fix: "name it like 'bookinfo'" },
    ]);
  });

  it('reports something that is not a catalogue', () => {
    expect(validateCatalogue({ name: 'x', services: 'a' } as unknown as Catalogue)).toEqual([
      {
        where: 'catalogue',
        field: 'services',
        value: { name: 'x', services: 'a' },
        problem: 'is not a catalogue',
        fix: expect.stringContaining('defineCatalogue('),
      },
    ]);
  });

  it('reports every problem of the catalogue at once', () => {
    const problems = validateCatalogue(
      catalogue(
        [
          service('a', { dependencies: ['nope'], serviceAccountName: 'sa' }),
          service('b', { serviceAccountName: 'sa', port: 15000 }),
          service('a'),
        ],
        'Shop',
      ),
    );
    expect(problems.map((p) => `${p.where} ${p.field} ${p.problem}`)).toEqual([
      'catalogue name must be a DNS-1123 label',
      'service "b" port is reserved by the Istio sidecar',
      'service "b" serviceAccountName is already the identity of service "a"',
      'service "a" name is already used by service "a"',
      'service "a" dependencies[0] is not a service of this catalogue',
    ]);
  });
});

describe('a worker without a port', () => {
  const { port: _port, ...portless } = base;
  const workerWith = (overrides: Overrides): Problem[] => validateService({ spec: { ...portless, ...overrides } });

  it('is valid on its own and with dependencies', () => {
    expect(workerWith({})).toEqual([]);
    expect(workerWith({ dependencies: ['web'], env: { TARGET: 'web:80' } })).toEqual([]);
  });

  it.each<Row>([
    ['routes', { routes: [{ path: '/' }] }, { field: 'routes', value: 1, problem: 'service without a port', fix: 'remove routes' }],
    [
      'probes',
      { probes: { readiness: { tcp: true } } },
      { field: 'probes', value: { readiness: { tcp: true } }, problem: 'need a port', fix: 'remove probes' },
    ],
    [
      'servicePort',
      { servicePort: 80 },
      { field: 'servicePort', value: 80, problem: 'a service without a port gets none', fix: 'remove servicePort' },
    ],
    ['protocol', { protocol: 'grpc' }, { field: 'protocol', value: 'grpc', problem: 'the service has none', fix: 'remove protocol' }],
    [
      'traffic',
      { traffic: { timeout: '5s' } },
      { field: 'traffic', value: { timeout: '5s' }, problem: 'nobody can call', fix: 'remove traffic' },
    ],
  ])('refuses %s', (_title, overrides, expected) => {
    expect(workerWith(overrides)).toEqual(only(expected));
  });

  it('may not be a dependency of another service: it has no Service', () => {
    const catalogue = defineCatalogue('shop', [
      { spec: { ...portless, name: 'worker' }, source: 'services/shop/worker.ts' },
      service('web', { dependencies: ['worker'] }, 'services/shop/web.ts'),
    ]);
    expect(validateCatalogue(catalogue)).toEqual([
      {
        where: 'services/shop/web.ts (service "web")',
        field: 'dependencies[0]',
        value: 'worker',
        problem: expect.stringContaining('is a worker without a port (services/shop/worker.ts (service "worker"))'),
        fix: 'remove worker from dependencies, or give worker a port',
      },
    ]);
  });
});

describe('servicePort', () => {
  it('accepts a Service port in front of a different container port', () => {
    expect(problemsWith({ port: 8080, servicePort: 80 })).toEqual([]);
  });

  it.each([0, 65536, 80.5, '80'])('refuses %p', (servicePort) => {
    expect(problemsWith({ servicePort })).toEqual([expect.objectContaining({ where: WHERE, field: 'servicePort', value: servicePort })]);
  });
});
