#!/usr/bin/env bash
# The main job on the embedded default: builds ferkit if needed, then runs `ferkit demo`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/build.sh"
cd "$here"
exec "$here/build/bin/ferkit" demo "$@"
