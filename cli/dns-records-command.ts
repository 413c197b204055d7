/**
 * `npm run dns-records`: the "create these records" step of docs/deploy.md. Reads a platform
 * stack's outputs as `pulumi stack output --json --stack <stack>` prints them (a file or
 * stdin), and prints the DNS records to create (`dnsRecords`) and the command that shows
 * when the certificate they unlock is issued (`certificate`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DnsRecord, DnsRecordPurpose } from '../infra/dns-records';
import { assertNoProblems, ValidationError, type Problem } from '../core/problems';
import { isRecord as isObject } from '../core/json';
import { command, UsageError } from './args';
import { usageText } from './help';

export interface CertificateRef {
  readonly name: string;
  readonly project: string;
  readonly location: string;
}

export interface DnsStep {
  readonly records: readonly DnsRecord[];
  readonly certificate: CertificateRef;
}

const PURPOSES: readonly DnsRecordPurpose[] = ['certificate-authorization', 'load-balancer'];

/** The record and certificate outputs of a stack, every problem reported at once. */
export function dnsStep(text: string, where: string, stack: string): DnsStep {
  const fix = `pass what \`pulumi stack output --json --stack ${stack}\` prints`;
  const heading = `${where}: not the outputs of a platform stack`;
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch (error) {
    throw new ValidationError([{ where, field: '(document)', problem: `is not JSON (${(error as Error).message})`, fix }], heading);
  }
  if (!isObject(outputs))
    throw new ValidationError([{ where, field: '(document)', value: outputs, problem: 'is not an object of stack outputs', fix }], heading);

  const problems: Problem[] = [];
  const missing = (field: string): void => {
    problems.push({
      where,
      field,
      problem: 'is missing',
      fix: `run \`pulumi up --stack ${stack}\` first (pr-<N> stacks have no records of their own: dev's wildcard covers them)`,
    });
  };
  const string = (value: Record<string, unknown>, key: string, field: string): string => {
    const v = value[key];
    if (typeof v === 'string' && v !== '') return v;
    problems.push({
      where,
      field: `${field}.${key}`,
      ...(v === undefined ? {} : { value: v }),
      problem: 'must be a non-empty string',
      fix,
    });
    return '';
  };

  const records: DnsRecord[] = [];
  if (outputs.dnsRecords === undefined) missing('dnsRecords');
  else if (!Array.isArray(outputs.dnsRecords) || outputs.dnsRecords.length === 0) {
    problems.push({ where, field: 'dnsRecords', value: outputs.dnsRecords, problem: 'must be a non-empty list of records', fix });
  } else {
    outputs.dnsRecords.forEach((r: unknown, i) => {
      const field = `dnsRecords[${i}]`;
      if (!isObject(r)) {
        problems.push({ where, field, value: r, problem: 'must be an object with name, type, data and purpose', fix });
        return;
      }
      const purpose = r.purpose as DnsRecordPurpose;
      if (!PURPOSES.includes(purpose))
        problems.push({ where, field: `${field}.purpose`, value: r.purpose, problem: `must be one of ${PURPOSES.join(', ')}`, fix });
      records.push({ name: string(r, 'name', field), type: string(r, 'type', field), data: string(r, 'data', field), purpose });
    });
  }

  let certificate: CertificateRef = { name: '', project: '', location: '' };
  if (outputs.certificate === undefined) missing('certificate');
  else if (!isObject(outputs.certificate)) {
    problems.push({
      where,
      field: 'certificate',
      value: outputs.certificate,
      problem: 'must be an object with name, project and location',
      fix,
    });
  } else {
    const c = outputs.certificate;
    certificate = {
      name: string(c, 'name', 'certificate'),
      project: string(c, 'project', 'certificate'),
      location: string(c, 'location', 'certificate'),
    };
  }

  assertNoProblems(problems, heading);
  return { records, certificate };
}

const WHY: Record<DnsRecordPurpose, string> = {
  'certificate-authorization': 'lets Google issue the certificate',
  'load-balancer': 'sends the host to the load balancer',
};

/** The step as text: a table of records, then the certificate check. */
export function formatDnsStep(stack: string, step: DnsStep): string {
  const rows = [['NAME', 'TYPE', 'DATA', 'WHY'], ...step.records.map((r) => [r.name, r.type, r.data, WHY[r.purpose]])];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c].length)));
  const table = rows.map((row) => `  ${row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell)).join('  ')}`.trimEnd());
  const { name, project, location } = step.certificate;
  return [
    `Stack ${stack}: create these DNS records in the domain's zone (TTL of your choice, e.g. 300):`,
    '',
    ...table,
    '',
    'Then wait until the certificate is ACTIVE (Google checks the CNAME records; this can take up',
    'to an hour after they resolve). Until then HTTPS clients get no certificate:',
    '',
    `  gcloud certificate-manager certificates describe ${name} --project=${project} --location=${location} --format="get(managed.state)"`,
    '',
  ].join('\n');
}

/** Standard input: whether it is a terminal (nothing piped in), and all of its text. */
export interface Stdin {
  readonly isTTY: boolean;
  read(): string;
}

const processStdin: Stdin = {
  get isTTY() {
    return process.stdin.isTTY === true;
  },
  read: () => fs.readFileSync(0, 'utf8'),
};

const DNS_RECORDS = {
  script: 'dns-records',
  summary:
    "Prints the DNS records to create for a stack (the certificate's CNAMEs, the A records of the domain and its wildcard) and the command that shows when the certificate is issued.",
  options: {
    stack: { type: 'string', required: true, description: 'the stack whose outputs these are (names the records and the commands)' },
    file: {
      type: 'string',
      value: 'outputs.json',
      description: 'the stack outputs (pulumi stack output --json) in a file',
      defaultText: 'read from stdin',
    },
  },
  forms: [{ required: ['stack'], input: 'pulumi stack output --json --stack <stack>' }, { required: ['stack', 'file'] }],
} as const;

/** `npm run dns-records -- <argv>`: prints the DNS step for the stack outputs on stdin or in `--file`. */
export const dnsRecordsCli = command(DNS_RECORDS, ({ values }, io, stdin: Stdin = processStdin) => {
  if (values.file === undefined && stdin.isTTY)
    throw new UsageError(`pipe the stack outputs in, or pass --file\n${usageText(DNS_RECORDS)}`);
  const where = values.file ?? 'stdin';
  let text: string;
  try {
    text = values.file === undefined ? stdin.read() : fs.readFileSync(path.resolve(io.cwd, values.file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${where}: ${(error as Error).message}`);
  }
  io.out(formatDnsStep(values.stack, dnsStep(text, where, values.stack)));
});
