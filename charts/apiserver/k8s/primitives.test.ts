import { isDNS1123Label, isQualifiedName, isStrictCIDRSubset } from './primitives';

describe('isStrictCIDRSubset (NetworkPolicy ipBlock.except inside cidr)', () => {
  it.each([
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.0.0.0/8', '10.0.0.0/8', false],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/8', '192.168.0.0/24', false],
    ['0.0.0.0/0', '169.254.169.254/32', true],
    ['2001:db8::/32', '2001:db8:1::/48', true],
    ['2001:db8::/32', '2001:db9::/48', false],
    ['10.0.0.0/8', 'not a cidr', undefined],
  ])('%s contains %s strictly: %s', (outer, inner, expected) => {
    expect(isStrictCIDRSubset(outer, inner)).toBe(expected);
  });
});

describe('the memoized string checks', () => {
  it('give the same answer every time, shared and frozen so no caller can change it', () => {
    const first = isQualifiedName('app.kubernetes.io/-name');
    expect(first.length).toBeGreaterThan(0);
    expect(isQualifiedName('app.kubernetes.io/-name')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(isDNS1123Label('reviews-v2')).toEqual([]);
    expect(isDNS1123Label('Reviews')).not.toEqual([]);
  });
});
