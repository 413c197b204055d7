import { edgeGateway, edgeTlsSecret } from '../charts/mesh/edge-gateway';
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
  it('adds the edge Gateway the routes bind to and its Secret, and names them as the platform objects', () => {
    const ctx = environmentContext([route], ENV, SETTINGS);
    expect(ctx.objects.map(objectId)).toEqual([
      'Secret/istio-ingress/edge-tls',
      'Gateway/istio-ingress/edge',
      'VirtualService/shop/shop-public',
    ]);
    expect(ctx.platformObjects).toEqual([edgeTlsSecret(ENV), edgeGateway(ENV)]);
    expect(ctx).toMatchObject(SETTINGS);
  });

  it('does not add it again when the set already holds it (a full stack applies it)', () => {
    const applied = edgeGateway(ENV);
    const secret = { ...edgeTlsSecret(ENV), stringData: { 'tls.crt': 'generated', 'tls.key': 'generated' } };
    expect(environmentContext([secret, applied, route], ENV, SETTINGS).objects).toEqual([secret, applied, route]);
  });
});
