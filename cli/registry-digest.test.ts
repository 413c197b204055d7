import { createHash } from 'node:crypto';
import {
  isGoogleRegistry,
  manifestLocation,
  MANIFEST_MEDIA_TYPES,
  parseBearerChallenge,
  RegistryError,
  registryDigestResolver,
  type Fetch,
  type ManifestLocation,
} from './registry-digest';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3';
const MANIFEST_URL = 'https://registry-1.docker.io/v2/istio/examples-bookinfo-reviews-v2/manifests/1.20.3';
const HUB_CHALLENGE =
  'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:istio/examples-bookinfo-reviews-v2:pull"';

interface Call {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
}

/** A fetch that answers from a script, in order, and records what it was asked. */
function fakeFetch(...responses: Array<() => Response>): { fetch: Fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: Fetch = async (url, init) => {
    calls.push({ url, method: init.method, headers: { ...init.headers } });
    const next = responses.shift();
    if (next === undefined) throw new Error(`unexpected request ${init.method} ${url}`);
    return next();
  };
  return { fetch, calls };
}

const status =
  (code: number, headers: Record<string, string> = {}) =>
  (): Response =>
    new Response(null, { status: code, headers });
const json = (body: unknown) => (): Response =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** The RegistryError a resolution rejects with, or a failed test. */
async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected a RegistryError, but the digest resolved');
}

describe('manifestLocation', () => {
  const cases: Array<[string, Omit<ManifestLocation, 'url'>, string]> = [
    [
      'nginx:1.25',
      { registry: 'registry-1.docker.io', repository: 'library/nginx', tag: '1.25' },
      'https://registry-1.docker.io/v2/library/nginx/manifests/1.25',
    ],
    [
      'docker.io/nginx:1.25',
      { registry: 'registry-1.docker.io', repository: 'library/nginx', tag: '1.25' },
      'https://registry-1.docker.io/v2/library/nginx/manifests/1.25',
    ],
    [IMAGE, { registry: 'registry-1.docker.io', repository: 'istio/examples-bookinfo-reviews-v2', tag: '1.20.3' }, MANIFEST_URL],
    [
      'istio/proxyv2:1.30.3',
      { registry: 'registry-1.docker.io', repository: 'istio/proxyv2', tag: '1.30.3' },
      'https://registry-1.docker.io/v2/istio/proxyv2/manifests/1.30.3',
    ],
    [
      'europe-west1-docker.pkg.dev/my-proj/apps/reviews:2.1.0',
      { registry: 'europe-west1-docker.pkg.dev', repository: 'my-proj/apps/reviews', tag: '2.1.0' },
      'https://europe-west1-docker.pkg.dev/v2/my-proj/apps/reviews/manifests/2.1.0',
    ],
    ['gcr.io/proj/app:1', { registry: 'gcr.io', repository: 'proj/app', tag: '1' }, 'https://gcr.io/v2/proj/app/manifests/1'],
    [
      'registry.example.com:5000/app:dev',
      { registry: 'registry.example.com:5000', repository: 'app', tag: 'dev' },
      'https://registry.example.com:5000/v2/app/manifests/dev',
    ],
  ];

  it.each(cases)('%s', (image, expected, url) => {
    expect(manifestLocation(image)).toEqual({ ...expected, url });
  });

  it('rejects a reference without a tag, naming the image', () => {
    expect(() => manifestLocation('docker.io/istio/reviews')).toThrow(
      new RegistryError('docker.io/istio/reviews', 'has no tag to resolve'),
    );
  });

  it('rejects a malformed reference, naming the image', () => {
    expect(() => manifestLocation('Docker.io/Reviews:1')).toThrow(
      'Docker.io/Reviews:1: is not an image reference (registry/repository:tag)',
    );
  });
});

