#!/usr/bin/env bash
# Re-copies the metadata file (action.yml) of every action in .github/action-pins.yml, at the
# pinned release tag, from git mirrors of the actions' repositories into
# vendor/actions/<owner>/<repo>/<version>/ (and the action.yml of each top-level directory that
# has one, for repositories of several actions used as owner/repo/<dir>@sha, such as
# github/codeql-action/upload-sarif, into .../<version>/<dir>/), with a SOURCE file giving the repository, the tag
# and the commit the tag points to (annotated tags peeled). The commit is what
# `npm run pin-actions` writes into the workflows; test/workflow-actions.test.ts checks every
# `with:` against the vendored inputs. Versions no longer in the table are removed.
# Data files only: no action code.
#
#   scripts/vendor-actions.sh <mirrors-dir> [pin-table]
#
# <mirrors-dir> holds one git dir (bare or not) per action: <owner>+<repo>/repo or <owner>/<repo>.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 <mirrors-dir> [pin-table]" >&2
  exit 2
fi
mirrors=$1
root=$(cd "$(dirname "$0")/.." && pwd)
table=${2:-$root/.github/action-pins.yml}
out_root=$root/vendor/actions

line_re='^([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+): (v[0-9]+\.[0-9]+\.[0-9]+)$'
kept=()
count=0
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  if [[ ! "$line" =~ $line_re ]]; then
    echo "$table: '$line' is not 'owner/repo: vX.Y.Z'. Fix: write one action per line, e.g. 'actions/checkout: v7.0.1'" >&2
    exit 1
  fi
  owner=${BASH_REMATCH[1]} repo=${BASH_REMATCH[2]} tag=${BASH_REMATCH[3]}
  git_dir=""
  for candidate in "$mirrors/$owner+$repo/repo" "$mirrors/$owner/$repo"; do
    if [[ -d "$candidate" ]]; then git_dir=$candidate; break; fi
  done
  if [[ -z "$git_dir" ]]; then
    echo "$0: no mirror of $owner/$repo in $mirrors (looked for $owner+$repo/repo and $owner/$repo). Fix: clone https://github.com/$owner/$repo there" >&2
    exit 1
  fi
  commit=$(git -C "$git_dir" rev-parse --verify --quiet "refs/tags/$tag^{commit}") || {
    echo "$0: tag '$tag' not found in $git_dir. Fix: fetch its tags, or pick one of: $(git -C "$git_dir" tag -l 'v*' --sort=-v:refname | head -5 | tr '\n' ' ')" >&2
    exit 1
  }
  file=""
  for name in action.yml action.yaml; do
    if git -C "$git_dir" cat-file -e "$commit:$name" 2>/dev/null; then file=$name; break; fi
  done
  if [[ -z "$file" ]]; then
    echo "$0: $owner/$repo $tag ($commit) has no action.yml or action.yaml at its root" >&2
    exit 1
  fi
  dest=$out_root/$owner/$repo/$tag
  rm -rf "$dest"
  mkdir -p "$dest"
  git -C "$git_dir" show "$commit:$file" > "$dest/$file"
  # Actions in top-level directories (owner/repo/<dir>@sha).
  while IFS= read -r sub; do
    mkdir -p "$dest/$(dirname "$sub")"
    git -C "$git_dir" show "$commit:$sub" > "$dest/$sub"
  done < <(git -C "$git_dir" ls-tree -r --name-only "$commit" | grep -E '^[^/.][^/]*/action\.ya?ml$' | sort)
  printf 'repo: https://github.com/%s/%s\ntag: %s\ncommit: %s\n' "$owner" "$repo" "$tag" "$commit" > "$dest/SOURCE"
  kept+=("$owner/$repo/$tag")
  count=$((count + 1))
done < "$table"

# Drop vendored versions (and actions) the table no longer names.
if [[ -d "$out_root" ]]; then
  while IFS= read -r dir; do
    rel=${dir#"$out_root/"}
    keep=false
    for k in "${kept[@]}"; do [[ "$k" == "$rel" ]] && keep=true; done
    if [[ $keep == false ]]; then rm -rf "$dir"; echo "removed $rel (not in $table)"; fi
  done < <(find "$out_root" -mindepth 3 -maxdepth 3 -type d | sort)
  find "$out_root" -mindepth 1 -type d -empty -delete
fi
echo "vendored $count actions into $out_root"
