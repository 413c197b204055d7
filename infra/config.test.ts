import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatProblem } from '../services/problems';
import { availableStacks, loadEnvironment, PROJECT, repoRoot, stackFile } from './config';
import { thrown } from '../test/fixtures/thrown';

const ROOT = path.resolve(__dirname, '..');


/** A valid stack's settings, as raw YAML scalars (so tests can write quoted or odd values). */
const BASE: Readonly<Record<string, string>> = {
  'gcp:project': 'my-platform-qa',
  'gcp:region': 'europe-west1',
  'platform:profile': 'staging',
  'platform:namespace': 'shop',
  'platform:domain': 'qa.shop.example.com',
  'platform:tlsCredential': 'shop-qa-tls',
};

/** A Pulumi.<stack>.yaml body: BASE with overrides; `null` removes a key. */
function stackYaml(overrides: Record<string, string | null> = {}): string {
  const entries = Object.entries({ ...BASE, ...overrides }).filter((e): e is [string, string] => e[1] !== null);
  return `# test stack\nconfig:\n${entries.map(([k, v]) => `  ${k}: ${v}\n`).join('')}`;
}

describe('the repository stacks', () => {
  it('finds the repository root from the module', () => {
    expect(repoRoot()).toBe(ROOT);
    expect(stackFile('dev')).toBe(path.join(ROOT, 'Pulumi.dev.yaml'));
    expect(PROJECT).toBe('platform');
    // Config keys are namespaced by the Pulumi project name.
    expect(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')).toMatch(/^name: platform$/m);
  });

  it('lists the available stacks, sorted', () => {
    expect(availableStacks()).toEqual(['dev', 'prod', 'staging']);
  });

  it.each([
    ['dev', { profile: 'dev', domain: 'dev.bookinfo.example.com', defaultTier: 'small', requireDigests: false, gcpProject: 'replace-me-platform-dev' }],
    ['staging', { profile: 'staging', domain: 'staging.bookinfo.example.com', defaultTier: 'medium', requireDigests: true, gcpProject: 'replace-me-platform-stg' }],
    ['prod', { profile: 'prod', domain: 'bookinfo.example.com', defaultTier: 'medium', requireDigests: true, gcpProject: 'replace-me-platform-prod' }],
  ])('loads %s', (stack, expected) => {
    expect(loadEnvironment(stack)).toEqual({
      stack,
      // jest runs from the repository root, so the file is named relative to it.
      file: `Pulumi.${stack}.yaml`,
      namespace: 'bookinfo',
      // No platform:releases in the file: the stack name.
      releases: stack,
      gcpRegion: 'europe-west1',
      gatewayNamespace: 'istio-ingress',
      gatewayName: 'istio-ingress',
      tlsCredential: `bookinfo-${stack}-tls`,
      controlPlaneNamespace: 'istio-system',
      jwtIssuer: 'https://accounts.google.com',
      jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
      ...expected,
    });
  });
});

describe('loadEnvironment with a crafted stack file', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-test-'));
    fs.writeFileSync(path.join(root, 'Pulumi.yaml'), 'name: platform\nruntime: nodejs\n');
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  const writeStack = (stack: string, text: string): void => fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), text);
  /** How messages name the stack file: relative to the working directory. */
  const display = (stack: string): string => path.relative(process.cwd(), path.join(root, `Pulumi.${stack}.yaml`));
  const load = (overrides: Record<string, string | null> = {}) => {
    writeStack('qa', stackYaml(overrides));
    return loadEnvironment('qa', root);
  };
  const problemsOf = (overrides: Record<string, string | null>) => thrown(() => load(overrides)).problems;

  it('loads a valid file, with defaults for the optional keys', () => {
    expect(load()).toEqual({
      stack: 'qa',
      file: display('qa'),
      profile: 'staging',
      namespace: 'shop',
      domain: 'qa.shop.example.com',
      defaultTier: 'small',
      releases: 'qa',
      requireDigests: true,
      gcpProject: 'my-platform-qa',
      gcpRegion: 'europe-west1',
      gatewayNamespace: 'istio-ingress',
      gatewayName: 'istio-ingress',
      tlsCredential: 'shop-qa-tls',
      controlPlaneNamespace: 'istio-system',
    });
  });

  it('reads the gateway and JWT settings', () => {
    expect(load({
      'platform:gatewayNamespace': 'edge',
      'platform:gatewayName': 'istio-edge',
      'platform:controlPlaneNamespace': 'mesh-system',
      'platform:jwtIssuer': 'https://issuer.example.com',
      'platform:jwksUri': 'https://issuer.example.com/jwks.json',
    })).toMatchObject({
      gatewayNamespace: 'edge', gatewayName: 'istio-edge', controlPlaneNamespace: 'mesh-system',
      jwtIssuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks.json',
    });
  });

  it('requires the JWT issuer and JWKS URI together', () => {
    expect(problemsOf({ 'platform:jwtIssuer': 'https://issuer.example.com' })).toEqual([{
      where: display('qa'), field: 'config.platform:jwksUri', problem: 'is required with the other JWT setting',
      fix: 'set both platform:jwtIssuer and platform:jwksUri, or neither',
    }]);
  });

  it('defaults requireDigests from the profile: false only for dev', () => {
    expect(load({ 'platform:profile': 'dev' }).requireDigests).toBe(false);
    expect(load({ 'platform:profile': 'staging' }).requireDigests).toBe(true);
    expect(load({ 'platform:profile': 'prod' }).requireDigests).toBe(true);
  });

  it('honours an explicit requireDigests in either direction', () => {
    expect(load({ 'platform:profile': 'dev', 'platform:requireDigests': 'true' }).requireDigests).toBe(true);
    expect(load({ 'platform:profile': 'prod', 'platform:requireDigests': 'false' }).requireDigests).toBe(false);
  });

  it('reads requireDigests quoted, as `pulumi config set` writes it', () => {
    expect(load({ 'platform:profile': 'dev', 'platform:requireDigests': '"true"' }).requireDigests).toBe(true);
    expect(load({ 'platform:profile': 'prod', 'platform:requireDigests': '"false"' }).requireDigests).toBe(false);
  });

  it('reports a config section that is not a map', () => {
    writeStack('qa', '# test stack\nconfig: [profile, dev]\n');
    expect(() => loadEnvironment('qa', root)).toThrow('config ["profile","dev"] must be a map of settings');
  });

  it('honours explicit releases and defaultTier', () => {
    expect(load({ 'platform:releases': 'prod', 'platform:defaultTier': 'large' })).toMatchObject({ releases: 'prod', defaultTier: 'large' });
  });

  it("ignores other providers' keys", () => {
    expect(load({ 'gcp:zone': 'europe-west1-b', 'kubernetes:context': 'gke_x' }).stack).toBe('qa');
  });

  it('lists the stacks of the given root', () => {
    writeStack('qa', stackYaml());
    writeStack('dev', stackYaml());
    fs.writeFileSync(path.join(root, 'Pulumi.dev.yaml.bak'), '');
    fs.writeFileSync(path.join(root, 'other.yaml'), '');
    expect(availableStacks(root)).toEqual(['dev', 'qa']);
  });

  it('reports an unknown stack and lists the available ones', () => {
    writeStack('qa', stackYaml());
    writeStack('dev', stackYaml());
    const error = thrown(() => loadEnvironment('uat', root));
    expect(error.problems).toEqual([
      {
        where: display('uat'),
        field: '(file)',
        value: 'uat',
        problem: 'is not a stack of this repository',
        fix: 'use one of: dev, qa, or create Pulumi.uat.yaml',
      },
    ]);
    expect(error.message).toBe(`1 problem found:\n  - ${formatProblem(error.problems[0])}`);
  });

  it('reports an unknown stack of the repository, listing dev, prod and staging', () => {
    expect(thrown(() => loadEnvironment('qa')).problems).toEqual([
      { where: 'Pulumi.qa.yaml', field: '(file)', value: 'qa', problem: 'is not a stack of this repository', fix: 'use one of: dev, prod, staging, or create Pulumi.qa.yaml' },
    ]);
  });

  it('reports invalid YAML with its line', () => {
    writeStack('qa', `${stackYaml()}  platform:profile: prod\n`);
    expect(thrown(() => loadEnvironment('qa', root)).problems).toEqual([
      { where: display('qa'), field: 'line 9', problem: 'is not valid YAML (DUPLICATE_KEY)', fix: expect.stringContaining('Map keys must be unique') },
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    writeStack('qa', "config:\n  gcp:project: 'my-platform-qa\n");
    expect(thrown(() => loadEnvironment('qa', root)).problems).toEqual([
      { where: display('qa'), field: 'line 3', problem: 'is not valid YAML (MISSING_CHAR)', fix: expect.stringContaining('Missing closing') },
    ]);
  });

  it('reports a missing required key, naming the file and the key', () => {
    const error = thrown(() => load({ 'platform:domain': null }));
    expect(error.problems).toEqual([
      { where: display('qa'), field: 'config.platform:domain', problem: 'is required', fix: 'add `platform:domain: <value>` under config:' },
    ]);
    expect(error.problems[0]).not.toHaveProperty('value');
    expect(error.message).toBe(`${display('qa')}: invalid environment settings:\n  - ${display('qa')}: config.platform:domain is required. Fix: add \`platform:domain: <value>\` under config:`);
  });

  it('reports every required key of an empty file', () => {
    writeStack('qa', '# nothing yet\n');
    expect(thrown(() => loadEnvironment('qa', root)).problems.map((p) => `${p.where} ${p.field} ${p.problem}`)).toEqual([
      `${display('qa')} config.platform:profile is required`,
      `${display('qa')} config.platform:namespace is required`,
      `${display('qa')} config.platform:domain is required`,
      `${display('qa')} config.platform:tlsCredential is required`,
      `${display('qa')} config.gcp:project is required`,
      `${display('qa')} config.gcp:region is required`,
    ]);
  });

  it.each<[string, string, unknown, string, string]>([
    ['platform:profile', 'qa', 'qa', 'must be one of dev, staging, prod', 'set it to one of dev, staging, prod'],
    ['platform:tlsCredential', 'TLS_secret', 'TLS_secret', 'must be the name of a TLS Secret in the gateway namespace', 'set it to e.g. bookinfo-dev-tls'],
    ['platform:gatewayNamespace', 'Istio', 'Istio', 'must be a DNS-1123 label', 'set it to e.g. istio-ingress'],
    ['platform:jwksUri', 'http://insecure.example.com/jwks', 'http://insecure.example.com/jwks', 'must be an https:// JWKS URL', 'set it to e.g. https://www.googleapis.com/oauth2/v3/certs'],
    ['platform:profile', 'Prod', 'Prod', 'must be one of dev, staging, prod', 'set it to one of dev, staging, prod'],
    ['platform:namespace', 'Book_Info', 'Book_Info', 'must be a DNS-1123 label', 'set it to e.g. bookinfo'],
    ['platform:namespace', '123', 123, 'must be a DNS-1123 label', 'set it to e.g. bookinfo'],
    ['platform:domain', 'Shop.Example.COM', 'Shop.Example.COM', 'must be a lower-case DNS domain', 'set it to e.g. dev.bookinfo.example.com'],
    ['platform:domain', 'localhost', 'localhost', 'must be a lower-case DNS domain', 'set it to e.g. dev.bookinfo.example.com'],
    ['platform:domain', 'https://shop.example.com', 'https://shop.example.com', 'must be a lower-case DNS domain', 'set it to e.g. dev.bookinfo.example.com'],
    ['platform:defaultTier', 'huge', 'huge', 'must be one of small, medium, large', 'set it to one of small, medium, large'],
    ['platform:releases', '../prod', '../prod', 'must be the name of a file in services/releases/', 'set it to e.g. dev'],
    ['platform:requireDigests', 'yes', 'yes', 'must be true or false', 'set it to true or false'],
    ['gcp:project', 'My_Project', 'My_Project', 'must be a GCP project id (6-30 lower-case letters, digits, "-")', 'set it to e.g. my-platform-dev'],
    ['gcp:project', 'abc', 'abc', 'must be a GCP project id (6-30 lower-case letters, digits, "-")', 'set it to e.g. my-platform-dev'],
    ['gcp:project', 'my-platform-', 'my-platform-', 'must be a GCP project id (6-30 lower-case letters, digits, "-")', 'set it to e.g. my-platform-dev'],
    ['gcp:region', 'europe', 'europe', 'must be a GCP region', 'set it to e.g. europe-west1'],
  ])('reports %s: %s', (key, yamlValue, value, problem, fix) => {
    expect(problemsOf({ [key]: yamlValue })).toEqual([{ where: display('qa'), field: `config.${key}`, value, problem, fix }]);
  });

  it('reports an unknown platform: key (a typo) and lists the known ones', () => {
    expect(problemsOf({ 'platform:requireDigest': 'true' })).toEqual([
      {
        where: display('qa'),
        field: 'config.platform:requireDigest',
        value: true,
        problem: 'is not a setting of this project',
        fix: 'remove it or fix the spelling (known: platform:controlPlaneNamespace, platform:defaultTier, platform:domain, platform:gatewayName, platform:gatewayNamespace, platform:jwksUri, platform:jwtIssuer, platform:namespace, platform:profile, platform:releases, platform:requireDigests, platform:tlsCredential)',
      },
    ]);
  });

  it('reports every problem of the file at once', () => {
    const error = thrown(() => load({ 'platform:profile': 'qa', 'platform:domain': null, 'platform:namspace': 'shop', 'gcp:region': 'mars' }));
    expect(error.problems.map((p) => [p.field, p.problem])).toEqual([
      ['config.platform:profile', 'must be one of dev, staging, prod'],
      ['config.platform:domain', 'is required'],
      ['config.gcp:region', 'must be a GCP region'],
      ['config.platform:namspace', 'is not a setting of this project'],
    ]);
    expect(error.message.split('\n')[0]).toBe(`${display('qa')}: invalid environment settings:`);
    expect(error.message.split('\n')).toHaveLength(5);
  });
});
