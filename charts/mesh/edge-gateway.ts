/**
 * The platform's edge Gateway: the one server of the ingress gateway that the load
 * balancer connects to. It belongs to the platform, not to an app: each environment
 * has exactly one, in the gateway namespace, and every app's public VirtualService binds
 * to it with its own hosts. See docs/edge.md for the decision and its sources.
 *
 * Pure: `edgeGateway(env)` returns the same validated object for the same input; the
 * Pulumi program applies it (infra/edge-hop.ts), and the policy runs check it.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Gateway, GatewaySpecServersTlsMinProtocolVersion, GatewaySpecServersTlsMode } from '../../imports/networking.istio.io';
import { assertNoProblems } from '../../core/problems';
import { MANAGED_BY } from '../labels';
import { validateObject, type ManifestObject } from '../schema';
import { gatewayIdentity, type MeshEnvironment } from './decisions';

/** Name of the platform's edge Gateway in the gateway namespace. */
export const EDGE_GATEWAY_NAME = 'edge';

/**
 * Hosts of the load balancer hop's server. The host part `*` is what makes Envoy's
 * filter chain match every connection, with or without SNI: Istio keeps only the part
 * after `/` as the SNI host (pilot/pkg/model/gateway.go GetSNIHostsForServer) and sets no
 * `server_names` when one of them is `*` (pilot/pkg/networking/core/listener.go
 * toFilterChainMatch). The global external Application Load Balancer sends no SNI to
 * its backends, so any named host would give `filter_chain_not_found` and a 502. The
 * namespace part `*` lets every app namespace bind, `pr-<N>` previews included, which
 * appear and disappear without the platform stack changing.
 */
export const EDGE_GATEWAY_HOSTS: readonly string[] = ['*/*'];

/** What the edge Gateway needs of the environment. */
export interface EdgeGatewayEnvironment extends Pick<MeshEnvironment, 'gatewayNamespace' | 'gatewayName'> {
  /** The kubernetes.io/tls Secret in the gateway namespace that the platform creates for the hop. */
  readonly tlsCredential: string;
}

/** How a VirtualService in any namespace names the edge Gateway. */
export function edgeGatewayRef(env: Pick<MeshEnvironment, 'gatewayNamespace'>): string {
  return `${env.gatewayNamespace}/${EDGE_GATEWAY_NAME}`;
}

export interface EdgeGatewayProps {
  readonly env: EdgeGatewayEnvironment;
}

/** The Gateway: one HTTPS server on the gateway Service's 443 (pod 8443), TLS 1.2 at least. */
export class EdgeGateway extends Construct {
  public readonly gateway: Gateway;

  constructor(scope: Construct, id: string, props: EdgeGatewayProps) {
    super(scope, id);
    const { env } = props;
    this.gateway = new Gateway(this, 'Resource', {
      metadata: {
        name: EDGE_GATEWAY_NAME,
        labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'load-balancer-hop' },
      },
      spec: {
        selector: gatewayIdentity(env).selector,
        // No port-80 server: the load balancer answers HTTP with its own redirect URL map
        // and only ever connects to the gateway's 443 (the NEG's port).
        servers: [
          {
            name: 'https-load-balancer',
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            hosts: [...EDGE_GATEWAY_HOSTS],
            tls: {
              mode: GatewaySpecServersTlsMode.SIMPLE,
              credentialName: env.tlsCredential,
              minProtocolVersion: GatewaySpecServersTlsMinProtocolVersion.TLSV1_UNDERSCORE_2,
            },
          },
        ],
      },
    });
  }
}

/** The edge Gateway as a manifest object, validated against the Istio CRD schema. */
export function edgeGateway(env: EdgeGatewayEnvironment): ManifestObject {
  const chart = new Chart(new App(), 'platform', { namespace: env.gatewayNamespace, disableResourceNameHashes: true });
  new EdgeGateway(chart, 'Edge', { env });
  const [gateway] = chart.toJson() as ManifestObject[];
  assertNoProblems(validateObject(gateway, 'the platform edge Gateway'), 'the platform edge Gateway failed validation');
  return gateway;
}

/** Keys of a kubernetes.io/tls Secret, which Istio reads for a credentialName (pilot/pkg/credentials/kube/secrets.go). */
export const TLS_SECRET_KEYS: readonly string[] = ['tls.crt', 'tls.key'];

/** What the platform Secret's keys hold in the offline view: a note, never key material. */
export const GENERATED_AT_DEPLOY = '(generated when the stack is deployed: infra/edge-hop.ts)';

/**
 * The hop certificate's Secret as the policy runs see it: its keys, without their data. The
 * key and certificate are generated when the stack is deployed (infra/edge-hop.ts) and never
 * exist in a manifest or in git; the keys are there because the API server requires them of
 * a `kubernetes.io/tls` Secret (ValidateSecret), as MC10-kubernetes-validation checks.
 */
export function edgeTlsSecret(env: EdgeGatewayEnvironment): ManifestObject {
  const secret: ManifestObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: env.tlsCredential,
      namespace: env.gatewayNamespace,
      labels: { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/component': 'load-balancer-hop' },
    },
    type: 'kubernetes.io/tls',
    stringData: Object.fromEntries(TLS_SECRET_KEYS.map((k) => [k, GENERATED_AT_DEPLOY])),
  };
  assertNoProblems(validateObject(secret, 'the platform edge TLS Secret'), 'the platform edge TLS Secret failed validation');
  return secret;
}

/**
 * What the platform itself deploys into the mesh of an environment (full stacks apply it;
 * `pr-<N>` previews bind to dev's): the policy runs check these next to the apps'.
 */
export function platformObjects(env: EdgeGatewayEnvironment): ManifestObject[] {
  return [edgeTlsSecret(env), edgeGateway(env)];
}
