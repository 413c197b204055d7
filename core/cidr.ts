/** IPv4 CIDR arithmetic for the network plan (pure; no dependencies). */

/** An IPv4 CIDR: four octets 0-255 and a prefix length 0-32. */
export const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;

export function parseCidr(cidr: string): { base: number; bits: number } {
  const [ip, bits] = cidr.split('/');
  const base = ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  return { base: base - (base % size), bits: prefix };
}

/** First and last address of a CIDR, as numbers. */
export function cidrRange(cidr: string): [number, number] {
  const { base, bits } = parseCidr(cidr);
  return [base, base + 2 ** (32 - bits) - 1];
}

export function cidrsOverlap(a: string, b: string): boolean {
  const [a0, a1] = cidrRange(a);
  const [b0, b1] = cidrRange(b);
  return a0 <= b1 && b0 <= a1;
}

/** Whether the address part is the network address (no host bits set). */
export function isNetworkAddress(cidr: string): boolean {
  const [ip] = cidr.split('/');
  const n = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return parseCidr(cidr).base === n;
}
