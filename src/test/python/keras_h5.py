"""Writes Keras 2 HDF5 model files with h5py (no Keras/TensorFlow needed), in the layout Keras 2.2.4 saves:

  /                                 attrs keras_version, backend, model_config (JSON) [, training_config (JSON)]
  /model_weights                    attrs layer_names, backend, keras_version
  /model_weights/<layer>            attrs weight_names = [b'<layer>/kernel:0', ...] (empty for weightless layers)
  /model_weights/<layer>/<layer>/kernel:0, bias:0, gamma:0, beta:0, moving_mean:0, moving_variance:0

Strings are numpy fixed-length bytes ('S'), as DL4J's Hdf5Archive reads them. Kernels are Keras's:
Conv2D [kH, kW, in, out] (HWIO) and Dense [in, out]; data_format is channels_last everywhere.
"""
import json

import h5py
import numpy as np

KERAS_VERSION = "2.2.4"
_GLOROT = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
_ZEROS = {"class_name": "Zeros", "config": {}}
_ONES = {"class_name": "Ones", "config": {}}


def _common(name):
    return {"name": name, "trainable": True, "dtype": "float32"}


def conv_kernel(torch_weight):
    """torch Conv2d weight [O, I, kH, kW] -> Keras Conv2D kernel [kH, kW, I, O] (both cross-correlate)."""
    return np.ascontiguousarray(torch_weight.transpose(2, 3, 1, 0), dtype=np.float32)


def dense_kernel(torch_weight):
    """torch Linear weight [out, in] -> Keras Dense kernel [in, out]."""
    return np.ascontiguousarray(torch_weight.T, dtype=np.float32)


def input_layer(name, shape):
    return {"class_name": "InputLayer", "config": {"batch_input_shape": [None, *shape], "dtype": "float32",
                                                   "sparse": False, "name": name}}


