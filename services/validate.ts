/**
 * Validation of ServiceSpecs, one Problem per mistake. Specs may come from plain
 * JavaScript catalogues, so nothing here trusts the static types.
 */
import { deploymentNameFor, durationMs, imageKeyFor, resourcesFor, serviceAccountFor, trafficFor } from './defaults';
import type { Problem } from '../core/problems';
import { DNS1123_LABEL_FMT, isDNS1035Label } from './names';
import { structureProblems, type StructureProblem } from './spec-structure';
import {
  ENVIRONMENT_PROFILES,
  RESOURCE_TIERS_ORDER,
  type Catalogue,
  type Duration,
  type EnvironmentProfile,
  type ResourceTier,
  type ServiceDefinition,
  type ServiceSpec,
} from './spec';
import { asString, isList, isRecord } from '../core/json';
import { checkInt, isInt, isSection, ProblemList, specLocation } from './problem-list';

import { checkUses, eventProblems, usesEnvironmentProblems } from './validate-uses';
import { bucketDuration, LATENCY_BUCKETS_MS, MIN_SLO_TARGET } from './slo';

/** A GitHub user (`@name`: letters, digits, single hyphens) or team (`@org/team-slug`), as CODEOWNERS names owners. */
export const GITHUB_OWNER = /^@[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:\/[A-Za-z0-9._-]+)?$/;

/** A dependency on a service of another app of the environment. */
const CROSS_APP_DEPENDENCY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z]([-a-z0-9]*[a-z0-9])?$/;

export { specLocation } from './problem-list';
export { catalogueWarnings, usesEnvironment } from './validate-uses';

const DNS_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const DURATION = /^\d+(\.\d+)?(ms|s|m|h)$/;
const CPU = /^\d+(\.\d+)?m?$/;
const MEMORY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti)$/;
const ROUTE_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const HOST = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const SECRET_LIKE_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

/** Ports the Istio sidecar owns inside every pod; an app listening there breaks the mesh. */
export const ISTIO_RESERVED_PORTS: readonly number[] = [15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090];

/**
 * UID (and GID) of Istio's sidecar. A container running as it is the proxy as far as the
 * pod's iptables are concerned: its outbound traffic is not redirected through the sidecar,
 * so it bypasses mTLS and the mesh's policies. Istio 1.30.3: injection-template.yaml:99
 * (`istio-iptables -u 1337`, "the UID of the user for which the redirection is not applied",
 * tools/istio-iptables/pkg/cmd/root.go:53), :413-414 (istio-proxy's runAsUser/runAsGroup),
 * and `istioctl analyze` warns about it (IST0144, pkg/config/analysis/analyzers/deployment/pod.go:34).
 * The workload's runAsUser is also its runAsGroup and fsGroup (charts/workload.ts), so the
 * GID collides as well.
 */
export const ISTIO_PROXY_UID = 1337;

/** Identity of a public route: host (default domain), match type and path. */
function routeKey(r: Record<string, unknown>): string {
  // A host or match that is not a string is reported on its own; here it keys like the default.
  return `${asString(r.host) ?? ''} ${asString(r.match) ?? 'prefix'} ${String(r.path)}`;
}

function requireField(p: ProblemList, field: string, value: unknown, fix: string): void {
  if (value === undefined) p.missing(field, 'is required', fix);
}

/**
 * Every duration of a spec lands in an Istio field whose CRD rule is
 * `duration(self) >= duration('1ms')` (VirtualService timeout, perTryTimeout, fault delay,
 * CORS maxAge; DestinationRule outlier detection): shorter values, `0s` included, are
 * rejected by the API server, so they are rejected here first, in the spec's own words.
 */
function checkDuration(p: ProblemList, field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !DURATION.test(value)) {
    p.add(field, value, 'is not a duration', "write it as a number and a unit: '250ms', '5s', '1m'");
  } else if (durationMs(value as Duration) < 1) {
    p.add(
      field,
      value,
      "is shorter than 1ms: Istio's CRD rejects it (must be a valid duration greater than 1ms)",
      "use at least '1ms', or leave the field out for the default",
    );
  }
}

function checkStringMap(p: ProblemList, field: string, value: unknown, keyPattern: RegExp, keyFix: string): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    p.add(field, value, 'must be an object of string values', `write it as { KEY: 'value' }`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!keyPattern.test(key)) p.add(`${field}.${key}`, key, 'is not a valid key', keyFix);
    if (typeof v !== 'string') p.add(`${field}.${key}`, v, 'must be a string', `quote it: '${String(v)}'`);
  }
}

/** Quantity in base units (cores or bytes), for request <= limit comparisons. */
export function parseQuantity(q: string): number {
  const units: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  const match = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(q);
  if (match === null) return Number.NaN;
  const unit = match[2] === '' ? 1 : units[match[2]];
  return unit === undefined ? Number.NaN : Number(match[1]) * unit;
}

function checkProbe(p: ProblemList, field: string, probe: unknown): void {
  if (probe === undefined) return;
  if (isRecord(probe) && 'http' in probe) {
    if (typeof probe.http !== 'string' || !probe.http.startsWith('/')) {
      p.add(`${field}.http`, probe.http, 'must be a path starting with "/"', "write the health endpoint, e.g. { http: '/health' }");
    }
    return;
  }
  if (isRecord(probe) && (probe.tcp === true || probe.grpc === true)) return;
  p.add(field, probe, 'is not a probe', "use { http: '/path' }, { tcp: true } or { grpc: true }");
}

