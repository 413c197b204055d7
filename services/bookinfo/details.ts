import { defineService } from '../define';

export default defineService({
  name: 'details',
  description: 'BookInfo book details (ISBN, pages, publisher)',
  owner: 'team-catalog',
  port: 9080,
  serviceAccountName: 'bookinfo-details',
  versions: [{ name: 'v1' }],
  probes: { readiness: { http: '/health' } },
  traffic: { timeout: '2s' },
});
