/**
 * The contract between the bootstrap stack (`bootstrap/`, run once per environment by an
 * administrator) and the platform stack CI runs: the names of bootstrap's outputs, where
 * the platform finds them (a StackReference), and what they are under mocks, computed by
 * the same naming functions bootstrap uses so the offline plan shows the real names.
 */
import * as pulumi from '@pulumi/pulumi';
import { ciAccounts, PUSHER_ACCOUNT_ID } from './ci-identity';
import { clusterName, nodeServiceAccountEmail } from './cluster';
import { serviceAccountEmail } from './iam-names';
import { BOOTSTRAP_PROJECT } from '../core/config-schema';
import { cryptoKeyId, GKE_SECRETS_KEY, secretsProviderUrl, STACK_SECRETS_KEY } from './kms';

export { BOOTSTRAP_PROJECT };

/**
 * The bootstrap stack of a platform stack as a DIY (`gs://`) backend names it, whose
 * organization is always `organization`: the default of `platform:bootstrapStackReference`.
 */
export function bootstrapStackReference(stack: string, organization = 'organization'): string {
  return `${organization}/${BOOTSTRAP_PROJECT}/${stack}`;
}

/** Bootstrap's stack outputs, by exact name (docs/identity.md lists them for the setup). */
export interface BootstrapOutputs {
  /** `workload_identity_provider` of google-github-actions/auth (variable WORKLOAD_IDENTITY_PROVIDER of every GitHub environment, docs/ci-cd.md). */
  readonly workloadIdentityProvider: string;
  /** GitHub environment -> the service account its jobs use (variable SERVICE_ACCOUNT of that environment). */
  readonly githubEnvironments: Record<string, string>;
  readonly deployerServiceAccount: string;
  readonly planServiceAccount: string;
  /** Only where previews run (dev). */
  readonly previewServiceAccount?: string;
  /** `service-account` input of the app repositories' release workflow. */
  readonly pusherServiceAccount: string;
  readonly nodeServiceAccount: string;
  /** Key id for the cluster's `databaseEncryption.keyName`. */
  readonly gkeSecretsKey: string;
  /** `gcpkms://...` for `pulumi stack init --secrets-provider` (dev's: variable SECRETS_PROVIDER of environment preview). */
  readonly secretsProvider: string;
  /** Bucket of the Pulumi state (variable STATE_BUCKET). */
  readonly stateBucket: string;
  /** Service name -> the Google service account it runs as through Workload Identity. */
  readonly workloadServiceAccounts: Record<string, string>;
}

/** What the platform stack reads from bootstrap. */
export interface BootstrapRefs {
  readonly nodeServiceAccount: pulumi.Output<string>;
  readonly gkeSecretsKey: pulumi.Output<string>;
  readonly pusherServiceAccount: pulumi.Output<string>;
  /** The read-only plan account: its drift check refreshes the hop's Secret (infra/edge-hop.ts). */
  readonly planServiceAccount: pulumi.Output<string>;
}

/** Reads the bootstrap stack's outputs the platform needs; a missing output fails the run, naming it. */
export function readBootstrap(reference: string): BootstrapRefs {
  const ref = new pulumi.StackReference(reference);
  // Typed boundary: stack outputs are untyped; these are strings by the contract above.
  const text = (name: keyof BootstrapOutputs) => ref.requireOutput(name) as pulumi.Output<string>;
  return {
    nodeServiceAccount: text('nodeServiceAccount'),
    gkeSecretsKey: text('gkeSecretsKey'),
    pusherServiceAccount: text('pusherServiceAccount'),
    planServiceAccount: text('planServiceAccount'),
  };
}

/** Project number the mocks report (infra/offline/engine.ts answers getProject with it). */
export const OFFLINE_PROJECT_NUMBER = '123456789';

export interface OfflineBootstrapArgs {
  readonly stack: string;
  readonly project: string;
  readonly region: string;
  readonly stateBucket?: string;
}

/** Bootstrap's outputs as the real stack would report them, for offline plans and tests. */
export function offlineBootstrapOutputs(args: OfflineBootstrapArgs): BootstrapOutputs {
  const previews = args.stack === 'dev';
  const accounts = ciAccounts(args.stack, previews);
  const email = (kind: string) => serviceAccountEmail(accounts.find((a) => a.kind === kind)?.accountId ?? kind, args.project);
  return {
    workloadIdentityProvider: `projects/${OFFLINE_PROJECT_NUMBER}/locations/global/workloadIdentityPools/github-actions/providers/github`,
    githubEnvironments: Object.fromEntries(accounts.map((a) => [a.githubEnvironment, serviceAccountEmail(a.accountId, args.project)])),
    deployerServiceAccount: email('deployer'),
    planServiceAccount: email('plan'),
    ...(previews ? { previewServiceAccount: email('preview') } : {}),
    pusherServiceAccount: serviceAccountEmail(PUSHER_ACCOUNT_ID, args.project),
    nodeServiceAccount: nodeServiceAccountEmail(clusterName(args.stack), args.project),
    gkeSecretsKey: cryptoKeyId(args.project, args.region, GKE_SECRETS_KEY),
    secretsProvider: secretsProviderUrl(cryptoKeyId(args.project, args.region, STACK_SECRETS_KEY)),
    stateBucket: args.stateBucket ?? `${args.project}-pulumi-state`,
    workloadServiceAccounts: {},
  };
}
