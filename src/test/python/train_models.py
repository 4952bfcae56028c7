"""Trains the test models on CPU with 2 threads: Adam 1e-3, batch 128, 2 epochs, seed 12345.

  /usr/bin/python3 train_models.py [--out DIR] [lenet resnet rgb mlp resnet_norm]

Writes DIR/<name>.pt (state dict) and DIR/<name>_train.json (per-epoch loss, time, test accuracy).
DIR defaults to $RG_MODELS_OUT or target/test-models. The LeNet follows the PyTorch reference
(/work/shared/reference/train.py) step for step, so it gets the reference's weights. The rgb model trains
on tinted Fashion-MNIST with its per-channel normalisation inside (rg_models.Normalized); its .pt holds the
inner model only, and DIR/rgb_normalization.json the mean/std. resnet_norm is the residual CNN trained the
same way on Fashion-MNIST normalised by its training split's mean/std (DIR/resnet_norm_normalization.json).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import rg_data
import rg_models

SEED, BATCH, EPOCHS, LR = 12345, 128, 2, 1e-3


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def default_out():
    """$RG_MODELS_OUT, or target/test-models of this repository (wherever the script is run from)."""
    return os.environ.get("RG_MODELS_OUT", os.path.join(REPO, "target", "test-models"))


def accuracy(model, x, y, bs=1000):
    model.eval()
    with torch.no_grad():
        return sum((model(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item() for i in range(0, len(x), bs)) / len(x)


def data_for(name):
    """(xtr, ytr, xte, yte) as tensors, and the normalisation (mean, std) or None."""
    if name == "rgb":
        xtr, ytr = rg_data.tinted("train")
        xte, yte = rg_data.tinted("t10k")
        norm = rg_data.channel_mean_std(xtr)
    else:
        xtr, ytr = rg_data.fashion("train")
        xte, yte = rg_data.fashion("t10k")
        norm = rg_data.channel_mean_std(xtr) if name in rg_models.NORMALISED else None
    t = torch.from_numpy
    return t(xtr), t(ytr), t(xte), t(yte), norm


def train(name, out):
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    xtr, ytr, xte, yte, norm = data_for(name)
    inner = rg_models.ARCHITECTURES[name]()  # first draw from the seeded generator, as in the reference
    model = inner if norm is None else rg_models.Normalized(inner, *norm)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(SEED)
    log = {"model": name, "seed": SEED, "batch": BATCH, "epochs": EPOCHS, "lr": LR, "optimizer": "Adam",
           "torch": torch.__version__, "threads": torch.get_num_threads(),
           "parameters": sum(p.numel() for p in inner.parameters()), "epochs_log": []}
    if norm is not None:
        log["normalization"] = {"mean": norm[0], "std": norm[1]}
    for ep in range(EPOCHS):
        model.train()
        t = time.time()
        perm = torch.randperm(len(xtr), generator=gen)
        total, batches = 0.0, 0
        for i in range(0, len(perm), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            total += loss.item()
            batches += 1
        seconds = time.time() - t
        acc = accuracy(model, xte, yte)
        print(f"{name} epoch {ep + 1}: train_loss {total / batches:.4f}  {seconds:.1f}s  test_acc {acc:.4f}", flush=True)
        log["epochs_log"].append({"epoch": ep + 1, "train_loss": total / batches, "seconds": seconds, "test_acc": acc})
    log["clean_test_acc"] = log["epochs_log"][-1]["test_acc"]
    torch.save(inner.state_dict(), os.path.join(out, f"{name}.pt"))
    with open(os.path.join(out, f"{name}_train.json"), "w") as f:
        json.dump(log, f, indent=2)
    if norm is not None:
        with open(os.path.join(out, f"{name}_normalization.json"), "w") as f:
            json.dump({"mean": norm[0], "std": norm[1]}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=default_out())
    ap.add_argument("models", nargs="*", default=list(rg_models.ARCHITECTURES))
    args = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    for name in args.models:
        train(name, args.out)


if __name__ == "__main__":
    main()
