/**
 * The OpenTelemetry collector's Google identity (charts/observability/collector.ts): a service
 * account `otel-collector-<stack>` with `roles/cloudtrace.agent` on the project, and nothing
 * else, bound through Workload Identity to the collector's Kubernetes ServiceAccount. Project
 * IAM is the bootstrap stack's (CI may not grant it), so bootstrap creates it; the platform
 * stack only annotates the ServiceAccount with the same email.
 *
 * The collector exports traces only (its one pipeline), so it needs neither
 * `roles/logging.logWriter` nor `roles/monitoring.metricWriter`.
 * @see https://cloud.google.com/trace/docs/iam#roles (Cloud Trace Agent: write traces)
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { OTEL_COLLECTOR, otelCollectorServiceAccountId } from '../charts/observability/collector-names';
import { workloadIdentityMember } from '../charts/workload-identity';
import { roleSlug } from './iam-names';

/** The collector's project roles: writing spans to Cloud Trace. */
export const COLLECTOR_ROLES: readonly string[] = ['roles/cloudtrace.agent'];

export interface CollectorIdentityArgs {
  readonly project: string;
  readonly stack: string;
}

export class CollectorIdentity extends pulumi.ComponentResource {
  readonly email: pulumi.Output<string>;

  constructor(name: string, args: CollectorIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:observability:CollectorIdentity', name, {}, opts);
    const child: pulumi.CustomResourceOptions = { parent: this, ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn }) };
    const account = new gcp.serviceaccount.Account(
      `${name}-account`,
      {
        project: args.project,
        accountId: otelCollectorServiceAccountId(args.stack),
        displayName: `OpenTelemetry collector (${args.stack}): writes traces to Cloud Trace`,
      },
      child,
    );
    for (const role of COLLECTOR_ROLES)
      new gcp.projects.IAMMember(`${name}-${roleSlug(role)}`, { project: args.project, role, member: account.member }, child);
    new gcp.serviceaccount.IAMMember(
      `${name}-workload-identity`,
      {
        serviceAccountId: account.name,
        role: 'roles/iam.workloadIdentityUser',
        member: workloadIdentityMember(args.project, OTEL_COLLECTOR.namespace, OTEL_COLLECTOR.name),
      },
      child,
    );
    this.email = account.email;
    this.registerOutputs({ email: this.email });
  }
}
