"""The PyTorch reference's attack steps (/work/shared/reference/attacks.py), shared by reference_numbers.py and the
bench/torch_*.py scripts so that every torch number RobustGate is compared with comes from one implementation.

Conventions: inputs in [0,1] pixel space, the model in eval mode with frozen parameters (see frozen), loss =
softmax cross-entropy summed over the batch, sign(0) = 0.
"""
import torch
import torch.nn.functional as F


def frozen(model):
    """`model` in eval mode (BatchNorm on running statistics) with no parameter gradients; returns it."""
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def grad_x(model, x, y):
    """d/dx of the summed cross-entropy of labels y, one input-gradient pass."""
    x = x.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(F.cross_entropy(model(x), y, reduction="sum"), x)
    return g


def predict(model, x):
    with torch.no_grad():
        return model(x).argmax(1)


def fgsm(model, x, y, eps):
    """clip(x + eps * sign(grad), 0, 1)."""
    return (x + eps * grad_x(model, x, y).sign()).clamp(0, 1)


def pgd_linf(model, x, y, eps, alpha, steps, gen):
    """PGD-Linf from clip(x + U(-eps, eps), 0, 1) drawn from torch.Generator `gen` (one generator for all batches,
    in order; None: from x itself, no random start), `steps` steps of `alpha` * sign(grad), each projected to the
    eps-ball and clipped to [0,1]; the last iterate."""
    xa = x.clone() if gen is None else (x + (torch.rand(x.shape, generator=gen) * 2 - 1) * eps).clamp(0, 1)
    for _ in range(steps):
        xa = xa + alpha * grad_x(model, xa, y).sign()
        xa = torch.min(torch.max(xa, x - eps), x + eps).clamp(0, 1)
    return xa
