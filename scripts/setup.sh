#!/usr/bin/env bash
# Installs everything ferkit needs on Debian 12, from Debian's archive and the npm registry.
# Idempotent and quiet: it installs only what is missing and prints nothing unless it fails.
# Usage: scripts/setup.sh            (the README's commands call it for you)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Build and runtime dependencies (Debian names). libopenblas0-openmp matters: without it BLAS
# falls back to the reference implementation and batch-1 inference is ~10x slower.
packages=(
  build-essential cmake pkg-config ccache git
  libtorch-dev libopenblas0-openmp
  libopencv-dev opencv-data libdlib-dev libdlib-data
  libonnx-dev libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libssl-dev libzip-dev libmatio-dev libbiosig-dev libgloo-dev
  # reference peers for tests and benchmarks (called as /usr/bin/python3)
  python3 python3-numpy python3-torch python3-torchvision python3-sklearn python3-onnx python3-mne
  # the HTML report's render check
  chromium
)
# npm peers (onnxruntime-node, face-api photos, weights and runtime) need node; many machines already have
# a newer one than Debian's, so Debian's is installed only when none is present.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
fail() { echo "setup: $1 (log follows)" >&2; cat "$log" >&2; exit 1; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 || fail "apt-get update failed"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >>"$log" 2>&1 || fail "apt-get install ${missing[*]} failed"
fi

# npm material goes to a cache directory, never into git.
cache="${FERKIT_CACHE:-$here/.cache}"
mkdir -p "$cache/npm"
if command -v npm >/dev/null 2>&1; then
  # face-api ships the demo photos (demo/sample1..6.jpg) and pretrained weights (model/).
  if [ ! -f "$cache/npm/face-api/package.json" ]; then
    (cd "$cache/npm" && npm pack --silent @vladmandic/face-api@1.7.15 >"$log" 2>&1 \
      && mkdir -p face-api && tar -xzf vladmandic-face-api-1.7.15.tgz -C face-api --strip-components=1 \
      && rm -f vladmandic-face-api-1.7.15.tgz) || fail "npm pack @vladmandic/face-api failed"
  fi
  # onnxruntime-node: a reference runtime for exported ONNX models (CPU binaries ship in the
  # package; the install hook would fetch GPU binaries, which we skip).
  if [ ! -d "$cache/npm/node_modules/onnxruntime-node" ]; then
    (cd "$cache/npm" && [ -f package.json ] || echo '{"name":"ferkit-peers","private":true}' > "$cache/npm/package.json"
     cd "$cache/npm" && ONNXRUNTIME_NODE_INSTALL=skip npm install --silent --no-audit --no-fund \
       onnxruntime-node@1.22.0 --ignore-scripts >"$log" 2>&1) || fail "npm install onnxruntime-node failed"
  fi
  # face-api's own runtime, the reference peer of the faceapi parity tests and speed comparison:
  # its node build runs offline on tfjs with the wasm backend (the .wasm binaries ship in the package).
  wasm_dist="$cache/npm/node_modules/@tensorflow/tfjs-backend-wasm/dist"
  if [ ! -f "$cache/npm/node_modules/@tensorflow/tfjs/package.json" ] || [ ! -f "$wasm_dist/tfjs-backend-wasm.wasm" ]; then
    [ -f "$cache/npm/package.json" ] || echo '{"name":"ferkit-peers","private":true}' > "$cache/npm/package.json"
    (cd "$cache/npm" && npm install --silent --no-audit --no-fund --ignore-scripts \
       @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 >"$log" 2>&1) || fail "npm install @tensorflow/tfjs failed"
  fi
  for f in tfjs-backend-wasm.wasm tfjs-backend-wasm-simd.wasm tfjs-backend-wasm-threaded-simd.wasm; do
    [ -f "$wasm_dist/$f" ] || { echo "missing $wasm_dist/$f" >"$log"; fail "@tensorflow/tfjs-backend-wasm has no $f"; }
  done
fi
