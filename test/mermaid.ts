/**
 * A strict reader of the Mermaid flowcharts cli/mermaid.ts writes, for tests. No Mermaid parser is
 * installed (the `mermaid` package would bring a browser renderer), so this checks the structure
 * against the subset of the grammar we use (Mermaid 11.14.0, flow.jison): one statement per line,
 * ids of letters, digits and `_`, every label a quoted string without `"`, `:` or `;` (entity codes
 * `#<n>;` instead), subgraphs not nested and closed, every link between declared nodes, every
 * class and link style declared and pointing at something that exists. Throws on anything else.
 */
const ID = '[a-z]+(?:__[A-Za-z0-9_]+)*';
const LABEL = '"((?:[^"#:;]|#\\d+;)*)"';
const SHAPES: ReadonlyArray<readonly [string, string, string]> = [
  ['stadium', '\\(\\[', '\\]\\)'],
  ['cylinder', '\\[\\(', '\\)\\]'],
  ['subroutine', '\\[\\[', '\\]\\]'],
  ['parallelogram', '\\[/', '/\\]'],
  ['trapezoid', '\\[/', '\\\\\\]'],
  ['hexagon', '\\{\\{', '\\}\\}'],
  ['asymmetric', '>', '\\]'],
  ['round', '\\(', '\\)'],
  ['rectangle', '\\[', '\\]'],
];
const NODE = SHAPES.map(([shape, open, close]) => [shape, new RegExp(`^(${ID})${open}${LABEL}${close}$`)] as const);
const EDGE = new RegExp(`^(${ID}) (-->|==>|-\\.->|---)(?:\\|${LABEL}\\|)? (${ID})$`);

export interface ParsedNode {
  readonly shape: string;
  /** Entity codes decoded, `<br>` as a newline. */
  readonly label: string;
  readonly group?: string;
}

export interface ParsedFlowchart {
  readonly groups: ReadonlyMap<string, { readonly title: string; readonly nodes: readonly string[] }>;
  readonly nodes: ReadonlyMap<string, ParsedNode>;
  readonly edges: ReadonlyArray<{ readonly from: string; readonly to: string; readonly arrow: string; readonly label?: string }>;
  readonly classes: ReadonlyMap<string, string>;
  /** Node id -> its class. */
  readonly nodeClasses: ReadonlyMap<string, string>;
  /** Link index -> its style. */
  readonly linkStyles: ReadonlyMap<number, string>;
}

/** The label's text; throws on what Mermaid would read as HTML or a Markdown string. */
export function decodeLabel(text: string): string {
  if (/[<>&`]/.test(text.replace(/<br>/g, ''))) throw new Error(`label ${JSON.stringify(text)} holds <, >, & or a backtick`);
  return text.replace(/<br>/g, '\n').replace(/#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)));
}

export function parseFlowchart(text: string): ParsedFlowchart {
  if (!text.endsWith('\n')) throw new Error('the chart must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== 'flowchart LR') throw new Error(`line 1 must be "flowchart LR", not ${JSON.stringify(lines[0])}`);
  const groups = new Map<string, { title: string; nodes: string[] }>();
  const nodes = new Map<string, ParsedNode>();
  const edges: Array<{ from: string; to: string; arrow: string; label?: string }> = [];
  const classes = new Map<string, string>();
  const nodeClasses = new Map<string, string>();
  const linkStyles = new Map<number, string>();
  let group: string | undefined;
  lines.slice(1).forEach((raw, i) => {
    const where = `line ${i + 2} ${JSON.stringify(raw)}`;
    const line = raw.trim();
    if (line.startsWith('%% ')) return;
    const subgraph = new RegExp(`^subgraph (${ID}) \\[${LABEL}\\]$`).exec(line);
    if (subgraph !== null) {
      if (group !== undefined) throw new Error(`${where}: subgraph inside subgraph ${group}`);
      if (groups.has(subgraph[1])) throw new Error(`${where}: subgraph ${subgraph[1]} again`);
      group = subgraph[1];
      groups.set(group, { title: decodeLabel(subgraph[2]), nodes: [] });
      return;
    }
    if (line === 'end') {
      if (group === undefined) throw new Error(`${where}: end outside a subgraph`);
      group = undefined;
      return;
    }
    for (const [shape, re] of NODE) {
      const m = re.exec(line);
      if (m === null) continue;
      if (nodes.has(m[1])) throw new Error(`${where}: node ${m[1]} declared twice`);
      nodes.set(m[1], { shape, label: decodeLabel(m[2]), ...(group !== undefined && { group }) });
      if (group !== undefined) groups.get(group)?.nodes.push(m[1]);
      return;
    }
    const edge = EDGE.exec(line);
    if (edge !== null) {
      if (group !== undefined) throw new Error(`${where}: links are written after the subgraphs`);
      edges.push({ from: edge[1], to: edge[4], arrow: edge[2], ...(edge[3] !== undefined && { label: decodeLabel(edge[3]) }) });
      return;
    }
    const classDef = /^classDef ([a-z]+) ([a-z-]+:[#\w. ]+(?:,[a-z-]+:[#\w. ]+)*)$/.exec(line);
    if (classDef !== null) {
      classes.set(classDef[1], classDef[2]);
      return;
    }
    const cls = new RegExp(`^class (${ID}(?:,${ID})*) ([a-z]+)$`).exec(line);
    if (cls !== null) {
      for (const id of cls[1].split(',')) nodeClasses.set(id, cls[2]);
      return;
    }
    const linkStyle = /^linkStyle (\d+(?:,\d+)*) ([a-z-]+:[#\w. ]+(?:,[a-z-]+:[#\w. ]+)*)$/.exec(line);
    if (linkStyle !== null) {
      for (const n of linkStyle[1].split(',')) linkStyles.set(Number(n), linkStyle[2]);
      return;
    }
    throw new Error(`${where}: not a statement of the flowchart subset`);
  });
  if (group !== undefined) throw new Error(`subgraph ${group} is not closed`);
  for (const e of edges)
    for (const id of [e.from, e.to]) if (!nodes.has(id)) throw new Error(`link ${e.from} -> ${e.to}: node ${id} is not declared`);
  for (const [id, name] of nodeClasses) {
    if (!nodes.has(id)) throw new Error(`class ${name}: node ${id} is not declared`);
    if (!classes.has(name)) throw new Error(`class ${name} is not defined by a classDef`);
  }
  for (const index of linkStyles.keys()) if (index >= edges.length) throw new Error(`linkStyle ${index}: there are ${edges.length} links`);
  return { groups, nodes, edges, classes, nodeClasses, linkStyles };
}
