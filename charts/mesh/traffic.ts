/**
 * Service-to-service traffic of one service: a DestinationRule (mTLS, connection pool,
 * outlier detection = the circuit breaker, one subset per version) and the mesh
 * VirtualService (timeout, retries, header routes ahead of the weighted split, faults).
 */
import { Construct } from 'constructs';
import { servicePortFor, trafficFor } from '../../services/defaults';
import type { EnvironmentProfile, ServiceSpec } from '../../services/spec';
import {
  DestinationRule,
  DestinationRuleSpecTrafficPolicyTlsMode,
  VirtualService,
  type VirtualServiceSpecHttp,
  type VirtualServiceSpecHttpFault,
} from '../../imports/networking.istio.io';
import { serviceHost, weightedVersions } from './decisions';

export interface ServiceTrafficProps {
  readonly spec: ServiceSpec;
  readonly namespace: string;
  readonly profile: EnvironmentProfile;
  readonly labels: Record<string, string>;
}

export class ServiceTraffic extends Construct {
  public readonly destinationRule: DestinationRule;
  public readonly virtualService: VirtualService;

  constructor(scope: Construct, id: string, props: ServiceTrafficProps) {
    super(scope, id);
    const { spec, namespace } = props;
    const host = serviceHost(spec.name, namespace);
    const traffic = trafficFor(spec);
    const cb = traffic.circuitBreaker;

    this.destinationRule = new DestinationRule(this, 'DestinationRule', {
      metadata: { name: spec.name, labels: props.labels },
      spec: {
        host,
        trafficPolicy: {
          tls: { mode: DestinationRuleSpecTrafficPolicyTlsMode.ISTIO_UNDERSCORE_MUTUAL },
          connectionPool: {
            tcp: { maxConnections: cb.maxConnections },
            http: { http1MaxPendingRequests: cb.http1MaxPendingRequests, http2MaxRequests: cb.http2MaxRequests },
          },
          outlierDetection: {
            consecutive5XxErrors: cb.consecutive5xxErrors,
            interval: cb.interval,
            baseEjectionTime: cb.baseEjectionTime,
            maxEjectionPercent: cb.maxEjectionPercent,
          },
        },
        subsets: spec.versions.map((v) => ({ name: v.name, labels: { version: v.name } })),
      },
    });

    // Callers address the Service's port (`servicePort`); the Service forwards to the container's.
    const port = servicePortFor(spec);
    const destination = (subset: string) => ({ host, subset, ...(port !== undefined && { port: { number: port } }) });
    const split = weightedVersions(spec).map((w) => ({ destination: destination(w.version), weight: w.weight }));

    if (spec.protocol === 'tcp') {
      this.virtualService = new VirtualService(this, 'VirtualService', {
        metadata: { name: spec.name, labels: props.labels },
        spec: { hosts: [host], tcp: [{ route: split }] },
      });
      return;
    }

    const common = {
      timeout: traffic.timeout,
      retries: { attempts: traffic.retries.attempts, perTryTimeout: traffic.retries.perTryTimeout, retryOn: traffic.retries.retryOn },
      ...(props.profile !== 'prod' && spec.traffic?.faults !== undefined && { fault: faultFor(spec) }),
    };
    // Header routes first: Istio takes the first match, the weighted split is the fallback.
    const headerRoutes: VirtualServiceSpecHttp[] = spec.versions
      .filter((v) => v.headerMatch !== undefined)
      .map((v) => {
        const m = v.headerMatch!;
        return {
          name: `${v.name}-by-header`,
          match: [{ headers: { [m.header]: m.exact !== undefined ? { exact: m.exact } : { prefix: m.prefix } } }],
          route: [{ destination: destination(v.name) }],
          ...common,
        };
      });
    this.virtualService = new VirtualService(this, 'VirtualService', {
      metadata: { name: spec.name, labels: props.labels },
      spec: { hosts: [host], http: [...headerRoutes, { name: 'default', route: split, ...common }] },
    });
  }
}

function faultFor(spec: ServiceSpec): VirtualServiceSpecHttpFault {
  const f = spec.traffic?.faults ?? {};
  return {
    ...(f.delay !== undefined && { delay: { fixedDelay: f.delay.fixedDelay, percentage: { value: f.delay.percent } } }),
    ...(f.abort !== undefined && { abort: { httpStatus: f.abort.httpStatus, percentage: { value: f.abort.percent } } }),
  };
}
