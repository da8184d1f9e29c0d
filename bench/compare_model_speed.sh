#!/usr/bin/env bash
# ferkit (LibTorch C++) vs PyTorch (python3-torch) on the identical model, one after the other
# (never concurrently: two torch jobs on a 2-core machine oversubscribe OpenMP), then one table:
# training images/s (batch 64, 48x48 gray, forward + backward + AdamW) and batch-1 latency.
#
#   bench/compare_model_speed.sh [--threads 2] [--models a,b] [--batch 64] [--iterations N] [--build build]
#     --iterations N: fixed count per measurement (a quick check: --iterations 2);
#     default 0: Google Benchmark / --min-time decide (a real measurement: ~1 minute).
# Run it on an otherwise idle machine; the table names the commit, CPU and threads.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${FERKIT_THREADS:-2}"
MODELS="mobilenetv3_small_48,resnet18_48"
ITERATIONS=0
BATCH=64
BUILD=build
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --models) MODELS="$2"; shift 2 ;;
    --iterations) ITERATIONS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "compare_model_speed.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
BENCH="$BUILD/bin/ferkit_model_speed_bench"
[[ -x "$BENCH" ]] || { echo "compare_model_speed.sh: $BENCH is not built (cmake --build $BUILD --target ferkit_model_speed_bench)" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "ferkit (LibTorch C++), $THREADS threads ..." >&2
OMP_NUM_THREADS="$THREADS" "$BENCH" --threads="$THREADS" --models="$MODELS" --iterations="$ITERATIONS" --batch="$BATCH" \
  --benchmark_out="$TMP/ferkit.json" --benchmark_out_format=json >&2
PARAMS="$(/usr/bin/python3 -c '
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
print(",".join(sorted({r["name"].split("/")[1] + "=" + str(int(r["params"])) for r in runs})))' "$TMP/ferkit.json")"

echo "PyTorch (python3), $THREADS threads ..." >&2
PY_ITER=()
[[ "$ITERATIONS" != 0 ]] && PY_ITER=(--iterations "$ITERATIONS")
OMP_NUM_THREADS="$THREADS" /usr/bin/python3 bench/python/model_speed.py --threads "$THREADS" --models "$MODELS" --batch "$BATCH" \
  --expect-params "$PARAMS" --json "$TMP/python.json" "${PY_ITER[@]}" >&2

/usr/bin/python3 - "$TMP/ferkit.json" "$TMP/python.json" "$THREADS" <<'PY'
import json, platform, subprocess, sys
fk = {r["name"].split("/")[0] + "/" + r["name"].split("/")[1]: r for r in json.load(open(sys.argv[1]))["benchmarks"]}
py = {r["model"]: r for r in json.load(open(sys.argv[2]))}
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
import torch
print(f"commit {commit}, {cpu}, {sys.argv[3]} threads, torch {torch.__version__}")
print(f"{'model':<22}{'params':>10}  {'metric':<26}{'ferkit':>10}{'pytorch':>10}{'ferkit speed-up':>17}")
for arch, p in py.items():
    t, i = fk["TrainStep/" + arch], fk["InferBatch1/" + arch]
    f_ips, p_ips = t["items_per_second"], p["train_images_per_s"]
    f_ms = i["real_time"] if i["time_unit"] == "ms" else i["real_time"] / 1e6
    p_ms = p["infer_ms"]
    print(f"{arch:<22}{p['params']:>10}  {'train images/s (b=' + str(p['batch']) + ')':<26}{f_ips:>10.1f}{p_ips:>10.1f}{f_ips / p_ips:>16.2f}x")
    print(f"{'':<22}{'':>10}  {'batch-1 latency ms':<26}{f_ms:>10.2f}{p_ms:>10.2f}{p_ms / f_ms:>16.2f}x")
PY