function validateVersions(p: ProblemList, spec: ServiceSpec): void {
  const versions: unknown = spec.versions;
  if (!Array.isArray(versions) || versions.length === 0) {
    p.add('versions', versions, 'must list at least one version', "add { name: 'v1' }");
    return;
  }
  const seen = new Set<string>();
  let sum = 0;
  let weighted = 0;
  let invalidWeight = false;
  versions.forEach((v: unknown, i) => {
    const field = `versions[${i}]`;
    if (!isRecord(v)) {
      p.add(field, v, 'must be an object', "write { name: 'v1' }");
      return;
    }
    if (typeof v.name !== 'string' || !DNS_LABEL.test(v.name)) {
      p.add(`${field}.name`, v.name, 'must be a DNS-1123 label (lower-case letters, digits, "-")', "use a name like 'v1' or 'canary'");
    } else {
      if (seen.has(v.name)) p.add(`${field}.name`, v.name, 'is declared twice', 'give each version a distinct name');
      seen.add(v.name);
      if (typeof spec.name === 'string' && deploymentNameFor(spec, { name: v.name }).length > 63) {
        p.add(
          `${field}.name`,
          v.name,
          `makes the Deployment name "${spec.name}-${v.name}" longer than 63 characters`,
          'shorten the service or version name',
        );
      }
    }
    if (v.image !== undefined && (typeof v.image !== 'string' || !CONFIG_KEY.test(v.image))) {
      p.add(`${field}.image`, v.image, 'is not a valid image key', 'use the key of the pin in services/releases/<env>.yaml, e.g. "v1"');
    }
    if (v.weight !== undefined) {
      weighted++;
      if (!isInt(v.weight) || v.weight < 0 || v.weight > 100) {
        p.add(`${field}.weight`, v.weight, 'must be a whole percentage from 0 to 100', 'set a weight from 0 to 100');
        invalidWeight = true;
      } else {
        sum += v.weight;
      }
    }
    if (v.headerMatch !== undefined) {
      const m = v.headerMatch;
      if (!isRecord(m) || typeof m.header !== 'string' || !HEADER_NAME.test(m.header)) {
        p.add(
          `${field}.headerMatch.header`,
          isRecord(m) ? m.header : m,
          'must be a lower-case HTTP header name',
          "write e.g. { header: 'end-user', exact: 'jason' }",
        );
      } else if ((m.exact === undefined) === (m.prefix === undefined)) {
        p.add(
          `${field}.headerMatch`,
          m,
          'must set exactly one of "exact" or "prefix"',
          "write e.g. { header: 'end-user', exact: 'jason' }",
        );
      }
    }
    checkStringMap(p, `${field}.env`, v.env, ENV_NAME, 'use letters, digits and "_", not starting with a digit');
    checkNoSecretLikeNames(p, `${field}.env`, v.env);
  });
  if (versions.length > 1 && weighted < versions.length) {
    p.add(
      'versions',
      versions.map((v: { name?: unknown }) => v?.name),
      'has several versions but not every one has a weight',
      'give every version a weight; the weights must sum to 100',
    );
  } else if (weighted > 0 && !invalidWeight && sum !== 100) {
    p.add('versions[].weight', sum, 'is the sum of the weights; it must be 100', 'adjust the weights so they add up to 100');
  }
}

/** Plain variables named like credentials: the value would be committed to git. */
function checkNoSecretLikeNames(p: ProblemList, field: string, vars: unknown): void {
  if (!isRecord(vars)) return;
  for (const name of Object.keys(vars)) {
    if (SECRET_LIKE_NAME.test(name)) {
      p.add(
        `${field}.${name}`,
        name,
        'looks like a secret but is given as a plain value',
        `move it to secrets: [{ env: '${name}', secret: '<secret name>', key: '<key>' }] so the value never enters git`,
      );
    }
  }
}

function validateEnvironment(p: ProblemList, spec: ServiceSpec): void {
  checkStringMap(p, 'env', spec.env, ENV_NAME, 'use letters, digits and "_", not starting with a digit');
  checkStringMap(
    p,
    'config.values',
    spec.config?.values,
    ENV_NAME,
    'config values become environment variables: use letters, digits and "_"',
  );
  checkNoSecretLikeNames(p, 'env', spec.env);
  checkNoSecretLikeNames(p, 'config.values', spec.config?.values);
  const secrets: unknown = spec.secrets;
  if (secrets !== undefined && !Array.isArray(secrets)) {
    p.add('secrets', secrets, 'must be a list', "write [{ env: 'DB_PASSWORD', secret: 'ratings-db', key: 'password' }]");
  } else if (Array.isArray(secrets)) {
    secrets.forEach((s: unknown, i) => {
      const field = `secrets[${i}]`;
      if (!isRecord(s)) {
        p.add(field, s, 'must be an object', "write { env: 'DB_PASSWORD', secret: 'ratings-db', key: 'password' }");
        return;
      }
      if ('value' in s)
        p.add(
          `${field}.value`,
          '(redacted)',
          'is a secret value in the catalogue',
          'delete it: store the value in a Kubernetes Secret and reference it by name and key',
        );
      if (typeof s.env !== 'string' || !ENV_NAME.test(s.env))
        p.add(`${field}.env`, s.env, 'is not an environment variable name', 'use letters, digits and "_"');
      if (typeof s.secret !== 'string' || !DNS_SUBDOMAIN.test(s.secret))
        p.add(`${field}.secret`, s.secret, 'is not a Secret name', 'use the DNS-1123 name of the Kubernetes Secret');
      if (typeof s.key !== 'string' || !CONFIG_KEY.test(s.key))
        p.add(`${field}.key`, s.key, 'is not a Secret key', 'use letters, digits, "-", "_" or "."');
    });
  }
  const names = [
    ...Object.keys(isRecord(spec.env) ? spec.env : {}),
    ...Object.keys(isRecord(spec.config?.values) ? spec.config.values : {}),
    ...(Array.isArray(secrets) ? secrets.map((s: { env?: unknown }) => s?.env) : []),
  ];
  const dupes = [...new Set(names.filter((n, i) => typeof n === 'string' && names.indexOf(n) !== i))];
  for (const d of dupes)
    p.add('env', d, 'is set more than once (env, config.values, secrets)', 'set each environment variable in one place');

  if (!isSection(p, 'config', spec.config, "write config: { values: { KEY: 'value' } } or config: { files: { 'app.yaml': '...' } }"))
    return;
  checkStringMap(p, 'config.files', spec.config?.files, CONFIG_KEY, 'file names may use letters, digits, "-", "_" and "."');
  const mountPath: unknown = spec.config?.mountPath;
  if (mountPath !== undefined && (typeof mountPath !== 'string' || !mountPath.startsWith('/') || mountPath === '/')) {
    p.add('config.mountPath', mountPath, 'must be an absolute directory other than "/"', "use e.g. '/etc/<service>'");
  }
  const size = JSON.stringify(spec.config ?? {}).length;
  if (size > 900 * 1024)
    p.add('config', `${size} bytes`, 'is too large for a ConfigMap (1 MiB limit)', 'move large files into the image or a volume');
}

