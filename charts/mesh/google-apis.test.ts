import { synthesize, type ManifestObject, type Synthesis } from '..';
import bookinfo from '../../services/bookinfo';
import { RULES } from '../../policies/catalogue';
import { evaluate } from '../../policies/engine';
import { environmentContext } from '../../policies/platform';
import gcpCatalogue from '../../test/fixtures/catalogues/gcp';
import { environment, repoReleases } from '../../test/fixtures/environments';
import { googleCloudEgress, metadataServerEgress, privateGoogleApisAddresses, type Dataplane } from './google-apis';

type Json = Record<string, unknown> & { spec: Record<string, unknown> };
const PINS = { web: { v1: `example.com/web@sha256:${'a'.repeat(64)}` }, uploader: { v1: `example.com/uploader@sha256:${'b'.repeat(64)}` } };
const synth = (profile: 'dev' | 'prod' = 'dev', dataplane?: Dataplane): Synthesis =>
  synthesize(environment(profile, { gcpProject: 'media-dev-1234', ...(dataplane !== undefined && { dataplane }) }), gcpCatalogue, PINS);
const all = (s: Synthesis): ManifestObject[] => s.files.flatMap((f) => f.objects);
function get(s: Synthesis, kind: string, name: string): Json {
  const found = all(s).find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name}`);
  return found as unknown as Json;
}
const egressOf = (s: Synthesis, service: string) =>
  get(s, 'NetworkPolicy', service).spec.egress as Array<{ to: Array<Record<string, unknown>>; ports: Array<{ port: number }> }>;
const ipEgress = (s: Synthesis, service: string) =>
  egressOf(s, service)
    .filter((r) => r.to[0].ipBlock !== undefined)
    .map((r) => [(r.to[0].ipBlock as { cidr: string }).cidr, r.ports[0].port]);

describe('metadataServerEgress', () => {
  // As GKE documents it (concepts/workload-identity): 169.254.169.252/32 on 988, and on
  // Dataplane V2 169.254.169.254/32 on 80 as well.
  it.each<[Dataplane, Array<[string, number]>]>([
    [
      'v2',
      [
        ['169.254.169.254/32', 80],
        ['169.254.169.252/32', 988],
      ],
    ],
    ['legacy', [['169.254.169.252/32', 988]]],
  ])('on the %s dataplane allows %j', (dataplane, expected) => {
    expect(metadataServerEgress(dataplane).map((e) => [e.cidr, e.port])).toEqual(expected);
  });

  it('defaults to Dataplane V2, which every platform cluster runs', () => {
    expect(metadataServerEgress()).toEqual(metadataServerEgress('v2'));
  });
});

describe('privateGoogleApisAddresses', () => {
  it('lists the four addresses of private.googleapis.com', () => {
    expect(privateGoogleApisAddresses()).toEqual(['199.36.153.8', '199.36.153.9', '199.36.153.10', '199.36.153.11']);
  });
});

describe('a service with gcp access', () => {
  const dev = synth();

  it('may reach the metadata server and private.googleapis.com on their ports, and nothing else outside the cluster', () => {
    expect(ipEgress(dev, 'uploader')).toEqual([
      ['169.254.169.252/32', 988],
      ['169.254.169.254/32', 80],
      ['199.36.153.8/30', 443],
    ]);
  });

  it('gets the legacy dataplane rule when the environment says so', () => {
    expect(ipEgress(synth('dev', 'legacy'), 'uploader')).toEqual([
      ['169.254.169.252/32', 988],
      ['199.36.153.8/30', 443],
    ]);
    expect(ipEgress(synth('dev', 'legacy'), 'uploader')).toEqual(googleCloudEgress('legacy').map((e) => [e.cidr, e.port]));
  });

  it('lists the two Google Cloud hosts in its Sidecar, next to istiod and the trace collector', () => {
    expect(get(dev, 'Sidecar', 'uploader').spec).toMatchObject({
      egress: [
        {
          hosts: [
            './*.googleapis.com',
            './metadata.google.internal',
            'istio-system/*',
            'observability/otel-collector.observability.svc.cluster.local',
          ],
        },
      ],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
  });

  it('puts the two ServiceEntries in the namespace, visible to it only', () => {
    expect(get(dev, 'ServiceEntry', 'gke-metadata-server')).toMatchObject({
      metadata: { namespace: 'bookinfo' },
      spec: {
        hosts: ['metadata.google.internal'],
        addresses: ['169.254.169.254/32'],
        ports: [{ number: 80, name: 'tcp-metadata', protocol: 'TCP' }],
        location: 'MESH_EXTERNAL',
        resolution: 'NONE',
        exportTo: ['.'],
      },
    });
    expect(get(dev, 'ServiceEntry', 'google-apis')).toMatchObject({
      spec: {
        hosts: ['*.googleapis.com'],
        ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
        location: 'MESH_EXTERNAL',
        resolution: 'NONE',
        exportTo: ['.'],
      },
    });
    expect(dev.files[0].objects.filter((o) => o.kind === 'ServiceEntry')).toHaveLength(2);
  });

  it('leaves a service without gcp with its dependencies only', () => {
    expect(ipEgress(dev, 'web')).toEqual([]);
    expect(egressOf(dev, 'web').map((r) => r.to)).toEqual([[{ podSelector: { matchLabels: { app: 'uploader' } } }]]);
    expect(get(dev, 'Sidecar', 'web').spec).toMatchObject({
      egress: [
        {
          hosts: [
            './uploader.bookinfo.svc.cluster.local',
            'istio-system/*',
            'observability/otel-collector.observability.svc.cluster.local',
          ],
        },
      ],
    });
  });

  it.each(['dev', 'prod'] as const)('passes every rule of the policy catalogue in %s, the platform objects included', (profile) => {
    const s = synth(profile);
    const manifests = environmentContext(all(s), s.environment, { profile, allowedRegistries: ['example.com/'] });
    const report = evaluate(RULES, { manifests }, { environment: profile, exceptions: [], today: '2026-11-23' });
    expect(report.violations.map((v) => `${v.rule.id} ${v.object}: ${v.message}`)).toEqual([]);
  });
});

describe('a catalogue without gcp services', () => {
  it('gets no ServiceEntry and no egress outside the cluster', () => {
    const s = synthesize(environment('dev'), bookinfo, repoReleases('dev'));
    expect(all(s).filter((o) => o.kind === 'ServiceEntry')).toEqual([]);
    const services = all(s).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name !== 'allow-dns-and-istiod');
    expect(
      services.flatMap((np) =>
        (((np.spec as Json['spec']).egress as Array<{ to: Array<Record<string, unknown>> }> | undefined) ?? []).filter((r) =>
          r.to.some((t) => t.ipBlock !== undefined),
        ),
      ),
    ).toEqual([]);
  });
});
