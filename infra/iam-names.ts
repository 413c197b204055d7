/** Names shared by the modules that grant IAM: pure, no resources. */

/** Resource name suffix of a role grant: `roles/logging.logWriter` -> `logging-logwriter`. */
export function roleSlug(role: string): string {
  return role
    .replace(/^roles\//, '')
    .replace(/\./g, '-')
    .toLowerCase();
}

/** A service account's email from its id. */
export function serviceAccountEmail(accountId: string, project: string): string {
  return `${accountId}@${project}.iam.gserviceaccount.com`;
}