function validateTraffic(p: ProblemList, spec: ServiceSpec): void {
  const t = spec.traffic;
  if (t === undefined || !isSection(p, 'traffic', t, "write traffic: { timeout: '5s' }")) return;
  if (!isSection(p, 'traffic.retries', t.retries, 'write retries: { attempts: 2 }')) return;
  if (!isSection(p, 'traffic.circuitBreaker', t.circuitBreaker, 'write circuitBreaker: { consecutive5xxErrors: 5 }')) return;
  if (!isSection(p, 'traffic.faults', t.faults, 'write faults: { abort: { httpStatus: 503, percent: 10 } }')) return;
  checkDuration(p, 'traffic.timeout', t.timeout);
  checkInt(p, 'traffic.retries.attempts', t.retries?.attempts, 0, 10, 'use 0 (no retries) to 10');
  checkDuration(p, 'traffic.retries.perTryTimeout', t.retries?.perTryTimeout);
  const cb = t.circuitBreaker;
  if (cb !== undefined) {
    for (const key of ['maxConnections', 'http1MaxPendingRequests', 'http2MaxRequests', 'consecutive5xxErrors'] as const) {
      checkInt(p, `traffic.circuitBreaker.${key}`, cb[key], 1, 1_000_000, 'use a positive whole number');
    }
    checkInt(p, 'traffic.circuitBreaker.maxEjectionPercent', cb.maxEjectionPercent, 0, 100, 'use a percentage from 0 to 100');
    checkDuration(p, 'traffic.circuitBreaker.interval', cb.interval);
    checkDuration(p, 'traffic.circuitBreaker.baseEjectionTime', cb.baseEjectionTime);
  }
  if (typeof t.retries?.retryOn === 'string' && !/^[a-z0-9-]+(,[a-z0-9-]+)*$/.test(t.retries.retryOn)) {
    p.add(
      'traffic.retries.retryOn',
      t.retries.retryOn,
      'is not a comma-separated list of Envoy retry conditions',
      "write e.g. 'connect-failure,refused-stream,5xx'",
    );
  }
  const resolved = trafficFor(spec);
  // A timeout under 1ms is reported above; comparing against it would only add noise.
  if (durationMs(resolved.timeout) >= 1 && durationMs(resolved.retries.perTryTimeout) > durationMs(resolved.timeout)) {
    p.add(
      'traffic.retries.perTryTimeout',
      resolved.retries.perTryTimeout,
      `is longer than the whole-request timeout (${resolved.timeout}), so no retry could ever happen`,
      'lower perTryTimeout or raise traffic.timeout',
    );
  }
  const f = t.faults;
  if (f?.delay !== undefined && isSection(p, 'traffic.faults.delay', f.delay, "write delay: { fixedDelay: '2s', percent: 10 }")) {
    requireField(p, 'traffic.faults.delay.fixedDelay', f.delay.fixedDelay, "write fixedDelay: '2s'");
    checkDuration(p, 'traffic.faults.delay.fixedDelay', f.delay.fixedDelay);
    requireField(p, 'traffic.faults.delay.percent', f.delay.percent, 'write percent: 10');
    checkInt(p, 'traffic.faults.delay.percent', f.delay.percent, 0, 100, 'use a percentage from 0 to 100');
  }
  if (f?.abort !== undefined && isSection(p, 'traffic.faults.abort', f.abort, 'write abort: { httpStatus: 503, percent: 10 }')) {
    requireField(p, 'traffic.faults.abort.httpStatus', f.abort.httpStatus, 'write httpStatus: 503');
    checkInt(p, 'traffic.faults.abort.httpStatus', f.abort.httpStatus, 200, 599, 'use an HTTP status code, e.g. 503');
    requireField(p, 'traffic.faults.abort.percent', f.abort.percent, 'write percent: 10');
    checkInt(p, 'traffic.faults.abort.percent', f.abort.percent, 0, 100, 'use a percentage from 0 to 100');
  }
}

