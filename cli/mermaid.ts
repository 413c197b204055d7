/**
 * Mermaid flowcharts (`flowchart LR`), written so that no name or label can be read as syntax.
 * The syntax is Mermaid 11.14.0's (docs/syntax/flowchart.md, vendored in vendor/mermaid/11.14.0;
 * the lexer is packages/mermaid/src/diagrams/flowchart/parser/flow.jison at that tag):
 *
 * - Node ids are `<kind>__<part>__<part>`: letters, digits and `_` only, each part escaped so two
 *   names never give one id. The lexer tries keywords (`style`, `class`, `end`, ...) before ids, so
 *   an id starting with one would break the chart: kinds are fixed words that start with none.
 * - Every label is a quoted string: inside quotes the lexer takes everything but `"`. Characters
 *   outside a small safe set become entity codes (`#quot;`, `#35;`), which Mermaid decodes: `"`
 *   cannot appear, `<`, `>` and `&` would be HTML, a backtick would start a Markdown string, `:`
 *   and `;` would meet the preprocessing of `style ...:#...;` lines, `#` an entity.
 * - Styles: `classDef` + `class` for nodes, `linkStyle <indexes>` for links (links have no ids
 *   before 11.10, so they are counted in the order they are written).
 */

/** The classic shapes, each with its opening and closing delimiters around a quoted label. */
export const SHAPES = {
  rectangle: ['[', ']'],
  round: ['(', ')'],
  stadium: ['([', '])'],
  subroutine: ['[[', ']]'],
  cylinder: ['[(', ')]'],
  asymmetric: ['>', ']'],
  hexagon: ['{{', '}}'],
  parallelogram: ['[/', '/]'],
  trapezoid: ['[/', '\\]'],
} as const satisfies Record<string, readonly [string, string]>;

export type NodeShape = keyof typeof SHAPES;

/** Solid `-->`, thick `==>`, dotted `-.->`, or an open line `---` (no arrowhead). */
export const ARROWS = { solid: '-->', thick: '==>', dotted: '-.->', open: '---' } as const;

export type Arrow = keyof typeof ARROWS;

export interface FlowNode {
  readonly id: string;
  readonly shape: NodeShape;
  /** Lines of the label, as plain text (escaped when written). */
  readonly lines: readonly string[];
  /** A `classDef` of the chart. @default - none */
  readonly className?: string;
}

export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  readonly arrow: Arrow;
  /** Plain text on the link. @default - none */
  readonly label?: string;
  /** A key of the chart's `linkClasses`. @default - none */
  readonly className?: string;
}

/** A subgraph: a titled box around some nodes. */
export interface FlowGroup {
  readonly id: string;
  readonly title: string;
  readonly nodes: readonly FlowNode[];
}

export interface Flowchart {
  /** `%%` comment lines, after the header (plain text: no `:`, `;` or `#`). @default - none */
  readonly comments?: readonly string[];
  readonly groups: readonly FlowGroup[];
  /** Nodes outside every group. @default - none */
  readonly nodes?: readonly FlowNode[];
  /** Written after every node, in this order (which `linkStyle` counts by). */
  readonly edges: readonly FlowEdge[];
  /** `classDef` name -> its style (`fill:#dafbe1,stroke:#1a7f37`), for nodes. @default - none */
  readonly classes?: Readonly<Record<string, string>>;
  /** Link class name -> its `linkStyle` style. @default - none */
  readonly linkClasses?: Readonly<Record<string, string>>;
}

/**
 * What Mermaid renders at most, by default (packages/mermaid/src/schemas/config.schema.yaml):
 * longer text is refused whole, links past `maxEdges` are not drawn. GitHub renders with the defaults.
 */
export const MERMAID_LIMITS = { maxTextSize: 50_000, maxEdges: 500 } as const;

/** Characters written as themselves in a quoted label; every other becomes an entity code. */
const SAFE = /^[A-Za-z0-9 .,/_%=+*()-]$/;

/**
 * A label as Mermaid text: safe characters as they are, every other as `#<code point>;`. A line
 * holding `direction` and a direction word is read as a direction statement whatever the quotes
 * (the lexer's `.*direction\s+LR` rules match the whole line), so that word's `d` is a code too.
 */
