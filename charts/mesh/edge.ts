/**
 * The edge (API gateway) of a catalogue: one VirtualService holding the public routes of
 * every service, bound to the platform's edge Gateway (`edge-gateway.ts`) and keeping the
 * catalogue's own hosts. The Gateway and its certificate belong to the platform.
 */
import { Construct } from 'constructs';
import { trafficFor } from '../../services/defaults';
import { VirtualService, type VirtualServiceSpecHttp } from '../../imports/networking.istio.io';
import { gatewayHosts, serviceHost, weightedVersions, type MeshEnvironment, type ResolvedRoute } from './decisions';
import { edgeGatewayRef } from './edge-gateway';

export interface EdgeProps {
  readonly catalogue: string;
  readonly env: MeshEnvironment;
  /** Public routes in match order (see `publicRoutes`). */
  readonly routes: readonly ResolvedRoute[];
  readonly labels: Record<string, string>;
}

export class Edge extends Construct {
  public readonly virtualService?: VirtualService;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { env, labels } = props;
    if (props.routes.length === 0) return;

    // The edge Gateway accepts any host; these hosts are what this catalogue answers for.
    const hosts = gatewayHosts(props.routes, env.domain);
    const byHost = hosts.length > 1;
    this.virtualService = new VirtualService(this, 'VirtualService', {
      metadata: { name: `${props.catalogue}-public`, labels },
      spec: { hosts, gateways: [edgeGatewayRef(env)], http: props.routes.map((r) => httpRoute(r, env, byHost)) },
    });
  }
}

function httpRoute(r: ResolvedRoute, env: MeshEnvironment, byHost: boolean): VirtualServiceSpecHttp {
  const traffic = trafficFor(r.spec);
  const host = serviceHost(r.service, env.namespace);
  const destination = (subset: string) => ({ host, subset, port: { number: r.port } });
  // The gateway honours the same version split as the mesh, unless the route pins a version.
  const route =
    r.version !== undefined
      ? [{ destination: destination(r.version) }]
      : weightedVersions(r.spec).map((w) => ({ destination: destination(w.version), weight: w.weight }));
  return {
    name: `${r.service}-${r.match}-${
      r.path === '/'
        ? 'root'
        : r.path
            .slice(1)
            .replace(/[^a-z0-9]+/gi, '-')
            .toLowerCase()
    }`,
    match: [{ uri: r.match === 'exact' ? { exact: r.path } : { prefix: r.path }, ...(byHost && { authority: { exact: r.host } }) }],
    route,
    timeout: r.timeout ?? traffic.timeout,
    retries: { attempts: traffic.retries.attempts, perTryTimeout: traffic.retries.perTryTimeout, retryOn: traffic.retries.retryOn },
    ...(r.rewrite !== undefined && { rewrite: { uri: r.rewrite } }),
    ...(r.cors !== undefined && {
      corsPolicy: {
        allowOrigins: r.cors.allowOrigins.map((o) => ({ exact: o })),
        ...(r.cors.allowMethods !== undefined && { allowMethods: [...r.cors.allowMethods] }),
        ...(r.cors.allowHeaders !== undefined && { allowHeaders: [...r.cors.allowHeaders] }),
        ...(r.cors.maxAge !== undefined && { maxAge: r.cors.maxAge }),
      },
    }),
  };
}
