#!/usr/bin/env bash
# Re-copies the Managed Service for Prometheus files the platform relies on from a git clone of
# github.com/GoogleCloudPlatform/prometheus-engine, at a release tag, into
# vendor/prometheus-engine/<tag>/ with the upstream relative paths, and records the commit in SOURCE:
# - the CRDs of PodMonitoring, ClusterPodMonitoring and Rules, which `npm run import:monitoring`
#   turns into typed constructs (imports/monitoring.googleapis.com.ts) and charts/schema.ts
#   validates synthesized objects against;
# - the collector's DaemonSet template, its labels and the system namespace, which the app
#   namespaces' NetworkPolicy lets scrape the sidecars (charts/observability/monitoring.test.ts).
# GKE's managed collection runs the same operator and collectors in gmp-system.
# Data files only (CRD YAML, chart templates and values): no Go code, no build.
#
#   scripts/vendor-prometheus-engine.sh <prometheus-engine-git-dir> <tag>
set -euo pipefail
# shellcheck source=lib/vendor.sh
source "$(dirname "$0")/lib/vendor.sh"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <prometheus-engine-git-dir> <tag>" >&2
  exit 2
fi
git_dir=$1
tag=$2
root=$(cd "$(dirname "$0")/.." && pwd)

commit=$(resolve_commit "$git_dir" "refs/tags/$tag" "a release tag of github.com/GoogleCloudPlatform/prometheus-engine (e.g. v0.17.2)") || exit 1

# The list the tests rely on; charts/observability/monitoring.test.ts checks the directory holds exactly these.
FILES=(
  charts/operator/crds/monitoring.googleapis.com_clusterpodmonitorings.yaml
  charts/operator/crds/monitoring.googleapis.com_podmonitorings.yaml
  charts/operator/crds/monitoring.googleapis.com_rules.yaml
  charts/operator/templates/_helpers.tpl
  charts/operator/templates/collector.yaml
  charts/values.global.yaml
)

dest=$root/vendor/prometheus-engine/$tag
rm -rf "$dest"
copy_paths "$git_dir" "$commit" "$dest" "${FILES[@]}"
printf 'repo: https://github.com/GoogleCloudPlatform/prometheus-engine\ntag: %s\ncommit: %s\n' "$tag" "$commit" > "$dest/SOURCE"
echo "vendored ${#FILES[@]} files of prometheus-engine $tag ($commit) into $dest"
