/**
 * How GitHub Actions reach GCP: Workload Identity Federation with GitHub's OIDC tokens,
 * so no service account key exists anywhere. Two service accounts, each with only what
 * its job needs: the deployer runs `pulumi up` from this repository; the image pusher
 * writes to the Artifact Registry repository from every configured repository.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems, ValidationError, type Problem } from '../services/problems';

/** Issuer of the tokens GitHub Actions mints for a job (`id-token: write`). */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Token claims kept as attributes: `repository` is what access is granted on; the others
 * are there for audit logs and for narrower conditions later (`ref`, `workflow_ref`).
 * The ids survive renames and cannot be re-registered by someone else.
 */
export const GITHUB_ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = {
  'google.subject': 'assertion.sub',
  'attribute.actor': 'assertion.actor',
  'attribute.repository': 'assertion.repository',
  'attribute.repository_id': 'assertion.repository_id',
  'attribute.repository_owner': 'assertion.repository_owner',
  'attribute.repository_owner_id': 'assertion.repository_owner_id',
  'attribute.ref': 'assertion.ref',
  'attribute.workflow_ref': 'assertion.workflow_ref',
};

/**
 * Project roles of the deployer: what `pulumi up` of this platform creates and nothing
 * else (no Owner/Editor). It manages IAM itself (node and workload service accounts, this
 * federation), so it can grant roles: keep the repository's `main` branch protected.
 */
export const DEPLOYER_PROJECT_ROLES: readonly string[] = [
  // The GKE cluster and node pools, and (through IAM on the DNS endpoint) the Kubernetes
  // objects: Istio's CRDs, cluster roles and webhooks, and the apps.
  'roles/container.admin',
  // VPC, subnet, Cloud Router and NAT, the global address and the NEG lookups.
  'roles/compute.networkAdmin',
  // Firewall rules, the managed certificate and the Cloud Armor policy.
  'roles/compute.securityAdmin',
  // Backend service, health check, URL maps, target proxies, forwarding rules.
  'roles/compute.loadBalancerAdmin',
  // The node and workload service accounts and their IAM policies (Workload Identity bindings).
  'roles/iam.serviceAccountAdmin',
  // actAs on the node service account, which creating a node pool with it requires.
  'roles/iam.serviceAccountUser',
  // This pool and its GitHub provider.
  'roles/iam.workloadIdentityPoolAdmin',
  // Project roles of the node and workload service accounts, and these very bindings.
  'roles/resourcemanager.projectIamAdmin',
  // The image repository and its IAM policy (the pusher's writer role).
  'roles/artifactregistry.admin',
  // Using the project's APIs as the quota and billing project of the calls.
  'roles/serviceusage.serviceUsageConsumer',
];

/** Reading and writing the Pulumi state objects (`gs://` backend). */
export const STATE_ROLE = 'roles/storage.objectAdmin';
/** Encrypting and decrypting stack secrets (`gcpkms://` secrets provider). */
export const SECRETS_ROLE = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';
/** The pusher's only role, granted on the repository. */
export const PUSHER_ROLE = 'roles/artifactregistry.writer';

// GitHub's owner/repo grammar: no quotes, backslashes or spaces can reach the CEL below.
const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/;

/** Problems with the repository list, each naming the entry, the value and the fix. */
export function repositoryProblems(repositories: readonly string[], where = 'CiIdentity'): Problem[] {
  if (repositories.length === 0) {
    return [{ where, field: 'repositories', value: [], problem: 'is empty, so no workflow could authenticate', fix: 'list this repository first, then the app repositories (platform:ciRepositories)' }];
  }
  return repositories.flatMap((repository, i): Problem[] =>
    typeof repository === 'string' && REPOSITORY.test(repository)
      ? []
      : [{ where, field: `repositories[${i}]`, value: repository, problem: 'is not a GitHub owner/repo name (letters, digits, "-", "_", "." only)', fix: 'write it as owner/repo, e.g. my-org/platform' }],
  );
}

/**
 * The provider's CEL condition: only tokens of exactly these repositories are accepted.
 * Names are validated (never escaped), so a quote cannot end the string literal.
 */
export function attributeCondition(repositories: readonly string[]): string {
  assertNoProblems(repositoryProblems(repositories));
  const unique = [...new Set(repositories)];
  return `assertion.repository in [${unique.map((r) => `'${r}'`).join(', ')}]`;
}

/** Every token of the repository's workflows, as an IAM member of the pool. */
export function repositoryPrincipal(poolName: string, repository: string): string {
  if (!REPOSITORY.test(repository)) throw new ValidationError(repositoryProblems([repository], 'repositoryPrincipal'));
  return `principalSet://iam.googleapis.com/${poolName}/attribute.repository/${repository}`;
}

/** The repository holding the images; an `artifactregistry.Repository` is one. */
export interface RegistryRef {
  readonly repositoryId: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
  readonly project?: pulumi.Input<string>;
}

