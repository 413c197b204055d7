#!/usr/bin/env bash
# Re-copies Istio's MeshConfig definition from a git clone of github.com/istio/api, at the tag of
# the Istio release we pin (istio/istio's go.mod requires istio.io/api at that release's commit),
# into vendor/istio-api/<tag>/ with the upstream relative path and a SOURCE file. The extension
# providers the istiod values declare (infra/istio/istiod.yaml meshConfig) are checked against it
# (infra/telemetry.upstream.test.ts), so a version bump re-checks every MeshConfig field name.
# The protobuf definition only (the schema of the mesh config): no generated Go code.
#
#   scripts/vendor-istio-api.sh <istio-api-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <istio-api-git-dir> <tag>" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "the tag of github.com/istio/api matching the pinned Istio release (e.g. 1.30.3)") || exit 1

FILES=(mesh/v1alpha1/config.proto)

dest=$root/vendor/istio-api/$tag
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${FILES[@]}"
printf 'repo: https://github.com/istio/api\ntag: %s\ncommit: %s\n' "$tag" "$commit" > "$dest/SOURCE"
echo "vendored ${#FILES[@]} files of istio/api $tag ($commit) into $dest"
