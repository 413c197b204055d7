/**
 * The CEL environment of a CRD rule: @bufbuild/cel's standard library, the strings extension,
 * and the Kubernetes libraries the rules here use, ported from apiserver v0.35.7 pkg/cel/library
 * (facts in vendor/kubernetes/apiserver/v0.35.7/cel-facts.json): URLs (urls.go) and lists
 * (lists.go). `duration(string)` is replaced by Go's time.ParseDuration, which cel-go calls. Functions of
 * pkg/cel/environment/base.go not registered here (quantity, ip, cidr, format, semver, authz,
 * regex find/findAll, sets, lists ext) make a rule "not checked", never passed.
 */
import { celEnv, celFunc, celMethod, CelScalar, listType, mapType, type CelEnv, type CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { parseGoDuration } from './duration';
import { escapedPath, parseRequestURI, parseUrl, query, splitHostPort, type GoUrl } from './url';

/** A `kubernetes.URL` value: a map under a key no rule can spell, since CEL has no opaque user types here. */
const URL_KEY = '\u0000kubernetes.URL';
type UrlValue = ReadonlyMap<string, unknown>;
const URL_TARGET = mapType(CelScalar.STRING, CelScalar.DYN);

/** urls.go stringToUrl's error: `URL parse error during conversion from string: %v`. */
export const urlParseError = (err: string): string => `URL parse error during conversion from string: ${err}`;
/** lists.go's error for min()/max() of an empty list: `%s called on empty list`. */
export const emptyListError = (op: string): string => `${op} called on empty list`;

/** The parsed URL of a `kubernetes.URL` value (its text was checked by `url()`; parsing again is cheap). */
function urlOf(v: UrlValue): GoUrl {
  const text = v.get(URL_KEY);
  if (typeof text !== 'string') throw new Error('no such overload');
  const parsed = parseUrl(text);
  if ('error' in parsed) throw new Error(urlParseError(parsed.error));
  return parsed.url;
}

/** cel-go's message for a failed string to duration conversion (common/types/string.go ConvertToType). */
export const DURATION_CONVERSION_ERROR = "type conversion error from 'string' to 'google.protobuf.Duration'";

const NANOS_PER_SECOND = 1_000_000_000n;

const urls: CelFunc[] = [
  celFunc('url', [CelScalar.STRING], CelScalar.DYN, (s) => {
    const checked = parseRequestURI(s);
    if ('error' in checked) throw new Error(urlParseError(checked.error));
    const parsed = parseUrl(s);
    if ('error' in parsed) throw new Error(urlParseError(parsed.error));
    return new Map([[URL_KEY, s]]);
  }),
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => 'url' in parseRequestURI(s)),
  celMethod('getScheme', URL_TARGET, [], CelScalar.STRING, function () {
    return urlOf(this as never).scheme;
  }),
  celMethod('getHost', URL_TARGET, [], CelScalar.STRING, function () {
    return urlOf(this as never).host;
  }),
  celMethod('getHostname', URL_TARGET, [], CelScalar.STRING, function () {
    return splitHostPort(urlOf(this as never).host).host;
  }),
  celMethod('getPort', URL_TARGET, [], CelScalar.STRING, function () {
    return splitHostPort(urlOf(this as never).host).port;
  }),
  celMethod('getEscapedPath', URL_TARGET, [], CelScalar.STRING, function () {
    return escapedPath(urlOf(this as never));
  }),
  celMethod('getQuery', URL_TARGET, [], CelScalar.DYN, function () {
    return new Map([...query(urlOf(this as never))]);
  }),
];

type Scalar = bigint | number | string | boolean;
const DYN_LIST = listType(CelScalar.DYN);

function items(list: unknown): Scalar[] {
  const out: Scalar[] = [];
  for (const v of list as Iterable<unknown>) {
    if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out.push(v);
    else throw new Error('no such overload');
  }
  return out;
}
const compare = (a: Scalar, b: Scalar): number => (a < b ? -1 : a > b ? 1 : 0);

