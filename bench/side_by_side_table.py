"""Prints the side-by-side table of bench/side-by-side.sh from the two sides' JSON files."""
import json
import sys


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def cases(paths):
    out = {}
    for p in paths:
        with open(p) as f:
            for c in json.load(f)["cases"]:
                out[c["name"]] = c
    return out


torch_cases = cases([p for p in sys.argv[1:] if "torch" in p.rsplit("/", 1)[-1]])
rg_cases = cases([p for p in sys.argv[1:] if "torch" not in p.rsplit("/", 1)[-1]])
label = {"inference": "inference", "gradient": "input gradient", "fgsm": "FGSM eps .1", "pgd40": "PGD-40 eps .1",
         "train_epoch": "training epoch"}
print(f"| case | samples | PyTorch s (min-max) | RobustGate s (min-max) | ratio RG/PT | PT grads/s | RG grads/s |")
print("|---|---|---|---|---|---|---|")
for name in ["inference", "gradient", "fgsm", "pgd40", "train_epoch"]:
    if name not in torch_cases or name not in rg_cases:
        continue
    t, r = torch_cases[name], rg_cases[name]
    tm, rm = median(t["seconds"]), median(r["seconds"])
    tg = t.get("gradientEvaluations", 0) / tm if t.get("gradientEvaluations") else None
    rgr = r.get("gradientEvaluations", 0) / rm if r.get("gradientEvaluations") else None
    fmt = lambda v: "-" if v is None else f"{v:.0f}"
    print(f"| {label[name]} | {r['samples']} | {tm:.2f} ({min(t['seconds']):.2f}-{max(t['seconds']):.2f}) "
          f"| {rm:.2f} ({min(r['seconds']):.2f}-{max(r['seconds']):.2f}) | {rm / tm:.2f}x | {fmt(tg)} | {fmt(rgr)} |")
