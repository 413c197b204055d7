/**
 * Compiles a CRD version's rules once: each rule parsed and planned in the shared environment,
 * in a tree that mirrors the schema only where rules sit below (apiextensions-apiserver
 * pkg/apiserver/schema/cel/validation.go `validator`/`hasXValidations`). A rule is "not checked"
 * when it uses a function this evaluator lacks, does not parse, or reads a string format the
 * API server converts (duration, date-time, ...) and this port does not (a rule that never names
 * such a field reads none: `convertedFormatRead`); transition rules (using
 * `oldSelf`) do not run on create.
 */
import { parse, plan, type CelResult } from '@bufbuild/cel';
import { ruleEnv } from './library';
import type { CelRule, CelSchemaNode } from './schema';
import { convertedFormatRead, type FieldsRead } from './values';

export type RuleProgram = (self: unknown) => CelResult;

interface RuleState {
  readonly program?: RuleProgram;
  readonly messageProgram?: RuleProgram;
  readonly notChecked?: string;
  readonly transition: boolean;
}

/**
 * One rule at one schema node. Its expression is parsed and planned on first use (parsing costs
 * ~0.7 ms a rule; most rules of a kind never meet a present value in a given run).
 */
export class CompiledRule {
  /** Unique per compiled rule: the memo key prefix. */
  readonly id = nextId++;
  /** `fieldPath` normalized as upstream's `ValidFieldPath(...).String()`; '' when unset or invalid. */
  readonly fieldPath: string;
  private state: RuleState | undefined;

  constructor(
    readonly rule: CelRule,
    /** Where the rule sits, for reports: `spec.http[*].timeout`. */
    readonly schemaPath: string,
    /** Whose rule it is, for reports: `virtualservices.networking.istio.io v1` ('' in tests). */
    readonly origin: string,
    private readonly schema: CelSchemaNode,
    /** Set when the rule is known unrunnable before parsing (e.g. it sits inside allOf). */
    fixedNotChecked?: string,
  ) {
    this.fieldPath = normalizeFieldPath(rule.fieldPath, schema);
    if (fixedNotChecked !== undefined) this.state = { transition: false, notChecked: fixedNotChecked };
  }

  private resolve(): RuleState {
    this.state ??= compileRule(this.rule, this.schema);
    return this.state;
  }

  get program(): RuleProgram | undefined {
    return this.resolve().program;
  }

  get messageProgram(): RuleProgram | undefined {
    return this.resolve().messageProgram;
  }

  /** Set when the rule cannot be run here: why. */
  get notChecked(): string | undefined {
    return this.resolve().notChecked;
  }

  /** Uses `oldSelf`: runs on updates only. */
  get transition(): boolean {
    return this.resolve().transition;
  }
}

export interface RuleNode {
  readonly schema: CelSchemaNode;
  readonly root: boolean;
  readonly rules: readonly CompiledRule[];
  readonly properties?: ReadonlyMap<string, RuleNode>;
  readonly items?: RuleNode;
  readonly additionalProperties?: RuleNode;
  /** Rules inside `allOf`/`anyOf`/`oneOf`/`not` at this node: reported, never run. */
  readonly nested: readonly CompiledRule[];
}

let nextId = 0;

/** The parsed expression type (from @bufbuild/cel-spec, which is not a direct dependency). */
type Expr = ReturnType<typeof parse>['expr'];

/** Function names a parsed expression calls (operators and macro internals excluded). */
function calledFunctions(e: Expr | undefined, out: Set<string>): Set<string> {
  if (e === undefined) return out;
  const k = e.exprKind;
  switch (k.case) {
    case 'callExpr':
      if (/^[A-Za-z]/.test(k.value.function)) out.add(k.value.function);
      calledFunctions(k.value.target, out);
      for (const a of k.value.args) calledFunctions(a, out);
      break;
    case 'selectExpr':
      calledFunctions(k.value.operand, out);
      break;
    case 'listExpr':
      for (const a of k.value.elements) calledFunctions(a, out);
      break;
    case 'structExpr':
      for (const en of k.value.entries) {
        if (en.keyKind.case === 'mapKey') calledFunctions(en.keyKind.value, out);
        calledFunctions(en.value, out);
      }
      break;
    case 'comprehensionExpr':
      for (const x of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result])
        calledFunctions(x, out);
      break;
    default:
      break;
  }
  return out;
}

