/**
 * Observability (OB): every service is measured against an SLO, and its alerts reach its owner.
 *
 * - OB01, on the manifests: a Service that serves HTTP or gRPC has the recording rules of its
 *   SLIs, a Managed Service for Prometheus `Rules` object in its namespace (charts/slo-rules.ts).
 * - OB02, on the Pulumi resources: every Cloud Monitoring alert policy notifies at least one
 *   notification channel (infra/alerting.ts routes each to the owning team's channels).
 */
import { errorRatioRecord, SLI_NAMES } from '../../charts/slo';
import { RULES_API_VERSION } from '../../charts/slo-rules';
import { SLO_WINDOWS } from '../../services/slo';
import type { ManifestObject } from '../../charts/schema';
import { items, labelMap, namespaceOf, specOf, str } from '../objects';
import { isPlatformObject } from '../platform';
import type { ManifestRule, ResourceRule } from '../types';
import { finding, manifestRule, resourceRule } from './define';
import { asArray, perResource } from './gcp-resources';

/** The API group of Managed Service for Prometheus. */
const MONITORING_GROUP = RULES_API_VERSION.split('/')[0];
const SHORTEST = errorRatioRecord(SLO_WINDOWS[0]);

/**
 * Istio's protocol of a Service port: its `appProtocol`, else the prefix of its name before `-`
 * (Istio's protocol selection). The mesh reports requests (`istio_requests_total`) on these.
 */
const REQUEST_PROTOCOLS = new Set(['http', 'http2', 'grpc', 'grpc-web']);

function servesRequests(service: ManifestObject): boolean {
  const spec = specOf(service);
  if (str(spec.type) === 'ExternalName') return false;
  return items(spec.ports).some((p) => {
    const protocol = str(p.appProtocol) ?? str(p.name)?.split('-')[0] ?? '';
    return REQUEST_PROTOCOLS.has(protocol.toLowerCase());
  });
}

const serviceSlo = manifestRule(
  {
    id: 'OB01-service-slo',
    description:
      "Every Service that serves HTTP or gRPC has SLO recording rules: a Managed Service for Prometheus Rules object in its namespace recording the error ratio of its availability and its latency (rules labelled `service: <name>`, `slo: availability|latency`). The platform's own Services, exactly as the platform deploys them (the trace collector), are the platform team's and are exempt.",
    why: 'A service without an SLO is unmonitored: nothing records how often it fails or is slow, so no burn-rate alert can page its owner before its users notice.',
    fix: 'Define the service with a ServiceSpec (synthesis adds its `<service>-slo` Rules, docs/slo.md), or add a monitoring.googleapis.com/v1 Rules object in its namespace recording slo:sli_error:ratio_rate<window> for both SLIs with labels service and slo.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['OB01'],
  },
  (ctx, index) => {
    // Namespace and service -> the SLIs some Rules object records for it.
    const recorded = new Map<string, Set<string>>();
    for (const rules of index.ofKind('Rules', MONITORING_GROUP)) {
      for (const rule of items(specOf(rules).groups).flatMap((g) => items(g.rules))) {
        const labels = labelMap(rule.labels);
        if (str(rule.record) !== SHORTEST || labels.service === undefined || labels.slo === undefined) continue;
        const key = `${namespaceOf(rules)}/${labels.service}`;
        recorded.set(key, new Set([...(recorded.get(key) ?? []), labels.slo]));
      }
    }
    return index
      .ofKind('Service', '')
      .filter((service) => servesRequests(service) && !isPlatformObject(ctx, service))
      .flatMap((service) => {
        const namespace = namespaceOf(service);
        const missing = SLI_NAMES.filter((sli) => !(recorded.get(`${namespace}/${service.metadata.name}`)?.has(sli) ?? false));
        return missing.length === 0
          ? []
          : [
              finding(
                service,
                `serves HTTP or gRPC but no Rules object in namespace ${namespace} records its ${missing.join(' and ')} SLI (${SHORTEST} with labels service="${service.metadata.name}", slo="${missing[0]}")`,
              ),
            ];
      });
  },
);

/** A notification channel's name, as the Monitoring API writes it. */
const CHANNEL_NAME = /^projects\/[^/]+\/notificationChannels\/[^/]+$/;

const alertReachesOwner = resourceRule(
  {
    id: 'OB02-alert-notifies',
    description:
      'Every Cloud Monitoring alert policy notifies at least one notification channel (`notificationChannels`), each named `projects/<project>/notificationChannels/<id>`.',
    why: 'An alert policy without a channel opens incidents nobody is told about: the service looks monitored, and its owner learns of the outage from its users.',
    fix: "Give the service's owner a team in platform:teams with an `email` or existing `channels` (infra/alerting.ts routes the policy to them), or set notificationChannels on the policy.",
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['OB02'],
  },
  perResource(['gcp:monitoring/alertPolicy:AlertPolicy'], (policy) => {
    const channels = asArray(policy.props.notificationChannels);
    if (channels.length === 0) return ['notifies no channel: notificationChannels is empty, so its incidents reach nobody'];
    // A channel created in the same update is unknown until it exists: only a known name can be wrong.
    return channels
      .filter((c): c is string => typeof c === 'string' && !CHANNEL_NAME.test(c))
      .map(
        (c) => `notificationChannels has ${JSON.stringify(c)}, which is not a channel name (projects/<project>/notificationChannels/<id>)`,
      );
  }),
);

export const observabilityManifestRules: readonly ManifestRule[] = [serviceSlo];
export const observabilityResourceRules: readonly ResourceRule[] = [alertReachesOwner];
export const observabilityRules: ReadonlyArray<ManifestRule | ResourceRule> = [
  ...observabilityManifestRules,
  ...observabilityResourceRules,
];
