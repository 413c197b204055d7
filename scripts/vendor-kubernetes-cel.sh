#!/usr/bin/env bash
# Re-copies the Kubernetes Go sources that charts/apiserver/cel ports (how the API server runs a
# CRD's x-kubernetes-validations rules on create, the CEL libraries it registers, the field.Error
# text) from bare git clones of the staging repositories, at one tag, into
# vendor/kubernetes/<repo>/<tag>/<upstream path> with a SOURCE file per repository.
# Go source unchanged: it is the upstream fact the tests in charts/apiserver/cel read.
#
#   scripts/vendor-kubernetes-cel.sh <apiextensions-apiserver-git-dir> <apiserver-git-dir> <apimachinery-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 4 ]]; then
  echo "usage: $0 <apiextensions-apiserver-git-dir> <apiserver-git-dir> <apimachinery-git-dir> <tag (v0.35.7)>" >&2
  exit 2
fi
tag=$4
root=$(cd "$(dirname "$0")/.." && pwd)

# vendor_repo <name> <git-dir> <path>...
vendor_repo() {
  local name=$1 git_dir=$2 commit date dest
  shift 2
  commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a tag of github.com/kubernetes/$name (git --git-dir=$git_dir tag -l 'v0.35.*')") || exit 1
  date=$(git --git-dir="$git_dir" log -1 --format=%cI "$commit")
  dest=$root/vendor/kubernetes/$name/$tag
  # Other refresh scripts vendor other files of the same repository and tag into the same
  # directory: only our paths are rewritten, and SOURCE holds facts common to all of them.
  copy_paths "$git_dir" "$commit" "$dest" "$@"
  printf 'repo: https://github.com/kubernetes/%s\ntag: %s\ncommit: %s\ndate: %s\n' "$name" "$tag" "$commit" "$date" > "$dest/SOURCE"
  echo "vendored $# files of $name $tag ($commit) into $dest"
}

vendor_repo apiextensions-apiserver "$1" \
  pkg/apiserver/schema/cel/validation.go \
  pkg/apiserver/schema/cel/compilation.go \
  pkg/apiserver/schema/cel/model/schemas.go \
  pkg/apiserver/schema/defaulting/algorithm.go \
  pkg/registry/customresource/strategy.go

vendor_repo apiserver "$2" \
  pkg/cel/escaping.go \
  pkg/cel/common/schemas.go \
  pkg/cel/common/valuesunstructured.go \
  pkg/cel/environment/base.go \
  pkg/cel/library/urls.go \
  pkg/cel/library/lists.go \
  pkg/cel/library/regex.go \
  pkg/cel/url.go

vendor_repo apimachinery "$3" \
  pkg/util/validation/field/errors.go \
  pkg/util/validation/field/path.go
