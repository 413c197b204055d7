import { recordResources, registered, settle, type RecordedResource } from './offline/engine';
import {
  ACT_AS_ROLE,
  attributeCondition,
  ciAccounts,
  CiIdentity,
  DEPLOYER_PROJECT_ROLES,
  DEPLOYER_STORAGE_ROLE,
  environmentPrincipal,
  exceptBucketCondition,
  environmentSubject,
  GITHUB_ATTRIBUTE_MAPPING,
  objectPrefixCondition,
  PLAN_PROJECT_ROLES,
  PREVIEW_PROJECT_ROLES,
  repositoryPrincipal,
  SECRETS_READ_ROLE,
  SECRETS_ROLE,
  stateObjectPrefixes,
  STATE_READ_ROLE,
  STATE_WRITE_ROLE,
} from './ci-identity';
import { thrown } from '../test/fixtures/thrown';

const recording = recordResources({ stack: 'dev' });

const REPO = 'your-org/platform';
const APPS = ['your-org/bookinfo', 'partner/reviews'];
const POOL_NAME = 'projects/123456789/locations/global/workloadIdentityPools/github-actions';
const KEY = 'projects/mock-project/locations/europe-west1/keyRings/platform/cryptoKeys/pulumi-stacks';
const NODES = 'projects/mock-project/serviceAccounts/platform-dev-nodes@mock-project.iam.gserviceaccount.com';
const SA = (id: string) => `serviceAccount:${id}@mock-project.iam.gserviceaccount.com`;
const SA_BINDING = 'gcp:serviceaccount/iAMMember:IAMMember';
const PROJECT_BINDING = 'gcp:projects/iAMMember:IAMMember';
const BUCKET_BINDING = 'gcp:storage/bucketIAMMember:BucketIAMMember';
const KEY_BINDING = 'gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember';

/** Roles that can read but change nothing: the only ones a plan account may hold. */
const READ_ONLY_ROLES = [
  'roles/artifactregistry.reader',
  'roles/certificatemanager.viewer',
  'roles/cloudkms.cryptoKeyDecrypter',
  'roles/cloudsql.viewer',
  'roles/compute.viewer',
  'roles/container.viewer',
  'roles/dns.reader',
  'roles/pubsub.viewer',
  'roles/redis.viewer',
  'roles/secretmanager.viewer',
  'roles/serviceusage.serviceUsageConsumer',
  'roles/storage.objectViewer',
];

/** Roles that administer IAM, or let the holder act as any service account of the project. */
const IAM_ADMIN_ROLES = [
  'roles/owner',
  'roles/editor',
  'roles/resourcemanager.projectIamAdmin',
  'roles/iam.securityAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.workloadIdentityPoolAdmin',
];

/**
 * Evaluates the one CEL form attributeCondition writes, `assertion.repository in ['a', ...]`,
 * strictly: anything else (an unescaped quote, an operator) fails to parse.
 */
function conditionMatches(condition: string, repository: string): boolean {
  const list = /^assertion\.repository in \[('[^'\\]*'(?:, '[^'\\]*')*)\]$/.exec(condition);
  if (list === null) throw new Error(`not a repository list condition: ${condition}`);
  const items = list[1].split(', ').map((quoted) => quoted.slice(1, -1));
  return items.includes(repository);
}

/** Evaluates the CEL objectPrefixCondition writes: `resource.name.startsWith('...') || ...`. */
function prefixConditionMatches(condition: string, objectName: string): boolean {
  const prefixes = condition.split(' || ').map((term) => {
    const match = /^resource\.name\.startsWith\('([^'\\]*)'\)$/.exec(term);
    if (match === null) throw new Error(`not a prefix condition: ${term}`);
    return match[1];
  });
  return prefixes.some((p) => objectName.startsWith(p));
}

