/**
 * Our regex formats and messages against the string constants extracted from k8s.io/apimachinery
 * (vendor/kubernetes/apimachinery/<tag>/constants.json, written by scripts/vendor-kubernetes.sh):
 * a version bump re-checks them. Plus behaviour tables for the checks built on them.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { FieldPath, render } from '../field';
import { IS_NEGATIVE_ERROR_MSG } from './meta';
import {
  FORMATS,
  MESSAGES,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidCIDR,
  isValidCIDRForLegacyField,
  isValidIP,
  isValidIPForLegacyField,
  isValidLabelValue,
  isValidPortName,
} from './primitives';
import { QUANTITY_ERRORS, SPLIT_RE_STRING, compareQuantities, parseQuantity } from './quantity';

const TAG = 'v0.35.7';
const constants = JSON.parse(
  readFileSync(join(__dirname, '../../../vendor/kubernetes/apimachinery', TAG, 'constants.json'), 'utf8'),
) as Record<string, Record<string, string>>;
const VALIDATION = constants['pkg/util/validation/validation.go'];
const KUBE = constants['pkg/api/validate/content/kube.go'];

describe(`primitives agree with apimachinery ${TAG}`, () => {
  it.each(Object.keys(FORMATS))('regex format %s', (name) => {
    const upstream = VALIDATION[name] ?? KUBE[name] ?? constants['pkg/api/validate/content/identifier.go'][name];
    expect(upstream).toBeDefined();
    expect(FORMATS[name as keyof typeof FORMATS]).toBe(upstream);
  });
  it.each(Object.keys(MESSAGES).filter((k) => !k.startsWith('portName')))('message %s', (name) => {
    const all = Object.assign({}, ...Object.values(constants)) as Record<string, string>;
    expect(MESSAGES[name as keyof typeof MESSAGES]).toBe(all[name]);
  });
  it('IsValidPortName reports each broken rule (its messages are literals, not constants: unverified by extraction)', () => {
    expect(isValidPortName('Http--Port-Name-Too-Long-')).toEqual([
      'must be no more than 15 characters',
      MESSAGES.portNameCharset,
      MESSAGES.portNameConsecutiveHyphens,
      MESSAGES.portNameHyphenEnds,
    ]);
  });
  it('IsNegativeErrorMsg and the quantity grammar', () => {
    expect(IS_NEGATIVE_ERROR_MSG).toBe(constants['pkg/api/validation/generic.go'].IsNegativeErrorMsg);
    expect(SPLIT_RE_STRING).toBe(constants['pkg/api/resource/quantity.go'].splitREString);
  });
});

describe('string checks', () => {
  it.each<[string, (v: string) => readonly string[], string, number]>([
    ['label', isDNS1123Label, 'my-name', 0],
    ['label', isDNS1123Label, 'a.b', 1],
    ['label', isDNS1123Label, 'A', 1],
    ['label', isDNS1123Label, 'a'.repeat(64), 1],
    ['subdomain', isDNS1123Subdomain, 'example.com', 0],
    ['subdomain', isDNS1123Subdomain, '-x', 1],
    ['1035', isDNS1035Label, 'abc-123', 0],
    ['1035', isDNS1035Label, '1abc', 1],
    ['key', isQualifiedName, 'app.kubernetes.io/name', 0],
    ['key', isQualifiedName, '/name', 1],
    ['key', isQualifiedName, 'a/b/c', 1],
    ['key', isQualifiedName, 'Example.com/x', 1],
    ['value', isValidLabelValue, '', 0],
    ['value', isValidLabelValue, 'v1.2_3', 0],
    ['value', isValidLabelValue, '-x', 1],
    ['value', isValidLabelValue, 'x'.repeat(64), 1],
    ['configmap key', isConfigMapKey, 'app.yaml', 0],
    ['configmap key', isConfigMapKey, '..data', 1],
    ['configmap key', isConfigMapKey, 'a/b', 1],
    ['port name', isValidPortName, 'http-metrics', 0],
    ['port name', isValidPortName, '8080', 1],
  ])('%s %j -> %d errors', (_k, fn, value, n) => {
    expect(fn(value)).toHaveLength(n);
  });
  it('label key messages use content.MaxLenError ("bytes"), DNS names util/validation ("characters")', () => {
    expect(isQualifiedName(`${'a'.repeat(64)}`)).toEqual(['name part must be no more than 63 bytes']);
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('IP and CIDR', () => {
  const p = FieldPath.root('x');
  const r = (errs: { field: string }[]): string[] => errs.map((e) => render(e as never));
  it('accepts canonical addresses and rejects the rest with upstream text', () => {
    expect(isValidIP(p, '10.0.0.1', 't')).toEqual([]);
    expect(isValidIP(p, '2001:db8::1', 't')).toEqual([]);
    expect(r(isValidIP(p, '2001:DB8::1', 't'))).toEqual(['x: Invalid value: "2001:DB8::1": must be in canonical form ("2001:db8::1")']);
    expect(r(isValidIP(p, '010.0.0.1', 't'))).toEqual(['x: Invalid value: "010.0.0.1": must not have leading 0s']);
    expect(r(isValidIP(p, '::ffff:1.2.3.4', 't'))).toEqual(['x: Invalid value: "::ffff:1.2.3.4": must not be an IPv4-mapped IPv6 address']);
    expect(r(isValidIP(p, '1.2.3', 't'))).toEqual([
      'x: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    expect(isValidIPForLegacyField(p, '010.0.0.1', false, 't')).toEqual([]);
  });
  it('CIDRs', () => {
    expect(isValidCIDR(p, '10.0.0.0/8', 't')).toEqual([]);
    expect(r(isValidCIDR(p, '10.0.0.1/8', 't'))).toEqual([
      'x: Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length',
    ]);
    expect(r(isValidCIDR(p, '2001:db8:0::/48', 't'))).toEqual([
      'x: Invalid value: "2001:db8:0::/48": must be in canonical form ("2001:db8::/48")',
    ]);
    expect(r(isValidCIDRForLegacyField(p, '10.0.0.0/33', false, 't'))).toEqual([
      'x: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
  });
});

describe('quantities', () => {
  const q = (s: string) => {
    const r = parseQuantity(s);
    if ('error' in r) throw new Error(r.error);
    return r.quantity;
  };
  it.each([
    ['100m', '0.1', 0],
    ['1Gi', '1073741824', 0],
    ['1G', '1Gi', -1],
    ['500Mi', '1Gi', -1],
    ['1e3', '1k', 0],
    ['2', '1999m', 1],
    ['-1', '0', -1],
  ])('%s vs %s', (a, b, c) => expect(compareQuantities(q(a), q(b))).toBe(c));
  it.each([
    ['', QUANTITY_ERRORS.formatWrong],
    ['1.5.5', QUANTITY_ERRORS.formatWrong],
    ['10 Mi', QUANTITY_ERRORS.formatWrong],
    ['1Mb', QUANTITY_ERRORS.formatWrong],
    ['1e', QUANTITY_ERRORS.suffix],
    ['1Ki5', QUANTITY_ERRORS.suffix],
  ])('%j is rejected', (s, e) => expect(parseQuantity(s)).toEqual({ error: e }));
});
