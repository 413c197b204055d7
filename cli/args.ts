/**
 * The one argument layer of every command. A command declares its options once (`command`):
 * name, type, whether it repeats, is required, its choices, its default and a description,
 * plus its positionals and, when it has several ways to be called, its forms. The wrapper
 * parses with node:util `parseArgs`, refuses what the declaration does not allow (exit 2,
 * with the usage), answers `--help`/`-h` (stdout, exit 0), and hands the command typed values.
 * `--help` and docs/commands.md are generated from the same declarations (cli/help.ts).
 */
import { parseArgs } from 'node:util';
import { closestMatch, ValidationError } from '../core/problems';
import { flag, formsOf, helpText, usageText } from './help';

export class UsageError extends Error {}

/** What a command gets from the process: its output streams and its working directory. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Relative paths in the arguments are relative to it. */
  readonly cwd: string;
}

/** A command: the arguments after the script's name in, the exit code out (none: 0). */
export type Command = (argv: string[], io: Io) => number | void | Promise<number | void>;

/**
 * The exit codes of every command: 0 done (or check passed), 1 a check failed (the command
 * returns it: policy violations, `--check` found a difference), 2 bad usage or unreadable
 * input (the message names the file and the fix), 3 an internal error (a bug: please report).
 */
export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 3 } as const;

// ---------------------------------------------------------------------------------------
// Declarations

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One line for `--help`. */
  readonly description: string;
  /** Repeatable: every value, in order. */
  readonly multiple?: boolean;
  /** In every form that lists it. */
  readonly required?: boolean;
  /** The only values accepted. */
  readonly choices?: readonly string[];
  /** The value when the option is absent (applied, and shown by `--help`). */
  readonly default?: string;
  /** What happens when the option is absent, when that is not one value (shown by `--help` only). */
  readonly defaultText?: string;
  /** The value's placeholder, shown as `<value>`. @default the option's name, or its choices joined with `|` */
  readonly value?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface PositionalSpec {
  /** Shown as `<name>`. */
  readonly name: string;
  readonly description: string;
  /** @default true */
  readonly required?: boolean;
  /** What happens when an optional positional is absent. */
  readonly defaultText?: string;
}

/** One way to call a command: its usage line, and what the arguments must be to take it. */
export interface FormSpec<N extends string = string> {
  /** Options this form requires, in usage order. */
  readonly required?: readonly N[];
  /** Options this form accepts besides, in usage order; any other option is refused. */
  readonly optional?: readonly N[];
  readonly positionals?: readonly PositionalSpec[];
  /** A command whose output this form reads on stdin (shown as `<input> | npm run ...`). */
  readonly input?: string;
}

export interface CommandSpec {
  /** The npm script: `npm run <script> -- ...` (`start`: `npm start`). */
  readonly script: string;
  /** Of a command group (cli `stacks`): the subcommand's name, the first argument. */
  readonly subcommand?: string;
  /** One line: what the command does. */
  readonly summary: string;
  readonly options: OptionSpecs;
  /** Of the one form of a command without `forms`. */
  readonly positionals?: readonly PositionalSpec[];
  /**
   * The ways to call the command, one usage line each; the arguments take the first form
   * they fit. @default one form: the positionals and every option (required ones first)
   */
  readonly forms?: readonly FormSpec[];
  /** When the command exits 1 (a check failed); absent: it never does. */
  readonly failsWhen?: string;
  /** More for `--help`: environment variables, where the input comes from. */
  readonly notes?: readonly string[];
}

/** A declaration as written: its forms name its options. */
export type DeclaredSpec<O extends OptionSpecs> = CommandSpec & {
  readonly options: O;
  readonly forms?: readonly FormSpec<keyof O & string>[];
};

type ChoiceOf<S extends OptionSpec> = S extends { readonly choices: readonly (infer C extends string)[] } ? C : string;
type IsSet<S extends OptionSpec> = S extends { readonly required: true } | { readonly default: string } ? true : false;
type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S extends { readonly multiple: true }
    ? IsSet<S> extends true
      ? ChoiceOf<S>[]
      : ChoiceOf<S>[] | undefined
    : IsSet<S> extends true
      ? ChoiceOf<S>
      : ChoiceOf<S> | undefined;

/** The parsed options: a boolean is false when absent; a string without default or `required`, undefined. */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