describe('attributeCondition', () => {
  it.each([
    [['your-org/platform'], "assertion.repository in ['your-org/platform']"],
    [[REPO, ...APPS], "assertion.repository in ['your-org/platform', 'your-org/bookinfo', 'partner/reviews']"],
    [['a-b/c.d_e', 'a-b/c.d_e'], "assertion.repository in ['a-b/c.d_e']"],
  ])('restricts %j to exactly %s', (repositories, expected) => {
    expect(attributeCondition(repositories)).toBe(expected);
  });

  it.each([
    ['your-org/platform', true],
    ['partner/reviews', true],
    ['your-org/platform-fork', false],
    ['attacker/platform', false],
    ['your-org/platform/extra', false],
    ['', false],
  ])('given the configured repositories, a token of %j is accepted: %s', (repository, accepted) => {
    expect(conditionMatches(attributeCondition([REPO, ...APPS]), repository)).toBe(accepted);
  });

  it('rejects a name with a quote instead of letting it end the CEL string', () => {
    const error = thrown(() => attributeCondition(['your-org/platform', "x/y' || true || '"]));
    expect(error.problems).toEqual([
      {
        where: 'CiIdentity',
        field: 'repositories[1]',
        value: "x/y' || true || '",
        problem: 'is not a GitHub owner/repo name (letters, digits, "-", "_", "." only)',
        fix: 'write it as owner/repo, e.g. my-org/platform',
      },
    ]);
  });

  it('rejects an empty list, which no workflow could satisfy', () => {
    expect(thrown(() => attributeCondition([])).message).toBe(
      '1 problem found:\n  - CiIdentity: repositories [] is empty, so no workflow could authenticate. Fix: list this repository first, then the app repositories (platform:ciRepositories)',
    );
  });
});

describe('environmentSubject and environmentPrincipal', () => {
  it("is GitHub's subject of a job that references an environment", () => {
    expect(environmentSubject(REPO, 'plan-dev')).toBe('repo:your-org/platform:environment:plan-dev');
  });

  it('names exactly one subject of the pool, never a set of the repository', () => {
    expect(environmentPrincipal(POOL_NAME, REPO, 'prod')).toBe(
      `principal://iam.googleapis.com/${POOL_NAME}/subject/repo:your-org/platform:environment:prod`,
    );
  });

  it.each([["prod' || true"], ['prod env'], ['']])('rejects the environment name %j', (environment) => {
    expect(thrown(() => environmentSubject(REPO, environment)).problems).toEqual([
      expect.objectContaining({ field: 'environment', value: environment }),
    ]);
  });

  it('rejects a subject longer than Google maps (127 characters)', () => {
    expect(thrown(() => environmentSubject(REPO, 'e'.repeat(100))).problems[0]).toMatchObject({
      field: 'subject',
      problem: 'is 135 characters, Google accepts at most 127',
    });
  });
});

describe('repositoryPrincipal', () => {
  it('names every token of one repository in the pool (the pusher only)', () => {
    expect(repositoryPrincipal(POOL_NAME, 'your-org/bookinfo')).toBe(
      `principalSet://iam.googleapis.com/${POOL_NAME}/attribute.repository/your-org/bookinfo`,
    );
  });

  it('rejects a name that is not owner/repo', () => {
    expect(thrown(() => repositoryPrincipal(POOL_NAME, 'your-org/*')).problems[0]).toMatchObject({
      where: 'repositoryPrincipal',
      field: 'repositories[0]',
      value: 'your-org/*',
    });
  });
});

describe('ciAccounts', () => {
  it('binds the deployer to <env>, the plan account to plan-<env> and, where previews run, the preview account to preview', () => {
    expect(ciAccounts('dev', true).map((a) => [a.kind, a.accountId, a.githubEnvironment])).toEqual([
      ['deployer', 'ci-deployer', 'dev'],
      ['plan', 'ci-plan', 'plan-dev'],
      ['preview', 'ci-preview', 'preview'],
    ]);
    expect(ciAccounts('prod', false).map((a) => a.githubEnvironment)).toEqual(['prod', 'plan-prod']);
  });

  it('gives no CI account a role that administers IAM or acts as other service accounts', () => {
    for (const account of ciAccounts('dev', true)) expect(account.projectRoles.filter((r) => IAM_ADMIN_ROLES.includes(r))).toEqual([]);
  });

  it('gives the plan account only read-only roles', () => {
    const plan = ciAccounts('staging', false).find((a) => a.kind === 'plan');
    expect([...(plan?.projectRoles ?? []), plan?.secretsRole].filter((r) => !READ_ONLY_ROLES.includes(r as string))).toEqual([]);
    expect(plan?.stateWrites).toBeUndefined();
  });

  it('lets the deployer manage the Certificate Manager resources of the load balancer, deletes included', () => {
    expect(DEPLOYER_PROJECT_ROLES).toContain('roles/certificatemanager.admin');
  });
});

