import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { appBundle } from '../charts/bundle';
import { pushBundle, pushTarget, PushError } from './oci-push';

const BUNDLE = appBundle('shop', [{ name: 'svc.yaml', text: 'kind: Service\n' }]);

/** An in-process registry speaking the distribution-spec push endpoints: blobs by POST then PUT, manifests by PUT. */
function fakeRegistry(options: { existing?: string[]; relativeLocation?: boolean } = {}) {
  const requests: string[] = [];
  const blobs = new Map<string, Buffer>((options.existing ?? []).map((d) => [d, Buffer.alloc(0)]));
  const manifests = new Map<string, { type: string; body: Buffer }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://registry');
      requests.push(`${req.method} ${url.pathname}${url.search} ${req.headers.authorization ?? '-'} ${req.headers['content-type'] ?? '-'}`);
      let m: RegExpExecArray | null;
      if (req.method === 'HEAD' && (m = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname))) {
        res.writeHead(blobs.has(m[2]) ? 200 : 404).end();
        return;
      }
      if (req.method === 'POST' && /^\/v2\/.+\/blobs\/uploads\/$/.test(url.pathname)) {
        const location = `/v2/upload/session-1?state=abc`;
        {
          res.writeHead(202, { Location: options.relativeLocation === false ? `http://${req.headers.host}${location}` : location }).end();
          return;
        }
      }
      if (req.method === 'PUT' && url.pathname === '/v2/upload/session-1') {
        const digest = url.searchParams.get('digest') ?? '';
        const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`;
        if (digest !== actual || url.searchParams.get('state') !== 'abc') {
          res.writeHead(400).end('DIGEST_INVALID');
          return;
        }
        blobs.set(digest, body);
        {
          res.writeHead(201, { Location: `/v2/x/blobs/${digest}` }).end();
          return;
        }
      }
      if (req.method === 'PUT' && (m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname))) {
        manifests.set(`${m[1]}:${m[2]}`, { type: String(req.headers['content-type']), body });
        {
          res.writeHead(201, { 'Docker-Content-Digest': `sha256:${createHash('sha256').update(body).digest('hex')}` }).end();
          return;
        }
      }
      res.writeHead(404).end();
    });
  });
  return { server, requests, blobs, manifests };
}

async function withRegistry<T>(
  options: Parameters<typeof fakeRegistry>[0],
  use: (r: ReturnType<typeof fakeRegistry>, base: string) => Promise<T>,
) {
  const registry = fakeRegistry(options);
  await new Promise<void>((resolve) => registry.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(registry.server.address() as AddressInfo).port}`;
  try {
    return await use(registry, base);
  } finally {
    await new Promise((resolve) => registry.server.close(resolve));
  }
}

describe('pushing a bundle over the OCI distribution API', () => {
  it('uploads each blob by POST then PUT ?digest=, then PUTs the manifest with its media type, as oauth2accesstoken', async () => {
    await withRegistry({}, async (registry, base) => {
      const digest = await pushBundle(
        BUNDLE,
        { baseUrl: base, name: 'p/images/apps/shop', tag: 'abc123', googleAccessToken: 'tok' },
        globalThis.fetch,
      );
      expect(digest).toBe(BUNDLE.manifest.digest);
      const basic = `Basic ${Buffer.from('oauth2accesstoken:tok').toString('base64')}`;
      expect(registry.requests).toEqual([
        `HEAD /v2/p/images/apps/shop/blobs/${BUNDLE.layer.digest} ${basic} -`,
        `POST /v2/p/images/apps/shop/blobs/uploads/ ${basic} -`,
        `PUT /v2/upload/session-1?state=abc&digest=${encodeURIComponent(BUNDLE.layer.digest)} ${basic} application/octet-stream`,
        `HEAD /v2/p/images/apps/shop/blobs/${BUNDLE.config.digest} ${basic} -`,
        `POST /v2/p/images/apps/shop/blobs/uploads/ ${basic} -`,
        `PUT /v2/upload/session-1?state=abc&digest=${encodeURIComponent(BUNDLE.config.digest)} ${basic} application/octet-stream`,
        `PUT /v2/p/images/apps/shop/manifests/abc123 ${basic} application/vnd.oci.image.manifest.v1+json`,
      ]);
      expect(registry.blobs.get(BUNDLE.layer.digest)?.equals(BUNDLE.layer.bytes)).toBe(true);
      expect(registry.manifests.get('p/images/apps/shop:abc123')?.body.equals(BUNDLE.manifest.bytes)).toBe(true);
    });
  });

  it('skips the blobs the registry has, and follows an absolute upload Location', async () => {
    await withRegistry({ existing: [BUNDLE.layer.digest], relativeLocation: false }, async (registry, base) => {
      await pushBundle(BUNDLE, { baseUrl: base, name: 'apps/shop', tag: 't' }, globalThis.fetch);
      expect(registry.requests.filter((r) => r.includes(BUNDLE.layer.digest))).toEqual([
        `HEAD /v2/apps/shop/blobs/${BUNDLE.layer.digest} - -`,
      ]);
      expect(registry.blobs.has(BUNDLE.config.digest)).toBe(true);
    });
  });

  it('fails naming the step, URL and status when the registry refuses', async () => {
    const refusing = (async () => new Response('denied', { status: 403 })) as typeof globalThis.fetch;
    await expect(pushBundle(BUNDLE, { baseUrl: 'https://r.example', name: 'a/b', tag: 't' }, refusing)).rejects.toEqual(
      new PushError('POST layer upload https://r.example/v2/a/b/blobs/uploads/: HTTP 403 denied'),
    );
  });

  it('sends an Artifact Registry repository to its host', () => {
    expect(pushTarget('europe-west1-docker.pkg.dev/p/images/apps/shop', 'c1', 'tok')).toEqual({
      baseUrl: 'https://europe-west1-docker.pkg.dev',
      name: 'p/images/apps/shop',
      tag: 'c1',
      googleAccessToken: 'tok',
    });
  });
});
