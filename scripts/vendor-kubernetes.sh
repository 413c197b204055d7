#!/usr/bin/env bash
# Re-extracts the upstream facts charts/apiserver/k8s relies on (regex formats and message
# constants of Kubernetes' field validation) from a git clone of github.com/kubernetes/apimachinery
# at a release tag, into vendor/kubernetes/apimachinery/<tag>/constants.json (per upstream file:
# constant name -> string value, concatenations resolved) and records the commit in SOURCE.
# Data only: Go source is read, never copied into this repository, never built.
#
#   scripts/vendor-kubernetes.sh <apimachinery-git-dir> <tag> [out-root]
#
# <apimachinery-git-dir> may be bare. out-root defaults to vendor/kubernetes/apimachinery.
# charts/apiserver/k8s/primitives.upstream.test.ts checks our messages against constants.json.
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <apimachinery-git-dir> <tag> [out-root]" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
out_root=${3:-$root/vendor/kubernetes/apimachinery}
commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/kubernetes/apimachinery (git --git-dir=$git_dir tag -l 'v0.*')") || exit 1

# Upstream files whose string constants we rely on, in dependency order (later files may use
# constants of earlier ones).
FILES=(
  pkg/api/validate/content/dns.go
  pkg/api/validate/content/kube.go
  pkg/api/validate/content/identifier.go
  pkg/api/validate/content/decimal_int.go
  pkg/util/validation/validation.go
  pkg/api/validation/generic.go
  pkg/api/resource/quantity.go
)

dest=$out_root/$tag
rm -rf "$dest"
mkdir -p "$dest"
known='{}'
json='{'
sep=''
for f in "${FILES[@]}"; do
  consts=$(git --git-dir="$git_dir" show "$commit:$f" | node "$root/scripts/lib/go-string-constants.js" "$known")
  known=$(node -e 'const a=JSON.parse(process.argv[1]),b=JSON.parse(process.argv[2]);process.stdout.write(JSON.stringify({...a,...b}))' "$known" "$consts")
  json+="$sep\"$f\": $consts"
  sep=','
done
json+='}'
node -e 'process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]), null, 2) + "\n")' "$json" > "$dest/constants.json"
date=$(git --git-dir="$git_dir" log -1 --format=%cI "$commit")
{
  printf 'repo: https://github.com/kubernetes/apimachinery\ntag: %s\ncommit: %s\ndate: %s\n' "$tag" "$commit" "$date"
  printf 'content: constants.json, the string constants of these files (extracted, not copied):\n'
  printf '  - %s\n' "${FILES[@]}"
} > "$dest/SOURCE"
echo "extracted constants of ${#FILES[@]} files of apimachinery $tag ($commit) into $dest"
