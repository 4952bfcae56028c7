"""The timing harness of bench/torch_bench.py and bench/torch_model_bench.py: the test-set cases as
./robustgate bench runs them, warm-up and timed repetitions, and a JSON report shaped like the Java side's
BenchmarkReport (cases[].name/samples/seconds/gradientEvaluations).

Needs src/test/python on sys.path (torch_attacks). Run with /usr/bin/python3 (Debian's torch).
"""
import json
import os
import sys
import time

import torch

import torch_attacks


class TestSetCases:
    """inference, one input-gradient pass, FGSM eps 0.1, and PGD-Linf eps 0.1 40x0.01 from a random start
    (seed 2024, every step, last iterate), over (x, y) in batches, each with the clean predictions first as
    RobustGate reports them. GRADIENTS: gradient evaluations per sample of each case."""
    GRADIENTS = {"inference": 0, "gradient": 1, "fgsm": 1, "pgd40": 40}

    def __init__(self, model, x, y, batch_size):
        self.model, self.x, self.y, self.batch_size = model, x, y, batch_size

    def __len__(self):
        return len(self.x)

    def first(self, n):
        """The same cases on the first n samples (for the warm-up)."""
        return TestSetCases(self.model, self.x[:n], self.y[:n], self.batch_size)

    def batches(self):
        for i in range(0, len(self.x), self.batch_size):
            yield self.x[i:i + self.batch_size], self.y[i:i + self.batch_size]

    def inference(self):
        for xb, _ in self.batches():
            torch_attacks.predict(self.model, xb)

    def gradient(self):
        for xb, yb in self.batches():
            torch_attacks.grad_x(self.model, xb, yb)

    def fgsm(self):
        for xb, yb in self.batches():
            torch_attacks.predict(self.model, xb)
            torch_attacks.predict(self.model, torch_attacks.fgsm(self.model, xb, yb, 0.1))

    def pgd40(self):
        gen = torch.Generator().manual_seed(2024)
        for xb, yb in self.batches():
            torch_attacks.predict(self.model, xb)
            torch_attacks.predict(self.model, torch_attacks.pgd_linf(self.model, xb, yb, 0.1, 0.01, 40, gen))


def require_known(names, known):
    """Exits with a one-line error naming the first of `names` not in `known`."""
    for name in names:
        if name not in known:
            sys.exit(f"unknown case {name} (have: {', '.join(known)})")


def wall_times(run, warm_up, warmup, reps):
    """`warm_up()` `warmup` times unrecorded, then `run()` `reps` times: the wall time of each, in seconds."""
    for _ in range(warmup):
        warm_up()
    secs = []
    for _ in range(reps):
        t = time.perf_counter()
        run()
        secs.append(time.perf_counter() - t)
    return secs


def median(values):
    s = sorted(values)
    return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2


class Report:
    """The JSON report; the machine's load is recorded when it is made and when it is written."""

    def __init__(self, model, settings):
        self.out = {"model": model, "execution": "pytorch", "settings": settings,
                    "machine": {"cores": os.cpu_count(), "loadAverage": os.getloadavg()[0],
                                "torchThreads": torch.get_num_threads()},
                    "cases": []}

    def add(self, name, samples, seconds, gradient_evaluations):
        s = sorted(seconds)
        med = median(seconds)
        print(f"  {name:<12} {samples / med:8.1f} samples/s  median {med:.3f} s [min {s[0]:.3f}, max {s[-1]:.3f}]",
              flush=True)
        self.out["cases"].append({"name": name, "samples": samples, "seconds": seconds,
                                  "gradientEvaluations": gradient_evaluations})

    def write(self, path):
        self.out["machineAtEnd"] = {"loadAverage": os.getloadavg()[0]}
        with open(path, "w") as f:
            json.dump(self.out, f, indent=2)
