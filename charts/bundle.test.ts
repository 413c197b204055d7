import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { appBundle, bundleText, deterministicGzip, deterministicTar, environmentBundles, OCI_MEDIA_TYPES } from './bundle';
import { thrown } from '../test/fixtures/thrown';
import type { ManifestFile } from './synthesize';

const FACTS = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'vendor', 'kpt-config-sync', 'v1.22.0', 'facts.json'), 'utf8'),
) as Record<string, unknown>;

const FILES = [
  { name: 'reviews.yaml', text: 'kind: Service\n' },
  { name: '_shared.yaml', text: 'kind: NetworkPolicy\nmetadata:\n  name: default-deny\n' },
];

/** ustar entries as POSIX defines the header (name 0-100, mode 100, uid 108, gid 116, size 124, mtime 136, chksum 148, type 156, magic 257). */
function readTar(tar: Buffer) {
  const field = (h: Buffer, at: number, len: number) =>
    h
      .subarray(at, at + len)
      .toString('ascii')
      .replace(/\0.*$/s, '');
  const entries = [];
  let at = 0;
  while (at + 512 <= tar.length && tar.subarray(at, at + 512).some((b) => b !== 0)) {
    const h = tar.subarray(at, at + 512);
    const size = parseInt(field(h, 124, 12), 8);
    let sum = 0;
    h.forEach((b, i) => {
      sum += i >= 148 && i < 156 ? 32 : b;
    });
    entries.push({
      name: field(h, 0, 100),
      mode: field(h, 100, 8),
      uid: field(h, 108, 8),
      gid: field(h, 116, 8),
      mtime: field(h, 136, 12),
      checksumValid: parseInt(field(h, 148, 8), 8) === sum,
      type: field(h, 156, 1),
      magic: h.subarray(257, 265).toString('ascii'),
      text: tar.subarray(at + 512, at + 512 + size).toString('utf8'),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { entries, end: tar.subarray(at) };
}

describe('an app bundle', () => {
  it('is a ustar archive of the files, sorted by name, with fixed mode, owner and time', () => {
    const { entries, end } = readTar(deterministicTar(FILES));
    expect(entries).toEqual([
      {
        name: '_shared.yaml',
        mode: '0000644',
        uid: '0000000',
        gid: '0000000',
        mtime: '00000000000',
        checksumValid: true,
        type: '0',
        magic: 'ustar\u000000',
        text: FILES[1].text,
      },
      expect.objectContaining({ name: 'reviews.yaml', text: FILES[0].text, checksumValid: true }),
    ]);
    // Two zero blocks end the archive.
    expect(end).toEqual(Buffer.alloc(1024, 0));
  });

  it('is gzipped with no file name, no time and a fixed OS byte in the header (RFC 1952)', () => {
    const gz = deterministicGzip(Buffer.from('manifests'));
    // ID1 ID2 CM=deflate FLG=0 (no FNAME) MTIME=0 XFL=2 (best compression) OS=255 (unknown)
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
    expect(gunzipSync(gz).toString()).toBe('manifests');
  });

  it('is byte-identical for the same files, whatever their order', () => {
    const a = appBundle('bookinfo', FILES);
    const b = appBundle('bookinfo', [...FILES].reverse());
    expect(b.layer.bytes.equals(a.layer.bytes)).toBe(true);
    expect(b.manifest.digest).toBe(a.manifest.digest);
    expect(a.manifest.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('gets a new digest when any file changes', () => {
    const changed = appBundle('bookinfo', [{ ...FILES[0], text: 'kind: Service\n# changed\n' }, FILES[1]]);
    expect(changed.manifest.digest).not.toBe(appBundle('bookinfo', FILES).manifest.digest);
  });

  it('is an OCI image manifest over a config and one gzip layer, addressed by their sha256', () => {
    const bundle = appBundle('bookinfo', FILES);
    const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    expect(JSON.parse(bundle.manifest.bytes.toString())).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(bundle.config.bytes), size: bundle.config.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(bundle.layer.bytes), size: bundle.layer.size }],
    });
    expect(bundle.manifest.digest).toBe(sha(bundle.manifest.bytes));
    expect((JSON.parse(bundle.config.bytes.toString()) as { rootfs: unknown }).rootfs).toEqual({
      type: 'layers',
      diff_ids: [sha(gunzipSync(bundle.layer.bytes))],
    });
  });

  it('uses media types Config Sync pulls as an image, and lists each directory before its files (Config Sync creates no parent directories)', () => {
    expect(FACTS.ociAcceptedManifestMediaTypes).toContain(OCI_MEDIA_TYPES.manifest);
    expect(FACTS.ociMediaTypes).toEqual(OCI_MEDIA_TYPES);
    expect(FACTS.ociFlattensLayers).toBe(true);
    expect(FACTS.ociCreatesParentDirectories).toBe(false);
    expect(FACTS.ociCreatesDirectoryEntries).toBe(true);
    const tar = gunzipSync(
      appBundle('bookinfo', [
        { name: 'workloads/reviews.yaml', text: 'a' },
        { name: 'cloud/_cloud.yaml', text: 'b' },
        { name: 'workloads/_shared.yaml', text: 'c' },
      ]).layer.bytes,
    );
    const entries = readTar(tar).entries;
    expect(entries.map((e) => [e.name, e.type, e.mode])).toEqual([
      ['cloud/', '5', '0000755'],
      ['cloud/_cloud.yaml', '0', '0000644'],
      ['workloads/', '5', '0000755'],
      ['workloads/_shared.yaml', '0', '0000644'],
      ['workloads/reviews.yaml', '0', '0000644'],
    ]);
    expect(entries.every((e) => e.checksumValid)).toBe(true);
    // GNU tar reads it the same way (directories, then their files).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    fs.writeFileSync(path.join(dir, 'layer.tar'), tar);
    expect(
      execFileSync('tar', ['-tvf', path.join(dir, 'layer.tar')], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/).pop()),
    ).toEqual(['cloud/', 'cloud/_cloud.yaml', 'workloads/', 'workloads/_shared.yaml', 'workloads/reviews.yaml']);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a path that a tar header cannot hold or that is deeper than one directory', () => {
    for (const name of ['a/mesh/gateway.yaml', '../gateway.yaml', `workloads/${'x'.repeat(95)}.yaml`, 'work loads/x.yaml'])
      expect(thrown(() => appBundle('bookinfo', [{ name, text: '' }])).problems).toEqual([
        {
          where: 'the bundle of app bookinfo',
          field: 'file name',
          value: name,
          problem:
            'must be a file name, or a directory and a file name, of ASCII letters, digits, ".", "_" or "-", at most 100 characters in all (a ustar name)',
          fix: 'rename the manifest file',
        },
      ]);
  });
});

describe("an environment's bundles", () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } };
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'bookinfo' } };
  const files: ManifestFile[] = [
    { name: 'bookinfo/_shared.yaml', objects: [ns] },
    { name: 'bookinfo/reviews.yaml', objects: [svc] },
    { name: 'boutique/frontend.yaml', objects: [{ ...svc, metadata: { name: 'frontend', namespace: 'boutique' } }] },
  ];

  it("are one per app, in the apps' order, each with its own files and without the Namespace Pulumi applies", () => {
    const bundles = environmentBundles(['bookinfo', 'boutique'], files);
    expect(bundles.map((b) => b.app)).toEqual(['bookinfo', 'boutique']);
    const entries = readTar(gunzipSync(bundles[0].layer.bytes)).entries;
    expect(entries.map((e) => e.name)).toEqual(['workloads/', 'workloads/reviews.yaml']);
    expect(entries[1].text).toBe('---\n{"apiVersion":"v1","kind":"Service","metadata":{"name":"reviews","namespace":"bookinfo"}}\n');
  });

  it('put the Config Connector file under cloud/ and everything else under workloads/', () => {
    const topic = {
      apiVersion: 'pubsub.cnrm.cloud.google.com/v1beta1',
      kind: 'PubSubTopic',
      metadata: { name: 't', namespace: 'bookinfo' },
    };
    const [bundle] = environmentBundles(['bookinfo'], [...files, { name: 'bookinfo/_cloud.yaml', objects: [topic] }]);
    expect(readTar(gunzipSync(bundle.layer.bytes)).entries.map((e) => e.name)).toEqual([
      'cloud/',
      'cloud/_cloud.yaml',
      'workloads/',
      'workloads/reviews.yaml',
    ]);
  });

  it("write each object as one JSON document that Config Sync's reader splits and decodes back, strings with newlines and dashes included", () => {
    expect(FACTS.yamlDocumentsSplitOnDashes).toBe(true);
    expect(FACTS.yamlDocumentsDecodedByUniversalDeserializer).toBe(true);
    const tricky = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'bookinfo' },
      data: { 'app.properties': 'a=1\n---\nb: 2\n', empty: '' },
    };
    const text = bundleText([svc, tricky]);
    // Config Sync's split (pkg/importer/reader/parse_file.go): "\n" + contents, on "\n---", empty documents skipped.
    const documents = `\n${text}`.split('\n---').filter((d) => d.trim() !== '');
    expect(documents.map((d) => JSON.parse(d) as unknown)).toEqual([svc, tricky]);
    // Any YAML reader reads the same objects (JSON is YAML).
    expect(parseAllDocuments(text).map((d) => d.toJS() as unknown)).toEqual([svc, tricky]);
  });
});
