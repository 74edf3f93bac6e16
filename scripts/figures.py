#!/usr/bin/env python3
"""Render every figure of results/figures/ from the CSV tables in results/.

Each figure reads the tables it needs and is skipped (with a note) when one is missing, so a
partial reproduction still renders what it can. Run through `make figures`, which installs
matplotlib into a local virtual environment (.venv) from PyPI.
"""
import csv
import glob
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RESULTS = sys.argv[1] if len(sys.argv) > 1 else "results"
FIGURES = os.path.join(RESULTS, "figures")


def read(name):
    path = os.path.join(RESULTS, name)
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(row, key):
    v = row.get(key, "")
    if v in ("", None):
        return math.nan
    try:
        return float(v)
    except ValueError:
        return math.nan


def save(fig, name):
    os.makedirs(FIGURES, exist_ok=True)
    path = os.path.join(FIGURES, name)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"figures: wrote {path}")


def percolation_curves():
    """Largest-cluster fraction, wrapping and pair connectivity versus p, one line per dimension."""
    files = sorted(glob.glob(os.path.join(RESULTS, "percolation_curves_d*.csv")))
    if not files:
        return "no percolation_curves_d*.csv"
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for path in files:
        d = os.path.basename(path)[len("percolation_curves_d"):-4]
        rows = read(os.path.basename(path))
        p = [num(r, "p") for r in rows]
        for ax, key in zip(axes, ["largest_fraction", "wrapping_any", "pair_connectivity"]):
            y = [num(r, key) for r in rows]
            se = [num(r, key + "_se") for r in rows]
            ax.errorbar(p, y, yerr=se, label=f"d = {d}", capsize=2, lw=1)
    for ax, title in zip(axes, ["largest cluster fraction S_max/N", "wrapping probability (any axis)",
                                "pair connectivity"]):
        ax.set_xlabel("site occupation probability p")
        ax.set_title(title)
        ax.legend()
    save(fig, "percolation_curves.png")


def thresholds():
    """Estimated p_c(d) with literature values, and (2d-1)·p_c approaching 1."""
    rows = read("thresholds.csv")
    if rows is None:
        return "no thresholds.csv"
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for kind, marker in [("site", "o"), ("bond", "s")]:
        sel = [r for r in rows if r["kind"] == kind]
        d = [num(r, "dim") for r in sel]
        axes[0].errorbar(d, [num(r, "estimate") for r in sel], yerr=[num(r, "stderr") for r in sel],
                         fmt=marker, label=f"{kind}: ModeLattice", capsize=2)
        axes[0].plot(d, [num(r, "literature") for r in sel], "k+", ms=10)
        axes[1].errorbar(d, [num(r, "times_2d_minus_1") for r in sel],
                         yerr=[num(r, "stderr") * (2 * num(r, "dim") - 1) for r in sel],
                         fmt=marker, label=kind, capsize=2)
    dd = [x / 10 for x in range(20, 131)]
    axes[0].plot(dd, [1 / (2 * x) for x in dd], "k:", lw=1, label="1/(2d)")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("dimension d")
    axes[0].set_ylabel("p_c (literature: +)")
    axes[0].legend()
    axes[1].axhline(1, color="k", lw=0.8)
    axes[1].set_xlabel("dimension d")
    axes[1].set_ylabel("(2d - 1) p_c")
    axes[1].legend()
    save(fig, "thresholds.png")


FIGURES_LIST = [percolation_curves, thresholds]


def main():
    for figure in FIGURES_LIST:
        note = figure()
        if note:
            print(f"figures: skipped {figure.__name__}: {note}")


if __name__ == "__main__":
    main()
