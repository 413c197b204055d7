import { synthesize } from '.';
import { defineCatalogue } from '../services/define';
import { environment } from '../test/fixtures/environments';
import { workloadIdentityMember, workloadServiceAccountEmail, workloadServiceAccountId } from './workload-identity';

describe('workloadServiceAccountId', () => {
  it.each([
    ['ratings', 'dev', 'ratings-dev'],
    ['api', 'qa', 'api-qa'],
    ['a', 'b', 'a-b-wi'],
  ])('%s in %s -> %s', (service, stack, id) => {
    expect(workloadServiceAccountId(service, stack)).toBe(id);
  });

  it('cuts long ids to 23 characters plus a stable hash', () => {
    const id = workloadServiceAccountId('recommendation-engine', 'pr-123456');
    expect(id).toMatch(/^recommendation-engine-p-[0-9a-f]{6}$/);
    expect(workloadServiceAccountId('recommendation-engine', 'pr-123456')).toBe(id);
    expect(workloadServiceAccountId('recommendation-engine', 'pr-123457')).not.toBe(id);
  });

  it('always gives a valid GCP account id', () => {
    for (const [s, st] of [
      ['a', 'b'],
      ['x'.repeat(40), 'prod'],
      ['svc', 'staging'],
    ]) {
      expect(workloadServiceAccountId(s, st)).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
    }
  });
});

describe('workload identity names', () => {
  it('builds the email and the Kubernetes member', () => {
    expect(workloadServiceAccountEmail('ratings', 'dev', 'my-proj')).toBe('ratings-dev@my-proj.iam.gserviceaccount.com');
    expect(workloadIdentityMember('my-proj', 'bookinfo', 'bookinfo-ratings')).toBe(
      'serviceAccount:my-proj.svc.id.goog[bookinfo/bookinfo-ratings]',
    );
  });

  it('annotates the Kubernetes ServiceAccount of a service with gcp.roles, and only that one', () => {
    const catalogue = defineCatalogue('shop', [
      {
        spec: {
          name: 'uploader',
          description: 'x',
          owner: 'team-a',
          port: 8080,
          versions: [{ name: 'v1' }],
          gcp: { roles: ['roles/storage.objectCreator'] },
        },
      },
      { spec: { name: 'web', description: 'x', owner: 'team-a', port: 8080, versions: [{ name: 'v1' }] } },
    ]);
    const pins = { uploader: { v1: 'example.com/u:1' }, web: { v1: 'example.com/w:1' } };
    const s = synthesize(environment('dev', { gcpProject: 'my-proj' }), catalogue, pins);
    const accounts = s.files.flatMap((f) => f.objects).filter((o) => o.kind === 'ServiceAccount');
    expect(accounts.map((a) => [a.metadata.name, a.metadata.annotations])).toEqual([
      ['uploader', { 'iam.gke.io/gcp-service-account': 'uploader-dev@my-proj.iam.gserviceaccount.com' }],
      ['web', undefined],
    ]);
  });
});