/** CEL's comparison and membership operators: a selected value that is their operand is read whole. */
const COMPARISONS = new Set(['_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '@in']);

/** The field names an expression selects, and which values it compares whole (`FieldsRead`). */
export function fieldsRead(e: Expr | undefined): FieldsRead {
  const names = new Set<string>();
  const compared = new Set<string>();
  let comparesVariable = false;
  const visit = (x: Expr | undefined): void => {
    if (x === undefined) return;
    const k = x.exprKind;
    switch (k.case) {
      case 'selectExpr':
        names.add(k.value.field);
        visit(k.value.operand);
        break;
      case 'callExpr':
        if (COMPARISONS.has(k.value.function))
          for (const a of k.value.args) {
            if (a.exprKind.case === 'identExpr') comparesVariable = true;
            if (a.exprKind.case === 'selectExpr') compared.add(a.exprKind.value.field);
          }
        visit(k.value.target);
        for (const a of k.value.args) visit(a);
        break;
      case 'listExpr':
        for (const a of k.value.elements) visit(a);
        break;
      case 'structExpr':
        for (const en of k.value.entries) {
          if (en.keyKind.case === 'mapKey') visit(en.keyKind.value);
          visit(en.value);
        }
        break;
      case 'comprehensionExpr':
        for (const y of [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result]) visit(y);
        break;
      default:
        break;
    }
  };
  visit(e);
  return { names, compared, comparesVariable };
}

function usesIdent(e: Expr | undefined, name: string): boolean {
  if (e === undefined) return false;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr':
      return k.value.name === name;
    case 'callExpr':
      return usesIdent(k.value.target, name) || k.value.args.some((a) => usesIdent(a, name));
    case 'selectExpr':
      return usesIdent(k.value.operand, name);
    case 'listExpr':
      return k.value.elements.some((a) => usesIdent(a, name));
    case 'structExpr':
      return k.value.entries.some((en) => (en.keyKind.case === 'mapKey' && usesIdent(en.keyKind.value, name)) || usesIdent(en.value, name));
    case 'comprehensionExpr':
      return [k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result].some((x) => usesIdent(x, name));
    default:
      return false;
  }
}

type Compiled = { program: RuleProgram; transition: boolean; read: FieldsRead } | { error: string };

/** Compiled programs by source text: 160 of Istio's rules are one duration rule. */
const programs = new Map<string, Compiled>();

function compileExpression(src: string): Compiled {
  let compiled = programs.get(src);
  if (compiled === undefined) {
    compiled = compileFresh(src);
    programs.set(src, compiled);
  }
  return compiled;
}

function compileFresh(src: string): Compiled {
  let expr: Expr;
  try {
    expr = parse(src).expr;
  } catch (e) {
    return { error: `does not parse: ${(e as Error).message.split('\n')[0]}` };
  }
  const env = ruleEnv();
  const missing = [...calledFunctions(expr, new Set())].filter((f) => env.funcs.find(f) === undefined).sort();
  if (missing.length > 0) return { error: `uses ${missing.map((f) => `${f}()`).join(', ')}, not implemented by this evaluator` };
  const run = plan(env, expr);
  return { program: (self) => run({ self } as never), transition: usesIdent(expr, 'oldSelf'), read: fieldsRead(expr) };
}

/** Upstream `ValidFieldPath(...).String()` for the simple forms (`.a.b`, `['k']`); '' when it cannot resolve the path. */
export function normalizeFieldPath(fieldPath: string | undefined, schema: CelSchemaNode): string {
  if (fieldPath === undefined || fieldPath === '') return '';
  const tokens = fieldPath.match(/\.[^.[\]]+|\['(?:[^'\\]|\\.)*'\]/g);
  if (tokens === null || tokens.join('') !== fieldPath) return '';
  let out = '';
  let node: CelSchemaNode | undefined = schema;
  for (const t of tokens) {
    const name = t.startsWith('.') ? t.slice(1) : t.slice(2, -2).replace(/\\(.)/g, '$1');
    if (node?.properties !== undefined) {
      node = node.properties[name];
      if (node === undefined) return '';
      out = out === '' ? name : `${out}.${name}`;
    } else if (node?.additionalProperties !== undefined) {
      node = node.additionalProperties;
      out = `${out}[${name}]`;
    } else {
      return '';
    }
  }
  return out;
}

function compileRule(rule: CelRule, schema: CelSchemaNode): RuleState {
  const compiled = compileExpression(rule.rule);
  if ('error' in compiled) return { transition: false, notChecked: compiled.error };
  const format = convertedFormatRead(schema, compiled.read);
  if (format !== undefined)
    return {
      transition: compiled.transition,
      notChecked: `reads a string of format ${format}, which the API server converts before a rule sees it (not ported)`,
    };
  let messageProgram: RuleProgram | undefined;
  if (rule.messageExpression !== undefined) {
    const m = compileExpression(rule.messageExpression);
    // Upstream falls back to the message when messageExpression fails to evaluate; so does an unsupported one here.
    if ('program' in m) messageProgram = m.program;
  }
  return { program: compiled.program, transition: compiled.transition, ...(messageProgram !== undefined && { messageProgram }) };
}

function hasRules(s: CelSchemaNode): boolean {
  return (
    (s.rules?.length ?? 0) > 0 ||
    (s.nestedRules?.length ?? 0) > 0 ||
    (s.items !== undefined && hasRules(s.items)) ||
    (s.additionalProperties !== undefined && hasRules(s.additionalProperties)) ||
    Object.values(s.properties ?? {}).some(hasRules)
  );
}

/**
 * The rule tree of one schema, or undefined when it has no rules. `origin` names the CRD and
 * version in reports; `path` is the schema path of `schema`.
 */
export function compileSchema(schema: CelSchemaNode, origin = '', path = '', root = true): RuleNode | undefined {
  if (!hasRules(schema)) return undefined;
  const at = path === '' ? '<root>' : path;
  const properties = new Map<string, RuleNode>();
  for (const [k, p] of Object.entries(schema.properties ?? {})) {
    const n = compileSchema(p, origin, path === '' ? k : `${path}.${k}`, p.embedded === true);
    if (n !== undefined) properties.set(k, n);
  }
  const items = schema.items === undefined ? undefined : compileSchema(schema.items, origin, `${path}[*]`, schema.items.embedded === true);
  const additionalProperties =
    schema.additionalProperties === undefined
      ? undefined
      : compileSchema(schema.additionalProperties, origin, `${path}[*]`, schema.additionalProperties.embedded === true);
  return {
    schema,
    root,
    rules: (schema.rules ?? []).map((r) => new CompiledRule(r, at, origin, schema)),
    nested: (schema.nestedRules ?? []).map(
      ({ where, rule }) =>
        new CompiledRule(rule, `${at} ${where}`, origin, {}, `sits inside ${where.split(/[[.]/)[0]}, which this evaluator does not walk`),
    ),
    ...(properties.size > 0 && { properties }),
    ...(items !== undefined && { items }),
    ...(additionalProperties !== undefined && { additionalProperties }),
  };
}

/** Every compiled rule of a tree, depth first. */
export function allRules(node: RuleNode | undefined): CompiledRule[] {
  if (node === undefined) return [];
  return [
    ...node.rules,
    ...node.nested,
    ...[...(node.properties?.values() ?? [])].flatMap(allRules),
    ...allRules(node.items),
    ...allRules(node.additionalProperties),
  ];
}
