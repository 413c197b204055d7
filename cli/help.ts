/**
 * What `--help` prints, generated from a command's declaration (cli/args.ts `command`):
 * the usage lines, the summary, the arguments and options with their defaults and choices,
 * and the exit codes. docs/commands.md holds the same text for every command.
 */
import type { CommandSpec, FormSpec, OptionSpec, PositionalSpec } from './args';

/** `--name`, as typed. */
export const flag = (name: string): string => `--${name}`;

/** The forms of a declaration, the implicit one included: the positionals and every option, required ones first. */
export function formsOf(spec: CommandSpec): readonly FormSpec[] {
  if (spec.forms !== undefined) return spec.forms;
  const names = Object.keys(spec.options);
  return [
    {
      required: names.filter((n) => spec.options[n].required === true),
      optional: names.filter((n) => spec.options[n].required !== true),
      positionals: spec.positionals ?? [],
    },
  ];
}

/** `<value>`, or the choices: what follows the option's name. */
function placeholder(name: string, o: OptionSpec): string {
  if (o.type === 'boolean') return '';
  if (o.value === undefined && o.choices !== undefined) return ` ${o.choices.join('|')}`;
  return ` <${o.value ?? name}>`;
}

/** How the option is written in a usage line, brackets included when it is optional. */
function optionToken(name: string, o: OptionSpec, required: boolean): string {
  const text = `${flag(name)}${placeholder(name, o)}`;
  return `${required ? text : `[${text}]`}${o.multiple === true ? '...' : ''}`;
}

const positionalToken = (p: PositionalSpec): string => (p.required === false ? `[<${p.name}>]` : `<${p.name}>`);

/** `npm run <script> -- [subcommand]`: what the arguments follow (`npm start` for start). */
export function invocation(spec: Pick<CommandSpec, 'script' | 'subcommand'>, hasArguments = true): string {
  const npm = spec.script === 'start' ? 'npm start' : `npm run ${spec.script}`;
  const words = [...(spec.subcommand === undefined ? [] : [spec.subcommand])];
  return hasArguments || words.length > 0 ? `${npm} --${words.map((w) => ` ${w}`).join('')}` : npm;
}

function formLine(spec: CommandSpec, form: FormSpec): string {
  const required = form.required ?? [];
  const tokens = [
    ...required.map((n) => optionToken(n, spec.options[n], true)),
    ...(form.positionals ?? []).map(positionalToken),
    ...(form.optional ?? []).map((n) => optionToken(n, spec.options[n], spec.options[n].required === true)),
  ];
  const line = `${invocation(spec, tokens.length > 0)}${tokens.map((t) => ` ${t}`).join('')}`;
  return form.input === undefined ? line : `${form.input} | ${line}`;
}

/** Every form's usage line. */
export function usageLines(spec: CommandSpec): string[] {
  return formsOf(spec).map((form) => formLine(spec, form));
}

/** The usage block a bad-usage error ends with: the usage lines, then where the whole help is. */
export function usageText(specs: CommandSpec | readonly CommandSpec[], group?: string): string {
  const all = Array.isArray(specs) ? (specs as readonly CommandSpec[]) : [specs as CommandSpec];
  const lines = all.flatMap(usageLines).map((line, i) => `${i === 0 ? 'usage: ' : '       '}${line}`);
  const helpOf = group === undefined ? invocation(all[0]) : invocation({ script: group });
  return [...lines, `run "${helpOf} --help" for every option`].join('\n');
}

/** Two columns, the first padded to its widest cell. */
function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}

/** The description, then yargs-style marks: `[required]`, `[repeatable]`, `[default: x]`. */
function described(description: string, marks: readonly string[]): string {
  return [description, ...marks.map((m) => `[${m}]`)].join(' ');
}

function optionRow(name: string, o: OptionSpec): [string, string] {
  return [
    `${flag(name)}${placeholder(name, o)}`,
    described(o.description, [
      ...(o.required === true ? ['required'] : []),
      ...(o.multiple === true ? ['repeatable'] : []),
      ...(o.value !== undefined && o.choices !== undefined ? [`one of: ${o.choices.join(', ')}`] : []),
      ...(o.default !== undefined ? [`default: ${o.default}`] : o.defaultText !== undefined ? [`default: ${o.defaultText}`] : []),
    ]),
  ];
}

