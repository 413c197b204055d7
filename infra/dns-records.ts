/**
 * The DNS records a platform stack needs someone to create: the program does not own the
 * domain's zone. Two kinds, both in the stack output `dnsRecords`:
 *
 * - the CNAME of each Certificate Manager DNS authorization: Google issues the managed
 *   certificate only once it resolves, and until then the HTTPS listener has no certificate;
 * - an A record for every host the certificate covers (the domain and its wildcard, so
 *   route hosts and `pr-<N>` previews resolve too), pointing at the load balancer's address.
 *
 * `npm run dns-records` prints them as the "create these records" step of docs/deploy.md.
 */
import { certificateHostnames } from './load-balancer';

export type DnsRecordPurpose = 'certificate-authorization' | 'load-balancer';

export interface DnsRecord {
  /** Fully qualified, with the trailing dot, as zone files and Cloud DNS write it. */
  readonly name: string;
  /** `A` or, for an authorization, the type Certificate Manager gives (`CNAME`). */
  readonly type: string;
  /** The address, or the CNAME target (fully qualified). */
  readonly data: string;
  readonly purpose: DnsRecordPurpose;
}

/** One entry of a DnsAuthorization's `dnsResourceRecords` (@pulumi/gcp certificatemanager). */
export interface AuthorizationRecord {
  readonly name: string;
  readonly type: string;
  readonly data: string;
}

/** `example.com` -> `example.com.`; already qualified names are kept. */
export function fullyQualified(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/**
 * Every record to create, authorizations first (the certificate waits on them), then the A
 * records in the order of the certificate's hosts.
 */
export function dnsRecords(domains: readonly string[], address: string, authorizations: readonly AuthorizationRecord[]): DnsRecord[] {
  return [
    ...authorizations.map(
      (r): DnsRecord => ({
        name: fullyQualified(r.name),
        type: r.type,
        data: r.type === 'CNAME' ? fullyQualified(r.data) : r.data,
        purpose: 'certificate-authorization',
      }),
    ),
    ...certificateHostnames(domains).map(
      (host): DnsRecord => ({
        name: fullyQualified(host),
        type: 'A',
        data: address,
        purpose: 'load-balancer',
      }),
    ),
  ];
}