describe('stateObjectPrefixes', () => {
  const dev = objectPrefixCondition('state', stateObjectPrefixes('platform', { stack: 'dev' }));
  const previews = objectPrefixCondition('state', stateObjectPrefixes('platform', { stackPrefix: 'pr-' }));
  const object = (name: string) => `projects/_/buckets/state/objects/${name}`;

  it.each([
    ['.pulumi/stacks/platform/dev.json', true, false],
    ['.pulumi/stacks/platform/dev.json.bak', true, false],
    ['.pulumi/locks/organization/platform/dev/1a2b.json', true, false],
    ['.pulumi/history/platform/dev/dev-1700000000.history.json', true, false],
    ['.pulumi/backups/platform/dev/dev.1700000000.json', true, false],
    ['.pulumi/stacks/platform/pr-7.json', false, true],
    ['.pulumi/locks/organization/platform/pr-7/1a2b.json', false, true],
    ['.pulumi/history/platform/pr-12/pr-12-1.history.json', false, true],
    ['.pulumi/stacks/platform/prod.json', false, false],
    ['.pulumi/stacks/platform/dev-old.json', false, false],
    ['.pulumi/locks/organization/platform/devx/1.json', false, false],
    ['.pulumi/stacks/platform-bootstrap/dev.json', false, false],
    ['.pulumi/meta.yaml', false, false],
  ])('%s: dev deployer may write %s, preview account %s', (name, byDeployer, byPreview) => {
    expect(prefixConditionMatches(dev, object(name))).toBe(byDeployer);
    expect(prefixConditionMatches(previews, object(name))).toBe(byPreview);
  });

  it('rejects a bucket name that could break out of the condition', () => {
    expect(thrown(() => objectPrefixCondition("b')||true||('", ['x'])).problems[0]).toMatchObject({ field: 'bucket' });
  });
});

