/**
 * Resolves an image tag to the digest the registry serves for it, over the Docker Registry
 * HTTP API v2 (the OCI distribution spec): `HEAD /v2/<repository>/manifests/<tag>`, read
 * `Docker-Content-Digest`. Promotion pins what was tested, not what the tag points at later.
 *
 * @see https://distribution.github.io/distribution/spec/api/
 * @see https://distribution.github.io/distribution/spec/auth/token/
 */
import { createHash } from 'node:crypto';
import { parseImageReference } from '../services/releases';

/** `repo:tag` -> `sha256:<64 hex>`, the digest of the manifest (or index) the tag names. */
export type DigestResolver = (ref: string) => Promise<string>;

/** The part of `fetch` the resolver uses, so tests can pass a fake. */
export type Fetch = (url: string, init: { method: 'GET' | 'HEAD'; headers: Record<string, string> }) => Promise<Response>;

export interface RegistryResolverOptions {
  /** @default globalThis.fetch */
  readonly fetch?: Fetch;
  /**
   * OAuth access token for Artifact Registry (`*-docker.pkg.dev`) and Container Registry
   * (`gcr.io`), e.g. `gcloud auth print-access-token` or the `google-github-actions/auth` output.
   * @default - anonymous, which only works for public repositories
   */
  readonly googleAccessToken?: string;
}

/**
 * Multi-architecture images are indexes; asking for them first makes the digest the one
 * `docker pull <tag>` records, not one platform's manifest.
 */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A registry refused or failed to answer; names the image and, when there was one, the HTTP status. */
export class RegistryError extends Error {
  constructor(
    readonly image: string,
    /** What went wrong, without the image. */
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`${image}: ${reason}`);
    this.name = 'RegistryError';
  }
}

export interface ManifestLocation {
  /** Host (and port) the API is served on, e.g. `registry-1.docker.io`. */
  readonly registry: string;
  /** Repository path on that registry, e.g. `library/nginx`. */
  readonly repository: string;
  /** The tag asked for. */
  readonly tag: string;
  readonly url: string;
}

/** Docker Hub's names: no registry or `docker.io` is `registry-1.docker.io`, and single names live under `library/`. */
export function manifestLocation(image: string): ManifestLocation {
  const ref = parseImageReference(image);
  if (ref === undefined) throw new RegistryError(image, 'is not an image reference (registry/repository:tag)');
  if (ref.tag === undefined) throw new RegistryError(image, 'has no tag to resolve');
  const dockerHub = ref.registry === undefined || ref.registry === 'docker.io' || ref.registry === 'index.docker.io';
  const registry = dockerHub ? 'registry-1.docker.io' : ref.registry;
  const repository = dockerHub && !ref.repository.includes('/') ? `library/${ref.repository}` : ref.repository;
  return { registry, repository, tag: ref.tag, url: `https://${registry}/v2/${repository}/manifests/${ref.tag}` };
}

export interface BearerChallenge {
  readonly realm: string;
  readonly service?: string;
  readonly scope?: string;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`. */
export function parseBearerChallenge(header: string): BearerChallenge | undefined {
  const match = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (match === null) return undefined;
  const params = new Map<string, string>();
  for (const [, key, quoted, bare] of match[1].matchAll(/([A-Za-z]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params.set(key.toLowerCase(), quoted ?? bare);
  }
  const realm = params.get('realm');
  if (realm === undefined || realm === '') return undefined;
  const service = params.get('service');
  const scope = params.get('scope');
  return { realm, ...(service !== undefined && { service }), ...(scope !== undefined && { scope }) };
}

/** Registries that take a Google OAuth access token as the password of `oauth2accesstoken`. */
export function isGoogleRegistry(registry: string): boolean {
  return /-docker\.pkg\.dev$/.test(registry) || registry === 'gcr.io' || registry.endsWith('.gcr.io');
}

export function registryDigestResolver(options: RegistryResolverOptions = {}): DigestResolver {
  const fetcher: Fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));

  const send = async (image: string, url: string, method: 'GET' | 'HEAD', headers: Record<string, string>): Promise<Response> => {
    try {
      return await fetcher(url, { method, headers });
    } catch (error) {
      // undici says "fetch failed"; the cause says why (ENOTFOUND, ECONNREFUSED, a TLS error).
      const cause = (error as { cause?: unknown }).cause;
      const why = cause instanceof Error ? `${(error as Error).message}: ${cause.message}` : (error as Error).message;
      throw new RegistryError(image, `could not reach ${new URL(url).host} (${why})`);
    }
  };

  const token = async (image: string, location: ManifestLocation, header: string | null): Promise<string> => {
    const challenge = header === null ? undefined : parseBearerChallenge(header);
    if (challenge === undefined) {
      throw new RegistryError(
        image,
        `HTTP 401 from ${location.url} without a Bearer challenge (WWW-Authenticate: ${header ?? 'absent'})`,
        401,
      );
    }
    const url = new URL(challenge.realm);
    if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
    url.searchParams.set('scope', challenge.scope ?? `repository:${location.repository}:pull`);
    const headers: Record<string, string> = {};
    if (isGoogleRegistry(location.registry) && options.googleAccessToken !== undefined && options.googleAccessToken !== '') {
      headers.Authorization = `Basic ${Buffer.from(`oauth2accesstoken:${options.googleAccessToken}`).toString('base64')}`;
    }
    const response = await send(image, url.toString(), 'GET', headers);
    if (!response.ok)
      throw new RegistryError(image, `token request to ${challenge.realm} failed: HTTP ${response.status}`, response.status);
    const body: unknown = await response.json().catch(() => undefined);
    const value =
      typeof body === 'object' && body !== null
        ? ((body as { token?: unknown }).token ?? (body as { access_token?: unknown }).access_token)
        : undefined;
    if (typeof value !== 'string' || value === '')
      throw new RegistryError(image, `token response from ${challenge.realm} has no token`, response.status);
    return value;
  };

  return async (image) => {
    const pinned = parseImageReference(image)?.digest;
    if (pinned !== undefined) return pinned;
    const location = manifestLocation(image);
    const headers: Record<string, string> = { Accept: MANIFEST_MEDIA_TYPES.join(', ') };
    let response = await send(image, location.url, 'HEAD', headers);
    if (response.status === 401) {
      headers.Authorization = `Bearer ${await token(image, location, response.headers.get('www-authenticate'))}`;
      response = await send(image, location.url, 'HEAD', headers);
    }
    if (!response.ok)
      throw new RegistryError(image, `${describeStatus(response.status)} (HTTP ${response.status} from ${location.url})`, response.status);
    let digest = response.headers.get('docker-content-digest');
    if (digest === null) {
      // The header is optional in the spec; the digest of the manifest bytes is the same thing.
      const full = await send(image, location.url, 'GET', headers);
      if (!full.ok)
        throw new RegistryError(image, `${describeStatus(full.status)} (HTTP ${full.status} from ${location.url})`, full.status);
      digest =
        full.headers.get('docker-content-digest') ??
        `sha256:${createHash('sha256')
          .update(Buffer.from(await full.arrayBuffer()))
          .digest('hex')}`;
    }
    if (!DIGEST.test(digest))
      throw new RegistryError(image, `the registry answered with digest "${digest}", not sha256:<64 hex>`, response.status);
    return digest;
  };
}

function describeStatus(status: number): string {
  if (status === 404) return 'manifest not found: check the repository and tag exist';
  if (status === 401 || status === 403) return 'access denied: the repository is private or the credentials lack read access';
  if (status === 429) return 'rate limited by the registry: retry later or authenticate';
  return 'the registry refused the manifest request';
}
