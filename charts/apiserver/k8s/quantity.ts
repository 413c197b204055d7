/**
 * `resource.Quantity` parsing and comparison, ported from k8s.io/apimachinery v0.35.7
 * `pkg/api/resource/quantity.go` (parseQuantityString, ParseQuantity) and `suffix.go`: the same
 * grammar, suffixes and error texts; values are exact rationals over bigint, so `0.1` + `100m`
 * compare equal and `1Ei` does not round.
 *
 * Exported: parseQuantity(text) -> {quantity} | {error}, compareQuantities(a, b) -> -1|0|1,
 * quantityText(value) (a YAML number or string as the API server reads it), QUANTITY_ERRORS.
 */

/** `splitREString`, the grammar upstream's error message quotes. */
export const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** Upstream's error values (`ErrFormatWrong`, `ErrNumeric`, `ErrSuffix`), by their text. */
export const QUANTITY_ERRORS = {
  formatWrong: `quantities must match the regular expression '${SPLIT_RE_STRING}'`,
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
} as const;

/** An exact value: num / den, den > 0. */
export interface Quantity {
  readonly num: bigint;
  readonly den: bigint;
}

export type ParsedQuantity = { readonly quantity: Quantity } | { readonly error: string };

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SUFFIX_CHARS = 'eEinumkKMGTP';

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

interface Split {
  readonly positive: boolean;
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

/** Port of `parseQuantityString`. */
function splitQuantity(str: string): Split | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end && (str[0] === '-' || str[0] === '+')) {
    positive = str[0] !== '-';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (pos >= end) return { positive, num, denom: '', suffix: '' };
  if (num.length === 0) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
    if (pos >= end) return { positive, num, denom, suffix: '' };
  }
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i])) i++;
  if (i >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  for (i = pos; i < end; i++) if (!isDigit(str[i])) return undefined;
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

/** Port of the suffixer's `interpret`: base and exponent. */
function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number } | undefined {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix] };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix] };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (!/^[-+]?[0-9]+$/.test(rest)) return undefined;
    const exponent = Number(rest);
    // strconv.ParseInt(.., 10, 64) then int32(parsed): absurd exponents are out of scope here.
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1_000_000) return undefined;
    return { base: 10, exponent };
  }
  return undefined;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

const parsedQuantities = new Map<string, ParsedQuantity>();

/**
 * `resource.ParseQuantity`: the exact value, or upstream's error text. Manifests repeat the
 * same few quantities (`100m`, `128Mi`) in every container: answers are kept (frozen) for up
 * to 10,000 distinct texts, then the memory starts over.
 */
export function parseQuantity(text: string): ParsedQuantity {
  let parsed = parsedQuantities.get(text);
  if (parsed === undefined) {
    if (parsedQuantities.size >= 10_000) parsedQuantities.clear();
    parsed = Object.freeze(parseQuantityOnce(text));
    parsedQuantities.set(text, parsed);
  }
  return parsed;
}

function parseQuantityOnce(text: string): ParsedQuantity {
  if (text.length === 0) return { error: QUANTITY_ERRORS.formatWrong };
  if (text === '0') return { quantity: { num: 0n, den: 1n } };
  const split = splitQuantity(text);
  if (split === undefined) return { error: QUANTITY_ERRORS.formatWrong };
  const suffix = interpretSuffix(split.suffix);
  if (suffix === undefined) return { error: QUANTITY_ERRORS.suffix };
  let num = BigInt(split.num + split.denom);
  let den = 10n ** BigInt(split.denom.length);
  if (!split.positive) num = -num;
  const scale = BigInt(suffix.base) ** BigInt(Math.abs(suffix.exponent));
  if (suffix.exponent >= 0) num *= scale;
  else den *= scale;
  const g = gcd(num, den);
  return { quantity: { num: num / g, den: den / g } };
}

/** `Quantity.Cmp`: -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** The text the API server parses for a quantity field: a JSON string as is, a JSON number by its text. */
export function quantityText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Whether the quantity is negative (`Cmp(Quantity{}) < 0`). */
export const isNegative = (q: Quantity): boolean => q.num < 0n;
