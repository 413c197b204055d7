import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatProblem } from './problems';
import {
  availableStacks,
  cliText,
  CONFIG_KEYS,
  loadEnvironment,
  parseEnvironment,
  PREVIEW_SETTINGS_OUTPUT,
  previewOf,
  previewSettings,
  PROJECT,
  readStackFiles,
  repoRoot,
  stackFile,
  stackOutputSource,
} from './config';
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
  'platform:istioVersion': '1.30.3',
};

/** What the infrastructure keys resolve to when a stack file leaves them out. */
const INFRA_DEFAULTS = {
  regions: ['europe-west1'],
  regionRanges: {},
  subnetCidr: '10.10.0.0/20',
  podsCidr: '10.20.0.0/14',
  servicesCidr: '10.24.0.0/20',
  masterCidr: '172.16.0.0/28',
  privateServicesCidr: '10.32.0.0/16',
  nodeMachineType: 'e2-standard-4',
  nodeMinCount: 1,
  nodeDiskSizeGb: 50,
  authorizedNetworks: [],
  maintenanceStart: '02:00',
  teams: {},
  istioVersion: '1.30.3',
  kind: 'platform',
  devStackReference: 'organization/platform/dev',
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

  it('pins istioVersion once, in Pulumi.yaml, for every stack: a version bump is one line', () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      expect(fs.readFileSync(stackFile(stack), 'utf8')).not.toContain('istioVersion');
      expect(readStackFiles(stack).origins).toEqual({ 'platform:istioVersion': 'Pulumi.yaml' });
    }
    expect(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8').match(/istioVersion/g)).toHaveLength(2);
  });

  it('documents every setting in docs/environments.md, and no other', () => {
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'environments.md'), 'utf8');
    const table = docs.slice(docs.indexOf('## Every setting'), docs.indexOf('## Preview stacks'));
    const documented = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((m) =>
      [...m[1].matchAll(/`((?:platform|gcp):\w+)`/g)].map((k) => k[1]),
    );
    expect([...documented].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('lists the available stacks, sorted', () => {
    expect(availableStacks()).toEqual(['dev', 'prod', 'staging']);
  });

  it.each([
    [
      'dev',
      {
        profile: 'dev',
        domain: 'dev.example.com',
        defaultTier: 'small',
        requireDigests: false,
        gcpProject: 'replace-me-platform-dev',
        nodeMaxCount: 2,
        nodeSpot: true,
        releaseChannel: 'REGULAR',
        meshReplicas: 1,
        deletionProtection: false,
        binaryAuthorization: false,
        traceSamplingPercent: 100,
        appDelivery: 'pulumi',
      },
    ],
    [
      'staging',
      {
        profile: 'staging',
        domain: 'staging.example.com',
        defaultTier: 'medium',
        requireDigests: true,
        gcpProject: 'replace-me-platform-stg',
        nodeMaxCount: 3,
        nodeSpot: false,
        releaseChannel: 'REGULAR',
        meshReplicas: 2,
        deletionProtection: false,
        binaryAuthorization: false,
        traceSamplingPercent: 10,
        otelCollectorDigest: 'sha256:c412ac74072a2ee3adc64922c223f985a9d0981682bc27411f3c4c4dfbeac52a',
        appDelivery: 'pulumi',
      },
    ],
    [
      'prod',
      {
        profile: 'prod',
        domain: 'example.com',
        defaultTier: 'medium',
        requireDigests: true,
        gcpProject: 'replace-me-platform-prod',
        nodeMinCount: 2,
        nodeMaxCount: 5,
        nodeSpot: false,
        releaseChannel: 'STABLE',
        meshReplicas: 2,
        deletionProtection: true,
        binaryAuthorization: true,
        traceSamplingPercent: 1,
        otelCollectorDigest: 'sha256:c412ac74072a2ee3adc64922c223f985a9d0981682bc27411f3c4c4dfbeac52a',
        // Two regions behind the one load balancer (docs/regions.md): the second's zones and ranges.
        regions: ['europe-west1', 'europe-west4'],
        zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d', 'europe-west4-a', 'europe-west4-b', 'europe-west4-c'],
        regionRanges: {
          'europe-west4': {
            subnetCidr: '10.11.0.0/20',
            podsCidr: '10.40.0.0/14',
            servicesCidr: '10.25.0.0/20',
            masterCidr: '172.16.0.16/28',
          },
        },
        appDelivery: 'configsync',
      },
    ],
  ])('loads %s', (stack, expected) => {
    expect(loadEnvironment(stack)).toEqual({
      stack,
      // jest runs from the repository root, so the file is named relative to it.
      file: `Pulumi.${stack}.yaml`,
      // BookInfo and Online Boutique, each in its namespace at <app>.<domain>; BookInfo's pins stay in services/releases/.
      apps: [
        {
          name: 'bookinfo',
          catalogue: 'services/bookinfo',
          namespace: 'bookinfo',
          host: `bookinfo.${expected.domain}`,
          releases: `services/releases/${stack}.yaml`,
        },
        {
          name: 'boutique',
          catalogue: 'services/boutique',
          namespace: 'boutique',
          host: `boutique.${expected.domain}`,
          releases: `services/boutique/releases/${stack}.yaml`,
        },
      ],
      gcpRegion: 'europe-west1',
      gatewayNamespace: 'istio-ingress',
      gatewayName: 'istio-ingress',
      tlsCredential: `bookinfo-${stack}-tls`,
      controlPlaneNamespace: 'istio-system',
      jwtIssuer: 'https://accounts.google.com',
      jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
      zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
      bootstrapStackReference: `organization/platform-bootstrap/${stack}`,
      // The defaults, then platform:extraRegistries: Online Boutique's upstream images.
      allowedRegistries: [
        'docker.io/istio/',
        `europe-west1-docker.pkg.dev/${expected.gcpProject}/`,
        'gcr.io/cloud-sql-connectors/',
        'docker.io/otel/',
        'us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/',
      ],
      ...INFRA_DEFAULTS,
      ...expected,
      // A placeholder address for every owner of BookInfo's and Online Boutique's services.
      teams: Object.fromEntries(
        ['team-catalog', 'team-reviews', 'team-storefront', 'team-boutique'].map((t) => [t, { email: `${t}+${stack}@example.com` }]),
      ),
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
      domain: 'qa.shop.example.com',
      // The single-app form: BookInfo in platform:namespace at the domain, pins named after the stack.
      apps: [
        {
          name: 'bookinfo',
          catalogue: 'services/bookinfo',
          namespace: 'shop',
          host: 'qa.shop.example.com',
          releases: 'services/releases/qa.yaml',
        },
      ],
      appDelivery: 'pulumi',
      defaultTier: 'small',
      requireDigests: true,
      gcpProject: 'my-platform-qa',
      gcpRegion: 'europe-west1',
      gatewayNamespace: 'istio-ingress',
      gatewayName: 'istio-ingress',
      tlsCredential: 'shop-qa-tls',
      controlPlaneNamespace: 'istio-system',
      bootstrapStackReference: 'organization/platform-bootstrap/qa',
      allowedRegistries: [
        'docker.io/istio/',
        'europe-west1-docker.pkg.dev/my-platform-qa/',
        'gcr.io/cloud-sql-connectors/',
        'docker.io/otel/',
      ],
      ...INFRA_DEFAULTS,
      // The staging profile's defaults.
      traceSamplingPercent: 10,
      zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
      nodeMaxCount: 3,
      nodeSpot: false,
      releaseChannel: 'REGULAR',
      meshReplicas: 2,
      deletionProtection: false,
      binaryAuthorization: false,
    });
  });

  it('reads the gateway and JWT settings', () => {
    expect(
      load({
        'platform:gatewayNamespace': 'edge',
        'platform:gatewayName': 'istio-edge',
        'platform:controlPlaneNamespace': 'mesh-system',
        'platform:jwtIssuer': 'https://issuer.example.com',
        'platform:jwksUri': 'https://issuer.example.com/jwks.json',
      }),
    ).toMatchObject({
      gatewayNamespace: 'edge',
      gatewayName: 'istio-edge',
      controlPlaneNamespace: 'mesh-system',
      jwtIssuer: 'https://issuer.example.com',
      jwksUri: 'https://issuer.example.com/jwks.json',
    });
  });

  it('requires the JWT issuer and JWKS URI together', () => {
    expect(problemsOf({ 'platform:jwtIssuer': 'https://issuer.example.com' })).toEqual([
      {
        where: display('qa'),
        field: 'config.platform:jwksUri',
        problem: 'is required with the other JWT setting',
        fix: 'set both platform:jwtIssuer and platform:jwksUri, or neither',
      },
    ]);
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
    const loaded = load({ 'platform:releases': 'prod', 'platform:defaultTier': 'large' });
    expect(loaded).toMatchObject({ defaultTier: 'large' });
    expect(loaded.apps.map((a) => a.releases)).toEqual(['services/releases/prod.yaml']);
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
      {
        where: 'Pulumi.qa.yaml',
        field: '(file)',
        value: 'qa',
        problem: 'is not a stack of this repository',
        fix: 'use one of: dev, prod, staging, or create Pulumi.qa.yaml',
      },
    ]);
  });

  it('reports invalid YAML with its line', () => {
    writeStack('qa', `${stackYaml()}  platform:profile: prod\n`);
    expect(thrown(() => loadEnvironment('qa', root)).problems).toEqual([
      {
        where: display('qa'),
        field: 'line 10',
        problem: 'is not valid YAML (DUPLICATE_KEY)',
        fix: expect.stringContaining('Map keys must be unique'),
      },
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    writeStack('qa', "config:\n  gcp:project: 'my-platform-qa\n");
    expect(thrown(() => loadEnvironment('qa', root)).problems).toEqual([
      {
        where: display('qa'),
        field: 'line 3',
        problem: 'is not valid YAML (MISSING_CHAR)',
        fix: expect.stringContaining('Missing closing'),
      },
    ]);
  });

  it('reports a missing required key, naming the file and the key', () => {
    const error = thrown(() => load({ 'platform:domain': null }));
    expect(error.problems).toEqual([
      {
        where: display('qa'),
        field: 'config.platform:domain',
        problem: 'is required',
        fix: 'add `platform:domain: <value>` under config:',
      },
    ]);
    expect(error.problems[0]).not.toHaveProperty('value');
    expect(error.message).toBe(
      `${display('qa')}: invalid environment settings:\n  - ${display('qa')}: config.platform:domain is required. Fix: add \`platform:domain: <value>\` under config:`,
    );
  });

  it('reports every required key of an empty file', () => {
    writeStack('qa', '# nothing yet\n');
    expect(thrown(() => loadEnvironment('qa', root)).problems.map((p) => `${p.where} ${p.field} ${p.problem}`)).toEqual([
      `${display('qa')} config.platform:profile is required`,
      `${display('qa')} config.gcp:region is required`,
      `${display('qa')} config.platform:domain is required`,
      `${display('qa')} config.platform:tlsCredential is required`,
      `${display('qa')} config.gcp:project is required`,
      `${display('qa')} config.platform:istioVersion is required`,
      `${display('qa')} config.platform:namespace is required unless platform:apps lists the apps`,
    ]);
  });

  it.each<[string, string, unknown, string, string]>([
    ['platform:profile', 'qa', 'qa', 'must be one of dev, staging, prod', 'set it to one of dev, staging, prod'],
    [
      'platform:tlsCredential',
      'TLS_secret',
      'TLS_secret',
      'must be the name of a TLS Secret in the gateway namespace',
      'set it to e.g. bookinfo-dev-tls',
    ],
    ['platform:gatewayNamespace', 'Istio', 'Istio', 'must be a DNS-1123 label', 'set it to e.g. istio-ingress'],
    [
      'platform:jwksUri',
      'http://insecure.example.com/jwks',
      'http://insecure.example.com/jwks',
      'must be an https:// JWKS URL',
      'set it to e.g. https://www.googleapis.com/oauth2/v3/certs',
    ],
    ['platform:profile', 'Prod', 'Prod', 'must be one of dev, staging, prod', 'set it to one of dev, staging, prod'],
    ['platform:namespace', 'Book_Info', 'Book_Info', 'must be a DNS-1123 label', 'set it to e.g. bookinfo'],
    ['platform:namespace', '-shop', '-shop', 'must be a DNS-1123 label', 'set it to e.g. bookinfo'],
    [
      'platform:domain',
      'Shop.Example.COM',
      'Shop.Example.COM',
      'must be a lower-case DNS domain',
      'set it to e.g. dev.bookinfo.example.com',
    ],
    ['platform:domain', 'localhost', 'localhost', 'must be a lower-case DNS domain', 'set it to e.g. dev.bookinfo.example.com'],
    [
      'platform:domain',
      'https://shop.example.com',
      'https://shop.example.com',
      'must be a lower-case DNS domain',
      'set it to e.g. dev.bookinfo.example.com',
    ],
    ['platform:defaultTier', 'huge', 'huge', 'must be one of small, medium, large', 'set it to one of small, medium, large'],
    ['platform:releases', '../prod', '../prod', 'must be the name of a file in services/releases/', 'set it to e.g. dev'],
    ['platform:requireDigests', 'yes', 'yes', 'must be true or false', 'set it to true or false'],
    [
      'gcp:project',
      'My_Project',
      'My_Project',
      'must be a GCP project id (6-30 lower-case letters, digits, "-")',
      'set it to e.g. my-platform-dev',
    ],
    ['gcp:project', 'abc', 'abc', 'must be a GCP project id (6-30 lower-case letters, digits, "-")', 'set it to e.g. my-platform-dev'],
    [
      'gcp:project',
      'my-platform-',
      'my-platform-',
      'must be a GCP project id (6-30 lower-case letters, digits, "-")',
      'set it to e.g. my-platform-dev',
    ],
    ['gcp:region', 'europe', 'europe', 'must be a GCP region', 'set it to e.g. europe-west1'],
  ])('reports %s: %s', (key, yamlValue, value, problem, fix) => {
    expect(problemsOf({ [key]: yamlValue })).toEqual([{ where: display('qa'), field: `config.${key}`, value, problem, fix }]);
  });

  it('reports an unknown platform: key (a typo) and lists the known ones', () => {
    expect(problemsOf({ 'platform:requireDigest': 'true' })).toEqual([
      {
        where: display('qa'),
        field: 'config.platform:requireDigest',
        value: 'true',
        problem: 'is not a setting of this project',
        fix: 'did you mean platform:requireDigests? (every setting is listed in docs/environments.md)',
      },
    ]);
  });

  it.each<[string, Record<string, string>, string, unknown, string, string]>([
    [
      'a zone outside the region',
      { 'platform:zones': '[europe-west1-b, us-east1-c]' },
      'config.platform:zones',
      'us-east1-c',
      'is not in the region europe-west1',
      'use zones of europe-west1, e.g. europe-west1-b',
    ],
    [
      'overlapping ranges',
      { 'platform:servicesCidr': '10.21.0.0/20' },
      'config.platform:servicesCidr',
      '10.21.0.0/20',
      'overlaps platform:podsCidr (10.20.0.0/14)',
      'give the subnet, pods, services, control plane and private services disjoint ranges',
    ],
    [
      'a private services range overlapping the subnet',
      { 'platform:privateServicesCidr': '10.0.0.0/12' },
      'config.platform:privateServicesCidr',
      '10.0.0.0/12',
      'overlaps platform:subnetCidr (10.10.0.0/20)',
      'give the subnet, pods, services, control plane and private services disjoint ranges',
    ],
    [
      'host bits in a range',
      { 'platform:subnetCidr': '10.10.1.0/20' },
      'config.platform:subnetCidr',
      '10.10.1.0/20',
      'has host bits set',
      'use the network address, e.g. 10.10.0.0/20',
    ],
    [
      'max below min nodes',
      { 'platform:nodeMinCount': '4', 'platform:nodeMaxCount': '2' },
      'config.platform:nodeMaxCount',
      2,
      'is below platform:nodeMinCount (4)',
      'raise nodeMaxCount or lower nodeMinCount',
    ],
    [
      'one mesh replica in staging',
      { 'platform:meshReplicas': '1' },
      'config.platform:meshReplicas',
      1,
      'leaves istiod and the gateway without redundancy in a staging environment',
      'use 2 or more',
    ],
    [
      'deletion protection off in prod',
      { 'platform:profile': 'prod', 'platform:deletionProtection': 'false' },
      'config.platform:deletionProtection',
      false,
      'is off in production',
      'remove the key (it defaults to true in prod) or set it to true',
    ],
    [
      'zones not a list',
      { 'platform:zones': 'europe-west1-b' },
      'config.platform:zones',
      'europe-west1-b',
      'must be a YAML list of zones (at least one)',
      'write it as a list, e.g. [europe-west1-b, europe-west1-c]',
    ],
    [
      'a bootstrap stack reference that is not <organization>/<project>/<stack>',
      { 'platform:bootstrapStackReference': 'platform-bootstrap/dev' },
      'config.platform:bootstrapStackReference',
      'platform-bootstrap/dev',
      'must be a stack reference <organization>/<project>/<stack>',
      'set it to e.g. organization/platform-bootstrap/dev',
    ],
    [
      'a node count out of range',
      { 'platform:nodeMaxCount': '0' },
      'config.platform:nodeMaxCount',
      '0',
      'must be a whole number from 1 to 1000',
      'set it to a number from 1 to 1000',
    ],
    [
      'a master range that is not a /28',
      { 'platform:masterCidr': '172.16.0.0/24' },
      'config.platform:masterCidr',
      '172.16.0.0/24',
      'must be a /28 IPv4 CIDR',
      'set it to e.g. 172.16.0.0/28',
    ],
    [
      'a private services range smaller than a /24',
      { 'platform:privateServicesCidr': '10.32.0.0/26' },
      'config.platform:privateServicesCidr',
      '10.32.0.0/26',
      'must be an IPv4 CIDR from /8 to /24',
      'set it to e.g. 10.32.0.0/16',
    ],
  ])('reports %s', (_title, overrides, field, value, problem, fix) => {
    expect(problemsOf(overrides)).toEqual([{ where: display('qa'), field, value, problem, fix }]);
  });

  describe('in several regions', () => {
    const WEST4 =
      '{europe-west4: {subnetCidr: 10.11.0.0/20, podsCidr: 10.40.0.0/14, servicesCidr: 10.25.0.0/20, masterCidr: 172.16.0.16/28}}';
    const TWO = { 'platform:regions': '[europe-west1, europe-west4]', 'platform:regionRanges': WEST4 };

    it("defaults every region to its -b, -c and -d zones, and reads the further regions' ranges", () => {
      expect(load(TWO)).toMatchObject({
        regions: ['europe-west1', 'europe-west4'],
        zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d', 'europe-west4-b', 'europe-west4-c', 'europe-west4-d'],
        regionRanges: {
          'europe-west4': {
            subnetCidr: '10.11.0.0/20',
            podsCidr: '10.40.0.0/14',
            servicesCidr: '10.25.0.0/20',
            masterCidr: '172.16.0.16/28',
          },
        },
      });
    });

    it.each<[string, Record<string, string>, string, unknown, string, string]>([
      [
        'regions that do not start with gcp:region',
        {
          ...TWO,
          'platform:regions': '[europe-west4, europe-west1]',
          'platform:regionRanges': WEST4.replace('europe-west4', 'europe-west1'),
        },
        'config.platform:regions',
        ['europe-west4', 'europe-west1'],
        'starts with europe-west4, not gcp:region (europe-west1)',
        'list gcp:region first (the primary region: data stores, registry, the first cluster), e.g. [europe-west1, europe-west4]',
      ],
      [
        'a region without ranges',
        { 'platform:regions': '[europe-west1, europe-west4]' },
        'config.platform:regionRanges',
        {},
        'has no ranges for europe-west4, which platform:regions lists',
        'add europe-west4: { subnetCidr, podsCidr, servicesCidr, masterCidr }, disjoint from every other range (docs/regions.md)',
      ],
      [
        'ranges for a region not listed',
        { 'platform:regionRanges': WEST4 },
        'config.platform:regionRanges',
        {
          'europe-west4': {
            subnetCidr: '10.11.0.0/20',
            podsCidr: '10.40.0.0/14',
            servicesCidr: '10.25.0.0/20',
            masterCidr: '172.16.0.16/28',
          },
        },
        'names europe-west4, which platform:regions does not list',
        'remove it, or add europe-west4 to platform:regions',
      ],
      [
        "a second region's pods overlapping the first's Services",
        { ...TWO, 'platform:regionRanges': WEST4.replace('10.40.0.0/14', '10.24.0.0/16').replace('10.25.0.0/20', '10.44.0.0/20') },
        'config.platform:regionRanges.europe-west4.podsCidr',
        '10.24.0.0/16',
        'overlaps platform:servicesCidr (10.24.0.0/20)',
        "give every region's subnet, pods, services and control plane, and private services, disjoint ranges",
      ],
      [
        "a second region's control plane on the first's",
        { ...TWO, 'platform:regionRanges': WEST4.replace('172.16.0.16/28', '172.16.0.0/28') },
        'config.platform:regionRanges.europe-west4.masterCidr',
        '172.16.0.0/28',
        'overlaps platform:masterCidr (172.16.0.0/28)',
        "give every region's subnet, pods, services and control plane, and private services, disjoint ranges",
      ],
      [
        'a zone in neither region',
        { ...TWO, 'platform:zones': '[europe-west1-b, europe-west4-a, us-east1-c]' },
        'config.platform:zones',
        'us-east1-c',
        'is not in any region of platform:regions (europe-west1, europe-west4)',
        'use zones of those regions, e.g. europe-west1-b, europe-west4-b',
      ],
      [
        'a region without zones',
        { ...TWO, 'platform:zones': '[europe-west1-b]' },
        'config.platform:zones',
        ['europe-west1-b'],
        'has no zone of europe-west4 (platform:regions)',
        "add that region's zones, e.g. europe-west4-b, europe-west4-c, europe-west4-d",
      ],
      [
        'a region listed twice',
        { 'platform:regions': '[europe-west1, europe-west1]' },
        'config.platform:regions',
        ['europe-west1', 'europe-west1'],
        'lists europe-west1 more than once',
        'list each region once',
      ],
      [
        'a range map with a field missing',
        { ...TWO, 'platform:regionRanges': '{europe-west4: {subnetCidr: 10.11.0.0/20}}' },
        'config.platform:regionRanges',
        { 'europe-west4': { subnetCidr: '10.11.0.0/20' } },
        'europe-west4: is missing podsCidr, servicesCidr, masterCidr',
        'give every field, e.g. `europe-west4: { subnetCidr: 10.11.0.0/20, podsCidr: 10.40.0.0/14, servicesCidr: 10.25.0.0/20, masterCidr: 172.16.0.16/28 }`',
      ],
      [
        'a second control plane range that is not a /28',
        { ...TWO, 'platform:regionRanges': WEST4.replace('172.16.0.16/28', '172.16.1.0/24') },
        'config.platform:regionRanges',
        {
          'europe-west4': {
            subnetCidr: '10.11.0.0/20',
            podsCidr: '10.40.0.0/14',
            servicesCidr: '10.25.0.0/20',
            masterCidr: '172.16.1.0/24',
          },
        },
        'europe-west4: `masterCidr` must be a /28 IPv4 CIDR',
        'write e.g. `europe-west4: { subnetCidr: 10.11.0.0/20, podsCidr: 10.40.0.0/14, servicesCidr: 10.25.0.0/20, masterCidr: 172.16.0.16/28 }`',
      ],
    ])('reports %s', (_title, overrides, field, value, problem, fix) => {
      expect(problemsOf(overrides)).toEqual([{ where: display('qa'), field, value, problem, fix }]);
    });
  });

  it('derives a pull request preview stack from dev, with the dev stack named in Pulumi.yaml', () => {
    fs.appendFileSync(path.join(root, 'Pulumi.yaml'), 'config:\n  platform:devStackReference: acme/platform/dev\n');
    writeStack('dev', stackYaml({ 'platform:profile': 'dev' }));
    const dev = loadEnvironment('dev', root);
    expect(loadEnvironment('pr-42', root)).toEqual({
      ...dev,
      stack: 'pr-42',
      kind: 'preview',
      domain: 'pr-42.qa.shop.example.com',
      // Each app in its own namespace, at pr-42.<its host> (under the wildcard of its host), with dev's pins.
      apps: [
        {
          name: 'bookinfo',
          catalogue: 'services/bookinfo',
          namespace: 'pr-42-bookinfo',
          host: 'pr-42.qa.shop.example.com',
          releases: 'services/releases/dev.yaml',
        },
      ],
      deletionProtection: false,
      devStackReference: 'acme/platform/dev',
    });
    expect(dev.devStackReference).toBe('acme/platform/dev');
  });

  it('treats only pr-<number> as a preview stack', () => {
    writeStack('dev', stackYaml({ 'platform:profile': 'dev' }));
    expect(() => loadEnvironment('pr-0', root)).toThrow('Pulumi.pr-0.yaml: (file) "pr-0" is not a stack of this repository');
    expect(() => loadEnvironment('pr-x', root)).toThrow('is not a stack of this repository');
  });

  it('reads allowed registries, each a prefix ending in "/"', () => {
    expect(load({ 'platform:allowedRegistries': '[ghcr.io/acme/]' }).allowedRegistries).toEqual(['ghcr.io/acme/']);
    expect(problemsOf({ 'platform:allowedRegistries': '[ghcr.io/acme]' })[0]).toMatchObject({
      field: 'config.platform:allowedRegistries',
      problem: 'must be a YAML list of image prefixes ending in "/"',
    });
  });

  it('suggests nothing for an unknown key far from every setting', () => {
    expect(problemsOf({ 'platform:colour': 'blue' })[0].fix).toBe('remove it (every setting is listed in docs/environments.md)');
  });

  it('reports every problem of the file at once', () => {
    const error = thrown(() =>
      load({ 'platform:profile': 'qa', 'platform:domain': null, 'platform:namspace': 'shop', 'gcp:region': 'mars' }),
    );
    expect(error.problems.map((p) => [p.field, p.problem])).toEqual([
      ['config.platform:profile', 'must be one of dev, staging, prod'],
      ['config.gcp:region', 'must be a GCP region'],
      ['config.platform:domain', 'is required'],
      ['config.platform:namspace', 'is not a setting of this project'],
    ]);
    expect(error.message.split('\n')[0]).toBe(`${display('qa')}: invalid environment settings:`);
    expect(error.message.split('\n')).toHaveLength(5);
  });

  it('reads a YAML number as its text, as the Pulumi CLI passes it', () => {
    const loaded = load({ 'platform:namespace': '123', 'platform:nodeMaxCount': '"4"' });
    expect(loaded).toMatchObject({ nodeMaxCount: 4 });
    expect(loaded.apps[0].namespace).toBe('123');
  });

  it('samples 100% of traces in dev, 10% in staging and 1% in prod unless platform:traceSamplingPercent says otherwise', () => {
    expect(load({ 'platform:profile': 'dev' }).traceSamplingPercent).toBe(100);
    expect(load({ 'platform:profile': 'prod', 'platform:deletionProtection': null }).traceSamplingPercent).toBe(1);
    expect(load({ 'platform:traceSamplingPercent': '0.5' }).traceSamplingPercent).toBe(0.5);
    expect(load({ 'platform:traceSamplingPercent': '0' }).traceSamplingPercent).toBe(0);
  });

  it.each(['101', '-1', 'ten', '1.2.3', '0.123456'])('refuses a trace sampling percentage of %s with the key, value and fix', (value) => {
    expect(problemsOf({ 'platform:traceSamplingPercent': value })).toEqual([
      {
        where: display('qa'),
        field: 'config.platform:traceSamplingPercent',
        value,
        problem: 'must be a percentage from 0 to 100',
        fix: 'set it to e.g. 1 or 0.5',
      },
    ]);
  });

  it('reads the collector image digest, and refuses anything but sha256:<64 hex>', () => {
    expect(load({ 'platform:otelCollectorDigest': `sha256:${'a'.repeat(64)}` }).otelCollectorDigest).toBe(`sha256:${'a'.repeat(64)}`);
    expect(problemsOf({ 'platform:otelCollectorDigest': '0.159.0' })).toMatchObject([
      { field: 'config.platform:otelCollectorDigest', value: '0.159.0', problem: 'must be an image digest sha256:<64 hex>' },
    ]);
  });

  describe('platform:apps', () => {
    const APPS =
      '\n    - bookinfo\n    - name: boutique\n      namespace: shop\n      host: store.qa.shop.example.com\n      catalogue: services/boutique\n      releases: pins/boutique-qa.yaml';
    const withApps = (apps: string, more: Record<string, string | null> = {}) => ({
      'platform:namespace': null,
      'platform:apps': apps,
      ...more,
    });

    it('lists the apps, each by name (every default) or as a map, in the order given', () => {
      expect(load(withApps(APPS)).apps).toEqual([
        {
          name: 'bookinfo',
          catalogue: 'services/bookinfo',
          namespace: 'bookinfo',
          host: 'bookinfo.qa.shop.example.com',
          releases: 'services/bookinfo/releases/qa.yaml',
        },
        {
          name: 'boutique',
          catalogue: 'services/boutique',
          namespace: 'shop',
          host: 'store.qa.shop.example.com',
          releases: 'pins/boutique-qa.yaml',
        },
      ]);
    });

    it('exports the apps to preview stacks, which read them back the same', () => {
      const config = load(withApps(APPS));
      const settings = previewSettings(config);
      expect(settings['platform:apps']).toBe(JSON.stringify(config.apps));
      expect(settings).not.toHaveProperty('platform:namespace');
      expect(parseEnvironment('qa', { kind: 'stack-output', values: settings, where: 'dev output' }).apps).toEqual(config.apps);
    });

    it('reports each bad entry by index and field, with the fix', () => {
      const apps =
        '\n    - Book_Info\n    - name: shop\n      namspace: x\n    - [a]\n    - name: store\n      host: store.example.org\n    - name: boutique\n      namespace: shop\n    - name: shop2\n      namespace: shop\n    - name: pins\n      releases: pins.txt';
      expect(problemsOf(withApps(apps)).map((p) => `${p.field} ${JSON.stringify(p.value)}: ${p.problem}. Fix: ${p.fix}`)).toEqual([
        'config.platform:apps[0].name "Book_Info": must be a DNS-1123 label of at most 40 characters (preview namespaces are pr-<N>-<app>). Fix: set it to e.g. boutique',
        'config.platform:apps[1].namspace "x": is not a field of an app. Fix: use only name, catalogue, namespace, host, releases (did you mean namespace?)',
        'config.platform:apps[2] ["a"]: is neither an app name nor a map. Fix: write `- <app>` or `- name: <app>` with namespace, host, catalogue, releases',
        'config.platform:apps[3].host "store.example.org": is outside the environment\'s domain qa.shop.example.com. Fix: use qa.shop.example.com or a name under it, e.g. store.qa.shop.example.com',
        'config.platform:apps[6].releases "pins.txt": is not a .yaml file. Fix: name the pins file, e.g. services/pins/releases/qa.yaml',
        'config.platform:apps[5].namespace "shop": is also app boutique\'s namespace. Fix: give every app its own namespace: its mesh and network policies are per namespace',
      ]);
    });

    it('refuses the single-app keys beside platform:apps, an empty list, and previewApps on a platform stack', () => {
      expect(problemsOf({ 'platform:apps': '[bookinfo]', 'platform:releases': 'qa' }).map((p) => `${p.field}: ${p.problem}`)).toEqual([
        'config.platform:namespace: is the single-app form, and platform:apps lists the apps',
        'config.platform:releases: is the single-app form, and platform:apps lists the apps',
      ]);
      expect(problemsOf(withApps('[]'))[0]).toMatchObject({
        field: 'config.platform:apps',
        problem: 'must be a YAML list of apps (at least one)',
      });
      expect(problemsOf({ 'platform:previewApps': '[bookinfo]' })[0]).toMatchObject({
        field: 'config.platform:previewApps',
        problem: 'is read only on pull request preview stacks (pr-<N>)',
      });
    });

    it('adds platform:extraRegistries to the allowed registries', () => {
      expect(load({ 'platform:extraRegistries': '[ghcr.io/acme/]' }).allowedRegistries).toEqual([
        'docker.io/istio/',
        'europe-west1-docker.pkg.dev/my-platform-qa/',
        'gcr.io/cloud-sql-connectors/',
        'docker.io/otel/',
        'ghcr.io/acme/',
      ]);
    });

    it('gives a preview stack each app in pr-<N>-<app> at pr-<N>.<host>, and the apps its own platform:previewApps names', () => {
      writeStack('dev', stackYaml(withApps(APPS, { 'platform:profile': 'dev' })));
      writeStack('pr-7', '# preview\nconfig:\n  platform:previewApps: [boutique]\n');
      const preview = loadEnvironment('pr-7', root);
      expect(preview.previewApps).toEqual(['boutique']);
      expect(preview.apps.map((a) => [a.name, a.namespace, a.host, a.releases])).toEqual([
        ['bookinfo', 'pr-7-bookinfo', 'pr-7.bookinfo.qa.shop.example.com', 'services/bookinfo/releases/dev.yaml'],
        ['boutique', 'pr-7-boutique', 'pr-7.store.qa.shop.example.com', 'pins/boutique-qa.yaml'],
      ]);
      writeStack('pr-8', '# preview\nconfig:\n  platform:previewApps: [ratings]\n');
      expect(thrown(() => loadEnvironment('pr-8', root)).problems).toEqual([
        {
          where: 'Pulumi.pr-8.yaml',
          field: 'config.platform:previewApps',
          value: ['ratings'],
          problem: 'names apps dev does not host',
          fix: "use apps of dev's platform:apps: bookinfo, boutique",
        },
      ]);
    });
  });

  it('reports a secure: value, which cannot be decrypted offline, naming the file and key', () => {
    expect(problemsOf({ 'platform:domain': '{ secure: "v1:AAAA" }' })).toEqual([
      {
        where: display('qa'),
        field: 'config.platform:domain',
        problem: 'is a secure: (encrypted) value, which cannot be decrypted offline',
        fix: 'set it in plain text (platform settings are not secrets: `pulumi config set` without --secret), or check this stack with `pulumi preview`',
      },
    ]);
  });

  it("ignores a secure: value of another namespace's key, which only providers read", () => {
    expect(load({ 'gcp:credentials': '{ secure: "v1:AAAA" }' }).gcpProject).toBe('my-platform-qa');
  });

  it('still reports a misspelt key whose value is secure:', () => {
    expect(problemsOf({ 'platform:tlsCredentail': '{ secure: "v1:AAAA" }' })).toEqual([
      {
        where: display('qa'),
        field: 'config.platform:tlsCredentail',
        problem: 'is not a setting of this project',
        fix: 'did you mean platform:tlsCredential? (every setting is listed in docs/environments.md)',
      },
    ]);
  });

  it.each<[string, string, string, string]>([
    ['a key without a namespace', 'domain', 'is not a configuration key of the form `<namespace>:<name>`', 'write it as platform:domain'],
    ['an empty value', 'platform:defaultTier', 'is empty', 'give it a value, or remove the line'],
  ])('reports %s in the stack file', (_title, key, problem, fix) => {
    writeStack('qa', `${stackYaml()}  ${key}:\n`);
    expect(thrown(() => loadEnvironment('qa', root)).problems).toEqual([{ where: display('qa'), field: `config.${key}`, problem, fix }]);
  });

  it('names the ESC environments a stack imports when a key is missing (only the CLI can read them)', () => {
    writeStack('qa', `environment:\n  - platform/shared\n${stackYaml({ 'platform:domain': null })}`);
    expect(thrown(() => loadEnvironment('qa', root)).problems[0].fix).toBe(
      `add \`platform:domain: <value>\` under config: (${display('qa')} imports ESC environments, whose values only the Pulumi CLI can read: run this through \`pulumi preview\`)`,
    );
  });

  describe('with project config in Pulumi.yaml', () => {
    const project = (config: string) =>
      fs.writeFileSync(path.join(root, 'Pulumi.yaml'), `name: platform\nruntime: nodejs\nconfig:\n${config}`);
    const projectDisplay = () => path.relative(process.cwd(), path.join(root, 'Pulumi.yaml'));

    it('gives every stack a key the stack does not set', () => {
      project('  platform:istioVersion: 1.31.0\n');
      expect(load({ 'platform:istioVersion': null }).istioVersion).toBe('1.31.0');
    });

    it('lets the stack override it, key by key', () => {
      project('  platform:istioVersion: 1.31.0\n  platform:defaultTier: large\n');
      expect(load({ 'platform:istioVersion': '1.30.3' })).toMatchObject({ istioVersion: '1.30.3', defaultTier: 'large' });
    });

    it.each([
      ['a bare key, namespaced by the project', '  istioVersion: 1.31.0\n', 'platform:istioVersion', '1.31.0'],
      ["another namespace's shorthand, its value", '  gcp:region: europe-west4\n', 'gcp:region', 'europe-west4'],
      [
        'the long form with a default',
        '  platform:istioVersion:\n    description: Istio release\n    default: 1.31.0\n',
        'platform:istioVersion',
        '1.31.0',
      ],
      ['the long form with a value', '  gcp:region:\n    value: europe-west4\n', 'gcp:region', 'europe-west4'],
      ['a list, as JSON', '  platform:authorizedNetworks: [203.0.113.0/24]\n', 'platform:authorizedNetworks', '["203.0.113.0/24"]'],
      ['a number, as its text', '  platform:nodeMinCount: 2\n', 'platform:nodeMinCount', '2'],
    ])('reads %s', (_title, config, key, text) => {
      project(config);
      writeStack('qa', stackYaml({ [key]: null, 'platform:zones': '[europe-west4-a]' }));
      expect(readStackFiles('qa', root).values[key]).toBe(text);
      expect(readStackFiles('qa', root).origins).toEqual({ [key]: projectDisplay() });
    });

    it('names Pulumi.yaml when its value is wrong', () => {
      project('  platform:istioVersion: latest\n');
      expect(problemsOf({ 'platform:istioVersion': null })).toEqual([
        {
          where: projectDisplay(),
          field: 'config.platform:istioVersion',
          value: 'latest',
          problem: 'must be an Istio release (x.y.z)',
          fix: 'set it to e.g. 1.30.3',
        },
      ]);
    });

    it.each([
      [
        'both a default and a value',
        '  platform:istioVersion:\n    default: 1.31.0\n    value: 1.31.0\n',
        'config.platform:istioVersion',
        "cannot have both a 'default' and 'value' attribute",
        'keep one',
      ],
      [
        "a default for another namespace's key",
        '  gcp:region:\n    default: europe-west4\n',
        'config.gcp:region',
        "is not namespaced by the project and cannot have a 'default'",
        'use `value:` instead',
      ],
      [
        "no value for another namespace's key",
        '  gcp:region:\n    description: region\n',
        'config.gcp:region',
        "is not namespaced by the project and must provide a 'value'",
        'add `value: <value>`',
      ],
      [
        'a typed declaration',
        '  platform:nodeMinCount:\n    type: integer\n    default: 2\n',
        'config.platform:nodeMinCount',
        'uses type, which this repository does not use (core/config-schema.ts types every setting)',
        'write the value itself, or a map with `default:` (our keys) or `value:` (other namespaces)',
      ],
      ['an empty value', '  platform:istioVersion:\n', 'config.platform:istioVersion', 'is empty', 'give it a value, or remove the line'],
    ])('reports %s', (_title, config, field, problem, fix) => {
      project(config);
      writeStack('qa', stackYaml());
      expect(thrown(() => loadEnvironment('qa', root)).problems).toEqual([
        { where: projectDisplay(), field, ...(problem.startsWith('uses') && { value: ['type', 'default'] }), problem, fix },
      ]);
    });

    it('reports a project whose name is not platform, which namespaces every key', () => {
      fs.writeFileSync(path.join(root, 'Pulumi.yaml'), 'name: shop\nruntime: nodejs\n');
      writeStack('qa', stackYaml());
      expect(thrown(() => loadEnvironment('qa', root)).problems).toEqual([
        {
          where: projectDisplay(),
          field: 'name',
          value: 'shop',
          problem: 'must be platform, which namespaces every setting',
          fix: 'set `name: platform`',
        },
      ]);
    });
  });

  describe('a preview stack pr-<N>', () => {
    beforeEach(() => writeStack('dev', stackYaml({ 'platform:profile': 'dev' })));
    const preview = () => previewOf(loadEnvironment('dev', root), 'pr-7');

    it('needs no stack file', () => {
      expect(loadEnvironment('pr-7', root)).toEqual(preview());
    });

    it('works with the file `pulumi stack select --create` writes: only the secrets provider', () => {
      writeStack(
        'pr-7',
        'secretsprovider: gcpkms://projects/p/locations/global/keyRings/pulumi/cryptoKeys/stacks\nencryptedkey: CiQAbc==\n',
      );
      expect(loadEnvironment('pr-7', root)).toEqual(preview());
      writeStack('pr-7', 'encryptionsalt: v1:abc:def\n');
      expect(loadEnvironment('pr-7', root)).toEqual(preview());
    });

    it('applies its apps with Pulumi even when dev uses Config Sync', () => {
      writeStack('dev', stackYaml({ 'platform:profile': 'dev', 'platform:appDelivery': 'configsync' }));
      expect(loadEnvironment('dev', root).appDelivery).toBe('configsync');
      expect(loadEnvironment('pr-7', root).appDelivery).toBe('pulumi');
    });

    it('refuses configsync forced on it', () => {
      writeStack('pr-7', 'config:\n  platform:appDelivery: configsync\n');
      expect(thrown(() => loadEnvironment('pr-7', root)).problems).toEqual([
        {
          where: display('pr-7'),
          field: 'config.platform:appDelivery',
          value: 'configsync',
          problem: 'cannot be changed on a pull request preview stack (pr-<N>): previews always apply their apps with Pulumi',
          fix: "remove it from the preview stack's configuration",
        },
      ]);
    });

    it('reports a misspelt key in its own file', () => {
      writeStack('pr-7', 'config:\n  platform:devStackRefrence: acme/platform/dev\n');
      expect(thrown(() => loadEnvironment('pr-7', root)).problems).toEqual([
        {
          where: display('pr-7'),
          field: 'config.platform:devStackRefrence',
          value: 'acme/platform/dev',
          problem: 'is not a setting of this project',
          fix: 'did you mean platform:devStackReference? (every setting is listed in docs/environments.md)',
        },
      ]);
    });
  });
});

