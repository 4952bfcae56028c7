#!/usr/bin/env python3
"""Paired comparison of two `eval --shard 1/1` JSONs on the same samples: robust = adversarial prediction == label.
One-sided exact sign test that the first attack leaves no more samples robust than the second."""
import gzip, json, sys
from math import comb
def labels():
    with gzip.open('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz') as f:
        return list(f.read()[8:])
def sign_p(b, c):  # P(X >= b), X ~ Bin(b + c, 1/2)
    n = b + c
    return 1.0 if n == 0 or b == 0 else sum(comb(n, k) for k in range(b, n + 1)) / 2 ** n
def robust(path, eps, limit=None):
    d = json.load(open(path)); lab = labels()
    r = [x for x in d['results'] if abs(x['eps'] - eps) < 1e-9][0]
    out = {i: p == lab[i] for i, p in zip(d['sample_ids'], r['adversarial_predictions'])}
    return {i: v for i, v in out.items() if limit is None or i < limit}, r
a, b_, eps = sys.argv[1], sys.argv[2], float(sys.argv[3])
limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
ra, xa = robust(a, eps, limit); rb, xb = robust(b_, eps, limit)
ids = sorted(set(ra) & set(rb))
only_b = sum(1 for i in ids if ra[i] and not rb[i])   # robust under A, broken by B
only_a = sum(1 for i in ids if rb[i] and not ra[i])   # broken by A only
print(f"eps {eps} n {len(ids)}: robust {sum(ra[i] for i in ids)} under {a.split('/')[-1]} vs {sum(rb[i] for i in ids)} under {b_.split('/')[-1]}; "
      f"broken only by first {only_a}, only by second {only_b}; one-sided sign test (first no stronger) p={sign_p(only_a, only_b):.3g}, (second no stronger) p={sign_p(only_b, only_a):.3g}")
