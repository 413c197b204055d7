import { thrown } from '../test/fixtures/thrown';
import { bootstrapStackReference, offlineBootstrapOutputs, type BootstrapOutputs } from '../infra/bootstrap-outputs';
import { REQUIRED_SERVICES } from '../infra/project-services';
import { settle, type Recording } from '../infra/offline/engine';
import { workloadAccountPlans } from '../infra/workload-accounts';
import catalogue from '../services/bookinfo';
import { defineCatalogue } from '../services/define';
import type { BootstrapStackOutputs } from './bootstrap';
import { parseBootstrapConfig } from './config';
import { planBootstrap } from './plan';

const SERVICE = 'gcp:projects/service:Service';
const KEY = 'gcp:kms/cryptoKey:CryptoKey';

describe('parseBootstrapConfig', () => {
  const valid: Record<string, string> = {
    'gcp:project': 'my-platform-dev',
    'gcp:region': 'europe-west1',
    'platform-bootstrap:repository': 'my-org/platform',
    'platform-bootstrap:stateBucket': 'my-org-state',
  };

  it('defaults previews to dev only and app repositories to none', () => {
    expect(parseBootstrapConfig('dev', (k) => valid[k])).toMatchObject({ previews: true, appRepositories: [] });
    expect(parseBootstrapConfig('prod', (k) => valid[k])).toMatchObject({ previews: false });
  });

  it('reports every bad or missing key with the stack file, the value and the fix', () => {
    const bad: Record<string, string> = {
      'gcp:project': 'My_Project',
      'platform-bootstrap:appRepositories': '["ok/repo", "not a repo"]',
      'platform-bootstrap:previews': 'yes',
    };
    expect(thrown(() => parseBootstrapConfig('qa', (k) => bad[k])).problems.map((p) => `${p.where} ${p.field}: ${p.problem}`)).toEqual([
      'bootstrap/Pulumi.qa.yaml (stack): is not an environment with its own project',
      'bootstrap/Pulumi.qa.yaml config.gcp:project: must be a GCP project id',
      'bootstrap/Pulumi.qa.yaml config.gcp:region: is required',
      'bootstrap/Pulumi.qa.yaml config.platform-bootstrap:repository: is required',
      'bootstrap/Pulumi.qa.yaml config.platform-bootstrap:stateBucket: is required',
      'bootstrap/Pulumi.qa.yaml config.platform-bootstrap:appRepositories: must be a list of GitHub owner/repo names',
      'bootstrap/Pulumi.qa.yaml config.platform-bootstrap:previews: must be true or false',
    ]);
  });
});

describe('bootstrapStackReference', () => {
  it("names the bootstrap project's stack of the same environment, as the DIY backend does", () => {
    expect(bootstrapStackReference('staging')).toBe('organization/platform-bootstrap/staging');
  });
});

describe('workloadAccountPlans', () => {
  it("plans one account per service with gcp roles, bound to its ServiceAccount in the environment's namespace", () => {
    const withGcp = defineCatalogue(
      'bookinfo',
      catalogue.services.map((d) =>
        d.spec.name === 'details'
          ? {
              ...d,
              spec: { ...d.spec, gcp: { roles: ['roles/pubsub.publisher', 'roles/storage.objectViewer', 'roles/pubsub.publisher'] } },
            }
          : d,
      ),
    );
    expect(workloadAccountPlans([{ namespace: 'bookinfo', catalogue: withGcp }], 'staging', 'my-proj')).toEqual([
      {
        service: 'details',
        accountId: 'details-staging',
        roles: ['roles/pubsub.publisher', 'roles/storage.objectViewer'],
        member: 'serviceAccount:my-proj.svc.id.goog[bookinfo/bookinfo-details]',
      },
    ]);
    expect(workloadAccountPlans([{ namespace: 'bookinfo', catalogue }], 'dev', 'my-proj')).toEqual([]);
  });

  it('plans an account for every service with uses, with the Cloud SQL client roles only for postgres (Cloud SQL has no instance IAM)', () => {
    const withUses = defineCatalogue(
      'bookinfo',
      catalogue.services.map((d) => {
        if (d.spec.name === 'details') return { ...d, spec: { ...d.spec, uses: { postgres: {} } } };
        if (d.spec.name === 'ratings') return { ...d, spec: { ...d.spec, uses: { buckets: [{ name: 'photos' }] } } };
        if (d.spec.name === 'reviews') return { ...d, spec: { ...d.spec, uses: {} } };
        return d;
      }),
    );
    expect(
      workloadAccountPlans([{ namespace: 'bookinfo', catalogue: withUses }], 'dev', 'my-proj').map((p) => [
        p.service,
        p.accountId,
        p.roles,
      ]),
    ).toEqual([
      ['details', 'details-dev', ['roles/cloudsql.client', 'roles/cloudsql.instanceUser']],
      ['ratings', 'ratings-dev', []],
    ]);
  });
});

