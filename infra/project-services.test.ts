import { loadEnvironment } from '../core/config';
import { REQUIRED_SERVICES, serviceSlug } from './project-services';

describe('the Google APIs the bootstrap stack enables', () => {
  const apis = Object.keys(REQUIRED_SERVICES);

  it('are sorted by name, each with the resource that needs it', () => {
    expect(apis).toEqual([...apis].sort());
    for (const api of apis) expect([api, REQUIRED_SERVICES[api].length > 0]).toEqual([api, true]);
  });

  it("include the fleet's and Config Sync's, for every environment, whatever its app delivery", () => {
    // The list does not depend on the environment: dev applies its apps with Pulumi, prod through
    // Config Sync, and both projects get the APIs (enabling one creates and grants nothing).
    expect([loadEnvironment('dev').appDelivery, loadEnvironment('prod').appDelivery]).toEqual(['pulumi', 'configsync']);
    expect(REQUIRED_SERVICES['gkehub.googleapis.com']).toContain('infra/config-sync.ts');
    expect(REQUIRED_SERVICES['anthosconfigmanagement.googleapis.com']).toContain('infra/config-sync.ts');
    // Not the GKE Enterprise API: GKE users need not enable it for Config Sync.
    expect(apis).not.toContain('anthos.googleapis.com');
  });

  it('name their resources after the API', () => {
    expect(serviceSlug('gkehub.googleapis.com')).toBe('gkehub');
    expect(serviceSlug('anthosconfigmanagement.googleapis.com')).toBe('anthosconfigmanagement');
  });
});
