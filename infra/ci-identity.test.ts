import { recordResources, registered, settle, type RecordedResource } from './testing/recorder';
import {
  attributeCondition,
  CiIdentity,
  DEPLOYER_PROJECT_ROLES,
  GITHUB_ATTRIBUTE_MAPPING,
  PUSHER_ROLE,
  repositoryPrincipal,
  SECRETS_ROLE,
  STATE_ROLE,
} from './ci-identity';
import { ArtifactRegistry } from './registry';
import { thrown } from '../test/fixtures/thrown';

const recording = recordResources({ stack: 'dev' });

const REPOS = ['your-org/platform', 'your-org/bookinfo', 'partner/reviews'];
const POOL_NAME = 'projects/123456789/locations/global/workloadIdentityPools/github-actions';
const DEPLOYER = 'serviceAccount:ci-deployer@mock-project.iam.gserviceaccount.com';
const PUSHER = 'serviceAccount:ci-image-pusher@mock-project.iam.gserviceaccount.com';
const SA_BINDING = 'gcp:serviceaccount/iAMMember:IAMMember';
const PROJECT_BINDING = 'gcp:projects/iAMMember:IAMMember';

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

describe('attributeCondition', () => {
  it.each([
    [['your-org/platform'], "assertion.repository in ['your-org/platform']"],
    [REPOS, "assertion.repository in ['your-org/platform', 'your-org/bookinfo', 'partner/reviews']"],
    [['a-b/c.d_e', 'a-b/c.d_e'], "assertion.repository in ['a-b/c.d_e']"],
  ])('restricts %j to exactly %s', (repositories, expected) => {
    expect(attributeCondition(repositories)).toBe(expected);
  });

  it.each([
    ['your-org/platform', true],
    ['partner/reviews', true],
    ['your-org/platform-fork', false],
    ['your-org/plat', false],
    ['attacker/platform', false],
    ['your-org/platform/extra', false],
    ['', false],
  ])('given the configured repositories, a token of %j is accepted: %s', (repository, accepted) => {
    expect(conditionMatches(attributeCondition(REPOS), repository)).toBe(accepted);
  });

  it('rejects a name with a quote instead of letting it end the CEL string', () => {
    const error = thrown(() => attributeCondition(['your-org/platform', "x/y' || true || '"]));
    expect(error.problems).toEqual([{
      where: 'CiIdentity', field: 'repositories[1]', value: "x/y' || true || '",
      problem: 'is not a GitHub owner/repo name (letters, digits, "-", "_", "." only)', fix: 'write it as owner/repo, e.g. my-org/platform',
    }]);
  });

  it.each([['x/y\\'], ['x/"y"'], ['owner only'], ['no-slash'], ['a/b/c']])('rejects %j, which is not owner/repo', (repository) => {
    expect(thrown(() => attributeCondition([repository])).problems.map((p) => p.field)).toEqual(['repositories[0]']);
  });

  it('rejects an empty list, which no workflow could satisfy', () => {
    expect(thrown(() => attributeCondition([])).message).toBe(
      '1 problem found:\n  - CiIdentity: repositories [] is empty, so no workflow could authenticate. Fix: list this repository first, then the app repositories (platform:ciRepositories)',
    );
  });
});

describe('repositoryPrincipal', () => {
  it('names every token of one repository in the pool', () => {
    expect(repositoryPrincipal(POOL_NAME, 'your-org/platform')).toBe(`principalSet://iam.googleapis.com/${POOL_NAME}/attribute.repository/your-org/platform`);
  });

  it('rejects a name that is not owner/repo', () => {
    expect(thrown(() => repositoryPrincipal(POOL_NAME, 'your-org/*')).problems[0]).toMatchObject({ where: 'repositoryPrincipal', field: 'repositories[0]', value: 'your-org/*' });
  });
});

describe('DEPLOYER_PROJECT_ROLES', () => {
  it('holds no basic role', () => {
    expect(DEPLOYER_PROJECT_ROLES.filter((r) => ['roles/owner', 'roles/editor', 'roles/viewer'].includes(r))).toEqual([]);
  });
});

