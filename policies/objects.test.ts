import type { ManifestObject } from '../charts/schema';
import {
  DEFAULT_NAMESPACE,
  apiGroupOf,
  indexOf,
  labelSelectorMatches,
  labelsMatch,
  namespaceOf,
  selectsEveryPod,
  workloadOf,
  workloads,
  workloadsSelectedBy,
  type Workload,
} from './objects';

function deployment(ns: string | undefined, name: string, labels: Record<string, string>): ManifestObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(ns !== undefined && { namespace: ns }) },
    spec: { template: { metadata: { labels, annotations: { a: 'b' } }, spec: { containers: [{ name: 'app' }] } } },
  };
}

describe('namespaceOf', () => {
  it('puts an object that names no namespace in default', () => {
    expect(namespaceOf(deployment(undefined, 'web', {}))).toBe('default');
    expect(DEFAULT_NAMESPACE).toBe('default');
  });

  it('keeps a named namespace', () => {
    expect(namespaceOf(deployment('shop', 'web', {}))).toBe('shop');
  });
});

describe('apiGroupOf', () => {
  it.each([
    ['v1', ''],
    ['apps/v1', 'apps'],
    ['networking.istio.io/v1', 'networking.istio.io'],
  ])('reads %s as group "%s"', (apiVersion, group) => {
    expect(apiGroupOf({ apiVersion, kind: 'X', metadata: { name: 'x' } })).toBe(group);
  });
});

describe('workloadOf', () => {
  const spec = { containers: [{ name: 'app' }] };
  const template = { metadata: { labels: { app: 'x' } }, spec };
  it.each([
    ['Pod', { spec }],
    ['Deployment', { spec: { template } }],
    ['StatefulSet', { spec: { template } }],
    ['DaemonSet', { spec: { template } }],
    ['ReplicaSet', { spec: { template } }],
    ['ReplicationController', { spec: { template } }],
    ['Job', { spec: { template } }],
    ['CronJob', { spec: { jobTemplate: { spec: { template } } } }],
  ])('reads the pod spec of a %s', (kind, body) => {
    const labels = kind === 'Pod' ? { app: 'x' } : {};
    const w = workloadOf({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'ns', labels }, ...body });
    expect(w?.pod).toEqual(spec);
    expect(w?.podLabels).toEqual({ app: 'x' });
    expect(w?.id).toBe(`${kind}/ns/x`);
    expect(w?.namespace).toBe('ns');
  });

  it('reads no pods from other kinds, nor from a template that is not a mapping', () => {
    expect(workloadOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: {} })).toBeUndefined();
    expect(
      workloadOf({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: { spec: 'no' } } }),
    ).toBeUndefined();
  });

  it("gives a Deployment's template metadata as the pod metadata, and default as its namespace", () => {
    const w = workloadOf(deployment(undefined, 'web', { app: 'web' }));
    expect(w?.podMetadata).toEqual({ labels: { app: 'web' }, annotations: { a: 'b' } });
    expect(w?.namespace).toBe('default');
    expect(w?.id).toBe('Deployment/web');
  });
});

describe('the per-run index', () => {
  // Pods of two namespaces with overlapping labels, and selectors of every shape.
  const objects: ManifestObject[] = [
    deployment('a', 'web-v1', { app: 'web', version: 'v1', tier: 'front' }),
    deployment('a', 'web-v2', { app: 'web', version: 'v2', tier: 'front' }),
    deployment('a', 'api', { app: 'api', tier: 'back' }),
    deployment('b', 'web', { app: 'web', version: 'v1' }),
    deployment(undefined, 'lonely', { app: 'lonely' }),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'a' }, spec: {} },
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'web', namespace: 'a' }, spec: {} },
  ];
  const index = indexOf({ objects });
  const ids = (ws: readonly Workload[]) => ws.map((w) => w.id);

  it('is built once per context', () => {
    const ctx = { objects };
    expect(indexOf(ctx)).toBe(indexOf(ctx));
  });

  it('lists workloads in input order, by namespace, and the namespaces that run pods', () => {
    expect(ids(index.workloads)).toEqual(ids(workloads(objects)));
    expect(ids(index.workloadsIn('a'))).toEqual(['Deployment/a/web-v1', 'Deployment/a/web-v2', 'Deployment/a/api']);
    expect(ids(index.workloadsIn('default'))).toEqual(['Deployment/lonely']);
    expect(index.namespaces).toEqual(['a', 'b', 'default']);
  });

  it('finds objects by kind (and group) and by kind, namespace and name', () => {
    expect(index.ofKind('Service').map((o) => o.metadata.name)).toEqual(['web']);
    expect(index.ofKind('Gateway', 'networking.istio.io')).toHaveLength(1);
    expect(index.ofKind('Gateway', 'gateway.networking.k8s.io')).toHaveLength(0);
    expect(index.find('Deployment', 'default', 'lonely')?.metadata.name).toBe('lonely');
    expect(index.find('Deployment', 'b', 'web-v1')).toBeUndefined();
  });

  const selectors: ReadonlyArray<readonly [string, unknown]> = [
    ['matchLabels', { matchLabels: { app: 'web' } }],
    ['two matchLabels', { matchLabels: { app: 'web', version: 'v1' } }],
    ['a label no pod has', { matchLabels: { app: 'nothing' } }],
    ['an empty selector (every pod)', {}],
    ['In', { matchExpressions: [{ key: 'version', operator: 'In', values: ['v2'] }] }],
    [
      'NotIn with matchLabels',
      { matchLabels: { tier: 'front' }, matchExpressions: [{ key: 'version', operator: 'NotIn', values: ['v1'] }] },
    ],
    ['Exists', { matchExpressions: [{ key: 'version', operator: 'Exists' }] }],
    ['DoesNotExist', { matchExpressions: [{ key: 'version', operator: 'DoesNotExist' }] }],
    ['a YAML number', { matchLabels: { version: 1 } }],
    ['no selector (nothing)', undefined],
  ];

  it.each(selectors)('selects through the label index exactly what a scan selects: %s', (_what, selector) => {
    for (const ns of ['a', 'b', 'default', 'none']) {
      const scanned = index.workloadsIn(ns).filter((w) => labelSelectorMatches(selector, w.podLabels));
      expect(ids(workloadsSelectedBy(index, ns, selector))).toEqual(ids(scanned));
    }
  });

  it.each(selectors)('knows when a selector selects every pod, as a scan does: %s', (_what, selector) => {
    // No selector of the table but `{}` happens to match every pod of the fixture.
    expect(selectsEveryPod(selector)).toBe(index.workloads.every((w) => labelSelectorMatches(selector, w.podLabels)));
  });

  it.each([[{ app: 'web' }], [{ app: 'web', version: 'v1' }], [{}], [{ app: 'none' }]])(
    'selects with a map selector in every namespace exactly what a scan selects: %j',
    (selector) => {
      const scanned = index.workloads.filter((w) => labelsMatch(selector, w.podLabels));
      expect(ids(index.selectWorkloads(undefined, selector, (w) => labelsMatch(selector, w.podLabels)))).toEqual(ids(scanned));
    },
  );
});
