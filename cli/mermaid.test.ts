import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../test/cli';
import { decodeLabel, parseFlowchart } from '../test/mermaid';
import { ARROWS, flowchart, labelText, MERMAID_LIMITS, nodeId, SHAPES, type Flowchart } from './mermaid';
import { ids } from './service-graph';

const VENDORED = path.join(ROOT, 'vendor', 'mermaid', '11.14.0');

/** The inverse of nodeId, to show no two names share an id. */
function decodeId(id: string): string[] {
  return id
    .split('__')
    .map((part) =>
      part.replace(/_u([0-9a-f]{6})|_([0-9a-f]{2})/g, (_m, wide?: string, byte?: string) =>
        String.fromCodePoint(parseInt(wide ?? byte ?? '', 16)),
      ),
    );
}

describe('labelText', () => {
  it.each([
    ['reviews', 'reviews'],
    ['v1 80% / v2 10% / v3 10%', 'v1 80% / v2 10% / v3 10%'],
    ['/api/v1/products* (JWT)', '/api/v1/products* (JWT)'],
    ['say "hi"', 'say #34;hi#34;'],
    ['a#b', 'a#35;b'],
    ['<b>&amp;', '#60;b#62;#38;amp#59;'],
    ['a:b;c', 'a#58;b#59;c'],
    ['`md`', '#96;md#96;'],
    ['x|y', 'x#124;y'],
    ['❤ 😀', '#10084; #128512;'],
    ['direction TB', '#100;irection TB'],
  ])('writes %j as %j', (text, written) => {
    expect(labelText(text)).toBe(written);
  });

  it('writes every printable ASCII character so that it reads back as itself, with nothing Mermaid would parse', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    const written = labelText(ascii);
    expect(written).toMatch(/^[A-Za-z0-9 .,/_%=+*()#;-]*$/);
    expect(written.replace(/#\d+;/g, '')).not.toMatch(/[#;"]/);
    expect(decodeLabel(written)).toBe(ascii);
  });
});

describe('nodeId', () => {
  it('joins the kind and the parts with __, keeping letters and digits', () => {
    expect(nodeId('svc', 'bookinfo', 'reviews')).toBe('svc__bookinfo__reviews');
    expect(nodeId('route', 'shop', 'shop.example.com', 'prefix', '/api-v1_x')).toBe(
      'route__shop__shop_2eexample_2ecom__prefix___2fapi_2dv1_5fx',
    );
  });

  it('gives different names different ids: every id reads back as its parts', () => {
    const cases = [['a-b', 'c'], ['a', 'b-c'], ['a--b'], ['a', 'b'], ['a_b'], ['a__b'], ['é'], ['x😀'], ['\u1f600'], ['Āa'], ['\u100a']];
    const written = cases.map((parts) => nodeId('svc', ...parts));
    expect(new Set(written).size).toBe(cases.length);
    written.forEach((id, i) => expect(decodeId(id)).toEqual(['svc', ...cases[i]]));
    for (const id of written) expect(id).toMatch(/^[a-z]+(__[A-Za-z0-9_]+)+$/);
  });

  it('refuses a kind that is not lower-case letters, and an empty part', () => {
    expect(() => nodeId('Svc', 'a')).toThrow('node kind "Svc" must be lower-case letters');
    expect(() => nodeId('svc', 'a', '')).toThrow('node svc: an empty name would make ids ambiguous');
  });

  it("uses kinds that start with none of the lexer's keywords (flow.jison tries them before ids, without a word boundary)", () => {
    // packages/mermaid/src/diagrams/flowchart/parser/flow.jison at mermaid@11.14.0: the rules before NODE_STRING.
    const keywords = [
      'style',
      'default',
      'linkStyle',
      'interpolate',
      'classDef',
      'class',
      'href',
      'click',
      'call',
      'graph',
      'flowchart',
      'subgraph',
      'end',
      'accTitle',
      'accDescr',
      '_',
    ];
    const kinds = [
      ids.app('a'),
      ids.gateway('a'),
      ids.route('a', 'h', 'exact', '/'),
      ids.service('a', 's'),
      ids.topic('a', 't'),
      ids.postgres('a', 's'),
      ids.redis('a', 's'),
      ids.bucket('a', 's', 'b'),
      ids.secret('a', 's', 'x'),
      nodeId('principal', 'p'),
    ].map((id) => id.split('__')[0]);
    for (const kind of kinds) expect([kind, keywords.filter((k) => kind.toLowerCase().startsWith(k.toLowerCase()))]).toEqual([kind, []]);
  });
});

describe('flowchart', () => {
  const chart: Flowchart = {
    comments: ['a small chart'],
    groups: [
      {
        id: 'app__shop',
        title: 'shop "main"',
        nodes: [
          { id: 'gw__shop', shape: 'hexagon', lines: ['ingress gateway'] },
          { id: 'svc__shop__web', shape: 'round', lines: ['web', 'v1 100%'], className: 'added' },
          { id: 'pg__shop__web', shape: 'cylinder', lines: ['postgres', 'database web'] },
        ],
      },
    ],
    nodes: [{ id: 'principal__x', shape: 'rectangle', lines: ['principal', 'ns/x'], className: 'removed' }],
    edges: [
      { from: 'gw__shop', to: 'svc__shop__web', arrow: 'thick', label: 'new route', className: 'added' },
      { from: 'principal__x', to: 'svc__shop__web', arrow: 'dotted', className: 'removed' },
      { from: 'svc__shop__web', to: 'pg__shop__web', arrow: 'open' },
      { from: 'gw__shop', to: 'pg__shop__web', arrow: 'solid', className: 'added' },
    ],
    classes: { added: 'fill:#dafbe1,stroke:#1a7f37', removed: 'stroke-dasharray:5 5' },
    linkClasses: { added: 'stroke:#1a7f37', removed: 'stroke:#cf222e' },
  };

  it('writes the groups, the nodes outside them, the links, then the classes and link styles', () => {
    expect(flowchart(chart)).toBe(
      [
        'flowchart LR',
        '  %% a small chart',
        '  subgraph app__shop ["shop #34;main#34;"]',
        '    gw__shop{{"ingress gateway"}}',
        '    svc__shop__web("web<br>v1 100%")',
        '    pg__shop__web[("postgres<br>database web")]',
        '  end',
        '  principal__x["principal<br>ns/x"]',
        '  gw__shop ==>|"new route"| svc__shop__web',
        '  principal__x -.-> svc__shop__web',
        '  svc__shop__web --- pg__shop__web',
        '  gw__shop --> pg__shop__web',
        '  classDef added fill:#dafbe1,stroke:#1a7f37',
        '  classDef removed stroke-dasharray:5 5',
        '  class svc__shop__web added',
        '  class principal__x removed',
        '  linkStyle 0,3 stroke:#1a7f37',
        '  linkStyle 1 stroke:#cf222e',
        '',
      ].join('\n'),
    );
    const parsed = parseFlowchart(flowchart(chart));
    expect(parsed.groups.get('app__shop')).toEqual({ title: 'shop "main"', nodes: ['gw__shop', 'svc__shop__web', 'pg__shop__web'] });
    expect(parsed.linkStyles).toEqual(
      new Map([
        [0, 'stroke:#1a7f37'],
        [3, 'stroke:#1a7f37'],
        [1, 'stroke:#cf222e'],
      ]),
    );
  });

  it('writes every shape so that it reads back as that shape', () => {
    const nodes = Object.keys(SHAPES).map((shape) => ({ id: nodeId('svc', shape), shape: shape as keyof typeof SHAPES, lines: [shape] }));
    const parsed = parseFlowchart(flowchart({ groups: [], nodes, edges: [] }));
    expect([...parsed.nodes.values()].map((n) => [n.shape, n.label])).toEqual(Object.keys(SHAPES).map((s) => [s, s]));
  });

  it('refuses a class that is not declared', () => {
    expect(() => flowchart({ ...chart, classes: {} })).toThrow('node class "added" is used but not declared');
    expect(() => flowchart({ ...chart, linkClasses: { added: 'stroke:#000' } })).toThrow('link class "removed" is used but not declared');
  });
});

describe('Mermaid 11.14.0 (vendor/mermaid/11.14.0, refresh: scripts/vendor-mermaid.sh)', () => {
  const doc = fs.readFileSync(path.join(VENDORED, 'docs', 'syntax', 'flowchart.md'), 'utf8');

  it.each(Object.entries(SHAPES))('documents the %s shape with the delimiters we write', (shape, [open, close]) => {
    const text = shape === 'cylinder' ? 'Database' : shape === 'trapezoid' ? 'Christmas' : 'This is the text in the box';
    const id = shape === 'trapezoid' ? 'A' : 'id1';
    expect(doc).toContain(`    ${id}${open}${text}${close}\n`);
  });

  it('documents quoted labels, entity codes in base 10, <br> for a new line, and the lower-case "end" that breaks a chart', () => {
    expect(doc).toContain('id1["This is the (text) in the box"]');
    expect(doc).toContain('A["A double quote:#quot;"] --> B["A dec char:#9829;"]');
    expect(doc).toContain('Numbers given are base 10, so `#` can be encoded as `#35;`.');
    expect(doc).toContain('Typing "end" in all lowercase letters will break the Flowchart.');
    expect(doc).toContain('With traditional strings, you needed to add `<br>` tags for text to wrap in nodes.');
  });

  it('documents the links we write: solid with a label, thick, dotted, open', () => {
    expect(ARROWS).toEqual({ solid: '-->', thick: '==>', dotted: '-.->', open: '---' });
    for (const example of ['A-->|text|B', 'A ==> B', 'A-.->B;', 'A---|This is the text|B']) expect(doc).toContain(example);
  });

  it('documents subgraphs with an id and a title, comments, classes and link styles by index', () => {
    for (const example of [
      'subgraph ide1 [one]',
      '%% this is a comment',
      'classDef className fill:#f9f,stroke:#333,stroke-width:4px;',
      'class nodeId1,nodeId2 className;',
      'linkStyle 1,2,7 color:blue;',
    ])
      expect(doc).toContain(example);
  });

  it("holds the renderer's default limits that MERMAID_LIMITS repeats", () => {
    const schema = parse(fs.readFileSync(path.join(VENDORED, 'packages', 'mermaid', 'src', 'schemas', 'config.schema.yaml'), 'utf8')) as {
      properties: Record<string, { default?: unknown }>;
    };
    expect({ maxTextSize: schema.properties.maxTextSize.default, maxEdges: schema.properties.maxEdges.default }).toEqual(MERMAID_LIMITS);
  });

  it('holds exactly the files scripts/vendor-mermaid.sh copies, as its SOURCE lists them', () => {
    const script = fs.readFileSync(path.join(ROOT, 'scripts', 'vendor-mermaid.sh'), 'utf8');
    const copied = (/^paths=\(([^)]*)\)$/m.exec(script)?.[1] ?? '').split(' ');
    expect(copied).toEqual(['docs/syntax/flowchart.md', 'packages/mermaid/src/schemas/config.schema.yaml']);
    const files = fs
      .readdirSync(VENDORED, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(VENDORED, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
    expect(files).toEqual(['SOURCE', ...copied].sort());
    expect(fs.readFileSync(path.join(VENDORED, 'SOURCE'), 'utf8')).toContain(`paths:\n${copied.map((p) => `  - ${p}\n`).join('')}`);
  });

  it('names the tag and commit it was copied from', () => {
    expect(fs.readFileSync(path.join(VENDORED, 'SOURCE'), 'utf8')).toContain(
      'tag: mermaid@11.14.0\ncommit: 2b9d054d622101a727b03c5d47a15f3bd98125fa\n',
    );
  });
});
