# Shared steps of the scripts/vendor-*.sh refresh scripts (sourced, not run): they copy upstream
# data files out of a git clone (bare is fine) at an exact commit, never code, never a build.

# The commit a tag (or any ref) points to, annotated tags peeled; prints the fix on failure.
#   resolve_commit <git-dir> <ref> <what to pass instead>
resolve_commit() {
  git --git-dir="$1" rev-parse --verify --quiet "$2^{commit}" || {
    echo "$0: '$2' is not a tag or commit of $1. Fix: pass $3" >&2
    return 1
  }
}

# Copies each path at the commit into <dest>/<path>, keeping upstream's relative paths.
#   copy_paths <git-dir> <commit> <dest> <path>...
copy_paths() {
  local git_dir=$1 commit=$2 dest=$3 f
  shift 3
  for f in "$@"; do
    mkdir -p "$dest/$(dirname "$f")"
    git --git-dir="$git_dir" show "$commit:$f" > "$dest/$f"
  done
}
