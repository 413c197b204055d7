/**
 * The apps: every object `synthesize` produced for this stack, applied through the
 * cluster's Kubernetes provider after Istio (its CRDs and webhook must exist first).
 *
 * The Google service accounts of services with `gcp.roles` are not created here: their
 * project roles are project IAM, which CI may not grant, so the bootstrap stack creates
 * them from the catalogue (infra/workload-accounts.ts). Synthesis annotates each
 * Kubernetes ServiceAccount with the same account's email (charts/workload-identity.ts).
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ManifestFile } from '../charts';

export interface AppsArgs {
  /** The environment's synthesis (charts/environment.ts), every app's files. */
  readonly synthesis: { readonly files: readonly ManifestFile[] };
  readonly provider: k8s.Provider;
  /** What must exist before any app object: the Istio releases. */
  readonly after: readonly pulumi.Resource[];
  /**
   * What the apps' objects (not the namespace) also wait for, created once the namespace
   * exists: the Kubernetes Secrets infra/app-resources.ts writes into it. @default - nothing
   */
  readonly objectsAfter?: (namespaces: k8s.yaml.ConfigGroup) => readonly pulumi.Resource[];
  /**
   * Prefix of every object's resource name (`<prefix>-<namespace>/<name>`): the same objects
   * applied to a further region's cluster need names of their own. @default - none (`<namespace>/<name>`)
   */
  readonly resourcePrefix?: string;
}

export class Apps extends pulumi.ComponentResource {
  /** The namespace(s), applied first. */
  public readonly namespaces: k8s.yaml.ConfigGroup;
  /** Every other synthesized object. */
  public readonly objects: k8s.yaml.ConfigGroup;

  constructor(name: string, args: AppsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:apps:Apps', name, {}, opts);
    const all = args.synthesis.files.flatMap((f) => f.objects);
    // ConfigGroup maps each apiVersion/kind to its typed resource (Istio kinds to custom
    // resources); names are `<namespace>/<name>`, stable across runs.
    this.namespaces = new k8s.yaml.ConfigGroup(
      `${name}-namespaces`,
      {
        objs: all.filter((o) => o.kind === 'Namespace'),
        ...(args.resourcePrefix !== undefined && { resourcePrefix: args.resourcePrefix }),
      },
      {
        parent: this,
        provider: args.provider,
        dependsOn: [...args.after],
      },
    );
    this.objects = new k8s.yaml.ConfigGroup(
      `${name}-objects`,
      {
        objs: all.filter((o) => o.kind !== 'Namespace'),
        ...(args.resourcePrefix !== undefined && { resourcePrefix: args.resourcePrefix }),
      },
      {
        parent: this,
        provider: args.provider,
        dependsOn: [...args.after, this.namespaces, ...(args.objectsAfter?.(this.namespaces) ?? [])],
      },
    );
    this.registerOutputs({});
  }
}