function validateRoutes(p: ProblemList, spec: ServiceSpec): void {
  const routes: unknown = spec.routes;
  if (routes === undefined) return;
  if (!Array.isArray(routes)) {
    p.add('routes', routes, 'must be a list', "write [{ path: '/productpage', match: 'exact' }]");
    return;
  }
  const seen = new Set<string>();
  routes.forEach((r: unknown, i) => {
    const field = `routes[${i}]`;
    if (!isRecord(r)) {
      p.add(field, r, 'must be an object', "write { path: '/productpage', match: 'exact' }");
      return;
    }
    if (typeof r.path !== 'string' || !ROUTE_PATH.test(r.path) || r.path.includes('..')) {
      p.add(
        `${field}.path`,
        r.path,
        'must be a host-relative path starting with "/" (no query, fragment, spaces or "..")',
        "write e.g. '/api/v1/products'",
      );
    }
    if (r.match !== undefined && r.match !== 'exact' && r.match !== 'prefix') {
      p.add(`${field}.match`, r.match, 'must be "exact" or "prefix"', "use match: 'exact' or match: 'prefix'");
    }
    const key = routeKey(r);
    if (seen.has(key)) p.add(`${field}.path`, r.path, 'is declared twice', 'remove the duplicate route');
    seen.add(key);
    if (r.rewrite !== undefined && (typeof r.rewrite !== 'string' || !r.rewrite.startsWith('/'))) {
      p.add(`${field}.rewrite`, r.rewrite, 'must be a path starting with "/"', "write e.g. rewrite: '/'");
    }
    if (r.host !== undefined && (typeof r.host !== 'string' || !HOST.test(r.host))) {
      p.add(
        `${field}.host`,
        r.host,
        'must be a lower-case DNS name (no scheme, port or wildcard)',
        "write e.g. 'api.dev.bookinfo.example.com', or leave it out for the environment's domain",
      );
    }
    if (r.version !== undefined && !(isList(spec.versions) && spec.versions.some((v) => v?.name === r.version))) {
      const names = isList(spec.versions) ? spec.versions.map((v) => v?.name).join(', ') : '';
      p.add(`${field}.version`, r.version, 'is not a version of this service', `use one of: ${names}, or leave it out to use the weights`);
    }
    if (r.authRequired !== undefined && typeof r.authRequired !== 'boolean') {
      p.add(`${field}.authRequired`, r.authRequired, 'must be true or false', 'write authRequired: true');
    }
    checkDuration(p, `${field}.timeout`, r.timeout);
    if (isRecord(r.cors)) checkDuration(p, `${field}.cors.maxAge`, r.cors.maxAge);
    if (r.cors !== undefined && (!isRecord(r.cors) || !Array.isArray(r.cors.allowOrigins) || r.cors.allowOrigins.length === 0)) {
      p.add(
        `${field}.cors.allowOrigins`,
        isRecord(r.cors) ? r.cors.allowOrigins : r.cors,
        'must list at least one origin',
        "write cors: { allowOrigins: ['https://app.example.com'] }",
      );
    }
  });
}

function validateWorkload(p: ProblemList, spec: ServiceSpec): void {
  const replicas = spec.replicas;
  if (replicas !== undefined && isSection(p, 'replicas', replicas, 'write replicas: { prod: { min: 3, max: 10 } }')) {
    for (const profile of ENVIRONMENT_PROFILES) {
      const range = replicas[profile];
      if (range === undefined || !isSection(p, `replicas.${profile}`, range, `write replicas: { ${profile}: { min: 2, max: 4 } }`))
        continue;
      for (const bound of ['min', 'max'] as const) {
        if (range[bound] === undefined)
          p.missing(`replicas.${profile}.${bound}`, 'is required when the range is given', `set both min and max, e.g. { min: 2, max: 4 }`);
        else checkInt(p, `replicas.${profile}.${bound}`, range[bound], 1, 1000, 'use 1 to 1000 replicas');
      }
      if (isInt(range.min) && isInt(range.max) && range.min >= 1 && range.max < range.min) {
        p.add(`replicas.${profile}.max`, range.max, `is below min (${range.min})`, 'set max to min or more');
      }
    }
    checkInt(
      p,
      'replicas.cpuTargetPercent',
      replicas.cpuTargetPercent,
      1,
      100,
      'use a percentage of the CPU request from 1 to 100, e.g. 70',
    );
  }
  const res = spec.resources;
  if (res !== undefined && isSection(p, 'resources', res, "write resources: { tier: 'medium' }")) {
    if (res.tier !== undefined && !RESOURCE_TIERS_ORDER.includes(res.tier)) {
      p.add('resources.tier', res.tier, `is not a tier`, `use one of ${RESOURCE_TIERS_ORDER.join(', ')}`);
    }
    for (const kind of ['requests', 'limits'] as const) {
      const cpu: unknown = res[kind]?.cpu;
      const memory: unknown = res[kind]?.memory;
      if (cpu !== undefined && (typeof cpu !== 'string' || !CPU.test(cpu)))
        p.add(`resources.${kind}.cpu`, cpu, 'is not a CPU quantity', "write e.g. '250m' or '1'");
      if (memory !== undefined && (typeof memory !== 'string' || !MEMORY.test(memory)))
        p.add(`resources.${kind}.memory`, memory, 'is not a memory quantity in binary units', "write e.g. '256Mi' or '1Gi'");
    }
    for (const r of ['cpu', 'memory'] as const) {
      const req = res.requests?.[r];
      const lim = res.limits?.[r];
      if (typeof req === 'string' && typeof lim === 'string' && parseQuantity(req) > parseQuantity(lim)) {
        p.add(`resources.requests.${r}`, req, `is above the limit (${lim})`, 'raise the limit or lower the request');
      }
    }
  }
  checkProbe(p, 'probes.readiness', spec.probes?.readiness);
  checkProbe(p, 'probes.liveness', spec.probes?.liveness);
  checkProbe(p, 'probes.startup', spec.probes?.startup);
  checkInt(p, 'probes.startupSeconds', spec.probes?.startupSeconds, 1, 3600, 'use the seconds the service may take to start, e.g. 60');
  checkInt(p, 'runAsUser', spec.runAsUser, 1, 2_147_483_647, 'use a non-root UID (1 or more)');
  if (spec.runAsUser === ISTIO_PROXY_UID) {
    p.add(
      'runAsUser',
      spec.runAsUser,
      "is the UID and GID of Istio's sidecar: the pod's traffic from it is not redirected through the proxy, so it would bypass mTLS and the mesh's policies",
      'use another UID, e.g. 1000 (the default), or leave runAsUser out',
    );
  }
  checkInt(
    p,
    'terminationGracePeriodSeconds',
    spec.terminationGracePeriodSeconds,
    5,
    3600,
    'allow at least 5 seconds for in-flight requests',
  );
  const writable: unknown = spec.writablePaths;
  if (writable !== undefined) {
    if (!Array.isArray(writable)) {
      p.add('writablePaths', writable, 'must be a list of directories', "write ['/var/cache/app']");
    } else {
      writable.forEach((w: unknown, i) => {
        if (typeof w !== 'string' || !w.startsWith('/') || w === '/' || w === '/tmp' || w.includes('..')) {
          p.add(
            `writablePaths[${i}]`,
            w,
            'must be an absolute directory other than "/" and "/tmp" (always writable)',
            "write e.g. '/var/cache/app'",
          );
        } else if (writable.indexOf(w) !== i) {
          p.add(`writablePaths[${i}]`, w, 'is listed twice', 'remove the duplicate');
        }
      });
    }
  }
}

