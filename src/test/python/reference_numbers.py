"""torch's clean, FGSM and PGD-Linf accuracies of a test model on the 10k test images, and its input-gradient time.

  /usr/bin/python3 reference_numbers.py [--models DIR] [--out FILE] NAME

Conventions (the PyTorch reference's, /work/shared/reference/attacks.py): inputs in [0,1] pixel space (for
the rgb model the per-channel normalisation runs inside the model, so eps is in pixel space); eval mode
(BatchNorm on running statistics); loss = softmax cross-entropy summed over the batch;
FGSM clip(x + eps * sign(g), 0, 1) with sign(0) = 0 at eps .01 .05 .1 .2;
PGD-Linf eps .1, step .01, 40 steps, start clip(x + U(-eps, eps), 0, 1) drawn from one torch.Generator seeded
2024 batch after batch (batches of 1000 in order), each step projected to the ball and clipped to [0,1];
accuracy of the last iterate. Gradient time: median wall time of 3 full input-gradient passes over the 10k
images (batch 1000, 2 threads), after one warm-up pass. PGD's correct count per batch of 1000 is recorded, so
that a run on the first k*1000 images can be compared. Also records the FGSM predictions of the first 200
images at every eps, for agreement tests.
"""
import argparse
import json
import os
import re
import time

import torch

import rg_data
import rg_models
from torch_attacks import fgsm, frozen, grad_x, pgd_linf, predict
from train_models import default_out

PGD_SEED, BS, FIRST = 2024, 1000, 200
FGSM_EPS = [0.01, 0.05, 0.1, 0.2]


def load(models_dir, name):
    inner = rg_models.ARCHITECTURES[name]()
    inner.load_state_dict(torch.load(os.path.join(models_dir, f"{name}.pt")))
    model = inner
    if name in rg_models.NORMALISED:
        with open(os.path.join(models_dir, f"{name}_normalization.json")) as f:
            norm = json.load(f)
        model = rg_models.Normalized(inner, norm["mean"], norm["std"])
    return frozen(model)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default=default_out())
    ap.add_argument("--out", help="JSON file (default: DIR/<name>_torch_attacks.json)")
    ap.add_argument("--limit", type=int, default=10000)
    ap.add_argument("--pgd-limit", type=int, default=10000,
                    help="PGD on the first N images only (the others: --limit); recorded in the JSON")
    ap.add_argument("--timing-reps", type=int, default=3)
    ap.add_argument("name", choices=list(rg_models.ARCHITECTURES))
    args = ap.parse_args()
    torch.set_num_threads(2)
    model = load(args.models, args.name)
    x, y = rg_data.tinted("t10k") if args.name == "rgb" else rg_data.fashion("t10k")
    X, Y = torch.from_numpy(x[:args.limit]), torch.from_numpy(y[:args.limit])

    def over_batches(fn):
        return torch.cat([fn(X[i:i + BS], Y[i:i + BS]) for i in range(0, len(X), BS)])

    out = {"model": args.name, "n": len(X), "torch": torch.__version__, "threads": torch.get_num_threads(),
           "dataset": "tinted fashion-mnist t10k (rg_data.tint_uint8)" if args.name == "rgb" else "fashion-mnist t10k",
           "loadavg_start": os.getloadavg()[0]}
    if args.name in rg_models.NORMALISED:
        out["normalization"] = {"mean": model.mean.flatten().tolist(), "std": model.std.flatten().tolist()}

    t = time.time()
    clean = over_batches(lambda xb, yb: predict(model, xb))
    out["clean"] = {"acc": (clean == Y).float().mean().item(), "seconds": time.time() - t}
    out["clean_pred_first200"] = clean[:FIRST].tolist()
    print("clean", out["clean"], flush=True)

    def gradients(xb, yb):
        return grad_x(model, xb, yb)

    over_batches(gradients)  # warm-up
    times = []
    for _ in range(args.timing_reps):
        t = time.perf_counter()
        over_batches(gradients)
        times.append(time.perf_counter() - t)
    out["input_gradient"] = {"seconds_median": sorted(times)[len(times) // 2], "seconds": times, "samples": len(X), "batch": BS}
    print("gradient", out["input_gradient"], flush=True)

    out["fgsm"] = []
    for eps in FGSM_EPS:
        t = time.time()
        pred = over_batches(lambda xb, yb: predict(model, fgsm(model, xb, yb, eps)))
        r = {"eps": eps, "acc": (pred == Y).float().mean().item(), "seconds": time.time() - t,
             "pred_first200": pred[:FIRST].tolist()}
        out["fgsm"].append(r)
        print("fgsm", eps, r["acc"], flush=True)

    gen = torch.Generator().manual_seed(PGD_SEED)
    eps, alpha, steps = 0.1, 0.01, 40

    def pgd(xb, yb):
        return predict(model, pgd_linf(model, xb, yb, eps, alpha, steps, gen))

    t = time.time()
    X, Y = X[:args.pgd_limit], Y[:args.pgd_limit]
    pred = over_batches(pgd)
    correct = (pred == Y)
    out["pgd_linf"] = {"n": len(X), "eps": eps, "alpha": alpha, "steps": steps, "random_start": True, "seed": PGD_SEED,
                       "acc": correct.float().mean().item(), "seconds": time.time() - t,
                       "correct_per_batch_of_1000": [int(correct[i:i + BS].sum()) for i in range(0, len(X), BS)]}
    print("pgd", out["pgd_linf"], flush=True)
    out["loadavg_end"] = os.getloadavg()[0]
    path = args.out or os.path.join(args.models, f"{args.name}_torch_attacks.json")
    text = json.dumps(out, indent=1)
    # lists of numbers on one line each: the files are committed, keep them small and readable
    text = re.sub(r"\[\s+([-\d.,\s]+?)\s+\]", lambda m: "[" + re.sub(r"\s+", "", m.group(1)) + "]", text)
    with open(path, "w") as f:
        f.write(text + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
