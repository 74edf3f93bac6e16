#!/usr/bin/env python3
"""Baseline for modelattice-bench "network": one training step of mlp:784-256-256-10 in PyTorch (CPU).

The step of numpy_mlp_step.py written as a PyTorch user would: nn.Sequential of Linear/ReLU,
F.cross_entropy (batch mean), loss.backward() (autograd; no gradient for the input), plain
torch.optim.SGD (lr, no momentum), float32. Timing and output as numpy_mlp_step.py; the thread
count is `--threads` (torch.set_num_threads). Output, one line:
"torch_mlp_step wall_ms=<median> cpu_ms=<mean> blas=torch-<version>".
"""
import argparse
import time

import torch


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=50, help="steps per timed block")
    p.add_argument("--blocks", type=int, default=7, help="timed blocks (the median is reported)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    x = torch.randn(a.batch, 784)
    y = torch.arange(a.batch) % 10

    def step():
        opt.zero_grad(set_to_none=False)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(a.steps):                              # warm-up block
        step()
    walls = []
    c0 = time.process_time()
    for _ in range(a.blocks):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        walls.append((time.perf_counter() - t0) / a.steps)
    cpu = (time.process_time() - c0) / (a.steps * a.blocks)
    walls.sort()
    print(f"torch_mlp_step wall_ms={walls[len(walls) // 2] * 1e3:.4f} cpu_ms={cpu * 1e3:.4f} blas=torch-{torch.__version__}")


if __name__ == "__main__":
    main()
