/**
 * An app's rendered manifests as an OCI artifact, for Config Sync to pull at a digest
 * (`platform:appDelivery: configsync`, docs/scaling.md): one gzipped tar layer, an image config
 * and an OCI image manifest. Pure and deterministic: the same files give byte-identical blobs, so
 * the manifest digest only moves when a manifest does and an unchanged app is a no-op deploy.
 *
 * Two directories: `workloads/` (every cluster syncs it) and `cloud/` (the Config Connector
 * objects of what the services use, charts/config-connector.ts, which only the primary region's
 * cluster syncs: its RepoSync reads the whole artifact, the others' only `workloads/`).
 *
 * Config Sync (pkg/oci/fetcher.go at the vendored tag) pulls with go-containerregistry's
 * `remote.Image` (OCI or Docker image manifests), flattens the layers into one tar stream, and
 * creates a directory only for a directory entry, never a file's parent: so the tar lists each
 * directory before its files.
 */
import { createHash } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';
import { assertNoProblems, type Problem } from '../core/problems';
import type { ManifestFile } from './synthesize';
import { CLOUD_FILE } from './config-connector';
import type { ManifestObject } from './schema';

/** The directory of the workloads in a bundle: every cluster's RepoSync syncs it. */
export const WORKLOADS_DIR = 'workloads';
/** The directory of the Config Connector objects: only the primary cluster syncs it (with everything). */
export const CLOUD_DIR = 'cloud';

/** The OCI media types of a bundle (OCI image-spec `media-types.md`; go-containerregistry's types.go). */
export const OCI_MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** One file of a bundle: its path in the artifact (`<dir>/<file>`) and its text. */
export interface BundleFile {
  readonly name: string;
  readonly text: string;
}

/** A content-addressed blob: its bytes, `sha256:<hex>` digest and size. */
export interface Blob {
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
}

export interface AppBundle {
  readonly app: string;
  /** The gzipped tar of the app's files. */
  readonly layer: Blob;
  /** The image config (JSON): its rootfs lists the uncompressed tar's digest. */
  readonly config: Blob;
  /** The OCI image manifest (JSON); its digest is what the RepoSync pins. */
  readonly manifest: Blob;
}

export function blobOf(bytes: Buffer): Blob {
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length, bytes };
}

const BLOCK = 512;
/** Every entry's fixed metadata: nothing about the machine or the time it was built on. */
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

/** `value` as a NUL-terminated octal field of `width` bytes (ustar numeric fields). */
function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block (POSIX pax/ustar format; the names are checked by `bundleProblems`): a file, or a directory (`name/`). */
function ustarHeader(name: string, size: number, directory = false): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  const put = (text: string, offset: number) => header.write(text, offset, 'ascii');
  put(name, 0);
  put(octal(directory ? DIR_MODE : FILE_MODE, 8), 100);
  put(octal(0, 8), 108); // uid
  put(octal(0, 8), 116); // gid
  put(octal(size, 12), 124);
  put(octal(0, 12), 136); // mtime: the epoch, always
  put('        ', 148); // checksum field counts as spaces while summing
  put(directory ? '5' : '0', 156); // directory or regular file
  put('ustar\0', 257);
  put('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/**
 * A ustar archive of the files and their directories in name order (a directory `d/` sorts before
 * its files), with fixed mode, owner and time, ended by two zero blocks.
 */
export function deterministicTar(files: readonly BundleFile[]): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set(files.filter((f) => f.name.includes('/')).map((f) => `${f.name.slice(0, f.name.lastIndexOf('/'))}/`));
  const entries = [...[...dirs].map((name) => ({ name, text: undefined })), ...files];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.text === undefined) {
      parts.push(ustarHeader(entry.name, 0, true));
      continue;
    }
    const body = Buffer.from(entry.text, 'utf8');
    parts.push(ustarHeader(entry.name, body.length), body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK, 0));
  }
  parts.push(Buffer.alloc(2 * BLOCK, 0));
  return Buffer.concat(parts);
}

/** Offset of the OS byte in a gzip header (RFC 1952 section 2.3). */
const GZIP_OS_BYTE = 9;
/** RFC 1952's "unknown" OS, as Go's compress/gzip writes: zlib would write the build host's. */
const GZIP_OS_UNKNOWN = 255;

