#!/usr/bin/env bash
# Inference latency per face of LibTorch, OpenCV DNN (float32, and OpenCV's own int8 when it runs)
# and onnxruntime (node: float32 and the QDQ int8 export) on the same model, one after the other
# (never concurrently), batch 1 and batch 8, then one table.
#
#   bench/compare_backends.sh [--threads 2] [--model mobilenetv3_small_48] [--checkpoint PATH]
#       [--calibration-data data/sample] [--iterations N] [--build build]
#     --iterations N: fixed count per measurement (a quick check: --iterations 3);
#     default 0: Google Benchmark decides, and onnxruntime runs 200 times (a real measurement).
# Without --checkpoint the model has random weights. Needs node and onnxruntime-node
# ($FERKIT_CACHE/npm/node_modules/onnxruntime-node, from scripts/setup.sh) for the onnxruntime rows.
# Run it on an otherwise idle machine; the table names the commit, CPU, threads and load.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS="${FERKIT_THREADS:-2}"
MODEL=mobilenetv3_small_48
CHECKPOINT=""
CALIBRATION=data/sample
ITERATIONS=0
BUILD=build
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    --checkpoint) CHECKPOINT="$2"; shift 2 ;;
    --calibration-data) CALIBRATION="$2"; shift 2 ;;
    --iterations) ITERATIONS="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "compare_backends.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
BENCH="$BUILD/bin/ferkit_backends_bench"
[[ -x "$BENCH" ]] || { echo "compare_backends.sh: $BENCH is not built (cmake --build $BUILD --target ferkit_backends_bench)" >&2; exit 1; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
CKPT_ARG=()
[[ -n "$CHECKPOINT" ]] && CKPT_ARG=(--checkpoint="$CHECKPOINT")
LOAD="$(cut -d' ' -f1 /proc/loadavg)"

echo "LibTorch and OpenCV DNN, $THREADS threads ..." >&2
OMP_NUM_THREADS="$THREADS" "$BENCH" --threads="$THREADS" --model="$MODEL" --iterations="$ITERATIONS" \
  --calibration-data="$CALIBRATION" --out-dir="$TMP" "${CKPT_ARG[@]}" \
  --benchmark_out="$TMP/cpp.json" --benchmark_out_format=json >&2

ORT_REPEAT=200
[[ "$ITERATIONS" != 0 ]] && ORT_REPEAT="$ITERATIONS"
ORT_ROWS="$TMP/ort.txt"
: > "$ORT_ROWS"
if command -v node >/dev/null && [[ -d "${FERKIT_CACHE:-.cache}/npm/node_modules/onnxruntime-node" ]]; then
  echo "onnxruntime (node), $THREADS threads ..." >&2
  SIZE="$(/usr/bin/python3 - "$TMP/model.onnx" <<'PY'
import sys
import onnx
m = onnx.load(sys.argv[1], load_external_data=False)
d = [x.dim_value for x in m.graph.input[0].type.tensor_type.shape.dim]
print(d[1], d[2], d[3])
PY
)"
  read -r C H W <<< "$SIZE"
  for batch in 1 8; do
    /usr/bin/python3 -c "import numpy as np, sys; np.random.default_rng(0).standard_normal(($batch,$C,$H,$W)).astype(np.float32).tofile(sys.argv[1])" "$TMP/in$batch.bin"
    for kind in model model-int8; do
      OUT="$(FERKIT_CACHE="${FERKIT_CACHE:-$PWD/.cache}" node tests/export/run_onnx.js "$TMP/$kind.onnx" "$TMP/in$batch.bin" \
        "$batch,$C,$H,$W" "$TMP/ort-$kind-$batch" "$THREADS" "$ORT_REPEAT")"
      echo "$kind $batch $OUT" >> "$ORT_ROWS"
    done
  done
else
  echo "compare_backends.sh: node or onnxruntime-node not found; onnxruntime rows skipped" >&2
fi

/usr/bin/python3 - "$TMP/cpp.json" "$ORT_ROWS" "$THREADS" "$MODEL" "$LOAD" "${CHECKPOINT:-random weights}" <<'PY'
import json, platform, subprocess, sys
cpp = json.load(open(sys.argv[1]))["benchmarks"]
rows = {}
for r in cpp:
    name, model, batch = r["name"].split("/")[:3]
    batch = int(batch.split(":")[1])
    if r.get("error_occurred"):
        rows[(name, batch)] = "skipped: " + r.get("error_message", "")[:60]
    else:
        rows[(name, batch)] = r["ms_per_face"]  # Google Benchmark counter: real ms per face
for line in open(sys.argv[2]):
    kind, batch, js = line.split(" ", 2)
    ms = json.loads(js)["ms_per_run"] / int(batch)
    rows[("OnnxruntimeNode" + ("Int8" if kind.endswith("int8") else ""), int(batch))] = ms
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"commit {commit}, {cpu}, {sys.argv[3]} threads, load {sys.argv[5]}, {sys.argv[4]} ({sys.argv[6]})")
print(f"{'backend':<22}{'batch 1 ms/face':>18}{'batch 8 ms/face':>18}")
for name in ["LibTorch", "OpenCvDnn", "OpenCvDnnInt8", "OnnxruntimeNode", "OnnxruntimeNodeInt8"]:
    cells = []
    for b in (1, 8):
        v = rows.get((name, b), "n/a")
        cells.append(f"{v:>18.3f}" if isinstance(v, float) else f"{v:>18}")
    print(f"{name:<22}{cells[0]}{cells[1]}")
PY
