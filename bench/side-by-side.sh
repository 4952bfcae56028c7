#!/usr/bin/env bash
# PyTorch reference vs RobustGate on the same LeNet weights, on this machine, in one run.
# The cases alternate between the two sides (torch case, then the same RobustGate case), so that
# a change of machine load hits both. Prints a markdown table with the ratio RobustGate / PyTorch.
#
#   bench/side-by-side.sh [--model lenet|resnet|mlp] [--format keras|onnx] [--limit N] [--train-limit N] [--reps R]
#                         [--long-reps R] [--batch-size B] [--threads T] [--warmup W] [--cases LIST] [--out DIR]
#
# --model lenet (default): the PyTorch reference's LeNet, as below. --model resnet|mlp: a committed test model
# (src/test/resources/models, see src/test/python/README.md); the torch side (bench/torch_model_bench.py) reads
# its weights back from the committed Keras file, RobustGate loads the --format file (default onnx); cases
# inference, gradient, fgsm, pgd40 (no training epoch: the recipe is the LeNet's). Needs only /usr/bin/python3
# with torch and h5py. E.g. the residual CNN, full size:
#   bench/side-by-side.sh --model resnet --limit 10000 --long-reps 1
#
# --reps applies to inference, gradient and FGSM; --long-reps (default 1) to PGD-40 and the training epoch.
# Full size (the numbers for the issue, about 30 min on 2 quiet cores):
#   bench/side-by-side.sh --limit 10000 --train-limit 60000
# Needs /usr/bin/python3 with torch (apt-get install python3-torch), the PyTorch reference in
# $REF_DIR (default: ../shared/reference beside this repository) and its outputs in $REF_OUT
# (default: ../ref-out): lenet_fmnist.pt and lenet_fmnist_keras.h5, the same weights.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=1000; train_limit=60000; reps=3; long_reps=1; batch=1000; threads=2; out=target/side-by-side; warmup=1
cases="inference,gradient,fgsm,pgd40,train_epoch"; model=lenet; format=onnx; cases_set=0
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2;; --format) format=$2; shift 2;;
    --limit) limit=$2; shift 2;; --train-limit) train_limit=$2; shift 2;; --reps) reps=$2; shift 2;; --long-reps) long_reps=$2; shift 2;;
    --batch-size) batch=$2; shift 2;; --threads) threads=$2; shift 2;; --out) out=$2; shift 2;;
    --warmup) warmup=$2; shift 2;; --cases) cases=$2; cases_set=1; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
case $model in
  lenet) ;;
  resnet|mlp)
    [ $cases_set = 1 ] || cases="inference,gradient,fgsm,pgd40"
    case $cases in *train_epoch*) echo "train_epoch is the LeNet's recipe; not for --model $model" >&2; exit 2;; esac
    case $format in
      onnx) model_file=src/test/resources/models/${model}_bn_fmnist.onnx;;
      keras) model_file=src/test/resources/models/${model}_bn_fmnist.h5;;
      *) echo "--format must be keras or onnx, got $format" >&2; exit 2;;
    esac;;
  rgb) echo "--model rgb needs tinted Fashion-MNIST as a RobustGate dataset (not yet): use src/test/python/reference_numbers.py rgb" >&2; exit 2;;
  *) echo "--model must be lenet, resnet or mlp, got $model" >&2; exit 2;;
esac
if [ "$model" != lenet ]; then
  mkdir -p "$out"
  export OMP_NUM_THREADS=$threads
  echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); threads $threads; $limit test samples; $model_file"
  files=()
  for c in ${cases//,/ }; do
    r=$reps; case $c in pgd40) r=$long_reps;; esac
    echo "== $c: PyTorch"
    /usr/bin/python3 bench/torch_model_bench.py --model "$model" --limit "$limit" --batch-size "$batch" --reps "$r" \
        --warmup "$warmup" --threads "$threads" --cases "$c" --json "$out/torch-$model-$c.json"
    echo "== $c: RobustGate"
    ./robustgate bench --model "$model_file" --limit "$limit" --batch-size "$batch" --reps "$r" --warmup "$warmup" \
        --threads "$threads" --cases "$c" --json "$out/robustgate-$model-$c.json" 2> "$out/robustgate-$model-$c.log" | grep -v '^wrote'
    files+=("$out/torch-$model-$c.json" "$out/robustgate-$model-$c.json")
  done
  echo "machine load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/python3 bench/side_by_side_table.py "${files[@]}" | tee "$out/table-$model.md"
  exit 0
fi
REF_DIR=${REF_DIR:-$(cd .. && pwd)/shared/reference}
REF_OUT=${REF_OUT:-$(cd .. && pwd)/ref-out}
for f in "$REF_DIR/common.py" "$REF_OUT/lenet_fmnist.pt" "$REF_OUT/lenet_fmnist_keras.h5"; do
  [ -f "$f" ] || { echo "missing $f (set REF_DIR / REF_OUT)" >&2; exit 2; }
done
mkdir -p "$out"
export OMP_NUM_THREADS=$threads
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); threads $threads; $limit test samples, $train_limit training samples"
files=()
for c in ${cases//,/ }; do
  r=$reps; case $c in pgd40|train_epoch) r=$long_reps;; esac
  echo "== $c: PyTorch"
  /usr/bin/python3 bench/torch_bench.py --ref-dir "$REF_DIR" --ref-out "$REF_OUT" --limit "$limit" \
      --train-limit "$train_limit" --batch-size "$batch" --reps "$r" --train-reps "$r" --warmup "$warmup" \
      --threads "$threads" --cases "$c" --json "$out/torch-$c.json"
  echo "== $c: RobustGate"
  ./robustgate bench --model "$REF_OUT/lenet_fmnist_keras.h5" --limit "$limit" --train-limit "$train_limit" \
      --batch-size "$batch" --reps "$r" --train-reps "$r" --warmup "$warmup" --threads "$threads" --cases "$c" \
      --json "$out/robustgate-$c.json" 2> "$out/robustgate-$c.log" | grep -v '^wrote'
  files+=("$out/torch-$c.json" "$out/robustgate-$c.json")
done
echo "machine load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/side_by_side_table.py "${files[@]}" | tee "$out/table.md"