export interface ParsedArgs<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  /** Which of the declared forms the arguments took (0 without forms). */
  readonly form: number;
}

/** A declared command: runs as a `Command`, and carries its declarations for `--help` and the docs. */
export type DeclaredCommand<E extends unknown[] = []> = ((argv: string[], io: Io, ...extra: E) => Promise<number>) & {
  /** The npm script that runs it. */
  readonly script: string;
  /** One line: what the command does. */
  readonly summary: string;
  /** One declaration, or one per subcommand of a group. */
  readonly specs: readonly CommandSpec[];
  /** What `--help` prints. */
  readonly help: string;
};

// ---------------------------------------------------------------------------------------
// Parsing

const HELP = { type: 'boolean', short: 'h' } as const;

function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Whether the arguments ask for help anywhere an option can stand (not as an option's value, not after `--`). */
function asksForHelp(argv: readonly string[], spec: CommandSpec): boolean {
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...parseConfig(spec), help: HELP },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  return tokens.some((t) => t.kind === 'option' && t.name === 'help');
}

function parseConfig(spec: CommandSpec): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  return Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.multiple === true && { multiple: true }) }]),
  );
}

/** node's message; for an unknown option, without its hint about positionals and with the nearest declared option. */
function parseErrorMessage(error: Error & { code?: string }, argv: readonly string[], spec: CommandSpec): string {
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return error.message;
  const { tokens } = parseArgs({ args: [...argv], options: parseConfig(spec), strict: false, allowPositionals: true, tokens: true });
  const unknown = tokens.find((t) => t.kind === 'option' && t.name !== 'help' && !(t.name in spec.options));
  if (unknown?.kind !== 'option') return error.message;
  const near = closestMatch(unknown.name, Object.keys(spec.options), Math.max(1, Math.min(3, Math.floor(unknown.name.length / 3))));
  return `Unknown option '${unknown.rawName}'${near === undefined ? '' : ` (did you mean ${flag(near)}?)`}`;
}

/** The form's distinguishing argument: its first required positional, or the first option it alone requires. */
function headOf(form: FormSpec, forms: readonly FormSpec[]): string | undefined {
  const positional = form.positionals?.find((p) => p.required !== false);
  if (positional !== undefined) return `<${positional.name}>`;
  const own = form.required?.find((n) => forms.some((f) => f !== form && !(f.required ?? []).includes(n)));
  return own === undefined ? undefined : flag(own);
}

/** Why the arguments do not fit a form (none: they do). */
function formProblems(
  form: FormSpec,
  forms: readonly FormSpec[],
  spec: CommandSpec,
  given: readonly string[],
  positionals: readonly string[],
): string[] {
  const problems: string[] = [];
  const slots = form.positionals ?? [];
  const needed = slots.filter((p) => p.required !== false);
  if (positionals.length < needed.length)
    problems.push(
      `${list(needed.slice(positionals.length).map((p) => `<${p.name}>`))} ${needed.length - positionals.length === 1 ? 'is' : 'are'} required`,
    );
  for (const extra of positionals.slice(slots.length)) problems.push(`unexpected argument "${extra}"`);
  const allowed = [...(form.required ?? []), ...(form.optional ?? [])];
  const head = headOf(form, forms);
  for (const name of given) {
    if (!allowed.includes(name))
      problems.push(head === undefined ? `${flag(name)} does not go with these arguments` : `${flag(name)} cannot be used with ${head}`);
  }
  const missing = allowed.filter((n) => ((form.required ?? []).includes(n) || spec.options[n].required === true) && !given.includes(n));
  if (missing.length > 0) problems.push(`${list(missing.map(flag))} ${missing.length === 1 ? 'is' : 'are'} required`);
  return problems;
}

/**
 * Parses `argv` as the declaration says; `help` when `--help`/`-h` is asked for. Throws a
 * UsageError naming what is wrong, followed by the usage.
 */
