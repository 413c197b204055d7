#!/usr/bin/env bash
# Re-copies the SARIF 2.1.0 JSON schema (OASIS, errata 01) that policies/sarif.test.ts validates
# `npm run policy -- --format sarif` against, from a git clone of github.com/oasis-tcs/sarif-spec,
# into vendor/sarif/2.1.0/ with a SOURCE file giving the repository, path and commit.
# Data files only (the JSON schema).
#
#   scripts/vendor-sarif.sh <sarif-spec-git-dir> [commit]
#
# The spec repository has no tag for 2.1.0: <commit> defaults to the clone's HEAD; SOURCE also
# records the last commit that changed the schema.
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 <sarif-spec-git-dir> [commit]" >&2
  exit 2
fi
git_dir=$1
ref=${2:-HEAD}
root=$(cd "$(dirname "$0")/.." && pwd)
file=sarif-2.1/schema/sarif-schema-2.1.0.json
dest=$root/vendor/sarif/2.1.0

commit=$(resolve_commit "$git_dir" "$ref" "a commit of github.com/oasis-tcs/sarif-spec") || exit 1
changed=$(git --git-dir="$git_dir" log -1 --format=%H "$commit" -- "$file")
if [[ -z "$changed" ]]; then
  echo "$0: $file is not in $git_dir at $commit" >&2
  exit 1
fi
mkdir -p "$dest"
git --git-dir="$git_dir" show "$commit:$file" > "$dest/sarif-schema-2.1.0.json"
printf 'repo: https://github.com/oasis-tcs/sarif-spec\npath: %s\ncommit: %s\nlast-changed: %s\n' "$file" "$commit" "$changed" > "$dest/SOURCE"
echo "vendored $file ($commit, last changed in $changed) into $dest"
