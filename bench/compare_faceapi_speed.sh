#!/usr/bin/env bash
# face-api's expression model: ms per face through ferkit (LibTorch, 1 and 2 threads) and through
# face-api itself (its node build, tfjs wasm backend), on the same face crops, one after the other
# (never concurrently), then one table. Crops: the faces face-api's tiny face detector finds on its
# demo photos (demo/sample1..6.jpg), cut as face-api cuts them.
#
#   bench/compare_faceapi_speed.sh [--threads 1,2] [--repeat 50] [--min-time 2] [--build build]
# Needs FERKIT_CACHE (or .cache/) with face-api and @tensorflow/tfjs(-backend-wasm) from
# scripts/setup.sh, node, and build/bin/ferkit_faceapi_speed_bench. Run it on an idle machine; the
# table names the commit, CPU, load and backends.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="1,2"
REPEAT=50
MIN_TIME=2
BUILD=build
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --min-time) MIN_TIME="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "compare_faceapi_speed.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
CACHE="${FERKIT_CACHE:-$PWD/.cache}"
BENCH="$BUILD/bin/ferkit_faceapi_speed_bench"
[[ -x "$BENCH" ]] || { echo "compare_faceapi_speed.sh: $BENCH is not built (cmake --build $BUILD --target ferkit_faceapi_speed_bench)" >&2; exit 1; }
command -v node >/dev/null || { echo "compare_faceapi_speed.sh: node is not installed" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

FERKIT_CACHE="$CACHE" OMP_NUM_THREADS=1 "$BENCH" --write-crops="$TMP/crops" >&2
IFS=',' read -r -a TLIST <<< "$THREADS"
for t in "${TLIST[@]}"; do
  echo "ferkit (LibTorch), $t thread(s) ..." >&2
  FERKIT_CACHE="$CACHE" OMP_NUM_THREADS="$t" "$BENCH" --crops="$TMP/crops" --threads="$t" --benchmark_min_time="$MIN_TIME" \
    --benchmark_out="$TMP/ferkit_$t.json" --benchmark_out_format=json >&2
done
echo "face-api (node, tfjs wasm) ..." >&2
CROPS="$(ls "$TMP"/crops/*.ppm | paste -sd, -)"
node tests/faceapi/faceapi_peer.js --cache "$CACHE/npm" --crops "$CROPS" --repeat "$REPEAT" > "$TMP/node.json"

/usr/bin/python3 - "$TMP" "$THREADS" <<'PY'
import json, os, platform, subprocess, sys
tmp, threads = sys.argv[1], sys.argv[2].split(",")
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
node = json.load(open(os.path.join(tmp, "node.json")))
crops = node["crops"]
print(f"commit {commit}, {cpu}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {len(crops)} face crops from face-api's demo photos")
print(f"{'runtime':<44}{'threads':>8}{'ms/face':>10}")
for t in threads:
    b = json.load(open(os.path.join(tmp, f"ferkit_{t}.json")))["benchmarks"][0]
    print(f"{'ferkit faceapi backend (LibTorch 1.13)':<44}{t:>8}{1000.0 / b['items_per_second']:>10.2f}")
ms = sum(c["ms_per_face"] for c in crops) / len(crops)
print(f"{'face-api ' + node['face_api'] + ' node, tfjs ' + node['tfjs'] + ' ' + node['backend']:<44}{1:>8}{ms:>10.2f}")
PY
