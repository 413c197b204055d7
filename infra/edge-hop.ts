/**
 * The load balancer -> gateway hop (docs/edge.md): the platform's edge Gateway and the
 * certificate it serves, both created by the program, so no one creates a Secret by hand.
 *
 * The load balancer encrypts to the gateway pods (backend protocol HTTPS) but does not
 * validate their certificate, so a self-signed one is enough; it keeps the hop encrypted
 * end to end. The private key lives in the Pulumi state (encrypted with the stack's
 * secrets provider) and in the Secret.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as tls from '@pulumi/tls';
import { edgeGateway, edgeTlsSecret, type EdgeGatewayEnvironment } from '../charts/mesh/edge-gateway';

/**
 * The certificate's key and lifetime. RSA 2048 is what every TLS client (the load
 * balancer's included) accepts. Five years, renewed by `pulumi up` in its last 90 days:
 * nothing checks the expiry, but a certificate that never expires is a bad habit to copy.
 */
export const EDGE_CERTIFICATE = {
  algorithm: 'RSA',
  rsaBits: 2048,
  validityPeriodHours: 5 * 365 * 24,
  earlyRenewalHours: 90 * 24,
  allowedUses: ['digital_signature', 'key_encipherment', 'server_auth'],
} as const;

/** The name the certificate is issued to: the gateway Service's in-cluster name (the hop has no public name). */
export function edgeCertificateName(env: Pick<EdgeGatewayEnvironment, 'gatewayName' | 'gatewayNamespace'>): string {
  return `${env.gatewayName}.${env.gatewayNamespace}.svc`;
}

export interface EdgeHopArgs {
  readonly env: EdgeGatewayEnvironment;
  /** The cluster's provider. */
  readonly provider: k8s.Provider;
  /**
   * What must exist first: the Istio releases (the CRDs, istiod's validation, and the
   * gateway release, after which the gateway namespace exists).
   */
  readonly after: readonly pulumi.Resource[];
  /**
   * Google accounts that may read the Secret, by email (GKE maps a Google identity to the
   * Kubernetes RBAC user of that name): the read-only plan account, whose drift check
   * refreshes the Secret. Its key protects nothing the load balancer does not already give
   * up by accepting any certificate (docs/edge.md), so reading it grants no new power.
   * @default - no one beyond the cluster's administrators
   */
  readonly readers?: readonly pulumi.Input<string>[];
}

/** The Role that lets `readers` get exactly the hop's Secret, and nothing else. */
export function edgeSecretReaderRole(
  secretName: string,
): { apiGroups: string[]; resources: string[]; resourceNames: string[]; verbs: string[] }[] {
  return [{ apiGroups: [''], resources: ['secrets'], resourceNames: [secretName], verbs: ['get'] }];
}

export class EdgeHop extends pulumi.ComponentResource {
  /** The kubernetes.io/tls Secret the Gateway's credentialName names. */
  readonly secret: k8s.core.v1.Secret;
  /** The edge Gateway every app's public routes bind to. */
  readonly gateway: k8s.apiextensions.CustomResource;

  constructor(name: string, args: EdgeHopArgs, opts?: pulumi.ComponentResourceOptions) {
    // Built (and validated) before anything is registered.
    const object = edgeGateway(args.env);
    const secretShape = edgeTlsSecret(args.env);
    super('platform:edge:EdgeHop', name, {}, opts);
    const child = { parent: this };
    const { env } = args;

    const key = new tls.PrivateKey(`${name}-key`, { algorithm: EDGE_CERTIFICATE.algorithm, rsaBits: EDGE_CERTIFICATE.rsaBits }, child);
    const certificate = new tls.SelfSignedCert(
      `${name}-certificate`,
      {
        privateKeyPem: key.privateKeyPem,
        subject: { commonName: edgeCertificateName(env), organization: 'platform load balancer hop' },
        dnsNames: [edgeCertificateName(env)],
        validityPeriodHours: EDGE_CERTIFICATE.validityPeriodHours,
        earlyRenewalHours: EDGE_CERTIFICATE.earlyRenewalHours,
        allowedUses: [...EDGE_CERTIFICATE.allowedUses],
      },
      child,
    );

    const k8sChild = { ...child, provider: args.provider };
    // The gateway pods do not read the Secret at start: istiod serves it to them over SDS
    // once a Gateway names it, so it only has to exist before the Gateway.
    this.secret = new k8s.core.v1.Secret(
      `${name}-tls`,
      {
        metadata: secretShape.metadata,
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': certificate.certPem, 'tls.key': key.privateKeyPem },
      },
      { ...k8sChild, dependsOn: [...args.after] },
    );

    if (args.readers !== undefined && args.readers.length > 0) {
      const role = new k8s.rbac.v1.Role(
        `${name}-secret-reader`,
        {
          metadata: { name: 'edge-hop-secret-reader', namespace: secretShape.metadata.namespace },
          rules: edgeSecretReaderRole(secretShape.metadata.name),
        },
        { ...k8sChild, dependsOn: [...args.after] },
      );
      new k8s.rbac.v1.RoleBinding(
        `${name}-secret-readers`,
        {
          metadata: { name: 'edge-hop-secret-readers', namespace: secretShape.metadata.namespace },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
          subjects: args.readers.map((user) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user })),
        },
        k8sChild,
      );
    }
    this.gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: object.metadata,
        spec: object.spec,
      },
      { ...k8sChild, dependsOn: [...args.after, this.secret] },
    );

    this.registerOutputs({});
  }
}
