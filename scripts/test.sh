#!/usr/bin/env bash
# npm test: the type check, and the lint once `npm run lint` exists, run beside Jest instead of
# before it. Each is one process on one core, so run first they left the second core idle for
# their whole time. Their output is shown after Jest's, and the run fails if any of them fails.
# Arguments go to Jest: npm test -- cli/plan.test.ts
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

npm run --silent typecheck >"$logs/typecheck" 2>&1 &
typecheck=$!
npm run --silent --if-present lint >"$logs/lint" 2>&1 &
lint=$!

npx jest "$@"
status=$?
for check in typecheck lint; do
  if wait "${!check}"; then
    continue
  fi
  status=1
  echo "npm run $check failed:"
  cat "$logs/$check"
done
exit "$status"
