import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DNS1035_LABEL_FMT, DNS1123_LABEL_FMT, DNS_LABEL_MAX_LENGTH, isDNS1035Label, isDNS1123Label } from './names';

// The same vendored constants charts/apiserver/k8s/primitives.upstream.test.ts pins.
const TAG = 'v0.35.7';
const constants = JSON.parse(readFileSync(join(__dirname, '../vendor/kubernetes/apimachinery', TAG, 'constants.json'), 'utf8')) as Record<
  string,
  Record<string, string>
>;
const VALIDATION = constants['pkg/util/validation/validation.go'];

describe(`services/names.ts agrees with apimachinery ${TAG}`, () => {
  it('uses dns1035LabelFmt for Service names', () => {
    expect(DNS1035_LABEL_FMT).toBe(VALIDATION.dns1035LabelFmt);
  });

  it('uses dns1123LabelFmt for the names of Deployments and ConfigMaps', () => {
    expect(DNS1123_LABEL_FMT).toBe(VALIDATION.dns1123LabelFmt);
  });

  it('limits both labels to 63 characters (DNS1035LabelMaxLength, DNS1123LabelMaxLength)', () => {
    expect(DNS_LABEL_MAX_LENGTH).toBe(63);
    expect(isDNS1035Label('a'.repeat(63))).toBe(true);
    expect(isDNS1035Label('a'.repeat(64))).toBe(false);
    expect(isDNS1123Label('a'.repeat(64))).toBe(false);
  });

  it.each([
    ['reviews', true, true],
    ['a-1', true, true],
    ['1st', true, false],
    ['9', true, false],
    ['-a', false, false],
    ['a-', false, false],
    ['Reviews', false, false],
  ])('%p: DNS-1123 label %p, DNS-1035 label %p', (name, dns1123, dns1035) => {
    expect(isDNS1123Label(name)).toBe(dns1123);
    expect(isDNS1035Label(name)).toBe(dns1035);
  });
});
