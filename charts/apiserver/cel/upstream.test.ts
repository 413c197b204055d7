/**
 * The upstream facts charts/apiserver/cel relies on, read from the vendored Kubernetes sources
 * (vendor/kubernetes/<repo>/v0.35.7, scripts/vendor-kubernetes-cel.sh): a version bump that
 * changes one of them fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KUBERNETES_FUNCTIONS } from './library';
import { CONVERTED_FORMATS, escapeProperty } from './values';

const VENDOR = path.resolve(__dirname, '..', '..', '..', 'vendor', 'kubernetes');
const read = (repo: string, file: string): string => fs.readFileSync(path.join(VENDOR, repo, 'v0.35.7', file), 'utf8');
const validation = read('apiextensions-apiserver', 'pkg/apiserver/schema/cel/validation.go');
/** The text of one Go function (from its `func` line to the closing brace at column 0). */
const goFunc = (src: string, signature: string): string => {
  const start = src.indexOf(signature);
  if (start < 0) throw new Error(`${signature} not found`);
  return src.slice(start, src.indexOf('\n}\n', start));
};

describe('vendored Kubernetes v0.35.7 sources', () => {
  it('records the tag and full commit of each repository', () => {
    for (const repo of ['apiextensions-apiserver', 'apiserver', 'apimachinery']) {
      expect(read(repo, 'SOURCE')).toMatch(new RegExp(`^repo: https://github.com/kubernetes/${repo}\\ntag: v0\\.35\\.7\\ncommit: [0-9a-f]{40}\\n`));
    }
  });
});