def conv2d(name, filters, kernel, strides=1, padding="valid", activation="linear", use_bias=True):
    return {"class_name": "Conv2D", "config": {**_common(name), "filters": filters, "kernel_size": [kernel, kernel],
            "strides": [strides, strides], "padding": padding, "data_format": "channels_last",
            "dilation_rate": [1, 1], "activation": activation, "use_bias": use_bias,
            "kernel_initializer": _GLOROT, "bias_initializer": _ZEROS, "kernel_regularizer": None,
            "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}}


def dense(name, units, activation="linear", use_bias=True):
    return {"class_name": "Dense", "config": {**_common(name), "units": units, "activation": activation,
            "use_bias": use_bias, "kernel_initializer": _GLOROT, "bias_initializer": _ZEROS,
            "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "bias_constraint": None}}


def batch_norm(name, epsilon):
    """BatchNormalization over the last axis (channels_last); epsilon must be the torch layer's eps."""
    return {"class_name": "BatchNormalization", "config": {**_common(name), "axis": -1, "momentum": 0.99,
            "epsilon": epsilon, "center": True, "scale": True, "beta_initializer": _ZEROS, "gamma_initializer": _ONES,
            "moving_mean_initializer": _ZEROS, "moving_variance_initializer": _ONES, "beta_regularizer": None,
            "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}}


def activation(name, fn):
    return {"class_name": "Activation", "config": {**_common(name), "activation": fn}}


def max_pool(name, size):
    return {"class_name": "MaxPooling2D", "config": {**_common(name), "pool_size": [size, size], "padding": "valid",
            "strides": [size, size], "data_format": "channels_last"}}


def zero_padding(name, pad):
    return {"class_name": "ZeroPadding2D", "config": {**_common(name), "padding": [[pad, pad], [pad, pad]],
            "data_format": "channels_last"}}


def global_average_pool(name):
    return {"class_name": "GlobalAveragePooling2D", "config": {**_common(name), "data_format": "channels_last"}}


def flatten(name):
    return {"class_name": "Flatten", "config": {**_common(name), "data_format": "channels_last"}}


def add(name):
    return {"class_name": "Add", "config": _common(name)}


def bn_weights(torch_sd, prefix):
    """torch BatchNorm state -> Keras [gamma, beta, moving_mean, moving_variance]."""
    f = lambda k: np.asarray(torch_sd[f"{prefix}.{k}"], dtype=np.float32)
    return [("gamma:0", f("weight")), ("beta:0", f("bias")), ("moving_mean:0", f("running_mean")),
            ("moving_variance:0", f("running_var"))]


class Functional:
    """A Keras functional model ("class_name": "Model"), built layer by layer with inbound layer names."""

    def __init__(self, name):
        self.name = name
        self.layers = []      # (layer dict, inbound names)
        self.weights = {}     # layer name -> [(weight name, array)]

    def input(self, name, shape):
        self.layers.append((input_layer(name, shape), []))
        return name

    def layer(self, spec, *inbound, weights=None):
        name = spec["config"]["name"]
        self.layers.append((spec, list(inbound)))
        if weights:
            self.weights[name] = weights
        return name

    def config(self):
        layers = []
        for spec, inbound in self.layers:
            nodes = [[[src, 0, 0, {}] for src in inbound]] if inbound else []
            layers.append({"name": spec["config"]["name"], "class_name": spec["class_name"], "config": spec["config"],
                           "inbound_nodes": nodes})
        inputs = [[s["config"]["name"], 0, 0] for s, inbound in self.layers if s["class_name"] == "InputLayer"]
        return {"class_name": "Model", "config": {"name": self.name, "layers": layers, "input_layers": inputs,
                                                  "output_layers": [[self.layers[-1][0]["config"]["name"], 0, 0]]}}

    def layer_names(self):
        return [s["config"]["name"] for s, _ in self.layers]


class Sequential:
    """A Keras Sequential model; the first layer carries batch_input_shape."""

    def __init__(self, name, input_shape):
        self.name = name
        self.input_shape = input_shape
        self.layers = []
        self.weights = {}

    def layer(self, spec, weights=None):
        if not self.layers:
            spec["config"]["batch_input_shape"] = [None, *self.input_shape]
        self.layers.append(spec)
        if weights:
            self.weights[spec["config"]["name"]] = weights

    def config(self):
        return {"class_name": "Sequential", "config": {"name": self.name, "layers": self.layers}}

    def layer_names(self):
        return [s["config"]["name"] for s in self.layers]


TRAINING_CONFIG = {"optimizer_config": {"class_name": "Adam", "config": {
    "lr": 0.001, "beta_1": 0.9, "beta_2": 0.999, "decay": 0.0, "epsilon": 1e-07, "amsgrad": False}},
    "loss": "categorical_crossentropy", "metrics": ["accuracy"], "sample_weight_mode": None, "loss_weights": None}


def write(model, path, training_config=None):
    """Writes model (Functional or Sequential) to path; training_config (e.g. TRAINING_CONFIG) makes DL4J add a loss."""
    fixed = lambda s: np.bytes_(s.encode("utf8"))
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = fixed(KERAS_VERSION)
        f.attrs["backend"] = fixed("tensorflow")
        f.attrs["model_config"] = fixed(json.dumps(model.config()))
        if training_config is not None:
            f.attrs["training_config"] = fixed(json.dumps(training_config))
        g = f.create_group("model_weights")
        names = model.layer_names()
        g.attrs["layer_names"] = np.array([n.encode() for n in names])
        g.attrs["backend"] = fixed("tensorflow")
        g.attrs["keras_version"] = fixed(KERAS_VERSION)
        for n in names:
            lg = g.create_group(n)
            ws = model.weights.get(n, [])
            if not ws:
                lg.attrs["weight_names"] = np.array([], dtype="S1")
                continue
            lg.attrs["weight_names"] = np.array([f"{n}/{wn}".encode() for wn, _ in ws])
            sub = lg.create_group(n)
            for wn, arr in ws:
                sub.create_dataset(wn, data=np.ascontiguousarray(arr, dtype=np.float32))
