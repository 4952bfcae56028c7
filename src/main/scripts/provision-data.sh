#!/usr/bin/env bash
# Makes sure the data the built-in victims and specs need is on this machine.
# Idempotent and quiet when everything is present; never fails the build by itself:
# the dataset registry gives the precise error later if data is still missing.
set -u
FMNIST=/usr/share/datasets/fashion-mnist
if [ -n "${ROBUSTGATE_DATA_DIR:-}" ] && [ -d "${ROBUSTGATE_DATA_DIR}/fashion-mnist" ]; then exit 0; fi
if [ -f "$FMNIST/t10k-images-idx3-ubyte.gz" ] && [ -f "$FMNIST/train-images-idx3-ubyte.gz" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[robustgate] Fashion-MNIST missing: installing Debian package dataset-fashion-mnist"
  (apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1; }) \
    || echo "[robustgate] apt-get could not install dataset-fashion-mnist; see README 'Data offline'"
else
  echo "[robustgate] Fashion-MNIST missing and not root: run 'sudo apt-get install dataset-fashion-mnist' or set ROBUSTGATE_DATA_DIR"
fi
exit 0
