/**
 * Observability (OB): every service is measured against an SLO, and its alerts reach its owner.
 *
 * - OB01, on the manifests: a Service that serves HTTP or gRPC has the recording rules of its
 *   SLIs, a Managed Service for Prometheus `Rules` object in its namespace (charts/slo-rules.ts):
 *   each SLI's error ratio and its error budget, labelled with the service, the SLI and the team
 *   (infra/alerting.ts selects a team's services by `team` and compares each ratio with its budget).
 * - OB02, on the Pulumi resources: every Cloud Monitoring alert policy notifies at least one
 *   notification channel (infra/alerting.ts routes each to the owning team's channels).
 */
import { ERROR_BUDGET_RECORD, errorRatioRecord, SLI_NAMES } from '../../charts/slo';
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
      "Every Service that serves HTTP or gRPC has SLO recording rules: a Managed Service for Prometheus Rules object in its namespace recording the error ratio and the error budget (`slo:error_budget:ratio`) of its availability and its latency (rules labelled `service: <name>`, `slo: availability|latency`, `team: <owner>`). The platform's own Services, exactly as the platform deploys them (the trace collector), are the platform team's and are exempt.",
    why: "A service without an SLO is unmonitored: nothing records how often it fails or is slow, so no burn-rate alert can page its owner before its users notice. The alerts select a team's services by the `team` label and compare each ratio with the service's recorded budget: without either, they never fire.",
    fix: 'Define the service with a ServiceSpec (synthesis adds its `<service>-slo` Rules, docs/slo.md), or add a monitoring.googleapis.com/v1 Rules object in its namespace recording slo:sli_error:ratio_rate<window> and slo:error_budget:ratio for both SLIs with labels service, slo and team.',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['OB01'],
  },
  (ctx, index) => {
    // Namespace and service -> `<record> <sli>` of each recording some Rules object makes for it, with a team.
    const recorded = new Map<string, Set<string>>();
    for (const rules of index.ofKind('Rules', MONITORING_GROUP)) {
      for (const rule of items(specOf(rules).groups).flatMap((g) => items(g.rules))) {
        const labels = labelMap(rule.labels);
        const record = str(rule.record);
        if (record !== SHORTEST && record !== ERROR_BUDGET_RECORD) continue;
        if (labels.service === undefined || labels.slo === undefined || labels.team === undefined) continue;
        const key = `${namespaceOf(rules)}/${labels.service}`;
        recorded.set(key, new Set([...(recorded.get(key) ?? []), `${record} ${labels.slo}`]));
      }
    }
    return index
      .ofKind('Service', '')
      .filter((service) => servesRequests(service) && !isPlatformObject(ctx, service))
      .flatMap((service) => {
        const namespace = namespaceOf(service);
        const name = service.metadata.name;
        const has = (record: string, sli: string) => recorded.get(`${namespace}/${name}`)?.has(`${record} ${sli}`) ?? false;
        const labels = (sli: string) => `labels service="${name}", slo="${sli}", team=<owner>`;
        const missing = SLI_NAMES.filter((sli) => !has(SHORTEST, sli));
        const unbudgeted = SLI_NAMES.filter((sli) => has(SHORTEST, sli) && !has(ERROR_BUDGET_RECORD, sli));
        return [
          ...(missing.length === 0
            ? []
            : [
                finding(
                  service,
                  `serves HTTP or gRPC but no Rules object in namespace ${namespace} records its ${missing.join(' and ')} SLI (${SHORTEST} with ${labels(missing[0])})`,
                ),
              ]),
          ...(unbudgeted.length === 0
            ? []
            : [
                finding(
                  service,
                  `records its ${unbudgeted.join(' and ')} SLI but not its error budget (${ERROR_BUDGET_RECORD} with ${labels(unbudgeted[0])}): its team's burn-rate alerts compare the error ratio with it and would never fire`,
                ),
              ]),
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
