/**
 * field.ts against the facts extracted from k8s.io/apimachinery v0.35.7
 * pkg/util/validation/field (vendor/kubernetes/apimachinery/v0.35.7/field-facts.json, written by
 * scripts/vendor-kubernetes.sh): error type texts, which types print no value, the message
 * formats of the constructors, and the code-shape facts render relies on.
 */
import {
  FieldPath,
  duplicate,
  forbidden,
  invalid,
  notFound,
  notSupported,
  render,
  required,
  tooLong,
  tooMany,
  type FieldError,
  type FieldErrorType,
} from './field';
import { KUBERNETES_TAG, goSprintf, upstreamFacts } from '../../test/kubernetes-facts';

const facts = upstreamFacts('apimachinery', 'field-facts.json');
const errorTypes = facts.value<Record<string, string>>('errorTypes');
const p = FieldPath.root('spec').child('x');

/** Each of our error types, by the upstream ErrorType constant it is (a Record: tsc makes it exhaustive). */
const OURS: Record<FieldErrorType, string> = {
  'Not found': 'ErrorTypeNotFound',
  'Required value': 'ErrorTypeRequired',
  'Duplicate value': 'ErrorTypeDuplicate',
  'Invalid value': 'ErrorTypeInvalid',
  'Unsupported value': 'ErrorTypeNotSupported',
  Forbidden: 'ErrorTypeForbidden',
  'Too long': 'ErrorTypeTooLong',
  'Too many': 'ErrorTypeTooMany',
  'Internal error': 'ErrorTypeInternal',
};

describe(`field.ts agrees with apimachinery ${KUBERNETES_TAG} field/errors.go and path.go`, () => {
  it('the facts come from the pinned commit in SOURCE', () => {
    expect(facts.tag).toBe(KUBERNETES_TAG);
    expect(facts.source).toMatch(
      new RegExp(`^repo: https://github.com/kubernetes/apimachinery\\ntag: ${KUBERNETES_TAG}\\ncommit: ${facts.commit}\\n`),
    );
  });

  it.each(Object.entries(OURS))('error type %j is the canonical text of %s', (ours, constant) => {
    expect(errorTypes[constant]).toBe(ours);
  });

  it('every upstream error type text is one of ours (TypeInvalid prints as Invalid value)', () => {
    expect(new Set(Object.values(errorTypes))).toEqual(new Set(Object.keys(OURS)));
  });

  it.each<[string, string, FieldError]>([
    ['notFound', 'ErrorTypeNotFound', notFound(p, 'a', 'r')],
    ['required', 'ErrorTypeRequired', required(p, 'd', 'r')],
    ['duplicate', 'ErrorTypeDuplicate', duplicate(p, 'a', 'r')],
    ['invalid', 'ErrorTypeInvalid', invalid(p, 'a', 'd', 'r')],
    ['notSupported', 'ErrorTypeNotSupported', notSupported(p, 'a', ['b'], 'r')],
    ['forbidden', 'ErrorTypeForbidden', forbidden(p, 'd', 'r')],
    ['tooLong', 'ErrorTypeTooLong', tooLong(p, 3, 'r')],
    ['tooMany', 'ErrorTypeTooMany', tooMany(p, 4, 3, 'r')],
  ])('%s builds the %s error type', (_name, constant, e) => {
    expect(e.type).toBe(errorTypes[constant]);
  });

  it('render prints no value exactly for the types ErrorBody prints without one', () => {
    const without = facts.value<string[]>('typesWithoutValue').map((c) => errorTypes[c]);
    for (const type of Object.keys(OURS) as FieldErrorType[]) {
      const e: FieldError = { field: 'spec.x', type, value: 'v', detail: 'd', rule: 'r' };
      const body = without.includes(type) ? `${type}` : goSprintf(facts.value('stringValueFormat'), type, 'v');
      expect(render(e)).toBe(goSprintf(facts.value('errorFormat'), 'spec.x', body) + goSprintf(facts.value('detailFormat'), 'd'));
    }
  });

  it('numbers and booleans print bare, strings quoted', () => {
    expect(render(invalid(p, 3, '', 'r'))).toBe(
      goSprintf(facts.value('errorFormat'), 'spec.x', goSprintf(facts.value('simpleValueFormat'), 'Invalid value', 3)),
    );
    expect(render(invalid(p, true, '', 'r'))).toBe(`spec.x: ${goSprintf(facts.value('simpleValueFormat'), 'Invalid value', 'true')}`);
    expect(render(invalid(p, 'a"b', '', 'r'))).toBe(`spec.x: ${goSprintf(facts.value('stringValueFormat'), 'Invalid value', 'a"b')}`);
  });

  it('NotSupported, TooLong and TooMany details are upstream formats', () => {
    expect(notSupported(p, 'a', ['b', 'c'], 'r').detail).toBe(
      `${facts.value<string>('notSupportedPrefix')}"b"${facts.value<string>('notSupportedSeparator')}"c"`,
    );
    expect(tooLong(p, 3, 'r').detail).toBe(goSprintf(facts.value('tooLongFormat'), 3, 'bytes'));
    expect(tooLong(p, 1, 'r').detail).toBe(goSprintf(facts.value('tooLongFormat'), 1, 'byte'));
    expect(tooLong(p, -1, 'r').detail).toBe(facts.value('tooLongUnbounded'));
    expect(tooMany(p, 4, 3, 'r').detail).toBe(goSprintf(facts.value('tooManyFormat'), 3, 'items'));
    expect(tooMany(p, 4, 1, 'r').detail).toBe(goSprintf(facts.value('tooManyFormat'), 1, 'item'));
    expect(tooMany(p, 4, -1, 'r').detail).toBe(facts.value('tooManyUnbounded'));
  });

  /** The code-shape facts render and FieldPath rely on. */
  const RELIED_ON: Record<string, () => void> = {
    'omitted-value-prints-type-only': () => expect(render(tooMany(p, -1, 3, 'r'))).toBe('spec.x: Too many: must have at most 3 items'),
    'other-values-print-as-json': () => expect(render(invalid(p, { a: [1] }, 'd', 'r'))).toBe('spec.x: Invalid value: {"a":[1]}: d'),
    'too-many-omits-negative-actual': () => expect('value' in tooMany(p, -1, 3, 'r')).toBe(false),
    'path-child-joins-with-dot': () => expect(FieldPath.root('spec').child('a', 'b').toString()).toBe('spec.a.b'),
    'path-index-and-key-bracketed': () => expect(FieldPath.root('m').key('k').index(2).toString()).toBe('m[k][2]'),
  };
  const byId = new Map(facts.shape.map((s) => [s.id, s]));
  it.each(Object.keys(RELIED_ON))('code-shape fact %s holds upstream, and ours behaves so', (id) => {
    expect(byId.get(id)?.pattern).toEqual(expect.any(String));
    RELIED_ON[id]();
  });
  it('the facts file holds no code-shape fact we do not rely on', () => {
    expect([...byId.keys()].sort()).toEqual(Object.keys(RELIED_ON).sort());
  });
});
