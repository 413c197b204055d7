/** The entry points: which kinds have CRDs, what the check covers, and that our own output passes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ManifestObject } from '../../schema';
import { render } from '../field';
import { celCoverage, celErrors, hasCrd } from './index';
import istioSchemas from '../../../imports/istio-schemas.json';
import istioCel from '../../../imports/istio-cel.json';
import { celCrdsFile, celSchemaNode, type CelCrd } from './schema';

const GOLDEN = path.resolve(__dirname, '..', '..', '..', 'test', 'golden', 'dev');

describe('hasCrd', () => {
  it.each([
    ['networking.istio.io/v1', 'VirtualService', true],
    ['networking.istio.io/v1beta1', 'VirtualService', true],
    ['networking.istio.io/v1alpha3', 'EnvoyFilter', true],
    ['telemetry.istio.io/v1', 'Telemetry', true],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', true],
    ['gateway.networking.k8s.io/v1beta1', 'Gateway', true],
    ['monitoring.googleapis.com/v1', 'PodMonitoring', true],
    ['monitoring.googleapis.com/v1', 'Rules', true],
    ['networking.istio.io/v2', 'VirtualService', false],
    ['apps/v1', 'Deployment', false],
    ['v1', 'Service', false],
  ])('%s %s is %p', (apiVersion, kind, known) => {
    expect(hasCrd(apiVersion, kind)).toBe(known);
  });
});

describe('celCoverage', () => {
  const coverage = celCoverage();

  it('pins rules total / checked / transition-only / not checked for every served version of the known CRDs', () => {
    expect(coverage.map((c) => `${c.crd} ${c.version}: ${c.total} ${c.checked} ${c.transitionOnly} ${c.notChecked.length}`)).toEqual([
      'authorizationpolicies.security.istio.io v1: 7 7 0 0',
      'authorizationpolicies.security.istio.io v1beta1: 7 7 0 0',
      'destinationrules.networking.istio.io v1: 39 39 0 0',
      'destinationrules.networking.istio.io v1alpha3: 39 39 0 0',
      'destinationrules.networking.istio.io v1beta1: 39 39 0 0',
      'envoyfilters.networking.istio.io v1alpha3: 5 5 0 0',
      'gateways.networking.istio.io v1: 3 3 0 0',
      'gateways.networking.istio.io v1alpha3: 3 3 0 0',
      'gateways.networking.istio.io v1beta1: 3 3 0 0',
      'peerauthentications.security.istio.io v1: 5 5 0 0',
      'peerauthentications.security.istio.io v1beta1: 5 5 0 0',
      'proxyconfigs.networking.istio.io v1beta1: 3 3 0 0',
      'requestauthentications.security.istio.io v1: 10 10 0 0',
      'requestauthentications.security.istio.io v1beta1: 10 10 0 0',
      'serviceentries.networking.istio.io v1: 15 15 0 0',
      'serviceentries.networking.istio.io v1alpha3: 15 15 0 0',
      'serviceentries.networking.istio.io v1beta1: 15 15 0 0',
      'sidecars.networking.istio.io v1: 14 14 0 0',
      'sidecars.networking.istio.io v1alpha3: 14 14 0 0',
      'sidecars.networking.istio.io v1beta1: 14 14 0 0',
      'telemetries.telemetry.istio.io v1: 9 9 0 0',
      'telemetries.telemetry.istio.io v1alpha1: 9 9 0 0',
      'trafficextensions.extensions.istio.io v1alpha1: 8 8 0 0',
      'virtualservices.networking.istio.io v1: 6 6 0 0',
      'virtualservices.networking.istio.io v1alpha3: 6 6 0 0',
      'virtualservices.networking.istio.io v1beta1: 6 6 0 0',
      'wasmplugins.extensions.istio.io v1alpha1: 8 8 0 0',
      'workloadentries.networking.istio.io v1: 6 6 0 0',
      'workloadentries.networking.istio.io v1alpha3: 6 6 0 0',
      'workloadentries.networking.istio.io v1beta1: 6 6 0 0',
      'workloadgroups.networking.istio.io v1: 9 9 0 0',
      'workloadgroups.networking.istio.io v1alpha3: 9 9 0 0',
      'workloadgroups.networking.istio.io v1beta1: 9 9 0 0',
      'gateways.gateway.networking.k8s.io v1: 16 16 0 0',
      'gateways.gateway.networking.k8s.io v1beta1: 16 16 0 0',
      'httproutes.gateway.networking.k8s.io v1: 89 89 0 0',
      'httproutes.gateway.networking.k8s.io v1beta1: 89 89 0 0',
      // GKE's Secret Manager add-on (vendor/secrets-store-csi-driver): a schema, no CEL rules.
      'secretproviderclasses.secrets-store.csi.x-k8s.io v1: 0 0 0 0',
      // Managed Service for Prometheus (vendor/prometheus-engine): every rule runs, the duration comparisons included.
      'clusterpodmonitorings.monitoring.googleapis.com v1: 11 11 0 0',
      'clusterpodmonitorings.monitoring.googleapis.com v1alpha1: 0 0 0 0',
      'podmonitorings.monitoring.googleapis.com v1: 17 17 0 0',
      'podmonitorings.monitoring.googleapis.com v1alpha1: 0 0 0 0',
      'rules.monitoring.googleapis.com v1: 2 2 0 0',
      'rules.monitoring.googleapis.com v1alpha1: 0 0 0 0',
    ]);
  });

  it('holds all 362 rules of the Istio 1.30.3 crd-all bundle across its served versions', () => {
    expect(coverage.filter((c) => c.crd.includes('.istio.io')).reduce((n, c) => n + c.total, 0)).toBe(362);
  });

  it('never counts a rule twice or loses one: checked + transition-only + not checked = total', () => {
    for (const c of coverage) expect(c.checked + c.transitionOnly + c.notChecked.length).toBe(c.total);
  });
});

describe('celErrors', () => {
  const golden = fs
    .readdirSync(GOLDEN, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(GOLDEN, f), 'utf8')).map((d) => ({ file: f, obj: d.toJS() as ManifestObject })),
    )
    .filter(({ obj }) => obj !== null);

  it('finds CRD kinds among our synthesized objects (so the next test is not vacuous)', () => {
    expect(golden.filter(({ obj }) => hasCrd(obj.apiVersion, obj.kind)).length).toBeGreaterThan(10);
  });

  it.each(golden.map(({ file, obj }) => [`${file} ${obj.kind}/${obj.metadata.name}`, obj] as const))(
    '%s: no errors, every rule checked',
    (_name, obj) => {
      const { errors, notChecked } = celErrors(obj);
      expect(errors.map(render)).toEqual([]);
      expect(notChecked).toEqual([]);
    },
  );

  it('names the CRD, version, schema path and rule text of each error', () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'x' },
      spec: { http: [{ timeout: '0s' }] },
    };
    expect(celErrors(vs)).toEqual({
      errors: [
        {
          field: 'spec.http[0].timeout',
          type: 'Invalid value',
          value: '0s',
          detail: 'must be a valid duration greater than 1ms',
          rule: "x-kubernetes-validations (virtualservices.networking.istio.io v1beta1 spec.http[*].timeout): duration(self) >= duration('1ms')",
        },
      ],
      notChecked: [],
    });
  });

  it('returns nothing for kinds with no known CRD', () => {
    expect(celErrors({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 0 }] } })).toEqual({
      errors: [],
      notChecked: [],
    });
  });

  it.each([
    ['no spec', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' } }],
    ['spec a string', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' }, spec: 'x' }],
    [
      'http not a list',
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' }, spec: { http: { timeout: '0s' } } },
    ],
    [
      'timeout a number',
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' }, spec: { http: [{ timeout: 5 }] } },
    ],
    [
      'items null',
      { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x' }, spec: { hosts: [null], ports: [null] } },
    ],
  ])('never throws on malformed input (%s)', (_name, obj) => {
    expect(celErrors(obj as unknown as ManifestObject).errors).toEqual([]);
  });

  it('is not fooled by a non-object', () => {
    expect(celErrors(null as unknown as ManifestObject)).toEqual({ errors: [], notChecked: [] });
  });
});

describe('celCrdsFile (what import:istio writes to imports/istio-cel.json)', () => {
  const crd = (served: boolean) => ({
    kind: 'CustomResourceDefinition',
    metadata: { name: 'things.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Thing' },
      versions: [
        {
          name: 'v1',
          served: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'dropped',
              properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'true', message: 'm' }] } },
            },
          },
        },
        {
          name: 'v1beta1',
          served: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'true', message: 'm' }] } },
            },
          },
        },
        { name: 'v1alpha1', served, schema: { openAPIV3Schema: { type: 'object' } } },
      ],
    },
  });

  it('keeps served versions only, shares identical schemas, drops descriptions, and is byte-stable', () => {
    const text = celCrdsFile([crd(false), { kind: 'ConfigMap' }], 'bundle.yaml');
    expect((JSON.parse(text) as { crds: unknown }).crds).toEqual([
      {
        name: 'things.example.com',
        group: 'example.com',
        kind: 'Thing',
        versions: { v1: 0, v1beta1: 0 },
        schemas: [{ type: 'object', properties: { spec: { type: 'object', rules: [{ rule: 'true', message: 'm' }] } } }],
      },
    ]);
    expect(celCrdsFile([crd(false)], 'bundle.yaml')).toBe(text);
  });
});

describe('imports/istio-cel.json', () => {
  it('agrees with imports/istio-schemas.json (both generated by import:istio from one bundle) for every kind both hold', () => {
    const crds = (istioCel as unknown as { crds: CelCrd[] }).crds;
    const schemas = Object.entries(istioSchemas.schemas as Record<string, unknown>);
    expect(schemas.length).toBeGreaterThan(5);
    for (const [key, schema] of schemas) {
      const [group, version, kind] = key.split('/');
      const crd = crds.find((c) => c.group === group && c.kind === kind);
      expect(crd?.schemas[crd.versions[version]]).toEqual(celSchemaNode(schema));
    }
  });
});