describe('CiIdentity', () => {
  let identity: CiIdentity;

  beforeAll(async () => {
    // GIVEN the manifest repository, two app repositories, the state bucket, the stack key and the node account
    // WHEN the dev identity (with previews) and the prod identity are declared
    const common = {
      project: 'mock-project',
      repository: REPO,
      stateBucket: 'your-org-pulumi-state',
      secretsKey: KEY,
      nodeServiceAccount: NODES,
    };
    identity = new CiIdentity('ci', { ...common, stack: 'dev', appRepositories: APPS, previews: true });
    new CiIdentity('prod', { ...common, stack: 'prod', poolId: 'github-prod' });
    await registered();
  });

  const children = (component: string, type: string): RecordedResource[] =>
    recording.ofType(type).filter((r) => r.parent === recording.one('platform:ci:Identity', component).urn);
  const grantsTo = (component: string, type: string, accountId: string) =>
    children(component, type).filter((r) => r.inputs.member === SA(accountId));

  it('creates the pool for GitHub Actions', () => {
    expect(recording.one('gcp:iam/workloadIdentityPool:WorkloadIdentityPool', 'ci-pool').inputs).toEqual({
      project: 'mock-project',
      workloadIdentityPoolId: 'github-actions',
      displayName: 'GitHub Actions',
      description: 'Environments of your-org/platform; image pushes of the app repositories',
    });
  });

  it("trusts GitHub's OIDC issuer, maps the subject and environment claims, and accepts only the configured repositories", () => {
    expect(recording.one('gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider', 'ci-github').inputs).toMatchObject({
      workloadIdentityPoolProviderId: 'github',
      oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
      attributeMapping: { ...GITHUB_ATTRIBUTE_MAPPING },
      attributeCondition: "assertion.repository in ['your-org/platform', 'your-org/bookinfo', 'partner/reviews']",
    });
    expect(GITHUB_ATTRIBUTE_MAPPING).toMatchObject({ 'google.subject': 'assertion.sub', 'attribute.environment': 'assertion.environment' });
  });

  it('creates the deployer, plan, preview and pusher accounts in dev, and no preview account in prod', () => {
    expect(children('ci', 'gcp:serviceaccount/account:Account').map((r) => r.inputs.accountId)).toEqual([
      'ci-deployer',
      'ci-plan',
      'ci-preview',
      'ci-image-pusher',
    ]);
    expect(children('prod', 'gcp:serviceaccount/account:Account').map((r) => r.inputs.accountId)).toEqual([
      'ci-deployer',
      'ci-plan',
      'ci-image-pusher',
    ]);
  });

  it.each([
    ['ci', 'ci-deployer', 'dev'],
    ['ci', 'ci-plan', 'plan-dev'],
    ['ci', 'ci-preview', 'preview'],
    ['prod', 'prod-deployer', 'prod'],
    ['prod', 'prod-plan', 'plan-prod'],
  ])('binds %s/%s to exactly the jobs of GitHub environment %s of the manifest repository', (component, account, environment) => {
    const bindings = children(component, SA_BINDING).filter(
      (r) => r.inputs.serviceAccountId === account && r.inputs.role === 'roles/iam.workloadIdentityUser',
    );
    const pool = component === 'ci' ? POOL_NAME : POOL_NAME.replace('github-actions', 'github-prod');
    expect(bindings.map((r) => r.inputs.member)).toEqual([
      `principal://iam.googleapis.com/${pool}/subject/repo:your-org/platform:environment:${environment}`,
    ]);
  });

  it('binds no deployer, plan or preview account to a set of principals (a whole repository, attribute or pool)', () => {
    const bound = recording
      .ofType(SA_BINDING)
      .filter(
        (r) => /-(deployer|plan|preview)$/.test(String(r.inputs.serviceAccountId)) && r.inputs.role === 'roles/iam.workloadIdentityUser',
      );
    expect(bound).toHaveLength(5);
    expect(bound.filter((r) => String(r.inputs.member).startsWith('principalSet://'))).toEqual([]);
  });

  it('lets each app repository, and not the manifest repository, impersonate the image pusher', () => {
    expect(
      children('ci', SA_BINDING)
        .filter((r) => r.inputs.serviceAccountId === 'ci-pusher')
        .map((r) => r.inputs.member),
    ).toEqual(APPS.map((repo) => `principalSet://iam.googleapis.com/${POOL_NAME}/attribute.repository/${repo}`));
    expect(children('prod', SA_BINDING).filter((r) => r.inputs.serviceAccountId === 'prod-pusher')).toEqual([]);
  });

  it('grants each account its project roles, and no CI account a role that administers IAM', () => {
    expect(grantsTo('ci', PROJECT_BINDING, 'ci-deployer').map((r) => r.inputs.role)).toEqual([
      ...DEPLOYER_PROJECT_ROLES,
      DEPLOYER_STORAGE_ROLE,
    ]);
    expect(grantsTo('ci', PROJECT_BINDING, 'ci-plan').map((r) => r.inputs.role)).toEqual([...PLAN_PROJECT_ROLES]);
    expect(grantsTo('ci', PROJECT_BINDING, 'ci-preview').map((r) => r.inputs.role)).toEqual([...PREVIEW_PROJECT_ROLES]);
    expect(recording.ofType(PROJECT_BINDING).filter((r) => IAM_ADMIN_ROLES.includes(String(r.inputs.role)))).toEqual([]);
    expect(recording.ofType(PROJECT_BINDING).filter((r) => r.inputs.member === SA('ci-image-pusher'))).toEqual([]);
  });

  it('grants the plan account only read-only roles, on the project, the bucket and the key', () => {
    const roles = [PROJECT_BINDING, BUCKET_BINDING, KEY_BINDING, SA_BINDING]
      .flatMap((type) => grantsTo('ci', type, 'ci-plan'))
      .map((r) => r.inputs.role);
    expect(roles.filter((r) => !READ_ONLY_ROLES.includes(String(r)))).toEqual([]);
    expect(grantsTo('ci', BUCKET_BINDING, 'ci-plan').map((r) => r.inputs)).toEqual([
      { bucket: 'your-org-pulumi-state', role: STATE_READ_ROLE, member: SA('ci-plan') },
    ]);
    expect(grantsTo('ci', KEY_BINDING, 'ci-plan').map((r) => r.inputs)).toEqual([
      { cryptoKeyId: KEY, role: SECRETS_READ_ROLE, member: SA('ci-plan') },
    ]);
  });

  it("lets the deployer administer services' buckets on the project, except the state bucket", () => {
    const storage = grantsTo('ci', PROJECT_BINDING, 'ci-deployer').filter((r) => r.inputs.role === DEPLOYER_STORAGE_ROLE);
    expect(storage.map((r) => r.inputs.condition)).toEqual([
      {
        title: 'not-the-state-bucket',
        description: "Services' buckets; never the Pulumi state bucket your-org-pulumi-state",
        expression:
          "!(resource.name == 'projects/_/buckets/your-org-pulumi-state' || resource.name.startsWith('projects/_/buckets/your-org-pulumi-state/'))",
      },
    ]);
    expect(() => exceptBucketCondition("state' || true")).toThrow(/is not a Cloud Storage bucket name/);
  });

  it('lets the deployer manage what services use, with the narrowest roles that create, delete and bind IAM on them', () => {
    expect(DEPLOYER_PROJECT_ROLES).toEqual(
      expect.arrayContaining([
        'roles/cloudsql.admin',
        'roles/redis.admin',
        'roles/pubsub.admin',
        'roles/secretmanager.admin',
        'roles/servicenetworking.networksAdmin',
      ]),
    );
    expect(DEPLOYER_PROJECT_ROLES).not.toContain('roles/storage.admin');
  });

  it("lets the deployer and the preview account write only their own stacks' state objects", () => {
    const write = (account: string) => grantsTo('ci', BUCKET_BINDING, account).filter((r) => r.inputs.role === STATE_WRITE_ROLE);
    expect(write('ci-deployer').map((r) => (r.inputs.condition as { expression: string }).expression)).toEqual([
      objectPrefixCondition('your-org-pulumi-state', stateObjectPrefixes('platform', { stack: 'dev' })),
    ]);
    expect(write('ci-preview').map((r) => (r.inputs.condition as { expression: string }).expression)).toEqual([
      objectPrefixCondition('your-org-pulumi-state', stateObjectPrefixes('platform', { stackPrefix: 'pr-' })),
    ]);
  });

  it('grants the stack secrets key to the deployer and the preview account to encrypt and decrypt, on that key only', () => {
    for (const account of ['ci-deployer', 'ci-preview']) {
      expect(grantsTo('ci', KEY_BINDING, account).map((r) => r.inputs)).toEqual([
        { cryptoKeyId: KEY, role: SECRETS_ROLE, member: SA(account) },
      ]);
    }
  });

  it('lets the deployer act as the node service account and as no other', () => {
    const actAs = recording.ofType(SA_BINDING).filter((r) => r.inputs.role === ACT_AS_ROLE);
    expect(actAs.map((r) => [r.inputs.serviceAccountId, r.inputs.member])).toEqual([
      [NODES, SA('ci-deployer')],
      [NODES, SA('ci-deployer')],
    ]);
  });

  it('creates no service account key at all', () => {
    expect(recording.ofType('gcp:serviceaccount/key:Key')).toEqual([]);
  });

  it('exposes the provider name, each environment with its account, and the pusher for the workflows', async () => {
    expect(await settle(identity.providerName)).toBe(`${POOL_NAME}/providers/github`);
    expect(await settle(identity.environments)).toEqual({
      dev: 'ci-deployer@mock-project.iam.gserviceaccount.com',
      'plan-dev': 'ci-plan@mock-project.iam.gserviceaccount.com',
      preview: 'ci-preview@mock-project.iam.gserviceaccount.com',
    });
    expect(await settle(identity.pusherEmail)).toBe('ci-image-pusher@mock-project.iam.gserviceaccount.com');
  });

  it('rejects a bad repository before registering anything', () => {
    const before = recording.resources.length;
    expect(
      () =>
        new CiIdentity('bad', {
          project: 'p',
          stack: 'dev',
          repository: "o/r'",
          stateBucket: 'b-state',
          secretsKey: KEY,
          nodeServiceAccount: NODES,
        }),
    ).toThrow('repositories[0] "o/r\'" is not a GitHub owner/repo name');
    expect(recording.resources).toHaveLength(before);
  });
});
