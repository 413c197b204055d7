/**
 * The string checks Kubernetes builds its field validation from, ported from k8s.io/apimachinery
 * v0.35.7 (facts in vendor/kubernetes/apimachinery/v0.35.7): `pkg/util/validation/validation.go`,
 * `pkg/util/validation/ip.go` and `pkg/api/validate/content/{dns,kube,identifier,errors}.go`.
 * Each `is*` returns upstream's messages (`[]` = valid); `primitives.upstream.test.ts` checks the
 * regex formats and message constants against the constants extracted from it (constants.json).
 *
 * Exported: isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isQualifiedName (= content.IsLabelKey),
 * isValidLabelValue, isValidPortName, isValidPortNum, isInRange, isEnvVarName, isRelaxedEnvVarName,
 * isConfigMapKey, isCIdentifier, isValidPercent, isHTTPHeaderName, isValidUserID, isValidGroupID,
 * isDecimalInteger; isValidIP / isValidIPForLegacyField / isValidCIDR / isValidCIDRForLegacyField
 * (these return FieldError[] as upstream's do); maxLenError, regexError, inclusiveRangeError,
 * emptyError, byteLength; the constants FORMATS and MESSAGES.
 *
 * Lengths are in bytes (Go `len`), not UTF-16 code units.
 */
import { type FieldPath, invalid, type FieldError } from '../field';

/** Go `len(s)`: the UTF-8 byte length. */
export function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff)
      i++; // a surrogate pair: 2 units, 4 bytes
    else n += 2;
  }
  return n;
}

/**
 * The string checks are pure and see the same few values over and over (label keys, port
 * names, env names of every Deployment of a catalogue): each keeps its answers for up to
 * MEMO_LIMIT distinct values, then starts over. Answers are frozen arrays, safe to share.
 */
const MEMO_LIMIT = 10_000;
function memoized(check: (value: string) => readonly string[]): (value: string) => readonly string[] {
  const answers = new Map<string, readonly string[]>();
  return (value) => {
    let answer = answers.get(value);
    if (answer === undefined) {
      if (answers.size >= MEMO_LIMIT) answers.clear();
      answer = Object.freeze(check(value));
      answers.set(value, answer);
    }
    return answer;
  };
}

/** The regex formats, by upstream constant name. */
export const FORMATS = {
  dns1123LabelFmt: '[a-z0-9]([-a-z0-9]*[a-z0-9])?',
  dns1123SubdomainFmt: '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*',
  dns1035LabelFmt: '[a-z]([-a-z0-9]*[a-z0-9])?',
  labelKeyFmt: '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]',
  labelValueFmt: '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?',
  cIdentifierFmt: '[A-Za-z_][A-Za-z0-9_]*',
  percentFmt: '[0-9]+%',
  httpHeaderNameFmt: '[-A-Za-z0-9]+',
  envVarNameFmt: '[-._a-zA-Z][-._a-zA-Z0-9]*',
  configMapKeyFmt: '[-._a-zA-Z0-9]+',
} as const;

