#!/usr/bin/env bash
# Re-copies the Google API definitions the platform writes to as data: the gRPC status codes with
# their HTTP mapping (google/rpc/code.proto: which codes the SLO counts as server errors) and the
# Cloud Monitoring dashboard messages (google/monitoring/dashboard/v1: the field names of the
# dashboards' JSON, infra/dashboard.upstream.test.ts). googleapis has no release tags, so the
# version is the commit. From a git clone of github.com/googleapis/googleapis into
# vendor/googleapis/<commit>/ with upstream's relative paths and a SOURCE file. Data files only
# (the .proto definitions).
#
#   scripts/vendor-googleapis.sh <googleapis-git-dir> <commit>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <googleapis-git-dir> <commit>" >&2
  exit 2
fi
git_dir=$1
root=$(cd "$(dirname "$0")/.." && pwd)
commit=$(resolve_commit "$git_dir" "$2" "a commit of github.com/googleapis/googleapis (git --git-dir=$git_dir log -1)") || exit 1
dest=$root/vendor/googleapis/$commit
dashboard=google/monitoring/dashboard/v1
files=(
  google/rpc/code.proto
  $dashboard/dashboard.proto
  $dashboard/layouts.proto
  $dashboard/widget.proto
  $dashboard/xychart.proto
  $dashboard/metrics.proto
  $dashboard/text.proto
  $dashboard/section_header.proto
)
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${files[@]}"
printf 'repo: https://github.com/googleapis/googleapis\ncommit: %s\npaths:\n' "$commit" > "$dest/SOURCE"
printf '  - %s\n' "${files[@]}" >> "$dest/SOURCE"
echo "vendored ${#files[@]} files of googleapis $commit into $dest"