export function labelText(text: string): string {
  let out = '';
  for (const c of text) out += SAFE.test(c) ? c : `#${c.codePointAt(0)};`;
  return out.replace(/direction/g, '#100;irection');
}

/** An id part: letters and digits as they are, any other character `_<hex>` (two digits) or `_u<hex>` (six digits). */
function idPart(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    out += /^[A-Za-z0-9]$/.test(c)
      ? c
      : code < 0x100
        ? `_${code.toString(16).padStart(2, '0')}`
        : `_u${code.toString(16).padStart(6, '0')}`;
  }
  return out;
}

/**
 * The id of a node: `<kind>__<part>__...` (`svc__bookinfo__reviews`). Inside a part `_` always
 * starts an escape (`-` is `_2d`), so `__` only separates parts and different names never share
 * an id. `kind` is one of a few fixed lower-case words.
 */
export function nodeId(kind: string, ...parts: readonly string[]): string {
  if (!/^[a-z]+$/.test(kind)) throw new Error(`node kind "${kind}" must be lower-case letters`);
  if (parts.some((p) => p === '')) throw new Error(`node ${kind}: an empty name would make ids ambiguous`);
  return [kind, ...parts.map(idPart)].join('__');
}

/** A node statement: `id("label")`, lines joined by `<br>`. */
function nodeLine(node: FlowNode): string {
  const [open, close] = SHAPES[node.shape];
  return `${node.id}${open}"${node.lines.map(labelText).join('<br>')}"${close}`;
}

function edgeLine(edge: FlowEdge): string {
  const label = edge.label === undefined ? '' : `|"${labelText(edge.label)}"|`;
  return `${edge.from} ${ARROWS[edge.arrow]}${label} ${edge.to}`;
}

/** Class name -> the ids (or link indexes) that carry it, in first-seen order. */
function byClass<T>(
  items: readonly T[],
  classOf: (item: T) => string | undefined,
  key: (item: T, i: number) => string,
): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  items.forEach((item, i) => {
    const name = classOf(item);
    if (name === undefined) return;
    classes.set(name, [...(classes.get(name) ?? []), key(item, i)]);
  });
  return classes;
}

/** The chart as Mermaid text, ending with a newline; the same chart gives the same bytes. */
export function flowchart(chart: Flowchart): string {
  const indent = '    ';
  const lines = ['flowchart LR', ...(chart.comments ?? []).map((c) => `  %% ${c}`)];
  const allNodes: FlowNode[] = [];
  for (const group of chart.groups) {
    lines.push(`  subgraph ${group.id} ["${labelText(group.title)}"]`);
    for (const node of group.nodes) lines.push(`${indent}${nodeLine(node)}`);
    lines.push('  end');
    allNodes.push(...group.nodes);
  }
  for (const node of chart.nodes ?? []) lines.push(`  ${nodeLine(node)}`);
  allNodes.push(...(chart.nodes ?? []));
  for (const edge of chart.edges) lines.push(`  ${edgeLine(edge)}`);

  const undeclared = (kind: string, name: string, declared: Readonly<Record<string, string>> | undefined): void => {
    if (declared?.[name] === undefined) throw new Error(`${kind} class "${name}" is used but not declared`);
  };
  for (const [name, style] of Object.entries(chart.classes ?? {})) lines.push(`  classDef ${name} ${style}`);
  for (const [name, ids] of byClass(
    allNodes,
    (n) => n.className,
    (n) => n.id,
  )) {
    undeclared('node', name, chart.classes);
    lines.push(`  class ${ids.join(',')} ${name}`);
  }
  for (const [name, indexes] of byClass(
    chart.edges,
    (e) => e.className,
    (_e, i) => String(i),
  )) {
    undeclared('link', name, chart.linkClasses);
    lines.push(`  linkStyle ${indexes.join(',')} ${chart.linkClasses?.[name] ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The chart in a fenced block, as GitHub renders it in Markdown. */
export function mermaidBlock(text: string): string {
  return `\`\`\`mermaid\n${text}\`\`\`\n`;
}
