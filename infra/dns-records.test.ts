import { dnsRecords, fullyQualified } from './dns-records';

const AUTH = (domain: string, target: string) => ({
  name: `_acme-challenge.${domain}.`,
  type: 'CNAME',
  data: `${target}.authorize.certificatemanager.goog.`,
});

describe('dnsRecords', () => {
  it.each([
    [
      'one domain: its CNAME, then A records for the domain and its wildcard',
      ['dev.example.com'],
      [AUTH('dev.example.com', 'a1')],
      [
        {
          name: '_acme-challenge.dev.example.com.',
          type: 'CNAME',
          data: 'a1.authorize.certificatemanager.goog.',
          purpose: 'certificate-authorization',
        },
        { name: 'dev.example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
        { name: '*.dev.example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
      ],
    ],
    [
      'two domains: every CNAME first, then each domain and its wildcard, in order',
      ['example.com', 'www.example.com'],
      [AUTH('example.com', 'a1'), AUTH('www.example.com', 'a2')],
      [
        {
          name: '_acme-challenge.example.com.',
          type: 'CNAME',
          data: 'a1.authorize.certificatemanager.goog.',
          purpose: 'certificate-authorization',
        },
        {
          name: '_acme-challenge.www.example.com.',
          type: 'CNAME',
          data: 'a2.authorize.certificatemanager.goog.',
          purpose: 'certificate-authorization',
        },
        { name: 'example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
        { name: '*.example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
        { name: 'www.example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
        { name: '*.www.example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
      ],
    ],
    [
      'authorization records without the trailing dot are qualified, name and CNAME target',
      ['example.com'],
      [{ name: '_acme-challenge.example.com', type: 'CNAME', data: 'a1.authorize.certificatemanager.goog' }],
      [
        {
          name: '_acme-challenge.example.com.',
          type: 'CNAME',
          data: 'a1.authorize.certificatemanager.goog.',
          purpose: 'certificate-authorization',
        },
        { name: 'example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
        { name: '*.example.com.', type: 'A', data: '198.51.100.7', purpose: 'load-balancer' },
      ],
    ],
  ])('%s', (_case, domains, authorizations, expected) => {
    expect(dnsRecords(domains, '198.51.100.7', authorizations)).toEqual(expected);
  });

  it('keeps the data of a record type other than CNAME as given', () => {
    expect(dnsRecords([], '198.51.100.7', [{ name: 'x.example.com.', type: 'TXT', data: 'token' }])).toEqual([
      { name: 'x.example.com.', type: 'TXT', data: 'token', purpose: 'certificate-authorization' },
    ]);
  });
});

describe('fullyQualified', () => {
  it.each([
    ['example.com', 'example.com.'],
    ['example.com.', 'example.com.'],
    ['*.example.com', '*.example.com.'],
  ])('%s -> %s', (name, expected) => {
    expect(fullyQualified(name)).toBe(expected);
  });
});
