#!/usr/bin/python3
"""PyTorch twin of the default Fashion-MNIST space's supernet step, for the
side-by-side speed figure (tools/bench/supernet-step.ts runs it between its
own rounds). Mirrors packages/search/src/space/fashion-mnist-space.ts and the
supernet's layers: stride-2 3x3 stem 16 + BN + h-swish; fixed first block
(depthwise 3x3 + BN + ReLU, 1x1 project 16 + BN, shortcut); four stages of
inverted-residual blocks (1x1 expand + BN + act, depthwise k + BN + act,
squeeze-excite where the space has it, 1x1 project + BN, shortcut); final
1x1 384 + BN + h-swish, global pool, feature mix 512 + h-swish, dropout 0.1,
classifier 10. Elastic like the supernet: weights at their largest size,
sliced per subnet; a 3x3 depthwise kernel is the 5x5's centre through a
learned 9x9 transform. Inputs 28x28x1 resized (bilinear) to the subnet's
resolution. With --bits 4: LSQ fake quantizers (weights and inputs, one
step each) on every conv and linear, 8 bit on the stem, SE and classifier.

Steps timed (forward + backward + SGD momentum, cross-entropy):
  largest, smallest: that subnet alone;
  sandwich: largest (label smoothing 0.1), smallest and two random subnets
  distilled from the largest's softmax, gradients summed, one SGD step.

Prints one JSON line: {"threads", "batch", "steps": {"<name>:<bits>":
{"msPerStep": [...], "cpuMsPerStep": [...], "imagesPerSec"}}}; CPU time is
the process's, all threads (robust to other load on the machine).
Usage: /usr/bin/python3 supernet_twin.py [--batch 64] [--threads 2]
       [--repeats 5] [--warmup 2] [--channels-last] [--steps largest:32,sandwich:4,...]
"""
import argparse
import json
import math
import random
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

from reference_net import timed  # one timing loop for both PyTorch twins

STEM, FIRST = 16, 16
# (outC, stride, SE, activation), depths 1-3, kernels {3, 5}, expands {2, 3, 4}
STAGES = [(24, 2, False, "relu"), (40, 1, True, "relu"), (64, 2, False, "hswish"), (96, 1, True, "hswish")]
FINAL_EXPAND, FEATURES, CLASSES = 384, 512, 10
LARGEST = {"resolution": 32, "depth": 3, "kernel": 5, "expand": 4}
SMALLEST = {"resolution": 24, "depth": 1, "kernel": 3, "expand": 2}


