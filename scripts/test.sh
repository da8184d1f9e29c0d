#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing, build, run CTest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/build.sh"
jobs="$(nproc 2>/dev/null || echo 2)"
cd "$here/build"
ctest -j"$jobs" --output-on-failure --timeout 600
