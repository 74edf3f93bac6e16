#!/usr/bin/env python3
"""Baseline for modelattice-bench "network": one training step of mlp:784-256-256-10 in numpy.

The same step as the bench's own (Sources/modelattice-bench/NetworkBench.swift), float32 throughout:
  forward   h1 = x W1^T + b1, a1 = max(0, h1), h2 = a1 W2^T + b2, a2 = max(0, h2), z = a2 W3^T + b3
  loss      softmax cross-entropy, mean over the batch: dz = (softmax(z) - onehot(y)) / N
  backward  dW3 = dz^T a2, db3 = sum_n dz, da2 = dz W3, dh2 = da2 * 1[a2 > 0], ... down to dW1, db1
            (no gradient with respect to the input x, as in training)
  update    plain SGD, theta <- theta - lr * g
Written as a numpy user would (vectorized, in-place updates where numpy offers them).

Timing: `--blocks` timed blocks of `--steps` steps after a warm-up block; prints the median
milliseconds per step over the blocks (wall clock), then the process CPU time per step over all
timed blocks. Thread count: numpy's OpenBLAS reads OPENBLAS_NUM_THREADS at import, so the caller
sets it in the environment. Output, one line: "numpy_mlp_step wall_ms=<median> cpu_ms=<mean> blas=<info>".
"""
import argparse
import time

import numpy as np


def make_state(batch, seed=1):
    rng = np.random.default_rng(seed)
    sizes = [784, 256, 256, 10]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(fan_in)                     # PyTorch nn.Linear's default range
        w = rng.uniform(-bound, bound, size=(fan_out, fan_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, size=fan_out).astype(np.float32)
        params.append((w, b))
    x = rng.standard_normal((batch, 784)).astype(np.float32)
    y = np.arange(batch) % 10
    return params, x, y


def step(params, x, y, lr):
    """One forward, backward and SGD update; returns the batch mean loss."""
    (w1, b1), (w2, b2), (w3, b3) = params
    n = x.shape[0]
    a1 = x @ w1.T
    a1 += b1
    np.maximum(a1, 0, out=a1)
    a2 = a1 @ w2.T
    a2 += b2
    np.maximum(a2, 0, out=a2)
    z = a2 @ w3.T
    z += b3
    # softmax cross-entropy, stable form
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(s[:, 0]) - z[np.arange(n), y]))
    dz = e / s
    dz[np.arange(n), y] -= 1
    dz *= np.float32(1.0 / n)
    # backward
    dw3 = dz.T @ a2
    db3 = dz.sum(axis=0)
    da2 = dz @ w3
    da2 *= a2 > 0
    dw2 = da2.T @ a1
    db2 = da2.sum(axis=0)
    da1 = da2 @ w2
    da1 *= a1 > 0
    dw1 = da1.T @ x
    db1 = da1.sum(axis=0)
    # plain SGD
    lr = np.float32(lr)
    for (w, b), (dw, db) in zip(params, [(dw1, db1), (dw2, db2), (dw3, db3)]):
        w -= lr * dw
        b -= lr * db
    return loss


def blas_info():
    try:
        from threadpoolctl import threadpool_info  # optional
        return ";".join(f"{i.get('internal_api')}:{i.get('num_threads')}" for i in threadpool_info())
    except Exception:
        return f"numpy-{np.__version__}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=50, help="steps per timed block")
    p.add_argument("--blocks", type=int, default=7, help="timed blocks (the median is reported)")
    p.add_argument("--lr", type=float, default=1e-3)
    a = p.parse_args()
    params, x, y = make_state(a.batch)
    for _ in range(a.steps):                              # warm-up block
        step(params, x, y, a.lr)
    walls = []
    c0 = time.process_time()
    for _ in range(a.blocks):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step(params, x, y, a.lr)
        walls.append((time.perf_counter() - t0) / a.steps)
    cpu = (time.process_time() - c0) / (a.steps * a.blocks)
    walls.sort()
    print(f"numpy_mlp_step wall_ms={walls[len(walls) // 2] * 1e3:.4f} cpu_ms={cpu * 1e3:.4f} blas={blas_info()}")


if __name__ == "__main__":
    main()