export interface CiIdentityArgs {
  /** GCP project id of the pool and the service accounts. */
  readonly project: string;
  /**
   * GitHub `owner/repo`s whose workflows may authenticate. The FIRST is this manifest
   * repository, the only one that may deploy; all may push images.
   */
  readonly repositories: readonly string[];
  /** The Artifact Registry repository the pusher writes to. */
  readonly registry: RegistryRef;
  /**
   * Pool id. A deleted pool keeps its id for 30 days, so pick a new one to recreate it.
   * @default 'github-actions'
   */
  readonly poolId?: string;
  /**
   * Bucket of the Pulumi state: the deployer gets `roles/storage.objectAdmin` on it.
   * @default - the role is granted on the project (every bucket)
   */
  readonly stateBucket?: pulumi.Input<string>;
  /**
   * KMS key of the stack secrets (`projects/.../cryptoKeys/...`): the deployer may use it.
   * @default - the role is granted on the project (every key)
   */
  readonly secretsKey?: pulumi.Input<string>;
}

export class CiIdentity extends pulumi.ComponentResource {
  /** Full name of the GitHub provider: the `workload_identity_provider` input of google-github-actions/auth. */
  readonly providerName: pulumi.Output<string>;
  readonly deployerEmail: pulumi.Output<string>;
  readonly pusherEmail: pulumi.Output<string>;

  constructor(name: string, args: CiIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated first: a bad repository name registers nothing, not even the component.
    const condition = attributeCondition(args.repositories);
    super('platform:ci:Identity', name, {}, opts);
    const repositories = [...new Set(args.repositories)];
    const parent = { parent: this };

    const pool = new gcp.iam.WorkloadIdentityPool(`${name}-pool`, {
      project: args.project,
      workloadIdentityPoolId: args.poolId ?? 'github-actions',
      displayName: 'GitHub Actions',
      description: 'Workflows of the repositories in platform:ciRepositories',
    }, parent);
    const provider = new gcp.iam.WorkloadIdentityPoolProvider(`${name}-github`, {
      project: args.project,
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'github',
      displayName: 'GitHub',
      oidc: { issuerUri: GITHUB_ISSUER },
      attributeMapping: { ...GITHUB_ATTRIBUTE_MAPPING },
      attributeCondition: condition,
    }, parent);

    const deployer = new gcp.serviceaccount.Account(`${name}-deployer`, {
      project: args.project,
      accountId: 'ci-deployer',
      displayName: 'CI deployer',
      description: `pulumi up from ${repositories[0]}`,
    }, parent);
    const pusher = new gcp.serviceaccount.Account(`${name}-pusher`, {
      project: args.project,
      accountId: 'ci-image-pusher',
      displayName: 'CI image pusher',
      description: 'Pushes images to Artifact Registry from the configured repositories',
    }, parent);
    const deployerMember = pulumi.interpolate`serviceAccount:${deployer.email}`;

    const impersonation = (who: string, account: gcp.serviceaccount.Account, allowed: readonly string[]) =>
      allowed.map((repository) => new gcp.serviceaccount.IAMMember(`${name}-${who}-wif-${repository}`, {
        serviceAccountId: account.name,
        role: 'roles/iam.workloadIdentityUser',
        member: pool.name.apply((poolName) => repositoryPrincipal(poolName, repository)),
      }, parent));
    // Only this repository deploys; app repositories only ship images.
    impersonation('deployer', deployer, repositories.slice(0, 1));
    impersonation('pusher', pusher, repositories);

    for (const role of DEPLOYER_PROJECT_ROLES) {
      new gcp.projects.IAMMember(`${name}-deployer-${role.replace(/^roles\//, '').replace(/\./g, '-')}`, { project: args.project, role, member: deployerMember }, parent);
    }
    if (args.stateBucket === undefined) new gcp.projects.IAMMember(`${name}-deployer-state`, { project: args.project, role: STATE_ROLE, member: deployerMember }, parent);
    else new gcp.storage.BucketIAMMember(`${name}-deployer-state`, { bucket: args.stateBucket, role: STATE_ROLE, member: deployerMember }, parent);
    if (args.secretsKey === undefined) new gcp.projects.IAMMember(`${name}-deployer-secrets`, { project: args.project, role: SECRETS_ROLE, member: deployerMember }, parent);
    else new gcp.kms.CryptoKeyIAMMember(`${name}-deployer-secrets`, { cryptoKeyId: args.secretsKey, role: SECRETS_ROLE, member: deployerMember }, parent);

    new gcp.artifactregistry.RepositoryIamMember(`${name}-pusher-writer`, {
      project: args.registry.project ?? args.project,
      location: args.registry.location,
      repository: args.registry.repositoryId,
      role: PUSHER_ROLE,
      member: pulumi.interpolate`serviceAccount:${pusher.email}`,
    }, parent);

    this.providerName = provider.name;
    this.deployerEmail = deployer.email;
    this.pusherEmail = pusher.email;
    this.registerOutputs({ providerName: this.providerName, deployerEmail: this.deployerEmail, pusherEmail: this.pusherEmail });
  }
}
