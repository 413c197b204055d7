/**
 * Zero trust, derived from declared dependencies and never written by hand: mTLS STRICT
 * and deny-by-default for the namespace; per service an ALLOW from exactly its callers
 * (and the ingress gateway for public services), a Sidecar that limits egress to its
 * dependencies, and JWT enforcement on routes that require it.
 */
import { Construct } from 'constructs';
import type { ServiceSpec } from '../../services/spec';
import { Sidecar, SidecarSpecOutboundTrafficPolicyMode } from '../../imports/networking.istio.io';
import {
  AuthorizationPolicy,
  AuthorizationPolicySpecAction,
  PeerAuthentication,
  PeerAuthenticationSpecMtlsMode,
  RequestAuthentication,
} from '../../imports/security.istio.io';
import {
  allowedPrincipals,
  authorizationPath,
  gatewayIdentity,
  isCrossAppDependency,
  NO_CROSS_APP,
  serviceHost,
  type CrossApp,
  type MeshEnvironment,
  type RemoteService,
  type ResolvedRoute,
} from './decisions';
import { OTEL_COLLECTOR_SIDECAR_HOST } from '../observability/collector-names';
import { googleCloudSidecarHosts } from './google-apis';
import { privateServicesSidecarHost } from './private-services';

export interface NamespaceSecurityProps {
  readonly labels: Record<string, string>;
}

/** Namespace-wide: STRICT mTLS, and an ALLOW policy with no rules, which allows nothing. */
export class NamespaceSecurity extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceSecurityProps) {
    super(scope, id);
    new PeerAuthentication(this, 'PeerAuthentication', {
      metadata: { name: 'default', labels: props.labels },
      spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } },
    });
    new AuthorizationPolicy(this, 'AllowNothing', {
      metadata: { name: 'allow-nothing', labels: props.labels },
      spec: {},
    });
  }
}

export interface ServiceSecurityProps {
  readonly spec: ServiceSpec;
  /** The services that declare this one as a dependency. */
  readonly callers: readonly ServiceSpec[];
  readonly env: MeshEnvironment;
  /** Calls to and from the environment's other apps. @default - none */
  readonly crossApp?: CrossApp;
  /** This service's public routes that require a JWT. */
  readonly authRoutes: readonly ResolvedRoute[];
  readonly jwt?: { readonly issuer: string; readonly jwksUri: string };
  readonly labels: Record<string, string>;
  /** What the proxy reaches besides dependencies. @default - Google Cloud when the spec has `gcp` */
  readonly egress?: EgressNeeds;
}

/** Destinations outside the catalogue a service's proxy must reach. */
export interface EgressNeeds {
  /** The metadata server and Google APIs (`gcp`, or `uses` on a platform stack). */
  readonly googleCloud: boolean;
  /** The private services access range (`postgres` or `redis` on a platform stack). */
  readonly privateServices: boolean;
}

export class ServiceSecurity extends Construct {
  constructor(scope: Construct, id: string, props: ServiceSecurityProps) {
    super(scope, id);
    const { spec, env, labels } = props;
    const selector = { matchLabels: { app: spec.name } };

    const crossApp = props.crossApp ?? NO_CROSS_APP;
    const principals = allowedPrincipals(spec, props.callers, env, crossApp.remoteCallers.get(spec.name));
    // No callers: the namespace's allow-nothing already denies everything.
    if (principals.length > 0) {
      new AuthorizationPolicy(this, 'Allow', {
        metadata: { name: spec.name, labels },
        spec: {
          selector,
          action: AuthorizationPolicySpecAction.ALLOW,
          rules: [{ from: [{ source: { principals } }] }],
        },
      });
    }

    new Sidecar(this, 'Sidecar', {
      metadata: { name: spec.name, labels },
      spec: {
        workloadSelector: { labels: { app: spec.name } },
        // Besides what the service calls: istiod, and the trace collector its proxy exports spans to.
        egress: [
          {
            hosts: [
              ...sidecarEgressHosts(spec, env.namespace, props.egress, crossApp.remote),
              `${env.controlPlaneNamespace}/*`,
              OTEL_COLLECTOR_SIDECAR_HOST,
            ],
          },
        ],
        outboundTrafficPolicy: { mode: SidecarSpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY },
      },
    });

    if (props.authRoutes.length > 0 && props.jwt !== undefined) {
      new RequestAuthentication(this, 'RequestAuthentication', {
        metadata: { name: `${spec.name}-jwt`, labels },
        spec: { selector, jwtRules: [{ issuer: props.jwt.issuer, jwksUri: props.jwt.jwksUri, forwardOriginalToken: true }] },
      });
      // Requests through the gateway without a valid token are refused on these paths;
      // RequestAuthentication alone only rejects invalid tokens, not missing ones.
      new AuthorizationPolicy(this, 'RequireJwt', {
        metadata: { name: `${spec.name}-require-jwt`, labels },
        spec: {
          selector,
          action: AuthorizationPolicySpecAction.DENY,
          rules: [
            {
              from: [{ source: { principals: [gatewayIdentity(env).principal], notRequestPrincipals: ['*'] } }],
              to: [{ operation: { paths: [...new Set(props.authRoutes.flatMap(authorizationPath))].sort() } }],
            },
          ],
        },
      });
    }
  }
}

/**
 * Hosts a service's proxy may reach (besides istiod): its dependencies (another app's in that
 * app's namespace), Google Cloud for a service with `gcp` (or `uses`), and the private services
 * range for `postgres`/`redis`.
 */
export function sidecarEgressHosts(
  spec: ServiceSpec,
  namespace: string,
  egress: EgressNeeds = { googleCloud: spec.gcp !== undefined, privateServices: false },
  remote: ReadonlyMap<string, RemoteService> = NO_CROSS_APP.remote,
): string[] {
  const dependencies = (spec.dependencies ?? []).flatMap((d) => {
    if (!isCrossAppDependency(d)) return [`./${serviceHost(d, namespace)}`];
    const target = remote.get(d);
    return target === undefined ? [] : [`${target.namespace}/${serviceHost(target.service, target.namespace)}`];
  });
  return [
    ...dependencies,
    ...(egress.googleCloud ? googleCloudSidecarHosts() : []),
    ...(egress.privateServices ? [privateServicesSidecarHost()] : []),
  ].sort();
}
