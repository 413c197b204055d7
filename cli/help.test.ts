/**
 * Every command's declaration, run in-process: `--help` prints the generated help (exit 0,
 * nothing run), and bad usage (an unknown option, a missing required argument, a value
 * outside the choices) exits 2 with the usage, before the command does anything.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchCli } from '../bench/bench-command';
import { ROOT, runCli } from '../test/cli';
import type { CommandSpec, DeclaredCommand, FormSpec } from './args';
import { COMMANDS, COMMANDS_DOCS } from './commands';
import { formsOf, usageLines, withCommandsReference } from './help';

/** Every declared command: cli/'s by npm script, and the benchmark. */
const ALL: ReadonlyArray<readonly [string, DeclaredCommand]> = [
  ...Object.entries(COMMANDS).map(([script, c]) => [script, c.command] as const),
  ['bench', benchCli],
];

/** One row per declaration: a subcommand runs behind its name. */
const DECLARATIONS = ALL.flatMap(([script, command]) =>
  command.specs.map((spec) => ({ script, command, spec, prefix: spec.subcommand === undefined ? [] : [spec.subcommand] })),
);
const rows = DECLARATIONS.map((d) => [d.spec.subcommand === undefined ? d.script : `${d.script} ${d.spec.subcommand}`, d] as const);

/** Arguments that fit `form`, `--name x` for each required option (its first choice if it has choices). */
function fitting(spec: CommandSpec, form: FormSpec): string[] {
  return [
    ...(form.required ?? []).flatMap((name) => [`--${name}`, spec.options[name].choices?.[0] ?? 'x']),
    ...(form.positionals ?? []).filter((p) => p.required !== false).map(() => 'x'),
  ];
}

const requiresSomething = (form: FormSpec): boolean =>
  (form.required ?? []).length > 0 || (form.positionals ?? []).some((p) => p.required !== false);

describe('every command declares its arguments once (cli/args.ts command)', () => {
  it.each(rows)('%s: --help and -h print the generated help on stdout and exit 0', async (_name, { command, spec, prefix }) => {
    for (const flag of ['--help', '-h']) {
      const result = await runCli(command, [...prefix, flag]);
      expect(result).toEqual({ code: 0, stdout: expect.any(String) as string, stderr: '' });
      expect(result.stdout.startsWith(`usage: ${usageLines(spec)[0]}\n`)).toBe(true);
      expect(result.stdout).toContain(`\n${spec.summary}\n`);
      for (const name of Object.keys(spec.options)) expect(result.stdout).toContain(`  --${name}`);
      for (const p of formsOf(spec).flatMap((f) => f.positionals ?? [])) expect(result.stdout).toContain(`  <${p.name}>`);
      expect(result.stdout).toContain('\nexit codes:\n  0  done\n');
    }
  });

  it.each(rows)('%s: an unknown option exits 2 with the usage', async (_name, { command, spec, prefix }) => {
    const result = await runCli(command, [...prefix, '--no-such-option']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: Unknown option '--no-such-option'\n/);
    expect(result.stderr).toContain(`\nusage: ${usageLines(spec)[0]}\n`);
  });

  const required = rows.filter(([, d]) => formsOf(d.spec).every(requiresSomething));
  it.each(required)('%s: missing required arguments exit 2 with the usage', async (_name, { command, spec, prefix }) => {
    const result = await runCli(command, prefix);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: (<[^>]+>|--[a-z-]+)(, (<[^>]+>|--[a-z-]+))*( and (<[^>]+>|--[a-z-]+))? (is|are) required\nusage: /,
    );
    expect(result.stderr).toContain(`usage: ${usageLines(spec)[0]}\n`);
  });

  const choices = DECLARATIONS.flatMap((d) =>
    Object.entries(d.spec.options).flatMap(([option, o]) =>
      o.choices === undefined
        ? []
        : [[`${d.script}${d.spec.subcommand === undefined ? '' : ` ${d.spec.subcommand}`} --${option}`, d, option, o.choices] as const],
    ),
  );
  it.each(choices)('%s: a value outside the choices exits 2 with the usage', async (_name, { command, spec, prefix }, option, allowed) => {
    const form = formsOf(spec).find((f) => [...(f.required ?? []), ...(f.optional ?? [])].includes(option));
    if (form === undefined) throw new Error(`--${option} is in no form`);
    const argv = [
      ...prefix,
      ...fitting(spec, form).filter((_, i, all) => all[i - 1] !== `--${option}` && all[i] !== `--${option}`),
      `--${option}`,
      'not-a-choice',
    ];
    const result = await runCli(command, argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: --${option}: "not-a-choice" is not one of ${allowed.join(', ')}\nusage: `);
  });

  it.each(rows)(
    '%s: the declaration is consistent (defaults among the choices, every option in a form, one-line summary)',
    (_name, { script, spec }) => {
      expect(spec.script).toBe(script);
      expect(spec.summary).toMatch(/^\S[^\n]*\S$/);
      expect(Object.keys(spec.options)).not.toContain('help');
      const inForms = new Set(formsOf(spec).flatMap((f) => [...(f.required ?? []), ...(f.optional ?? [])]));
      for (const [name, o] of Object.entries(spec.options)) {
        expect([name, inForms.has(name)]).toEqual([name, true]);
        expect(o.description).toMatch(/^\S[^\n]*\S$/);
        if (o.default !== undefined && o.choices !== undefined) expect(o.choices).toContain(o.default);
        if (o.type === 'boolean') expect([name, o.default, o.choices, o.multiple]).toEqual([name, undefined, undefined, undefined]);
      }
    },
  );
});

describe('entry points (cli/<name>.ts)', () => {
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('every npm script that runs a file of cli/ runs the entry point of a declared command', () => {
    const entries = new Set(Object.values(COMMANDS).map((c) => c.entry));
    const run = Object.values(scripts).flatMap((line) => /^tsx (cli\/\S+\.ts)/.exec(line)?.[1] ?? []);
    expect(run.filter((file) => !entries.has(file))).toEqual([]);
    for (const [script, { entry }] of Object.entries(COMMANDS)) expect([script, scripts[script]]).toEqual([script, `tsx ${entry}`]);
    expect(scripts.bench).toBe('tsx bench/synth.bench.ts');
  });

  it.each(Object.entries(COMMANDS))(
    '%s: its entry point is three lines that run the command through main',
    (_script, { entry, exportName, module }) => {
      expect(fs.readFileSync(path.join(ROOT, entry), 'utf8')).toBe(
        `import { main } from './args';\nimport { ${exportName} } from './${module}';\n\nmain(${exportName});\n`,
      );
    },
  );

  it('bench/synth.bench.ts is three lines too', () => {
    expect(fs.readFileSync(path.join(ROOT, 'bench', 'synth.bench.ts'), 'utf8')).toBe(
      "import { main } from '../cli/args';\nimport { benchCli } from './bench-command';\n\nmain(benchCli);\n",
    );
  });
});

describe(COMMANDS_DOCS, () => {
  it("holds every command's --help, generated from the declarations (run `npm run docs:commands` after changing one)", () => {
    const doc = fs.readFileSync(path.join(ROOT, COMMANDS_DOCS), 'utf8');
    expect(withCommandsReference(doc, COMMANDS)).toBe(doc);
    for (const { command } of Object.values(COMMANDS)) expect(doc).toContain(command.help.trimEnd());
  });
});
