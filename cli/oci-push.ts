/**
 * Pushes an app bundle (charts/bundle.ts) to a registry over the OCI distribution API
 * (distribution-spec v1.1.1 spec.md, "Pushing blobs" and "Pushing Manifests"): each blob the
 * registry lacks (`HEAD /v2/<name>/blobs/<digest>` 404) by POST then PUT
 * (`POST /v2/<name>/blobs/uploads/` -> 202 + Location, `PUT <location>?digest=<digest>` -> 201),
 * then the manifest (`PUT /v2/<name>/manifests/<tag>` with its media type -> 201, whose
 * Docker-Content-Digest must be the digest we computed).
 *
 * Artifact Registry takes a Google OAuth access token as the password of `oauth2accesstoken`
 * (as cli/registry-digest.ts pulls).
 */
import type { AppBundle, Blob } from '../charts/bundle';
import { OCI_MEDIA_TYPES } from '../charts/bundle';

/** The part of `fetch` the push uses, so tests can pass a fake or point it at a local server. */
export type PushFetch = (
  url: string,
  init: { method: 'HEAD' | 'POST' | 'PUT'; headers: Record<string, string>; body?: Uint8Array },
) => Promise<Response>;

export interface PushTarget {
  /** `http://127.0.0.1:5000` in tests, `https://<region>-docker.pkg.dev` for Artifact Registry. */
  readonly baseUrl: string;
  /** Repository name on the registry: `<project>/<repository>/apps/<app>`. */
  readonly name: string;
  /** The tag to push the manifest under (the commit); the digest is what deploys use. */
  readonly tag: string;
  /** Google OAuth access token (`gcloud auth print-access-token`). @default - anonymous */
  readonly googleAccessToken?: string;
}

/** A push that the registry refused: the step, the URL and the status. */
export class PushError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushError';
  }
}

/** `<region>-docker.pkg.dev/<project>/<repo>/apps/<app>` -> where to send it. */
export function pushTarget(repository: string, tag: string, googleAccessToken?: string): PushTarget {
  const slash = repository.indexOf('/');
  return {
    baseUrl: `https://${repository.slice(0, slash)}`,
    name: repository.slice(slash + 1),
    tag,
    ...(googleAccessToken !== undefined && { googleAccessToken }),
  };
}

/** What was sent, for the log: `<step> <status>`. */
export type PushLog = (line: string) => void;

export async function pushBundle(bundle: AppBundle, target: PushTarget, fetch: PushFetch, log: PushLog = () => {}): Promise<string> {
  const auth: Record<string, string> =
    target.googleAccessToken === undefined
      ? {}
      : { Authorization: `Basic ${Buffer.from(`oauth2accesstoken:${target.googleAccessToken}`).toString('base64')}` };
  const base = `${target.baseUrl}/v2/${target.name}`;
  const expect = async (what: string, url: string, response: Response, ok: readonly number[]) => {
    log(`${what} ${response.status}`);
    if (!ok.includes(response.status)) {
      const body = await response.text().catch(() => '');
      throw new PushError(`${what} ${url}: HTTP ${response.status}${body === '' ? '' : ` ${body.slice(0, 500)}`}`);
    }
  };
  const pushBlob = async (blob: Blob, kind: string) => {
    const head = `${base}/blobs/${blob.digest}`;
    const exists = await fetch(head, { method: 'HEAD', headers: auth });
    if (exists.status === 200) {
      log(`${kind} ${blob.digest} exists`);
      return;
    }
    const start = `${base}/blobs/uploads/`;
    const session = await fetch(start, { method: 'POST', headers: { ...auth, 'Content-Length': '0' } });
    await expect(`POST ${kind} upload`, start, session, [202]);
    const location = session.headers.get('location');
    if (location === null) throw new PushError(`POST ${start}: 202 without a Location header`);
    // The Location may be relative, and may carry query parameters of its own (spec: keep them).
    const url = new URL(location, target.baseUrl);
    url.searchParams.set('digest', blob.digest);
    const put = await fetch(url.toString(), {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) },
      body: blob.bytes,
    });
    await expect(`PUT ${kind} ${blob.digest}`, url.toString(), put, [201]);
  };
  await pushBlob(bundle.layer, 'layer');
  await pushBlob(bundle.config, 'config');
  const manifestUrl = `${base}/manifests/${target.tag}`;
  const put = await fetch(manifestUrl, {
    method: 'PUT',
    headers: { ...auth, 'Content-Type': OCI_MEDIA_TYPES.manifest, 'Content-Length': String(bundle.manifest.size) },
    body: bundle.manifest.bytes,
  });
  await expect(`PUT manifest ${target.tag}`, manifestUrl, put, [201]);
  const digest = put.headers.get('docker-content-digest');
  if (digest !== null && digest !== bundle.manifest.digest)
    throw new PushError(`PUT ${manifestUrl}: the registry stored digest ${digest}, not ${bundle.manifest.digest}`);
  return bundle.manifest.digest;
}
