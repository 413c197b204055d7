/**
 * Runs a CRD's rules over one object as the API server does on create
 * (apiextensions-apiserver pkg/apiserver/schema/cel/validation.go `Validator.validate`): every
 * rule at every present value of its node (each list item, each map value), `self` bound to
 * that value, transition rules skipped (no old object). A false rule is
 * `field.Invalid(path[.fieldPath], value, message)` with the value omitted for objects and
 * arrays, or the error its `reason` names; an evaluation error is `field.Invalid(path,
 * <schema type>, "<error> evaluating rule: <message or rule>")`.
 */
import { isCelError } from '@bufbuild/cel';
import type { FieldError, FieldErrorType } from '../field';
import type { CompiledRule, RuleNode } from './compile';
import { defaulted, InvalidData, isJsonObject, NotPorted, toCel } from './values';

/** A rule this evaluator could not run on a value: never a pass. */
export interface NotChecked {
  readonly rule: string;
  readonly field: string;
  readonly reason: string;
}

export interface CelResultSet {
  readonly errors: FieldError[];
  readonly notChecked: NotChecked[];
}

/** Upstream field.Path String() of the nil path, where a custom resource's validation starts. */
export const NIL_PATH = '<nil>';
const shown = (path: string): string => (path === '' ? NIL_PATH : path);
const child = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`);

/** Upstream `ruleErrorString`: the message if set, else the rule. */
const ruleErrorString = (r: CompiledRule): string =>
  r.rule.message !== undefined && r.rule.message.trim() !== '' ? r.rule.message.trim() : r.rule.rule.trim();
/** Upstream's message of a false rule with no message: `failed rule: %s`. */
export const defaultMessage = (ruleErrorString: string): string => `failed rule: ${ruleErrorString}`;
/** Upstream's detail of an evaluation error: `%v evaluating rule: %v`. */
export const evaluationError = (err: string, ruleErrorString: string): string => `${err} evaluating rule: ${ruleErrorString}`;
/** Upstream `celconfig.MaxEvaluatedMessageExpressionSizeBytes`: a longer messageExpression result is not used. */
export const MAX_EVALUATED_MESSAGE_EXPRESSION_SIZE_BYTES = 5 * 1024;
/** Upstream `ruleMessageOrDefault`. */
const ruleMessageOrDefault = (r: CompiledRule): string =>
  r.rule.message !== undefined && r.rule.message !== '' ? r.rule.message.trim() : defaultMessage(ruleErrorString(r));

/** Where a rule comes from: `virtualservices.networking.istio.io v1 spec.http[*].timeout`. */
const whereOf = (r: CompiledRule): string => (r.origin === '' ? r.schemaPath : `${r.origin} ${r.schemaPath}`);
const ruleName = (r: CompiledRule): string => `x-kubernetes-validations (${whereOf(r)}): ${r.rule.rule}`;

/** The outcome of one rule on one value: passed, failed, or an evaluation error (its text), or not runnable. */
type Outcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'fail'; readonly message?: string }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'unsupported'; readonly text: string };
const PASS: Outcome = { kind: 'pass' };

/** Evaluator gaps (not data errors the API server would also hit): reported as not checked. */
const EVALUATOR_GAP = /^(unbound function|found no matching overload|unsupported input)/;

/** Scalar `self` outcomes by rule id and value; bounded, cleared when full. */
const MEMO_LIMIT = 20_000;
const memo = new Map<string, Outcome>();

/**
 * cel-go's wording of the data errors the API server reports (validation.go lists "no such key:
 * {key}" among them); @bufbuild/cel words a missing field differently.
 */
function celGoText(message: string): string {
  const missing = /^field not found: (.*)$/.exec(message);
  return missing === null ? message : `no such key: ${missing[1]}`;
}

const SKIP: Outcome = { kind: 'skip' };
/** Data of the wrong type met while a rule reads it lazily (values.ts InvalidData). */
const INVALID_DATA = /^invalid (data|type|array type)/;

function evaluate(rule: CompiledRule, self: unknown): Outcome {
  let result;
  try {
    result = rule.program!(self);
  } catch (e) {
    // Wrong-typed data (the OpenAPI schema check reports it; the API server then runs no rule).
    if (e instanceof InvalidData) return SKIP;
    if (e instanceof NotPorted) return { kind: 'unsupported', text: e.message };
    throw e;
  }
  if (isCelError(result)) {
    if (INVALID_DATA.test(result.message) || result.cause instanceof InvalidData) return SKIP;
    if (result.cause instanceof NotPorted) return { kind: 'unsupported', text: result.cause.message };
    return EVALUATOR_GAP.test(result.message)
      ? { kind: 'unsupported', text: result.message }
      : { kind: 'error', text: celGoText(result.message) };
  }
  if (result === true) return PASS;
  if (rule.messageProgram !== undefined) {
    const m = rule.messageProgram(self);
    // Upstream (evalMessageExpression): a non-string, empty, multi-line or failing message falls back to the message.
    if (typeof m === 'string') {
      const t = m.trim();
      if (t !== '' && !t.includes('\n') && Buffer.byteLength(t, 'utf8') <= MAX_EVALUATED_MESSAGE_EXPRESSION_SIZE_BYTES)
        return { kind: 'fail', message: t };
    }
  }
  return { kind: 'fail' };
}

function scalarKey(rule: CompiledRule, value: unknown): string | undefined {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? `${rule.id}\u0000${t}\u0000${String(value)}` : undefined;
}

function fieldError(type: FieldErrorType, field: string, value: { v: unknown } | undefined, detail: string, rule: string): FieldError {
  return { field, type, ...(value !== undefined && { value: value.v }), detail, rule };
}

/** Upstream `fieldErrorForReason`: the error type a rule's `reason` names (field.Forbidden, field.Required, field.Duplicate); any other is Invalid. */
export const REASON_TYPES: Readonly<Record<string, FieldErrorType>> = {
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueRequired: 'Required value',
};

/** Upstream `fieldErrorForReason`. */
function failure(rule: CompiledRule, path: string, value: { v: unknown } | undefined, detail: string): FieldError {
  const at = shown(rule.fieldPath === '' ? path : child(path, rule.fieldPath));
  const name = ruleName(rule);
  const reason = rule.rule.reason;
  const type = reason !== undefined && Object.hasOwn(REASON_TYPES, reason) ? REASON_TYPES[reason] : 'Invalid value';
  switch (type) {
    case 'Forbidden':
    case 'Required value':
      return fieldError(type, at, undefined, detail, name);
    case 'Duplicate value':
      return fieldError(type, at, value, '', name);
    default:
      return fieldError('Invalid value', at, value, detail, name);
  }
}

function runRules(node: RuleNode, value: unknown, path: string, out: CelResultSet): void {
  let self: unknown;
  let converted = false;
  for (const rule of node.rules) {
    if (rule.notChecked !== undefined) {
      out.notChecked.push({ rule: rule.rule.rule, field: shown(path), reason: `${rule.notChecked} (${whereOf(rule)})` });
      continue;
    }
    if (rule.transition) continue; // create: no old object, transition rules do not run
    const key = scalarKey(rule, value);
    let outcome = key === undefined ? undefined : memo.get(key);
    if (outcome === undefined) {
      if (!converted) {
        try {
          self = toCel(value, node.schema, node.root);
        } catch (e) {
          // Data the schema check rejects (the API server runs no rule then): nothing to add here.
          if (e instanceof InvalidData) return;
          if (e instanceof NotPorted) {
            for (const r of node.rules.filter((x) => x.notChecked === undefined && !x.transition))
              out.notChecked.push({ rule: r.rule.rule, field: shown(path), reason: `${e.message} (${whereOf(r)})` });
            return;
          }
          throw e;
        }
        converted = true;
      }
      outcome = evaluate(rule, self);
      if (key !== undefined) {
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(key, outcome);
      }
    }
    const type = node.schema.type ?? '';
    switch (outcome.kind) {
      case 'pass':
      case 'skip':
        break;
      case 'unsupported':
        out.notChecked.push({ rule: rule.rule.rule, field: shown(path), reason: `evaluator error: ${outcome.text} (${whereOf(rule)})` });
        break;
      case 'error':
        out.errors.push(
          fieldError('Invalid value', shown(path), { v: type }, evaluationError(outcome.text, ruleErrorString(rule)), ruleName(rule)),
        );
        break;
      case 'fail': {
        const shownValue = type === 'object' || type === 'array' ? undefined : { v: value };
        out.errors.push(failure(rule, path, shownValue, outcome.message ?? ruleMessageOrDefault(rule)));
        break;
      }
    }
  }
  for (const rule of node.nested)
    out.notChecked.push({ rule: rule.rule.rule, field: shown(path), reason: `${rule.notChecked!} (${whereOf(rule)})` });
}

/** Walks the present values under `node` (defaults applied), running each node's rules. */
export function walk(node: RuleNode, value: unknown, path: string, out: CelResultSet): void {
  if (value === null || value === undefined) return;
  if (node.rules.length > 0 || node.nested.length > 0) runRules(node, value, path, out);
  if (Array.isArray(value)) {
    if (node.items !== undefined) value.forEach((v, i) => walk(node.items!, v, `${path}[${i}]`, out));
    return;
  }
  if (!isJsonObject(value)) return;
  if (node.additionalProperties !== undefined)
    for (const [k, v] of Object.entries(value)) walk(node.additionalProperties, v, `${path}[${k}]`, out);
  if (node.properties !== undefined) {
    for (const [k, sub] of node.properties) {
      const v = defaulted(value, k, sub.schema);
      if (v !== undefined) walk(sub, v, child(path, k), out);
    }
  }
}