/** An SLO target (percent): a number from `MIN_SLO_TARGET` up to, not including, 100. */
function checkTarget(p: ProblemList, field: string, value: unknown, example: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    p.add(field, value, 'must be a percentage (a number)', `write e.g. ${example}`);
  } else if (value >= 100) {
    p.add(
      field,
      value,
      'leaves no error budget: no service meets 100%, and every error would page',
      `use a target below 100, e.g. ${example}`,
    );
  } else if (value < MIN_SLO_TARGET) {
    p.add(
      field,
      value,
      `is below ${MIN_SLO_TARGET}: its error budget is so large that burning it 14.4 times too fast is more than every request failing, so the fastest page could never fire`,
      `use ${MIN_SLO_TARGET} or more, e.g. ${example}`,
    );
  }
}

/**
 * The objectives: targets the burn-rate alerts can reach, a latency threshold the mesh's histogram
 * counts exactly, and only on a service that serves requests.
 */
function validateSlo(p: ProblemList, spec: ServiceSpec): void {
  const slo = spec.slo;
  if (slo === undefined || !isSection(p, 'slo', slo, "write slo: { availability: 99.9, latency: { percentile: 95, threshold: '500ms' } }"))
    return;
  if (spec.port === undefined || spec.protocol === 'tcp') {
    p.add(
      'slo',
      slo,
      spec.port === undefined
        ? 'is set on a worker without a port: it serves no requests, so there is nothing to measure'
        : "is set on a tcp service: the mesh measures requests of 'http' and 'grpc' services only",
      'remove slo',
    );
    return;
  }
  checkTarget(p, 'slo.availability', slo.availability, '99.9');
  const latency = slo.latency;
  if (latency === undefined || !isSection(p, 'slo.latency', latency, "write latency: { percentile: 95, threshold: '500ms' }")) return;
  checkTarget(p, 'slo.latency.percentile', latency.percentile, '95');
  const threshold: unknown = latency.threshold;
  if (threshold === undefined) return;
  const ms = typeof threshold === 'string' && DURATION.test(threshold) ? durationMs(threshold as Duration) : Number.NaN;
  if (Number.isNaN(ms)) {
    p.add('slo.latency.threshold', threshold, 'is not a duration', "write it as a number and a unit: '250ms', '1s'");
  } else if (!LATENCY_BUCKETS_MS.includes(ms)) {
    const below = LATENCY_BUCKETS_MS.filter((b) => b < ms).at(-1);
    const above = LATENCY_BUCKETS_MS.find((b) => b > ms);
    const nearest = [below, above].filter((b) => b !== undefined).map((b) => `'${bucketDuration(b)}'`);
    p.add(
      'slo.latency.threshold',
      threshold,
      "is not a bucket boundary of the mesh's request duration histogram, so the share of requests within it cannot be counted",
      `use ${nearest.join(' or ')} (the boundaries: ${LATENCY_BUCKETS_MS.map((b) => bucketDuration(b)).join(', ')})`,
    );
  }
}

/** Roles a workload may hold; owner/editor are never least privilege. */
const GCP_ROLE = /^roles\/[a-zA-Z]+(\.[a-zA-Z]+)*$/;
const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

function validateGcp(p: ProblemList, spec: ServiceSpec): void {
  if (spec.gcp === undefined || !isSection(p, 'gcp', spec.gcp, "write gcp: { roles: ['roles/pubsub.publisher'] }")) return;
  const roles: unknown = spec.gcp.roles;
  if (!Array.isArray(roles) || roles.length === 0) {
    p.add('gcp.roles', roles, 'must list at least one role', "write gcp: { roles: ['roles/pubsub.publisher'] }, or remove gcp");
    return;
  }
  roles.forEach((role: unknown, i) => {
    if (typeof role !== 'string' || !GCP_ROLE.test(role)) {
      p.add(`gcp.roles[${i}]`, role, 'is not a predefined IAM role name', "write e.g. 'roles/storage.objectViewer'");
    } else if (PRIMITIVE_ROLES.includes(role)) {
      p.add(
        `gcp.roles[${i}]`,
        role,
        'is a basic role that grants far more than a service needs',
        'grant the predefined roles for the APIs the service calls, e.g. roles/storage.objectViewer',
      );
    } else if (roles.indexOf(role) !== i) {
      p.add(`gcp.roles[${i}]`, role, 'is listed twice', 'remove the duplicate');
    }
  });
}

/** Problems in one service, on its own. */
export function validateService(def: ServiceDefinition): Problem[] {
  return checkService(def).problems;
}

/**
 * A service's problems, and whether its structure is sound enough for the checks between
 * services (a wrong type there would only cause follow-on errors; an unknown field would not).
 */
