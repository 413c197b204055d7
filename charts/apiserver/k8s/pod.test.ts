import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ManifestObject } from '../../schema';
import { render } from '../field';
import { quantity } from './pod-read';
import { WORKLOAD_VALIDATORS } from './workloads';

const GOLDEN = path.resolve(__dirname, '..', '..', '..', 'test', 'golden', 'dev');

function goldenWorkloads(): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const f of fs.readdirSync(GOLDEN, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(GOLDEN, f), 'utf8'))) {
      const o = doc.toJS() as ManifestObject | null;
      if (o !== null && WORKLOAD_VALIDATORS[`${String(o.apiVersion)}/${String(o.kind)}`] !== undefined) out.push(o);
    }
  }
  return out;
}

const validate = (o: ManifestObject): string[] =>
  (WORKLOAD_VALIDATORS[`${String(o.apiVersion)}/${String(o.kind)}`] ?? (() => []))(o).map(render);

describe('golden dev workloads', () => {
  const objects = goldenWorkloads();
  it('has the BookInfo Deployments', () => {
    expect(objects.filter((o) => o.kind === 'Deployment').length).toBeGreaterThanOrEqual(6);
  });
  it.each(objects.map((o) => [`${String(o.kind)} ${String((o.metadata as { name?: string } | undefined)?.name)}`, o] as const))(
    '%s gives no errors',
    (_n, o) => {
      expect(validate(o)).toEqual([]);
    },
  );
});

type J = Record<string, unknown>;
const podTemplate = (spec: J = {}, labels: J = { app: 'web' }): J => ({
  metadata: { labels },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec },
});
const run = (o: J): string[] => validate(o as ManifestObject);

describe('workload kinds', () => {
  it.each<[string, J, string[]]>([
    [
      'a StatefulSet whose template labels miss the selector',
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db' },
        spec: { selector: { matchLabels: { app: 'db' } }, template: podTemplate() },
      },
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      'a StatefulSet named as a subdomain (StatefulSet names are DNS labels)',
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db.shop' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate() },
      },
      ['metadata.name: Invalid value: "db.shop": must not contain dots'],
    ],
    [
      'a DaemonSet with both maxUnavailable and maxSurge',
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent' },
        spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate(), updateStrategy: { rollingUpdate: { maxSurge: 1 } } },
      },
      ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero'],
    ],
    [
      'a Job whose template keeps the default restartPolicy Always',
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { template: podTemplate() } },
      ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'],
    ],
    [
      'a Job with a negative backoffLimit',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate' },
        spec: { backoffLimit: -1, template: podTemplate({ restartPolicy: 'Never' }) },
      },
      ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'a CronJob with an unknown concurrencyPolicy and a job selector',
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'report' },
        spec: {
          schedule: '0 * * * *',
          concurrencyPolicy: 'Queue',
          jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, template: podTemplate({ restartPolicy: 'OnFailure' }) } },
        },
      },
      [
        'spec.concurrencyPolicy: Unsupported value: "Queue": supported values: "Allow", "Forbid", "Replace"',
        'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
      ],
    ],
    [
      'a Pod with ephemeral containers on create and an image with trailing space',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'debug' },
        spec: { containers: [{ name: 'web', image: 'nginx ' }], ephemeralContainers: [{ name: 'web', image: 'busybox' }] },
      },
      [
        'spec.ephemeralContainers[0].name: Duplicate value: "web"',
        'spec.containers[0].image: Invalid value: "nginx ": must not have leading or trailing whitespace',
        'spec.ephemeralContainers: Forbidden: cannot be set on create',
      ],
    ],
    [
      'a Deployment template with an init container probe but no restartPolicy Always',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: podTemplate({ initContainers: [{ name: 'init', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } }] }),
        },
      },
      ['spec.template.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    ],
    [
      'a Deployment without a selector (nil selects nothing: no template matches)',
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: podTemplate() } },
      [
        'spec.selector: Required value',
        'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
      ],
    ],
  ])('%s', (_name, o, expected) => {
    expect(run(o)).toEqual(expected);
  });

  it.each<[string, J]>([
    [
      'a native sidecar init container with probes',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: podTemplate({
            initContainers: [
              {
                name: 'istio-proxy',
                image: 'proxyv2',
                restartPolicy: 'Always',
                ports: [{ name: 'http-envoy-prom', containerPort: 15090 }],
                readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, failureThreshold: 4 },
                startupProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, failureThreshold: 600 },
              },
            ],
          }),
        },
      },
    ],
    [
      'a Job that restarts OnFailure',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate' },
        spec: { template: podTemplate({ restartPolicy: 'OnFailure' }) },
      },
    ],
    [
      'zero probe periods (defaulted by the API server)',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: podTemplate({
            containers: [
              { name: 'web', image: 'nginx', livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 0, periodSeconds: 0 } },
            ],
          }),
        },
      },
    ],
  ])('accepts %s', (_name, o) => {
    expect(run(o)).toEqual([]);
  });
});

describe('canonicalQuantity (Quantity.String in messages)', () => {
  it.each([
    ['0.5', '500m'],
    ['1000m', '1'],
    ['2000', '2k'],
    ['1536Mi', '1536Mi'],
    ['2048Mi', '2Gi'],
    ['512Ki', '512Ki'],
    ['0.5Ki', '512'],
    ['-64Mi', '-64Mi'],
    ['1e3', '1e3'],
  ])('%s prints as %s', (text, expected) => {
    const q = quantity(text);
    expect(q?.text).toBe(expected);
  });
});
