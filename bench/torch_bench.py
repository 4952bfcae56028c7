"""PyTorch side of bench/side-by-side.sh: the reference's LeNet and weights, timed like ./robustgate bench.

Imports LeNet and the Fashion-MNIST loader from the PyTorch reference (../shared/reference, not
modified) and loads its trained weights (lenet_fmnist.pt), the same weights as
lenet_fmnist_keras.h5. Cases and conventions follow the reference's attacks.py and train.py:
inference, one input-gradient pass, FGSM eps 0.1, PGD-Linf eps 0.1 40x0.01 from a random start
(every step, last iterate), and one training epoch of a fresh LeNet (Adam 1e-3, batch 128).
Each case: `warmup` unrecorded repetitions on a small slice, then `reps` timed ones; JSON shaped like the Java
side's BenchmarkReport (cases[].name/samples/seconds/gradientEvaluations).
Run with /usr/bin/python3 (Debian's torch).
"""
import argparse
import json
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--ref-dir", required=True, help="the PyTorch reference's directory (common.py)")
ap.add_argument("--ref-out", required=True, help="the reference's outputs (lenet_fmnist.pt)")
ap.add_argument("--limit", type=int, default=10000)
ap.add_argument("--train-limit", type=int, default=60000)
ap.add_argument("--batch-size", type=int, default=1000)
ap.add_argument("--warmup", type=int, default=1)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--train-reps", type=int, default=1)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--cases", default="inference,gradient,fgsm,pgd40,train_epoch")
ap.add_argument("--json", required=True)
args = ap.parse_args()

sys.path.insert(0, args.ref_dir)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import LeNet, load_fashion_mnist  # noqa: E402

torch.set_num_threads(args.threads)
xtr, ytr, xte, yte = load_fashion_mnist()
X, Y = torch.from_numpy(xte[:args.limit]), torch.from_numpy(yte[:args.limit])
XT, YT = torch.from_numpy(xtr[:args.train_limit]), torch.from_numpy(ytr[:args.train_limit])
BS = args.batch_size

model = LeNet()
model.load_state_dict(torch.load(os.path.join(args.ref_out, "lenet_fmnist.pt")))
model.eval()
for p in model.parameters():
    p.requires_grad_(False)


def grad_x(x, y):
    x = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), y, reduction="sum")
    (g,) = torch.autograd.grad(loss, x)
    return g


def predict(x):
    with torch.no_grad():
        return model(x).argmax(1)


def batches():
    for i in range(0, len(X), BS):
        yield X[i:i + BS], Y[i:i + BS]


def inference():
    for x, _ in batches():
        predict(x)


def gradient():
    for x, y in batches():
        grad_x(x, y)


def fgsm():
    # As RobustGate reports it: clean predictions, then the attack and its predictions.
    for x, y in batches():
        predict(x)
        predict((x + 0.1 * grad_x(x, y).sign()).clamp(0, 1))


def pgd40():
    gen = torch.Generator().manual_seed(2024)
    for x, y in batches():
        predict(x)
        xa = (x + (torch.rand(x.shape, generator=gen) * 2 - 1) * 0.1).clamp(0, 1)
        for _ in range(40):
            xa = xa + 0.01 * grad_x(xa, y).sign()
            xa = torch.min(torch.max(xa, x - 0.1), x + 0.1).clamp(0, 1)
        predict(xa)


def train_epoch():
    torch.manual_seed(12345)
    net = LeNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(12345)
    net.train()
    perm = torch.randperm(len(XT), generator=gen)
    for i in range(0, len(perm), 128):
        idx = perm[i:i + 128]
        opt.zero_grad()
        loss = F.cross_entropy(net(XT[idx]), YT[idx])
        loss.backward()
        opt.step()


CASES = {"inference": (inference, len(X), 0), "gradient": (gradient, len(X), len(X)),
         "fgsm": (fgsm, len(X), len(X)), "pgd40": (pgd40, len(X), 40 * len(X)),
         "train_epoch": (train_epoch, len(XT), 0)}

out = {"model": "lenet_fmnist.pt (torch " + torch.__version__ + ")", "execution": "pytorch",
       "settings": {"limit": len(X), "train_limit": len(XT), "batch_size": BS, "threads": args.threads,
                    "warmup": args.warmup, "reps": args.reps},
       "machine": {"cores": os.cpu_count(), "loadAverage": os.getloadavg()[0], "torchThreads": torch.get_num_threads()},
       "cases": []}
for name in args.cases.split(","):
    fn, samples, grads = CASES[name]
    train = name == "train_epoch"
    # Warm-up on a small slice (two batches, or 1024 training samples), as the Java side does.
    saved = (X, Y, XT)
    X, Y, XT = X[:2 * BS], Y[:2 * BS], XT[:1024]
    for _ in range(min(args.warmup, 1) if train else args.warmup):
        fn()
    X, Y, XT = saved
    secs = []
    for _ in range(args.train_reps if train else args.reps):
        t = time.perf_counter()
        fn()
        secs.append(time.perf_counter() - t)
    s = sorted(secs)
    med = s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2
    print(f"  {name:<12} {samples / med:8.1f} samples/s  median {med:.3f} s [min {s[0]:.3f}, max {s[-1]:.3f}]", flush=True)
    out["cases"].append({"name": name, "samples": samples, "seconds": secs, "gradientEvaluations": grads})
out["machineAtEnd"] = {"loadAverage": os.getloadavg()[0]}
with open(args.json, "w") as f:
    json.dump(out, f, indent=2)
