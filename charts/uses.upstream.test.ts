/**
 * charts/uses.ts against the facts extracted from upstream (scripts/extract-uses-facts.js):
 * the Cloud SQL Auth Proxy at the pinned tag (vendor/cloud-sql-proxy/<tag>.json) and the
 * SecretProviderClass CRD of the Secrets Store CSI driver (vendor/secrets-store-csi-driver).
 */
import proxyFacts from '../vendor/cloud-sql-proxy/v2.25.3.json';
import spcFacts from '../vendor/secrets-store-csi-driver/v1.6.0/secretproviderclass.json';
import { POSTGRES_PROXY_PORT } from '../services/uses';
import { SECRET_PROVIDER_CLASS_CRD_SOURCE } from './apiserver/crd-files';
import { apiServerValidation } from './apiserver';
import { validateObject, type ManifestObject } from './schema';
import {
  CLOUD_SQL_PROXY_HEALTH_PORT,
  CLOUD_SQL_PROXY_IMAGE,
  CLOUD_SQL_PROXY_USER,
  CLOUD_SQL_PROXY_VERSION,
  POSTGRES_IAM_USER_MAX_LENGTH,
  SECRET_PROVIDER_CLASS_API_VERSION,
  cloudSqlProxyArgs,
  cloudSqlProxyContainer,
  postgresIamUser,
} from './uses';

describe('the Cloud SQL Auth Proxy sidecar against upstream facts', () => {
  const args = cloudSqlProxyArgs('p:r:i');

  it('pins the image of the extracted release', () => {
    expect(`v${CLOUD_SQL_PROXY_VERSION}`).toBe(proxyFacts.tag);
    expect(CLOUD_SQL_PROXY_VERSION).toBe(proxyFacts.version);
    expect(CLOUD_SQL_PROXY_IMAGE.split('@')[0]).toBe(`${proxyFacts.image}:${proxyFacts.version}`);
    expect(proxyFacts.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('passes only flags the release defines', () => {
    const flags = args.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]);
    expect(flags.length).toBeGreaterThan(0);
    for (const flag of flags) expect(Object.keys(proxyFacts.flagDefaults)).toContain(flag);
  });

  it('overrides the defaults that would not work in a pod, and keeps the listener on loopback', () => {
    // Defaults: no port (5432 chosen by engine), health server on localhost (kubelet cannot probe it).
    expect(proxyFacts.flagDefaults['http-address']).toBe('localhost');
    expect(args).toContain('--http-address=0.0.0.0');
    expect(args).toContain(`--http-port=${CLOUD_SQL_PROXY_HEALTH_PORT}`);
    expect(args).toContain(`--port=${POSTGRES_PROXY_PORT}`);
    // PGHOST=127.0.0.1 relies on the default --address.
    expect(proxyFacts.flagDefaults.address).toBe('127.0.0.1');
    expect(args.some((a) => a.startsWith('--address'))).toBe(false);
    for (const off of ['private-ip', 'auto-iam-authn', 'health-check', 'structured-logs', 'exit-zero-on-sigterm']) {
      expect(proxyFacts.flagDefaults[off as keyof typeof proxyFacts.flagDefaults]).toBe('false');
      expect(args).toContain(`--${off}`);
    }
  });

  it('probes endpoints the health server serves, as the image user', () => {
    const c = cloudSqlProxyContainer('p:r:i') as {
      startupProbe: { httpGet: { path: string } };
      livenessProbe: { httpGet: { path: string } };
    };
    expect(proxyFacts.healthEndpoints).toContain(c.startupProbe.httpGet.path);
    expect(proxyFacts.healthEndpoints).toContain(c.livenessProbe.httpGet.path);
    expect(CLOUD_SQL_PROXY_USER).toBe(proxyFacts.imageUser);
  });

  it('names the IAM database user as upstream documents for PostgreSQL', () => {
    expect(proxyFacts.postgresIamUserSuffixDropped).toBe('.gserviceaccount.com');
    expect(postgresIamUser(`sa@p.iam${proxyFacts.postgresIamUserSuffixDropped}`)).toBe('sa@p.iam');
    expect(POSTGRES_IAM_USER_MAX_LENGTH).toBe(proxyFacts.postgresIamUserMaxLength);
    // A 30-character account id in a 30-character project: 65 characters, cut as Cloud SQL does.
    const long = postgresIamUser(`${'a'.repeat(30)}@${'p'.repeat(30)}.iam.gserviceaccount.com`);
    expect(long).toHaveLength(proxyFacts.postgresIamUserMaxLength);
    expect(long).toBe(`${'a'.repeat(30)}@${'p'.repeat(30)}.i`);
  });
});

describe('the SecretProviderClass CRD', () => {
  const spc = (spec: Record<string, unknown>, name = 'orders-secrets'): ManifestObject => ({
    apiVersion: SECRET_PROVIDER_CLASS_API_VERSION,
    kind: 'SecretProviderClass',
    metadata: { name, namespace: 'shop' },
    spec,
  });

  it('is the extracted one, with its commit', () => {
    expect(SECRET_PROVIDER_CLASS_CRD_SOURCE).toEqual({
      repository: spcFacts.repository,
      tag: spcFacts.tag,
      commit: spcFacts.commit,
      path: spcFacts.path,
    });
    expect(SECRET_PROVIDER_CLASS_API_VERSION).toBe(`${spcFacts.crd.spec.group}/${spcFacts.crd.spec.versions[0].name}`);
  });

  it('accepts what synthesis emits', () => {
    expect(validateObject(spc({ provider: 'gke', parameters: { secrets: '- resourceName: "x"\n  path: "y"\n' } }), 'f.yaml')).toEqual([]);
  });

  it('refuses a field the CRD does not declare, and a parameter that is not a string', () => {
    const problems = validateObject(spc({ provider: 'gke', parameter: {} }), 'f.yaml').map((p) => p.field + ' ' + p.problem);
    expect(problems).toEqual([expect.stringContaining('"parameter": the API server would drop it')]);
    expect(validateObject(spc({ provider: 'gke', parameters: { secrets: 1 } }), 'f.yaml').map((p) => p.field)).toEqual([
      'SecretProviderClass/orders-secrets /spec/parameters/secrets',
    ]);
  });

  it('is validated by the API-server check like other custom resources', () => {
    const ok = apiServerValidation(spc({ provider: 'gke' }));
    expect(ok.covered).toBe(true);
    expect(ok.fieldErrors).toEqual([]);
    const bad = apiServerValidation(spc({ provider: 'gke' }, 'Orders_Secrets'));
    expect(bad.fieldErrors.map((e) => e.field)).toEqual(['metadata.name']);
  });
});
