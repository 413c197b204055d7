#!/usr/bin/env bash
# Re-extracts the upstream facts charts/apiserver relies on from git clones (bare is fine) of
# Kubernetes' staging repositories at one release tag, into vendor/kubernetes/<repo>/<tag>/:
#   apimachinery/<tag>/constants.json   string constants (regex formats, messages) of its
#                                       validation files, concatenations resolved
#                                       (scripts/lib/go-string-constants.js; charts/apiserver/k8s)
#   apimachinery/<tag>/field-facts.json field.Error: error type texts, message formats, nil path
#   apiserver/<tag>/cel-facts.json      CEL libraries' function names, base environment, converted
#                                       formats, escaping, message literals
#   apiextensions-apiserver/<tag>/cel-facts.json  how CRD rules are run and reported
# (*-facts.json by scripts/lib/kubernetes-facts.js), and a SOURCE per repository (tag, commit,
# date, the files read). Data only: Go source is read, never copied into this repository, never
# built. Facts about code shape are checked with short patterns; a pattern upstream no longer
# matches fails this script, naming the fact and the file.
#
#   scripts/vendor-kubernetes.sh <apimachinery-git-dir> <apiserver-git-dir> <apiextensions-apiserver-git-dir> <tag> [out-root]
#
# out-root defaults to vendor/kubernetes. Re-running at the same tag rewrites identical files.
# charts/apiserver/k8s/primitives.upstream.test.ts, charts/apiserver/field.upstream.test.ts and
# charts/apiserver/cel/upstream.test.ts hold our code to these files.
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -lt 4 || $# -gt 5 ]]; then
  echo "usage: $0 <apimachinery-git-dir> <apiserver-git-dir> <apiextensions-apiserver-git-dir> <tag (e.g. v0.35.7)> [out-root]" >&2
  exit 2
fi
tag=$4
root=$(cd "$(dirname "$0")/.." && pwd)
out_root=${5:-$root/vendor/kubernetes}

# Upstream apimachinery files whose string constants we rely on, in dependency order (later files
# may use constants of earlier ones).
CONSTANT_FILES=(
  pkg/api/validate/content/dns.go
  pkg/api/validate/content/kube.go
  pkg/api/validate/content/identifier.go
  pkg/api/validate/content/decimal_int.go
  pkg/util/validation/validation.go
  pkg/api/validation/generic.go
  pkg/api/resource/quantity.go
)

# constants_json <git-dir> <commit> > constants.json
constants_json() {
  local git_dir=$1 commit=$2 f consts known='{}' json='{' sep=''
  for f in "${CONSTANT_FILES[@]}"; do
    consts=$(git --git-dir="$git_dir" show "$commit:$f" | node "$root/scripts/lib/go-string-constants.js" "$known")
    known=$(node -e 'const a=JSON.parse(process.argv[1]),b=JSON.parse(process.argv[2]);process.stdout.write(JSON.stringify({...a,...b}))' "$known" "$consts")
    json+="$sep\"$f\": $consts"
    sep=','
  done
  json+='}'
  node -e 'process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]), null, 2) + "\n")' "$json"
}

# extract <repo> <git-dir> <facts-file>
extract() {
  local name=$1 git_dir=$2 out=$3 commit date dest files previous
  commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/kubernetes/$name (git --git-dir=$git_dir tag -l 'v0.*')") || exit 1
  date=$(git --git-dir="$git_dir" log -1 --format=%cI "$commit")
  dest=$out_root/$name/$tag
  # The commit the committed facts came from (any tag), to show what changed when a check fails.
  previous=$(sed -n 's/^commit: //p' "$out_root/$name"/*/SOURCE 2>/dev/null | head -1)
  tmp=$(mktemp -d)
  # Extract first: a failed check leaves the committed files as they were.
  files=$(node "$root/scripts/lib/kubernetes-facts.js" "$name" "$git_dir" "$commit" "$tag" "$tmp/$out" "$previous") || { rm -rf "$tmp"; exit 1; }
  if [[ $name == apimachinery ]]; then
    constants_json "$git_dir" "$commit" > "$tmp/constants.json"
    files=$(printf '%s\n' "$files" "${CONSTANT_FILES[@]}" | LC_ALL=C sort -u)
  fi
  {
    printf 'repo: https://github.com/kubernetes/%s\ntag: %s\ncommit: %s\ndate: %s\n' "$name" "$tag" "$commit" "$date"
    printf 'content: data extracted from these files (no Go code copied):\n'
    printf '  - %s\n' $files
  } > "$tmp/SOURCE"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$tmp" "$dest"
  chmod 755 "$dest"
  echo "extracted facts of $(wc -w <<< "$files") files of $name $tag ($commit) into $dest"
}

extract apimachinery "$1" field-facts.json
extract apiserver "$2" cel-facts.json
extract apiextensions-apiserver "$3" cel-facts.json