const lists: CelFunc[] = [
  celMethod('isSorted', DYN_LIST, [], CelScalar.BOOL, function () {
    const xs = items(this);
    return xs.every((x, i) => i === 0 || compare(xs[i - 1], x) <= 0);
  }),
  celMethod('sum', DYN_LIST, [], CelScalar.DYN, function () {
    const xs = items(this);
    if (xs.length === 0) return 0n; // upstream's zero value depends on the static element type; int is the common case
    return xs.reduce((a, b) =>
      typeof a === 'bigint' && typeof b === 'bigint' ? a + b : typeof a === 'number' && typeof b === 'number' ? a + b : fail(),
    );
  }),
  celMethod('min', DYN_LIST, [], CelScalar.DYN, function () {
    const xs = items(this);
    if (xs.length === 0) throw new Error(emptyListError('min'));
    return xs.reduce((a, b) => (compare(a, b) === 1 ? b : a));
  }),
  celMethod('max', DYN_LIST, [], CelScalar.DYN, function () {
    const xs = items(this);
    if (xs.length === 0) throw new Error(emptyListError('max'));
    return xs.reduce((a, b) => (compare(a, b) === -1 ? b : a));
  }),
  celMethod('indexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    return BigInt(items(this).findIndex((v) => v === x));
  }),
  celMethod('lastIndexOf', DYN_LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    const xs = items(this);
    for (let i = xs.length - 1; i >= 0; i--) if (xs[i] === x) return BigInt(i);
    return -1n;
  }),
];

function fail(): never {
  throw new Error('no such overload');
}

const durations: CelFunc[] = [
  celFunc('duration', [CelScalar.STRING], CelScalar.DYN, (s) => {
    const nanos = parseGoDuration(s);
    if (nanos === undefined) throw new Error(DURATION_CONVERSION_ERROR);
    // google.protobuf.Duration: seconds and nanos carry the same sign.
    return create(DurationSchema, { seconds: nanos / NANOS_PER_SECOND, nanos: Number(nanos % NANOS_PER_SECOND) });
  }),
];

/**
 * cel-go's strings extension `substring` (ext/strings.go substr/substrRange): rune indexes and its
 * error texts, which the API server prints ("index out of range: 8 evaluating rule: ...").
 */
const substrings: CelFunc[] = [
  celMethod('substring', CelScalar.STRING, [CelScalar.INT], CelScalar.STRING, function (start) {
    const runes = [...this];
    if (start < 0n || start > BigInt(runes.length)) throw new Error(`index out of range: ${start}`);
    return runes.slice(Number(start)).join('');
  }),
  celMethod('substring', CelScalar.STRING, [CelScalar.INT, CelScalar.INT], CelScalar.STRING, function (start, end) {
    const runes = [...this];
    const l = BigInt(runes.length);
    if (start > end) throw new Error(`invalid substring range. start: ${start}, end: ${end}`);
    if (start < 0n || start > l) throw new Error(`index out of range: ${start}`);
    if (end < 0n || end > l) throw new Error(`index out of range: ${end}`);
    return runes.slice(Number(start), Number(end)).join('');
  }),
];

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;
/** cel-go `int(string)`: strconv.ParseInt(s, 10, 64), else its type conversion error (common/types/string.go). */
const conversions: CelFunc[] = [
  celFunc('int', [CelScalar.STRING], CelScalar.INT, (s) => {
    const n = /^[+-]?[0-9]+$/.test(s) ? BigInt(s) : undefined;
    if (n === undefined || n < MIN_INT64 || n > MAX_INT64) throw new Error("type conversion error from 'string' to 'int'");
    return n;
  }),
];

/** Names of the Kubernetes library functions registered here, by upstream library file. */
export const KUBERNETES_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  'urls.go': ['url', 'isURL', 'getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath', 'getQuery'],
  'lists.go': ['isSorted', 'sum', 'min', 'max', 'indexOf', 'lastIndexOf'],
};

export type RuleEnv = CelEnv<{ self: typeof CelScalar.DYN }>;

let env: RuleEnv | undefined;
/** The one environment every rule is planned in (built on first use). */
export function ruleEnv(): RuleEnv {
  env ??= celEnv({
    funcs: [...strings, ...substrings, ...conversions, ...urls, ...lists, ...durations],
    variables: { self: CelScalar.DYN },
  });
  return env;
}
