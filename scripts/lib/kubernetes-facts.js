// Extracts, from one Kubernetes staging repository at one commit (a git dir, bare is fine), the
// upstream facts charts/apiserver relies on, and writes them as JSON: DATA ONLY (names, values,
// message literals, and for code-shape facts the short pattern found), never Go code.
//
//   node scripts/lib/kubernetes-facts.js <repo> <git-dir> <commit> <tag> <out.json> [previous-commit]
//
// <repo> is apimachinery, apiserver or apiextensions-apiserver. Prints the upstream files it read,
// one a line. Fails (exit 1) naming the fact, the file and what is missing when upstream changed:
// then read the file at the new tag, port the change, and update the pattern here.
//
// Two kinds of facts:
// - data: a value extracted from a file (function names a CEL library declares, a message literal,
//   a constant), each { file, value };
// - shape: a fact about how upstream code behaves, checked by a short literal pattern that must
//   occur in the file (or one function/region of it) after whitespace is collapsed and full-line
//   comments dropped; written as { id, fact, file, in?, pattern }.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');

const [repo, gitDir, commit, tag, out, previous] = process.argv.slice(2);
if (out === undefined) {
  console.error('usage: kubernetes-facts.js <repo> <git-dir> <commit> <tag> <out.json>');
  process.exit(2);
}

const read = new Map();
function file(path) {
  if (!read.has(path)) {
    try {
      read.set(
        path,
        execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      );
    } catch {
      fail(`${path} does not exist at ${tag} (${commit})`);
    }
  }
  return read.get(path);
}

function fail(message) {
  const e = new Error(message);
  e.fact = true;
  throw e;
}

/** The text of a function (from `from` to the first `to` after it, default the closing brace at column 0). */
function region(path, from, to = '\n}\n') {
  const text = file(path);
  const start = text.indexOf(from);
  if (start < 0) fail(`"${from}" not found in ${path}`);
  const end = text.indexOf(to, start + from.length);
  return text.slice(start, end < 0 ? text.length : end);
}

