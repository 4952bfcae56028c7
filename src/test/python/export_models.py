"""Exports the trained test models (train_models.py) to ONNX and Keras HDF5, with torch's logits on the first
test images, and checks every file.

  /usr/bin/python3 export_models.py [--models DIR] [--resources DIR]

Reads DIR/<name>.pt (default target/test-models) and writes into the test resources (default
src/test/resources):
  reference/lenet_fmnist_keras.h5        Keras Sequential, softmax output, no training_config
  reference/lenet_fmnist_keras_train.h5  the same with training_config (DL4J adds a loss layer); its
                                         /model_weights is an HDF5 external link to lenet_fmnist_keras.h5,
                                         so the 1.7 MB of weights are committed once
  reference/lenet_fmnist.onnx            opset 13
  reference/lenet_fmnist_torch_logits_first200.npy
  models/resnet_bn_fmnist.onnx (opset 13), .h5 (Keras functional: Add, BatchNormalization)
  models/rgb_bn_tinted.onnx (opset 17), .h5 (Keras functional: ZeroPadding2D + stride-2 Conv2D), expects
                                         (x - mean) / std, see models/rgb_bn_tinted_normalization.json
  models/mlp_bn_fmnist.onnx (opset 11, nodes without names), .h5 (Keras Sequential, input [784], BN)
  models/<model>_torch_logits_first<N>.npy  float32 [N, 10] torch logits (N = 200, 64 for rgb)
  <stem>_torch_gradients_first8.npy      float32 NCHW: input gradient of the summed cross-entropy (true labels)
                                         in pixel space (through the normalisation for rgb)
  models/tinted_fmnist_test_first64_uint8.npy  uint8 [64, 3, 32, 32] NCHW, the rgb model's images
Fashion-MNIST images are not committed: tests read the first test images through the data package.
ONNX files: inference-mode BatchNormalization nodes are kept (model.eval(), training=PRESERVE,
do_constant_folding=False; torch's EVAL mode would fold BN into the convs), dynamic batch axis, input
'input' NCHW, output 'logits'. Each is checked with onnx.checker, by counting its BatchNormalization nodes,
and by running it through onnx_numpy (float64) against torch's logits.
"""
import argparse
import json
import os
import shutil

import h5py
import numpy as np
import onnx
import torch

import keras_h5 as K
import onnx_numpy
import rg_data
import rg_models
from train_models import REPO, default_out

FIRST = {"lenet": 200, "resnet": 200, "mlp": 200, "rgb": 64, "resnet_norm": 200}
ONNX_FILE = {"lenet": "reference/lenet_fmnist.onnx", "resnet": "models/resnet_bn_fmnist.onnx",
             "rgb": "models/rgb_bn_tinted.onnx", "mlp": "models/mlp_bn_fmnist.onnx",
             "resnet_norm": "models/resnet_bn_fmnist_norm.onnx"}
OPSET = {"lenet": 13, "resnet": 13, "rgb": 17, "mlp": 11, "resnet_norm": 13}
BN_NODES = {"lenet": 0, "resnet": 6, "rgb": 3, "mlp": 1, "resnet_norm": 6}


def load(models_dir, name):
    model = rg_models.ARCHITECTURES[name]()
    model.load_state_dict(torch.load(os.path.join(models_dir, f"{name}.pt")))
    return model.eval()


def first_images(name, n):
    """(model input float32 NCHW, uint8 pixels): normalised for rgb, [0,1] otherwise."""
    x8, _ = rg_data.fashion_uint8("t10k")
    if name == "rgb":
        u8 = rg_data.tint_uint8(x8[:n])
        return rg_data.to_unit(u8), u8
    return rg_data.to_unit(x8[:n])[:, None], None


GRADIENTS = 8


def pixel_gradients(model, name, norm, n):
    """d(sum of softmax cross-entropy)/dx of the first n test images in pixel space [0,1] (through the
    normalisation for rgb), float32 NCHW: what RobustGate's lossGradient returns."""
    x, _ = first_images(name, n)
    _, y = rg_data.fashion_uint8("t10k")
    wrapped = model if norm is None else rg_models.Normalized(model, norm["mean"], norm["std"]).eval()
    xt = torch.from_numpy(x).requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(wrapped(xt), torch.from_numpy(y[:n]), reduction="sum")
    (g,) = torch.autograd.grad(loss, xt)
    return g.numpy().astype(np.float32)


def normalise(x, norm):
    mean = np.array(norm["mean"], dtype=np.float32).reshape(1, -1, 1, 1)
    std = np.array(norm["std"], dtype=np.float32).reshape(1, -1, 1, 1)
    return (x - mean) / std


