"""torch's FGSM / PGD-Linf accuracy on a committed test model under both counting conventions, for
side-by-side checks of `./robustgate eval --model ...`:
  acc         torch's usual one: every image attacked, correct after the attack (torchattacks, the reference);
  robust_acc  RobustGate's: correct before AND after the attack (a misclassified image is not attacked and
              counts as not robust; an attack that turns a wrong answer right does not count).

  /usr/bin/python3 bench/torch_attack_accuracy.py --model resnet --attack fgsm --eps 0.01,0.05,0.1,0.2 [--limit N]
  /usr/bin/python3 bench/torch_attack_accuracy.py --model resnet --attack pgd --eps 0.1 --limit 1000

Weights are read from the committed Keras file (src/test/python/from_keras.py). PGD: step 0.01, 40 steps,
random start U(-eps, eps) from torch.Generator(seed 2024) batch after batch (batches of 1000), last iterate;
--zero-start starts at the clean image (no RNG: the same computation as RobustGate's --no-random-start)
(src/test/python/torch_attacks.py).
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src", "test", "python"))

ap = argparse.ArgumentParser()
ap.add_argument("--model", required=True, choices=["resnet", "rgb", "mlp", "lenet", "resnet_norm"])
ap.add_argument("--attack", required=True, choices=["fgsm", "pgd"])
ap.add_argument("--eps", required=True)
ap.add_argument("--limit", type=int, default=10000)
ap.add_argument("--steps", type=int, default=40)
ap.add_argument("--step-size", type=float, default=0.01)
ap.add_argument("--seed", type=int, default=2024)
ap.add_argument("--zero-start", action="store_true",
                help="PGD from the clean image (no random start): deterministic, so RobustGate's "
                     "`--no-random-start --last-iterate` computes the same thing")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--json")
args = ap.parse_args()

import torch  # noqa: E402

import from_keras  # noqa: E402
from torch_attacks import fgsm, pgd_linf, predict  # noqa: E402

torch.set_num_threads(args.threads)
victim = from_keras.committed(args.model)
model = victim.model
X, Y = torch.from_numpy(victim.x[:args.limit]), torch.from_numpy(victim.y[:args.limit])
BS = 1000

clean = torch.cat([predict(model, X[i:i + BS]) for i in range(0, len(X), BS)]) == Y
out = {"model": victim.path, "attack": args.attack, "n": len(X), "steps": args.steps, "step_size": args.step_size,
       "start": "zero" if args.zero_start else f"uniform, seed {args.seed}", "last_iterate": True, "clean_acc": clean.float().mean().item(), "results": []}
print(f"{victim.path}: clean {out['clean_acc']:.4f} on {len(X)}")
for eps in [float(e) for e in args.eps.split(",")]:
    t = time.time()
    gen = torch.Generator().manual_seed(args.seed)
    preds = []
    for i in range(0, len(X), BS):
        xb, yb = X[i:i + BS], Y[i:i + BS]
        if args.attack == "fgsm":
            xa = fgsm(model, xb, yb, eps)
        else:
            xa = pgd_linf(model, xb, yb, eps, args.step_size, args.steps, None if args.zero_start else gen)
        preds.append(predict(model, xa))
    adv = torch.cat(preds) == Y
    r = {"eps": eps, "acc": adv.float().mean().item(), "robust_acc": (adv & clean).float().mean().item(),
         "wrong_made_right": int((adv & ~clean).sum()), "seconds": time.time() - t}
    out["results"].append(r)
    print(f"  eps={eps:<6} acc {r['acc']:.4f}  robust_acc {r['robust_acc']:.4f}  "
          f"(misclassified made right by the attack: {r['wrong_made_right']})  {r['seconds']:.1f} s", flush=True)
if args.json:
    with open(args.json, "w") as f:
        json.dump(out, f, indent=2)