function positionalRow(p: PositionalSpec): [string, string] {
  return [
    `<${p.name}>`,
    described(p.description, [
      ...(p.required === false ? ['optional'] : []),
      ...(p.defaultText !== undefined ? [`default: ${p.defaultText}`] : []),
    ]),
  ];
}

/** The arguments and options of one declaration. */
function reference(spec: CommandSpec): string[] {
  const positionals = [
    ...new Map(
      formsOf(spec)
        .flatMap((f) => f.positionals ?? [])
        .map((p) => [p.name, p]),
    ).values(),
  ];
  const options = Object.entries(spec.options).map(([name, o]) => optionRow(name, o));
  return [
    ...(positionals.length === 0 ? [] : ['arguments:', ...table(positionals.map(positionalRow)), '']),
    'options:',
    ...table([...options, ['-h, --help', 'print this help and exit']]),
  ];
}

function exitCodes(specs: readonly CommandSpec[]): string[] {
  const fails = [...new Set(specs.flatMap((s) => (s.failsWhen === undefined ? [] : [s.failsWhen])))];
  return [
    'exit codes:',
    ...table([
      ['0', 'done'],
      ...fails.map((f): [string, string] => ['1', f]),
      ['2', 'bad usage or input: the message names the file, field, value and fix'],
      ['3', 'internal error (a bug: please report it)'],
    ]),
  ];
}

/** The `--help` text of a command, or of a group of subcommands (`summary` is then the group's). */
export function helpText(specs: readonly CommandSpec[], summary?: string): string {
  const notes = (s: CommandSpec): string[] => (s.notes === undefined ? [] : ['', ...s.notes]);
  const body =
    specs.length === 1 && summary === undefined
      ? [specs[0].summary, '', ...reference(specs[0]), ...notes(specs[0])]
      : [summary ?? '', ...specs.flatMap((s) => ['', `${s.subcommand ?? s.script}: ${s.summary}`, ...reference(s), ...notes(s)])];
  const usage = specs.flatMap(usageLines).map((line, i) => `${i === 0 ? 'usage: ' : '       '}${line}`);
  return [...usage, '', ...body, '', ...exitCodes(specs), ''].join('\n');
}

// ---------------------------------------------------------------------------------------
// docs/commands.md

export const COMMANDS_START = "<!-- commands:start (generated by `npm run docs:commands` from the commands' declarations; do not edit) -->";
export const COMMANDS_END = '<!-- commands:end -->';

/** What the reference needs of a command (cli/args.ts `DeclaredCommand`). */
interface Documented {
  readonly command: { readonly script: string; readonly summary: string; readonly help: string };
}

/** The heading of a command's section, and GitHub's anchor for it. */
function heading(script: string): { title: string; anchor: string } {
  const title = invocation({ script }, false);
  return {
    title,
    anchor: title
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  };
}

/** Text in a table cell: no cell break, no HTML tag (`<env>`). */
const markdownText = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A table of the commands, then each one's `--help`, in the order given. */
export function commandsReference(commands: Readonly<Record<string, Documented>>): string {
  const entries = Object.values(commands).map((c) => ({ ...c.command, ...heading(c.command.script) }));
  return [
    '| command | what it does |',
    '| --- | --- |',
    ...entries.map((e) => `| [\`${e.title}\`](#${e.anchor}) | ${markdownText(e.summary)} |`),
    ...entries.flatMap((e) => ['', `### ${e.title}`, '', '```text', e.help.trimEnd(), '```']),
  ].join('\n');
}

/** The document with the section between the markers replaced. */
export function withCommandsReference(doc: string, commands: Readonly<Record<string, Documented>>, file = 'docs/commands.md'): string {
  const a = doc.indexOf(COMMANDS_START);
  const b = doc.indexOf(COMMANDS_END);
  if (a === -1 || b === -1 || b < a) throw new Error(`${file} has no ${COMMANDS_START} ... ${COMMANDS_END} section`);
  return `${doc.slice(0, a + COMMANDS_START.length)}\n${commandsReference(commands)}\n${doc.slice(b)}`;
}
