#!/usr/bin/env bash
# Re-copies the Pulumi data files the config tests read (core/upstream.test.ts) from a git
# clone of github.com/pulumi/pulumi, at a release tag, into vendor/pulumi/<version>/ with the upstream
# relative paths, and records the commit in vendor/pulumi/<version>/SOURCE.
# Data files only (JSON schemas): no Go code, no build.
#
#   scripts/vendor-pulumi.sh <pulumi-git-dir> <tag> [out-root]
#
# <tag> is the SDK's release tag (v3.248.0 for @pulumi/pulumi 3.248.0); <pulumi-git-dir> may be bare.
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <pulumi-git-dir> <tag> [out-root]" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
out_root=${3:-$root/vendor/pulumi}

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "the SDK's release tag of github.com/pulumi/pulumi (git --git-dir=$git_dir tag -l 'v3.*')") || exit 1

FILES=(
  # The JSON schema the CLI validates Pulumi.yaml with (project.go embeds it), config: forms included.
  sdk/go/common/workspace/project.json
)

dest=$out_root/${tag#v}
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${FILES[@]}"
printf 'repo: https://github.com/pulumi/pulumi\ntag: %s\ncommit: %s\n' "$tag" "$commit" > "$dest/SOURCE"
echo "vendored ${#FILES[@]} files of pulumi $tag ($commit) into $dest"