function checkService(def: ServiceDefinition): { problems: Problem[]; wellFormed: boolean } {
  const p = new ProblemList(specLocation(def));
  const spec = def.spec;
  if (!isRecord(spec)) {
    p.add('spec', spec, 'is not a ServiceSpec object', 'export defineService({ name, description, owner, port, versions })');
    return { problems: p.problems, wellFormed: false };
  }
  checkFields(p, spec);
  const structure = structureProblems(spec);
  return { problems: [...structuralOnly(p, structure), ...p.problems], wellFormed: structure.every((s) => s.unknownField) };
}

/**
 * The schema's problems that the field checks above do not already report better: a field
 * check of the same field, or of a field inside it, speaks in the spec's own terms (`must be a
 * whole number from 1 to 65535` rather than `must be a number`). Unknown fields are always
 * reported, with their value redacted when it may be a secret.
 */
function structuralOnly(p: ProblemList, structure: readonly StructureProblem[]): Problem[] {
  const checked = p.problems.map((x) => x.field);
  const covered = (s: StructureProblem) =>
    checked.some((f) => f === s.field || (!s.unknownField && (f.startsWith(`${s.field}.`) || f.startsWith(`${s.field}[`))));
  return structure
    .filter((s) => !covered(s))
    .map((s) => {
      const name = s.field.slice(s.field.lastIndexOf('.') + 1);
      const secret = s.unknownField && (SECRET_LIKE_NAME.test(name) || s.field.startsWith('secrets['));
      const base = { where: p.where, field: s.field, problem: s.problem, fix: s.fix };
      return 'value' in s ? { ...base, value: secret ? '(redacted)' : s.value } : base;
    });
}

/** Field by field checks of a spec that is an object. */
function checkFields(p: ProblemList, spec: ServiceSpec): void {
  if (typeof spec.name !== 'string' || !DNS_LABEL.test(spec.name) || spec.name.length > 63) {
    p.add(
      'name',
      spec.name,
      'must be a DNS-1123 label: at most 63 lower-case letters, digits or "-", starting and ending with a letter or digit',
      "rename it, e.g. 'reviews'",
    );
  } else if (!isDNS1035Label(spec.name)) {
    p.add(
      'name',
      spec.name,
      'must start with a letter: it names the Kubernetes Service, and a Service name is a DNS-1035 label',
      `rename it, e.g. 'svc-${spec.name}'`,
    );
  }
  if (typeof spec.description !== 'string' || spec.description.trim() === '') {
    p.add('description', spec.description, 'must say in one line what the service does', "add description: 'Serves book reviews'");
  }
  if (typeof spec.owner !== 'string' || !LABEL_VALUE.test(spec.owner) || spec.owner.length > 63) {
    p.add('owner', spec.owner, 'must name the owning team as a label value (letters, digits, "-", "_", ".")', "set owner: 'team-books'");
  }
  if (spec.port === undefined) {
    checkPortless(p, spec);
  } else if (!isInt(spec.port) || spec.port < 1 || spec.port > 65535) {
    p.add(
      'port',
      spec.port,
      'is out of range: a port is a whole number from 1 to 65535',
      'set the port the container listens on, e.g. 9080',
    );
  } else if (ISTIO_RESERVED_PORTS.includes(spec.port)) {
    p.add('port', spec.port, 'is reserved by the Istio sidecar', 'listen on another port (Istio uses 15000-15090)');
  }
  if (spec.servicePort !== undefined && spec.port !== undefined) {
    checkInt(p, 'servicePort', spec.servicePort, 1, 65535, 'set the port callers address the Service on, e.g. 80');
  }
  if (spec.protocol !== undefined && !['http', 'grpc', 'tcp'].includes(spec.protocol)) {
    p.add('protocol', spec.protocol, 'is not a protocol', "use 'http', 'grpc' or 'tcp'");
  }
  if (
    spec.serviceAccountName !== undefined &&
    (typeof spec.serviceAccountName !== 'string' || !DNS_SUBDOMAIN.test(spec.serviceAccountName))
  ) {
    p.add('serviceAccountName', spec.serviceAccountName, 'is not a DNS-1123 name', "use e.g. 'bookinfo-reviews'");
  }
  validateVersions(p, spec);
  validateWorkload(p, spec);
  validateEnvironment(p, spec);
  const deps: unknown = spec.dependencies;
  if (deps !== undefined && !Array.isArray(deps)) {
    p.add('dependencies', deps, 'must be a list of service names', "write dependencies: ['ratings']");
  } else if (Array.isArray(deps)) {
    deps.forEach((d: unknown, i) => {
      if (d === spec.name) p.add(`dependencies[${i}]`, d, 'is the service itself', 'remove it: a service may always call itself');
      else if (deps.indexOf(d) !== i) p.add(`dependencies[${i}]`, d, 'is listed twice', 'remove the duplicate');
      else if (typeof d === 'string' && d.includes('/') && !CROSS_APP_DEPENDENCY.test(d))
        p.add(`dependencies[${i}]`, d, 'is not <app>/<service>', "name another app's service as e.g. 'bookinfo/ratings' (both DNS labels)");
    });
  }
  validateRoutes(p, spec);
  validateTraffic(p, spec);
  validateGcp(p, spec);
  checkUses(p, spec);
  validateSlo(p, spec);
  if (spec.protocol === 'tcp') {
    if (Array.isArray(spec.routes) && spec.routes.length > 0) {
      p.add(
        'routes',
        spec.routes.length,
        'are HTTP routes, but the service speaks tcp',
        "set protocol: 'http' or 'grpc', or remove the public routes",
      );
    }
    if (isList(spec.versions) && spec.versions.some((v) => v?.headerMatch !== undefined)) {
      p.add('versions[].headerMatch', 'tcp', 'needs HTTP headers, but the service speaks tcp', 'remove the header match or serve HTTP');
    }
    if (spec.traffic?.retries !== undefined || spec.traffic?.faults !== undefined) {
      p.add('traffic', 'tcp', 'sets HTTP retries or faults, but the service speaks tcp', 'remove traffic.retries and traffic.faults');
    }
  }
}

