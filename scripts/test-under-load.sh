#!/usr/bin/env bash
# Runs the cluster and process tests while every core is kept busy by a CPU hog, as a loaded CI machine or a
# developer's laptop would. A test that passes alone and fails here is a bug in the product or the test, never
# "flaky" (issue 13). Usage: scripts/test-under-load.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Rejoin]
set -euo pipefail
cd "$(dirname "$0")/.."

hogs=()
stop_hogs() {
  for pid in "${hogs[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
}
trap stop_hogs EXIT INT TERM

cores=$(nproc)
echo "test-under-load: starting $cores CPU hog(s)"
for _ in $(seq 1 "$cores"); do
  ( trap 'exit 0' TERM; while :; do :; done ) &
  hogs+=("$!")
done

status=0
for project in tests/ActorCausal.Tests tests/ActorCausal.Streams.Tests tests/GroupChat.Tests tests/CollabEditor.Tests; do
  echo "test-under-load: $project"
  dotnet test "$project" -c Release "$@" || status=1
done
exit "$status"
