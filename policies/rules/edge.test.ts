// GIVEN the hardened mesh of ./mesh.fixture.ts, WHEN one mutation breaks (or bends) it, THEN the rule under test reports
// it (or does not); every case runs all the mesh rules, as the runners do.

import type { ManifestObject } from '../../charts/schema';
import { evaluate } from '../engine';
import type { Finding } from '../types';
import { edgeGateway, platformObjects } from '../../charts/mesh/edge-gateway';
import { edgeRules } from './edge';
import { describeCases, type Accepted, type Rejected, meshRules, patch } from './mesh.fixture';

const rejected: Rejected[] = [
  // NM06: gateway hosts
  {
    rule: 'NM06-gateway-hosts',
    what: "a namespace-scoped '*' host",
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['shop/*'] }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) host 'shop/*' accepts any hostname" },
    ],
  },
  {
    rule: 'NM06-gateway-hosts',
    what: 'a wildcard over a top-level domain',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.1.hosts': ['shop.example.com', '*.com'] }),
    expected: [
      {
        object: 'Gateway/istio-ingress/shop-gateway',
        message: "servers[1] 'http' (HTTP 80) host '*.com' accepts any hostname under a top-level domain",
      },
    ],
  },
  {
    rule: 'NM06-gateway-hosts',
    what: "'*' on both servers",
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.hosts': ['*'], 'spec.servers.1.hosts': ['*/*'] }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) host '*' accepts any hostname" },
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[1] 'http' (HTTP 80) host '*/*' accepts any hostname" },
    ],
  },
  // NM07: certificates
  {
    rule: 'NM07-https-certificate',
    what: 'an HTTPS server without credentialName',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.credentialName': undefined }),
    expected: [
      {
        object: 'Gateway/istio-ingress/shop-gateway',
        message: "servers[0] 'https' (HTTPS 443) tls.mode SIMPLE has no credentialName (nor serverCertificate and privateKey)",
      },
    ],
  },
  {
    rule: 'NM07-https-certificate',
    what: 'an HTTPS server without tls settings',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls': undefined }),
    expected: [{ object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) has no tls settings" }],
  },
  {
    rule: 'NM07-https-certificate',
    what: 'an HTTPS server whose tls.mode defaults to PASSTHROUGH',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.mode': undefined }),
    expected: [
      {
        object: 'Gateway/istio-ingress/shop-gateway',
        message: "servers[0] 'https' (HTTPS 443) has tls.mode PASSTHROUGH, which does not terminate HTTPS",
      },
    ],
  },
  {
    rule: 'NM07-https-certificate',
    what: 'an unnamed TLS server terminating with a certificate but no key',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.2': {
        port: { number: 9443, protocol: 'TLS' },
        hosts: ['shop.example.com'],
        tls: { mode: 'MUTUAL', serverCertificate: '/etc/certs/tls.crt' },
      },
    }),
    expected: [
      {
        object: 'Gateway/istio-ingress/shop-gateway',
        message: 'servers[2] (TLS 9443) tls.mode MUTUAL has no credentialName (nor serverCertificate and privateKey)',
      },
    ],
  },
  // NM07: HTTP redirects
  {
    rule: 'NM07-http-redirect',
    what: 'an HTTP server that serves the routes',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.1.tls': undefined }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[1] 'http' (HTTP 80) serves plaintext without tls.httpsRedirect" },
    ],
  },
  {
    rule: 'NM07-http-redirect',
    what: 'an http2 server (lower case) with httpsRedirect false',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.1.port.protocol': 'http2',
      'spec.servers.1.tls.httpsRedirect': false,
    }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[1] 'http' (http2 80) serves plaintext without tls.httpsRedirect" },
    ],
  },
  // NM07: TLS versions
  {
    rule: 'NM07-min-tls-version',
    what: 'minProtocolVersion TLSV1_1',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.0.tls.minProtocolVersion': 'TLSV1_1' }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) tls.minProtocolVersion is TLSV1_1" },
    ],
  },
  {
    rule: 'NM07-min-tls-version',
    what: 'both bounds at TLSV1_0',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.tls.minProtocolVersion': 'TLSV1_0',
      'spec.servers.0.tls.maxProtocolVersion': 'TLSV1_0',
    }),
    expected: [
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) tls.minProtocolVersion is TLSV1_0" },
      { object: 'Gateway/istio-ingress/shop-gateway', message: "servers[0] 'https' (HTTPS 443) tls.maxProtocolVersion is TLSV1_0" },
    ],
  },
];