/**
 * A worker without a port gets no Service: nothing may address it (routes), check it through a
 * port (probes) or shape calls to it (protocol, servicePort, traffic). Its dependencies are checked
 * with the catalogue (`validateCatalogue`).
 */
function checkPortless(p: ProblemList, spec: ServiceSpec): void {
  const fix = (field: string) => `remove ${field}, or set port to the port the container listens on`;
  if (Array.isArray(spec.routes) && spec.routes.length > 0) {
    p.add('routes', spec.routes.length, 'are routes to a service without a port: it has no Service to route to', fix('routes'));
  }
  if (spec.probes !== undefined) {
    p.add('probes', spec.probes, 'need a port (HTTP, TCP and gRPC probes all connect to one), and the service has none', fix('probes'));
  }
  if (spec.servicePort !== undefined) {
    p.add('servicePort', spec.servicePort, 'is the port of a Service, and a service without a port gets none', fix('servicePort'));
  }
  if (spec.protocol !== undefined) {
    p.add('protocol', spec.protocol, 'is the protocol of the port, and the service has none', fix('protocol'));
  }
  if (spec.traffic !== undefined) {
    p.add('traffic', spec.traffic, 'shapes calls to the service, and nobody can call a service without a port', fix('traffic'));
  }
}

/** Names the catalogue in messages: the file that called defineCatalogue when known. */
export function catalogueLocation(catalogue: Catalogue): string {
  return typeof catalogue.source === 'string' ? catalogue.source : 'catalogue';
}

/** Why a catalogue entry is not a `defineService(...)` result, in terms of the usual mistakes. */
function entryProblem(where: string, field: string, entry: unknown): Problem {
  if (isRecord(entry) && typeof entry.name === 'string') {
    return {
      where,
      field,
      value: entry.name,
      problem: 'is a ServiceSpec, not a defineService(...) result',
      fix: `wrap it: defineService({ name: '${entry.name}', ... }), which records its file for every message`,
    };
  }
  if (isRecord(entry) && isRecord(entry.default)) {
    return {
      where,
      field,
      value: Object.keys(entry),
      problem: 'is a module namespace, not the service it exports',
      fix: "import the default export (import ratings from './ratings'), not the module (import * as ratings)",
    };
  }
  return {
    where,
    field,
    value: entry,
    problem: 'is not a defineService(...) result',
    fix: "list what defineService({...}) returns; undefined usually means the imported module has no 'export default defineService(...)'",
  };
}

/** Problems in each service plus those between services. */
export function validateCatalogue(catalogue: Catalogue): Problem[] {
  const problems: Problem[] = [];
  if (!isRecord(catalogue) || !Array.isArray(catalogue.services)) {
    return [
      {
        where: 'catalogue',
        field: 'services',
        value: catalogue,
        problem: 'is not a catalogue',
        fix: "export defineCatalogue('name', [services...])",
      },
    ];
  }
  const where = catalogueLocation(catalogue);
  if (typeof catalogue.name !== 'string' || !DNS_LABEL.test(catalogue.name)) {
    problems.push({ where, field: 'name', value: catalogue.name, problem: 'must be a DNS-1123 label', fix: "name it like 'bookinfo'" });
  }
  if (catalogue.services.length === 0) {
    problems.push({ where, field: 'services', value: [], problem: 'is empty', fix: 'add at least one defineService(...)' });
  }
  const owners: unknown = catalogue.owners;
  if (owners !== undefined && !Array.isArray(owners)) {
    problems.push({
      where,
      field: 'owners',
      value: owners,
      problem: 'must be a list of GitHub users or teams',
      fix: "write owners: ['@my-org/my-team']",
    });
  } else if (Array.isArray(owners)) {
    owners.forEach((o: unknown, i) => {
      // GitHub ignores a CODEOWNERS file with one invalid line: only well-formed owners reach it.
      if (typeof o !== 'string' || !GITHUB_OWNER.test(o))
        problems.push({
          where,
          field: `owners[${i}]`,
          value: o,
          problem: 'is not a GitHub user (@name) or team (@org/team)',
          fix: "write e.g. '@my-org/bookinfo'",
        });
      else if (owners.indexOf(o) !== i)
        problems.push({ where, field: `owners[${i}]`, value: o, problem: 'is listed twice', fix: 'remove the duplicate' });
    });
  }

  // Every name given counts for dependencies, so one broken entry does not make its callers'
  // dependencies look unknown; only well-formed services take part in the checks between services.
  const named = new Set<string>();
  const sound: ServiceDefinition[] = [];
  catalogue.services.forEach((entry: unknown, i) => {
    if (!isRecord(entry) || !isRecord(entry.spec)) {
      problems.push(entryProblem(where, `services[${i}]`, entry));
      if (isRecord(entry) && typeof entry.name === 'string') named.add(entry.name);
      return;
    }
    const def = entry as unknown as ServiceDefinition;
    const { problems: own, wellFormed } = checkService(def);
    problems.push(...own);
    if (typeof def.spec.name === 'string') named.add(def.spec.name);
    if (wellFormed) sound.push(def);
  });

  const byName = new Map<string, ServiceDefinition>();
  const accounts = new Map<string, ServiceDefinition>();
  const paths = new Map<string, ServiceDefinition>();
  for (const def of sound) {
    const spec = def.spec;
    const at = specLocation(def);
    const first = byName.get(spec.name);
    if (first !== undefined) {
      problems.push({
        where: at,
        field: 'name',
        value: spec.name,
        problem: `is already used by ${specLocation(first)}`,
        fix: 'give every service a unique name',
      });
    } else {
      byName.set(spec.name, def);
    }
    const account = serviceAccountFor(spec);
    const owner = accounts.get(account);
    if (owner === undefined) {
      accounts.set(account, def);
    } else if (owner.spec.name !== spec.name) {
      problems.push({
        where: at,
        field: 'serviceAccountName',
        value: account,
        problem: `is already the identity of ${specLocation(owner)}`,
        fix: 'give every service its own ServiceAccount: the mesh authorises callers by it',
      });
    }
    for (const [i, route] of (spec.routes ?? []).entries()) {
      const key = routeKey(route as unknown as Record<string, unknown>);
      const claimant = paths.get(key);
      if (claimant !== undefined && claimant !== def) {
        const host = route.host === undefined ? '' : ` on ${route.host}`;
        problems.push({
          where: at,
          field: `routes[${i}].path`,
          value: route.path,
          problem: `is already claimed by ${specLocation(claimant)} (${route.match ?? 'prefix'} match${host})`,
          fix: 'route each public path to one service: remove it from one of them or use a different path',
        });
      } else {
        paths.set(key, def);
      }
    }
  }
  const known = [...named].sort().join(', ');
  for (const def of sound) {
    (def.spec.dependencies ?? []).forEach((d, i) => {
      // Another app's service: resolved against the environment's apps (charts/mesh/decisions.ts crossAppIndex).
      if (d.includes('/')) return;
      if (!named.has(d)) {
        problems.push({
          where: specLocation(def),
          field: `dependencies[${i}]`,
          value: d,
          problem: 'is not a service of this catalogue',
          fix: `use one of: ${known}, or add the missing service to the catalogue`,
        });
        return;
      }
      const target = byName.get(d);
      if (target !== undefined && target.spec.port === undefined) {
        problems.push({
          where: specLocation(def),
          field: `dependencies[${i}]`,
          value: d,
          problem: `is a worker without a port (${specLocation(target)}): it has no Service, so nobody can call it`,
          fix: `remove ${d} from dependencies, or give ${d} a port`,
        });
      }
    });
  }
  problems.push(...eventProblems(catalogue.services));
  return problems;
}

