/**
 * How a rule runs, case by case, against small schemas: the API server's walk, `self`
 * binding, value conversion, and the error it builds (validation.go validateExpressions).
 */
import { render } from '../field';
import { compileSchema } from './compile';
import type { CelRule, CelSchemaNode } from './schema';
import { walk, type CelResultSet } from './validate';

const str: CelSchemaNode = { type: 'string' };
const int: CelSchemaNode = { type: 'integer' };

function run(schema: CelSchemaNode, obj: unknown): CelResultSet {
  const out: CelResultSet = { errors: [], notChecked: [] };
  const tree = compileSchema(schema);
  if (tree !== undefined) walk(tree, obj, '', out);
  return out;
}
const rendered = (schema: CelSchemaNode, obj: unknown): string[] => run(schema, obj).errors.map(render);
const rule = (r: string, extra: Partial<CelRule> = {}): CelRule => ({ rule: r, message: 'bad', ...extra });
const spec = (props: Record<string, CelSchemaNode>, rules?: CelRule[]): CelSchemaNode => ({
  type: 'object',
  properties: { spec: { type: 'object', properties: props, ...(rules !== undefined && { rules }) } },
});
const durationRule = rule("duration(self) >= duration('1ms')", { message: 'must be a valid duration greater than 1ms' });

