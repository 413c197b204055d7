// @ts-check
/**
 * Extracts the facts about Config Sync that infra/config-sync.ts and charts/bundle.ts rely on
 * from a git dir of github.com/GoogleContainerTools/kpt-config-sync at a tag, into
 * vendor/kpt-config-sync/<tag>/facts.json with the commit they were read at (no code is copied):
 *
 * - the namespace reconciler's name (pkg/core/names.go NsReconcilerName) and where it runs
 *   (pkg/api/configsync/register.go ControllerNamespace, RepoSyncName);
 * - the manifest media types its OCI puller accepts as an image (go-containerregistry's
 *   remote.Image, vendored at vendor/github.com/google/go-containerregistry/pkg/v1/remote/image.go)
 *   and the OCI media type strings (pkg/v1/types/types.go);
 * - that it flattens every layer into one tar stream (pkg/oci/fetcher.go: mutate.Extract) and
 *   creates no parent directory for a file entry (so a bundle keeps its files at the root);
 * - what a RepoSync's status says once synced: the commit of an OCI source is the digest's hex
 *   (pkg/hydrate/controller.go), and its condition types.
 *
 *   node scripts/extract-config-sync-facts.js <kpt-config-sync-git-dir> v1.22.0
 */
const { git, must } = require('./lib/git-source');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const GGCR = 'vendor/github.com/google/go-containerregistry/pkg/v1';

function main() {
  const [gitDir, tag] = process.argv.slice(2);
  if (gitDir === undefined || tag === undefined) {
    console.error('usage: node scripts/extract-config-sync-facts.js <kpt-config-sync-git-dir> <tag>');
    process.exit(2);
  }
  const commit = git(gitDir, 'rev-parse', `${tag}^{commit}`).trim();
  const show = (/** @type {string} */ file) => git(gitDir, 'show', `${commit}:${file}`);
  const names = show('pkg/core/names.go');
  const register = show('pkg/api/configsync/register.go');
  const types = show(`${GGCR}/types/types.go`);
  const image = show(`${GGCR}/remote/image.go`);
  const fetcher = show('pkg/oci/fetcher.go');
  const hydrate = show('pkg/hydrate/controller.go');
  const parseFile = show('pkg/importer/reader/parse_file.go');
  const mediaTypes = new Map([...types.matchAll(/^\s*(\w+)\s+MediaType = "([^"]+)"/gm)].map((m) => [m[1], m[2]]));
  const accepted = must(image, /acceptableImageMediaTypes = \[\]types\.MediaType\{([^}]*)\}/, 'acceptableImageMediaTypes')
    .split(',')
    .map((s) => s.trim().replace(/^types\./, ''))
    .filter((s) => s !== '')
    .map((s) => {
      const value = mediaTypes.get(s);
      if (value === undefined) throw new Error(`unknown media type constant ${s}`);
      return value;
    });
  // `fmt.Sprintf("%s-%s", NsReconcilerPrefix, namespace)` when the RepoSync is named RepoSyncName.
  const nsFormat = must(
    names,
    /if name == configsync\.RepoSyncName \{\s*return fmt\.Sprintf\("([^"]+)", NsReconcilerPrefix, namespace\)/,
    'NsReconcilerName for the default RepoSync name',
  );
  const facts = {
    repo: 'https://github.com/GoogleContainerTools/kpt-config-sync',
    tag,
    commit,
    controllerNamespace: must(register, /ControllerNamespace = "([^"]+)"/, 'ControllerNamespace'),
    repoSyncName: must(register, /RepoSyncName = "([^"]+)"/, 'RepoSyncName'),
    nsReconcilerPrefix: must(names, /NsReconcilerPrefix = "([^"]+)"/, 'NsReconcilerPrefix'),
    /** The reconciler of RepoSync `repoSyncName` in a namespace: `<nsReconcilerPrefix>-<namespace>`. */
    nsReconcilerNameFormat: nsFormat,
    ociAcceptedManifestMediaTypes: accepted,
    ociMediaTypes: {
      manifest: mediaTypes.get('OCIManifestSchema1'),
      config: mediaTypes.get('OCIConfigJSON'),
      layer: mediaTypes.get('OCILayer'),
    },
    // The image is extracted into `<root>/<digest hex>` and the commit is that directory's base name:
    // status.sync.commit of an OCI RepoSync is the manifest digest's hex, without `sha256:`.
    ociCommitIsDigestHex:
      /destDir := filepath\.Join\(ociRoot, imageDigestHash\.Hex\)/.test(fetcher) &&
      /commit := filepath\.Base\(gitDir\.OSPath\(\)\)/.test(hydrate),
    /** RepoSync condition types (pkg/api/configsync/v1beta1/reposync_types.go). */
    repoSyncConditionTypes: [
      ...show('pkg/api/configsync/v1beta1/reposync_types.go').matchAll(/^\s*RepoSync\w+ RepoSyncConditionType = "(\w+)"/gm),
    ].map((m) => m[1]),
    ociFlattensLayers: /mutate\.Extract\(image\)/.test(fetcher),
    // Only directory entries are created (`case hdr.FileInfo().IsDir()`); a file's parent is not.
    ociCreatesParentDirectories: /MkdirAll\(filepath\.Dir\(/.test(fetcher),
    // ...but a directory entry is: a bundle with sub-directories lists each before its files.
    // A `.yaml` file is split on "\n---" and each document decoded by the Kubernetes universal
    // deserializer, which reads JSON as well as YAML: a bundle may write each object as one JSON line.
    yamlDocumentsSplitOnDashes: /strings\.Split\("\\n"\+string\(contents\), "\\n---"\)/.test(parseFile),
    yamlDocumentsDecodedByUniversalDeserializer: /scheme\.Codecs\.UniversalDeserializer\(\)\.Decode\(\[\]byte\(document\)/.test(parseFile),
    ociCreatesDirectoryEntries: /case hdr\.FileInfo\(\)\.IsDir\(\):\s*if err := os\.MkdirAll\(path,/.test(fetcher),
  };
  const file = path.join(ROOT, 'vendor', 'kpt-config-sync', tag, 'facts.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(facts, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

main();
