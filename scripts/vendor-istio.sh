#!/usr/bin/env bash
# Re-copies the Istio files the platform's upstream contract tests read (infra/istio.upstream.test.ts)
# from a git clone of github.com/istio/istio, at a release tag, into vendor/istio/<tag>/ with the
# upstream relative paths, and records the commit in vendor/istio/<tag>/SOURCE.
# Data files only (values, schema, chart templates, the injector's test output): no Go code, no build.
#
#   scripts/vendor-istio.sh <istio-git-dir> <tag> [out-root]
#
# <istio-git-dir> may be a bare repository. out-root defaults to vendor/istio of this repository;
# pass another directory to try a candidate version without touching the vendored one.
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <istio-git-dir> <tag> [out-root]" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)
out_root=${3:-$root/vendor/istio}

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/istio/istio (git --git-dir=$git_dir tag -l)") || exit 1

# The list the tests rely on; infra/istio.upstream.test.ts checks the vendored directory holds exactly these.
# pkg/kube/inject/testdata/inject/hello.yaml.injected is the injector's expected output for a plain pod:
# the merged-metrics annotations (15020 /stats/prometheus) and the inbound ports it leaves uncaptured.
FILES=(
  manifests/charts/base/Chart.yaml
  manifests/charts/base/values.yaml
  manifests/charts/base/files/profile-platform-gke.yaml
  manifests/charts/base/templates/zzz_profile.yaml
  manifests/charts/istio-cni/Chart.yaml
  manifests/charts/istio-cni/values.yaml
  manifests/charts/istio-cni/files/profile-platform-gke.yaml
  manifests/charts/istio-cni/templates/daemonset.yaml
  manifests/charts/istio-cni/templates/resourcequota.yaml
  manifests/charts/istio-cni/templates/zzy_descope_legacy.yaml
  manifests/charts/istio-cni/templates/zzz_profile.yaml
  manifests/charts/istio-control/istio-discovery/Chart.yaml
  manifests/charts/istio-control/istio-discovery/values.yaml
  manifests/charts/istio-control/istio-discovery/files/gateway-injection-template.yaml
  manifests/charts/istio-control/istio-discovery/files/injection-template.yaml
  manifests/charts/istio-control/istio-discovery/files/profile-platform-gke.yaml
  manifests/charts/istio-control/istio-discovery/templates/configmap.yaml
  manifests/charts/istio-control/istio-discovery/templates/deployment.yaml
  manifests/charts/istio-control/istio-discovery/templates/istiod-injector-configmap.yaml
  manifests/charts/istio-control/istio-discovery/templates/zzy_descope_legacy.yaml
  manifests/charts/istio-control/istio-discovery/templates/zzz_profile.yaml
  manifests/charts/gateway/Chart.yaml
  manifests/charts/gateway/values.yaml
  manifests/charts/gateway/values.schema.json
  manifests/charts/gateway/files/profile-platform-gke.yaml
  manifests/charts/gateway/templates/_helpers.tpl
  manifests/charts/gateway/templates/deployment.yaml
  manifests/charts/gateway/templates/service.yaml
  manifests/charts/gateway/templates/serviceaccount.yaml
  manifests/charts/gateway/templates/zzz_profile.yaml
  pkg/kube/inject/testdata/inject/hello.yaml.injected
)

dest=$out_root/$tag
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${FILES[@]}"
# Every values.schema.json of the four charts is vendored: fail if upstream adds one we would miss.
for chart in base istio-cni istio-control/istio-discovery gateway; do
  schema=manifests/charts/$chart/values.schema.json
  if git --git-dir="$git_dir" cat-file -e "$commit:$schema" 2>/dev/null && [[ ! -f $dest/$schema ]]; then
    echo "$0: $tag has $schema; add it to FILES and validate our values against it" >&2
    exit 1
  fi
done
printf 'repo: https://github.com/istio/istio\ntag: %s\ncommit: %s\n' "$tag" "$commit" > "$dest/SOURCE"
echo "vendored ${#FILES[@]} files of istio $tag ($commit) into $dest"
