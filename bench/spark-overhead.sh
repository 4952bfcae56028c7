#!/usr/bin/env bash
# The Spark engine's overhead against the in-process run, interleaved so that a shared machine's
# load hits both alike: ROUNDS rounds of (in-process, spark) on the same evaluation. Prints one line
# per run: engine, wall seconds of the whole command, the evaluation's own seconds (JSON), gradient
# evaluations, robust accuracy; the JSONs are kept in $OUT. Masters are comma-separated.
#   bench/spark-overhead.sh 3 local[2]              # PGD-40 on 2,000 fashion-lenet images
#   bench/spark-overhead.sh 2 local[1],local[2] --last-iterate
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
masters=${2:-local[2]}
shift 2 || true
out=${OUT:-target/spark-overhead}
mkdir -p "$out"
args=(eval --victim fashion-lenet --attack pgd --eps 0.1 --steps 40 --limit 2000 --no-masking-checks "$@")
./robustgate eval --victim fashion-lenet --attack fgsm --eps 0.1 --limit 10 --no-masking-checks >/dev/null   # build, train or load once
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %5s %9s %9s %12s %9s\n' engine round wall_s eval_s grad_evals robust
for r in $(seq 1 "$rounds"); do
  for engine in in-process ${masters//,/ }; do
    json="$out/$engine-$r.json"
    extra=()
    [ "$engine" != in-process ] && extra=(--engine spark --master "$engine")
    t0=$(date +%s.%N)
    ./robustgate "${args[@]}" "${extra[@]}" --json "$json" >/dev/null
    t1=$(date +%s.%N)
    python3 - "$engine" "$r" "$t0" "$t1" "$json" <<'PY'
import json, sys
engine, r, t0, t1, path = sys.argv[1:]
j = json.load(open(path))
print(f"{engine:<12} {r:>5} {float(t1) - float(t0):9.1f} {j['seconds']:9.1f} {j['total_gradient_evaluations']:12d} {j['results'][0]['robust_accuracy']:9.4f}")
PY
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
