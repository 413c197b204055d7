import { edgeGateway, edgeTlsSecret } from '../charts/mesh/edge-gateway';
import type { ManifestObject } from '../charts/schema';
import { programWrittenObjects } from '../charts/uses';
import { RULES } from './catalogue';
import { evaluate } from './engine';
import { programWrittenOf } from './pack';
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

describe('objects the program writes for the apps (the Redis Secrets of services that use redis)', () => {
  const catalogue = {
    name: 'shop',
    services: [{ spec: { name: 'cart', description: 'cart', owner: 't', port: 7070, versions: [{ name: 'v1' }], uses: { redis: {} } } }],
  };
  const written = programWrittenObjects(catalogue, { stack: 'dev', namespace: 'shop' });
  const applied: ManifestObject = { ...written[0], stringData: { host: '10.32.0.3', auth: 'a-real-auth-string', 'server-ca.pem': 'PEM' } };
  const literals = (ctx: ReturnType<typeof environmentContext>) =>
    evaluate(RULES, { manifests: ctx }, { environment: 'dev', exceptions: [], today: '2026-11-30' })
      .violations.filter((v) => v.rule.id === 'PS10-secret-literals')
      .map((v) => v.object);

  it('is a platform object, so its generated keys are not secret literals in the manifests', () => {
    expect(written.map(objectId)).toEqual(['Secret/shop/cart-redis']);
    expect(literals(environmentContext([applied], ENV, SETTINGS, written))).toEqual([]);
  });

  it('still fails a Secret of that name the program did not write, or one with a key the program does not write', () => {
    expect(literals(environmentContext([applied], ENV, SETTINGS))).toEqual(['Secret/shop/cart-redis']);
    const extra = { ...applied, stringData: { ...(applied.stringData as object), password: 'x' } };
    expect(literals(environmentContext([extra], ENV, SETTINGS, written))).toEqual(['Secret/shop/cart-redis']);
  });

  it('is recognised in a CrossGuard run by the component the program writes it under, not by its name', () => {
    const secret = (urn: string) => ({ type: 'kubernetes:core/v1:Secret', urn, props: applied as unknown as Record<string, unknown> });
    const mine = secret('urn:pulumi:dev::platform::platform:apps:AppResources$kubernetes:core/v1:Secret::dev-uses-cart-redis-secret');
    const app = secret(
      'urn:pulumi:dev::platform::platform:apps:Apps$kubernetes:yaml:ConfigGroup$kubernetes:core/v1:Secret::shop/cart-redis',
    );
    expect(programWrittenOf([mine, app])).toEqual([applied]);
  });
});
