import type { ManifestObject } from '../../charts/schema';
import { duplicateObject, identityKey } from './input';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): ManifestObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace !== undefined && { namespace }) },
});
const check = (...objects: ManifestObject[]) => duplicateObject.check({ objects, profile: 'prod', allowedRegistries: [] });

describe('IN01-duplicate-object', () => {
  it.each<[string, ManifestObject[], string[]]>([
    [
      'the same object twice',
      [obj('v1', 'ConfigMap', 'a', 'shop'), obj('v1', 'ConfigMap', 'a', 'shop')],
      ['ConfigMap/shop/a: copy 2 of ConfigMap shop/a: only the last copy applied is kept'],
    ],
    [
      'no namespace and `default` (kubectl applies both to default)',
      [obj('apps/v1', 'Deployment', 'web'), obj('apps/v1', 'Deployment', 'web', 'default')],
      ['Deployment/default/web: copy 2 of Deployment.apps default/web (first as Deployment/web): only the last copy applied is kept'],
    ],
    [
      'two versions of one API group',
      [obj('autoscaling/v1', 'HorizontalPodAutoscaler', 'h', 'n'), obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'h', 'n')],
      ['HorizontalPodAutoscaler/n/h: copy 2 of HorizontalPodAutoscaler.autoscaling n/h: only the last copy applied is kept'],
    ],
    [
      'three copies',
      [obj('v1', 'Secret', 's', 'n'), obj('v1', 'Secret', 's', 'n'), obj('v1', 'Secret', 's', 'n')],
      [
        'Secret/n/s: copy 2 of Secret n/s: only the last copy applied is kept',
        'Secret/n/s: copy 3 of Secret n/s: only the last copy applied is kept',
      ],
    ],
    ['one name in two namespaces', [obj('v1', 'ConfigMap', 'a', 'x'), obj('v1', 'ConfigMap', 'a', 'y')], []],
    ['one name for two kinds', [obj('v1', 'ConfigMap', 'a', 'x'), obj('v1', 'Secret', 'a', 'x')], []],
    [
      'one kind name in two API groups (Istio and Gateway API Gateways)',
      [obj('networking.istio.io/v1', 'Gateway', 'g', 'x'), obj('gateway.networking.k8s.io/v1', 'Gateway', 'g', 'x')],
      [],
    ],
  ])('%s', (_what, objects, findings) => {
    expect(check(...objects).map((f) => `${f.object}: ${f.message}`)).toEqual(findings);
  });

  it('keys an object by API group, kind, namespace (none = default) and name', () => {
    expect([identityKey(obj('apps/v1', 'Deployment', 'web')), identityKey(obj('v1', 'Pod', 'p', 'n'))]).toEqual([
      'apps|Deployment|default|web',
      '|Pod|n|p',
    ]);
  });
});
