/**
 * How GitHub Actions reach GCP: Workload Identity Federation with GitHub's OIDC tokens,
 * so no service account key exists anywhere. One service account per job kind, each
 * usable only from its GitHub environment of this manifest repository:
 *
 * - deployer (`<env>`): `pulumi up` of the platform stack;
 * - plan (`plan-<env>`): previews and drift checks, read-only;
 * - preview (`preview`, dev only): `pr-<N>` stacks on the dev cluster;
 * - pusher: writes images from the app repositories' release workflows.
 *
 * Created by the bootstrap stack (`bootstrap/`), which an administrator runs; CI itself
 * holds no IAM administration role. See docs/identity.md.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import { roleSlug } from './iam-names';

/** Issuer of the tokens GitHub Actions mints for a job (`id-token: write`). */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Token claims kept as attributes. `google.subject` is the token's `sub`, which for a job
 * that references an environment is `repo:<owner>/<repo>:environment:<name>`: the
 * deployer, plan and preview accounts are granted on exactly that subject. `repository`
 * is what the pusher is granted on; the others are there for audit logs.
 * @see https://docs.github.com/en/actions/reference/security/oidc
 */
export const GITHUB_ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = {
  'google.subject': 'assertion.sub',
  'attribute.actor': 'assertion.actor',
  'attribute.environment': 'assertion.environment',
  'attribute.repository': 'assertion.repository',
  'attribute.repository_id': 'assertion.repository_id',
  'attribute.repository_owner': 'assertion.repository_owner',
  'attribute.repository_owner_id': 'assertion.repository_owner_id',
  'attribute.ref': 'assertion.ref',
  'attribute.workflow_ref': 'assertion.workflow_ref',
};

/** Google rejects a token whose mapped `google.subject` is longer than this (bytes). */
export const MAX_SUBJECT_LENGTH = 127;

/**
 * Project roles of the deployer: what `pulumi up` of the platform stack creates, and no
 * IAM administration at all (no projectIamAdmin, no project-wide serviceAccountAdmin,
 * serviceAccountUser or token creation). IAM it needs is granted on single resources by
 * the bootstrap stack: actAs on the node service account, the state bucket, the stack key.
 */
export const DEPLOYER_PROJECT_ROLES: readonly string[] = [
  // The GKE cluster and node pools, and (through IAM on the DNS endpoint) the Kubernetes
  // objects: Istio's CRDs, cluster roles and webhooks, and the apps.
  'roles/container.admin',
  // VPC, subnet, Cloud Router and NAT, the global address and the NEG lookups.
  'roles/compute.networkAdmin',
  // Firewall rules, the SSL policy and the Cloud Armor policy.
  'roles/compute.securityAdmin',
  // Backend service, health check, URL maps, target proxies, forwarding rules.
  'roles/compute.loadBalancerAdmin',
  // The load balancer's certificate map, DNS authorizations and certificate. Not the
  // editor role: it has no `*.delete`, so a replacement or a destroy would fail.
  'roles/certificatemanager.admin',
  // The image repository and its IAM policy (the pusher's writer role on it).
  'roles/artifactregistry.admin',
  // The private googleapis.com zone and its records (Private Google Access, infra/network.ts).
  'roles/dns.admin',
  // Services' `uses` (infra/app-resources.ts). Each is the narrowest predefined role that
  // creates and deletes the resource and sets IAM on it, IAM that bootstrap cannot grant
  // because the resources do not exist yet. The editor roles lack create/delete or setIamPolicy.
  // The Cloud SQL instance, its databases and its IAM database users (cloudsql.editor cannot manage users).
  'roles/cloudsql.admin',
  // Memorystore for Redis instances, and reading their AUTH string into the Redis Secret.
  'roles/redis.admin',
  // Topics, subscriptions, dead-letter topics and the publisher/subscriber grants on them.
  'roles/pubsub.admin',
  // Secret Manager secrets (never their versions' values: the program creates none) and accessor grants.
  'roles/secretmanager.admin',
  // The private services access peering (infra/network.ts); its address range is compute.networkAdmin's.
  'roles/servicenetworking.networksAdmin',
  // Using the project's APIs as the quota and billing project of the calls.
  'roles/serviceusage.serviceUsageConsumer',
];

/**
 * Project roles of the plan account: read-only, for `pulumi preview` and drift checks
 * (refresh reads every resource of the stack) and for resolving image digests
 * (`promote.yml`). Nothing here can change a resource.
 */