describe('app delivery', () => {
  it('is pulumi unless a stack says otherwise; prod uses Config Sync', () => {
    expect(loadEnvironment('dev').appDelivery).toBe('pulumi');
    expect(loadEnvironment('staging').appDelivery).toBe('pulumi');
    expect(loadEnvironment('prod').appDelivery).toBe('configsync');
  });

  it('names the modes when the value is neither', () => {
    const source = { kind: 'files' as const, values: { ...BASE, 'platform:appDelivery': 'flux' }, where: 'Pulumi.qa.yaml' };
    expect(thrown(() => parseEnvironment('qa', source)).problems).toEqual([
      {
        where: 'Pulumi.qa.yaml',
        field: 'config.platform:appDelivery',
        value: 'flux',
        problem: 'must be one of pulumi, configsync',
        fix: 'set it to one of pulumi, configsync',
      },
    ]);
  });
});

describe('the values as the Pulumi CLI passes them', () => {
  it.each<[unknown, string]>([
    ['europe-west1', 'europe-west1'],
    [2, '2'],
    [true, 'true'],
    [1.5, '1.5'],
    [['a', 'b'], '["a","b"]'],
    [{ a: 1 }, '{"a":1}'],
  ])('%p arrives as %p', (value, text) => {
    expect(cliText(value)).toBe(text);
  });
});

