#!/usr/bin/env bash
# Re-copies Sloth's default alert windows for a 30-day SLO period (the Google SRE workbook's
# multiwindow, multi-burn-rate parameters), which charts/slo.upstream.test.ts holds our burn-rate
# table (services/slo.ts BURN_RATE_ALERTS) equal to, and Sloth's getting-started SLO with the rules
# Sloth generates for it (the error budget recording charts/slo.ts copies), from a git clone of
# github.com/slok/sloth into vendor/sloth/<tag>/ with upstream's relative path and a SOURCE file.
# Data files only (YAML).
#
#   scripts/vendor-sloth.sh <sloth-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <sloth-git-dir> <tag>" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/vendor/sloth/$tag
files=(internal/alert/windows/google-30d.yaml examples/getting-started.yml examples/_gen/getting-started.yml)

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/slok/sloth (v0.16.0)") || exit 1
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${files[@]}"
printf 'repo: https://github.com/slok/sloth\ntag: %s\ncommit: %s\npaths:\n' "$tag" "$commit" > "$dest/SOURCE"
printf '  - %s\n' "${files[@]}" >> "$dest/SOURCE"
echo "vendored ${#files[@]} file(s) of sloth $tag ($commit) into $dest"
