/**
 * A minimal evaluator of Go's text/template, for the upstream contract tests only: it renders
 * the few blocks of Istio's chart and injection templates whose output the platform relies on.
 * No maintained JavaScript implementation of Go templates (with Helm's and Istio's functions)
 * exists on npm, so this covers only what those blocks use, and refuses everything else:
 *
 * - control: if / else if / else, with, range over an empty value, `$x := ...`, define/include;
 * - expressions: `.A.B` fields, `$x`, literals, `( ... )`, pipelines with `|`, and the
 *   functions in FUNCTIONS (Go's builtins and the Sprig ones the blocks call);
 * - anything else (Istio's `annotation`, `isset`, `index`, ... or a field the data lacks)
 *   must be answered by the caller's `table`, keyed by the expression's exact text, or the
 *   render throws. A version bump that changes a block therefore fails the test until someone
 *   re-reads the template and updates the table.
 */
import { stringify } from 'yaml';

export class TemplateError extends Error {}

export interface RenderOptions {
  /** The template's `.` (and `$`): e.g. `{ Values, Release }`. */
  readonly data: Record<string, unknown>;
  /** Values of expressions the evaluator does not compute, keyed by their text (whitespace collapsed). */
  readonly table?: Readonly<Record<string, unknown>>;
  /** `define`d templates `include` may call (from the chart's `_helpers.tpl`). */
  readonly defines?: Readonly<Record<string, Node[]>>;
  /**
   * Field paths (prefixes, e.g. `.Values.labels.`) where a missing map key is nil, as Helm's
   * `missingkey=zero` renders it; everywhere else a missing key throws.
   */
  readonly lenientPaths?: readonly string[];
}

export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'output'; readonly expr: string }
  | { readonly kind: 'assign'; readonly name: string; readonly expr: string }
  | { readonly kind: 'if'; readonly branches: ReadonlyArray<{ readonly cond: string; readonly body: Node[] }>; readonly otherwise: Node[] }
  | { readonly kind: 'with' | 'range'; readonly expr: string; readonly body: Node[]; readonly otherwise: Node[] };

interface Token {
  readonly text?: string;
  readonly action?: string;
}

const ACTION = /\{\{(-[ \t\r\n])?([\s\S]*?)([ \t\r\n]-)?\}\}/g;

/** Text and actions, with `{{-` / `-}}` whitespace trimming applied and comments dropped. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  let trimNext = false;
  for (const m of source.matchAll(ACTION)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] !== undefined) text = text.replace(/\s+$/, '');
    if (text !== '') tokens.push({ text });
    const action = m[2].trim();
    if (!(action.startsWith('/*') && action.endsWith('*/'))) tokens.push({ action });
    trimNext = m[3] !== undefined;
    last = (m.index ?? 0) + m[0].length;
  }
  let tail = source.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  if (tail !== '') tokens.push({ text: tail });
  return tokens;
}

/** Parses a template into nodes and the `define`s it holds. */
export function parse(source: string): { nodes: Node[]; defines: Record<string, Node[]> } {
  const tokens = tokenize(source);
  const defines: Record<string, Node[]> = {};
  let i = 0;
  // Parses until one of `stops` (an action keyword); returns the nodes and the stop met.
  const block = (stops: readonly string[]): { nodes: Node[]; stop: string } => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t.text !== undefined) {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const action = t.action ?? '';
      const keyword = action.split(/\s+/, 1)[0];
      if (stops.includes(keyword)) return { nodes, stop: action };
      if (keyword === 'if') {
        nodes.push(parseIf(action.slice(2).trim()));
        continue;
      }
      if (keyword === 'with' || keyword === 'range') {
        const body = block(['else', 'end']);
        const otherwise = body.stop === 'else' ? block(['end']).nodes : [];
        nodes.push({ kind: keyword, expr: action.slice(keyword.length).trim(), body: body.nodes, otherwise });
        continue;
      }
      if (keyword === 'define') {
        const name = /^define\s+"([^"]+)"$/.exec(action)?.[1];
        if (name === undefined) throw new TemplateError(`cannot read {{ ${action} }}`);
        defines[name] = block(['end']).nodes;
        continue;
      }
      if (
        keyword === 'else' ||
        keyword === 'end' ||
        keyword === 'template' ||
        keyword === 'block' ||
        keyword === 'break' ||
        keyword === 'continue'
      ) {
        throw new TemplateError(`unexpected {{ ${action} }}`);
      }
      const assign = /^(\$\w*)\s*:?=\s*([\s\S]+)$/.exec(action);
      if (assign !== null) {
        nodes.push({ kind: 'assign', name: assign[1], expr: assign[2] });
        continue;
      }
      nodes.push({ kind: 'output', expr: action });
    }
    if (stops.length > 0) throw new TemplateError(`missing {{ end }} (expected one of ${stops.join(', ')})`);
    return { nodes, stop: '' };
  };
  const parseIf = (firstCond: string): Node => {
    const branches: Array<{ cond: string; body: Node[] }> = [];
    let cond = firstCond;
    for (;;) {
      const body = block(['else', 'end']);
      branches.push({ cond, body: body.nodes });
      if (body.stop === 'end') return { kind: 'if', branches, otherwise: [] };
      const rest = body.stop.replace(/^else\s*/, '');
      if (rest === '') return { kind: 'if', branches, otherwise: block(['end']).nodes };
      if (!rest.startsWith('if ')) throw new TemplateError(`unsupported {{ ${body.stop} }}`);
      cond = rest.slice(3).trim();
    }
  };
  const { nodes } = block([]);
  return { nodes, defines };
}

