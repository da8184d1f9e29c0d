#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), configures and builds ferkit into build/.
# Quiet unless something fails; prints the build log's errors when it does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
jobs="$(nproc 2>/dev/null || echo 2)"
log="$here/build/build.log"
mkdir -p "$here/build"
if ! { cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release && cmake --build "$here/build" -j"$jobs"; } >"$log" 2>&1; then
  grep -E "error|Error" "$log" | head -40 >&2 || tail -40 "$log" >&2
  echo "build failed; full log: $log" >&2
  exit 1
fi