export const PLAN_PROJECT_ROLES: readonly string[] = [
  // Cluster and node pools; Kubernetes objects except Secrets (previews fall back to a
  // client-side diff where a server-side dry run would need `patch`).
  'roles/container.viewer',
  // Network, firewall, load balancer, addresses, SSL and security policies.
  'roles/compute.viewer',
  'roles/certificatemanager.viewer',
  // The image repository, and image digests for promotions.
  'roles/artifactregistry.reader',
  'roles/dns.reader',
  // Services' `uses`: the Cloud SQL instance, Redis instances, topics and subscriptions, secrets' metadata.
  'roles/cloudsql.viewer',
  'roles/redis.viewer',
  'roles/pubsub.viewer',
  'roles/secretmanager.viewer',
  'roles/serviceusage.serviceUsageConsumer',
];

/**
 * Project roles of the preview account (dev only): `pr-<N>` stacks create only
 * Kubernetes objects on the dev cluster, through the dev stack's kubeconfig.
 */
export const PREVIEW_PROJECT_ROLES: readonly string[] = [
  // Kubernetes objects in the dev cluster (namespaced objects and custom resources).
  'roles/container.developer',
  'roles/serviceusage.serviceUsageConsumer',
];

/**
 * The deployer's role on services' buckets (infra/app-resources.ts): creating them and binding
 * their IAM. Granted on the project with a condition that excludes the Pulumi state bucket, so
 * the deployer's state writes stay limited to its own stack's objects ({@link objectPrefixCondition}).
 */
export const DEPLOYER_STORAGE_ROLE = 'roles/storage.admin';

/** Reading every state object (stack references, `pulumi stack ls`, the backend's meta.yaml). */
export const STATE_READ_ROLE = 'roles/storage.objectViewer';
/** Writing, replacing and deleting state objects: granted only on the account's own stacks' objects. */
export const STATE_WRITE_ROLE = 'roles/storage.objectUser';
/** Encrypting and decrypting stack secrets (`gcpkms://` secrets provider; new stacks encrypt their data key). */
export const SECRETS_ROLE = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';
/** Decrypting stack secrets only: the plan account reads, never writes, stacks. */
export const SECRETS_READ_ROLE = 'roles/cloudkms.cryptoKeyDecrypter';
/** The pusher's only role, granted on the image repository. */
export const PUSHER_ROLE = 'roles/artifactregistry.writer';
/** Acting as the node service account, which creating a node pool with it requires; granted on that account only. */
export const ACT_AS_ROLE = 'roles/iam.serviceAccountUser';

/** The kinds of CI account bound to a GitHub environment of the manifest repository. */
export type CiAccountKind = 'deployer' | 'plan' | 'preview';

export interface CiAccountSpec {
  readonly kind: CiAccountKind;
  /** Service account id (the email's local part). */
  readonly accountId: string;
  readonly displayName: string;
  /** The one GitHub environment whose jobs may impersonate the account. */
  readonly githubEnvironment: string;
  readonly projectRoles: readonly string[];
  /** Role on the stack secrets key. */
  readonly secretsRole: string;
  /**
   * Which state objects it may write: `{ stack }` one stack, `{ stackPrefix }` every stack
   * whose name starts with it, `undefined` none (read-only).
   */
  readonly stateWrites?: StateStacks;
}

/** Stacks of a Pulumi project in the state bucket: one by name, or all with a name prefix. */
export type StateStacks = { readonly stack: string } | { readonly stackPrefix: string };

/** The platform's Pulumi project, whose stacks CI writes. */
export const PLATFORM_PROJECT = 'platform';
/** Preview stacks are `pr-<N>`. */
export const PREVIEW_STACK_PREFIX = 'pr-';
/** The GitHub environment of the pull requests' `pr-<N>` stacks. */
export const PREVIEW_ENVIRONMENT = 'preview';

/**
 * The CI accounts of one platform stack: a deployer bound to environment `<stack>`, a
 * read-only plan account bound to `plan-<stack>`, and, where previews run (dev), the
 * preview account bound to `preview`.
 */
