import { defineService } from '../define';

export default defineService({
  name: 'ratings',
  description: 'BookInfo star ratings for a book',
  owner: 'team-reviews',
  port: 9080,
  serviceAccountName: 'bookinfo-ratings',
  versions: [{ name: 'v1' }],
  probes: { readiness: { http: '/health' } },
  traffic: { timeout: '2s' },
});
