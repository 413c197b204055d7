/**
 * Readers over untyped manifest input with Go's zero-value semantics: a missing (or null) field
 * reads as Go's zero value, a field of the wrong JSON type reads as `undefined` so the checks
 * skip it (the OpenAPI schema check reports wrong types). Also the API server's defaults that
 * change what validation sees (`SetDefaults_*` in pkg/apis/{core,apps,batch}/v1/defaults.go).
 */
import { compareQuantities, parseQuantity, quantityText, type Quantity } from './quantity';
import { asString, isRecord } from '../../../core/json';

export type Obj = Readonly<Record<string, unknown>>;

const EMPTY: readonly unknown[] = Object.freeze([]);

export const isObj: (v: unknown) => v is Obj = isRecord;

/** A struct field: the object, or undefined when absent, null or not an object (Go nil pointer). */
export const obj = (v: unknown): Obj | undefined => (isObj(v) ? v : undefined);

/** A list field; absent, null or not a list reads as empty. */
export const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : EMPTY);

/** A string field: '' when absent or null (Go zero value), undefined when of another type. */
export function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : undefined;
}

/** An optional string (Go *string): undefined when absent, null or of another type. */
export const optStr = asString;

/** An integer field, or undefined when absent, null or not an integer. */
export const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

/** An integer field with Go's zero (or the API server's default) when absent or null. */
export function intOr(v: unknown, dflt: number): number | undefined {
  if (v === undefined || v === null) return dflt;
  return int(v);
}

/** A defaulted enum-like string: absent, null and '' read as the default (`if x == "" { x = d }`). */
export function defaulted(v: unknown, dflt: string): string | undefined {
  if (v === undefined || v === null || v === '') return dflt;
  return typeof v === 'string' ? v : undefined;
}

/** String-to-string map entries (labels, annotations, nodeSelector); other values are skipped. */
export function stringMap(v: unknown): Readonly<Record<string, string>> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** A quantity field: its exact value and its canonical text, or undefined when unparsable. */
export interface ReadQuantity {
  readonly value: Quantity;
  readonly text: string;
}

export function quantity(v: unknown): ReadQuantity | undefined {
  const text = quantityText(v);
  if (text === undefined) return undefined;
  const parsed = parseQuantity(text);
  if (!('quantity' in parsed)) return undefined;
  return { value: parsed.quantity, text: canonicalQuantity(parsed.quantity, text) };
}

export const cmp = (a: ReadQuantity, b: ReadQuantity): -1 | 0 | 1 => compareQuantities(a.value, b.value);

const DECIMAL_SUFFIX: Readonly<Record<number, string>> = {
  [-9]: 'n',
  [-6]: 'u',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};
const BINARY_SUFFIX: readonly string[] = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * `Quantity.String()`: the canonical text the API server prints in messages (`500m`, `1Gi`, `2k`).
 * The format is the one the text was written in (binary suffix, exponent, or decimal SI); binary
 * values below 1024 or not whole print as decimal SI; decimal values round up to nano units.
 */
export function canonicalQuantity(q: Quantity, text: string): string {
  const binary = /[KMGTPE]i$/.test(text);
  const exponent = /[eE][-+]?[0-9]+$/.test(text);
  const negative = q.num < 0n;
  const abs: Quantity = { num: negative ? -q.num : q.num, den: q.den };
  const sign = negative ? '-' : '';
  if (binary && abs.den === 1n && abs.num >= 1024n) {
    let n = abs.num;
    let i = 0;
    while (i < BINARY_SUFFIX.length - 1 && n % 1024n === 0n) {
      n /= 1024n;
      i++;
    }
    return `${sign}${n}${BINARY_SUFFIX[i]}`;
  }
  // decimal: value in nano units, rounded up (Go rounds a value that does not fit up to the next nano)
  let nanos = (abs.num * 1_000_000_000n) / abs.den;
  if ((abs.num * 1_000_000_000n) % abs.den !== 0n) nanos += 1n;
  if (nanos === 0n) return '0';
  let e = -9;
  while (e < 18 && nanos % 1000n === 0n) {
    nanos /= 1000n;
    e += 3;
  }
  if (exponent) return `${sign}${nanos}${e === 0 ? '' : `e${e}`}`;
  return `${sign}${nanos}${DECIMAL_SUFFIX[e] ?? ''}`;
}
