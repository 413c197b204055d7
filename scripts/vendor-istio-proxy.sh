#!/usr/bin/env bash
# Re-copies the istio/proxy test data that states the labels of `istio_requests_total` as the
# server sidecar reports them (reporter="destination"), which charts/slo.upstream.test.ts checks the
# SLO's PromQL against. The proxy commit is the one the Istio release pins (`PROXY_REPO_SHA` in
# istio.deps at the tag), so a bump of Istio re-checks the labels. Copied from git clones of
# github.com/istio/istio and github.com/istio/proxy into vendor/istio-proxy/<istio tag>/ with
# upstream's relative paths and a SOURCE file. Data files only (the test templates and istio.deps).
#
#   scripts/vendor-istio-proxy.sh <istio-git-dir> <istio-tag> <proxy-git-dir>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <istio-git-dir> <istio-tag> <proxy-git-dir>" >&2
  exit 2
fi
istio_dir=$1
tag=$2
proxy_dir=$3
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/vendor/istio-proxy/$tag
files=(testdata/metric/server_request_total.yaml.tmpl)

istio_commit=$(resolve_commit "$istio_dir" "refs/tags/$tag" "a release tag of github.com/istio/istio (1.30.3)") || exit 1
deps=$(git --git-dir="$istio_dir" show "$istio_commit:istio.deps")
proxy_sha=$(node -e 'const d = JSON.parse(process.argv[1]); process.stdout.write(d.find((x) => x.name === "PROXY_REPO_SHA").lastStableSHA)' "$deps")
proxy_commit=$(resolve_commit "$proxy_dir" "$proxy_sha" "a clone of github.com/istio/proxy that has $proxy_sha") || exit 1
rm -rf "$dest"
mkdir -p "$dest"
printf '%s\n' "$deps" > "$dest/istio.deps"
copy_paths "$proxy_dir" "$proxy_commit" "$dest" "${files[@]}"
{
  printf 'repo: https://github.com/istio/proxy\ncommit: %s\n' "$proxy_commit"
  printf 'pinned by: https://github.com/istio/istio tag %s commit %s, istio.deps PROXY_REPO_SHA (copied as istio.deps)\npaths:\n' "$tag" "$istio_commit"
  printf '  - %s\n' "${files[@]}"
} > "$dest/SOURCE"
echo "vendored ${#files[@]} file(s) of istio/proxy $proxy_commit (pinned by istio $tag) into $dest"
