import { ValidationError } from '../core/problems';
import { runCli } from '../test/cli';
import { command, commandGroup, EXIT, UsageError, type Command } from './args';

describe('the shared command runner (runCommand)', () => {
  const problem = { where: 'x.yaml', field: 'spec', problem: 'is wrong', fix: 'fix it' };
  it.each<[string, number, Command, RegExp]>([
    ['a command that returns nothing', 0, () => undefined, /^$/],
    ['a failed check (the command returns 1)', 1, () => EXIT.checkFailed, /^$/],
    [
      'bad usage',
      2,
      () => {
        throw new UsageError('--x is required');
      },
      /^error: --x is required\n$/,
    ],
    [
      'bad input',
      2,
      () => {
        throw new ValidationError([problem]);
      },
      /^error: 1 problem found:\n {2}- x\.yaml: spec is wrong\. Fix: fix it\n$/,
    ],
    [
      'a bug',
      3,
      () => {
        throw new TypeError("Cannot read properties of undefined (reading 'name')");
      },
      /^internal error \(please report\): TypeError: Cannot read properties/,
    ],
  ])('%s exits %i', async (_name, code, command, stderr) => {
    const result = await runCli(command, []);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(stderr);
  });

  it('numbers the exit codes as documented: 0 ok, 1 check failed, 2 bad usage or input, 3 internal error', () => {
    expect(EXIT).toEqual({ ok: 0, checkFailed: 1, badInput: 2, internal: 3 });
  });
});

