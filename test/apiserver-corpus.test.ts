/**
 * The corpus of objects that pass the OpenAPI schemas but that the API server rejects
 * (test/apiserver-corpus/<family>/<case>.yaml, one object per file, each with the
 * `# rejects:` lines the API server gives) through both entry points the issue names:
 * the check `synthesize` runs before writing (`checkObjects`), and `npm run policy -- --dir`
 * (`directoryCheck`, rules MC10-*). The per-family tests next to the validators assert the
 * exact error lists; here every expected line must come out of both, naming the object,
 * the field and the upstream rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { validateObject, type ManifestObject } from '../charts/schema';
import { checkObjects } from '../charts/synthesize';
import { directoryCheck } from '../cli/policy-command';

const CORPUS = path.join(__dirname, 'apiserver-corpus');

interface Case {
  readonly family: string;
  readonly file: string;
  readonly object: ManifestObject;
  readonly rejects: readonly string[];
  readonly upstream: readonly string[];
}

function corpus(): Case[] {
  return fs
    .readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .flatMap((family) =>
      fs
        .readdirSync(path.join(CORPUS, family))
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => {
          const text = fs.readFileSync(path.join(CORPUS, family, f), 'utf8');
          const comments = (prefix: string) =>
            text
              .split('\n')
              .filter((l) => l.startsWith(`# ${prefix}: `))
              .map((l) => l.slice(`# ${prefix}: `.length));
          return {
            family,
            file: `${family}/${f}`,
            object: parse(text) as ManifestObject,
            rejects: comments('rejects'),
            upstream: comments('upstream'),
          };
        }),
    );
}

const CASES = corpus();
const refOf = (o: ManifestObject) => `${o.kind}/${o.metadata.name}`;

describe('the API-server corpus', () => {
  it('has a case for every rule family, each with its expected rejection and upstream source', () => {
    const families = new Set(CASES.map((c) => c.family));
    expect(families.size).toBeGreaterThanOrEqual(20);
    for (const c of CASES) {
      expect({ file: c.file, rejects: c.rejects.length > 0, upstream: c.upstream.length > 0 }).toEqual({
        file: c.file,
        rejects: true,
        upstream: true,
      });
    }
  });

  it.each(CASES.map((c) => [c.file, c] as const))(
    '%s passes the OpenAPI schema (what the API server would reject is beyond it)',
    (_file, c) => {
      expect(validateObject(c.object, c.file)).toEqual([]);
    },
  );

  it.each(CASES.map((c) => [c.file, c] as const))(
    '%s is rejected by the check synth runs before writing, naming object, field and rule',
    (_file, c) => {
      const { problems } = checkObjects([{ name: c.file, objects: [c.object] }]);
      const lines = problems.map((p) => `${p.field.slice(refOf(c.object).length + 1)}: ${p.problem}`);
      for (const expected of c.rejects) {
        const line = lines.find((l) => l.startsWith(`${expected} (the API server would reject it: `));
        expect({ expected, found: line !== undefined, lines }).toMatchObject({ expected, found: true });
      }
      // Exactly the listed rejections, no more: the file is the whole story of the object.
      expect(lines.map((l) => l.slice(0, l.indexOf(' (the API server would reject it: '))).sort()).toEqual([...c.rejects].sort());
      for (const p of problems) expect(p.field.startsWith(`${refOf(c.object)} `)).toBe(true);
    },
  );
});

describe('npm run policy -- --dir over the corpus', () => {
  const check = directoryCheck(CORPUS, { profile: 'dev', allowedRegistries: [], environment: 'dir' }, 'test/apiserver-corpus');
  const mc10 = check.report.violations.filter(
    (v) => v.rule.id === 'MC10-crd-validation-rules' || v.rule.id === 'MC10-kubernetes-validation',
  );

  it.each(CASES.map((c) => [c.file, c] as const))(
    '%s: every expected rejection is a mandatory MC10 finding on its object, with the upstream rule',
    (_file, c) => {
      const id = `${c.object.kind}/${c.object.metadata.namespace ?? 'default'}/${c.object.metadata.name}`;
      const mine = mc10.filter((v) => v.object === id || v.object === `${c.object.kind}/${c.object.metadata.name}`);
      for (const expected of c.rejects) {
        const hit = mine.find((v) => v.message.startsWith(`${expected} [`));
        expect({ expected, found: hit !== undefined, messages: mine.map((v) => v.message) }).toMatchObject({ expected, found: true });
        expect(hit?.rule.enforcement).toBe('mandatory');
      }
    },
  );

  it('fails the check', () => {
    expect(mc10.length).toBeGreaterThanOrEqual(CASES.length);
  });
});