/** What of an environment decides whether a valid spec is valid there. */
export interface EnvironmentRules {
  readonly profile: EnvironmentProfile;
  readonly defaultTier: ResourceTier;
  /** Public domain; every route host must be it or a name under it. */
  readonly domain: string;
  /** Whether the environment configures a JWT issuer (needed by `authRequired` routes). */
  readonly hasJwtIssuer: boolean;
  /** The stack file, named in messages about environment-dependent values. */
  readonly stackFile: string;
  /**
   * The stack name, which prefixes the ids of the resources `uses` declares (services/uses.ts).
   * @default - the checks of those ids are skipped
   */
  readonly stack?: string;
  /**
   * The GCP project, which prefixes bucket names (services/uses.ts `bucketName`).
   * @default - the bucket name length check is skipped
   */
  readonly gcpProject?: string;
}

/**
 * Problems that appear only once a valid catalogue meets an environment: a request that
 * exceeds the limit of the tier it falls back to there, a route host outside the
 * environment's domain, an authenticated route without an issuer, fault injection in
 * production, a Memorystore instance id or a bucket name that the stack (and project) make too long.
 */
export function validateForEnvironment(catalogue: Catalogue, env: EnvironmentRules): Problem[] {
  const problems: Problem[] = [];
  for (const def of catalogue.services) {
    const resolved = resourcesFor(def.spec, env.defaultTier);
    for (const r of ['cpu', 'memory'] as const) {
      const req = resolved.requests[r];
      const lim = resolved.limits[r];
      if (parseQuantity(req) > parseQuantity(lim)) {
        const tier = def.spec.resources?.tier ?? `${env.defaultTier} (platform:defaultTier in ${env.stackFile})`;
        problems.push({
          where: specLocation(def),
          field: `resources.requests.${r}`,
          value: req,
          problem: `is above the limit ${lim} of tier ${tier}`,
          fix: `set resources.limits.${r} too, or choose a larger resources.tier`,
        });
      }
    }
    (def.spec.routes ?? []).forEach((route, i) => {
      const host = route.host;
      if (host !== undefined && host !== env.domain && !host.endsWith(`.${env.domain}`)) {
        problems.push({
          where: specLocation(def),
          field: `routes[${i}].host`,
          value: host,
          problem: `is outside the app's host ${env.domain} (its host in platform:apps, or platform:domain, in ${env.stackFile})`,
          fix: `use ${env.domain} or a name under it, e.g. api.${env.domain}`,
        });
      }
      if (route.authRequired === true && !env.hasJwtIssuer) {
        problems.push({
          where: specLocation(def),
          field: `routes[${i}].authRequired`,
          value: true,
          problem: `needs a JWT issuer, and ${env.stackFile} sets none`,
          fix: 'set platform:jwtIssuer and platform:jwksUri in the stack file, or make the route public',
        });
      }
    });
    if (env.stack !== undefined) problems.push(...usesEnvironmentProblems(def, env.stack, env.stackFile, env.gcpProject));
    if (def.spec.traffic?.faults !== undefined && env.profile === 'prod') {
      problems.push({
        where: specLocation(def),
        field: 'traffic.faults',
        value: def.spec.traffic.faults,
        problem: 'injects faults, which production environments refuse',
        fix: 'remove traffic.faults before promoting to prod (keep it on a branch for dev/staging experiments)',
      });
    }
  }
  return problems;
}

/** Image keys a service needs pinned, in version order (shared keys once). */
export function requiredImageKeys(spec: ServiceSpec): string[] {
  return [...new Set(spec.versions.map(imageKeyFor))];
}