describe("dev's settings for preview stacks", () => {
  const REF = 'organization/platform/dev';

  it('survive the round trip through the previewSettings output unchanged', () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      const config = loadEnvironment(stack);
      const settings = previewSettings(config);
      expect(Object.values(settings).every((v) => typeof v === 'string')).toBe(true);
      expect(parseEnvironment(stack, stackOutputSource(REF, settings))).toEqual({ ...config, file: `stack ${REF} output previewSettings` });
    }
  });

  it('are re-validated, naming the output', () => {
    const settings = { ...previewSettings(loadEnvironment('dev')), 'platform:domain': 'Dev.Example' };
    expect(thrown(() => parseEnvironment('dev', stackOutputSource(REF, settings))).problems).toEqual([
      {
        where: `stack ${REF} output previewSettings`,
        field: 'config.platform:domain',
        value: 'Dev.Example',
        problem: 'must be a lower-case DNS domain',
        fix: 'set it to e.g. dev.bookinfo.example.com',
      },
    ]);
  });

  it('ignore keys this version does not know (written by another version of the program)', () => {
    const settings = { ...previewSettings(loadEnvironment('dev')), 'platform:retiredSetting': 'x' };
    expect(parseEnvironment('dev', stackOutputSource(REF, settings)).domain).toBe('dev.example.com');
  });

  it('report a dev stack that does not export them yet', () => {
    expect(thrown(() => stackOutputSource(REF, undefined)).problems).toEqual([
      {
        where: `stack ${REF} output ${PREVIEW_SETTINGS_OUTPUT}`,
        field: PREVIEW_SETTINGS_OUTPUT,
        problem: 'is missing',
        fix: 'deploy dev with this version (`pulumi up --stack dev`): it exports previewSettings for preview stacks',
      },
    ]);
    expect(thrown(() => stackOutputSource(REF, ['x'])).problems[0]).toMatchObject({ value: ['x'], problem: 'is not a map of settings' });
  });
});
