/**
 * charts/apiserver/cel against the facts extracted from Kubernetes v0.35.7 (apiserver and
 * apiextensions-apiserver; vendor/kubernetes/<repo>/v0.35.7/cel-facts.json, written by
 * scripts/vendor-kubernetes.sh, which reads the Go source and commits only data). Names, values
 * and message literals are compared with ours; facts about upstream code shape that our
 * evaluator relies on must be present (by id) for the pinned commit, so a refresh that drops or
 * changes one fails here.
 */
import { KUBERNETES_TAG, goSprintf, upstreamFacts } from '../../../test/kubernetes-facts';
import { allRules } from './compile';
import { knownCrds, ruleTree } from './crds';
import { KUBERNETES_FUNCTIONS, emptyListError, urlParseError } from './library';
import { MAX_EVALUATED_MESSAGE_EXPRESSION_SIZE_BYTES, NIL_PATH, REASON_TYPES, defaultMessage, evaluationError } from './validate';
import { CONVERTED_FORMATS, RESERVED_WORDS, escapeProperty } from './values';

const apiserver = upstreamFacts('apiserver', 'cel-facts.json');
const apiextensions = upstreamFacts('apiextensions-apiserver', 'cel-facts.json');
const field = upstreamFacts('apimachinery', 'field-facts.json');