def make_divisible(v, divisor=8):
    rounded = max(divisor, int(v + divisor / 2) - int(v + divisor / 2) % divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def act(x, name):
    return F.relu(x) if name == "relu" else F.hardswish(x)


class Lsq(nn.Module):
    """LSQ (Esser et al.): one learned step, gradient scaled by 1/sqrt(n*qp)."""

    def __init__(self, signed):
        super().__init__()
        self.signed = signed
        self.step = nn.Parameter(torch.tensor(0.1))
        self.bits = 32

    def forward(self, x):
        if self.bits == 32:
            return x
        qn, qp = (2 ** (self.bits - 1), 2 ** (self.bits - 1) - 1) if self.signed else (0, 2**self.bits - 1)
        g = 1.0 / math.sqrt(x.numel() * qp)
        s = (self.step - self.step * g).detach() + self.step * g
        v = torch.clamp(x / s, -qn, qp)
        return ((v.round() - v).detach() + v) * s


class Quant(nn.Module):
    def __init__(self, fixed, signed_input):
        super().__init__()
        self.fixed = fixed
        self.w, self.x = Lsq(True), Lsq(signed_input)

    def set_bits(self, bits):
        b = 32 if bits == 32 else (8 if self.fixed else bits)
        self.w.bits = self.x.bits = b


class Conv(nn.Module):
    """Dense conv, elastic in/out channels (first ones), no bias."""

    def __init__(self, cin, cout, kernel, stride, fixed=False, signed_input=True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel) * math.sqrt(2 / (kernel * kernel * cout)))
        self.stride, self.q = stride, Quant(fixed, signed_input)

    def forward(self, x, cout):
        w = self.weight[:cout, : x.shape[1]]
        return F.conv2d(self.q.x(x), self.q.w(w), stride=self.stride, padding=w.shape[-1] // 2)


class DwConv(nn.Module):
    """Depthwise 5x5 stored; 3x3 = centre crop through a learned 9x9 transform."""

    def __init__(self, channels, stride):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(channels, 1, 5, 5) * math.sqrt(2 / 25))
        self.transform = nn.Parameter(torch.eye(9))
        self.stride, self.q = stride, Quant(False, True)

    def forward(self, x, kernel):
        c = x.shape[1]
        w = self.weight[:c]
        if kernel == 3:
            w = (w[:, :, 1:4, 1:4].reshape(c, 9) @ self.transform.t()).reshape(c, 1, 3, 3)
        return F.conv2d(self.q.x(x), self.q.w(w), stride=self.stride, padding=kernel // 2, groups=c)


class Bn(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.weight, self.bias = nn.Parameter(torch.ones(channels)), nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        c = x.shape[1]
        return F.batch_norm(x, None, None, self.weight[:c], self.bias[:c], training=True, eps=1e-5)


class Linear(nn.Module):
    def __init__(self, fin, fout, fixed=False, signed_input=False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(fout, fin) / math.sqrt(fin))
        self.bias = nn.Parameter(torch.zeros(fout))
        self.q = Quant(fixed, signed_input)

    def forward(self, x, fout):
        w = self.weight[:fout, : x.shape[1]]
        return F.linear(self.q.x(x), self.q.w(w), self.bias[:fout])


class Se(nn.Module):
    def __init__(self, channels):
        super().__init__()
        hidden = make_divisible(channels / 4)
        self.reduce = Linear(channels, hidden, fixed=True)
        self.expand = Linear(hidden, channels, fixed=True)

    def forward(self, x):
        c = x.shape[1]
        h = F.relu(self.reduce(x.mean((2, 3)), make_divisible(c / 4)))
        return x * F.hardsigmoid(self.expand(h, c))[:, :, None, None]


class Block(nn.Module):
    def __init__(self, cin, cout, stride, se, activation, expands=(2, 3, 4)):
        super().__init__()
        self.cin, self.cout, self.act = cin, cout, activation
        self.expands = expands
        middle = make_divisible(round(cin * max(expands))) if expands else cin
        self.expand_conv = Conv(cin, middle, 1, 1) if expands else None
        self.expand_bn = Bn(middle) if expands else None
        self.dw, self.dw_bn = DwConv(middle, stride), Bn(middle)
        self.se = Se(middle) if se else None
        self.project, self.project_bn = Conv(middle, cout, 1, 1, signed_input=False), Bn(cout)
        self.shortcut = stride == 1 and cin == cout

    def forward(self, x, kernel, expand):
        h = x
        if self.expand_conv is not None:
            h = act(self.expand_bn(self.expand_conv(h, make_divisible(round(self.cin * expand)))), self.act)
        h = act(self.dw_bn(self.dw(h, kernel)), self.act)
        if self.se is not None:
            h = self.se(h)
        h = self.project_bn(self.project(h, self.cout))
        return h + x if self.shortcut else h


class Supernet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.stem_bn = Conv(1, STEM, 3, 2, fixed=True), Bn(STEM)
        self.first = Block(STEM, FIRST, 1, False, "relu", expands=None)
        stages, cin = [], FIRST
        for cout, stride, se, activation in STAGES:
            stages.append(nn.ModuleList([Block(cin if j == 0 else cout, cout, stride if j == 0 else 1, se, activation) for j in range(3)]))
            cin = cout
        self.stages = nn.ModuleList(stages)
        self.final, self.final_bn = Conv(cin, FINAL_EXPAND, 1, 1), Bn(FINAL_EXPAND)
        self.mix = Linear(FINAL_EXPAND, FEATURES)
        self.classifier = Linear(FEATURES, CLASSES, fixed=True)

    def set_bits(self, bits):
        for m in self.modules():
            if isinstance(m, Quant):
                m.set_bits(bits)

    def forward(self, images, spec):
        r = spec["resolution"]
        x = F.interpolate(images, size=(r, r), mode="bilinear", align_corners=False)
        x = F.hardswish(self.stem_bn(self.stem(x, STEM)))
        x = self.first(x, 3, 1)
        for i, blocks in enumerate(self.stages):
            for j in range(spec["depths"][i]):
                x = blocks[j](x, spec["kernels"][i][j], spec["expands"][i][j])
        x = F.hardswish(self.final_bn(self.final(x, FINAL_EXPAND))).mean((2, 3))
        x = F.dropout(F.hardswish(self.mix(x, FEATURES)), 0.1, self.training)
        return self.classifier(x, CLASSES)


def uniform(choice):
    d = choice["depth"]
    return {
        "resolution": choice["resolution"],
        "depths": [d] * 4,
        "kernels": [[choice["kernel"]] * d for _ in range(4)],
        "expands": [[choice["expand"]] * d for _ in range(4)],
    }


def sample(rng):
    depths = [rng.choice([1, 2, 3]) for _ in range(4)]
    return {
        "resolution": rng.choice([24, 28, 32]),
        "depths": depths,
        "kernels": [[rng.choice([3, 5]) for _ in range(d)] for d in depths],
        "expands": [[rng.choice([2, 3, 4]) for _ in range(d)] for d in depths],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--steps", default="largest:32,smallest:32,sandwich:32,largest:4,smallest:4,sandwich:4")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    net = Supernet().train().to(memory_format=fmt)
    images = torch.randn(args.batch, 1, 28, 28).to(memory_format=fmt)
    labels = torch.arange(args.batch) % CLASSES
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    rng = random.Random(1)

    def alone(spec):
        def step():
            optimizer.zero_grad()
            F.cross_entropy(net(images, spec), labels).backward()
            optimizer.step()

        return step

    def sandwich():
        optimizer.zero_grad()
        logits = net(images, uniform(LARGEST))
        F.cross_entropy(logits, labels, label_smoothing=0.1).backward()
        teacher = F.softmax(logits.detach(), 1)
        for spec in (uniform(SMALLEST), sample(rng), sample(rng)):
            (-(teacher * F.log_softmax(net(images, spec), 1)).sum(1).mean()).backward()
        optimizer.step()

    steps = {"largest": alone(uniform(LARGEST)), "smallest": alone(uniform(SMALLEST)), "sandwich": sandwich}
    result = {"threads": args.threads, "batch": args.batch, "channelsLast": args.channels_last, "torch": torch.__version__, "steps": {}}
    for key in args.steps.split(","):
        name, bits = key.split(":")
        net.set_bits(int(bits))
        times, cpu_times = timed(steps[name], args.repeats, args.warmup)
        result["steps"][key] = {
            "msPerStep": [round(t, 2) for t in times],
            "cpuMsPerStep": [round(t, 2) for t in cpu_times],
            "imagesPerSec": args.batch / statistics.median(times) * 1000,
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
