#!/usr/bin/env bash
# Re-copies the Pulumi data files the config tests read (infra/config.upstream.test.ts) from a git
# clone of github.com/pulumi/pulumi, at a release tag, into vendor/pulumi/<version>/ with the upstream
# relative paths, and records the commit in vendor/pulumi/<version>/SOURCE.
# Data files only (JSON schemas): no Go code, no build.
#
#   scripts/vendor-pulumi.sh <pulumi-git-dir> <tag> [out-root]
#
# <tag> is the SDK's release tag (v3.248.0 for @pulumi/pulumi 3.248.0); <pulumi-git-dir> may be bare.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <pulumi-git-dir> <tag> [out-root]" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
out_root=${3:-$root/vendor/pulumi}

commit=$(git --git-dir="$git_dir" rev-parse --verify --quiet "refs/tags/$tag^{commit}") || {
  echo "$0: tag '$tag' not found in $git_dir (git --git-dir=$git_dir tag -l 'v3.*')" >&2
  exit 1
}

FILES=(
  # The JSON schema the CLI validates Pulumi.yaml with (project.go embeds it), config: forms included.
  sdk/go/common/workspace/project.json
)

dest=$out_root/${tag#v}
rm -rf "$dest"
for f in "${FILES[@]}"; do
  mkdir -p "$dest/$(dirname "$f")"
  git --git-dir="$git_dir" show "$commit:$f" > "$dest/$f"
done
printf 'repo: https://github.com/pulumi/pulumi\ntag: %s\ncommit: %s\n' "$tag" "$commit" > "$dest/SOURCE"
echo "vendored ${#FILES[@]} files of pulumi $tag ($commit) into $dest"