export function ciAccounts(stack: string, previews: boolean): CiAccountSpec[] {
  const accounts: CiAccountSpec[] = [
    {
      kind: 'deployer',
      accountId: 'ci-deployer',
      displayName: `CI deployer (${stack})`,
      githubEnvironment: stack,
      projectRoles: DEPLOYER_PROJECT_ROLES,
      secretsRole: SECRETS_ROLE,
      stateWrites: { stack },
    },
    {
      kind: 'plan',
      accountId: 'ci-plan',
      displayName: `CI plan, read-only (${stack})`,
      githubEnvironment: `plan-${stack}`,
      projectRoles: PLAN_PROJECT_ROLES,
      secretsRole: SECRETS_READ_ROLE,
    },
  ];
  if (previews) {
    accounts.push({
      kind: 'preview',
      accountId: 'ci-preview',
      displayName: 'CI preview stacks (pr-<N>)',
      githubEnvironment: PREVIEW_ENVIRONMENT,
      projectRoles: PREVIEW_PROJECT_ROLES,
      secretsRole: SECRETS_ROLE,
      stateWrites: { stackPrefix: PREVIEW_STACK_PREFIX },
    });
  }
  return accounts;
}

/** Id of the image pusher account. */
export const PUSHER_ACCOUNT_ID = 'ci-image-pusher';

/**
 * Object-name prefixes of the Pulumi DIY (`gs://`) backend for some stacks of a project:
 * the checkpoint (`.pulumi/stacks/<project>/<stack>.json` and its `.bak`/`.gz`), the locks
 * (`.pulumi/locks/organization/<project>/<stack>/`), history and backups.
 * @see pkg/backend/diy/store.go, lock.go and sdk/go/common/workspace/paths.go at pulumi v3.248.0
 */
export function stateObjectPrefixes(project: string, stacks: StateStacks): string[] {
  const [name, after] = 'stack' in stacks ? [stacks.stack, '/'] : [stacks.stackPrefix, ''];
  const checkpoint = 'stack' in stacks ? `${name}.json` : name;
  return [
    `.pulumi/stacks/${project}/${checkpoint}`,
    `.pulumi/locks/organization/${project}/${name}${after}`,
    `.pulumi/history/${project}/${name}${after}`,
    `.pulumi/backups/${project}/${name}${after}`,
  ];
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * IAM condition (CEL) limiting a bucket role to objects under these prefixes. Needs the
 * bucket's uniform bucket-level access. Names are validated, never escaped.
 */
export function objectPrefixCondition(bucket: string, prefixes: readonly string[]): string {
  if (!BUCKET.test(bucket)) {
    throw new ValidationError([
      {
        where: 'objectPrefixCondition',
        field: 'bucket',
        value: bucket,
        problem: 'is not a Cloud Storage bucket name',
        fix: 'use the bucket name alone, without gs://',
      },
    ]);
  }
  const unsafe = prefixes.find((p) => !/^[A-Za-z0-9._/-]+$/.test(p));
  if (unsafe !== undefined) {
    throw new ValidationError([
      {
        where: 'objectPrefixCondition',
        field: 'prefixes',
        value: unsafe,
        problem: 'has a character outside letters, digits, ".", "_", "/", "-"',
        fix: 'use a stack or project name',
      },
    ]);
  }
  return prefixes.map((p) => `resource.name.startsWith('projects/_/buckets/${bucket}/objects/${p}')`).join(' || ');
}

/**
 * IAM condition (CEL) true for every resource except one bucket and its objects. A negation,
 * so it also holds where the resource is the project (creating a bucket).
 */
export function exceptBucketCondition(bucket: string): string {
  objectPrefixCondition(bucket, []);
  return `!(resource.name == 'projects/_/buckets/${bucket}' || resource.name.startsWith('projects/_/buckets/${bucket}/'))`;
}

// GitHub's owner/repo grammar: no quotes, backslashes or spaces can reach the CEL below.
const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9_.-]+$/;
// GitHub environment names as our workflows write them (dev, plan-prod, preview).
const ENVIRONMENT = /^[A-Za-z0-9_.-]+$/;

