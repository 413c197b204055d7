/**
 * The Google identities Config Connector acts as (`platform:appDelivery: configsync`,
 * infra/config-connector.ts), created by the bootstrap stack because they need project IAM:
 * per app whose services use Google resources, an account `cc-<namespace>-<stack>` with only the
 * admin roles of the products the app uses (charts/config-connector.ts `configConnectorRoles`),
 * which the namespace's Config Connector controller may act as through Workload Identity; and,
 * when a service consumes events, the Pub/Sub service agent's publisher and subscriber roles,
 * which dead-lettering needs (granted on each topic and subscription under Pulumi delivery, where
 * the project number is known; project-wide here, because the bundles are rendered without it).
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { appResourcePlan, pubsubServiceAgent, PUBLISHER_ROLE, SUBSCRIBER_ROLE, type ResourceApp } from '../charts/cloud-plan';
import { configConnectorMember, configConnectorRoles, configConnectorServiceAccountId } from '../charts/config-connector';

/** What Config Connector needs of the bootstrap stack: per namespace the roles, and whether the Pub/Sub agent needs its grants. */
export interface ConfigConnectorIdentityPlan {
  readonly accounts: ReadonlyArray<{ readonly namespace: string; readonly roles: readonly string[] }>;
  readonly pubsubAgent: boolean;
}

/** The plan for the apps of a Config Sync stack (linear in the services): an account for each app that uses anything. */
export function configConnectorIdentityPlan(apps: readonly ResourceApp[], stack: string, project: string): ConfigConnectorIdentityPlan {
  const plan = appResourcePlan(apps, { stack, gcpProject: project, kind: 'platform' });
  const byNamespace = new Map<string, Array<(typeof plan.services)[number]>>();
  for (const s of plan.services) byNamespace.set(s.namespace, [...(byNamespace.get(s.namespace) ?? []), s]);
  return {
    accounts: apps
      .map((a) => ({ namespace: a.namespace, roles: configConnectorRoles(byNamespace.get(a.namespace) ?? []) }))
      .filter((a) => a.roles.length > 0),
    pubsubAgent: plan.services.some((s) => s.subscriptions.length > 0),
  };
}

export interface ConfigConnectorIdentityArgs {
  readonly project: string;
  readonly stack: string;
  readonly plan: ConfigConnectorIdentityPlan;
}

export class ConfigConnectorIdentity extends pulumi.ComponentResource {
  constructor(name: string, args: ConfigConnectorIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:configconnector:ConfigConnectorIdentity', name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };
    const { project, stack } = args;
    for (const { namespace, roles } of args.plan.accounts) {
      const account = new gcp.serviceaccount.Account(
        `${name}-${namespace}`,
        {
          project,
          accountId: configConnectorServiceAccountId(namespace, stack),
          displayName: `Config Connector (${stack}, ${namespace}): creates the Google resources the app's services use`,
        },
        child,
      );
      new gcp.serviceaccount.IAMMember(
        `${name}-${namespace}-workload-identity`,
        { serviceAccountId: account.name, role: 'roles/iam.workloadIdentityUser', member: configConnectorMember(project, namespace) },
        child,
      );
      for (const role of roles)
        new gcp.projects.IAMMember(
          `${name}-${namespace}-${role.replace(/^roles\//, '').replace(/\./g, '-')}`,
          { project, role, member: pulumi.interpolate`serviceAccount:${account.email}` },
          child,
        );
    }
    if (args.plan.pubsubAgent) {
      const agent = gcp.organizations.getProjectOutput({ projectId: project }, { parent: this }).apply((p) => pubsubServiceAgent(p.number));
      for (const role of [PUBLISHER_ROLE, SUBSCRIBER_ROLE])
        new gcp.projects.IAMMember(`${name}-pubsub-agent-${role.replace(/^roles\/pubsub\./, '')}`, { project, role, member: agent }, child);
    }
    this.registerOutputs({});
  }
}
