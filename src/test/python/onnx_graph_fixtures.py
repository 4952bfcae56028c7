"""Tiny ONNX fixtures for the graph executor's tests (src/test/resources/onnx/), untrained, seeded.

A residual CNN with BatchNorm (non-trivial running statistics), a dilated convolution, an explicit
asymmetric Pad, a stride-2 grouped convolution whose windows miss the last row,
and depthwise convolutions, average pooling without padded counts, a ReduceMean branch joined by
Concat, torch's view(N, -1) flatten (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), Dropout,
Tanh, LeakyRelu and a final Softmax, exported at opsets 11 and 13 with BatchNorm kept. Beside each
model: a batch of inputs, labels, torch's logits (the softmax's input) and torch's input gradient
of the summed cross-entropy, as ONNX TensorProto files.

Run: /usr/bin/python3 src/test/python/onnx_graph_fixtures.py   (torch 1.13, onnx; about 5 s)
     /usr/bin/python3 src/test/python/onnx_graph_fixtures.py --bench-model target/bench_resnet.onnx
       (a 1x28x28 residual CNN with BatchNorm for GraphMemoryBenchmark; prints torch's input-gradient time)
"""
import os
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import onnx
from onnx import numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "onnx")


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(4)
        self.c2 = nn.Conv2d(4, 4, 3, padding=2, dilation=2, bias=False)
        self.b2 = nn.BatchNorm2d(4)
        self.skip = nn.Conv2d(3, 4, 1)
        self.pad = nn.ZeroPad2d((0, 2, 0, 2))
        self.grouped = nn.Conv2d(4, 6, 3, stride=2, groups=2)
        self.depthwise = nn.Conv2d(6, 6, 3, padding=1, groups=6, dilation=1)
        self.avg = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.drop = nn.Dropout(0.3)
        self.fc1 = nn.Linear(6 * 2 * 2 + 6, 8)
        self.fc2 = nn.Linear(8, 5)

    def logits(self, x):
        h = F.relu(self.b1(self.c1(x)))
        h = self.b2(self.c2(h))
        h = F.relu(h + self.skip(x))
        h = F.max_pool2d(h, 2)                       # 8x8 -> 4x4
        h = self.grouped(self.pad(h))                 # 6x6 -> 2x2 (the last row is read by no window)
        h = torch.tanh(self.avg(self.depthwise(h)))
        flat = h.view(h.size(0), -1)
        pooled = h.mean(dim=(2, 3))
        z = torch.cat([flat, pooled], dim=1)
        z = F.leaky_relu(self.fc1(self.drop(z)), 0.2)
        return self.fc2(z)

    def forward(self, x):
        return F.softmax(self.logits(x), dim=1)


class BenchResNet(nn.Module):
    """A Fashion-MNIST-sized residual CNN with BatchNorm (random weights): timing and memory only."""

    def __init__(self, width=32):
        super().__init__()
        def block(cin, cout, stride):
            return nn.ModuleDict({"c1": nn.Conv2d(cin, cout, 3, stride, 1, bias=False), "b1": nn.BatchNorm2d(cout),
                                  "c2": nn.Conv2d(cout, cout, 3, 1, 1, bias=False), "b2": nn.BatchNorm2d(cout),
                                  "skip": nn.Conv2d(cin, cout, 1, stride, bias=False)})
        self.stem = nn.Conv2d(1, width, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(width)
        self.blocks = nn.ModuleList([block(width, width, 1), block(width, 2 * width, 2), block(2 * width, 4 * width, 2)])
        self.fc = nn.Linear(4 * width, 10)

    def forward(self, x):
        h = F.relu(self.bn(self.stem(x)))
        for b in self.blocks:
            y = F.relu(b["b1"](b["c1"](h)))
            h = F.relu(b["b2"](b["c2"](y)) + b["skip"](h))
        return self.fc(h.mean(dim=(2, 3)))


def export_bench_model(path, n=10000, batch=1000):
    torch.manual_seed(3)
    model = BenchResNet().eval()
    torch.onnx.export(model, torch.rand(2, 1, 28, 28), path, opset_version=13, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    import time
    torch.set_num_threads(2)
    x = torch.rand(n, 1, 28, 28)
    y = torch.randint(0, 10, (n,))
    for rep in range(2):
        t0 = time.time()
        for i in range(0, n, batch):
            xb = x[i:i + batch].clone().requires_grad_(True)
            F.cross_entropy(model(xb), y[i:i + batch], reduction="sum").backward()
        dt = time.time() - t0
        print("torch CPU input gradients (2 threads): %.2f s, %.0f gradients/s" % (dt, n / dt))


def save(array, path):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def main():
    torch.manual_seed(11)
    model = TinyResNet()
    with torch.no_grad():
        for bn in (model.b1, model.b2):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.3, 0.3)
    model.eval()
    x = torch.rand(4, 3, 8, 8)
    y = torch.tensor([0, 3, 1, 4])
    xg = x.clone().requires_grad_(True)
    z = model.logits(xg)
    F.cross_entropy(z, y, reduction="sum").backward()
    os.makedirs(OUT, exist_ok=True)
    save(x.numpy(), os.path.join(OUT, "tiny_resnet_input.pb"))
    save(y.numpy().astype(np.int64), os.path.join(OUT, "tiny_resnet_labels.pb"))
    save(z.detach().numpy(), os.path.join(OUT, "tiny_resnet_logits.pb"))
    save(xg.grad.numpy(), os.path.join(OUT, "tiny_resnet_gradient.pb"))
    for opset in (11, 13):
        path = os.path.join(OUT, "tiny_resnet_op%d.onnx" % opset)
        torch.onnx.export(model, x, path, opset_version=opset, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["probs"],
                          dynamic_axes={"input": {0: "batch"}, "probs": {0: "batch"}})
        m = onnx.load(path)
        onnx.checker.check_model(m)
        if opset == 11:
            # Unnamed nodes, as some exporters write them: the loader must name them itself.
            for node in m.graph.node:
                node.name = ""
            onnx.save(m, path)
        print(path, os.path.getsize(path), "bytes,", sorted({n.op_type for n in m.graph.node}))


if __name__ == "__main__":
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "--bench-model":
        export_bench_model(sys.argv[2])   # not committed: written where asked, e.g. target/bench_resnet.onnx
    else:
        main()