describe('validation.go: how a rule is run and reported', () => {
  const expressions = goFunc(validation, 'func (s *Validator) validateExpressions(');

  it('skips transition rules when there is no old object (create)', () => {
    expect(expressions).toContain('if compiled.UsesOldSelf && oldObj == nil {');
  });

  it('reports an evaluation error as Invalid with the schema type, "<err> evaluating rule: <message or rule>", at the node path', () => {
    expect(expressions).toContain('errs = append(errs, field.Invalid(fldPath, sts.Type, fmt.Sprintf("%v evaluating rule: %v", err, ruleErrorString(rule))))');
    expect(validation).toContain('// no such key: {key}, index out of bounds: {index}, integer overflow, division by zero, ...');
  });

  it('reports a false rule with the value itself, omitted for objects and arrays, at the path plus fieldPath', () => {
    expect(expressions).toContain('currentFldPath = currentFldPath.Child(compiled.NormalizedRuleFieldPath)');
    expect(expressions).toMatch(/value := obj\n\s+if sts\.Type == "object" \|\| sts\.Type == "array" \{\n\s+value = field\.OmitValueType\{\}/);
    expect(expressions).toContain('addErr(fieldErrorForReason(currentFldPath, value, detail, rule.Reason))');
  });

  it('maps reason to the error type', () => {
    const reason = goFunc(validation, 'func fieldErrorForReason(');
    expect(reason).toContain('case apiextensions.FieldValueForbidden:\n\t\treturn field.Forbidden(fldPath, detail)');
    expect(reason).toContain('case apiextensions.FieldValueRequired:\n\t\treturn field.Required(fldPath, detail)');
    expect(reason).toContain('case apiextensions.FieldValueDuplicate:\n\t\treturn field.Duplicate(fldPath, value)');
    expect(reason).toContain('return field.Invalid(fldPath, value, detail)');
  });

  it('defaults the message to "failed rule: <rule>", trimmed', () => {
    expect(goFunc(validation, 'func ruleMessageOrDefault(')).toContain('return fmt.Sprintf("failed rule: %s", ruleErrorString(rule))');
    expect(goFunc(validation, 'func ruleErrorString(')).toContain('return strings.TrimSpace(rule.Message)');
  });

  it('rejects messageExpression results that are empty, multi-line or longer than the limit (then the message is used)', () => {
    const msg = goFunc(validation, 'func evalMessageExpression(');
    for (const s of ['messageExpression should not contain line breaks', 'messageExpression should evaluate to a non-empty string', 'celconfig.MaxEvaluatedMessageExpressionSizeBytes']) {
      expect(msg).toContain(s);
    }
    expect(expressions).toContain('if !ok {\n\t\t\tdetail = ruleMessageOrDefault(rule)');
  });

  it('walks every map value and list item, and only non-null values', () => {
    expect(goFunc(validation, 'func (s *Validator) validateMap(')).toContain('s.AdditionalProperties.validate(ctx, fldPath.Key(k), v,');
    expect(goFunc(validation, 'func (s *Validator) validateArray(')).toContain('s.Items.validate(ctx, fldPath.Index(i), obj[i],');
    expect(expressions).toContain('if obj == nil {');
  });

  it('starts custom resources at the nil path, which field.Path prints as <nil>', () => {
    expect(read('apiextensions-apiserver', 'pkg/registry/customresource/strategy.go')).toContain(
      'celValidator.Validate(ctx, nil, a.structuralSchema, u.Object, nil, celconfig.RuntimeCELCostBudget)',
    );
    expect(goFunc(read('apimachinery', 'pkg/util/validation/field/path.go'), 'func (p *Path) String()')).toContain('return "<nil>"');
  });

  it('prints an omitted value as just the error type', () => {
    const errors = read('apimachinery', 'pkg/util/validation/field/errors.go');
    expect(errors).toMatch(/if e\.BadValue == omitValue \{\n\s+s = e\.Type\.String\(\)/);
  });
});

describe('values: what a rule sees', () => {
  const values = read('apiserver', 'pkg/cel/common/valuesunstructured.go');

  it('binds integer as int and number (even whole) as double', () => {
    expect(values).toMatch(/if schema\.Type\(\) == "number" \{[\s\S]*?case int64:\n\s+return types\.Double\(v\)/);
    expect(values).toMatch(/if schema\.Type\(\) == "integer" \{[\s\S]*?case int64:\n\s+return types\.Int\(v\)/);
  });

  it('converts exactly these string formats before a rule sees them (not ported: such rules are not checked)', () => {
    const formats = [...values.matchAll(/case "([a-z-]+)":\n\s+(?:d|base64)/g)].map((m) => m[1]);
    expect(new Set(formats)).toEqual(CONVERTED_FORMATS);
  });

  it('escapes the reserved words escapeProperty escapes', () => {
    const escaping = read('apiserver', 'pkg/cel/escaping.go');
    const block = /var celReservedSymbols = sets\.NewString\(([\s\S]*?)\)/.exec(escaping)![1];
    const reserved = [...block.matchAll(/"([a-z]+)"/g)].map((m) => m[1]);
    expect(reserved.length).toBeGreaterThan(15);
    for (const word of reserved) expect(escapeProperty(word)).toBe(`__${word}__`);
    expect(escapeProperty('notReserved')).toBe('notReserved');
  });
});

describe('the CEL environment of CRD rules (environment/base.go)', () => {
  const baseGo = read('apiserver', 'pkg/cel/environment/base.go');
  const base = baseGo.slice(baseGo.indexOf('var baseOpts = []VersionedOptions{'), baseGo.indexOf('\n}\n', baseGo.indexOf('var baseOpts')));

  it('registers these libraries; the ported ones are URLs and Lists, the others make a rule "not checked"', () => {
    const libs = [...base.matchAll(/UnversionedLib\(library\.([A-Za-z]+)\)|library\.(SemverLib)\(|ext\.([A-Za-z]+)\(ext\.[A-Za-z]+Version\((\d)\)\)|ext\.(Sets|TwoVarComprehensions)\(\)/g)].map(
      (m) => m[1] ?? m[2] ?? (m[3] !== undefined ? `ext.${m[3]}(${m[4]})` : `ext.${m[5]}`),
    );
    expect(libs).toEqual(['URLs', 'Regex', 'Lists', 'Authz', 'Quantity', 'ext.Strings(0)', 'ext.Strings(2)', 'ext.Sets', 'IP', 'CIDR', 'Format', 'AuthzSelectors', 'ext.TwoVarComprehensions', 'SemverLib', 'ext.Lists(3)']);
  });

  it.each(Object.entries(KUBERNETES_FUNCTIONS))('%s: we register exactly the functions upstream declares', (file, ours) => {
    const src = read('apiserver', `pkg/cel/library/${file}`);
    const decls = /LibraryDecls = map\[string\]\[\]cel\.FunctionOpt\{([\s\S]*?)\n\}\n/.exec(src)![1];
    const names = [...decls.matchAll(/^\t"([A-Za-z]+)": /gm)].map((m) => m[1]);
    expect([...ours].sort()).toEqual([...names].sort());
  });

  it('url() checks with ParseRequestURI and reports its error behind a fixed prefix; isURL is ParseRequestURI succeeding', () => {
    const urls = read('apiserver', 'pkg/cel/library/urls.go');
    expect(goFunc(urls, 'func stringToUrl(')).toContain('_, err := url.ParseRequestURI(s)');
    expect(goFunc(urls, 'func stringToUrl(')).toContain('return types.NewErr("URL parse error during conversion from string: %v", err)');
    expect(goFunc(urls, 'func isURL(')).toContain('_, err := url.ParseRequestURI(s)\n\treturn types.Bool(err == nil)');
  });

  it('min/max of an empty list are errors named after the function', () => {
    expect(read('apiserver', 'pkg/cel/library/lists.go')).toContain('return types.NewErr("%s called on empty list", opName)');
  });
});
