#!/usr/bin/env bash
# Re-copies Config Sync's RepoSync CRD (which infra/config-sync.test.ts validates our RepoSyncs and
# cli/sync-status.test.ts reads the status fields against) from a git clone of
# github.com/GoogleContainerTools/kpt-config-sync into vendor/kpt-config-sync/<tag>/ with upstream's
# relative path and a SOURCE file, then extracts the facts its Go code states (reconciler names, the
# OCI media types its puller accepts) into facts.json (scripts/extract-config-sync-facts.js).
#
#   scripts/vendor-kpt-config-sync.sh <kpt-config-sync-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <kpt-config-sync-git-dir> <tag>" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/vendor/kpt-config-sync/$tag
files=(manifests/reposync-crd.yaml)

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/GoogleContainerTools/kpt-config-sync (v1.22.0)") || exit 1
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${files[@]}"
printf 'repo: https://github.com/GoogleContainerTools/kpt-config-sync\ntag: %s\ncommit: %s\npaths:\n' "$tag" "$commit" > "$dest/SOURCE"
printf '  - %s\n' "${files[@]}" >> "$dest/SOURCE"
printf '  - facts.json (extracted by scripts/extract-config-sync-facts.js)\n' >> "$dest/SOURCE"
node "$root/scripts/extract-config-sync-facts.js" "$git_dir" "$tag"
echo "vendored ${#files[@]} file(s) of kpt-config-sync $tag ($commit) into $dest"