/** The fixed messages, by upstream constant name. */
export const MESSAGES = {
  dns1123LabelErrMsg:
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  dns1123SubdomainErrorMsg:
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  dns1035LabelErrMsg:
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  labelKeyErrMsg: "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  labelValueErrMsg:
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  identifierErrMsg:
    "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'",
  percentErrMsg: "a valid percent string must be a numeric string followed by an ending '%'",
  httpHeaderNameErrMsg: "a valid HTTP header must consist of alphanumeric characters or '-'",
  envVarNameFmtErrMsg:
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
  relaxedEnvVarNameFmtErrMsg: "a valid environment variable name must consist only of printable ASCII characters other than '='",
  configMapKeyErrMsg: "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
  decimalIntegerErrMsg: 'must be a valid decimal integer in canonical form',
  portNameCharset: 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  portNameOneLetter: 'must contain at least one letter (a-z)',
  portNameConsecutiveHyphens: 'must not contain consecutive hyphens',
  portNameHyphenEnds: 'must not begin or end with a hyphen',
} as const;

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const dns1123LabelRe = anchored(FORMATS.dns1123LabelFmt);
const dns1123SubdomainRe = anchored(FORMATS.dns1123SubdomainFmt);
const dns1035LabelRe = anchored(FORMATS.dns1035LabelFmt);
const labelKeyRe = anchored(FORMATS.labelKeyFmt);
const labelValueRe = anchored(FORMATS.labelValueFmt);
const cIdentifierRe = anchored(FORMATS.cIdentifierFmt);
const percentRe = anchored(FORMATS.percentFmt);
const httpHeaderNameRe = anchored(FORMATS.httpHeaderNameFmt);
const envVarNameRe = anchored(FORMATS.envVarNameFmt);
const configMapKeyRe = anchored(FORMATS.configMapKeyFmt);
const portNameCharsetRe = /^[-a-z0-9]+$/;
const portNameOneLetterRe = /[a-z]/;

const NONE: readonly string[] = Object.freeze([]);

/** `validation.MaxLenError` (util/validation: "characters"); `content.MaxLenError` says "bytes". */
export function maxLenError(length: number, unit: 'characters' | 'bytes' = 'characters'): string {
  return `must be no more than ${length} ${unit}`;
}

/** `RegexError`. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join('or ')}regex used for validation is '${fmt}')`;
}

/** `EmptyError`. */
export const emptyError = (): string => 'must be non-empty';

/** `InclusiveRangeError`. */
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1035_LABEL_MAX = 63;
const LABEL_KEY_MAX = 63;
/** `content.LabelValueMaxLength`. */
export const LABEL_VALUE_MAX_LENGTH = 63;

const DNS1123_LABEL_REGEX_ERROR = regexError(MESSAGES.dns1123LabelErrMsg, FORMATS.dns1123LabelFmt, 'my-name', '123-abc');
const DNS1123_SUBDOMAIN_REGEX_ERROR = regexError(MESSAGES.dns1123SubdomainErrorMsg, FORMATS.dns1123SubdomainFmt, 'example.com');
const DNS1035_LABEL_REGEX_ERROR = regexError(MESSAGES.dns1035LabelErrMsg, FORMATS.dns1035LabelFmt, 'my-name', 'abc-123');
const LABEL_KEY_REGEX_ERROR = regexError(MESSAGES.labelKeyErrMsg, FORMATS.labelKeyFmt, 'MyName', 'my.name', '123-abc');
const LABEL_VALUE_REGEX_ERROR = regexError(MESSAGES.labelValueErrMsg, FORMATS.labelValueFmt, 'MyValue', 'my_value', '12345');

/** `validation.IsDNS1123Label`. */
export const isDNS1123Label = memoized(function isDNS1123Label(value: string): readonly string[] {
  const len = byteLength(value);
  const tooLong = len > DNS1123_LABEL_MAX;
  if (!tooLong && dns1123LabelRe.test(value)) return NONE;
  const errs: string[] = [];
  if (tooLong) errs.push(maxLenError(DNS1123_LABEL_MAX));
  if (!dns1123LabelRe.test(value)) {
    errs.push(dns1123SubdomainRe.test(value) ? 'must not contain dots' : DNS1123_LABEL_REGEX_ERROR);
  }
  return errs;
});

/** `validation.IsDNS1123Subdomain` (util/validation; "characters"). */
export const isDNS1123Subdomain = memoized(function isDNS1123Subdomain(value: string): readonly string[] {
  return dns1123Subdomain(value, 'characters');
});

function dns1123Subdomain(value: string, unit: 'characters' | 'bytes'): readonly string[] {
  const tooLong = byteLength(value) > DNS1123_SUBDOMAIN_MAX;
  const ok = dns1123SubdomainRe.test(value);
  if (!tooLong && ok) return NONE;
  const errs: string[] = [];
  if (tooLong) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX, unit));
  if (!ok) errs.push(DNS1123_SUBDOMAIN_REGEX_ERROR);
  return errs;
}

