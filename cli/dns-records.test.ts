import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli, spawnTsx } from '../test/cli';
import { thrown } from '../test/fixtures/thrown';
import { dnsRecordsCli, dnsStep, formatDnsStep } from './dns-records-command';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'stack-outputs', 'dev.json');

const EXPECTED = [
  "Stack dev: create these DNS records in the domain's zone (TTL of your choice, e.g. 300):",
  '',
  '  NAME                                       TYPE   DATA                                                  WHY',
  '  _acme-challenge.dev.example.com.           CNAME  dev-lb-dns-auth-0.authorize.certificatemanager.goog.  lets Google issue the certificate',
  '  _acme-challenge.bookinfo.dev.example.com.  CNAME  dev-lb-dns-auth-1.authorize.certificatemanager.goog.  lets Google issue the certificate',
  '  _acme-challenge.boutique.dev.example.com.  CNAME  dev-lb-dns-auth-2.authorize.certificatemanager.goog.  lets Google issue the certificate',
  '  dev.example.com.                           A      198.51.100.7                                          sends the host to the load balancer',
  '  *.dev.example.com.                         A      198.51.100.7                                          sends the host to the load balancer',
  '  bookinfo.dev.example.com.                  A      198.51.100.7                                          sends the host to the load balancer',
  '  *.bookinfo.dev.example.com.                A      198.51.100.7                                          sends the host to the load balancer',
  '  boutique.dev.example.com.                  A      198.51.100.7                                          sends the host to the load balancer',
  '  *.boutique.dev.example.com.                A      198.51.100.7                                          sends the host to the load balancer',
  '',
  'Then wait until the certificate is ACTIVE (Google checks the CNAME records; this can take up',
  'to an hour after they resolve). Until then HTTPS clients get no certificate:',
  '',
  '  gcloud certificate-manager certificates describe dev-lb-cert --project=replace-me-platform-dev --location=global --format="get(managed.state)"',
  '',
].join('\n');

/** In-process, with `input` piped to stdin, or a terminal there without it. */
function dnsRecords(args: string[], input?: string) {
  const stdin = { isTTY: input === undefined, read: () => input ?? '' };
  return runCli((argv, io) => dnsRecordsCli(argv, io, stdin), args);
}

describe('dnsStep', () => {
  it('reads the records and the certificate from `pulumi stack output --json`', () => {
    const step = dnsStep(fs.readFileSync(FIXTURE, 'utf8'), 'dev.json', 'dev');
    expect(step.certificate).toEqual({ name: 'dev-lb-cert', project: 'replace-me-platform-dev', location: 'global' });
    expect(step.records.map((r) => `${r.type} ${r.name}`)).toEqual([
      // The environment's domain, then each app's host, each with its wildcard (pr-<N> previews of the app).
      'CNAME _acme-challenge.dev.example.com.',
      'CNAME _acme-challenge.bookinfo.dev.example.com.',
      'CNAME _acme-challenge.boutique.dev.example.com.',
      'A dev.example.com.',
      'A *.dev.example.com.',
      'A bookinfo.dev.example.com.',
      'A *.bookinfo.dev.example.com.',
      'A boutique.dev.example.com.',
      'A *.boutique.dev.example.com.',
    ]);
  });

  it('says to run pulumi up first when the stack has no such outputs (a pr-<N> stack, or none yet)', () => {
    expect(thrown(() => dnsStep('{"namespace":"pr-7","urls":[]}', 'stdin', 'pr-7')).message).toBe(
      [
        'stdin: not the outputs of a platform stack:',
        "  - stdin: dnsRecords is missing. Fix: run `pulumi up --stack pr-7` first (pr-<N> stacks have no records of their own: dev's wildcard covers them)",
        "  - stdin: certificate is missing. Fix: run `pulumi up --stack pr-7` first (pr-<N> stacks have no records of their own: dev's wildcard covers them)",
      ].join('\n'),
    );
  });

  it('names every bad field at once', () => {
    const outputs = {
      dnsRecords: [{ name: 'a.example.com.', type: 'A', purpose: 'mail' }, 'x'],
      certificate: { name: 'c', project: 7, location: 'global' },
    };
    expect(thrown(() => dnsStep(JSON.stringify(outputs), 'out.json', 'dev')).problems.map((p) => `${p.field}: ${p.problem}`)).toEqual([
      'dnsRecords[0].purpose: must be one of certificate-authorization, load-balancer',
      'dnsRecords[0].data: must be a non-empty string',
      'dnsRecords[1]: must be an object with name, type, data and purpose',
      'certificate.project: must be a non-empty string',
    ]);
  });

  it('rejects text that is not JSON, pointing at the command that prints it', () => {
    const error = thrown(() => dnsStep('Current stack outputs (3):', 'stdin', 'dev'));
    expect(error.problems[0]).toMatchObject({
      where: 'stdin',
      field: '(document)',
      fix: 'pass what `pulumi stack output --json --stack dev` prints',
    });
    expect(error.problems[0]?.problem).toMatch(/^is not JSON \(/);
  });
});

describe('formatDnsStep', () => {
  it('prints the records as a table, then how to watch the certificate', () => {
    expect(formatDnsStep('dev', dnsStep(fs.readFileSync(FIXTURE, 'utf8'), 'dev.json', 'dev'))).toBe(EXPECTED);
  });
});

describe('npm run dns-records', () => {
  it('runs from the command line: prints the step for the stack outputs piped in', async () => {
    const piped = await spawnTsx('cli/dns-records.ts', ['--stack', 'dev'], { input: fs.readFileSync(FIXTURE, 'utf8') });
    expect(piped).toEqual({ code: 0, stdout: EXPECTED, stderr: '' });
  });

  it('prints the step for the stack outputs piped in, or given with --file', async () => {
    const [piped, file] = await Promise.all([
      dnsRecords(['--stack', 'dev'], fs.readFileSync(FIXTURE, 'utf8')),
      dnsRecords(['--stack', 'dev', '--file', FIXTURE]),
    ]);
    expect(piped).toEqual({ code: 0, stdout: EXPECTED, stderr: '' });
    expect(file).toEqual({ code: 0, stdout: EXPECTED, stderr: '' });
  });

  it('exits 2 with the problem when the outputs are not a platform stack, and when --stack is missing', async () => {
    const [preview, noStack] = await Promise.all([
      dnsRecords(['--stack', 'pr-7'], '{"namespace":"pr-7"}'),
      dnsRecords(['--file', FIXTURE], ''),
    ]);
    expect(preview.code).toBe(2);
    expect(preview.stderr).toContain('error: stdin: not the outputs of a platform stack:\n  - stdin: dnsRecords is missing.');
    expect(noStack).toMatchObject({ code: 2, stdout: '' });
    expect(noStack.stderr).toContain(
      'error: --stack is required\nusage: pulumi stack output --json --stack <stack> | npm run dns-records -- --stack <stack>',
    );
  });
});