describe('parseBearerChallenge', () => {
  it('reads realm, service and scope', () => {
    expect(parseBearerChallenge(HUB_CHALLENGE)).toStrictEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:istio/examples-bookinfo-reviews-v2:pull',
    });
  });

  it('keeps commas inside quoted values and takes unquoted ones', () => {
    expect(parseBearerChallenge('bearer realm=https://r.example/token, scope="repository:a:pull,push"')).toStrictEqual({
      realm: 'https://r.example/token',
      scope: 'repository:a:pull,push',
    });
  });

  it.each([
    ['a Basic challenge', 'Basic realm="https://r.example"'],
    ['a Bearer challenge without a realm', 'Bearer service="registry.docker.io"'],
    ['an empty header', ''],
  ])('ignores %s', (_title, header) => {
    expect(parseBearerChallenge(header)).toBeUndefined();
  });
});

describe('isGoogleRegistry', () => {
  it.each([
    ['europe-west1-docker.pkg.dev', true],
    ['us-docker.pkg.dev', true],
    ['gcr.io', true],
    ['eu.gcr.io', true],
    ['registry-1.docker.io', false],
    ['ghcr.io', false],
    ['docker.pkg.dev.example.com', false],
  ])('%s -> %s', (registry, expected) => {
    expect(isGoogleRegistry(registry)).toBe(expected);
  });
});

