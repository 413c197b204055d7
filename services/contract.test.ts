/**
 * The ServiceSpec contract at runtime, one test per defect of issue 14: a catalogue is loaded
 * by tsx, which does not type-check, so these are what stands between a typo and a cluster.
 * Each asserts the whole message as a user reads it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { synthCli } from '../cli/synth-command';
import { ROOT, runCli } from '../test/cli';
import { formatProblem, ValidationError } from '../core/problems';
import { loadCatalogue, type ModuleLoader } from './catalogue-module';
import { defineCatalogue } from './define';
import type { Catalogue, ServiceDefinition, ServiceSpec } from './spec';
import { ISTIO_PROXY_UID, validateCatalogue, validateService } from './validate';

const base: ServiceSpec = { name: 'svc', description: 'A test service', owner: 'team-a', port: 8080, versions: [{ name: 'v1' }] };
const messages = (overrides: Record<string, unknown>): string[] =>
  validateService({ spec: { ...base, ...overrides }, source: 'teams/svc.ts' }).map(formatProblem);

describe('a misspelled or unknown field is rejected with a did-you-mean', () => {
  it('replicsa: did you mean replicas?', () => {
    expect(messages({ replicsa: { prod: { min: 3, max: 10 } } })).toEqual([
      'teams/svc.ts (service "svc"): replicsa {"prod":{"min":3,"max":10}} is not a field of ServiceSpec. Fix: did you mean replicas?',
    ]);
  });

  it('resources.limit: did you mean limits?', () => {
    expect(messages({ resources: { limit: { cpu: '1' } } })).toEqual([
      'teams/svc.ts (service "svc"): resources.limit {"cpu":"1"} is not a field of ResourceSpec. Fix: did you mean limits?',
    ]);
  });

  it('a field inside a list entry, named by its index', () => {
    expect(messages({ routes: [{ path: '/a', mtach: 'exact' }] })).toEqual([
      'teams/svc.ts (service "svc"): routes[0].mtach "exact" is not a field of PublicRoute. Fix: did you mean match?',
    ]);
  });

  it('a field with no near match lists the fields there are', () => {
    expect(messages({ resources: { gpu: 1 } })).toEqual([
      'teams/svc.ts (service "svc"): resources.gpu 1 is not a field of ResourceSpec. Fix: remove it; ResourceSpec has: tier, requests, limits',
    ]);
  });

  it('redacts the value of an unknown field named like a secret', () => {
    expect(messages({ dbPassword: 'hunter2' })).toEqual([
      'teams/svc.ts (service "svc"): dbPassword "(redacted)" is not a field of ServiceSpec. Fix: remove it; ServiceSpec has: ' +
        'name, description, owner, port, servicePort, protocol, serviceAccountName, versions, replicas, resources, probes, env, config, secrets, ' +
        'dependencies, routes, traffic, writablePaths, runAsUser, terminationGracePeriodSeconds, gcp, uses, slo',
    ]);
  });

  it('a wrong type the field checks do not cover comes from the schema', () => {
    expect(messages({ routes: [{ path: '/a', cors: { allowOrigins: ['https://a.example.com'], allowMethods: 'GET' } }] })).toEqual([
      'teams/svc.ts (service "svc"): routes[0].cors.allowMethods "GET" must be a list. Fix: write it as a list (string[]); see docs/service-spec.md',
    ]);
  });

  it('a wrong type a field check covers is reported once, in its words', () => {
    expect(messages({ port: '8080' })).toEqual([
      'teams/svc.ts (service "svc"): port "8080" is out of range: a port is a whole number from 1 to 65535. Fix: set the port the container listens on, e.g. 9080',
    ]);
  });
});

describe('a service name must be a DNS-1035 label (a Kubernetes Service name)', () => {
  it('rejects a name starting with a digit', () => {
    expect(messages({ name: '1reviews' })).toEqual([
      'teams/svc.ts (service "1reviews"): name "1reviews" must start with a letter: it names the Kubernetes Service, and a Service name is a DNS-1035 label. ' +
        "Fix: rename it, e.g. 'svc-1reviews'",
    ]);
  });

  it('accepts digits after the first letter', () => {
    expect(messages({ name: 'r2d2' })).toEqual([]);
  });
});

describe("runAsUser: Istio's sidecar UID", () => {
  // vendor/istio/1.30.3/.../injection-template.yaml: istio-proxy's securityContext, and the
  // UID istio-iptables exempts from redirection.
  const template = fs.readFileSync(
    path.join(__dirname, '../vendor/istio/1.30.3/manifests/charts/istio-control/istio-discovery/files/injection-template.yaml'),
    'utf8',
  );

  it('is 1337 in the Istio 1.30.3 injection template (user, group and the iptables -u exemption)', () => {
    expect(ISTIO_PROXY_UID).toBe(1337);
    expect(template).toContain(`runAsUser: {{ .ProxyUID | default "${ISTIO_PROXY_UID}" }}`);
    expect(template).toContain(`runAsGroup: {{ .ProxyGID | default "${ISTIO_PROXY_UID}" }}`);
    expect(template).toMatch(
      new RegExp(
        `- "-u"\\n\\s+- \\{\\{ if \\$tproxy \\}\\} "${ISTIO_PROXY_UID}" \\{\\{ else \\}\\} \\{\\{ .ProxyUID \\| default "${ISTIO_PROXY_UID}"`,
      ),
    );
  });

  it('rejects runAsUser: 1337', () => {
    expect(messages({ runAsUser: 1337 })).toEqual([
      "teams/svc.ts (service \"svc\"): runAsUser 1337 is the UID and GID of Istio's sidecar: the pod's traffic from it is not redirected through the proxy, so it would bypass mTLS and the mesh's policies. " +
        'Fix: use another UID, e.g. 1000 (the default), or leave runAsUser out',
    ]);
  });
});

describe('problems of the catalogue as a whole name its file', () => {
  const catalogue = (services: unknown[], name = 'shop'): Catalogue => defineCatalogue(name, services as ServiceDefinition[]);
  const svc = (name: string, overrides: Record<string, unknown> = {}): ServiceDefinition => ({ spec: { ...base, name, ...overrides } });

  it('records the file that called defineCatalogue', () => {
    expect(catalogue([]).source).toBe('services/contract.test.ts');
  });

  it('its name', () => {
    expect(validateCatalogue(catalogue([svc('a')], 'Shop')).map(formatProblem)).toEqual([
      `services/contract.test.ts: name "Shop" must be a DNS-1123 label. Fix: name it like 'bookinfo'`,
    ]);
  });

  it('an empty list', () => {
    expect(validateCatalogue(catalogue([])).map(formatProblem)).toEqual([
      'services/contract.test.ts: services [] is empty. Fix: add at least one defineService(...)',
    ]);
  });

  it('an entry that is a bare ServiceSpec, without a follow-on "not a service of this catalogue"', () => {
    expect(validateCatalogue(catalogue([svc('web', { dependencies: ['api'] }), { ...base, name: 'api' }])).map(formatProblem)).toEqual([
      'services/contract.test.ts: services[1] "api" is a ServiceSpec, not a defineService(...) result. ' +
        "Fix: wrap it: defineService({ name: 'api', ... }), which records its file for every message",
    ]);
  });

  it('an entry that is undefined (a module without a default export)', () => {
    expect(validateCatalogue(catalogue([svc('web'), undefined])).map(formatProblem)).toEqual([
      "services/contract.test.ts: services[1] (missing) is not a defineService(...) result. Fix: list what defineService({...}) returns; undefined usually means the imported module has no 'export default defineService(...)'",
    ]);
  });

  it('an entry that is a module namespace (import * as)', () => {
    expect(validateCatalogue(catalogue([svc('web'), { default: svc('api') }])).map(formatProblem)).toEqual([
      'services/contract.test.ts: services[1] ["default"] is a module namespace, not the service it exports. ' +
        "Fix: import the default export (import ratings from './ratings'), not the module (import * as ratings)",
    ]);
  });

  it('a service whose structure is broken is left out of the checks between services', () => {
    // dependencies: a string is reported once; no "is not a service" for each of its letters,
    // and the other service's dependency on it still resolves.
    const problems = validateCatalogue(catalogue([svc('web', { dependencies: 'api' }), svc('api', { dependencies: ['web'] })]));
    expect(problems.map(formatProblem)).toEqual([
      'service "web": dependencies "api" must be a list of service names. Fix: write dependencies: [\'ratings\']',
    ]);
  });
});

describe('a catalogue module that does not load', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const DEFINE = path.join(__dirname, 'define');
  const write = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  /** The message a command prints for it (runCommand prints a ValidationError's message). */
  const failure = (module: string, load?: ModuleLoader): string => {
    try {
      loadCatalogue(module, dir, load);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as Error).message;
    }
    throw new Error('loadCatalogue did not fail');
  };

  it('throws on import: the module, the first line of the error, where, and the fix', () => {
    write(
      'service.ts',
      `import { defineService } from '${DEFINE}';\nconst versions: any = undefined;\nexport default defineService({ name: 'a', description: 'd', owner: 'o', port: 1, versions: versions.map((v: unknown) => v) });\n`,
    );
    const module = write(
      'index.ts',
      `import { defineCatalogue } from '${DEFINE}';\nimport a from './service';\nexport default defineCatalogue('shop', [a]);\n`,
    );
    expect(failure(module)).toBe(
      'the catalogue module does not load:\n' +
        '  - index.ts: import "TypeError: Cannot read properties of undefined (reading \'map\')" fails: the code at service.ts:3:101 throws while the catalogue loads. ' +
        'Fix: correct the code at service.ts:3:101; loading a catalogue runs every module it imports',
    );
  });

  it('has a syntax error: npm run synth reports it as tsx (esbuild) does, exit 2, without a stack trace', async () => {
    // Tests load TypeScript with tsx, as npm run synth does (jest.config.js): the same esbuild error.
    const module = write(
      'index.ts',
      `import { defineCatalogue } from '${DEFINE}';\nexport default defineCatalogue('shop', [\n  { spec: { name: 'a' } ,,\n]);\n`,
    );
    const shown = path.relative(ROOT, path.join(dir, module));
    expect(await runCli(synthCli, ['--env', 'dev', '--out', dir, '--catalogue', path.join(dir, module)], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: the catalogue module does not load:\n' +
        `  - ${path.join(dir, module)}: import "SyntaxError: Expected identifier but found \\",\\"" fails: a syntax error at ${shown}:3:25. ` +
        `Fix: correct the code at ${shown}:3:25 (npm run typecheck lists every error)\n`,
    });
  });

  it("has a syntax error: as Pulumi's ts-node reports it (TypeScript's diagnostics)", () => {
    // @pulumi/pulumi/vendor/ts-node@7.0.1 throws new TSError(ts.formatDiagnostics(diagnostics,
    // host)), message "⨯ Unable to compile TypeScript:\n" + that text, file names relative to
    // the working directory; the diagnostics here come from the real compiler.
    const file = path.join(dir, 'index.ts');
    const { diagnostics = [] } = ts.transpileModule("export default defineCatalogue('shop', [,,;\n", {
      fileName: file,
      reportDiagnostics: true,
    });
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => process.cwd(),
      getNewLine: () => '\n',
    });
    const tsError = Object.assign(new Error(`\u2A2F Unable to compile TypeScript:\n${text}`), { name: 'TSError' });
    expect(
      failure('index.ts', () => {
        throw tsError;
      }),
    ).toBe(
      'the catalogue module does not load:\n' +
        '  - index.ts: import "TS1137: Expression or comma expected." fails: a syntax error at index.ts:1:43. ' +
        'Fix: correct the code at index.ts:1:43 (npm run typecheck lists every error)',
    );
  });
});
