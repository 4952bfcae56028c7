"""Writes models/mlp_bn_fmnist_blackbox.onnx: the committed MLP with a LogSoftmax node after its logits.

The graph executor has no LogSoftmax, so ModelFiles.load falls back to ONNX Runtime and the model is a
score-only black box; softmax(log_softmax(z)) = softmax(z), so its predictions are the MLP's own (clean
accuracy 0.8551 on the 10k test images), which lets a test compare Square on the black box with Square on
the white-box MLP. No training, no torch: onnx only.

    /usr/bin/python3 blackbox_model.py --resources ../resources
"""
import argparse
import os

import onnx
from onnx import helper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", default="../resources")
    args = ap.parse_args()
    src = os.path.join(args.resources, "models", "mlp_bn_fmnist.onnx")
    out = os.path.join(args.resources, "models", "mlp_bn_fmnist_blackbox.onnx")
    m = onnx.load(src)
    g = m.graph
    logits = g.output[0].name
    for n in g.node:
        for i, o in enumerate(n.output):
            if o == logits:
                n.output[i] = "scores"
    g.node.append(helper.make_node("LogSoftmax", ["scores"], [logits], name="log_probabilities", axis=1))
    m.doc_string = "mlp_bn_fmnist with a final LogSoftmax (an op RobustGate's graph executor lacks): a black-box test model"
    onnx.checker.check_model(m)
    onnx.save(m, out)
    print("wrote", out, os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main()
