/**
 * The saga example (services/examples/saga, docs/events.md) end to end, offline: synthesized for
 * dev into manifests that pass the manifest policies, and provisioned by the program's
 * AppResources component under mocks into the topics, subscriptions, dead-letter topics and IAM
 * bindings its event graph asks for, which pass the infrastructure policies.
 */
import * as k8s from '@pulumi/kubernetes';
import { synthesize } from '../charts';
import type { ManifestObject } from '../charts/schema';
import { programWrittenObjects } from '../charts/uses';
import { workloadServiceAccountEmail } from '../charts/workload-identity';
import { loadEnvironment } from '../core/config';
import { AppResources } from '../infra/app-resources';
import { Network } from '../infra/network';
import { recordResources, registered, type RecordedResource } from '../infra/offline/engine';
import { RULES } from '../policies/catalogue';
import { evaluate } from '../policies/engine';
import { gcpResourcesOf } from '../policies/pack';
import { environmentContext } from '../policies/platform';
import saga from '../services/examples/saga';
import { eventGraph } from '../services/event-graph';
import { loadReleases } from '../services/releases';
import { deadLetterTopicId, subscriptionId, topicId, topicPath } from '../services/uses';
import { ROOT } from './cli';

const dev = loadEnvironment('dev');
const config = { ...dev, namespace: 'saga' };
const RELEASES = 'services/examples/saga/releases.yaml';
const synthesis = synthesize({ ...config, releasesFile: RELEASES }, saga, loadReleases(`${ROOT}/${RELEASES}`));
const objects = synthesis.files.flatMap((f) => f.objects);
const deployment = (service: string): ManifestObject => {
  const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `${service}-v1`);
  if (found === undefined) throw new Error(`no Deployment ${service}-v1`);
  return found;
};
interface PodSpec {
  readonly initContainers?: readonly { name: string; image: string; restartPolicy?: string }[];
  readonly containers: readonly { name: string; env?: readonly { name: string; value?: string }[] }[];
  readonly volumes?: readonly { name: string; csi?: { driver: string } }[];
}
const podOf = (service: string) => (deployment(service).spec as { template: { spec: PodSpec } }).template.spec;
const envOf = (service: string) => Object.fromEntries((podOf(service).containers[0].env ?? []).map((e) => [e.name, e.value]));

const recording = recordResources({ stack: 'dev', gcpProject: dev.gcpProject });
beforeAll(async () => {
  const network = new Network('dev-network', { ...dev, region: dev.gcpRegion });
  const provider = new k8s.Provider('platform-dev-provider', { kubeconfig: 'unused' });
  new AppResources('dev-uses', {
    config,
    apps: [{ namespace: config.namespace, catalogue: saga }],
    network: network.vpc.id,
    privateServicesRange: network.privateServicesRange.name,
    privateServicesConnection: network.privateServicesConnection,
    provider,
    after: [],
  });
  await registered();
});
const ofType = (type: string): RecordedResource[] => recording.ofType(type);
const input = (r: RecordedResource, key: string): unknown => r.inputs[key];
const member = (service: string) => `serviceAccount:${workloadServiceAccountEmail(service, 'dev', dev.gcpProject)}`;

describe('the saga, synthesized for dev', () => {
  it("wires each service's uses into its pod: order's database through the proxy sidecar, its topics and subscriptions", () => {
    expect(podOf('order').initContainers?.map((c) => [c.name, c.restartPolicy])).toEqual([['cloud-sql-proxy', 'Always']]);
    expect(envOf('order')).toMatchObject({
      PGHOST: '127.0.0.1',
      PGPORT: '5432',
      PGDATABASE: 'orders',
      PUBSUB_TOPIC_ORDER_PLACED: topicPath(dev.gcpProject, 'dev.saga.order-placed'),
      PUBSUB_SUBSCRIPTION_PAYMENT_FAILED: `projects/${dev.gcpProject}/subscriptions/dev.saga.payment-failed.order`,
    });
  });

  it("mounts payment's secret with GKE's Secret Manager driver and names shipping's bucket", () => {
    expect(
      podOf('payment')
        .volumes?.filter((v) => v.csi !== undefined)
        .map((v) => v.csi?.driver),
    ).toEqual(['secrets-store-gke.csi.k8s.io']);
    expect(objects.filter((o) => o.kind === 'SecretProviderClass').map((o) => o.metadata.name)).toEqual(['payment-secrets']);
    expect(envOf('shipping').BUCKET_LABELS).toBe(`${dev.gcpProject}-dev-shipping-labels`);
  });

  it('passes every mandatory manifest policy', () => {
    const context = environmentContext(objects, config, config, programWrittenObjects(saga, config));
    const report = evaluate(RULES, { manifests: context }, { environment: 'dev', exceptions: [], today: '2026-11-30' });
    expect(
      report.violations.filter((v) => v.rule.enforcement === 'mandatory').map((v) => `${v.rule.id} ${v.object}: ${v.message}`),
    ).toEqual([]);
  });
});

