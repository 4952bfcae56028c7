"""A small numpy interpreter for the ONNX ops the test models use (Conv, BatchNormalization, Relu, MaxPool,
Add, GlobalAveragePool, Flatten, Gemm, MatMul, Reshape, Constant, Identity), in float64. Independent of torch:
export_models.py runs every exported file through it and compares with torch's logits."""
import numpy as np
import onnx
from numpy.lib.stride_tricks import sliding_window_view
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pad(x, pads):
    n = len(pads) // 2
    return np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + n]) for i in range(n)])


def _conv(x, w, b, a):
    if a.get("group", 1) != 1 or any(d != 1 for d in a.get("dilations", [1, 1])):
        raise NotImplementedError("Conv with groups or dilation")
    sh, sw = a.get("strides", [1, 1])
    x = _pad(x, a.get("pads", [0, 0, 0, 0]))
    kh, kw = w.shape[2:]
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]  # N,C,Ho,Wo,kh,kw
    y = np.einsum("nchwij,ocij->nohw", win, w, optimize=True)
    return y if b is None else y + b[None, :, None, None]


def _max_pool(x, a):
    kh, kw = a["kernel_shape"]
    sh, sw = a.get("strides", [1, 1])
    if any(a.get("pads", [0, 0, 0, 0])):
        raise NotImplementedError("padded MaxPool")
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw].max(axis=(4, 5))


def _batch_norm(x, scale, bias, mean, var, a):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    r = lambda v: v.reshape(shape)
    return (x - r(mean)) / np.sqrt(r(var) + a.get("epsilon", 1e-5)) * r(scale) + r(bias)


def _gemm(x, w, c, a):
    if a.get("transA", 0):
        x = x.T
    if a.get("transB", 0):
        w = w.T
    y = a.get("alpha", 1.0) * (x @ w)
    return y if c is None else y + a.get("beta", 1.0) * c


def run(path, x):
    """Logits of the model in path for input x (numpy, the model's input layout), in float64."""
    model = onnx.load(path)
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    env[model.graph.input[0].name] = x.astype(np.float64)
    for node in model.graph.node:
        a = _attrs(node)
        i = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Conv":
            y = _conv(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif op == "BatchNormalization":
            y = _batch_norm(*i[:5], a)
        elif op == "Relu":
            y = np.maximum(i[0], 0)
        elif op == "MaxPool":
            y = _max_pool(i[0], a)
        elif op == "Add":
            y = i[0] + i[1]
        elif op == "GlobalAveragePool":
            y = i[0].mean(axis=tuple(range(2, i[0].ndim)), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == "Gemm":
            y = _gemm(i[0], i[1], i[2] if len(i) > 2 else None, a)
        elif op == "MatMul":
            y = i[0] @ i[1]
        elif op == "Reshape":
            y = i[0].reshape([int(d) if d != 0 else i[0].shape[k] for k, d in enumerate(i[1])])
        elif op == "Constant":
            y = numpy_helper.to_array(a["value"])
        elif op == "Identity":
            y = i[0]
        else:
            raise NotImplementedError(f"op {op} (node '{node.name}')")
        env[node.output[0]] = y
    return env[model.graph.output[0].name]
