/** The Istio kinds this repository emits, all at the `v1` API (Istio 1.22+). */
export const ISTIO_VERSION = 'v1';

export const ISTIO_KINDS = [
  { group: 'networking.istio.io', kind: 'Gateway' },
  { group: 'networking.istio.io', kind: 'VirtualService' },
  { group: 'networking.istio.io', kind: 'DestinationRule' },
  { group: 'networking.istio.io', kind: 'Sidecar' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'security.istio.io', kind: 'PeerAuthentication' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy' },
  { group: 'security.istio.io', kind: 'RequestAuthentication' },
  // The mesh-wide access logs and tracing (charts/observability/telemetry.ts).
  { group: 'telemetry.istio.io', kind: 'Telemetry' },
] as const;