describe(`the facts files are those of the pinned ${KUBERNETES_TAG} commits`, () => {
  it.each([
    ['apiserver', apiserver],
    ['apiextensions-apiserver', apiextensions],
  ])('%s: tag, full commit as in SOURCE, and every file a fact names is listed as read', (repo, facts) => {
    expect(facts.repo).toBe(`https://github.com/kubernetes/${repo}`);
    expect(facts.tag).toBe(KUBERNETES_TAG);
    expect(facts.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(facts.source).toMatch(
      new RegExp(`^repo: https://github.com/kubernetes/${repo}\\ntag: ${KUBERNETES_TAG}\\ncommit: ${facts.commit}\\n`),
    );
    for (const f of [...Object.values(facts.data).map((d) => d.file), ...facts.shape.map((s) => s.file)])
      expect(facts.source).toContain(`\n  - ${f}\n`);
  });
});

describe('apiserver pkg/cel: the environment and values a rule sees', () => {
  it.each(Object.entries(KUBERNETES_FUNCTIONS))(
    'library/%s: we register exactly the function names its LibraryDecls declares',
    (file, ours) => {
      expect([...ours].sort()).toEqual(apiserver.value<string[]>(`libraryFunctions.${file}`));
    },
  );

  it('environment/base.go registers these libraries (URLs and Lists are ported; a rule using another is "not checked")', () => {
    expect(apiserver.value<string[]>('baseLibraries')).toEqual([
      'URLs',
      'Regex',
      'Lists',
      'Authz',
      'Quantity',
      'ext.Strings(0)',
      'ext.Strings(2)',
      'ext.Sets',
      'IP',
      'CIDR',
      'Format',
      'AuthzSelectors',
      'ext.TwoVarComprehensions',
      'SemverLib',
      'ext.Lists(3)',
    ]);
  });

  it('regex.go declares find and findAll, which we do not register (rules using them are not checked)', () => {
    const ours = new Set(Object.values(KUBERNETES_FUNCTIONS).flat());
    const regex = apiserver.value<string[]>('libraryFunctions.regex.go');
    expect(regex).toEqual(['find', 'findAll']);
    for (const name of regex) expect(ours.has(name)).toBe(false);
  });

  it('valuesunstructured.go converts exactly the string formats CONVERTED_FORMATS names (such rules are not checked)', () => {
    expect([...CONVERTED_FORMATS].sort()).toEqual(apiserver.value<string[]>('convertedFormats'));
  });

  it('escaping.go: escapeProperty wraps exactly celReservedSymbols in __word__', () => {
    const reserved = apiserver.value<string[]>('reservedSymbols');
    expect([...RESERVED_WORDS].sort()).toEqual(reserved);
    for (const word of reserved) expect(escapeProperty(word)).toBe(`__${word}__`);
    expect(escapeProperty('notReserved')).toBe('notReserved');
  });

  it('escaping.go: escapeProperty expands the escape sequences Escape does', () => {
    for (const [seq, expanded] of Object.entries(apiserver.value<Record<string, string>>('escapes')))
      expect(escapeProperty(`a${seq}b`)).toBe(`a${expanded}b`);
  });

  it('urls.go: url() fails with its "URL parse error during conversion from string" text', () => {
    expect(urlParseError('parse "x": invalid URI for request')).toBe(
      goSprintf(apiserver.value('urlParseError'), 'parse "x": invalid URI for request'),
    );
  });

  it('lists.go: min()/max() of an empty list fail with "<fn> called on empty list"', () => {
    for (const op of ['min', 'max']) expect(emptyListError(op)).toBe(goSprintf(apiserver.value('emptyListError'), op));
  });

  it('apis/cel/config.go: MaxEvaluatedMessageExpressionSizeBytes', () => {
    expect(MAX_EVALUATED_MESSAGE_EXPRESSION_SIZE_BYTES).toBe(apiserver.value<number>('MaxEvaluatedMessageExpressionSizeBytes'));
  });
});

describe('apiextensions-apiserver validation.go: how a rule is run and reported', () => {
  it('a false rule without message says "failed rule: <rule>"', () => {
    expect(defaultMessage('self > 0')).toBe(goSprintf(apiextensions.value('defaultMessageFormat'), 'self > 0'));
  });

  it('an evaluation error says "<error> evaluating rule: <message or rule>"', () => {
    expect(evaluationError('no such key: x', 'must be set')).toBe(
      goSprintf(apiextensions.value('evaluationErrorFormat'), 'no such key: x', 'must be set'),
    );
  });

  it('a rule reason maps to the error type fieldErrorForReason builds (any other reason is Invalid)', () => {
    const constructors = apiextensions.value<Record<string, string>>('reasons');
    const types = field.value<Record<string, string>>('errorTypes');
    expect(Object.fromEntries(Object.entries(constructors).map(([reason, ctor]) => [reason, types[`ErrorType${ctor}`]]))).toEqual(
      REASON_TYPES,
    );
  });

  it('a messageExpression result is not used when not a string, too long, multi-line or empty (the message is)', () => {
    const rejections = apiextensions.value<string[]>('messageExpressionRejections');
    for (const r of [
      'messageExpression failed to convert to string',
      'messageExpression beyond allowable length of %d',
      'messageExpression should not contain line breaks',
      'messageExpression should evaluate to a non-empty string',
    ]) {
      expect(rejections).toContain(r);
    }
  });

  it('a custom resource is validated from the nil path, which field.Path prints as <nil>', () => {
    expect(NIL_PATH).toBe(field.value('nilPath'));
  });
});

/** The code-shape facts our evaluator relies on, by id, and where it does. */
const RELIED_ON: Record<'apiserver' | 'apiextensions-apiserver', Record<string, string>> = {
  apiserver: {
    'url-checks-parse-request-uri': 'library.ts url(): parseRequestURI',
    'isurl-is-parse-request-uri': 'library.ts isURL(): parseRequestURI succeeds',
    'number-binds-double': 'values.ts toCel: number -> double',
    'integer-binds-int': 'values.ts toCel: integer -> bigint',
    'reserved-words-wrapped': 'values.ts escapeProperty',
  },
  'apiextensions-apiserver': {
    'null-values-not-validated': 'validate.ts walk: null/undefined skipped',
    'transition-rules-skipped-on-create': 'validate.ts runRules: rule.transition skipped',
    'optional-old-self-runs-on-create': 'guarded below: no known CRD rule sets optionalOldSelf',
    'root-gets-type-and-object-meta': 'values.ts toCel(root): apiVersion, kind, metadata',
    'evaluation-error-invalid-schema-type': 'validate.ts runRules: Invalid at the node path, value = schema type',
    'true-passes': 'validate.ts evaluate: only true is PASS',
    'field-path-appended-on-false': 'validate.ts failure: fieldPath appended; error branch uses the node path',
    'message-expression-falls-back': 'validate.ts evaluate: { kind: fail } without message',
    'message-expression-trimmed': 'validate.ts evaluate: m.trim()',
    'message-expression-size-in-bytes': 'validate.ts evaluate: Buffer.byteLength',
    'value-omitted-for-object-array': 'validate.ts runRules: shownValue undefined for object/array',
    'false-rule-error-by-reason': 'validate.ts failure',
    'no-reason-is-invalid': 'validate.ts failure default',
    'rule-error-string': 'validate.ts ruleErrorString',
    'default-message-when-empty': 'validate.ts ruleMessageOrDefault',
    'map-values-walked': 'validate.ts walk: additionalProperties at [key]',
    'properties-walked': 'validate.ts walk: properties at .name',
    'array-items-walked': 'validate.ts walk: items at [index]',
    'cr-validated-from-nil-path': 'validate.ts shown(): root is <nil>',
    'defaults-absent-or-non-nullable-null': 'values.ts defaulted',
  },
};

describe.each([
  ['apiserver', apiserver],
  ['apiextensions-apiserver', apiextensions],
] as const)('%s: code-shape facts our evaluator relies on hold at the pinned commit', (repo, facts) => {
  const byId = new Map(facts.shape.map((s) => [s.id, s]));
  it.each(Object.entries(RELIED_ON[repo]))('%s (used by %s)', (id) => {
    const fact = byId.get(id);
    expect(fact).toBeDefined();
    expect(fact!.pattern.length).toBeGreaterThan(0);
    expect(fact!.pattern.length).toBeLessThanOrEqual(100);
  });
  it('the facts file holds no fact we do not rely on (each is listed above with its use)', () => {
    expect([...byId.keys()].sort()).toEqual(Object.keys(RELIED_ON[repo]).sort());
  });
});

describe('guards for upstream behaviour we do not port', () => {
  it('no known CRD rule sets optionalOldSelf (upstream runs such transition rules on create; we skip every transition rule)', () => {
    const withOptionalOldSelf = knownCrds().flatMap((crd) =>
      Object.keys(crd.versions).flatMap((version) =>
        allRules(ruleTree({ crd, version }))
          .filter((r) => r.rule.optionalOldSelf === true)
          .map((r) => `${crd.name} ${version}: ${r.rule.rule}`),
      ),
    );
    expect(withOptionalOldSelf).toEqual([]);
  });
});
