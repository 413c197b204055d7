#!/usr/bin/env bash
# Re-copies the Config Connector CRDs of the kinds the platform renders for the services' `uses`
# under Config Sync (charts/config-connector.ts; charts/schema.ts validates against them), the
# operator's ConfigConnector and ConfigConnectorContext CRDs (infra/config-connector.ts), and the
# operator's golden output for a namespace (the per-namespace controller's Kubernetes service
# account, which the Workload Identity binding names), and the CRDs of the kinds the policy rules
# refuse or read beside them (secret versions, IAM policies), from a git clone of
# github.com/GoogleCloudPlatform/k8s-config-connector into vendor/k8s-config-connector/<tag>/ with
# upstream's relative paths and a SOURCE file; then extracts the annotation names its Go code states
# into facts.json (scripts/extract-config-connector-facts.js).
#
#   scripts/vendor-config-connector.sh <k8s-config-connector-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <k8s-config-connector-git-dir> <tag>" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/vendor/k8s-config-connector/$tag
crd=config/crds/resources/apiextensions.k8s.io_v1_customresourcedefinition_
files=(
  "${crd}pubsubtopics.pubsub.cnrm.cloud.google.com.yaml"
  "${crd}pubsubsubscriptions.pubsub.cnrm.cloud.google.com.yaml"
  "${crd}iampolicymembers.iam.cnrm.cloud.google.com.yaml"
  "${crd}sqldatabases.sql.cnrm.cloud.google.com.yaml"
  "${crd}sqlusers.sql.cnrm.cloud.google.com.yaml"
  "${crd}storagebuckets.storage.cnrm.cloud.google.com.yaml"
  "${crd}secretmanagersecrets.secretmanager.cnrm.cloud.google.com.yaml"
  # Kinds no app renders, which the Config Connector policy rules refuse or read (policies/rules/config-connector.ts).
  "${crd}secretmanagersecretversions.secretmanager.cnrm.cloud.google.com.yaml"
  "${crd}iampolicies.iam.cnrm.cloud.google.com.yaml"
  "${crd}iampartialpolicies.iam.cnrm.cloud.google.com.yaml"
  operator/config/crd/bases/core.cnrm.cloud.google.com_configconnectors.yaml
  operator/config/crd/bases/core.cnrm.cloud.google.com_configconnectorcontexts.yaml
  operator/pkg/controllers/configconnectorcontext/testdata/golden/simple/_expected.yaml
)

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/GoogleCloudPlatform/k8s-config-connector (v1.155.1)") || exit 1
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${files[@]}"
printf 'repo: https://github.com/GoogleCloudPlatform/k8s-config-connector\ntag: %s\ncommit: %s\npaths:\n' "$tag" "$commit" > "$dest/SOURCE"
printf '  - %s\n' "${files[@]}" >> "$dest/SOURCE"
printf '  - facts.json (extracted by scripts/extract-config-connector-facts.js)\n' >> "$dest/SOURCE"
node "$root/scripts/extract-config-connector-facts.js" "$git_dir" "$tag"
echo "vendored ${#files[@]} file(s) of k8s-config-connector $tag ($commit) into $dest"
