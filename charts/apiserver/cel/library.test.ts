/** The Kubernetes CEL functions and Go parsers the rules depend on, as tables. */
import { isCelError, parse, plan } from '@bufbuild/cel';
import { parseGoDuration } from './duration';
import { ruleEnv } from './library';
import { parseRequestURI } from './url';
import { escapeProperty } from './values';

function evalRule(src: string, self: unknown = null): unknown {
  const r = plan(ruleEnv(), parse(src))({ self } as never);
  return isCelError(r) ? `error: ${r.message}` : r;
}

describe('Go time.ParseDuration (behind duration(string))', () => {
  it.each([
    ['0', 0n],
    ['0s', 0n],
    ['+0', 0n],
    ['-0', 0n],
    ['1ms', 1_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['1.s', 1_000_000_000n],
    ['300us', 300_000n],
    ['300µs', 300_000n],
    ['300μs', 300_000n],
    ['-1.5s', -1_500_000_000n],
    ['2h45m10s', 9_910_000_000_000n],
    ['1ns', 1n],
    ['2562047h', 9_223_369_200_000_000_000n],
  ])('%j is %d ns', (text, nanos) => {
    expect(parseGoDuration(text)).toBe(nanos);
  });

  it.each(['', '-', '+', '1', '.s', '1d', '1 s', ' 1s', 's', '1s ', '9223372036854775808ns', '2562048h', '1e3s'])(
    '%j is an error',
    (text) => {
      expect(parseGoDuration(text)).toBeUndefined();
    },
  );
});

describe('Go net/url.ParseRequestURI (behind url() and isURL())', () => {
  it.each([
    ['https://issuer.example.com/jwks.json', 'https', 'issuer.example.com'],
    ['HTTP://A.example.com:8080/x?y=1', 'http', 'A.example.com:8080'],
    ['/just/a/path', '', ''],
    ['oci://ghcr.io/org/plugin:1.0', 'oci', 'ghcr.io'],
    ['mailto:someone@example.com', 'mailto', ''],
    ['https://[::1]:443/', 'https', '[::1]:443'],
  ])('%j parses (scheme %j, host %j)', (text, scheme, host) => {
    const r = parseRequestURI(text);
    expect(r).toEqual({ url: expect.objectContaining({ scheme, host }) });
  });

  it.each([
    ['', 'parse "": empty url'],
    ['issuer.example.com/jwks', 'parse "issuer.example.com/jwks": invalid URI for request'],
    [':foo', 'parse ":foo": missing protocol scheme'],
    ['http://a b/', 'parse "http://a b/": invalid character " " in host name'],
    ['http://host:port/', 'parse "http://host:port/": invalid port ":port" after host'],
    ['http://a/%zz', 'parse "http://a/%zz": invalid URL escape "%zz"'],
    ['http://a\n/', 'parse "http://a\\n/": net/url: invalid control character in URL'],
  ])('%j is the error %j', (text, error) => {
    expect(parseRequestURI(text)).toEqual({ error });
  });
});

describe('Kubernetes URL library (apiserver pkg/cel/library/urls.go)', () => {
  it.each([
    ["url('https://example.com:8443/a%20b?x=1&x=2').getScheme()", 'https'],
    ["url('https://example.com:8443/a%20b?x=1&x=2').getHost()", 'example.com:8443'],
    ["url('https://example.com:8443/a%20b?x=1&x=2').getHostname()", 'example.com'],
    ["url('https://example.com:8443/a%20b?x=1&x=2').getPort()", '8443'],
    ["url('https://example.com/').getPort()", ''],
    ["url('https://[::1]:80/').getHostname()", '::1'],
    ["url('https://example.com:8443/a%20b?x=1&x=2').getEscapedPath()", '/a%20b'],
    ["url('https://example.com/?x=1&x=2&y=').getQuery()['x']", ['1', '2']],
    ["url('https://example.com/#frag').getEscapedPath()", '/'],
    ["isURL('https://example.com')", true],
    ["isURL('example.com')", false],
    ["isURL('/path')", true],
    ["url('example.com')", 'error: URL parse error during conversion from string: parse "example.com": invalid URI for request'],
  ])('%s is %j', (src, expected) => {
    const v = evalRule(src);
    expect(Array.isArray(expected) ? [...(v as Iterable<unknown>)] : v).toEqual(expected);
  });
});

describe('Kubernetes lists library (apiserver pkg/cel/library/lists.go)', () => {
  it.each([
    ['[1, 2, 2, 3].isSorted()', true],
    ["['b', 'a'].isSorted()", false],
    ['[1, 2, 3].sum()', 6n],
    ['[1.5, 2.5].sum()', 4],
    ['[3, 1, 2].min()', 1n],
    ['[3, 1, 2].max()', 3n],
    ['[1, 2, 1].indexOf(1)', 0n],
    ['[1, 2, 1].lastIndexOf(1)', 2n],
    ['[1, 2].indexOf(5)', -1n],
    ['[].min()', 'error: min called on empty list'],
  ])('%s is %p', (src, expected) => {
    expect(evalRule(src)).toEqual(expected);
  });
});

describe('standard CEL and the strings extension the rules use', () => {
  it.each([
    ["self.substring(7, 8) == '/'", 'unix:///a', true],
    ["self.substring(7, 8) == '/'", 'unix://', 'error: index out of range: 8'],
    ['self.substring(2, 1)', 'abc', 'error: invalid substring range. start: 2, end: 1'],
    ['self.substring(-1)', 'abc', 'error: index out of range: -1'],
    ['self.substring(1)', 'héllo', 'éllo'],
    ['int(self)', '+8080', 8080n],
    ['int(self)', 'http', "error: type conversion error from 'string' to 'int'"],
    ['int(self)', '9223372036854775808', "error: type conversion error from 'string' to 'int'"],
    ["self.split('/')[0].size() < 253", 'example.com/key', true],
    ["self.matches('^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$')", 'http-1', true],
    ['self.all(k, 0 < int(k) && int(k) <= 65535)', new Map([['8080', 'x']]), true],
    ["'*' in self && self.size() > 1", ['*', 'GET'], true],
    ['self.exists_one(x, x == 1)', [1n, 1n], false],
    ['self.filter(x, x > 1).size()', [1n, 2n, 3n], 2n],
    ['0 < self', 1.5, true],
  ])('%s on %p is %p', (src, self, expected) => {
    expect(evalRule(src, self)).toEqual(expected);
  });
});

describe('property name escaping (apiserver pkg/cel/escaping.go Escape)', () => {
  it.each([
    ['namespace', '__namespace__'],
    ['in', '__in__'],
    ['jwks_uri', 'jwks_uri'],
    ['a__b', 'a__underscores__b'],
    ['x-y', 'x__dash__y'],
    ['a.b/c', 'a__dot__b__slash__c'],
    ['1abc', undefined],
    ['a b', undefined],
    ['', undefined],
  ])('%j is %j', (name, escaped) => {
    expect(escapeProperty(name)).toBe(escaped);
  });
});
