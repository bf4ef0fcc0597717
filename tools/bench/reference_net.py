#!/usr/bin/python3
"""The foundation issue's reference net in PyTorch, for the side-by-side speed
figure (tools/bench/train-step.ts runs it). Same layers as
packages/engine/src/reference-net: 32x32x1 input, stem 3x3 conv 16 + BN +
ReLU, six inverted-residual blocks, 1x1 conv 160 + BN + ReLU, global average
pool, dense 10, no conv biases; SGD momentum 0.9, cross-entropy.

Prints one JSON line: {"threads", "batch", "train": {...}, "infer": {...}}
with imagesPerSec (batch / median step time), msPerStep and cpuMsPerStep
(process CPU time of all threads: robust to other load on the machine).
Usage: /usr/bin/python3 reference_net.py [--batch 64] [--threads 2]
       [--repeats 10] [--warmup 3] [--channels-last]
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

BLOCKS = [(4, 3, 24, 2), (4, 3, 24, 1), (4, 5, 40, 2), (4, 5, 40, 1), (6, 3, 80, 2), (6, 3, 80, 1)]


def conv_bn(cin, cout, kernel, stride, relu, groups=1):
    layers = [
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
    ]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, expand, kernel, cout, stride):
        super().__init__()
        hidden = cin * expand
        self.body = nn.Sequential(
            conv_bn(cin, hidden, 1, 1, True),
            conv_bn(hidden, hidden, kernel, stride, True, groups=hidden),
            conv_bn(hidden, cout, 1, 1, False),
        )
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


def reference_net():
    layers = [conv_bn(1, 16, 3, 1, True)]
    cin = 16
    for expand, kernel, cout, stride in BLOCKS:
        layers.append(InvertedResidual(cin, expand, kernel, cout, stride))
        cin = cout
    layers += [conv_bn(cin, 160, 1, 1, True), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(160, 10)]
    return nn.Sequential(*layers)


def timed(step, repeats, warmup):
    for _ in range(warmup):
        step()
    times, cpu_times = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        step()
        cpu_times.append((time.process_time() - cpu) * 1000)
        times.append((time.perf_counter() - start) * 1000)
    return times, cpu_times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--channels-last", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    net = reference_net().to(memory_format=fmt)
    x = torch.randn(args.batch, 1, 32, 32).to(memory_format=fmt)
    labels = torch.randint(0, 10, (args.batch,))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()

    def train_step():
        optimizer.zero_grad()
        loss = loss_fn(net(x), labels)
        loss.backward()
        optimizer.step()

    net.train()
    train = timed(train_step, args.repeats, args.warmup)
    net.eval()
    with torch.no_grad():
        infer = timed(lambda: net(x), args.repeats, args.warmup)
    result = {"threads": args.threads, "batch": args.batch, "channelsLast": args.channels_last}
    for mode, (times, cpu_times) in (("train", train), ("infer", infer)):
        result[mode] = {
            "imagesPerSec": args.batch / statistics.median(times) * 1000,
            "msPerStep": [round(t, 2) for t in times],
            "cpuMsPerStep": [round(t, 2) for t in cpu_times],
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
