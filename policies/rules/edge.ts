/**
 * The edge Gateway (NM06, NM07): servers name their hosts, HTTPS servers carry a
 * certificate, plaintext servers only redirect, and no server allows TLS below 1.2.
 */
import { isJson, items, obj, str, strings, type Json } from '../objects';
import { isPlatformObject } from '../platform';
import type { ManifestRule } from '../types';
import { finding, manifestRule } from './define';
import { NETWORKING, serverLabel, servers, splitGatewayHost } from './istio';

const nm06ScopedGatewayHosts = manifestRule(
  {
    id: 'NM06-gateway-hosts',
    description: 'Gateway servers name their hosts: never `*` (or `ns/*`) nor a wildcard over a top-level domain (`*.com`)',
    why: 'A `*` host makes the gateway answer for any Host header: routes of every namespace that bind to it become public, and requests for names the platform never published (host-header attacks, domain fronting) are accepted.',
    fix: "List the environment's public hostnames (or a wildcard under a domain you own, `*.example.com`) in each server's `hosts`.",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM06'],
  },
  (ctx, index) => {
    // The documented exception (docs/edge.md): the platform's load balancer hop accepts any
    // SNI, because the load balancer sends none; apps' routes keep their own hosts.
    return index
      .ofKind('Gateway', NETWORKING)
      .filter((gw) => !isPlatformObject(ctx, gw))
      .flatMap((gw) =>
        servers(gw).flatMap((s, i) =>
          strings(s.hosts)
            .filter((h) => {
              const { host } = splitGatewayHost(h);
              return host === '*' || /^\*\.[^.]+$/.test(host);
            })
            .map((h) =>
              finding(
                gw,
                `${serverLabel(s, i)} host '${h}' accepts any hostname${h.endsWith('/*') || h === '*' ? '' : ' under a top-level domain'}`,
              ),
            ),
        ),
      );
  },
);

const TLS_TERMINATING = new Set(['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL']);

function hasServerCertificate(tls: Json): boolean {
  return (
    str(tls.credentialName) !== undefined ||
    strings(tls.credentialNames).length > 0 ||
    items(tls.tlsCertificates).length > 0 ||
    (str(tls.serverCertificate) !== undefined && str(tls.privateKey) !== undefined)
  );
}

const nm07HttpsCertificate = manifestRule(
  {
    id: 'NM07-https-certificate',
    description:
      'Every HTTPS (and terminating TLS) Gateway server has TLS settings with a certificate: credentialName, or serverCertificate and privateKey',
    why: 'An HTTPS server without a certificate does not serve TLS: the listener is rejected or clients get no valid certificate, so the edge is either down or pushed to plaintext.',
    fix: "Set `tls: { mode: SIMPLE, credentialName: <secret in the gateway's namespace> }` on the server.",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM07', 'MC04'],
  },
  (_ctx, index) => {
    return index.ofKind('Gateway', NETWORKING).flatMap((gw) =>
      servers(gw).flatMap((s, i) => {
        const protocol = (str(obj(s.port).protocol) ?? '').toUpperCase();
        const tls = isJson(s.tls) ? s.tls : undefined;
        if (protocol !== 'HTTPS' && protocol !== 'TLS') return [];
        if (tls === undefined) return [finding(gw, `${serverLabel(s, i)} has no tls settings`)];
        const mode = str(tls.mode) ?? 'PASSTHROUGH';
        if (protocol === 'HTTPS' && !TLS_TERMINATING.has(mode) && mode !== 'ISTIO_MUTUAL')
          return [finding(gw, `${serverLabel(s, i)} has tls.mode ${mode}, which does not terminate HTTPS`)];
        if (TLS_TERMINATING.has(mode) && !hasServerCertificate(tls))
          return [finding(gw, `${serverLabel(s, i)} tls.mode ${mode} has no credentialName (nor serverCertificate and privateKey)`)];
        return [];
      }),
    );
  },
);

const CLEARTEXT_HTTP = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

const nm07HttpRedirect = manifestRule(
  {
    id: 'NM07-http-redirect',
    description: 'Every plaintext HTTP Gateway server redirects to HTTPS (`tls.httpsRedirect: true`)',
    why: 'A plaintext listener that serves the routes exposes credentials, cookies and data to anyone on the path, and lets a downgrade attacker keep users on HTTP.',
    fix: 'Set `tls: { httpsRedirect: true }` on the HTTP server (it then answers 301 to HTTPS), or remove the server.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM07'],
  },
  (_ctx, index) => {
    return index.ofKind('Gateway', NETWORKING).flatMap((gw) =>
      servers(gw).flatMap((s, i) => {
        const protocol = (str(obj(s.port).protocol) ?? '').toUpperCase();
        return CLEARTEXT_HTTP.has(protocol) && obj(s.tls).httpsRedirect !== true
          ? [finding(gw, `${serverLabel(s, i)} serves plaintext without tls.httpsRedirect`)]
          : [];
      }),
    );
  },
);

const WEAK_TLS_VERSIONS = new Set(['TLSV1_0', 'TLSV1_1']);

const nm07MinTls = manifestRule(
  {
    id: 'NM07-min-tls-version',
    description: 'Gateway servers do not allow TLS below 1.2 (minProtocolVersion, maxProtocolVersion)',
    why: 'TLS 1.0 and 1.1 are deprecated (RFC 8996): their cipher suites and handshake have known attacks (BEAST, POODLE-style downgrades) and compliance baselines (PCI DSS) forbid them.',
    fix: 'Leave minProtocolVersion unset (TLS 1.2 is the default) or set it to TLSV1_2 or TLSV1_3; never cap maxProtocolVersion below TLSV1_2.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['NM07'],
  },
  (_ctx, index) => {
    return index.ofKind('Gateway', NETWORKING).flatMap((gw) =>
      servers(gw).flatMap((s, i) => {
        const tls = obj(s.tls);
        return (['minProtocolVersion', 'maxProtocolVersion'] as const)
          .filter((k) => WEAK_TLS_VERSIONS.has(str(tls[k]) ?? ''))
          .map((k) => finding(gw, `${serverLabel(s, i)} tls.${k} is ${String(tls[k])}`));
      }),
    );
  },
);

/** Edge rules, in report order. */
export const edgeRules: readonly ManifestRule[] = [nm06ScopedGatewayHosts, nm07HttpsCertificate, nm07HttpRedirect, nm07MinTls];