describe.each(['dev', 'staging', 'prod'])('the %s bootstrap stack, offline', (stack) => {
  let recording: Recording;
  let outputs: BootstrapStackOutputs;
  let text: string;
  beforeAll(async () => {
    ({ recording, outputs, text } = await planBootstrap(stack));
  });

  it('enables every required API and never disables one on destroy', () => {
    const services = recording.ofType(SERVICE);
    expect(services.map((r) => r.inputs.service)).toEqual(Object.keys(REQUIRED_SERVICES).sort());
    for (const api of [
      'compute',
      'container',
      'artifactregistry',
      'certificatemanager',
      'cloudresourcemanager',
      'sts',
      'iamcredentials',
      'iam',
      'cloudkms',
      'binaryauthorization',
    ]) {
      expect(services.map((r) => r.inputs.service)).toContain(`${api}.googleapis.com`);
    }
    for (const s of services) expect(s.inputs).toMatchObject({ disableOnDestroy: false, disableDependentServices: false });
  });

  it('creates every other Google resource after all the APIs', () => {
    const apis = recording.ofType(SERVICE).map((r) => r.urn);
    const others = recording.resources.filter((r) => r.custom && r.type.startsWith('gcp:') && r.type !== SERVICE);
    expect(others.length).toBeGreaterThan(20);
    for (const r of others) expect([r.name, apis.filter((a) => !r.dependencies.includes(a))]).toEqual([r.name, []]);
  });

  it('creates the stack secrets key and the GKE secrets key in the region, rotated every 90 days and protected', () => {
    expect(recording.ofType(KEY).map((r) => [r.inputs.name, r.inputs.rotationPeriod, r.inputs.purpose])).toEqual([
      ['pulumi-stacks', '7776000s', 'ENCRYPT_DECRYPT'],
      ['gke-secrets', '7776000s', 'ENCRYPT_DECRYPT'],
    ]);
    expect(recording.one('gcp:kms/keyRing:KeyRing').inputs).toMatchObject({ name: 'platform', location: 'europe-west1' });
  });

  it("grants GKE's service agent Encrypter/Decrypter on the GKE key only", () => {
    const agent = recording
      .ofType('gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember')
      .filter((r) => String(r.inputs.member).includes('container-engine-robot'));
    expect(agent.map((r) => r.inputs)).toEqual([
      {
        cryptoKeyId: expect.stringMatching(/\/cryptoKeys\/gke-secrets$/),
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: 'serviceAccount:service-123456789@container-engine-robot.iam.gserviceaccount.com',
      },
    ]);
  });

  it('grants no IAM administration role to anyone, on the project or elsewhere', () => {
    const roles = recording.resources.filter((r) => /IAMMember$/.test(r.type)).map((r) => String(r.inputs.role));
    expect(
      roles.filter((r) =>
        /projectIamAdmin|iam\.securityAdmin|serviceAccountAdmin|serviceAccountTokenCreator|workloadIdentityPoolAdmin|roles\/(owner|editor)$/.test(
          r,
        ),
      ),
    ).toEqual([]);
    const projectActAs = recording
      .ofType('gcp:projects/iAMMember:IAMMember')
      .filter((r) => r.inputs.role === 'roles/iam.serviceAccountUser');
    expect(projectActAs).toEqual([]);
  });

  it('reports the outputs the platform stack and the workflows read, under the names the offline plan uses', async () => {
    const actual = Object.fromEntries(
      await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, typeof v === 'string' ? v : await settle(v as never)])),
    );
    const project = stack === 'staging' ? 'replace-me-platform-stg' : `replace-me-platform-${stack}`;
    const expected: BootstrapOutputs = {
      ...offlineBootstrapOutputs({ stack, project, region: 'europe-west1', stateBucket: 'your-org-pulumi-state' }),
      // The one service of the stack's apps with a Google identity: Online Boutique's cartservice (redis).
      workloadServiceAccounts: { cartservice: `cartservice-${stack}@${project}.iam.gserviceaccount.com` },
    };
    expect(actual).toEqual(expected);
  });

  it("creates the Google account of every app's service that needs one, and the trace collector's, each bound to its ServiceAccount in its namespace", () => {
    // Online Boutique's cartservice uses redis (Memorystore); no BookInfo service needs Google Cloud.
    const bindings = recording
      .ofType('gcp:serviceaccount/iAMMember:IAMMember')
      .map((r) => String(r.inputs.member))
      .filter((member) => member.includes('.svc.id.goog['));
    const project = stack === 'staging' ? 'replace-me-platform-stg' : `replace-me-platform-${stack}`;
    expect(bindings).toEqual([
      `serviceAccount:${project}.svc.id.goog[boutique/cartservice]`,
      `serviceAccount:${project}.svc.id.goog[observability/otel-collector]`,
      // prod delivers its apps through Config Sync: each app namespace's reconciler pulls as the Config Sync account.
      ...(stack === 'prod'
        ? ['bookinfo', 'boutique'].map((ns) => `serviceAccount:${project}.svc.id.goog[config-management-system/ns-reconciler-${ns}]`)
        : []),
    ]);
    expect(recording.ofType('gcp:serviceaccount/account:Account').map((r) => r.inputs.accountId)).toContain(`cartservice-${stack}`);
  });

  it('creates the Config Sync account, with no project role, only where the platform stack delivers through Config Sync', () => {
    const project = stack === 'staging' ? 'replace-me-platform-stg' : `replace-me-platform-${stack}`;
    const accounts = recording.ofType('gcp:serviceaccount/account:Account').filter((r) => r.inputs.accountId === `config-sync-${stack}`);
    expect(accounts).toHaveLength(stack === 'prod' ? 1 : 0);
    const member = `serviceAccount:config-sync-${stack}@${project}.iam.gserviceaccount.com`;
    expect(recording.ofType('gcp:projects/iAMMember:IAMMember').filter((r) => r.inputs.member === member)).toEqual([]);
  });

  it("gives the trace collector's account roles/cloudtrace.agent on the project and nothing else, after the APIs (Cloud Trace's included)", () => {
    const project = stack === 'staging' ? 'replace-me-platform-stg' : `replace-me-platform-${stack}`;
    const account = recording.one('gcp:serviceaccount/account:Account', `${stack}-otel-collector-account`);
    expect(account.inputs).toMatchObject({ project, accountId: `otel-collector-${stack}` });
    const member = `serviceAccount:otel-collector-${stack}@${project}.iam.gserviceaccount.com`;
    expect(
      recording
        .ofType('gcp:projects/iAMMember:IAMMember')
        .filter((r) => r.inputs.member === member)
        .map((r) => r.inputs.role),
    ).toEqual(['roles/cloudtrace.agent']);
    expect(recording.dependsOn(account, recording.one(SERVICE, `${stack}-apis-cloudtrace`))).toBe(true);
  });

  it('prints a plan of the bootstrap program', () => {
    expect(text).toMatch(new RegExp(`^Plan for stack platform-bootstrap/${stack}: \\d+ resources \\(offline, under mocks\\)\\n`));
    expect(text).toContain('Service ');
  });
});