describe('registryDigestResolver', () => {
  it('reads Docker-Content-Digest from a HEAD of the manifest, accepting indexes and manifests', async () => {
    const { fetch, calls } = fakeFetch(status(200, { 'Docker-Content-Digest': DIGEST }));
    await expect(registryDigestResolver({ fetch })(IMAGE)).resolves.toBe(DIGEST);
    expect(calls).toEqual([{ url: MANIFEST_URL, method: 'HEAD', headers: { Accept: MANIFEST_MEDIA_TYPES.join(', ') } }]);
    expect(MANIFEST_MEDIA_TYPES).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]);
  });

  it('follows a 401 Bearer challenge: anonymous token from the realm, then the HEAD again with it', async () => {
    const { fetch, calls } = fakeFetch(
      status(401, { 'WWW-Authenticate': HUB_CHALLENGE }),
      json({ token: 'hub-token' }),
      status(200, { 'Docker-Content-Digest': DIGEST }),
    );
    await expect(registryDigestResolver({ fetch })(IMAGE)).resolves.toBe(DIGEST);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `HEAD ${MANIFEST_URL}`,
      'GET https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Aistio%2Fexamples-bookinfo-reviews-v2%3Apull',
      `HEAD ${MANIFEST_URL}`,
    ]);
    expect(calls[1].headers).toEqual({});
    expect(calls[2].headers.Authorization).toBe('Bearer hub-token');
  });

  it('asks for pull scope on the repository when the challenge names none, and takes access_token', async () => {
    const { fetch, calls } = fakeFetch(
      status(401, { 'WWW-Authenticate': 'Bearer realm="https://auth.example/token"' }),
      json({ access_token: 'tok' }),
      status(200, { 'Docker-Content-Digest': DIGEST }),
    );
    await expect(registryDigestResolver({ fetch })('registry.example.com/team/app:1')).resolves.toBe(DIGEST);
    expect(calls[1].url).toBe('https://auth.example/token?scope=repository%3Ateam%2Fapp%3Apull');
    expect(calls[2].headers.Authorization).toBe('Bearer tok');
  });

  it('sends GOOGLE_OAUTH_ACCESS_TOKEN as Basic oauth2accesstoken to an Artifact Registry realm', async () => {
    const challenge =
      'Bearer realm="https://europe-west1-docker.pkg.dev/v2/token",service="europe-west1-docker.pkg.dev",scope="repository:my-proj/apps/reviews:pull"';
    const { fetch, calls } = fakeFetch(
      status(401, { 'WWW-Authenticate': challenge }),
      json({ token: 'ar-token' }),
      status(200, { 'Docker-Content-Digest': DIGEST }),
    );
    await expect(
      registryDigestResolver({ fetch, googleAccessToken: 'ya29.secret' })('europe-west1-docker.pkg.dev/my-proj/apps/reviews:2.1.0'),
    ).resolves.toBe(DIGEST);
    expect(calls[1].headers.Authorization).toBe(`Basic ${Buffer.from('oauth2accesstoken:ya29.secret').toString('base64')}`);
    expect(calls[2].headers.Authorization).toBe('Bearer ar-token');
  });

  it('never sends the Google token to another registry', async () => {
    const { fetch, calls } = fakeFetch(
      status(401, { 'WWW-Authenticate': HUB_CHALLENGE }),
      json({ token: 'hub-token' }),
      status(200, { 'Docker-Content-Digest': DIGEST }),
    );
    await registryDigestResolver({ fetch, googleAccessToken: 'ya29.secret' })(IMAGE);
    expect(calls[1].headers).toEqual({});
  });

  it('returns the digest of a pinned reference without asking the registry', async () => {
    const { fetch, calls } = fakeFetch();
    await expect(registryDigestResolver({ fetch })(`${IMAGE}@${DIGEST}`)).resolves.toBe(DIGEST);
    expect(calls).toEqual([]);
  });

  it('hashes the manifest from a GET when the HEAD carries no digest header', async () => {
    const manifest = '{"schemaVersion":2}';
    const { fetch, calls } = fakeFetch(status(200), () => new Response(manifest, { status: 200 }));
    await expect(registryDigestResolver({ fetch })(IMAGE)).resolves.toBe(`sha256:${createHash('sha256').update(manifest).digest('hex')}`);
    expect(calls.map((c) => c.method)).toEqual(['HEAD', 'GET']);
  });

  it('reports a missing manifest with the image and HTTP 404', async () => {
    const { fetch } = fakeFetch(status(404));
    const error = await rejection(registryDigestResolver({ fetch })(IMAGE));
    expect(error.message).toBe(`${IMAGE}: manifest not found: check the repository and tag exist (HTTP 404 from ${MANIFEST_URL})`);
    expect(error.status).toBe(404);
  });

  it('reports a refused token as access denied with the status', async () => {
    const { fetch } = fakeFetch(
      status(401, { 'WWW-Authenticate': HUB_CHALLENGE }),
      json({ token: 'hub-token' }),
      status(401, { 'WWW-Authenticate': HUB_CHALLENGE }),
    );
    const error = await rejection(registryDigestResolver({ fetch })(IMAGE));
    expect(error.message).toBe(
      `${IMAGE}: access denied: the repository is private or the credentials lack read access (HTTP 401 from ${MANIFEST_URL})`,
    );
    expect(error.status).toBe(401);
  });

  it('reports a failed token request with the realm and status', async () => {
    const { fetch } = fakeFetch(status(401, { 'WWW-Authenticate': HUB_CHALLENGE }), status(403));
    const error = await rejection(registryDigestResolver({ fetch })(IMAGE));
    expect(error.message).toBe(`${IMAGE}: token request to https://auth.docker.io/token failed: HTTP 403`);
    expect(error.status).toBe(403);
  });

  it('reports a 401 without a Bearer challenge', async () => {
    const { fetch } = fakeFetch(status(401, { 'WWW-Authenticate': 'Basic realm="registry"' }));
    const error = await rejection(registryDigestResolver({ fetch })(IMAGE));
    expect(error.message).toBe(
      `${IMAGE}: HTTP 401 from ${MANIFEST_URL} without a Bearer challenge (WWW-Authenticate: Basic realm="registry")`,
    );
  });

  it('reports an unreachable registry with the cause', async () => {
    const fetch: Fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND registry-1.docker.io') });
    };
    const error = await rejection(registryDigestResolver({ fetch })(IMAGE));
    expect(error.message).toBe(`${IMAGE}: could not reach registry-1.docker.io (fetch failed: getaddrinfo ENOTFOUND registry-1.docker.io)`);
    expect(error.status).toBeUndefined();
  });

  it('rejects a digest header that is not sha256', async () => {
    const { fetch } = fakeFetch(status(200, { 'Docker-Content-Digest': 'sha512:abc' }));
    const error = await rejection(registryDigestResolver({ fetch })(IMAGE));
    expect(error.message).toBe(`${IMAGE}: the registry answered with digest "sha512:abc", not sha256:<64 hex>`);
  });
});