/** Go's truth: false, 0, nil, "" and empty lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Fn = (args: ReadonlyArray<() => unknown>) => unknown;

const str = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  // Go prints maps and slices in its own format (`map[a:1]`, `[a b]`), which is not emulated: refuse.
  throw new TemplateError(`cannot print a ${Array.isArray(v) ? 'list' : typeof v} as text: Go's formatting of it is not emulated`);
};
const indent = (n: number, s: string): string => ' '.repeat(n) + s.replace(/\n/g, `\n${' '.repeat(n)}`);

function comparable(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b || a === null || b === null || typeof a === 'object') {
    throw new TemplateError(`eq/ne of incomparable values ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
  }
  return a === b;
}

/** Go's builtins and the Sprig functions the rendered blocks use; arguments are lazy (and/or short-circuit). */
const FUNCTIONS: Readonly<Record<string, Fn>> = {
  not: ([a]) => !truthy(a()),
  and: (args) => {
    let v: unknown = true;
    for (const a of args) {
      v = a();
      if (!truthy(v)) return v;
    }
    return v;
  },
  or: (args) => {
    let v: unknown = false;
    for (const a of args) {
      v = a();
      if (truthy(v)) return v;
    }
    return v;
  },
  eq: ([a, b]) => comparable(a(), b()),
  ne: ([a, b]) => !comparable(a(), b()),
  default: ([d, v]) => {
    const value = v === undefined ? undefined : v();
    return truthy(value) ? value : d();
  },
  quote: ([v]) => {
    const value = v();
    return value === undefined || value === null ? '' : JSON.stringify(str(value));
  },
  trimPrefix: ([p, s]) => {
    const prefix = str(p());
    const value = str(s());
    return value.startsWith(prefix) ? value.slice(prefix.length) : value;
  },
  contains: ([sub, s]) => str(s()).includes(str(sub())),
  toYaml: ([v]) => stringify(v(), { lineWidth: 0 }).replace(/\n$/, ''),
  trim: ([s]) => str(s()).trim(),
  indent: ([n, s]) => indent(Number(n()), str(s())),
  nindent: ([n, s]) => `\n${indent(Number(n()), str(s()))}`,
};