/**
 * gzip with no name and no time in the header (zlib writes MTIME 0 and no FNAME; RFC 1952),
 * and the OS byte fixed. The deflate stream is zlib's at level 9: the same for the same
 * Node.js build, which CI uses both to push and to run `pulumi up`.
 */
export function deterministicGzip(bytes: Buffer): Buffer {
  const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
  gz[GZIP_OS_BYTE] = GZIP_OS_UNKNOWN;
  return gz;
}

/** JSON with the keys in the order written (the objects below are literals): stable bytes. */
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** Problems with the files of a bundle: paths must fit a ustar name field, `<file>` or `<dir>/<file>`, unique. */
export function bundleProblems(app: string, files: readonly BundleFile[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const { name } of files) {
    const where = `the bundle of app ${app}`;
    const parts = name.split('/');
    if (name.length > 100 || parts.length > 2 || parts.some((p) => !/^[A-Za-z0-9._-]+$/.test(p) || p === '.' || p === '..'))
      problems.push({
        where,
        field: 'file name',
        value: name,
        problem:
          'must be a file name, or a directory and a file name, of ASCII letters, digits, ".", "_" or "-", at most 100 characters in all (a ustar name)',
        fix: 'rename the manifest file',
      });
    if (seen.has(name))
      problems.push({ where, field: 'file name', value: name, problem: 'is given twice', fix: 'give every file its own name' });
    seen.add(name);
  }
  return problems;
}

/** The OCI artifact of one app's files. */
export function appBundle(app: string, files: readonly BundleFile[]): AppBundle {
  assertNoProblems(bundleProblems(app, files));
  const tar = deterministicTar(files);
  const layer = blobOf(deterministicGzip(tar));
  const diffId = blobOf(tar).digest;
  // What the OCI image-spec requires of a config (architecture, os, rootfs); there is nothing to run.
  const config = blobOf(json({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } }));
  const manifest = blobOf(
    json({
      schemaVersion: 2,
      mediaType: OCI_MEDIA_TYPES.manifest,
      config: { mediaType: OCI_MEDIA_TYPES.config, digest: config.digest, size: config.size },
      layers: [{ mediaType: OCI_MEDIA_TYPES.layer, digest: layer.digest, size: layer.size }],
    }),
  );
  return { app, layer, config, manifest };
}

/**
 * A file's objects as Config Sync reads a `.yaml` file: split on `\n---`, each document decoded by
 * the Kubernetes universal deserializer, which takes JSON as well as YAML
 * (pkg/importer/reader/parse_file.go at the vendored tag). One compact JSON document per object:
 * JSON escapes every newline inside a string, so no document can hold a separator, and writing it
 * is several times faster than YAML at a thousand services (`npm run bench`). The YAML for people
 * is what `npm run synth` writes to dist/.
 */
export function bundleText(objects: readonly ManifestObject[]): string {
  return objects.map((o) => `---\n${JSON.stringify(o)}\n`).join('');
}

/**
 * Each app's bundle from an environment's files (`<app>/<file>`, charts/environment.ts), in the
 * apps' order: its Config Connector file under `cloud/`, the rest under `workloads/`. The
 * Namespace is left out: Pulumi applies it (infra/config-sync.ts), and a namespace-scoped sync may
 * not manage it.
 */
export function environmentBundles(apps: readonly string[], files: readonly ManifestFile[]): AppBundle[] {
  const byApp = new Map<string, BundleFile[]>(apps.map((a) => [a, []]));
  for (const file of files) {
    const slash = file.name.indexOf('/');
    const list = byApp.get(file.name.slice(0, slash));
    const objects = file.objects.filter((o) => o.kind !== 'Namespace');
    if (list === undefined || slash < 0 || objects.length === 0) continue;
    const name = file.name.slice(slash + 1);
    list.push({ name: `${name === CLOUD_FILE ? CLOUD_DIR : WORKLOADS_DIR}/${name}`, text: bundleText(objects) });
  }
  return apps.map((app) => appBundle(app, byApp.get(app) ?? []));
}