/** Problems with the repository list, each naming the entry, the value and the fix. */
export function repositoryProblems(repositories: readonly string[], where = 'CiIdentity'): Problem[] {
  if (repositories.length === 0) {
    return [
      {
        where,
        field: 'repositories',
        value: [],
        problem: 'is empty, so no workflow could authenticate',
        fix: 'list this repository first, then the app repositories (platform:ciRepositories)',
      },
    ];
  }
  return repositories.flatMap((repository, i): Problem[] =>
    typeof repository === 'string' && REPOSITORY.test(repository)
      ? []
      : [
          {
            where,
            field: `repositories[${i}]`,
            value: repository,
            problem: 'is not a GitHub owner/repo name (letters, digits, "-", "_", "." only)',
            fix: 'write it as owner/repo, e.g. my-org/platform',
          },
        ],
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

/** Every token of the repository's workflows, as an IAM member of the pool: only for the pusher. */
export function repositoryPrincipal(poolName: string, repository: string): string {
  if (!REPOSITORY.test(repository)) throw new ValidationError(repositoryProblems([repository], 'repositoryPrincipal'));
  return `principalSet://iam.googleapis.com/${poolName}/attribute.repository/${repository}`;
}

/** The `sub` claim GitHub gives a job of `repository` that references `environment`. */
export function environmentSubject(repository: string, environment: string): string {
  const problems: Problem[] = [
    ...repositoryProblems([repository], 'environmentSubject'),
    ...(ENVIRONMENT.test(environment)
      ? []
      : [
          {
            where: 'environmentSubject',
            field: 'environment',
            value: environment,
            problem: 'is not a GitHub environment name (letters, digits, "-", "_", "." only)',
            fix: 'use e.g. dev or plan-dev',
          },
        ]),
  ];
  assertNoProblems(problems);
  const subject = `repo:${repository}:environment:${environment}`;
  if (subject.length > MAX_SUBJECT_LENGTH) {
    assertNoProblems([
      {
        where: 'environmentSubject',
        field: 'subject',
        value: subject,
        problem: `is ${subject.length} characters, Google accepts at most ${MAX_SUBJECT_LENGTH}`,
        fix: 'use a shorter environment name',
      },
    ]);
  }
  return subject;
}

/**
 * Exactly the jobs of `repository` that run in GitHub environment `environment`, as one
 * IAM principal of the pool (`principal://.../subject/<sub>`): not any other branch, pull
 * request or workflow run of the repository, nor any other environment.
 */
export function environmentPrincipal(poolName: string, repository: string, environment: string): string {
  return `principal://iam.googleapis.com/${poolName}/subject/${environmentSubject(repository, environment)}`;
}

export interface CiIdentityArgs {
  /** GCP project id of the pool and the service accounts. */
  readonly project: string;
  /** The platform stack (and the deployer's GitHub environment): dev, staging or prod. */
  readonly stack: string;
  /** GitHub `owner/repo` of this manifest repository: the only one whose environments deploy. */
  readonly repository: string;
  /**
   * GitHub `owner/repo`s of the app repositories: their workflows may push images.
   * @default [] - no pusher binding
   */
  readonly appRepositories?: readonly string[];
  /**
   * Whether `pr-<N>` preview stacks deploy to this environment's cluster (the preview account).
   * @default false
   */
  readonly previews?: boolean;
  /** Bucket of the Pulumi state (name, no `gs://`); must have uniform bucket-level access. */
  readonly stateBucket: string;
  /** KMS key of the stack secrets (`projects/.../cryptoKeys/...`). */
  readonly secretsKey: pulumi.Input<string>;
  /** The GKE node service account (its `name`): the deployer may act as it, and as no other. */
  readonly nodeServiceAccount: pulumi.Input<string>;
  /**
   * Pool id. A deleted pool keeps its id for 30 days, so pick a new one to recreate it.
   * @default 'github-actions'
   */
  readonly poolId?: string;
}

export class CiIdentity extends pulumi.ComponentResource {
  /** Full name of the GitHub provider: the `workload_identity_provider` input of google-github-actions/auth. */
  readonly providerName: pulumi.Output<string>;
  /** Email of each account by kind (preview only where previews run). */
  readonly accountEmails: Readonly<Partial<Record<CiAccountKind, pulumi.Output<string>>>>;
  readonly pusherEmail: pulumi.Output<string>;
  /** GitHub environment -> the service account its jobs impersonate. */
  readonly environments: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: CiIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated first: a bad repository name registers nothing, not even the component.
    const appRepositories = [...new Set(args.appRepositories ?? [])];
    const condition = attributeCondition([args.repository, ...appRepositories]);
    const specs = ciAccounts(args.stack, args.previews ?? false);
    for (const spec of specs) environmentSubject(args.repository, spec.githubEnvironment);
    const writeConditions = new Map(
      specs.flatMap((s) =>
        s.stateWrites === undefined
          ? []
          : [[s.kind, objectPrefixCondition(args.stateBucket, stateObjectPrefixes(PLATFORM_PROJECT, s.stateWrites))] as const],
      ),
    );
    super('platform:ci:Identity', name, {}, opts);
    // Children wait for what the component waits for (the project's APIs).
    const child: pulumi.CustomResourceOptions = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };

    const pool = new gcp.iam.WorkloadIdentityPool(
      `${name}-pool`,
      {
        project: args.project,
        workloadIdentityPoolId: args.poolId ?? 'github-actions',
        displayName: 'GitHub Actions',
        description: `Environments of ${args.repository}; image pushes of the app repositories`,
      },
      child,
    );
    const provider = new gcp.iam.WorkloadIdentityPoolProvider(
      `${name}-github`,
      {
        project: args.project,
        workloadIdentityPoolId: pool.workloadIdentityPoolId,
        workloadIdentityPoolProviderId: 'github',
        displayName: 'GitHub',
        oidc: { issuerUri: GITHUB_ISSUER },
        attributeMapping: { ...GITHUB_ATTRIBUTE_MAPPING },
        attributeCondition: condition,
      },
      child,
    );

    const emails: Partial<Record<CiAccountKind, pulumi.Output<string>>> = {};
    for (const spec of specs) {
      const account = new gcp.serviceaccount.Account(
        `${name}-${spec.kind}`,
        {
          project: args.project,
          accountId: spec.accountId,
          displayName: spec.displayName,
          description: `GitHub environment "${spec.githubEnvironment}" of ${args.repository}`,
        },
        child,
      );
      const member = pulumi.interpolate`serviceAccount:${account.email}`;
      new gcp.serviceaccount.IAMMember(
        `${name}-${spec.kind}-wif`,
        {
          serviceAccountId: account.name,
          role: 'roles/iam.workloadIdentityUser',
          member: pool.name.apply((poolName) => environmentPrincipal(poolName, args.repository, spec.githubEnvironment)),
        },
        child,
      );
      for (const role of spec.projectRoles) {
        new gcp.projects.IAMMember(`${name}-${spec.kind}-${roleSlug(role)}`, { project: args.project, role, member }, child);
      }
      if (spec.kind === 'deployer') {
        new gcp.projects.IAMMember(
          `${name}-${spec.kind}-${roleSlug(DEPLOYER_STORAGE_ROLE)}`,
          {
            project: args.project,
            role: DEPLOYER_STORAGE_ROLE,
            member,
            condition: {
              title: 'not-the-state-bucket',
              description: `Services' buckets; never the Pulumi state bucket ${args.stateBucket}`,
              expression: exceptBucketCondition(args.stateBucket),
            },
          },
          child,
        );
      }
      new gcp.storage.BucketIAMMember(
        `${name}-${spec.kind}-state-read`,
        { bucket: args.stateBucket, role: STATE_READ_ROLE, member },
        child,
      );
      const writes = writeConditions.get(spec.kind);
      if (writes !== undefined) {
        new gcp.storage.BucketIAMMember(
          `${name}-${spec.kind}-state-write`,
          {
            bucket: args.stateBucket,
            role: STATE_WRITE_ROLE,
            member,
            condition: {
              title: `${spec.kind} stacks only`,
              description: `State objects of the ${spec.kind}'s own stacks`,
              expression: writes,
            },
          },
          child,
        );
      }
      new gcp.kms.CryptoKeyIAMMember(
        `${name}-${spec.kind}-secrets`,
        { cryptoKeyId: args.secretsKey, role: spec.secretsRole, member },
        child,
      );
      if (spec.kind === 'deployer') {
        new gcp.serviceaccount.IAMMember(
          `${name}-deployer-act-as-nodes`,
          { serviceAccountId: args.nodeServiceAccount, role: ACT_AS_ROLE, member },
          child,
        );
      }
      emails[spec.kind] = account.email;
    }

    const pusher = new gcp.serviceaccount.Account(
      `${name}-pusher`,
      {
        project: args.project,
        accountId: PUSHER_ACCOUNT_ID,
        displayName: 'CI image pusher',
        description: 'Pushes images to Artifact Registry from the app repositories',
      },
      child,
    );
    // Per app repository (any branch): the app pipeline runs in the app repository's own
    // workflows, whose environments this repository does not control.
    for (const repository of appRepositories) {
      new gcp.serviceaccount.IAMMember(
        `${name}-pusher-wif-${repository}`,
        {
          serviceAccountId: pusher.name,
          role: 'roles/iam.workloadIdentityUser',
          member: pool.name.apply((poolName) => repositoryPrincipal(poolName, repository)),
        },
        child,
      );
    }

    this.providerName = provider.name;
    this.accountEmails = emails;
    this.pusherEmail = pusher.email;
    this.environments = pulumi
      .all(specs.map((s) => emails[s.kind] as pulumi.Output<string>))
      .apply((all) => Object.fromEntries(specs.map((s, i) => [s.githubEnvironment, all[i]])));
    this.registerOutputs({ providerName: this.providerName, pusherEmail: this.pusherEmail, environments: this.environments });
  }
}
