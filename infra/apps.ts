/**
 * The apps: every object `synthesize` produced for this stack, applied through the
 * cluster's Kubernetes provider after Istio (its CRDs and webhook must exist first), and
 * for services that ask for Google Cloud access, a Google service account bound to their
 * Kubernetes ServiceAccount through Workload Identity with exactly the declared roles.
 */
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Synthesis } from '../charts';
import { workloadIdentityMember, workloadServiceAccountId } from '../charts/workload-identity';
import { serviceAccountFor } from '../services/defaults';
import type { Catalogue } from '../services/spec';

export interface AppsArgs {
  readonly synthesis: Synthesis;
  readonly catalogue: Catalogue;
  readonly project: string;
  readonly provider: k8s.Provider;
  /** What must exist before any app object: the Istio releases. */
  readonly after: readonly pulumi.Resource[];
}

export class Apps extends pulumi.ComponentResource {
  /** The namespace(s), applied first. */
  public readonly namespaces: k8s.yaml.ConfigGroup;
  /** Every other synthesized object. */
  public readonly objects: k8s.yaml.ConfigGroup;
  public readonly googleServiceAccounts: ReadonlyMap<string, gcp.serviceaccount.Account>;

  constructor(name: string, args: AppsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:apps:Apps', name, {}, opts);
    const { synthesis } = args;
    const all = synthesis.files.flatMap((f) => f.objects);
    // ConfigGroup maps each apiVersion/kind to its typed resource (Istio kinds to custom
    // resources); names are `<namespace>/<name>`, stable across runs.
    this.namespaces = new k8s.yaml.ConfigGroup(`${name}-namespaces`, { objs: all.filter((o) => o.kind === 'Namespace') }, {
      parent: this, provider: args.provider, dependsOn: [...args.after],
    });
    this.objects = new k8s.yaml.ConfigGroup(`${name}-objects`, { objs: all.filter((o) => o.kind !== 'Namespace') }, {
      parent: this, provider: args.provider, dependsOn: [...args.after, this.namespaces],
    });

    const accounts = new Map<string, gcp.serviceaccount.Account>();
    for (const { spec } of args.catalogue.services) {
      if (spec.gcp === undefined) continue;
      const accountId = workloadServiceAccountId(spec.name, synthesis.environment.stack);
      const account = new gcp.serviceaccount.Account(`${name}-${spec.name}-gsa`, {
        project: args.project,
        accountId,
        displayName: `${spec.name} (${synthesis.environment.stack}) workload identity`,
      }, { parent: this });
      for (const role of spec.gcp.roles) {
        new gcp.projects.IAMMember(`${name}-${spec.name}-${role.replace(/^roles\//, '')}`, { project: args.project, role, member: account.member }, { parent: this });
      }
      new gcp.serviceaccount.IAMMember(`${name}-${spec.name}-workload-identity`, {
        serviceAccountId: account.name,
        role: 'roles/iam.workloadIdentityUser',
        member: workloadIdentityMember(args.project, synthesis.environment.namespace, serviceAccountFor(spec)),
      }, { parent: this });
      accounts.set(spec.name, account);
    }
    this.googleServiceAccounts = accounts;
    this.registerOutputs({});
  }
}
