#!/usr/bin/env bash
# Re-copies the Gateway API standard-channel CRDs of Gateway and HTTPRoute, which
# policies/rules/gateway-api.test.ts validates its fixtures against (so a bump re-checks the
# field names the Gateway API rules read), from a git clone of
# github.com/kubernetes-sigs/gateway-api into vendor/gateway-api/<tag>/ with a SOURCE file.
# Data files only (the CRD YAML).
#
#   scripts/vendor-gateway-api.sh <gateway-api-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <gateway-api-git-dir> <tag>" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/vendor/gateway-api/$tag
files=(config/crd/standard/gateway.networking.k8s.io_gateways.yaml config/crd/standard/gateway.networking.k8s.io_httproutes.yaml)

commit=$(resolve_commit "$git_dir" "$tag" "a release tag of github.com/kubernetes-sigs/gateway-api (v1.6.1)") || exit 1
mkdir -p "$dest"
for file in "${files[@]}"; do
  git --git-dir="$git_dir" show "$commit:$file" > "$dest/$(basename "$file")"
done
printf 'repo: https://github.com/kubernetes-sigs/gateway-api\ntag: %s\ncommit: %s\npaths:\n' "$tag" "$commit" > "$dest/SOURCE"
printf '  - %s\n' "${files[@]}" >> "$dest/SOURCE"
echo "vendored ${#files[@]} CRDs of $tag ($commit) into $dest"
