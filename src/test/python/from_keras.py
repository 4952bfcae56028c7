"""Reads a committed Keras HDF5 test model back into its torch module (the inverse of export_models.py's
mapping), so that the benchmark's torch side runs on exactly the committed weights without .pt files."""
import collections
import json
import os

import h5py
import numpy as np
import torch

import rg_data
import rg_models
import torch_attacks

# Keras layer name -> torch module prefix, per model; conv+BN pairs are "<x>_conv"/"<x>_bn" -> "<x'>.0"/"<x'>.1".
_CONV_BN = {"resnet": ["stem", "block1_a", "block1_b", "block2_a", "block2_b", "block2_skip"],
            "resnet_norm": ["stem", "block1_a", "block1_b", "block2_a", "block2_b", "block2_skip"],
            "rgb": ["c1", "c2", "c3"]}


def _weights(f, layer):
    g = f["model_weights"][layer][layer]
    return {k.split(":")[0]: np.asarray(g[k]) for k in g}


def _bn(sd, prefix, w):
    sd[f"{prefix}.weight"], sd[f"{prefix}.bias"] = w["gamma"], w["beta"]
    sd[f"{prefix}.running_mean"], sd[f"{prefix}.running_var"] = w["moving_mean"], w["moving_variance"]


def _dense(sd, prefix, w):
    sd[f"{prefix}.weight"], sd[f"{prefix}.bias"] = w["kernel"].T, w["bias"]


def load(name, h5path):
    """The torch model `name` (lenet, resnet, rgb, mlp) with the weights of h5path, in eval mode."""
    sd = {}
    with h5py.File(h5path, "r") as f:
        if name in _CONV_BN:
            for k in _CONV_BN[name]:
                t = k.replace("_", ".")
                sd[f"{t}.0.weight"] = _weights(f, f"{k}_conv")["kernel"].transpose(3, 2, 0, 1)
                _bn(sd, f"{t}.1", _weights(f, f"{k}_bn"))
            _dense(sd, "fc", _weights(f, "logits"))
        elif name == "mlp":
            for k, t in [("dense_1", "fc1"), ("dense_2", "fc2"), ("dense_3", "fc3")]:
                _dense(sd, t, _weights(f, k))
            _bn(sd, "bn1", _weights(f, "batch_normalization_1"))
        elif name == "lenet":
            for k, t in [("conv2d_1", "conv1"), ("conv2d_2", "conv2")]:
                w = _weights(f, k)
                sd[f"{t}.weight"], sd[f"{t}.bias"] = w["kernel"].transpose(3, 2, 0, 1), w["bias"]
            w = _weights(f, "dense_1")
            # Keras rows are NHWC-flattened (h*200 + w*50 + c); torch's are NCHW (c*16 + h*4 + w).
            sd["fc1.weight"] = w["kernel"].T.reshape(500, 4, 4, 50).transpose(0, 3, 1, 2).reshape(500, 800)
            sd["fc1.bias"] = w["bias"]
            _dense(sd, "fc2", _weights(f, "dense_2"))
        else:
            raise ValueError(f"unknown model {name}")
    model = rg_models.ARCHITECTURES[name]()
    missing, unexpected = model.load_state_dict(
        {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}, strict=False)
    if unexpected or any(not k.endswith("num_batches_tracked") for k in missing):
        raise ValueError(f"{h5path}: missing {missing}, unexpected {unexpected}")
    return model.eval()


RESOURCES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources")
# The committed Keras file of each test model, below src/test/resources.
COMMITTED = {"resnet": "models/resnet_bn_fmnist.h5", "rgb": "models/rgb_bn_tinted.h5", "mlp": "models/mlp_bn_fmnist.h5",
             "lenet": "reference/lenet_fmnist_keras.h5", "resnet_norm": "models/resnet_bn_fmnist_norm.h5"}

Committed = collections.namedtuple("Committed", "model x y path")


def committed(name):
    """The committed test model `name` in pixel space, frozen (torch_attacks.frozen), with its 10k test images and
    labels (numpy; tinted Fashion-MNIST for rgb): a model of rg_models.NORMALISED has the per-channel normalisation
    of its <file>_normalization.json inside; `path` is the Keras file below src/test/resources."""
    path = COMMITTED[name]
    model = load(name, os.path.join(RESOURCES, path))
    if name in rg_models.NORMALISED:
        with open(os.path.join(RESOURCES, path[:-len(".h5")] + "_normalization.json")) as f:
            norm = json.load(f)
        model = rg_models.Normalized(model, norm["mean"], norm["std"])
    x, y = rg_data.tinted("t10k") if name == "rgb" else rg_data.fashion("t10k")
    return Committed(torch_attacks.frozen(model), x, y, path)
