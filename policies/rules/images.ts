/**
 * IM01, IM02: the image supply chain: pinned by tag or digest (by digest in staging and
 * prod), a pull policy that fits the pin, and only from the allowed registries.
 */
import { show, type ContainerLike } from '../objects';
import type { ManifestRule } from '../types';
import { ALL_CONTAINERS, manifestRule, perContainer, stagingOrProd } from './define';

interface ImageRef {
  /** Repository as written, without tag or digest. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at < 0 ? undefined : image.slice(at + 1);
  const rest = at < 0 ? image : image.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  return { repository: hasTag ? rest.slice(0, colon) : rest, tag: hasTag ? rest.slice(colon + 1) : undefined, digest };
}

/** The full reference the runtime pulls: `nginx` is `docker.io/library/nginx`, `istio/x` is `docker.io/istio/x`. */
function canonicalImage(image: string): string {
  const parts = image.split('/');
  const first = parts[0];
  if (parts.length === 1) return `docker.io/library/${image}`;
  const dockerHub = first === 'docker.io' || first === 'index.docker.io';
  if (dockerHub) return ['docker.io', ...(parts.length === 2 ? ['library'] : []), ...parts.slice(1)].join('/');
  return first.includes('.') || first.includes(':') || first === 'localhost' ? image : `docker.io/${image}`;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function imagesOf(c: ContainerLike): string[] {
  return typeof c.image === 'string' && c.image !== '' ? [c.image] : [];
}

const imageTag = manifestRule(
  {
    id: 'IM01-image-tag',
    description: 'Images name a tag other than latest, or a digest',
    why: 'latest (which a missing tag means) changes under the same name: two nodes run different code, a rollback pulls the new image again, and nothing records what ran',
    fix: 'pin the image to a release tag or a digest in services/releases/<env>.yaml',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['IM01'],
  },
  perContainer(ALL_CONTAINERS, (c) =>
    imagesOf(c).flatMap((image) => {
      const ref = parseImage(image);
      if (ref.digest !== undefined) return [];
      if (ref.tag === undefined) return [`image ${image} has no tag (pulls latest)`];
      return ref.tag === 'latest' ? [`image ${image} uses the latest tag`] : [];
    }),
  ),
);

const imageDigest = manifestRule(
  {
    id: 'IM01-image-digest',
    description: 'In staging and prod, images are pinned by sha256 digest',
    why: 'a tag can be moved to other content after review, by mistake or by an attacker with push access; a digest names exactly the bytes that were tested and approved',
    fix: 'pin the image as <repository>@sha256:<digest> (or <repository>:<tag>@sha256:<digest>) in services/releases/<env>.yaml',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['IM01'],
  },
  (ctx, index) =>
    stagingOrProd(ctx)
      ? perContainer(ALL_CONTAINERS, (c) =>
          imagesOf(c).flatMap((image) => {
            const digest = parseImage(image).digest;
            if (digest === undefined) return [`image ${image} is not pinned by digest`];
            return DIGEST.test(digest) ? [] : [`image ${image} has digest ${digest}, not sha256:<64 hex>`];
          }),
        )(ctx, index)
      : [],
);

const pullPolicy = manifestRule(
  {
    id: 'IM01-pull-policy',
    description: 'imagePullPolicy fits the pin: Always for a tag, IfNotPresent for a digest',
    why: 'with a tag, IfNotPresent lets a node run a stale image cached under the same tag; with a digest, Always only adds a registry round-trip that makes pod starts depend on the registry. Advisory: the digest rule decides what runs, this only affects freshness and start-up',
    fix: 'set imagePullPolicy: Always for tag-pinned images and IfNotPresent for digest-pinned ones',
    severity: 'low',
    enforcement: 'advisory',
    catalogue: ['IM01'],
  },
  perContainer(ALL_CONTAINERS, (c) =>
    imagesOf(c).flatMap((image) => {
      const ref = parseImage(image);
      // Kubernetes defaults from the tag alone: latest (or no tag and no digest) means Always, digest or not.
      const defaulted = ref.tag === 'latest' || (ref.tag === undefined && ref.digest === undefined) ? 'Always' : 'IfNotPresent';
      const policy = c.imagePullPolicy ?? defaulted;
      const shown = c.imagePullPolicy === undefined ? `unset (defaults to ${defaulted})` : show(c.imagePullPolicy);
      if (policy === 'Never') return [`imagePullPolicy is Never for image ${image}: it only runs on nodes that already have it`];
      const want = ref.digest === undefined ? 'Always' : 'IfNotPresent';
      return policy === want
        ? []
        : [`imagePullPolicy is ${shown} for ${ref.digest === undefined ? 'tag' : 'digest'}-pinned image ${image} (want ${want})`];
    }),
  ),
);

function allowedBy(image: string, prefix: string): boolean {
  if (!image.startsWith(prefix)) return false;
  // `registry.io/team` must not allow `registry.io/team-evil/x`.
  return prefix.endsWith('/') || image.length === prefix.length || ['/', ':', '@'].includes(image[prefix.length]);
}

const allowedRegistries = manifestRule(
  {
    id: 'IM02-allowed-registries',
    description: 'Images come only from the allowed registries',
    why: "an image from an arbitrary registry bypasses the scanning, signing and retention of the approved ones, and a typo-squatted public image runs with the workload's identity",
    fix: 'mirror the image into an allowed registry and reference it from there (allowed prefixes are platform configuration)',
    severity: 'high',
    enforcement: 'mandatory',
    catalogue: ['IM02'],
  },
  (ctx, index) =>
    perContainer(ALL_CONTAINERS, (c) =>
      imagesOf(c).flatMap((image) => {
        const canonical = canonicalImage(image);
        if (ctx.allowedRegistries.some((p) => allowedBy(canonical, p) || allowedBy(image, p))) return [];
        const named = canonical === image ? image : `${image} (${parseImage(canonical).repository})`;
        return [
          `image ${named} is not from an allowed registry (${ctx.allowedRegistries.length === 0 ? 'none are allowed' : ctx.allowedRegistries.join(', ')})`,
        ];
      }),
    )(ctx, index),
);

/** Image rules, in report order. */
export const imageRules: readonly ManifestRule[] = [imageTag, imageDigest, pullPolicy, allowedRegistries];
