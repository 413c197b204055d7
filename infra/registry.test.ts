import { recordResources, registered, settle } from './offline/engine';
import { ArtifactRegistry, artifactRegistryProblems, registryPath } from './registry';
import { thrown } from '../test/fixtures/thrown';

const recording = recordResources({ stack: 'dev' });

const REPOSITORY = 'gcp:artifactregistry/repository:Repository';

describe('registryPath', () => {
  it.each([
    ['europe-west1', 'my-platform-dev', 'images', 'europe-west1-docker.pkg.dev/my-platform-dev/images'],
    ['us-central1', 'shop-prod', 'apps', 'us-central1-docker.pkg.dev/shop-prod/apps'],
  ])('puts region %s, project %s and repository %s into the Docker host and path', (region, project, repository, expected) => {
    expect(registryPath(region, project, repository)).toBe(expected);
  });
});

describe('artifactRegistryProblems', () => {
  it('accepts the defaults', () => {
    expect(artifactRegistryProblems('images', { project: 'p', region: 'europe-west1' })).toEqual([]);
  });

  it('names the field, the value and the fix of a bad repository id', () => {
    // GIVEN an upper-case repository id WHEN the component is created THEN it throws before registering anything
    const error = thrown(() => new ArtifactRegistry('bad', { project: 'p', region: 'europe-west1', repositoryId: 'Images' }));
    expect(recording.resources.filter((r) => r.name.startsWith('bad'))).toEqual([]);
    expect(error.message).toBe(
      '1 problem found:\n  - ArtifactRegistry "bad": repositoryId "Images" must be lower-case letters, digits and "-", starting with a letter (at most 63). Fix: name it like \'images\'',
    );
  });

  it('rejects a keep count of zero instead of keeping nothing', () => {
    expect(artifactRegistryProblems('images', { project: 'p', region: 'r', keepRecentVersions: 0 })).toEqual([
      {
        where: 'ArtifactRegistry "images"',
        field: 'keepRecentVersions',
        value: 0,
        problem: 'must be a whole number of at least 1',
        fix: 'set keepRecentVersions to e.g. 10, or leave it out for the default',
      },
    ]);
  });
});

describe('ArtifactRegistry', () => {
  let registry: ArtifactRegistry;
  let custom: ArtifactRegistry;

  beforeAll(async () => {
    // GIVEN the dev region and project WHEN the registry is declared with defaults, and once with every option
    registry = new ArtifactRegistry('images', { project: 'mock-project', region: 'europe-west1' });
    custom = new ArtifactRegistry('custom', {
      project: 'mock-project',
      region: 'us-central1',
      repositoryId: 'apps',
      keepRecentVersions: 5,
      untaggedMaxAgeDays: 7,
    });
    await registered();
  });

  it('creates one Docker repository in the region with immutable tags and inherited vulnerability scanning', () => {
    expect(recording.one(REPOSITORY, 'images-repository').inputs).toEqual({
      project: 'mock-project',
      location: 'europe-west1',
      repositoryId: 'images',
      format: 'DOCKER',
      description: 'Container images of the platform catalogue, pushed by CI through Workload Identity Federation',
      dockerConfig: { immutableTags: true },
      vulnerabilityScanningConfig: { enablementConfig: 'INHERITED' },
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        { id: 'keep-recent-versions', action: 'KEEP', mostRecentVersions: { keepCount: 20 } },
        { id: 'delete-old-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: '2592000s' } },
      ],
    });
  });

  it('deletes only untagged versions, so tags and the digests pinned behind them stay', () => {
    const policies = recording.one(REPOSITORY, 'images-repository').inputs.cleanupPolicies as {
      action: string;
      condition?: { tagState?: string };
    }[];
    expect(policies.filter((p) => p.action === 'DELETE').map((p) => p.condition?.tagState)).toEqual(['UNTAGGED']);
  });

  it('takes the repository id, keep count and untagged age from the arguments', () => {
    expect(recording.one(REPOSITORY, 'custom-repository').inputs).toMatchObject({
      location: 'us-central1',
      repositoryId: 'apps',
      cleanupPolicies: [
        { id: 'keep-recent-versions', action: 'KEEP', mostRecentVersions: { keepCount: 5 } },
        { id: 'delete-old-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: '604800s' } },
      ],
    });
  });

  it('exposes the Docker path of the repository', async () => {
    expect(await settle(registry.path)).toBe('europe-west1-docker.pkg.dev/mock-project/images');
    expect(await settle(custom.path)).toBe('us-central1-docker.pkg.dev/mock-project/apps');
  });

  it('parents the repository to the component', () => {
    const component = recording.one('platform:registry:ArtifactRegistry', 'images');
    expect(recording.one(REPOSITORY, 'images-repository').parent).toBe(component.urn);
  });
});
