/**
 * The Google service accounts of the services that declare `gcp.roles` or `uses`, with
 * exactly their project roles and the Workload Identity binding to their Kubernetes
 * ServiceAccount.
 *
 * A service's `uses` get IAM on each resource (its topics, subscriptions, buckets, secrets:
 * infra/app-resources.ts), never here, except for postgres: Cloud SQL has no IAM on an
 * instance (no `setIamPolicy` on instances; conditions on the instance name are the only
 * narrowing), so `roles/cloudsql.client` (the Auth Proxy's connect) and
 * `roles/cloudsql.instanceUser` (IAM database login) are project roles. What the account may
 * do inside PostgreSQL is decided by the database user infra/app-resources.ts creates.
 *
 * Project roles are project IAM, which CI may not grant, so the bootstrap stack creates
 * these from the apps' catalogues: adding a service with `gcp` access, or changing its roles,
 * needs an administrator's `pulumi up` of bootstrap before the platform deploys it.
 * Preview stacks (`pr-<N>`) get no Google account: their pods run without Google access.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { workloadIdentityMember, workloadServiceAccountId } from '../charts/workload-identity';
import { serviceAccountFor } from '../services/defaults';
import type { Catalogue, ServiceSpec } from '../services/spec';
import { hasUses } from '../services/uses';
import { roleSlug } from './iam-names';

/**
 * Project roles of a service that uses postgres: connecting through the Cloud SQL Auth Proxy
 * (`cloudsql.instances.connect`, `.get`) and logging in with IAM database authentication
 * (`cloudsql.instances.login`). Cloud SQL has no instance-level IAM binding, so these are the
 * narrowest grants there are.
 * @see https://cloud.google.com/sql/docs/postgres/iam-roles
 */
export const POSTGRES_CLIENT_ROLES: readonly string[] = ['roles/cloudsql.client', 'roles/cloudsql.instanceUser'];

/** A service's project roles: its `gcp.roles` and, if it uses postgres, {@link POSTGRES_CLIENT_ROLES}. Sorted, unique. */
export function workloadProjectRoles(spec: ServiceSpec): string[] {
  return [...new Set([...(spec.gcp?.roles ?? []), ...(spec.uses?.postgres === undefined ? [] : POSTGRES_CLIENT_ROLES)])].sort();
}

/** One service's Google identity: its account id, its roles and the Kubernetes ServiceAccount it is bound to. */
export interface WorkloadAccountPlan {
  readonly service: string;
  readonly accountId: string;
  readonly roles: readonly string[];
  /** `serviceAccount:<project>.svc.id.goog[<namespace>/<ksa>]`. */
  readonly member: string;
}

/** What the plans need of an app: its catalogue and the namespace it runs in (services/apps.ts `LoadedApp` maps to it). */
export interface WorkloadApp {
  readonly namespace: string;
  readonly catalogue: Catalogue;
}

/** The Google identities the apps need in one stack, app by app in catalogue order. */
export function workloadAccountPlans(apps: readonly WorkloadApp[], stack: string, project: string): WorkloadAccountPlan[] {
  return apps.flatMap(({ catalogue, namespace }) =>
    catalogue.services
      .map(({ spec }) => spec)
      .filter((spec) => spec.gcp !== undefined || hasUses(spec))
      .map((spec) => ({
        service: spec.name,
        accountId: workloadServiceAccountId(spec.name, stack),
        roles: workloadProjectRoles(spec),
        member: workloadIdentityMember(project, namespace, serviceAccountFor(spec)),
      })),
  );
}

export interface WorkloadAccountsArgs {
  readonly project: string;
  readonly stack: string;
  /** The platform stack's apps (`platform:apps` of Pulumi.<stack>.yaml), each in its namespace. */
  readonly apps: readonly WorkloadApp[];
}

export class WorkloadAccounts extends pulumi.ComponentResource {
  /** Service name -> email of its Google service account. */
  readonly emails: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: WorkloadAccountsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:apps:WorkloadAccounts', name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };
    const plans = workloadAccountPlans(args.apps, args.stack, args.project);
    const emails = plans.map((plan) => {
      const account = new gcp.serviceaccount.Account(
        `${name}-${plan.service}`,
        {
          project: args.project,
          accountId: plan.accountId,
          displayName: `${plan.service} (${args.stack}) workload identity`,
        },
        child,
      );
      for (const role of plan.roles) {
        new gcp.projects.IAMMember(
          `${name}-${plan.service}-${roleSlug(role)}`,
          { project: args.project, role, member: account.member },
          child,
        );
      }
      new gcp.serviceaccount.IAMMember(
        `${name}-${plan.service}-workload-identity`,
        {
          serviceAccountId: account.name,
          role: 'roles/iam.workloadIdentityUser',
          member: plan.member,
        },
        child,
      );
      return account.email;
    });
    this.emails = pulumi.all(emails).apply((all) => Object.fromEntries(plans.map((p, i) => [p.service, all[i]])));
    this.registerOutputs({ emails: this.emails });
  }
}