/** Full-line comments dropped, whitespace runs collapsed to one space. */
const normalize = (s) =>
  s
    .split('\n')
    .filter((l) => !/^\s*\/\//.test(l))
    .join('\n')
    .replace(/\s+/g, ' ');

/** Go string literals ("..." with escapes) to their values. */
const goString = (lit) => JSON.parse(lit);
const STRING = '"(?:[^"\\\\]|\\\\.)*"';

/** All matches of `re` (global) in `text`, capture 1. */
const all = (text, re) => [...text.matchAll(re)].map((m) => m[1]);

/** The single Go string literal captured by `re` in `text`. */
function literal(text, re, what) {
  const m = re.exec(text);
  if (m === null) fail(`${what}: no match for /${re.source}/`);
  return goString(m[1]);
}

function nonEmpty(value, what) {
  if (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0) fail(`${what}: nothing extracted`);
  return value;
}

/** `<name> = map[string][]cel.FunctionOpt{ "fn": ... }`: the declared function names, sorted. */
function libraryDecls(path) {
  const text = file(path);
  const m = /LibraryDecls = map\[string\]\[\]cel\.FunctionOpt\{([\s\S]*?)\n\}\n/.exec(text);
  if (m === null) fail(`LibraryDecls map not found in ${path}`);
  return nonEmpty(all(m[1], /^\t"([A-Za-z]+)": /gm).sort(), `LibraryDecls of ${path}`);
}

// ---------------------------------------------------------------------------------------------
// The facts, per repository. Order here is the order written (deterministic).

const VALIDATION = 'pkg/apiserver/schema/cel/validation.go';
const EXPRESSIONS = 'func (s *Validator) validateExpressions(';
const MSG_EXPR = 'func evalMessageExpression(';

const SPECS = {
  apimachinery: {
    out: 'field-facts.json',
    data: {
      // ErrorType.String(): Go constant name -> canonical text.
      errorTypes: [
        'pkg/util/validation/field/errors.go',
        (f) => {
          const body = region(f, 'func (t ErrorType) String() string {');
          const pairs = [...body.matchAll(new RegExp(`case (ErrorType[A-Za-z]+):\\s*return (${STRING})`, 'g'))];
          return nonEmpty(
            Object.fromEntries(pairs.map((m) => [m[1], goString(m[2])]).sort(([a], [b]) => (a < b ? -1 : 1))),
            'ErrorType.String',
          );
        },
      ],
      // ErrorBody(): the types printed without their value.
      typesWithoutValue: [
        'pkg/util/validation/field/errors.go',
        (f) => {
          const body = region(f, 'func (e *Error) ErrorBody() string {');
          const m = /switch e\.Type \{\s*case ([A-Za-z, \n\t]+):\s*s = e\.Type\.String\(\)/.exec(body);
          if (m === null) fail('ErrorBody: first case (types shown without value) not found');
          return m[1]
            .split(',')
            .map((s) => s.trim())
            .sort();
        },
      ],
      errorFormat: [
        'pkg/util/validation/field/errors.go',
        (f) =>
          literal(
            region(f, 'func (e *Error) Error() string {'),
            new RegExp(`fmt\\.Sprintf\\((${STRING}), e\\.Field, e\\.ErrorBody\\(\\)\\)`),
            'Error()',
          ),
      ],
      detailFormat: [
        'pkg/util/validation/field/errors.go',
        (f) =>
          literal(
            region(f, 'func (e *Error) ErrorBody() string {'),
            new RegExp(`s \\+= fmt\\.Sprintf\\((${STRING}), e\\.Detail\\)`),
            'ErrorBody detail',
          ),
      ],
      stringValueFormat: [
        'pkg/util/validation/field/errors.go',
        (f) =>
          literal(
            region(f, 'func (e *Error) ErrorBody() string {'),
            new RegExp(`case string:\\s*s = fmt\\.Sprintf\\((${STRING}), e\\.Type, t\\)`),
            'ErrorBody string value',
          ),
      ],
      simpleValueFormat: [
        'pkg/util/validation/field/errors.go',
        (f) =>
          literal(
            region(f, 'func (e *Error) ErrorBody() string {'),
            new RegExp(
              `case int64, int32, float64, float32, bool:[^\\n]*\\n(?:\\s*//[^\\n]*\\n)*\\s*s = fmt\\.Sprintf\\((${STRING}), e\\.Type, t\\)`,
            ),
            'ErrorBody simple value',
          ),
      ],
      notSupportedPrefix: [
        'pkg/util/validation/field/errors.go',
        (f) =>
          literal(
            region(f, 'func NotSupported['),
            new RegExp(`detail = (${STRING}) \\+ strings\\.Join\\(quotedValues, (${STRING})\\)`),
            'NotSupported detail',
          ),
      ],
      notSupportedSeparator: [
        'pkg/util/validation/field/errors.go',
        (f) =>
          literal(region(f, 'func NotSupported['), new RegExp(`strings\\.Join\\(quotedValues, (${STRING})\\)`), 'NotSupported separator'),
      ],
      tooLongFormat: [
        'pkg/util/validation/field/errors.go',
        (f) => literal(region(f, 'func TooLong('), new RegExp(`msg = fmt\\.Sprintf\\((${STRING}), maxLength, bs\\)`), 'TooLong'),
      ],
      tooLongUnbounded: [
        'pkg/util/validation/field/errors.go',
        (f) => literal(region(f, 'func TooLong('), new RegExp(`\\} else \\{\\s*msg = (${STRING})`), 'TooLong unbounded'),
      ],
      tooManyFormat: [
        'pkg/util/validation/field/errors.go',
        (f) => literal(region(f, 'func TooMany('), new RegExp(`msg = fmt\\.Sprintf\\((${STRING}), maxQuantity, is\\)`), 'TooMany'),
      ],
      tooManyUnbounded: [
        'pkg/util/validation/field/errors.go',
        (f) => literal(region(f, 'func TooMany('), new RegExp(`\\} else \\{\\s*msg = (${STRING})`), 'TooMany unbounded'),
      ],
      nilPath: [
        'pkg/util/validation/field/path.go',
        (f) =>
          literal(region(f, 'func (p *Path) String() string {'), new RegExp(`if p == nil \\{\\s*return (${STRING})`), 'Path.String of nil'),
      ],
    },
    shape: [
      [
        'omitted-value-prints-type-only',
        'a value omitted (OmitValueType) prints just the error type',
        'pkg/util/validation/field/errors.go',
        'func (e *Error) ErrorBody() string {',
        'if e.BadValue == omitValue { s = e.Type.String()',
      ],
      [
        'other-values-print-as-json',
        'values other than strings, numbers and booleans print as their JSON',
        'pkg/util/validation/field/errors.go',
        'func (e *Error) ErrorBody() string {',
        'jb, err := json.Marshal(e.BadValue) if err == nil { valstr = string(jb)',
      ],
      [
        'too-many-omits-negative-actual',
        'TooMany shows the actual count only when it is not negative',
        'pkg/util/validation/field/errors.go',
        'func TooMany(',
        'if actualQuantity >= 0 { actual = actualQuantity } else { actual = omitValue }',
      ],
      [
        'path-child-joins-with-dot',
        'a child path segment is joined with a dot, the root name without one',
        'pkg/util/validation/field/path.go',
        'func (p *Path) String() string {',
        'if p.parent != nil && len(p.name) > 0 { buf.WriteString(".") }',
      ],
      [
        'path-index-and-key-bracketed',
        'index and key segments print in brackets',
        'pkg/util/validation/field/path.go',
        'func (p *Path) String() string {',
        'fmt.Fprintf(buf, "[%s]", p.index)',
      ],
    ],
  },

  apiserver: {
    out: 'cel-facts.json',
    data: {
      'libraryFunctions.urls.go': ['pkg/cel/library/urls.go', libraryDecls],
      'libraryFunctions.lists.go': ['pkg/cel/library/lists.go', libraryDecls],
      'libraryFunctions.regex.go': ['pkg/cel/library/regex.go', libraryDecls],
      // environment/base.go baseOpts: the libraries every CEL environment (CRD rules included) gets, in order.
      baseLibraries: [
        'pkg/cel/environment/base.go',
        (f) => {
          const base = region(f, 'var baseOpts = []VersionedOptions{');
          const re =
            /UnversionedLib\(library\.([A-Za-z]+)\)|library\.(SemverLib)\(|ext\.([A-Za-z]+)\(ext\.[A-Za-z]+Version\((\d)\)\)|ext\.(Sets|TwoVarComprehensions)\(\)/g;
          return nonEmpty(
            [...base.matchAll(re)].map((m) => m[1] ?? m[2] ?? (m[3] !== undefined ? `ext.${m[3]}(${m[4]})` : `ext.${m[5]}`)),
            'baseOpts',
          );
        },
      ],
      // UnstructuredToVal: the string formats converted to other CEL types before a rule sees them.
      convertedFormats: [
        'pkg/cel/common/valuesunstructured.go',
        (f) => {
          const body = region(f, 'if schema.Type() == "string" {', '\n\t}\n');
          const at = body.indexOf('switch schema.Format() {');
          if (at < 0) fail('switch schema.Format() not found in the string branch');
          return nonEmpty(all(body.slice(at), /^\t\tcase "([a-z-]+)":/gm).sort(), 'converted formats');
        },
      ],
      reservedSymbols: [
        'pkg/cel/escaping.go',
        (f) => {
          const m = /var celReservedSymbols = sets\.NewString\(([\s\S]*?)\)/.exec(file(f));
          if (m === null) fail('celReservedSymbols not found');
          return nonEmpty(all(m[1], /"([a-z]+)"/g).sort(), 'celReservedSymbols');
        },
      ],
      // Escape: the sequences an escaped property name expands.
      escapes: [
        'pkg/cel/escaping.go',
        (f) => {
          const pairs = [...region(f, 'func Escape(').matchAll(new RegExp(`case (${STRING}):\\s*return (${STRING})`, 'g'))].map((m) => [
            goString(m[1]),
            goString(m[2]),
          ]);
          return nonEmpty(Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : 1))), 'escape sequences');
        },
      ],
      urlParseError: [
        'pkg/cel/library/urls.go',
        (f) => literal(region(f, 'func stringToUrl('), new RegExp(`types\\.NewErr\\((${STRING}), err\\)`), 'stringToUrl error'),
      ],
      emptyListError: [
        'pkg/cel/library/lists.go',
        (f) => literal(file(f), new RegExp(`types\\.NewErr\\((${STRING}), opName\\)`), 'min/max of an empty list'),
      ],
      MaxEvaluatedMessageExpressionSizeBytes: [
        'pkg/apis/cel/config.go',
        (f) => {
          const m = /MaxEvaluatedMessageExpressionSizeBytes = ([0-9]+(?: \* [0-9]+)*)\n/.exec(file(f));
          if (m === null) fail('MaxEvaluatedMessageExpressionSizeBytes is not a constant product of integers any more');
          return m[1].split(' * ').reduce((a, b) => a * Number(b), 1);
        },
      ],
    },
    shape: [
      [
        'url-checks-parse-request-uri',
        'url() accepts what url.ParseRequestURI accepts',
        'pkg/cel/library/urls.go',
        'func stringToUrl(',
        '_, err := url.ParseRequestURI(s)',
      ],
      [
        'isurl-is-parse-request-uri',
        'isURL() is url.ParseRequestURI succeeding',
        'pkg/cel/library/urls.go',
        'func isURL(',
        '_, err := url.ParseRequestURI(s) return types.Bool(err == nil)',
      ],
      [
        'number-binds-double',
        'a number (even a whole one) is bound as a double',
        'pkg/cel/common/valuesunstructured.go',
        ['if schema.Type() == "number" {', '\n\t}\n'],
        'case int64: return types.Double(v)',
      ],
      [
        'integer-binds-int',
        'an integer is bound as an int',
        'pkg/cel/common/valuesunstructured.go',
        ['if schema.Type() == "integer" {', '\n\t}\n'],
        'case int64: return types.Int(v)',
      ],
      [
        'reserved-words-wrapped',
        'a reserved word escapes to __word__',
        'pkg/cel/escaping.go',
        null,
        'if celReservedSymbols.Has(ident) { return "__" + ident + "__", true',
      ],
    ],
  },

  'apiextensions-apiserver': {
    out: 'cel-facts.json',
    data: {
      evaluationErrorFormat: [
        VALIDATION,
        (f) =>
          literal(
            region(f, EXPRESSIONS),
            new RegExp(
              `\\} else \\{\\s*(?://[^\\n]*\\n\\s*)*errs = append\\(errs, field\\.Invalid\\(fldPath, sts\\.Type, fmt\\.Sprintf\\((${STRING}), err, ruleErrorString\\(rule\\)\\)\\)\\)`,
            ),
            'evaluation error (the last else of if err != nil)',
          ),
      ],
      defaultMessageFormat: [
        VALIDATION,
        (f) =>
          literal(
            region(f, 'func ruleMessageOrDefault('),
            new RegExp(`return fmt\\.Sprintf\\((${STRING}), ruleErrorString\\(rule\\)\\)`),
            'ruleMessageOrDefault',
          ),
      ],
      // evalMessageExpression: why a messageExpression result is not used (logged; the message is used instead),
      // except running out of cost budget (an Invalid error; never reached here: we count no cost).
      messageExpressionRejections: [
        VALIDATION,
        (f) =>
          nonEmpty(
            [...new Set(all(region(f, MSG_EXPR), new RegExp(`Detail: (?:fmt\\.Sprintf\\()?(${STRING})`, 'g')).map(goString))],
            'evalMessageExpression details',
          ),
      ],
      reasons: [
        VALIDATION,
        (f) => {
          const body = region(f, 'func fieldErrorForReason(');
          const pairs = [...body.matchAll(/case apiextensions\.(FieldValue[A-Za-z]+):\s*return field\.([A-Za-z]+)\(/g)].map((m) => [
            m[1],
            m[2],
          ]);
          return nonEmpty(Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : 1))), 'fieldErrorForReason');
        },
      ],
    },
    shape: [
      ['null-values-not-validated', 'rules run only on non-null values', VALIDATION, EXPRESSIONS, 'if obj == nil {'],
      [
        'transition-rules-skipped-on-create',
        'a rule using oldSelf is skipped when there is no old object',
        VALIDATION,
        EXPRESSIONS,
        'if compiled.UsesOldSelf && oldObj == nil {',
      ],
      [
        'optional-old-self-runs-on-create',
        'except with optionalOldSelf: true (then it runs, oldSelf unset)',
        VALIDATION,
        EXPRESSIONS,
        'if !optionalOldSelfRule { continue }',
      ],
      [
        'root-gets-type-and-object-meta',
        'at the resource root, self has apiVersion, kind, metadata.name/generateName',
        VALIDATION,
        EXPRESSIONS,
        'if s.isResourceRoot { sts = model.WithTypeAndObjectMeta(sts) }',
      ],
      [
        'evaluation-error-invalid-schema-type',
        'an evaluation error is Invalid at the node path with the schema type as value',
        VALIDATION,
        EXPRESSIONS,
        'errs = append(errs, field.Invalid(fldPath, sts.Type, fmt.Sprintf("%v evaluating rule: %v"',
      ],
      ['true-passes', 'only a true result passes', VALIDATION, EXPRESSIONS, 'if evalResult == types.True { continue }'],
      [
        'field-path-appended-on-false',
        'fieldPath is appended only for a false result (after the error branch)',
        VALIDATION,
        EXPRESSIONS,
        'currentFldPath = currentFldPath.Child(compiled.NormalizedRuleFieldPath)',
      ],
      [
        'message-expression-falls-back',
        'a messageExpression that cannot be used falls back to message or the default',
        VALIDATION,
        EXPRESSIONS,
        'if !ok { detail = ruleMessageOrDefault(rule) }',
      ],
      [
        'message-expression-trimmed',
        'a messageExpression result is trimmed before its checks',
        VALIDATION,
        MSG_EXPR,
        'trimmedMsgStr := strings.TrimSpace(messageStr)',
      ],
      [
        'message-expression-size-in-bytes',
        'its length limit is in bytes (Go len)',
        VALIDATION,
        MSG_EXPR,
        'if len(trimmedMsgStr) > celconfig.MaxEvaluatedMessageExpressionSizeBytes {',
      ],
      [
        'value-omitted-for-object-array',
        'a false rule on an object or array omits the value',
        VALIDATION,
        EXPRESSIONS,
        'value := obj if sts.Type == "object" || sts.Type == "array" { value = field.OmitValueType{} }',
      ],
      [
        'false-rule-error-by-reason',
        'a false rule is reported with the error its reason names',
        VALIDATION,
        EXPRESSIONS,
        'addErr(fieldErrorForReason(currentFldPath, value, detail, rule.Reason))',
      ],
      [
        'no-reason-is-invalid',
        'no reason (or an unknown one) is Invalid',
        VALIDATION,
        'func fieldErrorForReason(',
        'if reason == nil { return field.Invalid(fldPath, value, detail) }',
      ],
      [
        'rule-error-string',
        'ruleErrorString is the trimmed message if non-empty, else the trimmed rule',
        VALIDATION,
        'func ruleErrorString(',
        'return strings.TrimSpace(rule.Message) } return strings.TrimSpace(rule.Rule)',
      ],
      [
        'default-message-when-empty',
        'the default message applies only when message is empty',
        VALIDATION,
        'func ruleMessageOrDefault(',
        'if len(rule.Message) == 0 {',
      ],
      [
        'map-values-walked',
        'every value of a map (additionalProperties) is validated at [key]',
        VALIDATION,
        'func (s *Validator) validateMap(',
        's.AdditionalProperties.validate(ctx, fldPath.Key(k), v,',
      ],
      [
        'properties-walked',
        'every present property is validated at .name',
        VALIDATION,
        'func (s *Validator) validateMap(',
        'sub.validate(ctx, fldPath.Child(k), v,',
      ],
      [
        'array-items-walked',
        'every list item is validated at [index]',
        VALIDATION,
        'func (s *Validator) validateArray(',
        's.Items.validate(ctx, fldPath.Index(i), obj[i],',
      ],
      [
        'cr-validated-from-nil-path',
        'a custom resource is validated on create from the nil path (printed <nil>)',
        'pkg/registry/customresource/strategy.go',
        'func (a customResourceStrategy) Validate(',
        'celValidator.Validate(ctx, nil, a.structuralSchema, u.Object, nil, celconfig.RuntimeCELCostBudget)',
      ],
      [
        'defaults-absent-or-non-nullable-null',
        'a default applies to an absent property or a null one that is not nullable',
        'pkg/apiserver/schema/defaulting/algorithm.go',
        'func Default(',
        'if _, found := x[k]; !found || isNonNullableNull(x[k], &prop) {',
      ],
    ],
  },
};

