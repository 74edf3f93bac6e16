"""Labeling baseline for `modelattice-bench percolation` (issue 17, item 7): connected-components-3d
(cc3d, PyPI) with 6-connectivity and periodic boundaries, then cluster sizes by np.bincount, on the
mask the bench wrote. Times its own loop (1 warm-up, then `runs` timed runs) and prints one line:
median wall ms, median thread CPU ms, median wall ms of the labels alone, largest cluster size.

usage: cc3d_label.py MASK.npy RUNS
"""
import statistics
import sys
import time

import cc3d
import numpy as np


def main() -> None:
    mask = np.load(sys.argv[1]).astype(bool)
    runs = int(sys.argv[2])

    def labels_and_sizes():
        labels = cc3d.connected_components(mask, connectivity=6, periodic_boundary=True)
        return labels, np.bincount(labels.ravel())

    labels_and_sizes()
    wall, cpu, labels_only = [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.thread_time()
        _, sizes = labels_and_sizes()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        t0 = time.perf_counter()
        cc3d.connected_components(mask, connectivity=6, periodic_boundary=True)
        labels_only.append(time.perf_counter() - t0)
    largest = int(sizes[1:].max()) if sizes.size > 1 else 0
    print(f"{statistics.median(wall) * 1e3:.3f} {statistics.median(cpu) * 1e3:.3f} "
          f"{statistics.median(labels_only) * 1e3:.3f} {largest}")


if __name__ == "__main__":
    main()
