#!/usr/bin/env bash
# Re-copies the CRDs of Google Cloud Managed Service for Prometheus the platform emits objects of
# (the namespaced `Rules`: charts/slo-rules.ts), which charts/schema.ts validates synthesized
# objects against, from a git clone of github.com/GoogleCloudPlatform/prometheus-engine into
# vendor/prometheus-engine/<tag>/ with upstream's relative paths and a SOURCE file. Data files
# only (the CRD YAML).
#
#   scripts/vendor-prometheus-engine.sh <prometheus-engine-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <prometheus-engine-git-dir> <tag>" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/vendor/prometheus-engine/$tag
files=(charts/operator/crds/monitoring.googleapis.com_rules.yaml)

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/GoogleCloudPlatform/prometheus-engine (v0.17.2)") || exit 1
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${files[@]}"
printf 'repo: https://github.com/GoogleCloudPlatform/prometheus-engine\ntag: %s\ncommit: %s\npaths:\n' "$tag" "$commit" > "$dest/SOURCE"
printf '  - %s\n' "${files[@]}" >> "$dest/SOURCE"
echo "vendored ${#files[@]} file(s) of prometheus-engine $tag ($commit) into $dest"
