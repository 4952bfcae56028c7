"""PyTorch side of bench/side-by-side.sh for the committed test models (--model resnet|rgb|mlp|lenet).

Builds the torch module from src/test/python/rg_models.py and reads its weights back from the committed
Keras file (src/test/python/from_keras.py), so both sides run the same weights with no Python outputs needed.
For rgb the images are tinted Fashion-MNIST (src/test/python/rg_data.py) and the per-channel normalisation
of models/rgb_bn_tinted_normalization.json runs inside the model (pixel-space attacks).
Cases and conventions as bench/torch_bench.py (bench/torch_timing.py): inference, one input-gradient pass,
FGSM eps 0.1, PGD-Linf eps 0.1 40x0.01 from a random start (seed 2024); warm-up repetitions on two batches,
then timed reps; JSON shaped like the Java side's BenchmarkReport. Run with /usr/bin/python3 (Debian's torch).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src", "test", "python"))

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

import from_keras  # noqa: E402
from torch_timing import Report, TestSetCases, require_known, wall_times  # noqa: E402

torch.set_num_threads(args.threads)
victim = from_keras.committed(args.model)
cases = TestSetCases(victim.model, torch.from_numpy(victim.x[:args.limit]), torch.from_numpy(victim.y[:args.limit]),
                     args.batch_size)
names = args.cases.split(",")
require_known(names, TestSetCases.GRADIENTS)
report = Report(f"{victim.path} (torch {torch.__version__})",
                {"limit": len(cases), "batch_size": args.batch_size, "threads": args.threads, "warmup": args.warmup,
                 "reps": args.reps})
for name in names:
    warm = cases.first(2 * args.batch_size)
    secs = wall_times(getattr(cases, name), getattr(warm, name), args.warmup, args.reps)
    report.add(name, len(cases), secs, TestSetCases.GRADIENTS[name] * len(cases))
report.write(args.json)