describe('the declarative argument layer (command)', () => {
  const sample = command(
    {
      script: 'sample',
      summary: 'Does a sample thing.',
      options: {
        env: { type: 'string', required: true, description: 'the environment' },
        format: { type: 'string', choices: ['text', 'json'], default: 'text', description: 'the output format' },
        tag: { type: 'string', multiple: true, description: 'a tag to add' },
        dry: { type: 'boolean', description: 'change nothing' },
        out: { type: 'string', value: 'dir', description: 'where to write', defaultText: 'stdout' },
      },
      failsWhen: 'the sample check fails',
    },
    ({ values, positionals, form }, io) => {
      io.out(JSON.stringify({ values, positionals, form }));
    },
  );
  const USAGE =
    'usage: npm run sample -- --env <env> [--format text|json] [--tag <tag>]... [--dry] [--out <dir>]\nrun "npm run sample -- --help" for every option\n';

  it.each<[string, string[], unknown]>([
    ['applies defaults: false for a boolean, undefined for the rest', ['--env', 'dev'], { env: 'dev', format: 'text', dry: false }],
    ['takes --name=value, a boolean and a choice', ['--env=dev', '--dry', '--format', 'json'], { env: 'dev', format: 'json', dry: true }],
    [
      'collects a repeated option in order',
      ['--env', 'dev', '--tag', 'b', '--tag', 'a'],
      { env: 'dev', format: 'text', tag: ['b', 'a'], dry: false },
    ],
  ])('%s', async (_name, argv, values) => {
    const result = await runCli(sample, argv);
    expect(result).toEqual({ code: 0, stdout: JSON.stringify({ values, positionals: [], form: 0 }), stderr: '' });
  });

  it.each<[string, string[], string]>([
    ['a missing required option', [], '--env is required'],
    ['a value outside the choices', ['--env', 'dev', '--format', 'xml'], '--format: "xml" is not one of text, json'],
    [
      'an unknown option, with the nearest declared one',
      ['--env', 'dev', '--formt', 'json'],
      "Unknown option '--formt' (did you mean --format?)",
    ],
    ['an unknown option nothing is near', ['--env', 'dev', '--colour'], "Unknown option '--colour'"],
    ['a single-valued option given twice', ['--env', 'dev', '--env', 'prod'], '--env is given more than once; it takes one value'],
    ['a positional the command does not take', ['--env', 'dev', 'extra'], 'unexpected argument "extra"'],
    ['an option without its value', ['--env'], "Option '--env <value>' argument missing"],
    ['--help after --, which is an argument', ['--env', 'dev', '--', '--help'], 'unexpected argument "--help"'],
  ])('refuses %s with exit 2, the problem and the usage', async (_name, argv, problem) => {
    expect(await runCli(sample, argv)).toEqual({ code: 2, stdout: '', stderr: `error: ${problem}\n${USAGE}` });
  });

  it('prints the help generated from the declaration, even among bad arguments, and runs nothing', async () => {
    const help = [
      'usage: npm run sample -- --env <env> [--format text|json] [--tag <tag>]... [--dry] [--out <dir>]',
      '',
      'Does a sample thing.',
      '',
      'options:',
      '  --env <env>         the environment [required]',
      '  --format text|json  the output format [default: text]',
      '  --tag <tag>         a tag to add [repeatable]',
      '  --dry               change nothing',
      '  --out <dir>         where to write [default: stdout]',
      '  -h, --help          print this help and exit',
      '',
      'exit codes:',
      '  0  done',
      '  1  the sample check fails',
      '  2  bad usage or input: the message names the file, field, value and fix',
      '  3  internal error (a bug: please report it)',
      '',
    ].join('\n');
    expect(sample.help).toBe(help);
    for (const argv of [['--help'], ['-h'], ['--colour', '-h'], ['--env', 'dev', '--format', 'xml', '--help']]) {
      expect(await runCli(sample, argv)).toEqual({ code: 0, stdout: help, stderr: '' });
    }
  });

  describe('a command with several forms (as policy: <env>, or --dir)', () => {
    const forms = command(
      {
        script: 'forms',
        summary: 'Checks an environment or a directory.',
        options: {
          dir: { type: 'string', value: 'path', description: 'a directory' },
          env: { type: 'string', description: 'with --dir: the stack to take settings from' },
          infra: { type: 'boolean', description: 'also the infrastructure' },
        },
        forms: [
          { positionals: [{ name: 'env', description: 'the environment' }], optional: ['infra'] },
          { required: ['dir'], optional: ['env'] },
        ],
      },
      ({ values, positionals, form }, io) => {
        io.out(JSON.stringify({ values, positionals, form }));
      },
    );
    const USAGE_LINES =
      'usage: npm run forms -- <env> [--infra]\n       npm run forms -- --dir <path> [--env <env>]\nrun "npm run forms -- --help" for every option\n';

    it.each<[string[], unknown]>([
      [['dev', '--infra'], { values: { env: undefined, infra: true }, positionals: ['dev'], form: 0 }],
      [['--dir', 'x', '--env', 'dev'], { values: { dir: 'x', env: 'dev', infra: false }, positionals: [], form: 1 }],
    ])('takes the first form %j fits', async (argv, parsed) => {
      const result = await runCli(forms, argv);
      expect([result.code, JSON.parse(result.stdout)]).toEqual([0, parsed]);
    });

    it.each<[string[], string]>([
      [[], '<env> is required'],
      [['dev', '--dir', 'x'], '--dir cannot be used with <env>'],
      [['--dir', 'x', '--infra'], '--infra cannot be used with --dir'],
      [['dev', 'prod'], 'unexpected argument "prod"'],
    ])('refuses %j with what is wrong in the form it comes closest to', async (argv, problem) => {
      expect(await runCli(forms, argv)).toEqual({ code: 2, stdout: '', stderr: `error: ${problem}\n${USAGE_LINES}` });
    });

    it('lists the positionals and options of every form in its help', () => {
      expect(forms.help).toContain('\narguments:\n  <env>  the environment\n\noptions:\n  --dir <path>  a directory\n');
    });
  });

  describe('a command group (as stacks: pr-name, affected)', () => {
    const one = command(
      {
        script: 'group',
        subcommand: 'one',
        summary: 'the first',
        options: { n: { type: 'string', required: true, description: 'a number' } },
      },
      ({ values }, io) => {
        io.out(`one ${values.n}`);
      },
    );
    const two = command({ script: 'group', subcommand: 'two', summary: 'the second', options: {} }, (_args, io) => {
      io.out('two');
    });
    const group = commandGroup('group', 'Two things.', [one, two]);
    const USAGE_LINES =
      'usage: npm run group -- one --n <n>\n       npm run group -- two\nrun "npm run group -- --help" for every option\n';

    it('runs the subcommand the first argument names, with the rest', async () => {
      expect(await runCli(group, ['one', '--n', '7'])).toEqual({ code: 0, stdout: 'one 7', stderr: '' });
      expect(await runCli(group, ['two'])).toEqual({ code: 0, stdout: 'two', stderr: '' });
    });

    it.each<[string[], string]>([
      [[], 'a subcommand is required: one, two'],
      [['three'], 'unknown subcommand "three"; use one of one, two'],
      [['on'], 'unknown subcommand "on" (did you mean one?)'],
    ])('refuses %j with exit 2 and every usage', async (argv, problem) => {
      expect(await runCli(group, argv)).toEqual({ code: 2, stdout: '', stderr: `error: ${problem}\n${USAGE_LINES}` });
    });

    it("prints every subcommand's help for --help, and one subcommand's for <subcommand> --help", async () => {
      const all = await runCli(group, ['--help']);
      expect(all.stdout).toBe(group.help);
      expect(all.stdout).toMatch(
        /^usage: npm run group -- one --n <n>\n {7}npm run group -- two\n\nTwo things\.\n\none: the first\noptions:\n {2}--n <n> {5}a number \[required\]\n/,
      );
      expect((await runCli(group, ['one', '-h'])).stdout).toBe(one.help);
    });
  });
});
