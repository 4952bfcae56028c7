#!/usr/bin/env bash
# Interleaved A/B of two ./robustgate bench configurations: A, B, A, B, ... for R rounds, so that a
# change of machine load hits both arms alike. Prints each case's median samples/s per arm and the
# ratio of medians over rounds (B time / A time: below 1 means B is faster).
#
#   bench/ab.sh ROUNDS "A options" "B options" common bench options...
#   e.g. bench/ab.sh 3 "--execution dl4j-layers" "--execution direct-ops" --victim fashion-lenet --limit 512 --cases gradient
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1; a=$2; b=$3; shift 3
out=${AB_OUT:-target/ab}; mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for arm in A B; do
    opts=$([ $arm = A ] && echo "$a" || echo "$b")
    # shellcheck disable=SC2086
    ./robustgate bench "$@" $opts --json "$out/$arm-$r.json" > "$out/$arm-$r.log" 2>&1 \
      || { echo "arm $arm round $r failed: see $out/$arm-$r.log" >&2; exit 1; }
  done
done
/usr/bin/python3 - "$out" "$rounds" "$a" "$b" <<'PY'
import json, statistics, sys
out, rounds, a, b = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def load(arm, r):
    with open(f"{out}/{arm}-{r}.json") as f:
        return {c["name"]: c for c in json.load(f)["cases"]}
print(f"A = {a!r}   B = {b!r}   ({rounds} interleaved rounds)")
names = list(load("A", 1))
for n in names:
    ta = [load("A", r)[n]["median"] for r in range(1, rounds + 1)]
    tb = [load("B", r)[n]["median"] for r in range(1, rounds + 1)]
    s = load("A", 1)[n]["samples"]
    ratios = [y / x for x, y in zip(ta, tb)]
    print(f"  {n:<12} A {s / statistics.median(ta):8.1f}/s  B {s / statistics.median(tb):8.1f}/s  "
          f"B/A time {statistics.median(ratios):.3f} (rounds: {', '.join(f'{q:.2f}' for q in ratios)})")
PY
