"""Makes the example's own model and data (run once; the outputs are checked in).

ACME ships a 3-class product classifier (bag, sneaker, trouser) on 28x28 grey photos. Its training
set is the Fashion-MNIST train split of those classes (Debian's dataset-fashion-mnist); its test
photos are 30 per class from the Fashion-MNIST test split, written as PNGs into one folder per class.
The model is a small CNN that expects inputs normalised with mean 0.286 and std 0.353, exported to
ONNX (opset 13): RobustGate applies that normalisation from the victim's "input" declaration.

    /usr/bin/python3 tools/make_model_and_data.py      # from examples/acme-model
"""
import gzip
import os

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

SRC = "/usr/share/datasets/fashion-mnist"
CLASSES = {1: "trouser", 7: "sneaker", 8: "bag"}
MEAN, STD = 0.286, 0.353


def idx(name):
    with gzip.open(os.path.join(SRC, name + ".gz")) as f:
        data = f.read()
    if "labels" in name:
        return np.frombuffer(data, np.uint8, offset=8)
    return np.frombuffer(data, np.uint8, offset=16).reshape(-1, 28, 28)


def subset(images, labels):
    keep = np.isin(labels, list(CLASSES))
    order = sorted(CLASSES.values())
    y = np.array([order.index(CLASSES[l]) for l in labels[keep]])
    return images[keep], y


torch.manual_seed(7)
x_train, y_train = subset(idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte"))
x_test, y_test = subset(idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte"))

model = nn.Sequential(
    nn.Conv2d(1, 8, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 4 * 4, 32), nn.ReLU(), nn.Linear(32, 3))
opt = torch.optim.Adam(model.parameters(), 1e-3)
xt = (torch.tensor(x_train, dtype=torch.float32).unsqueeze(1) / 255 - MEAN) / STD
yt = torch.tensor(y_train)
for epoch in range(2):
    perm = torch.randperm(len(xt))
    for i in range(0, len(xt), 128):
        b = perm[i:i + 128]
        opt.zero_grad()
        nn.functional.cross_entropy(model(xt[b]), yt[b]).backward()
        opt.step()
model.eval()

os.makedirs("models", exist_ok=True)
torch.onnx.export(model, torch.zeros(1, 1, 28, 28), "models/acme.onnx", opset_version=13,
                  input_names=["image"], output_names=["logits"], dynamic_axes={"image": {0: "batch"}})

order = sorted(CLASSES.values())
rng = np.random.default_rng(7)
for k, name in enumerate(order):
    folder = os.path.join("data", "acme-test", name)
    os.makedirs(folder, exist_ok=True)
    for j, i in enumerate(rng.choice(np.flatnonzero(y_test == k), 30, replace=False)):
        Image.fromarray(x_test[i]).save(os.path.join(folder, "%03d.png" % j))

with torch.no_grad():
    xs = (torch.tensor(x_test, dtype=torch.float32).unsqueeze(1) / 255 - MEAN) / STD
    print("clean accuracy on the 3000 test images:", (model(xs).argmax(1).numpy() == y_test).mean())
