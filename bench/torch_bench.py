"""PyTorch side of bench/side-by-side.sh: the reference's LeNet and weights, timed like ./robustgate bench.

Imports LeNet and the Fashion-MNIST loader from the PyTorch reference (../shared/reference, not
modified) and loads its trained weights (lenet_fmnist.pt), the same weights as
lenet_fmnist_keras.h5. Cases and conventions follow the reference's attacks.py and train.py:
inference, one input-gradient pass, FGSM eps 0.1, PGD-Linf eps 0.1 40x0.01 from a random start
(every step, last iterate) (bench/torch_timing.py), and one training epoch of a fresh LeNet (Adam 1e-3,
batch 128). Each case: `warmup` unrecorded repetitions on a small slice, then `reps` timed ones; JSON shaped
like the Java side's BenchmarkReport (cases[].name/samples/seconds/gradientEvaluations).
Run with /usr/bin/python3 (Debian's torch).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src", "test", "python"))

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

import torch_attacks  # noqa: E402
from torch_timing import Report, TestSetCases, require_known, wall_times  # noqa: E402

torch.set_num_threads(args.threads)
xtr, ytr, xte, yte = load_fashion_mnist()
XT, YT = torch.from_numpy(xtr[:args.train_limit]), torch.from_numpy(ytr[:args.train_limit])

model = LeNet()
model.load_state_dict(torch.load(os.path.join(args.ref_out, "lenet_fmnist.pt")))
cases = TestSetCases(torch_attacks.frozen(model), torch.from_numpy(xte[:args.limit]), torch.from_numpy(yte[:args.limit]),
                     args.batch_size)


def train_epoch(xt, yt):
    torch.manual_seed(12345)
    net = LeNet()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(12345)
    net.train()
    perm = torch.randperm(len(xt), generator=gen)
    for i in range(0, len(perm), 128):
        idx = perm[i:i + 128]
        opt.zero_grad()
        loss = F.cross_entropy(net(xt[idx]), yt[idx])
        loss.backward()
        opt.step()


names = args.cases.split(",")
require_known(names, list(TestSetCases.GRADIENTS) + ["train_epoch"])
report = Report("lenet_fmnist.pt (torch " + torch.__version__ + ")",
                {"limit": len(cases), "train_limit": len(XT), "batch_size": args.batch_size, "threads": args.threads,
                 "warmup": args.warmup, "reps": args.reps})
for name in names:
    # Warm-up on a small slice (two batches, or 1024 training samples), as the Java side does.
    if name == "train_epoch":
        secs = wall_times(lambda: train_epoch(XT, YT), lambda: train_epoch(XT[:1024], YT[:1024]),
                          min(args.warmup, 1), args.train_reps)
        report.add(name, len(XT), secs, 0)
    else:
        warm = cases.first(2 * args.batch_size)
        secs = wall_times(getattr(cases, name), getattr(warm, name), args.warmup, args.reps)
        report.add(name, len(cases), secs, TestSetCases.GRADIENTS[name] * len(cases))
report.write(args.json)