/** Splits at top-level separators (outside quotes and parentheses). */
function split(text: string, separator: (c: string) => boolean): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const c of text) {
    if (quote !== '') {
      current += c;
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === '`') {
      quote = c;
      current += c;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (depth === 0 && separator(c)) {
      if (current.trim() !== '') parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '') parts.push(current.trim());
  return parts;
}

class Evaluator {
  private readonly vars = new Map<string, unknown>();
  private readonly table: Readonly<Record<string, unknown>>;

  constructor(private readonly options: RenderOptions) {
    this.table = options.table ?? {};
    this.vars.set('$', options.data);
  }

  render(nodes: readonly Node[], dot: unknown): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'output':
          out += this.print(this.pipeline(node.expr, dot), node.expr);
          break;
        case 'assign':
          this.vars.set(node.name, this.pipeline(node.expr, dot));
          break;
        case 'if': {
          const branch = node.branches.find((b) => truthy(this.pipeline(b.cond, dot)));
          out += this.render(branch?.body ?? node.otherwise, dot);
          break;
        }
        case 'with': {
          const value = this.pipeline(node.expr, dot);
          out += truthy(value) ? this.render(node.body, value) : this.render(node.otherwise, dot);
          break;
        }
        case 'range': {
          const value = this.pipeline(node.expr, dot);
          if (truthy(value)) throw new TemplateError(`range over a non-empty value is not supported: {{ range ${node.expr} }}`);
          out += this.render(node.otherwise, dot);
          break;
        }
      }
    }
    return out;
  }

  private print(v: unknown, expr: string): string {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new TemplateError(`{{ ${expr} }} gives ${JSON.stringify(v)}, which this evaluator will not print`);
  }

  private known(text: string): { found: boolean; value?: unknown } {
    const key = text.replace(/\s+/g, ' ').trim();
    return Object.prototype.hasOwnProperty.call(this.table, key) ? { found: true, value: this.table[key] } : { found: false };
  }

  pipeline(text: string, dot: unknown): unknown {
    const known = this.known(text);
    if (known.found) return known.value;
    const commands = split(text, (c) => c === '|');
    let previous: (() => unknown) | undefined;
    for (const command of commands) {
      const words = split(command, (c) => /\s/.test(c));
      const [head, ...rest] = words;
      const fn = FUNCTIONS[head] ?? (head === 'include' ? this.include : undefined);
      let value: unknown;
      if (fn !== undefined) {
        const args = rest.map((w) => () => this.operand(w, dot));
        value = fn(previous === undefined ? args : [...args, previous]);
      } else if (/^[a-zA-Z]\w*$/.test(head)) {
        throw new TemplateError(`unknown function "${head}" in {{ ${text} }}: add the expression's value to the table`);
      } else {
        if (rest.length > 0 || previous !== undefined) throw new TemplateError(`cannot evaluate {{ ${text} }}`);
        value = this.operand(head, dot);
      }
      const settled = value;
      previous = () => settled;
    }
    return previous?.();
  }

  private readonly include: Fn = ([name, dot]) => {
    const template = this.options.defines?.[str(name())];
    if (template === undefined) throw new TemplateError(`include of undefined template ${JSON.stringify(name())}`);
    return this.render(template, dot());
  };

  private operand(word: string, dot: unknown): unknown {
    const known = this.known(word);
    if (known.found) return known.value;
    if (word.startsWith('(')) {
      const close = word.lastIndexOf(')');
      const inner = this.pipeline(word.slice(1, close), dot);
      const fields = word.slice(close + 1);
      return fields === '' ? inner : this.fields(inner, fields, word);
    }
    if (word.startsWith('"')) return JSON.parse(word) as string;
    if (word.startsWith('`')) return word.slice(1, -1);
    if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'nil') return null;
    if (word === '.') return dot;
    if (word.startsWith('.')) return this.fields(dot, word, word);
    if (word.startsWith('$')) {
      const [name, ...path] = word.split('.');
      if (!this.vars.has(name)) throw new TemplateError(`undefined variable ${name}: add it to the table`);
      return path.length === 0 ? this.vars.get(name) : this.fields(this.vars.get(name), `.${path.join('.')}`, word);
    }
    throw new TemplateError(`cannot evaluate ${word}`);
  }

  private fields(start: unknown, path: string, whole: string): unknown {
    let value = start;
    let walked = '';
    for (const field of path.split('.').slice(1)) {
      walked += `.${field}`;
      if (!isMap(value) || !Object.prototype.hasOwnProperty.call(value, field)) {
        const lenient = (this.options.lenientPaths ?? []).some((p) => `${walked}.`.startsWith(p) || walked === p);
        if (lenient && (isMap(value) || value === undefined)) return undefined;
        throw new TemplateError(`${whole}: no field "${field}" at ${walked}: add the expression's value to the table`);
      }
      value = value[field];
    }
    return value;
  }
}

/** Renders a template (or a slice of one) with the given data, table and defines. */
export function render(source: string, options: RenderOptions): string {
  const { nodes, defines } = parse(source);
  const evaluator = new Evaluator({ ...options, defines: { ...defines, ...options.defines } });
  return evaluator.render(nodes, options.data);
}

/**
 * The part of a template from `start` up to (not including) `end`, where `start` is searched
 * after `after` (which must occur exactly once) and `end` after `start`; throws if a marker
 * is missing, so a changed template fails loudly.
 */
export function slice(source: string, markers: { readonly after?: string; readonly start: string; readonly end: string }): string {
  let from = 0;
  if (markers.after !== undefined) {
    const first = source.indexOf(markers.after);
    if (first < 0 || source.indexOf(markers.after, first + 1) >= 0)
      throw new TemplateError(`marker ${JSON.stringify(markers.after)} must occur exactly once`);
    from = first + markers.after.length;
  }
  const start = source.indexOf(markers.start, from);
  if (start < 0) throw new TemplateError(`start marker ${JSON.stringify(markers.start)} not found`);
  const end = source.indexOf(markers.end, start + markers.start.length);
  if (end < 0) throw new TemplateError(`end marker ${JSON.stringify(markers.end)} not found`);
  return source.slice(start, end);
}