export function parseCommandLine<O extends OptionSpecs>(spec: DeclaredSpec<O>, argv: readonly string[]): ParsedArgs<O> | 'help' {
  const fail = (problem: string): never => {
    throw new UsageError(`${problem}\n${usageText(spec)}`);
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...parseConfig(spec), help: HELP },
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    if (asksForHelp(argv, spec)) return 'help';
    return fail(parseErrorMessage(error as Error, argv, spec));
  }
  const { values, positionals, tokens } = parsed;
  if (values.help === true) return 'help';

  const given = [...new Set(tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])))];
  for (const name of given) {
    const o = spec.options[name];
    if (o.type === 'string' && o.multiple !== true && tokens.filter((t) => t.kind === 'option' && t.name === name).length > 1) {
      fail(`${flag(name)} is given more than once; it takes one value`);
    }
  }
  const forms = formsOf(spec);
  const verdicts = forms.map((form) => formProblems(form, forms, spec, given, positionals));
  const form = verdicts.findIndex((problems) => problems.length === 0);
  if (form === -1) {
    // The form the arguments come closest to (the first, on a tie) says what is wrong.
    const closest = verdicts.reduce((best, problems) => (problems.length < best.length ? problems : best));
    fail(closest.join('; '));
  }

  const out: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const value = (values as Record<string, string | boolean | string[] | undefined>)[name];
    const strings = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    for (const v of strings) {
      if (o.choices !== undefined && !o.choices.includes(v)) fail(`${flag(name)}: "${v}" is not one of ${o.choices.join(', ')}`);
    }
    out[name] =
      o.type === 'boolean'
        ? value === true
        : (value ?? (o.default === undefined ? undefined : o.multiple === true ? [o.default] : o.default));
  }
  return { values: out as OptionValues<O>, positionals, form };
}

/**
 * Declares a command: `run` gets the parsed, checked arguments. The result is a `Command`
 * (`--help` prints the generated help and exits 0; bad usage throws a UsageError, exit 2).
 */
export function command<const O extends OptionSpecs, E extends unknown[] = []>(
  spec: DeclaredSpec<O>,
  run: (args: ParsedArgs<O>, io: Io, ...extra: E) => number | void | Promise<number | void>,
): DeclaredCommand<E> {
  const help = helpText([spec]);
  const declared = async (argv: string[], io: Io, ...extra: E): Promise<number> => {
    const args = parseCommandLine(spec, argv);
    if (args === 'help') {
      io.out(help);
      return EXIT.ok;
    }
    const code = await run(args, io, ...extra);
    return typeof code === 'number' ? code : EXIT.ok;
  };
  return Object.assign(declared, { script: spec.script, summary: spec.summary, specs: [spec] as readonly CommandSpec[], help });
}

/** A command whose first argument picks one of its subcommands (each declared with `subcommand` set). */
export function commandGroup(script: string, summary: string, subcommands: readonly DeclaredCommand[]): DeclaredCommand {
  const specs = subcommands.flatMap((c) => c.specs);
  const help = helpText(specs, summary);
  const byName = new Map(subcommands.map((c) => [c.specs[0].subcommand ?? '', c]));
  const names = [...byName.keys()];
  const declared = async (argv: string[], io: Io): Promise<number> => {
    const [name, ...rest] = argv;
    if (name === '--help' || name === '-h') {
      io.out(help);
      return EXIT.ok;
    }
    const sub = name === undefined ? undefined : byName.get(name);
    if (sub === undefined) {
      const near = name === undefined ? undefined : closestMatch(name, names, 3);
      const problem =
        name === undefined
          ? `a subcommand is required: ${names.join(', ')}`
          : `unknown subcommand "${name}"${near === undefined ? `; use one of ${names.join(', ')}` : ` (did you mean ${near}?)`}`;
      throw new UsageError(`${problem}\n${usageText(specs, script)}`);
    }
    return sub(rest, io);
  };
  return Object.assign(declared, { script, summary, specs, help });
}

// ---------------------------------------------------------------------------------------
// Running

/** Runs a command: bad usage or input prints its message and exits 2, bugs print a stack and exit 3. */
export async function runCommand(command: Command, argv: string[], io: Io): Promise<number> {
  try {
    const code = await command(argv, io);
    return typeof code === 'number' ? code : EXIT.ok;
  } catch (error) {
    if (error instanceof ValidationError || error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      return EXIT.badInput;
    }
    io.err(`internal error (please report): ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.internal;
  }
}

/** The entry point of `cli/<name>.ts`: runs the command on the process's arguments and streams. */
export function main(command: Command): void {
  const io: Io = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text), cwd: process.cwd() };
  void runCommand(command, process.argv.slice(2), io).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