const accepted: Accepted[] = [
  {
    rule: 'NM06-gateway-hosts',
    what: 'a wildcard under an owned domain and a namespace-scoped host',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.hosts': ['*.example.com'],
      'spec.servers.1.hosts': ['shop/shop.example.com'],
    }),
  },
  {
    rule: 'NM07-https-certificate',
    what: 'a certificate and key on the proxy instead of a credential',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.tls': { mode: 'SIMPLE', serverCertificate: '/etc/certs/tls.crt', privateKey: '/etc/certs/tls.key' },
    }),
  },
  {
    rule: 'NM07-https-certificate',
    what: 'a TLS passthrough server',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.2': {
        name: 'tls',
        port: { number: 9443, name: 'tls', protocol: 'TLS' },
        hosts: ['db.example.com'],
        tls: { mode: 'PASSTHROUGH' },
      },
    }),
  },
  {
    rule: 'NM07-http-redirect',
    what: 'a Gateway with the HTTPS server only',
    mutate: patch('Gateway/istio-ingress/shop-gateway', { 'spec.servers.1': undefined }),
  },
  {
    rule: 'NM07-min-tls-version',
    what: 'TLS 1.2 to 1.3',
    mutate: patch('Gateway/istio-ingress/shop-gateway', {
      'spec.servers.0.tls.minProtocolVersion': 'TLSV1_2',
      'spec.servers.0.tls.maxProtocolVersion': 'TLSV1_3',
    }),
  },
];

describeCases('edge Gateway rules (NM06, NM07)', edgeRules, rejected, accepted);

describe('NM06-gateway-hosts and the platform edge Gateway (docs/edge.md)', () => {
  const ENV = { gatewayNamespace: 'istio-ingress', gatewayName: 'istio-ingress', tlsCredential: 'edge-tls' };
  const edge = edgeGateway(ENV);
  const platform = platformObjects(ENV);
  const ANY_HOST = "servers[0] 'https-load-balancer' (HTTPS 443) host '*/*' accepts any hostname";

  function nm06(objects: readonly ManifestObject[], platformObjects?: readonly ManifestObject[]): Finding[] {
    const manifests = {
      objects,
      profile: 'dev' as const,
      allowedRegistries: [],
      ...(platformObjects !== undefined && { platformObjects }),
    };
    return evaluate(meshRules, { manifests }, { environment: 'dev', exceptions: [], today: '2026-11-23' })
      .violations.filter((v) => v.rule.id === 'NM06-gateway-hosts')
      .map((v) => ({ object: v.object, message: v.message }));
  }

  it("accepts the load balancer hop's any-SNI server in an environment run, which knows it as the platform's", () => {
    expect(nm06([edge], platform)).toEqual([]);
  });

  it('rejects the same Gateway in a run that knows no platform objects (a directory of YAML)', () => {
    expect(nm06([edge])).toEqual([{ object: 'Gateway/istio-ingress/edge', message: ANY_HOST }]);
  });

  it('rejects a Gateway of an app that copies the platform one under another name', () => {
    const copy = { ...edge, metadata: { ...edge.metadata, name: 'shop-edge', namespace: 'shop' } };
    expect(nm06([edge, copy], platform)).toEqual([{ object: 'Gateway/shop/shop-edge', message: ANY_HOST }]);
  });

  it('rejects the platform Gateway once its spec is not exactly the platform one (a server added)', () => {
    const spec = edge.spec as { servers: unknown[] };
    const changed = {
      ...edge,
      spec: {
        ...spec,
        servers: [
          ...spec.servers,
          { port: { number: 8443, name: 'https-admin', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'x' } },
        ],
      },
    };
    expect(nm06([changed], platform)).toEqual([
      { object: 'Gateway/istio-ingress/edge', message: ANY_HOST },
      { object: 'Gateway/istio-ingress/edge', message: "servers[1] 'https-admin' (HTTPS 8443) host '*' accepts any hostname" },
    ]);
  });
});