/** `validation.IsDNS1035Label`. */
export const isDNS1035Label = memoized(function isDNS1035Label(value: string): readonly string[] {
  const tooLong = byteLength(value) > DNS1035_LABEL_MAX;
  const ok = dns1035LabelRe.test(value);
  if (!tooLong && ok) return NONE;
  const errs: string[] = [];
  if (tooLong) errs.push(maxLenError(DNS1035_LABEL_MAX));
  if (!ok) errs.push(DNS1035_LABEL_REGEX_ERROR);
  return errs;
});

/** `content.IsLabelKey` (= `validation.IsQualifiedName`): an optional DNS subdomain prefix and `/`, then a name. */
export const isQualifiedName = memoized(function isQualifiedName(value: string): readonly string[] {
  const slash = value.indexOf('/');
  if (slash < 0 && byteLength(value) <= LABEL_KEY_MAX && value !== '' && labelKeyRe.test(value)) return NONE;
  const parts = value.split('/');
  const errs: string[] = [];
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const m of dns1123Subdomain(prefix, 'bytes')) errs.push(`prefix part ${m}`);
  } else {
    return [`a valid label key ${LABEL_KEY_REGEX_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > LABEL_KEY_MAX) errs.push(`name part ${maxLenError(LABEL_KEY_MAX, 'bytes')}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${LABEL_KEY_REGEX_ERROR}`);
  return errs.length === 0 ? NONE : errs;
});

/** `content.IsLabelValue` (= `validation.IsValidLabelValue`). */
export const isValidLabelValue = memoized(function isValidLabelValue(value: string): readonly string[] {
  const tooLong = byteLength(value) > LABEL_VALUE_MAX_LENGTH;
  const ok = labelValueRe.test(value);
  if (!tooLong && ok) return NONE;
  const errs: string[] = [];
  if (tooLong) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH, 'bytes'));
  if (!ok) errs.push(LABEL_VALUE_REGEX_ERROR);
  return errs;
});

/** `content.IsCIdentifier`. */
export const isCIdentifier = memoized(function isCIdentifier(value: string): readonly string[] {
  return cIdentifierRe.test(value) ? NONE : [regexError(MESSAGES.identifierErrMsg, FORMATS.cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')];
});

/** `validation.IsValidPortNum`: 1..65535. */
export function isValidPortNum(port: number): readonly string[] {
  return port >= 1 && port <= 65535 ? NONE : [inclusiveRangeError(1, 65535)];
}

/** `validation.IsInRange`. */
export function isInRange(value: number, min: number, max: number): readonly string[] {
  return value >= min && value <= max ? NONE : [inclusiveRangeError(min, max)];
}

const MAX_INT32 = 2147483647;

/** `validation.IsValidGroupID`: 0..MaxInt32. */
export function isValidGroupID(gid: number): readonly string[] {
  return gid >= 0 && gid <= MAX_INT32 ? NONE : [inclusiveRangeError(0, MAX_INT32)];
}

/** `validation.IsValidUserID`: 0..MaxInt32. */
export function isValidUserID(uid: number): readonly string[] {
  return uid >= 0 && uid <= MAX_INT32 ? NONE : [inclusiveRangeError(0, MAX_INT32)];
}

/** `validation.IsValidPortName`: IANA service name syntax, at most 15 characters. */
export function isValidPortName(port: string): readonly string[] {
  const len = byteLength(port);
  const charset = portNameCharsetRe.test(port);
  const letter = portNameOneLetterRe.test(port);
  const doubleHyphen = port.includes('--');
  const hyphenEnds = port.length > 0 && (port.startsWith('-') || port.endsWith('-'));
  if (len <= 15 && charset && letter && !doubleHyphen && !hyphenEnds) return NONE;
  const errs: string[] = [];
  if (len > 15) errs.push(maxLenError(15));
  if (!charset) errs.push(MESSAGES.portNameCharset);
  if (!letter) errs.push(MESSAGES.portNameOneLetter);
  if (doubleHyphen) errs.push(MESSAGES.portNameConsecutiveHyphens);
  if (hyphenEnds) errs.push(MESSAGES.portNameHyphenEnds);
  return errs;
}

/** `validation.IsValidPercent`. */
export function isValidPercent(percent: string): readonly string[] {
  return percentRe.test(percent) ? NONE : [regexError(MESSAGES.percentErrMsg, FORMATS.percentFmt, '1%', '93%')];
}

/** `validation.IsHTTPHeaderName`. */
export function isHTTPHeaderName(value: string): readonly string[] {
  return httpHeaderNameRe.test(value) ? NONE : [regexError(MESSAGES.httpHeaderNameErrMsg, FORMATS.httpHeaderNameFmt, 'X-Header-Name')];
}

function hasChDirPrefix(value: string): readonly string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return NONE;
}

/** `validation.IsEnvVarName`. */
export const isEnvVarName = memoized(function isEnvVarName(value: string): readonly string[] {
  const ok = envVarNameRe.test(value);
  const chdir = hasChDirPrefix(value);
  if (ok && chdir.length === 0) return NONE;
  const errs: string[] = [];
  if (!ok) errs.push(regexError(MESSAGES.envVarNameFmtErrMsg, FORMATS.envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  errs.push(...chdir);
  return errs;
});

/** `validation.IsRelaxedEnvVarName` (the check used while RelaxedEnvironmentVariableValidation is on, GA in 1.34). */
export const isRelaxedEnvVarName = memoized(function isRelaxedEnvVarName(value: string): readonly string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3d) {
      errs.push(MESSAGES.relaxedEnvVarNameFmtErrMsg);
      break;
    }
  }
  return errs.length === 0 ? NONE : errs;
});

/** `validation.IsConfigMapKey` (ConfigMap and Secret keys). */
export const isConfigMapKey = memoized(function isConfigMapKey(value: string): readonly string[] {
  const tooLong = byteLength(value) > DNS1123_SUBDOMAIN_MAX;
  const ok = configMapKeyRe.test(value);
  const chdir = hasChDirPrefix(value);
  if (!tooLong && ok && chdir.length === 0) return NONE;
  const errs: string[] = [];
  if (tooLong) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!ok) errs.push(regexError(MESSAGES.configMapKeyErrMsg, FORMATS.configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...chdir);
  return errs;
});

/** `content.IsDecimalInteger`. */
export function isDecimalInteger(value: string): readonly string[] {
  if (value.length === 0) return [emptyError()];
  return /^(0|-?[1-9][0-9]*)$/.test(value) ? NONE : [MESSAGES.decimalIntegerErrMsg];
}

// ---------------------------------------------------------------------------------------------
// IP addresses and CIDRs (pkg/util/validation/ip.go). Upstream parses with k8s.io/utils/net
// ParseIPSloppy (Go's pre-1.17 net.ParseIP: IPv4 octets may have leading zeros) and, for the
// strict checks, Go's netip.ParseAddr; canonical forms are Go's net.IP.String().

interface ParsedIP {
  /** 16 bytes; an IPv4 address is stored IPv4-mapped (::ffff:a.b.c.d), as Go's net.IP does. */
  readonly bytes: Uint8Array;
  /** Written as dotted IPv4 (not IPv6 text). */
  readonly v4: boolean;
  /** Strict parsing (netip) would reject it: leading zeros in an IPv4 octet. */
  readonly leadingZeros: boolean;
}

function parseV4(s: string, out: Uint8Array, at: number): { ok: boolean; leadingZeros: boolean } {
  const parts = s.split('.');
  if (parts.length !== 4) return { ok: false, leadingZeros: false };
  let leadingZeros = false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^[0-9]{1,8}$/.test(p)) return { ok: false, leadingZeros: false };
    const n = Number(p);
    if (n > 255) return { ok: false, leadingZeros: false };
    if (p.length > 1 && p[0] === '0') leadingZeros = true;
    out[at + i] = n;
  }
  return { ok: true, leadingZeros };
}

function parseIPSloppy(s: string): ParsedIP | undefined {
  const bytes = new Uint8Array(16);
  if (!s.includes(':')) {
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    const r = parseV4(s, bytes, 12);
    return r.ok ? { bytes, v4: true, leadingZeros: r.leadingZeros } : undefined;
  }
  let leadingZeros = false;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const words: number[] = [];
  const tailWords: number[] = [];
  const fill = (groups: string[], into: number[], last: boolean): boolean => {
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (last && i === groups.length - 1 && g.includes('.')) {
        const four = new Uint8Array(4);
        const r = parseV4(g, four, 0);
        if (!r.ok) return false;
        leadingZeros ||= r.leadingZeros;
        into.push((four[0] << 8) | four[1], (four[2] << 8) | four[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
      into.push(parseInt(g, 16));
    }
    return true;
  };
  if (!fill(head, words, halves.length === 1) || !fill(tail, tailWords, true)) return undefined;
  if (halves.length === 1) {
    if (words.length !== 8) return undefined;
  } else {
    if (words.length + tailWords.length > 7) return undefined;
    while (words.length + tailWords.length < 8) words.push(0);
    words.push(...tailWords);
  }
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = words[i] >> 8;
    bytes[2 * i + 1] = words[i] & 0xff;
  }
  return { bytes, v4: false, leadingZeros };
}

function is4In6(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Go `net.IP.String()` of a 16-byte address: IPv4(-mapped) dotted, else RFC 5952. */
function ipString(b: Uint8Array): string {
  if (is4In6(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((b[2 * i] << 8) | b[2 * i + 1]);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return w.map((x) => x.toString(16)).join(':');
  const left = w
    .slice(0, bestStart)
    .map((x) => x.toString(16))
    .join(':');
  const right = w
    .slice(bestStart + bestLen)
    .map((x) => x.toString(16))
    .join(':');
  return `${left}::${right}`;
}

function parseIPErrors(path: FieldPath, value: string, strict: boolean, rule: string): { ip?: ParsedIP; errs: FieldError[] } {
  const ip = parseIPSloppy(value);
  if (ip === undefined) return { errs: [invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)', rule)] };
  const errs: FieldError[] = [];
  if (strict) {
    if (ip.leadingZeros) errs.push(invalid(path, value, 'must not have leading 0s', rule));
    // netip.ParseAddr keeps IPv6 text that maps an IPv4 address as Is4In6.
    if (!ip.v4 && is4In6(ip.bytes) && !ip.leadingZeros) errs.push(invalid(path, value, 'must not be an IPv4-mapped IPv6 address', rule));
  }
  return { ip, errs };
}

/** `validation.IsValidIPForLegacyField` (strict = the StrictIPCIDRValidation gate). */
export function isValidIPForLegacyField(path: FieldPath, value: string, strict: boolean, rule: string): FieldError[] {
  return parseIPErrors(path, value, strict, rule).errs;
}

/** `validation.IsValidIP`: strict and canonical. */
export function isValidIP(path: FieldPath, value: string, rule: string): FieldError[] {
  const { ip, errs } = parseIPErrors(path, value, true, rule);
  if (errs.length > 0 || ip === undefined) return errs;
  const canonical = ipString(ip.bytes);
  return value === canonical ? [] : [invalid(path, value, `must be in canonical form (${JSON.stringify(canonical)})`, rule)];
}

interface ParsedCIDR {
  readonly ip: ParsedIP;
  readonly bits: number;
  readonly bitsLeadingZeros: boolean;
}

function parseCIDRSloppy(value: string): ParsedCIDR | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIPSloppy(value.slice(0, slash));
  const mask = value.slice(slash + 1);
  if (ip === undefined || !/^[0-9]{1,8}$/.test(mask)) return undefined;
  const bits = Number(mask);
  if (bits > (ip.v4 ? 32 : 128)) return undefined;
  return { ip, bits, bitsLeadingZeros: mask.length > 1 && mask[0] === '0' };
}

function masked(c: ParsedCIDR): Uint8Array {
  const out = new Uint8Array(c.ip.bytes);
  const total = c.ip.v4 ? c.bits + 96 : c.bits;
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, total - i * 8));
    out[i] &= keep === 8 ? 0xff : (0xff << (8 - keep)) & 0xff;
  }
  return out;
}

function parseCIDRErrors(path: FieldPath, value: string, strict: boolean, rule: string): { cidr?: ParsedCIDR; errs: FieldError[] } {
  const cidr = parseCIDRSloppy(value);
  if (cidr === undefined) return { errs: [invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', rule)] };
  const errs: FieldError[] = [];
  if (strict) {
    if (cidr.ip.leadingZeros || cidr.bitsLeadingZeros)
      errs.push(invalid(path, value, 'must not have leading 0s in IP or prefix length', rule));
    else if (!cidr.ip.v4 && is4In6(cidr.ip.bytes)) errs.push(invalid(path, value, 'must not have an IPv4-mapped IPv6 address', rule));
    else if (!masked(cidr).every((b, i) => b === cidr.ip.bytes[i]))
      errs.push(invalid(path, value, 'must not have bits set beyond the prefix length', rule));
  }
  return { cidr, errs };
}

/**
 * Whether `inner` is a strict subset of `outer` (both CIDRs that parse), as NetworkPolicy's
 * `ValidateIPBlock` requires of each `except`: a longer prefix whose first `outer` bits match.
 * Undefined when either does not parse.
 */
export function isStrictCIDRSubset(outer: string, inner: string): boolean | undefined {
  const o = parseCIDRSloppy(outer);
  const i = parseCIDRSloppy(inner);
  if (o === undefined || i === undefined) return undefined;
  const outerBits = o.ip.v4 ? o.bits + 96 : o.bits;
  const innerBits = i.ip.v4 ? i.bits + 96 : i.bits;
  if (innerBits <= outerBits) return false;
  // Both are 16 bytes (IPv4 mapped, as Go's net.IP): compare the outer prefix bit by bit.
  for (let bit = 0; bit < outerBits; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((o.ip.bytes[bit >> 3] & mask) !== (i.ip.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}

/** `validation.IsValidCIDRForLegacyField` (strict = the StrictIPCIDRValidation gate). */
export function isValidCIDRForLegacyField(path: FieldPath, value: string, strict: boolean, rule: string): FieldError[] {
  return parseCIDRErrors(path, value, strict, rule).errs;
}

/** `validation.IsValidCIDR`: strict, subnet form, canonical. */
export function isValidCIDR(path: FieldPath, value: string, rule: string): FieldError[] {
  const { cidr, errs } = parseCIDRErrors(path, value, true, rule);
  if (errs.length > 0 || cidr === undefined) return errs;
  const canonical = `${ipString(masked(cidr))}/${cidr.bits}`;
  return value === canonical ? [] : [invalid(path, value, `must be in canonical form (${JSON.stringify(canonical)})`, rule)];
}

/** Whether a parsed-valid IP text is IPv4 (dotted): `netutils.IsIPv4String`. */
export function isIPv4String(value: string): boolean {
  const ip = parseIPSloppy(value);
  return ip !== undefined && is4In6(ip.bytes);
}

/** Whether the text is an IPv6 address (not IPv4 or IPv4-mapped): `netutils.IsIPv6String`. */
export function isIPv6String(value: string): boolean {
  const ip = parseIPSloppy(value);
  return ip !== undefined && !is4In6(ip.bytes);
}
