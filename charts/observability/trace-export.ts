/**
 * In a mesh namespace: the NetworkPolicy egress its proxies need to export spans to the collector
 * (the namespace's default-deny would drop them). The mesh side, the Sidecar egress host that
 * makes the collector's cluster exist in each proxy, is in charts/mesh/security.ts.
 */
import { IntOrString, KubeNetworkPolicy } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { OTEL_COLLECTOR } from './collector-names';

export const TRACE_EXPORT_POLICY = 'allow-trace-export';

export interface TraceExportProps {
  readonly labels: Record<string, string>;
}

export class TraceExport extends Construct {
  constructor(scope: Construct, id: string, props: TraceExportProps) {
    super(scope, id);
    new KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: TRACE_EXPORT_POLICY, labels: props.labels },
      spec: {
        // Every pod of the namespace: each has a sidecar (the injector's label is not in the manifests to select).
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OTEL_COLLECTOR.namespace } },
                podSelector: { matchLabels: { app: OTEL_COLLECTOR.name } },
              },
            ],
            ports: [{ protocol: 'TCP', port: IntOrString.fromNumber(OTEL_COLLECTOR.otlpGrpcPort) }],
          },
        ],
      },
    });
  }
}
