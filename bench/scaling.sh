#!/bin/sh
# Images/s of `ferkit train` at 1 and 2 local ranks (same global batch, 1 torch thread per rank)
# on the bundled sample or another recipe. Expect little gain on a 2-core machine shared with
# others: the point of 2 ranks here is correctness; the figure shows the all-reduce overhead.
#
#   bench/scaling.sh [recipe] [global batch] [epochs] [key=value ...]
#   bench/scaling.sh configs/smoke.toml 32 2
#   bench/scaling.sh configs/mobilenetv3_small.toml 128 2 data.limit_train=4096   # FERPlus in ../shared
set -eu
cd "$(dirname "$0")/.."
recipe=${1:-configs/smoke.toml}
batch=${2:-32}
epochs=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
exe=build/bin/ferkit
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common="threads=1 loader.threads=1 epochs=$epochs $*"
export OMP_NUM_THREADS=1
# Train images/s of the last epoch (the first includes start-up) from metrics.jsonl.
rate() { tail -n 1 "$1/metrics.jsonl" | sed 's/.*"train_images_per_s":\([0-9.e+-]*\).*/\1/'; }
$exe -q train --config "$recipe" --out "$out/n1" $common "loader.batch_size=$batch" >/dev/null
echo "1 rank : $(rate "$out/n1") images/s (batch $batch)"
$exe -q train --config "$recipe" --nproc 2 --out "$out/n2" $common "loader.batch_size=$((batch / 2))" >/dev/null
echo "2 ranks: $(rate "$out/n2") images/s (global batch $batch, rank 0's wall clock)"