def export_onnx(model, name, path, sample_shape):
    dummy = torch.zeros(2, *sample_shape)
    torch.onnx.export(model, dummy, path, opset_version=OPSET[name], do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    m = onnx.load(path)
    if name == "mlp":  # one file whose nodes have no names, as some exporters write them
        for node in m.graph.node:
            node.name = ""
        onnx.save(m, path)
    onnx.checker.check_model(m)
    bn = [n for n in m.graph.node if n.op_type == "BatchNormalization"]
    if len(bn) != BN_NODES[name] or any(len(n.output) != 1 for n in bn):
        raise AssertionError(f"{path}: {len(bn)} inference BatchNormalization nodes, expected {BN_NODES[name]}")
    ops = sorted({n.op_type for n in m.graph.node})
    return {"opset": OPSET[name], "nodes": len(m.graph.node), "ops": ops, "batch_norm_nodes": len(bn)}


def sd_numpy(model):
    return {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}


def keras_lenet(sd):
    m = K.Sequential("sequential_1", [28, 28, 1])
    w = lambda conv: [("kernel:0", K.conv_kernel(sd[f"{conv}.weight"])), ("bias:0", sd[f"{conv}.bias"])]
    m.layer(K.conv2d("conv2d_1", 20, 5, activation="relu"), w("conv1"))
    m.layer(K.max_pool("max_pooling2d_1", 2))
    m.layer(K.conv2d("conv2d_2", 50, 5, activation="relu"), w("conv2"))
    m.layer(K.max_pool("max_pooling2d_2", 2))
    m.layer(K.flatten("flatten_1"))
    # torch flattens NCHW (c*16 + h*4 + w), Keras channels_last NHWC (h*200 + w*50 + c): permute dense_1's rows.
    fc1 = sd["fc1.weight"].reshape(500, 50, 4, 4).transpose(0, 2, 3, 1).reshape(500, 800)
    m.layer(K.dense("dense_1", 500, "relu"), [("kernel:0", K.dense_kernel(fc1)), ("bias:0", sd["fc1.bias"])])
    m.layer(K.dense("dense_2", 10, "softmax"), [("kernel:0", K.dense_kernel(sd["fc2.weight"])), ("bias:0", sd["fc2.bias"])])
    return m


def _conv_bn(m, sd, prefix, name, src, filters, kernel, eps, strides=1, padding="same"):
    """torch Sequential(Conv2d(bias=False), BatchNorm2d) at prefix -> Keras Conv2D + BatchNormalization."""
    c = m.layer(K.conv2d(f"{name}_conv", filters, kernel, strides=strides, padding=padding, use_bias=False), src,
                weights=[("kernel:0", K.conv_kernel(sd[f"{prefix}.0.weight"]))])
    return m.layer(K.batch_norm(f"{name}_bn", eps), c, weights=K.bn_weights(sd, f"{prefix}.1"))


def keras_resnet(sd, eps, model_name="resnet_bn_fmnist"):
    m = K.Functional(model_name)
    x = m.input("input_1", [28, 28, 1])
    x = m.layer(K.activation("stem_relu", "relu"), _conv_bn(m, sd, "stem", "stem", x, 24, 3, eps))
    x = m.layer(K.max_pool("pool_1", 2), x)
    y = m.layer(K.activation("block1_relu_a", "relu"), _conv_bn(m, sd, "block1.a", "block1_a", x, 24, 3, eps))
    y = _conv_bn(m, sd, "block1.b", "block1_b", y, 24, 3, eps)
    x = m.layer(K.activation("block1_relu", "relu"), m.layer(K.add("block1_add"), y, x))
    x = m.layer(K.max_pool("pool_2", 2), x)
    y = m.layer(K.activation("block2_relu_a", "relu"), _conv_bn(m, sd, "block2.a", "block2_a", x, 48, 3, eps))
    y = _conv_bn(m, sd, "block2.b", "block2_b", y, 48, 3, eps)
    s = _conv_bn(m, sd, "block2.skip", "block2_skip", x, 48, 1, eps)
    x = m.layer(K.activation("block2_relu", "relu"), m.layer(K.add("block2_add"), y, s))
    x = m.layer(K.global_average_pool("gap"), x)
    m.layer(K.dense("logits", 10, "softmax"), x,
            weights=[("kernel:0", K.dense_kernel(sd["fc.weight"])), ("bias:0", sd["fc.bias"])])
    return m


def keras_rgb(sd, eps):
    m = K.Functional("rgb_bn_tinted")
    x = m.input("input_1", [32, 32, 3])
    x = m.layer(K.activation("c1_relu", "relu"), _conv_bn(m, sd, "c1", "c1", x, 16, 3, eps))
    # torch's stride-2 conv pads 1 on every side; Keras 'same' would pad 0 before and 1 after: pad explicitly.
    x = m.layer(K.zero_padding("c2_pad", 1), x)
    x = m.layer(K.activation("c2_relu", "relu"), _conv_bn(m, sd, "c2", "c2", x, 32, 3, eps, strides=2, padding="valid"))
    x = m.layer(K.zero_padding("c3_pad", 1), x)
    x = m.layer(K.activation("c3_relu", "relu"), _conv_bn(m, sd, "c3", "c3", x, 64, 3, eps, strides=2, padding="valid"))
    x = m.layer(K.global_average_pool("gap"), x)
    m.layer(K.dense("logits", 10, "softmax"), x,
            weights=[("kernel:0", K.dense_kernel(sd["fc.weight"])), ("bias:0", sd["fc.bias"])])
    return m


def keras_mlp(sd, eps):
    m = K.Sequential("mlp_bn_fmnist", [784])
    d = lambda fc: [("kernel:0", K.dense_kernel(sd[f"{fc}.weight"])), ("bias:0", sd[f"{fc}.bias"])]
    m.layer(K.dense("dense_1", 64), d("fc1"))
    m.layer(K.batch_norm("batch_normalization_1", eps), K.bn_weights(sd, "bn1"))
    m.layer(K.activation("activation_1", "relu"))
    m.layer(K.dense("dense_2", 32, "relu"), d("fc2"))
    m.layer(K.dense("dense_3", 10, "softmax"), d("fc3"))
    return m


def bn_eps(model):
    eps = {m.eps for m in model.modules() if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d))}
    assert len(eps) <= 1, eps
    return eps.pop() if eps else None