describe('the saga, provisioned for dev (AppResources under mocks)', () => {
  const graph = eventGraph(saga);
  const subscriptions = graph.flatMap(({ event, consumers }) => consumers.map((c) => ({ event, consumer: c })));

  it('creates a topic per event and a dead-letter topic per subscription, and nothing else', () => {
    expect(
      ofType('gcp:pubsub/topic:Topic')
        .map((t) => input(t, 'name'))
        .sort(),
    ).toEqual(
      [
        ...graph.map(({ event }) => topicId('dev', 'saga', event)),
        ...subscriptions.map(({ event, consumer }) => deadLetterTopicId('dev', 'saga', event, consumer)),
      ].sort(),
    );
  });

  it('gives each consumer its own subscription, dead-lettering to its own dead-letter topic after its declared attempts', () => {
    const declared = new Map(
      saga.services.flatMap(({ spec }) => (spec.uses?.consumes ?? []).map((c) => [`${c.event}/${spec.name}`, c.maxDeliveryAttempts ?? 5])),
    );
    const topics = new Map(ofType('gcp:pubsub/topic:Topic').map((t) => [input(t, 'name'), t.urn]));
    for (const { event, consumer } of subscriptions) {
      const id = subscriptionId('dev', 'saga', event, consumer);
      const sub = ofType('gcp:pubsub/subscription:Subscription').find((s) => input(s, 'name') === id);
      const deadLetters = topics.get(deadLetterTopicId('dev', 'saga', event, consumer));
      expect([id, sub?.inputs.deadLetterPolicy, sub?.dependencies.includes(deadLetters ?? '-')]).toEqual([
        id,
        expect.objectContaining({ maxDeliveryAttempts: declared.get(`${event}/${consumer}`) }),
        true,
      ]);
      expect(sub?.dependencies).toContain(topics.get(topicId('dev', 'saga', event)));
    }
  });

  it('lets only the publisher publish to a topic, and only the consumer read its subscription', () => {
    const publishers = ofType('gcp:pubsub/topicIAMMember:TopicIAMMember')
      .filter(
        (b) =>
          input(b, 'role') === 'roles/pubsub.publisher' &&
          String(input(b, 'member')).startsWith('serviceAccount:') &&
          !String(input(b, 'member')).includes('gcp-sa-pubsub'),
      )
      .map((b) => [input(b, 'topic'), input(b, 'member')]);
    const expected: unknown[] = graph.map(({ event, publisher }): unknown[] => [
      expect.stringContaining(topicId('dev', 'saga', event)),
      member(publisher),
    ]);
    expect(publishers).toEqual(expect.arrayContaining(expected));
    expect(publishers).toHaveLength(graph.length);
    const readers = ofType('gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember')
      .filter((b) => input(b, 'role') === 'roles/pubsub.subscriber' && !String(input(b, 'member')).includes('gcp-sa-pubsub'))
      .map((b) => input(b, 'member'));
    expect(readers.sort()).toEqual(subscriptions.map(({ consumer }) => member(consumer)).sort());
  });

  it("creates order's database and IAM user, payment's empty secret and shipping's bucket, with IAM on each only", () => {
    expect(ofType('gcp:sql/database:Database').map((d) => input(d, 'name'))).toEqual(['orders']);
    expect(ofType('gcp:sql/user:User').map((u) => [input(u, 'type'), String(input(u, 'name')).startsWith('order-dev@')])).toEqual([
      ['CLOUD_IAM_SERVICE_ACCOUNT', true],
    ]);
    expect(ofType('gcp:secretmanager/secretVersion:SecretVersion')).toEqual([]);
    expect(ofType('gcp:secretmanager/secretIamMember:SecretIamMember').map((b) => input(b, 'member'))).toEqual([member('payment')]);
    expect(ofType('gcp:storage/bucketIAMMember:BucketIAMMember').map((b) => input(b, 'member'))).toEqual([member('shipping')]);
    expect(ofType('gcp:projects/iAMMember:IAMMember')).toEqual([]);
  });

  it('passes every mandatory infrastructure policy', () => {
    const resources = gcpResourcesOf(recording.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
    const report = evaluate(
      RULES,
      { resources: { resources, profile: 'dev' } },
      { environment: 'dev', exceptions: [], today: '2026-11-30' },
    );
    expect(
      report.violations.filter((v) => v.rule.enforcement === 'mandatory').map((v) => `${v.rule.id} ${v.object}: ${v.message}`),
    ).toEqual([]);
  });
});
