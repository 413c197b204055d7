/**
 * The Artifact Registry Docker repository the app teams' pipelines push images to. Its
 * path is what image pins in `services/releases/<env>.yaml` start with.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems, type Problem } from '../core/problems';

export interface ArtifactRegistryArgs {
  /** GCP project id of the repository. */
  readonly project: string;
  /** Region of the repository: the cluster's, so image pulls stay in the region. */
  readonly region: string;
  /**
   * Repository id, the last segment of the image path.
   * @default 'images'
   */
  readonly repositoryId?: string;
  /**
   * Versions per image that the cleanup never deletes, however old.
   * @default 20
   */
  readonly keepRecentVersions?: number;
  /**
   * Age after which untagged versions (superseded builds) are deleted, in days.
   * @default 30
   */
  readonly untaggedMaxAgeDays?: number;
}

/** The Docker path of a repository: `<region>-docker.pkg.dev/<project>/<repository>`. */
export function registryPath(region: string, project: string, repository: string): string {
  return `${region}-docker.pkg.dev/${project}/${repository}`;
}

const REPOSITORY_ID = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** Problems with the arguments, each naming the field, the value and the fix. */
export function artifactRegistryProblems(name: string, args: ArtifactRegistryArgs): Problem[] {
  const where = `ArtifactRegistry "${name}"`;
  const problems: Problem[] = [];
  const repositoryId = args.repositoryId ?? 'images';
  if (!REPOSITORY_ID.test(repositoryId) || repositoryId.length > 63) {
    problems.push({
      where,
      field: 'repositoryId',
      value: repositoryId,
      problem: 'must be lower-case letters, digits and "-", starting with a letter (at most 63)',
      fix: "name it like 'images'",
    });
  }
  for (const [field, value] of [
    ['keepRecentVersions', args.keepRecentVersions],
    ['untaggedMaxAgeDays', args.untaggedMaxAgeDays],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      problems.push({
        where,
        field,
        value,
        problem: 'must be a whole number of at least 1',
        fix: `set ${field} to e.g. 10, or leave it out for the default`,
      });
  }
  return problems;
}

export class ArtifactRegistry extends pulumi.ComponentResource {
  readonly repository: gcp.artifactregistry.Repository;
  /** `<region>-docker.pkg.dev/<project>/<repository>`: prefix of every image pushed here. */
  readonly path: pulumi.Output<string>;

  constructor(name: string, args: ArtifactRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated first: a bad argument registers nothing, not even the component.
    assertNoProblems(artifactRegistryProblems(name, args));
    super('platform:registry:ArtifactRegistry', name, {}, opts);
    const repositoryId = args.repositoryId ?? 'images';
    const keepCount = args.keepRecentVersions ?? 20;
    const untaggedMaxAgeSeconds = (args.untaggedMaxAgeDays ?? 30) * 24 * 60 * 60;

    this.repository = new gcp.artifactregistry.Repository(
      `${name}-repository`,
      {
        project: args.project,
        location: args.region,
        repositoryId,
        format: 'DOCKER',
        description: 'Container images of the platform catalogue, pushed by CI through Workload Identity Federation',
        // A tag, once pushed, always names the same image: what was tested is what is deployed.
        dockerConfig: { immutableTags: true },
        // Scans pushed images when the project has the Container Scanning API enabled.
        vulnerabilityScanningConfig: { enablementConfig: 'INHERITED' },
        cleanupPolicyDryRun: false,
        // Keep policies win over delete policies. Only untagged versions are ever deleted, so a
        // tag (and the digest behind it that staging and prod pin) stays. Caveat: children of
        // multi-arch indexes are untagged; keep them within the recent versions or push
        // single-platform images.
        cleanupPolicies: [
          { id: 'keep-recent-versions', action: 'KEEP', mostRecentVersions: { keepCount } },
          { id: 'delete-old-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: `${untaggedMaxAgeSeconds}s` } },
        ],
      },
      { parent: this },
    );

    this.path = pulumi
      .all([this.repository.location, this.repository.project, this.repository.repositoryId])
      .apply(([location, project, id]) => registryPath(location, project, id));
    this.registerOutputs({ path: this.path });
  }
}
