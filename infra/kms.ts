/**
 * The platform's Cloud KMS keys, one key ring per environment in the cluster's region:
 * the Pulumi stack secrets key (`gcpkms://` secrets provider) and the key GKE encrypts
 * Kubernetes Secrets with (application-layer secrets encryption). Both rotate. IAM is
 * granted on each key, never on the project: here the GKE service agent on its key; the
 * CI accounts' grants on the stack key are made by CiIdentity.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/** Key ring id. Key rings and keys cannot be deleted in Cloud KMS, so these names are final. */
export const KEY_RING = 'platform';
/** Encrypts the stacks' data keys (Pulumi's `gcpkms://` secrets provider). */
export const STACK_SECRETS_KEY = 'pulumi-stacks';
/** GKE's key for application-layer secrets encryption (etcd envelope encryption). */
export const GKE_SECRETS_KEY = 'gke-secrets';

/** 90 days, as KMS wants it: seconds with an `s` (more than one day). */
export const KEY_ROTATION_PERIOD = `${90 * 24 * 3600}s`;

/** What GKE's service agent needs on the key to encrypt and decrypt Secrets. */
export const GKE_KEY_ROLE = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';

/** A key's resource id: what `databaseEncryption.keyName` and `gcpkms://` take. */
export function cryptoKeyId(project: string, location: string, key: string): string {
  return `projects/${project}/locations/${location}/keyRings/${KEY_RING}/cryptoKeys/${key}`;
}

/** Pulumi's secrets provider URL for a key. */
export function secretsProviderUrl(keyId: string): string {
  return `gcpkms://${keyId}`;
}

/** GKE's service agent of a project (created when the Kubernetes Engine API is enabled). */
export function gkeServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}

export interface PlatformKeysArgs {
  readonly project: string;
  /** The cluster's region: GKE wants its key in the cluster's location. */
  readonly location: string;
}

export class PlatformKeys extends pulumi.ComponentResource {
  readonly keyRing: gcp.kms.KeyRing;
  readonly stackSecretsKey: gcp.kms.CryptoKey;
  readonly gkeSecretsKey: gcp.kms.CryptoKey;
  /** `gcpkms://...` of the stack secrets key, for `pulumi stack init --secrets-provider`. */
  readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, args: PlatformKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:kms:Keys', name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };
    // Destroying a key makes everything it encrypted unreadable: the cluster's Secrets,
    // every stack's secrets. Pulumi refuses to delete them.
    const keep = { ...child, protect: true };
    this.keyRing = new gcp.kms.KeyRing(`${name}-ring`, { project: args.project, name: KEY_RING, location: args.location }, keep);
    const key = (id: string, purpose: string) =>
      new gcp.kms.CryptoKey(
        `${name}-${id}`,
        {
          name: id,
          keyRing: this.keyRing.id,
          purpose: 'ENCRYPT_DECRYPT',
          rotationPeriod: KEY_ROTATION_PERIOD,
          labels: { purpose, 'managed-by': 'pulumi' },
        },
        keep,
      );
    this.stackSecretsKey = key(STACK_SECRETS_KEY, 'pulumi-stack-secrets');
    this.gkeSecretsKey = key(GKE_SECRETS_KEY, 'gke-secrets-encryption');

    const project = gcp.organizations.getProjectOutput({ projectId: args.project }, { parent: this });
    new gcp.kms.CryptoKeyIAMMember(
      `${name}-gke-agent`,
      {
        cryptoKeyId: this.gkeSecretsKey.id,
        role: GKE_KEY_ROLE,
        member: project.number.apply(gkeServiceAgent),
      },
      child,
    );

    this.secretsProvider = this.stackSecretsKey.id.apply(secretsProviderUrl);
    this.registerOutputs({ secretsProvider: this.secretsProvider, gkeSecretsKey: this.gkeSecretsKey.id });
  }
}
