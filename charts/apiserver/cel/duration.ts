/**
 * Go's `time.ParseDuration`, which cel-go's `duration(string)` calls (string to
 * google.protobuf.Duration conversion), so a CRD rule accepts exactly the strings the API server
 * accepts. @bufbuild/cel's own parser differs at the edges (it takes "" and "-" as zero).
 */

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const MAX_INT64 = (1n << 63n) - 1n;

/** Nanoseconds, or undefined where Go returns an error (invalid syntax, unknown or missing unit, overflow). */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return undefined;
    const int = /^[0-9]*/.exec(s)![0];
    s = s.slice(int.length);
    let frac = '';
    if (s[0] === '.') {
      s = s.slice(1);
      frac = /^[0-9]*/.exec(s)![0];
      s = s.slice(frac.length);
    }
    if (int === '' && frac === '') return undefined; // "." alone
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') return undefined; // missing unit
    const unit = UNITS.get(unitText);
    if (unit === undefined) return undefined; // unknown unit
    s = s.slice(unitText.length);
    let v = BigInt(int === '' ? '0' : int);
    if (v > MAX_INT64 / unit) return undefined;
    v *= unit;
    if (frac !== '') {
      // Go keeps at most the digits that fit, truncating (never rounding) the fraction.
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > (neg ? MAX_INT64 + 1n : MAX_INT64)) return undefined;
  }
  return neg ? -total : total;
}
