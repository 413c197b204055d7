/**
 * Upstream contract: the Pulumi.yaml forms the offline reader (core/config.ts) accepts are
 * the ones the Pulumi CLI accepts, checked against the JSON schema the CLI validates
 * Pulumi.yaml with (sdk/go/common/workspace/project.json, vendored by scripts/vendor-pulumi.sh
 * at the tag of the installed SDK).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { readStackFiles } from './config';
import { ValidationError } from './problems';

const ROOT = path.resolve(__dirname, '..');
const SDK_VERSION = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@pulumi', 'pulumi', 'package.json'), 'utf8')) as { version: string }
).version;
const VENDORED = path.join(ROOT, 'vendor', 'pulumi', SDK_VERSION);
const schema = JSON.parse(fs.readFileSync(path.join(VENDORED, 'sdk/go/common/workspace/project.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);

describe('the vendored Pulumi project schema', () => {
  it('is the one of the installed SDK version', () => {
    expect(fs.readFileSync(path.join(VENDORED, 'SOURCE'), 'utf8')).toMatch(
      new RegExp(`^repo: https://github.com/pulumi/pulumi\\ntag: v${SDK_VERSION.replace(/\./g, '\\.')}\\ncommit: [0-9a-f]{40}\\n$`),
    );
  });

  it("accepts the repository's Pulumi.yaml, project config included", () => {
    const project = parse(fs.readFileSync(path.join(ROOT, 'Pulumi.yaml'), 'utf8')) as { config: object };
    expect(project.config).toHaveProperty(['platform:istioVersion']);
    expect(validate(project)).toBe(true);
  });
});

describe('project config forms: the offline reader agrees with the CLI', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-upstream-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Whether upstream's schema accepts the config block, and whether our reader does. */
  const verdicts = (config: string) => {
    const text = `name: platform\nruntime: nodejs\nconfig:\n${config}`;
    fs.writeFileSync(path.join(root, 'Pulumi.yaml'), text);
    const upstream = validate(parse(text));
    let ours = true;
    try {
      readStackFiles('pr-1', root);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      ours = false;
    }
    return { upstream, ours };
  };

  it.each([
    ['a string', '  platform:istioVersion: 1.30.3\n'],
    ['an integer', '  platform:nodeMinCount: 2\n'],
    ['a boolean', '  platform:nodeSpot: true\n'],
    ['a list', '  platform:zones: [europe-west1-b]\n'],
    ['a bare key', '  istioVersion: 1.30.3\n'],
    ['the long form with a default and a description', '  platform:istioVersion:\n    description: pinned\n    default: 1.30.3\n'],
    ['the long form with a value', '  gcp:region:\n    value: europe-west1\n'],
  ])('both accept %s', (_title, config) => {
    expect(verdicts(config)).toEqual({ upstream: true, ours: true });
  });

  it.each([
    ['an empty value', '  platform:istioVersion:\n'],
    ['a fractional number', '  platform:nodeMinCount: 1.5\n'],
    ['an unknown attribute of the long form', '  platform:istioVersion:\n    defualt: 1.30.3\n'],
  ])('both refuse %s', (_title, config) => {
    expect(verdicts(config)).toEqual({ upstream: false, ours: false });
  });
});

it('refuses, on purpose, the typed long form upstream accepts: core/config-schema.ts types every setting', () => {
  const text = 'name: platform\nconfig:\n  platform:nodeMinCount:\n    type: integer\n    default: 2\n';
  expect(validate(parse(text))).toBe(true);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-upstream-'));
  try {
    fs.writeFileSync(path.join(root, 'Pulumi.yaml'), text);
    expect(() => readStackFiles('pr-1', root)).toThrow('uses type, which this repository does not use');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