def write_lenet_train_file(inference_path, train_path):
    """The training variant: same root attributes plus training_config; weights by external link."""
    with h5py.File(inference_path, "r") as src, h5py.File(train_path, "w") as dst:
        for k, v in src.attrs.items():
            dst.attrs[k] = v
        dst.attrs["training_config"] = np.bytes_(json.dumps(K.TRAINING_CONFIG).encode())
        dst["model_weights"] = h5py.ExternalLink(os.path.basename(inference_path), "/model_weights")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=default_out())
    ap.add_argument("--resources", default=os.path.join(REPO, "src", "test", "resources"))
    ap.add_argument("names", nargs="*", default=["lenet", "resnet", "rgb", "mlp"])
    args = ap.parse_args()
    torch.set_num_threads(2)
    res = args.resources
    os.makedirs(os.path.join(res, "models"), exist_ok=True)
    os.makedirs(os.path.join(res, "reference"), exist_ok=True)
    summary = {}
    for name in args.names:
        model = load(args.models, name)
        sd = sd_numpy(model)
        n = FIRST[name]
        x, u8 = first_images(name, n)
        norm = None
        if name in rg_models.NORMALISED:
            with open(os.path.join(args.models, f"{name}_normalization.json")) as f:
                norm = json.load(f)
            x = normalise(x, norm)
        with torch.no_grad():
            logits = model(torch.from_numpy(x)).numpy().astype(np.float32)
        grads = pixel_gradients(model, name, norm, GRADIENTS)
        onnx_path = os.path.join(res, ONNX_FILE[name])
        info = export_onnx(model, name, onnx_path, x.shape[1:])
        info["numpy_vs_torch_max_abs_logit_diff"] = float(np.abs(onnx_numpy.run(onnx_path, x) - logits).max())
        stem = ONNX_FILE[name][:-len(".onnx")]
        eps = bn_eps(model)
        if name == "lenet":
            h5 = os.path.join(res, "reference/lenet_fmnist_keras.h5")
            K.write(keras_lenet(sd), h5)
            write_lenet_train_file(h5, os.path.join(res, "reference/lenet_fmnist_keras_train.h5"))
            np.save(os.path.join(res, f"reference/lenet_fmnist_torch_logits_first{n}.npy"), logits)
        else:
            build = {"resnet": keras_resnet, "rgb": keras_rgb, "mlp": keras_mlp,
                     "resnet_norm": lambda sd, eps: keras_resnet(sd, eps, "resnet_bn_fmnist_norm")}[name]
            K.write(build(sd, eps), os.path.join(res, stem + ".h5"))
            np.save(os.path.join(res, f"{stem}_torch_logits_first{n}.npy"), logits)
        np.save(os.path.join(res, f"{stem}_torch_gradients_first{GRADIENTS}.npy"), grads)
        if u8 is not None:
            np.save(os.path.join(res, f"models/tinted_fmnist_test_first{n}_uint8.npy"), u8)
        if norm is not None:
            with open(os.path.join(res, stem + "_normalization.json"), "w") as f:
                data = "tinted Fashion-MNIST" if name == "rgb" else "Fashion-MNIST"
                json.dump({**norm, "note": f"per-channel mean/std of {data}'s training split in [0,1]; "
                                           "the model expects (x - mean) / std"}, f, indent=2)
        info["batch_norm_epsilon"] = eps
        summary[name] = info
        print(name, json.dumps(info), flush=True)
    with open(os.path.join(args.models, "export_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)


if __name__ == "__main__":
    main()
