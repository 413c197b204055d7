import { EDGE_GATEWAY_HOSTS, edgeGateway, edgeGatewayRef, edgeTlsSecret, platformObjects } from './edge-gateway';
import { apiServerValidation, render } from '../apiserver';
import { thrown } from '../../test/fixtures/thrown';

const ENV = { gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress', tlsCredential: 'edge-tls' };

describe('edgeGatewayRef', () => {
  it.each([
    ['istio-ingress', 'istio-ingress/edge'],
    ['gateways', 'gateways/edge'],
  ])('a VirtualService in any namespace names the Gateway in %s as %s', (gatewayNamespace, expected) => {
    expect(edgeGatewayRef({ gatewayNamespace })).toBe(expected);
  });
});

describe('edgeGateway', () => {
  it('is one HTTPS server on 443 for any host, with the platform secret and TLS 1.2 at least', () => {
    expect(edgeGateway(ENV)).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'edge',
        namespace: 'istio-ingress',
        labels: { 'app.kubernetes.io/managed-by': 'platform-cdk8s', 'app.kubernetes.io/component': 'load-balancer-hop' },
      },
      spec: {
        selector: { istio: 'ingress' },
        servers: [
          {
            name: 'https-load-balancer',
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            hosts: ['*/*'],
            tls: { mode: 'SIMPLE', credentialName: 'edge-tls', minProtocolVersion: 'TLSV1_2' },
          },
        ],
      },
    });
  });

  it('selects the gateway pods of the release it is given', () => {
    expect(edgeGateway({ ...ENV, gatewayName: 'istio-edge' }).spec).toMatchObject({ selector: { istio: 'edge' } });
  });

  it('has no plaintext server: the load balancer redirects HTTP itself', () => {
    const servers = (edgeGateway(ENV).spec as { servers: Array<{ port: { protocol: string } }> }).servers;
    expect(servers.map((s) => s.port.protocol)).toEqual(['HTTPS']);
  });

  // The Istio rule the hosts rely on (GetSNIHostsForServer, toFilterChainMatch): the part
  // after "/" is the SNI host, and a "*" among them means no SNI match at all.
  it('gives every host a match-all SNI part, so connections without SNI find the filter chain', () => {
    const sniHosts = EDGE_GATEWAY_HOSTS.map((h) => (h.includes('/') ? h.split('/')[1] : h));
    expect(sniHosts).toContain('*');
  });

  it('is the same object on every call', () => {
    expect(JSON.stringify(edgeGateway(ENV))).toBe(JSON.stringify(edgeGateway(ENV)));
  });

  it('refuses a credential name the Gateway schema would not take, naming the object', () => {
    expect(thrown(() => edgeGateway({ ...ENV, tlsCredential: 7 as unknown as string })).message).toBe(
      [
        'the platform edge Gateway failed validation:',
        '  - the platform edge Gateway: Gateway/edge /spec/servers/0/tls/credentialName must be string. Fix: the CRD schema would reject this object: fix the construct or the spec value that produced it',
      ].join('\n'),
    );
  });
});

describe('edgeTlsSecret', () => {
  it('is the kubernetes.io/tls Secret the Gateway names, with its two keys and no key material (generated at deploy time)', () => {
    expect(edgeTlsSecret(ENV)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'edge-tls',
        namespace: 'istio-ingress',
        labels: { 'app.kubernetes.io/managed-by': 'platform-cdk8s', 'app.kubernetes.io/component': 'load-balancer-hop' },
      },
      type: 'kubernetes.io/tls',
      stringData: {
        'tls.crt': '(generated when the stack is deployed: infra/edge-hop.ts)',
        'tls.key': '(generated when the stack is deployed: infra/edge-hop.ts)',
      },
    });
  });

  it("passes the API server's Secret validation, which requires both keys of a kubernetes.io/tls Secret", () => {
    expect(apiServerValidation(edgeTlsSecret(ENV)).fieldErrors).toEqual([]);
    const { stringData: _keys, ...withoutKeys } = edgeTlsSecret(ENV);
    expect(apiServerValidation(withoutKeys).fieldErrors.map(render)).toEqual([
      'data[tls.crt]: Required value',
      'data[tls.key]: Required value',
    ]);
  });

  it('is named by the Gateway server', () => {
    const server = (edgeGateway(ENV).spec as { servers: Array<{ tls: { credentialName: string } }> }).servers[0];
    expect(server.tls.credentialName).toBe(edgeTlsSecret(ENV).metadata.name);
    expect(edgeTlsSecret(ENV).metadata.namespace).toBe(edgeGateway(ENV).metadata.namespace);
  });
});

describe('platformObjects', () => {
  it('are the Secret and the edge Gateway, in the gateway namespace', () => {
    expect(platformObjects(ENV).map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Secret/istio-ingress/edge-tls',
      'Gateway/istio-ingress/edge',
    ]);
  });
});
