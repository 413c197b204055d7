import { edgeGateway } from '../charts/mesh/edge-gateway';
import type { ManifestObject } from '../charts/schema';
import { environmentContext } from './platform';
import { objectId } from './types';

const ENV = { gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress', tlsCredential: 'edge-tls' };
const SETTINGS = { profile: 'prod' as const, allowedRegistries: ['europe-docker.pkg.dev/proj/'] };
const route: ManifestObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'shop-public', namespace: 'shop' },
  spec: { hosts: ['shop.example.com'], gateways: ['istio-ingress/edge'] },
};

describe('environmentContext', () => {
  it('adds the edge Gateway the routes bind to, and names it as the platform object', () => {
    const ctx = environmentContext([route], ENV, SETTINGS);
    expect(ctx.objects.map(objectId)).toEqual(['Gateway/istio-ingress/edge', 'VirtualService/shop/shop-public']);
    expect(ctx.platformObjects).toEqual([edgeGateway(ENV)]);
    expect(ctx).toMatchObject(SETTINGS);
  });

  it('does not add it again when the set already holds it (a full stack applies it)', () => {
    const applied = edgeGateway(ENV);
    expect(environmentContext([applied, route], ENV, SETTINGS).objects).toEqual([applied, route]);
  });
});
