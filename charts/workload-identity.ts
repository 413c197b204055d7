/**
 * Names of the Google service accounts that services with `gcp.roles` run as, through
 * GKE Workload Identity. Pure and shared: the synthesized Kubernetes ServiceAccount is
 * annotated with the email, and the Pulumi program creates the account and its roles.
 */
import { createHash } from 'node:crypto';

/** GCP account ids are 6-30 characters: `<service>-<stack>`, shortened with a stable hash when longer. */
export function workloadServiceAccountId(service: string, stack: string): string {
  const id = `${service}-${stack}`;
  if (id.length <= 30) return id.length >= 6 ? id : `${id}-wi`.padEnd(6, '0');
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 6);
  return `${id.slice(0, 23).replace(/-+$/, '')}-${hash}`;
}

export function workloadServiceAccountEmail(service: string, stack: string, project: string): string {
  return `${workloadServiceAccountId(service, stack)}@${project}.iam.gserviceaccount.com`;
}

/** The IAM member GKE uses for a Kubernetes ServiceAccount (roles/iam.workloadIdentityUser on the Google account). */
export function workloadIdentityMember(project: string, namespace: string, kubernetesServiceAccount: string): string {
  return `serviceAccount:${project}.svc.id.goog[${namespace}/${kubernetesServiceAccount}]`;
}