describe('CiIdentity', () => {
  let identity: CiIdentity;

  beforeAll(async () => {
    // GIVEN the platform repository first, two app repositories, and the image repository
    const registry = new ArtifactRegistry('images', { project: 'mock-project', region: 'europe-west1' });
    // WHEN the CI identity is declared, once with defaults and once with the state bucket and secrets key
    identity = new CiIdentity('ci', { project: 'mock-project', repositories: REPOS, registry: registry.repository });
    new CiIdentity('scoped', {
      project: 'mock-project', repositories: ['your-org/platform'], registry: { repositoryId: 'images', location: 'europe-west1' }, poolId: 'github-scoped',
      stateBucket: 'your-org-pulumi-state', secretsKey: 'projects/mock-project/locations/global/keyRings/pulumi/cryptoKeys/stacks',
    });
    await registered();
  });

  const children = (component: string, type: string): RecordedResource[] =>
    recording.ofType(type).filter((r) => r.parent === recording.one(`platform:ci:Identity`, component).urn);
  const bindingsOf = (component: string, accountName: string) =>
    children(component, SA_BINDING).filter((r) => r.inputs.serviceAccountId === accountName);

  it('creates the pool for GitHub Actions', () => {
    expect(recording.one('gcp:iam/workloadIdentityPool:WorkloadIdentityPool', 'ci-pool').inputs).toEqual({
      project: 'mock-project', workloadIdentityPoolId: 'github-actions', displayName: 'GitHub Actions',
      description: 'Workflows of the repositories in platform:ciRepositories',
    });
  });

  it("trusts GitHub's OIDC issuer, maps the token claims and accepts only the configured repositories", () => {
    expect(recording.one('gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider', 'ci-github').inputs).toEqual({
      project: 'mock-project',
      workloadIdentityPoolId: 'github-actions',
      workloadIdentityPoolProviderId: 'github',
      displayName: 'GitHub',
      oidc: { issuerUri: 'https://token.actions.githubusercontent.com' },
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.actor': 'assertion.actor',
        'attribute.repository': 'assertion.repository',
        'attribute.repository_id': 'assertion.repository_id',
        'attribute.repository_owner': 'assertion.repository_owner',
        'attribute.repository_owner_id': 'assertion.repository_owner_id',
        'attribute.ref': 'assertion.ref',
        'attribute.workflow_ref': 'assertion.workflow_ref',
      },
      attributeCondition: "assertion.repository in ['your-org/platform', 'your-org/bookinfo', 'partner/reviews']",
    });
    expect(GITHUB_ATTRIBUTE_MAPPING['attribute.repository']).toBe('assertion.repository');
  });

  it('creates the two service accounts', () => {
    expect(children('ci', 'gcp:serviceaccount/account:Account').map((r) => r.inputs)).toEqual([
      { project: 'mock-project', accountId: 'ci-deployer', displayName: 'CI deployer', description: 'pulumi up from your-org/platform' },
      { project: 'mock-project', accountId: 'ci-image-pusher', displayName: 'CI image pusher', description: 'Pushes images to Artifact Registry from the configured repositories' },
    ]);
  });

  it('lets only the first repository impersonate the deployer', () => {
    expect(bindingsOf('ci', 'ci-deployer').map((r) => r.inputs)).toEqual([
      { serviceAccountId: 'ci-deployer', role: 'roles/iam.workloadIdentityUser', member: `principalSet://iam.googleapis.com/${POOL_NAME}/attribute.repository/your-org/platform` },
    ]);
  });

  it('lets every configured repository impersonate the image pusher', () => {
    expect(bindingsOf('ci', 'ci-pusher').map((r) => r.inputs)).toEqual(REPOS.map((repo) => (
      { serviceAccountId: 'ci-pusher', role: 'roles/iam.workloadIdentityUser', member: `principalSet://iam.googleapis.com/${POOL_NAME}/attribute.repository/${repo}` }
    )));
  });

  it('grants nothing else on the service accounts', () => {
    expect(children('ci', SA_BINDING)).toHaveLength(1 + REPOS.length);
  });

  it('grants the deployer its platform roles, the state and the secrets roles on the project, and nothing more', () => {
    const grants = children('ci', PROJECT_BINDING).map((r) => r.inputs);
    expect(grants).toEqual([...DEPLOYER_PROJECT_ROLES, STATE_ROLE, SECRETS_ROLE].map((role) => ({ project: 'mock-project', role, member: DEPLOYER })));
  });

  it('grants the pusher no project role', () => {
    expect(recording.ofType(PROJECT_BINDING).filter((r) => r.inputs.member === PUSHER)).toEqual([]);
  });

  it("grants the pusher Artifact Registry writer on the image repository only", () => {
    expect(recording.one('gcp:artifactregistry/repositoryIamMember:RepositoryIamMember', 'ci-pusher-writer').inputs).toEqual({
      project: 'mock-project', location: 'europe-west1', repository: 'images', role: PUSHER_ROLE, member: PUSHER,
    });
    expect(PUSHER_ROLE).toBe('roles/artifactregistry.writer');
  });

  it('given the state bucket and secrets key, grants those roles on them instead of the project', () => {
    expect(children('scoped', PROJECT_BINDING).map((r) => r.inputs.role)).toEqual([...DEPLOYER_PROJECT_ROLES]);
    expect(recording.one('gcp:storage/bucketIAMMember:BucketIAMMember', 'scoped-deployer-state').inputs).toEqual({ bucket: 'your-org-pulumi-state', role: 'roles/storage.objectAdmin', member: DEPLOYER });
    expect(recording.one('gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember', 'scoped-deployer-secrets').inputs).toEqual({
      cryptoKeyId: 'projects/mock-project/locations/global/keyRings/pulumi/cryptoKeys/stacks', role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: DEPLOYER,
    });
  });

  it('creates no service account key at all', () => {
    expect(recording.ofType('gcp:serviceaccount/key:Key')).toEqual([]);
  });

  it('exposes the provider name and the two service account emails for the workflows', async () => {
    expect(await settle(identity.providerName)).toBe(`${POOL_NAME}/providers/github`);
    expect(await settle(identity.deployerEmail)).toBe('ci-deployer@mock-project.iam.gserviceaccount.com');
    expect(await settle(identity.pusherEmail)).toBe('ci-image-pusher@mock-project.iam.gserviceaccount.com');
  });

  it('rejects a bad repository before registering anything', () => {
    const before = recording.resources.length;
    expect(() => new CiIdentity('bad', { project: 'p', repositories: ["o/r'"], registry: { repositoryId: 'images', location: 'europe-west1' } })).toThrow('repositories[0] "o/r\'" is not a GitHub owner/repo name');
    expect(recording.resources).toHaveLength(before);
  });
});
