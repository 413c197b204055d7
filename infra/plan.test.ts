import { keySettings } from './plan';
import type { RecordedResource } from './offline/engine';

const resource = (type: string, inputs: Record<string, unknown>): RecordedResource => ({
  type,
  name: 'r',
  urn: `urn:${type}::r`,
  dependencies: [],
  inputs,
  custom: true,
});

describe('keySettings', () => {
  it('prints the settings listed for a known type, never the private key of a certificate', () => {
    const cert = resource('tls:index/selfSignedCert:SelfSignedCert', {
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n',
      validityPeriodHours: 43800,
      earlyRenewalHours: 2160,
      allowedUses: ['server_auth'],
    });
    expect(keySettings(cert)).toBe('validityPeriodHours=43800  earlyRenewalHours=2160  allowedUses=[server_auth]');
  });

  it('falls back to the first scalar inputs of an unknown type, skipping names and anything that looks like a credential', () => {
    const unknown = resource('acme:index/thing:Thing', {
      name: 'n',
      project: 'p',
      apiKey: 'k',
      clientSecret: 's',
      password: 'x',
      size: 3,
      zone: 'europe-west1-b',
      tier: 'gold',
      extra: 'e',
    });
    expect(keySettings(unknown)).toBe('size=3  zone=europe-west1-b  tier=gold');
  });
});