describe('CEL rule semantics (as the API server runs them on create)', () => {
  it.each([
    ['0s', ['spec.timeout: Invalid value: "0s": must be a valid duration greater than 1ms']],
    ['0', ['spec.timeout: Invalid value: "0": must be a valid duration greater than 1ms']],
    ['999us', ['spec.timeout: Invalid value: "999us": must be a valid duration greater than 1ms']],
    ['1ms', []],
    ['1h30m', []],
    ['0.5s', []],
    [
      '5 s',
      [
        "spec.timeout: Invalid value: \"string\": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: must be a valid duration greater than 1ms",
      ],
    ],
    [
      '',
      [
        "spec.timeout: Invalid value: \"string\": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: must be a valid duration greater than 1ms",
      ],
    ],
  ])('duration %j gives %j', (value, expected) => {
    expect(rendered(spec({ timeout: { ...str, rules: [durationRule] } }), { spec: { timeout: value } })).toEqual(expected);
  });

  it('binds integers as int (bigint), so int comparisons and int() work', () => {
    const schema = spec({ port: { ...int, rules: [rule('0 < self && self <= 65535', { message: 'port must be between 1-65535' })] } });
    expect(rendered(schema, { spec: { port: 0 } })).toEqual(['spec.port: Invalid value: 0: port must be between 1-65535']);
    expect(rendered(schema, { spec: { port: 65536 } })).toEqual(['spec.port: Invalid value: 65536: port must be between 1-65535']);
    expect(rendered(schema, { spec: { port: 8080 } })).toEqual([]);
    expect(rendered(spec({ n: { ...int, rules: [rule('self + 1 == 3')] } }), { spec: { n: 2 } })).toEqual([]);
  });

  it('binds number values as double, even when written as whole numbers', () => {
    expect(rendered(spec({ f: { type: 'number', rules: [rule('self == 2.0')] } }), { spec: { f: 2 } })).toEqual([]);
  });

  it('binds objects as maps: has() tests presence, a missing field is "no such key"', () => {
    const schema = spec({ a: str, b: str }, [rule('has(self.a) != has(self.b)', { message: 'exactly one of a or b' })]);
    expect(rendered(schema, { spec: { a: 'x' } })).toEqual([]);
    expect(rendered(schema, { spec: { a: 'x', b: 'y' } })).toEqual(['spec: Invalid value: exactly one of a or b']);
    expect(rendered(spec({ a: str }, [rule("self.a == 'x'")]), { spec: {} })).toEqual([
      'spec: Invalid value: "object": no such key: a evaluating rule: bad',
    ]);
  });

  it('runs a rule on items for every list element, and on additionalProperties for every map value', () => {
    const schema = spec({
      hosts: { type: 'array', items: { ...str, rules: [rule("self != '*'", { message: 'no wildcard' })] } },
      labels: { type: 'object', additionalProperties: { ...str, rules: [rule("!self.contains('*')", { message: 'no wildcard value' })] } },
    });
    expect(rendered(schema, { spec: { hosts: ['a', '*', '*'], labels: { app: 'x', v: 'v*' } } })).toEqual([
      'spec.hosts[1]: Invalid value: "*": no wildcard',
      'spec.hosts[2]: Invalid value: "*": no wildcard',
      'spec.labels[v]: Invalid value: "v*": no wildcard value',
    ]);
  });

  it('runs map-level rules over keys, with the value omitted for objects and arrays', () => {
    const schema = spec({
      labels: { type: 'object', additionalProperties: str, rules: [rule("self.all(k, !k.contains('*'))", { message: 'no wildcard key' })] },
    });
    expect(rendered(schema, { spec: { labels: { 'a*': 'x' } } })).toEqual(['spec.labels: Invalid value: no wildcard key']);
    const list = spec({ xs: { type: 'array', items: int, rules: [rule('self.size() < 2', { message: 'too many' })] } });
    expect(rendered(list, { spec: { xs: [1, 2] } })).toEqual(['spec.xs: Invalid value: too many']);
  });

  it('skips absent and null values (rules only see present values)', () => {
    const schema = spec({ timeout: { ...str, rules: [durationRule] } });
    expect(rendered(schema, { spec: {} })).toEqual([]);
    expect(rendered(schema, { spec: { timeout: null } })).toEqual([]);
    expect(rendered(schema, {})).toEqual([]);
  });

  it('prints a root-level failure at the nil path, as field.Path does', () => {
    expect(
      rendered({ type: 'object', properties: { spec: { type: 'object' } }, rules: [rule('has(self.spec)')] }, { metadata: { name: 'x' } }),
    ).toEqual(['<nil>: Invalid value: bad']);
  });

  it('exposes apiVersion, kind and metadata.name at the root', () => {
    const schema: CelSchemaNode = {
      type: 'object',
      properties: {},
      rules: [rule("self.metadata.name.startsWith('a') && self.kind == 'K'")],
    };
    expect(rendered(schema, { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'abc' } })).toEqual([]);
    expect(rendered(schema, { apiVersion: 'g/v1', kind: 'K', metadata: { name: 'xyz' } })).toEqual(['<nil>: Invalid value: bad']);
  });

  it('reaches a property named like a CEL keyword by its escaped name (namespace is __namespace__)', () => {
    const schema = spec({ namespace: str }, [rule("!has(self.__namespace__) || self.__namespace__ == ''", { message: 'no namespace' })]);
    expect(rendered(schema, { spec: { namespace: 'x' } })).toEqual(['spec: Invalid value: no namespace']);
  });

  it('applies schema defaults before the rules run', () => {
    const schema = spec({ kind: { ...str, default: 'Service' }, port: int }, [
      rule("self.kind == 'Service' ? has(self.port) : true", { message: 'port required' }),
    ]);
    expect(rendered(schema, { spec: {} })).toEqual(['spec: Invalid value: port required']);
    expect(rendered(schema, { spec: { kind: 'Other' } })).toEqual([]);
  });

  it('treats int-or-string values as int or string', () => {
    const schema = spec({ p: { intOrString: true, rules: [rule("type(self) == string ? self == 'http' : self > 0")] } });
    expect(rendered(schema, { spec: { p: 'http' } })).toEqual([]);
    expect(rendered(schema, { spec: { p: 8080 } })).toEqual([]);
    expect(rendered(schema, { spec: { p: 0 } })).toEqual(['spec.p: Invalid value: 0: bad']);
  });

  it('appends fieldPath to the path of a failure, but not of an evaluation error', () => {
    const schema = spec({ a: { type: 'object', properties: { b: str } } }, [rule("self.a.b == 'x'", { fieldPath: '.a.b' })]);
    expect(rendered(schema, { spec: { a: { b: 'y' } } })).toEqual(['spec.a.b: Invalid value: bad']);
    expect(rendered(schema, { spec: { a: {} } })).toEqual(['spec: Invalid value: "object": no such key: b evaluating rule: bad']);
  });

  it.each([
    ['FieldValueForbidden', 'spec.x: Forbidden: bad'],
    ['FieldValueRequired', 'spec.x: Required value: bad'],
    ['FieldValueDuplicate', 'spec.x: Duplicate value: "a"'],
    ['FieldValueInvalid', 'spec.x: Invalid value: "a": bad'],
  ])('maps reason %s to its error type', (reason, expected) => {
    expect(rendered(spec({ x: { ...str, rules: [rule('false', { reason })] } }), { spec: { x: 'a' } })).toEqual([expected]);
  });

  it('uses messageExpression when it evaluates to a one-line string, else the message', () => {
    const schema = (messageExpression: string): CelSchemaNode =>
      spec({ x: { ...str, rules: [rule('self.size() < 3', { messageExpression })] } });
    expect(rendered(schema("'too long: ' + self"), { spec: { x: 'abcd' } })).toEqual(['spec.x: Invalid value: "abcd": too long: abcd']);
    expect(rendered(schema('1'), { spec: { x: 'abcd' } })).toEqual(['spec.x: Invalid value: "abcd": bad']);
    expect(rendered(schema("'a\\nb'"), { spec: { x: 'abcd' } })).toEqual(['spec.x: Invalid value: "abcd": bad']);
  });

  it('defaults the message to "failed rule: <rule>"', () => {
    expect(rendered(spec({ x: { ...str, rules: [{ rule: 'self.size() < 3' }] } }), { spec: { x: 'abcd' } })).toEqual([
      'spec.x: Invalid value: "abcd": failed rule: self.size() < 3',
    ]);
  });

  it('does not run transition rules on create', () => {
    const schema = spec({ x: { ...str, rules: [rule('self == oldSelf', { message: 'immutable' })] } });
    expect(run(schema, { spec: { x: 'a' } })).toEqual({ errors: [], notChecked: [] });
  });

  it('reports a rule using a function it lacks as not checked, never as passed', () => {
    const schema = spec({ x: { ...str, rules: [rule("self.find('[0-9]+') == ''", { message: 'no digits' })] } });
    expect(run(schema, { spec: { x: 'a1' } })).toEqual({
      errors: [],
      notChecked: [
        { rule: "self.find('[0-9]+') == ''", field: 'spec.x', reason: 'uses find(), not implemented by this evaluator (spec.x)' },
      ],
    });
  });

  it('reports an evaluation error of the evaluator itself (no overload) as not checked', () => {
    const schema = spec({ x: { ...str, rules: [rule("url(self).getScheme() == 'http'")] } });
    expect(run(schema, { spec: { x: 'http://a' } }).notChecked).toEqual([]);
    const broken = spec({ x: { ...str, rules: [rule('self.lowerAscii(1) == self')] } });
    expect(run(broken, { spec: { x: 'a' } }).notChecked.map((n) => n.reason)).toEqual([
      expect.stringMatching(/^evaluator error: found no matching overload/),
    ]);
  });

  it('reports a rule over a string format the API server converts (date-time) as not checked', () => {
    const schema = spec({ at: { type: 'string', format: 'date-time', rules: [rule("self != ''")] } });
    expect(run(schema, { spec: { at: '2026-01-01T00:00:00Z' } }).notChecked.map((n) => n.reason)).toEqual([
      'reads a string of format date-time, which the API server converts before a rule sees it (not ported) (spec.at)',
    ]);
  });

  it('converts format: duration strings to durations as kube-openapi strfmt does for Go syntax, so rules compare them', () => {
    const duration: CelSchemaNode = { type: 'string', format: 'duration' };
    const schema = spec({ interval: { ...duration, default: '1m' }, timeout: duration }, [
      rule('!has(self.timeout) || self.timeout <= self.interval'),
    ]);
    expect(run(schema, { spec: { timeout: '30s' } })).toEqual({ errors: [], notChecked: [] });
    expect(rendered(schema, { spec: { timeout: '90s' } })).toEqual(['spec: Invalid value: bad']);
    expect(run(schema, { spec: {} })).toEqual({ errors: [], notChecked: [] });
  });

  it('reports a duration only strfmt fallback syntax reads ("1 day") as not checked, never passed', () => {
    const schema = spec({ interval: { type: 'string', format: 'duration' } }, [rule("self.interval > duration('1s')")]);
    expect(run(schema, { spec: { interval: '1 day' } }).notChecked.map((n) => n.reason)).toEqual([
      'evaluator error: the duration "1 day" is not in Go\'s syntax, and strfmt\'s other duration syntax is not ported (spec)',
    ]);
  });

  it('runs a rule over an object with a converted format below when the rule never names that field', () => {
    const schema = spec({ at: { type: 'string', format: 'date-time' }, name: str }, [rule("has(self.name) && self.name != ''")]);
    expect(run(schema, { spec: { at: '2026-01-01T00:00:00Z' } })).toEqual({
      errors: [
        { field: 'spec', type: 'Invalid value', detail: 'bad', rule: "x-kubernetes-validations (spec): has(self.name) && self.name != ''" },
      ],
      notChecked: [],
    });
    const reads = spec({ at: { type: 'string', format: 'date-time' } }, [rule("self.at != ''")]);
    expect(run(reads, { spec: { at: '2026-01-01T00:00:00Z' } }).notChecked).toHaveLength(1);
  });

  it('skips values of the wrong type (the OpenAPI schema check reports those) without throwing', () => {
    const schema = spec({
      port: { ...int, rules: [rule('self > 0')] },
      hosts: { type: 'array', items: { ...str, rules: [rule("self != '*'")] } },
    });
    expect(rendered(schema, { spec: { port: 'eighty', hosts: 'x' } })).toEqual([]);
    expect(rendered(schema, { spec: 'nonsense' })).toEqual([]);
    const parent = spec({ port: int }, [rule('self.port > 0')]);
    expect(rendered(parent, { spec: { port: 'eighty' } })).toEqual([]);
    expect(rendered(parent, { spec: { port: 0 } })).toEqual(['spec: Invalid value: bad']);
  });

  it('reads only the fields a rule touches (a wrong-typed field it does not read changes nothing)', () => {
    const schema = spec({ a: str, b: int }, [rule('has(self.a)', { message: 'a required' })]);
    expect(rendered(schema, { spec: { b: 'not an int' } })).toEqual(['spec: Invalid value: a required']);
    const keys = spec({ a: str, b: int, c: str }, [rule('self.size() == 2 && self.all(k, k != "c")', { message: 'two fields, no c' })]);
    expect(rendered(keys, { spec: { a: 'x', b: 1 } })).toEqual([]);
    expect(rendered(keys, { spec: { a: 'x', c: 'y' } })).toEqual(['spec: Invalid value: two fields, no c']);
  });

  it('gives the same answer for a memoized scalar as for a fresh one', () => {
    const schema = spec({ timeout: { ...str, rules: [durationRule] } });
    const first = rendered(schema, { spec: { timeout: '0s' } });
    expect(rendered(schema, { spec: { timeout: '0s' } })).toEqual(first);
    expect(rendered(schema, { spec: { timeout: '2s' } })).toEqual([]);
  });
});
