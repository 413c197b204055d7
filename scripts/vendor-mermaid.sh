#!/usr/bin/env bash
# Re-copies the Mermaid files whose facts the service graphs rely on (cli/mermaid.ts), from a git
# clone of github.com/mermaid-js/mermaid at a release tag, into vendor/mermaid/<version>/ with a
# SOURCE file giving the repository, the tag and the commit: the flowchart syntax reference (node
# shapes, quoted labels and entity codes, links, subgraphs, classDef/class/linkStyle) and the
# configuration schema (the renderer's maxTextSize and maxEdges). cli/mermaid.test.ts checks them.
# Data files only (documentation and the configuration schema).
#
#   scripts/vendor-mermaid.sh <mermaid-git-dir> [tag]
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 <mermaid-git-dir> [tag]" >&2
  exit 2
fi
git_dir=$1
tag=${2:-mermaid@11.14.0}
version=${tag#mermaid@}
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/vendor/mermaid/$version
paths=(docs/syntax/flowchart.md packages/mermaid/src/schemas/config.schema.yaml)

commit=$(resolve_commit "$git_dir" "$tag" "a release tag such as mermaid@11.14.0") || exit 1
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${paths[@]}"
{
  printf 'repo: https://github.com/mermaid-js/mermaid\ntag: %s\ncommit: %s\npaths:\n' "$tag" "$commit"
  printf '  - %s\n' "${paths[@]}"
} > "$dest/SOURCE"
echo "vendored ${#paths[@]} files of mermaid $tag ($commit) into $dest"
