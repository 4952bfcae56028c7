"""PyTorch side of bench/side-by-side.sh for the committed test models (--model resnet|rgb|mlp|lenet).

Builds the torch module from src/test/python/rg_models.py and reads its weights back from the committed
Keras file (src/test/python/from_keras.py), so both sides run the same weights with no Python outputs needed.
For rgb the images are tinted Fashion-MNIST (src/test/python/rg_data.py) and the per-channel normalisation
of models/rgb_bn_tinted_normalization.json runs inside the model (pixel-space attacks).
Cases and conventions as bench/torch_bench.py: inference, one input-gradient pass, FGSM eps 0.1, PGD-Linf
eps 0.1 40x0.01 from a random start (seed 2024); warm-up repetitions on two batches, then timed reps;
JSON shaped like the Java side's BenchmarkReport. Run with /usr/bin/python3 (Debian's torch).
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "src", "test", "python"))

ap = argparse.ArgumentParser()
ap.add_argument("--model", required=True, choices=["resnet", "rgb", "mlp", "lenet"])
ap.add_argument("--limit", type=int, default=10000)
ap.add_argument("--batch-size", type=int, default=1000)
ap.add_argument("--warmup", type=int, default=1)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--cases", default="inference,gradient,fgsm,pgd40")
ap.add_argument("--json", required=True)
args = ap.parse_args()

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import from_keras  # noqa: E402
import rg_data  # noqa: E402
import rg_models  # noqa: E402

RES = os.path.join(REPO, "src", "test", "resources")
H5 = {"resnet": "models/resnet_bn_fmnist.h5", "rgb": "models/rgb_bn_tinted.h5", "mlp": "models/mlp_bn_fmnist.h5",
      "lenet": "reference/lenet_fmnist_keras.h5"}[args.model]

torch.set_num_threads(args.threads)
model = from_keras.load(args.model, os.path.join(RES, H5))
if args.model == "rgb":
    with open(os.path.join(RES, "models/rgb_bn_tinted_normalization.json")) as f:
        norm = json.load(f)
    model = rg_models.Normalized(model, norm["mean"], norm["std"]).eval()
    x, y = rg_data.tinted("t10k")
else:
    x, y = rg_data.fashion("t10k")
for p in model.parameters():
    p.requires_grad_(False)
X, Y = torch.from_numpy(x[:args.limit]), torch.from_numpy(y[:args.limit])
BS = args.batch_size


def grad_x(xb, yb):
    xb = xb.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(F.cross_entropy(model(xb), yb, reduction="sum"), xb)
    return g


def predict(xb):
    with torch.no_grad():
        return model(xb).argmax(1)


def batches():
    for i in range(0, len(X), BS):
        yield X[i:i + BS], Y[i:i + BS]


def inference():
    for xb, _ in batches():
        predict(xb)


def gradient():
    for xb, yb in batches():
        grad_x(xb, yb)


def fgsm():
    for xb, yb in batches():
        predict(xb)
        predict((xb + 0.1 * grad_x(xb, yb).sign()).clamp(0, 1))


def pgd40():
    gen = torch.Generator().manual_seed(2024)
    for xb, yb in batches():
        predict(xb)
        xa = (xb + (torch.rand(xb.shape, generator=gen) * 2 - 1) * 0.1).clamp(0, 1)
        for _ in range(40):
            xa = xa + 0.01 * grad_x(xa, yb).sign()
            xa = torch.min(torch.max(xa, xb - 0.1), xb + 0.1).clamp(0, 1)
        predict(xa)


CASES = {"inference": (inference, 0), "gradient": (gradient, 1), "fgsm": (fgsm, 1), "pgd40": (pgd40, 40)}
out = {"model": f"{H5} (torch {torch.__version__})", "execution": "pytorch",
       "settings": {"limit": len(X), "batch_size": BS, "threads": args.threads, "warmup": args.warmup,
                    "reps": args.reps},
       "machine": {"cores": os.cpu_count(), "loadAverage": os.getloadavg()[0], "torchThreads": torch.get_num_threads()},
       "cases": []}
for name in args.cases.split(","):
    if name not in CASES:
        sys.exit(f"unknown case {name} (have: {', '.join(CASES)})")
    fn, grads_per_sample = CASES[name]
    saved = (X, Y)
    X, Y = X[:2 * BS], Y[:2 * BS]
    for _ in range(args.warmup):
        fn()
    X, Y = saved
    secs = []
    for _ in range(args.reps):
        t = time.perf_counter()
        fn()
        secs.append(time.perf_counter() - t)
    s = sorted(secs)
    med = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    print(f"  {name:<12} {len(X) / med:8.1f} samples/s  median {med:.3f} s [min {s[0]:.3f}, max {s[-1]:.3f}]", flush=True)
    out["cases"].append({"name": name, "samples": len(X), "seconds": secs,
                         "gradientEvaluations": grads_per_sample * len(X)})
out["machineAtEnd"] = {"loadAverage": os.getloadavg()[0]}
with open(args.json, "w") as f:
    json.dump(out, f, indent=2)
