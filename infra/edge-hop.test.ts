import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { EDGE_CERTIFICATE, edgeCertificateName, EdgeHop } from './edge-hop';
import { recordResources, registered, type RecordedResource } from './offline/engine';
import { edgeGateway } from '../charts/mesh/edge-gateway';

// GIVEN the hop of an environment WHEN it is declared under mocks, after stand-ins for the
// Istio releases
const recording = recordResources({ stack: 'dev' });
const ENV = { gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress', tlsCredential: 'edge-tls' };

class Release extends pulumi.CustomResource {
  constructor(name: string) {
    super('kubernetes:helm.sh/v3:Release', name, {});
  }
}

let releases: RecordedResource[];
beforeAll(async () => {
  const provider = new k8s.Provider('cluster', { kubeconfig: 'apiVersion: v1\nkind: Config\n' });
  const after = [new Release('istio-base'), new Release('istio-istiod'), new Release('istio-gateway')];
  new EdgeHop('dev-edge', { env: ENV, provider, after, readers: ['ci-plan@shop-dev.iam.gserviceaccount.com'] });
  await registered();
  releases = recording.ofType('kubernetes:helm.sh/v3:Release');
});

const one = (type: string) => recording.one(type);
const SECRET = 'kubernetes:core/v1:Secret';
const GATEWAY = 'kubernetes:networking.istio.io/v1:Gateway';

describe('EdgeHop', () => {
  it('creates a self-signed RSA certificate for the gateway Service name, for server authentication', () => {
    expect(one('tls:index/privateKey:PrivateKey').inputs).toMatchObject({ algorithm: 'RSA', rsaBits: 2048 });
    expect(one('tls:index/selfSignedCert:SelfSignedCert').inputs).toMatchObject({
      subject: { commonName: 'istio-ingress.istio-ingress.svc' },
      dnsNames: ['istio-ingress.istio-ingress.svc'],
      validityPeriodHours: 43800,
      earlyRenewalHours: 2160,
      allowedUses: ['digital_signature', 'key_encipherment', 'server_auth'],
    });
  });

  it('stores it as the kubernetes.io/tls Secret the Gateway names, in the gateway namespace', () => {
    const secret = one(SECRET).inputs;
    expect(secret).toMatchObject({ type: 'kubernetes.io/tls', metadata: { name: 'edge-tls', namespace: 'istio-ingress' } });
    // The keys Istio reads from a credentialName Secret (pilot/pkg/credentials/kube/secrets.go).
    expect(Object.keys(secret.stringData as object).sort()).toEqual(['tls.crt', 'tls.key']);
    expect(JSON.stringify(secret.stringData)).toContain('BEGIN CERTIFICATE');
  });

  it('applies exactly the edge Gateway charts synthesizes', () => {
    const { apiVersion, kind, metadata, spec } = one(GATEWAY).inputs;
    expect({ apiVersion, kind, metadata, spec }).toEqual(edgeGateway(ENV));
  });

  it('creates the Secret after the Istio releases, and the Gateway after the Secret', () => {
    const secret = one(SECRET);
    const gateway = one(GATEWAY);
    for (const release of releases) {
      expect(recording.dependsOn(secret, release)).toBe(true);
      expect(recording.dependsOn(gateway, release)).toBe(true);
    }
    expect(recording.dependsOn(gateway, secret)).toBe(true);
    expect(recording.dependsOn(secret, gateway)).toBe(false);
  });

  it('lets the readers get that one Secret and nothing else, by their Google email as RBAC user', () => {
    expect(one('kubernetes:rbac.authorization.k8s.io/v1:Role').inputs).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'edge-hop-secret-reader', namespace: 'istio-ingress' },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['edge-tls'], verbs: ['get'] }],
    });
    expect(one('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding').inputs).toMatchObject({
      metadata: { name: 'edge-hop-secret-readers', namespace: 'istio-ingress' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'edge-hop-secret-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ci-plan@shop-dev.iam.gserviceaccount.com' }],
    });
  });

  it('groups its resources under one component', () => {
    const component = recording.one('platform:edge:EdgeHop', 'dev-edge');
    const children = recording.resources
      .filter((r) => r.parent === component.urn)
      .map((r) => r.name)
      .sort();
    expect(children).toEqual([
      'dev-edge-certificate',
      'dev-edge-gateway',
      'dev-edge-key',
      'dev-edge-secret-reader',
      'dev-edge-secret-readers',
      'dev-edge-tls',
    ]);
  });
});

describe('edgeCertificateName', () => {
  it.each([
    [{ gatewayName: 'istio-ingress', gatewayNamespace: 'istio-ingress' }, 'istio-ingress.istio-ingress.svc'],
    [{ gatewayName: 'istio-edge', gatewayNamespace: 'gateways' }, 'istio-edge.gateways.svc'],
  ])('%j -> %s', (env, expected) => {
    expect(edgeCertificateName(env)).toBe(expected);
  });
});

describe('EDGE_CERTIFICATE', () => {
  it('renews within the validity period', () => {
    expect(EDGE_CERTIFICATE.earlyRenewalHours).toBeLessThan(EDGE_CERTIFICATE.validityPeriodHours);
  });
});
