#!/usr/bin/env bash
# npm test: the type check with lint (npm run check: one process, one TypeScript program) and the
# format check run beside Jest instead of before it. Each is one process on one core, so run first
# they left the second core idle for their whole time. Their output is shown after Jest's, and the
# run fails if any of them fails.
# Arguments go to Jest: npm test -- cli/plan.test.ts
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

checks=(check format:check)
declare -A pids
for check in "${checks[@]}"; do
  npm run --silent "$check" >"$logs/$check" 2>&1 &
  pids[$check]=$!
done

# Jest runs at a lower priority: the check is one process and the longest task, and it finished
# after jest when the three shared the two cores equally (48 s instead of 42 s).
nice -n 10 npx jest "$@"
status=$?
for check in "${checks[@]}"; do
  if wait "${pids[$check]}"; then
    continue
  fi
  status=1
  echo "npm run $check failed:"
  cat "$logs/$check"
done
exit "$status"
