"""The test models, in PyTorch. Every model outputs logits."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    """The reference LeNet (/work/shared/reference/common.py): conv 1->20 5x5, relu, maxpool 2;
    conv 20->50 5x5, relu, maxpool 2; dense 800->500 relu; dense 500->10. Modules are created in the
    reference's order, so the same seed gives the same initial weights. Flatten is NCHW: c*16 + h*4 + w."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def conv_bn(cin, cout, k, stride=1, pad=0):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=False), nn.BatchNorm2d(cout))


class ResBlock(nn.Module):
    """relu(bn(conv(relu(bn(conv(x))))) + skip(x)); skip is identity, or a 1x1 conv + BN when widths differ."""

    def __init__(self, cin, cout):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, pad=1)
        self.b = conv_bn(cout, cout, 3, pad=1)
        self.skip = conv_bn(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        y = self.b(F.relu(self.a(x)))
        return F.relu(y + (x if self.skip is None else self.skip(x)))


class ResNetBN(nn.Module):
    """Small residual CNN for 1x28x28: stem conv 1->24 3x3 + BN + relu; maxpool 2 (14x14); residual block
    24->24 (identity skip); maxpool 2 (7x7); residual block 24->48 (1x1 conv + BN skip); global average
    pool; dense 48->10. 43,762 parameters, 6 BatchNorm layers."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 24, 3, pad=1)
        self.block1 = ResBlock(24, 24)
        self.block2 = ResBlock(24, 48)
        self.fc = nn.Linear(48, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.stem(x)), 2)
        x = F.max_pool2d(self.block1(x), 2)
        x = self.block2(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


class RgbNet(nn.Module):
    """3x32x32 CNN on normalised input: conv 3->16 3x3 pad 1 + BN + relu (32x32); conv 16->32 3x3 stride 2
    pad 1 + BN + relu (16x16); conv 32->64 3x3 stride 2 pad 1 + BN + relu (8x8); global average pool;
    dense 64->10. Expects (x - mean) / std per channel."""

    def __init__(self):
        super().__init__()
        self.c1 = conv_bn(3, 16, 3, pad=1)
        self.c2 = conv_bn(16, 32, 3, stride=2, pad=1)
        self.c3 = conv_bn(32, 64, 3, stride=2, pad=1)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.relu(self.c2(x))
        x = F.relu(self.c3(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class Mlp(nn.Module):
    """1x28x28 -> flatten 784 -> dense 64 -> BatchNorm1d -> relu -> dense 32 -> relu -> dense 10. 52,650 parameters."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 64)
        self.bn1 = nn.BatchNorm1d(64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = F.relu(self.bn1(self.fc1(x)))
        return self.fc3(F.relu(self.fc2(x)))


class Normalized(nn.Module):
    """Pixel-space wrapper: (x - mean) / std per channel, then the model. Used for training and attacks;
    the exported files hold the inner model only (normalisation is the caller's, declared as --mean/--std)."""

    def __init__(self, model, mean, std):
        super().__init__()
        self.model = model
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, x):
        return self.model((x - self.mean) / self.std)


ARCHITECTURES = {"lenet": LeNet, "resnet": ResNetBN, "rgb": RgbNet, "mlp": Mlp,
                 # The residual CNN trained on normalised Fashion-MNIST, (x - mean) / std: exported without the
                 # normalisation, so `eval --model ... --mean ... --std ...` is what makes it see its inputs.
                 "resnet_norm": ResNetBN}
# Models whose exported files expect (x - mean) / std (DIR/<name>_normalization.json, from the training split).
NORMALISED = {"rgb", "resnet_norm"}
