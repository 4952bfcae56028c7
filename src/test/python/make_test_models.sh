#!/usr/bin/env bash
# Trains the test models, exports them into src/test/resources and records torch's reference numbers.
# Needs Debian's python3-torch (1.13), python3-onnx, python3-h5py, python3-numpy and dataset-fashion-mnist;
# run with /usr/bin/python3. CI does not run this: its outputs are committed.
#
#   src/test/python/make_test_models.sh [--skip-train] [--skip-attacks] [MODEL...]     (MODEL: lenet resnet rgb mlp resnet_norm)
#
# On 2 quiet cores: training ~10 min in all, the attack numbers ~30 min (PGD-40 on 10k images per model).
# Intermediate files (state dicts, logs) go to $RG_MODELS_OUT (default target/test-models).
set -euo pipefail
cd "$(dirname "$0")/../../.."
PY=/usr/bin/python3
export RG_MODELS_OUT=${RG_MODELS_OUT:-$PWD/target/test-models}
export OMP_WAIT_POLICY=PASSIVE
train=1; attacks=1; models=()
for a in "$@"; do
  case "$a" in --skip-train) train=0;; --skip-attacks) attacks=0;; -*) echo "unknown option $a" >&2; exit 2;; *) models+=("$a");; esac
done
[ ${#models[@]} -gt 0 ] || models=(lenet resnet rgb mlp resnet_norm)
mkdir -p "$RG_MODELS_OUT"
cd src/test/python
res=../resources
[ $train = 0 ] || $PY train_models.py "${models[@]}"
$PY export_models.py --resources "$res" "${models[@]}"
# The MLP with a final LogSoftmax (no training): the black-box (ONNX Runtime) test model.
[[ " ${models[*]} " != *" mlp "* ]] || $PY blackbox_model.py --resources "$res"
if [ $attacks = 1 ]; then
  for m in "${models[@]}"; do
    case $m in
      lenet) out=$res/reference/lenet_fmnist_torch_attacks.json;;
      resnet) out=$res/models/resnet_bn_fmnist_torch_attacks.json;;
      rgb) out=$res/models/rgb_bn_tinted_torch_attacks.json;;
      mlp) out=$res/models/mlp_bn_fmnist_torch_attacks.json;;
      resnet_norm) out=$res/models/resnet_bn_fmnist_norm_torch_attacks.json;;
    esac
    $PY reference_numbers.py --out "$out" "$m"
  done
fi
du -b "$res"/models/* "$res"/reference/* | sort -n
