/**
 * The Google identity Config Sync's reconcilers pull the apps' bundles as
 * (`platform:appDelivery: configsync`, infra/config-sync.ts): a service account
 * `config-sync-<stack>` with no project role at all, which each app namespace's reconciler
 * (`ns-reconciler-<namespace>` in config-management-system) may act as through Workload
 * Identity. Creating accounts is the bootstrap stack's (CI may not); the platform stack grants
 * it `roles/artifactregistry.reader` on its repository only.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { configSyncServiceAccountId, reconcilerMember } from './config-sync-plan';

export interface ConfigSyncIdentityArgs {
  readonly project: string;
  readonly stack: string;
  /** The app namespaces whose reconcilers pull bundles. */
  readonly namespaces: readonly string[];
}

export class ConfigSyncIdentity extends pulumi.ComponentResource {
  readonly email: pulumi.Output<string>;

  constructor(name: string, args: ConfigSyncIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:configsync:ConfigSyncIdentity', name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };
    const account = new gcp.serviceaccount.Account(
      `${name}-account`,
      {
        project: args.project,
        accountId: configSyncServiceAccountId(args.stack),
        displayName: `Config Sync (${args.stack}): reads the apps' bundles from Artifact Registry`,
      },
      child,
    );
    for (const namespace of args.namespaces)
      new gcp.serviceaccount.IAMMember(
        `${name}-${namespace}`,
        { serviceAccountId: account.name, role: 'roles/iam.workloadIdentityUser', member: reconcilerMember(args.project, namespace) },
        child,
      );
    this.email = account.email;
    this.registerOutputs({ email: this.email });
  }
}