// ---------------------------------------------------------------------------------------------

const spec = SPECS[repo];
if (spec === undefined) {
  console.error(`kubernetes-facts.js: unknown repo ${repo} (one of ${Object.keys(SPECS).join(', ')})`);
  process.exit(2);
}

const failures = [];
const data = {};
for (const [id, [path, extract]] of Object.entries(spec.data)) {
  try {
    data[id] = { file: path, value: extract(path) };
  } catch (e) {
    if (!e.fact) throw e;
    failures.push([path, `data "${id}" (${path}): ${e.message}`]);
  }
}
const shape = [];
for (const [id, fact, path, scope, pattern] of spec.shape) {
  try {
    if (pattern.length > 100) fail(`pattern longer than 100 characters: shorten it`);
    const text = scope === null ? file(path) : Array.isArray(scope) ? region(path, ...scope) : region(path, scope);
    if (!normalize(text).includes(pattern)) {
      fail(`pattern not found${scope === null ? '' : ` in ${Array.isArray(scope) ? scope[0] : scope}...`}: ${JSON.stringify(pattern)}`);
    }
    shape.push({ id, fact, file: path, ...(scope !== null && { in: Array.isArray(scope) ? scope[0] : scope }), pattern });
  } catch (e) {
    if (!e.fact) throw e;
    failures.push([path, `fact "${id}" (${fact}) in ${path}: ${e.message}`]);
  }
}
if (failures.length > 0) {
  console.error(`kubernetes-facts.js: ${repo} ${tag} (${commit}) no longer states what charts/apiserver relies on:`);
  for (const [, f] of failures) console.error(`  - ${f}`);
  // What changed: upstream commits touching those files since the commit the committed facts came from.
  if (previous !== undefined && previous !== '' && previous !== commit) {
    for (const path of [...new Set(failures.map(([p]) => p))]) {
      let log = '';
      try {
        log = execFileSync('git', ['--git-dir', gitDir, 'log', '--oneline', '-10', `${previous}...${commit}`, '--', path], {
          encoding: 'utf8',
        });
      } catch {
        log = '(no log: is the previous commit in this clone?)\n';
      }
      console.error(
        `${path}: commits between ${previous} and ${commit}:\n${log || '(no commits between them touch it: the pattern or extractor is wrong)\n'}  see: git --git-dir=${gitDir} diff ${previous} ${commit} -- ${path}`,
      );
    }
  }
  console.error('Port the change in charts/apiserver, then update the pattern in scripts/lib/kubernetes-facts.js.');
  process.exit(1);
}

const json = { repo: `https://github.com/kubernetes/${repo}`, tag, commit, data, shape };
fs.writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
process.stdout.write(
  [...read.keys()]
    .sort()
    .map((f) => `${f}\n`)
    .join(''),
);
