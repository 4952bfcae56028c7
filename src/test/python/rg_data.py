"""Datasets for the test models: Fashion-MNIST from Debian's dataset-fashion-mnist, and a 3-channel
variant built from it ("tinted Fashion-MNIST", 3x32x32).

Run with /usr/bin/python3 (Debian's torch 1.13, numpy, h5py, onnx).
"""
import gzip
import os
import struct

import numpy as np

FASHION_DIR = "/usr/share/datasets/fashion-mnist"  # `dpkg -L dataset-fashion-mnist`

# Tinted Fashion-MNIST: sample i of a split takes colour pair PALETTE[i % 6] (foreground, background),
# independent of its label; every pixel is  (bg * (255 - v) + fg * v + 127) // 255  in integers, where v is
# the grey value, and the 28x28 image is padded with 2 background pixels on every side to 32x32.
# Integer arithmetic so that any language reproduces the uint8 images exactly.
PALETTE = np.array([
    # foreground rgb,  background rgb
    [[255, 230, 60], [20, 40, 120]],
    [[240, 240, 240], [150, 30, 30]],
    [[60, 220, 120], [30, 30, 30]],
    [[250, 120, 40], [40, 110, 160]],
    [[200, 160, 255], [70, 70, 20]],
    [[20, 20, 20], [210, 210, 180]],
], dtype=np.int64)


def read_idx(path):
    """An IDX file of unsigned bytes (gzip), as a numpy array of its declared shape."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_uint8(split):
    """(images uint8 [N,28,28], labels int64 [N]) of split 'train' or 't10k'."""
    x = read_idx(os.path.join(FASHION_DIR, f"{split}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(FASHION_DIR, f"{split}-labels-idx1-ubyte.gz"))
    return x, y.astype(np.int64)


def to_unit(x_uint8):
    """uint8 -> float32 in [0,1], divided exactly as RobustGate does (v / 255f)."""
    return x_uint8.astype(np.float32) / np.float32(255.0)


def fashion(split):
    """(x float32 [N,1,28,28] in [0,1], y int64)."""
    x, y = fashion_uint8(split)
    return to_unit(x)[:, None, :, :], y


def tint_uint8(x_uint8):
    """Grey [N,28,28] uint8 -> tinted [N,3,32,32] uint8 (NCHW), see PALETTE."""
    n = len(x_uint8)
    v = np.zeros((n, 32, 32), dtype=np.int64)
    v[:, 2:30, 2:30] = x_uint8
    pair = PALETTE[np.arange(n) % len(PALETTE)]          # [N, 2, 3]
    fg = pair[:, 0, :][:, :, None, None]                   # [N, 3, 1, 1]
    bg = pair[:, 1, :][:, :, None, None]
    v = v[:, None, :, :]
    return ((bg * (255 - v) + fg * v + 127) // 255).astype(np.uint8)


def tinted(split):
    """(x float32 [N,3,32,32] in [0,1], y int64) of tinted Fashion-MNIST."""
    x, y = fashion_uint8(split)
    return to_unit(tint_uint8(x)), y


def channel_mean_std(x):
    """Per-channel mean and std over a [N,C,H,W] array, rounded to 4 decimals (the values we document)."""
    mean = x.mean(axis=(0, 2, 3), dtype=np.float64)
    std = x.std(axis=(0, 2, 3), dtype=np.float64)
    return [round(float(m), 4) for m in mean], [round(float(s), 4) for s in std]
