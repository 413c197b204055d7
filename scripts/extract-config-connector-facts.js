// @ts-check
/**
 * Extracts the facts about Config Connector that charts/config-connector.ts and
 * infra/config-connector.ts rely on from a git dir of
 * github.com/GoogleCloudPlatform/k8s-config-connector at a tag, into
 * vendor/k8s-config-connector/<tag>/facts.json with the commit they were read at (no code is copied):
 *
 * - the annotations: the project an object's resource lives in, and the deletion policy whose
 *   `abandon` keeps the Google resource when the object is deleted (pkg/k8s/constants.go);
 * - the names the operator requires of its ConfigConnector and ConfigConnectorContext objects
 *   (operator/pkg/apis/core/v1beta1/constants.go);
 * - the namespace and name prefix of the per-namespace controller's Kubernetes service account, which
 *   acts as the ConfigConnectorContext's Google service account (operator/pkg/k8s/constants.go).
 *
 *   node scripts/extract-config-connector-facts.js <k8s-config-connector-git-dir> v1.155.1
 */
const { git, must } = require('./lib/git-source');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function main() {
  const [gitDir, tag] = process.argv.slice(2);
  if (gitDir === undefined || tag === undefined) {
    console.error('usage: node scripts/extract-config-connector-facts.js <k8s-config-connector-git-dir> <tag>');
    process.exit(2);
  }
  const commit = git(gitDir, 'rev-parse', `${tag}^{commit}`).trim();
  const show = (/** @type {string} */ file) => git(gitDir, 'show', `${commit}:${file}`);
  const k8s = show('pkg/k8s/constants.go');
  const operatorApi = show('operator/pkg/apis/core/v1beta1/constants.go');
  const operatorK8s = show('operator/pkg/k8s/constants.go');
  const group = must(k8s, /CNRMGroup\s+= "([^"]+)"/, 'CNRMGroup');
  // `FormatAnnotation(name)` is `<AnnotationPrefix>/<name>`, the prefix being CNRMGroup.
  if (must(k8s, /AnnotationPrefix\s+= (\w+)/, 'AnnotationPrefix') !== 'CNRMGroup')
    throw new Error('AnnotationPrefix is no longer CNRMGroup');
  if (
    !/func FormatAnnotation\(annotationName string\) string \{\s*return fmt\.Sprintf\("%v\/%v", AnnotationPrefix, annotationName\)/.test(
      k8s,
    )
  )
    throw new Error('FormatAnnotation is no longer <AnnotationPrefix>/<name>');
  const annotation = (/** @type {string} */ constant) =>
    `${group}/${must(k8s, new RegExp(`${constant}\\s+= FormatAnnotation\\("([^"]+)"\\)`), constant)}`;
  const facts = {
    repo: 'https://github.com/GoogleCloudPlatform/k8s-config-connector',
    tag,
    commit,
    projectIdAnnotation: annotation('ProjectIDAnnotation'),
    deletionPolicyAnnotation: annotation('DeletionPolicyAnnotation'),
    deletionPolicyAbandon: must(k8s, /DeletionPolicyAbandon\s+= "([^"]+)"/, 'DeletionPolicyAbandon'),
    configConnectorName: must(operatorApi, /ConfigConnectorAllowedName\s+= "([^"]+)"/, 'ConfigConnectorAllowedName'),
    configConnectorContextName: must(operatorApi, /ConfigConnectorContextAllowedName\s+= "([^"]+)"/, 'ConfigConnectorContextAllowedName'),
    systemNamespace: must(operatorK8s, /CNRMSystemNamespace\s+= "([^"]+)"/, 'CNRMSystemNamespace'),
    serviceAccountNamePrefix: must(operatorK8s, /ServiceAccountNamePrefix\s+= "([^"]+)"/, 'ServiceAccountNamePrefix'),
  };
  const file = path.join(ROOT, 'vendor', 'k8s-config-connector', tag, 'facts.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(facts, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

main();
