#!/usr/bin/env python3
"""Render every figure of results/figures/ from the CSV tables in results/.

One function per figure. Each reads the tables it needs and is skipped (with a note) when one is
missing, so a partial reproduction still renders what it can. Run through `make figures`, which
installs matplotlib into a local virtual environment (.venv) from PyPI. Apart from matplotlib (and
the numpy it pulls in) only the standard library is used.
"""
import csv
import glob
import math
import os
import statistics
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.patches  # noqa: E402
import matplotlib.ticker  # noqa: E402

RESULTS = sys.argv[1] if len(sys.argv) > 1 else "results"
FIGURES = os.path.join(RESULTS, "figures")

# Site-percolation thresholds of Z^d (literature), used as reference lines when the threshold
# table is absent. d = 2: Jacobsen (2015); d = 3: Wang et al. (2013); d = 4..6: Grassberger (2003).
SITE_PC = {1: 1.0, 2: 0.59274621, 3: 0.3116077, 4: 0.1968861, 5: 0.1407966, 6: 0.1090168}
COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


class Skip(Exception):
    """Raised by a figure function when a table it needs is missing or empty."""


def read(name, required=True):
    """Rows of results/NAME as dicts; raises Skip (or returns None if not required) when absent."""
    path = os.path.join(RESULTS, name)
    if not os.path.exists(path):
        if required:
            raise Skip(f"no {name}")
        return None
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows and required:
        raise Skip(f"{name} is empty")
    return rows


def num(row, key):
    v = row.get(key, "")
    if v in ("", None):
        return math.nan
    try:
        return float(v)
    except ValueError:
        return math.nan


def finite(xs):
    return [x for x in xs if not math.isnan(x)]


def mean_se(xs):
    xs = finite(xs)
    if not xs:
        return math.nan, math.nan
    m = sum(xs) / len(xs)
    if len(xs) < 2:
        return m, 0.0
    return m, statistics.stdev(xs) / math.sqrt(len(xs))


def caption(fig, text):
    """One-line statement of what the figure plots (wrapped when wider than the figure)."""
    width = int(fig.get_figwidth() * 13)
    fig.suptitle("\n".join(textwrap.wrap(text, width)), fontsize=10.5, y=0.995)


def save(fig, name):
    os.makedirs(FIGURES, exist_ok=True)
    path = os.path.join(FIGURES, name)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    print(f"figures: wrote {path}")


def spans_decades(values, decades=2.0):
    pos = [v for v in finite(values) if v > 0]
    return len(pos) >= 2 and max(pos) / min(pos) > 10 ** decades


def site_pc():
    """Literature site thresholds by dimension, from the threshold table when present."""
    pcs = dict(SITE_PC)
    for r in read("percolation_thresholds.csv", required=False) or []:
        if r.get("kind") == "site" and not math.isnan(num(r, "literature")):
            pcs[int(num(r, "dim"))] = num(r, "literature")
    return pcs


# --------------------------------------------------------------------------------------------
# Percolation on Z^d


def thresholds():
    """Per row: z = (estimate − literature)/σ with ±1σ/±3σ bands; relative error σ/p_c; (2d−1)·p_c."""
    rows = read("percolation_thresholds.csv")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    dims, zall = [], []
    offset = {"site": -0.12, "bond": 0.12}
    for kind, marker, color in [("site", "o", COLORS[0]), ("bond", "s", COLORS[1])]:
        sel = sorted((r for r in rows if r["kind"] == kind), key=lambda r: num(r, "dim"))
        if not sel:
            continue
        d = [num(r, "dim") for r in sel]
        dims += d
        x = [v + offset[kind] for v in d]
        est = [num(r, "estimate") for r in sel]
        se = [num(r, "stderr") for r in sel]
        stat = [num(r, "statistical_error") if "statistical_error" in r else math.nan for r in sel]
        lit = [num(r, "literature") for r in sel]
        z = [num(r, "z") if "z" in r else (e - l) / s for r, e, l, s in zip(sel, est, lit, se)]
        zall += z
        axes[0].plot(x, z, marker, color=color, mfc="none", ms=7, label=f"{kind}: z with stderr")
        zs = [(e - l) / s for e, l, s in zip(est, lit, stat)]
        if finite(zs):
            axes[0].plot(x, zs, ".", color=color, ms=5, alpha=0.6,
                         label=f"{kind}: against statistical error alone")
        axes[1].plot(x, [s / e for s, e in zip(se, est)], marker, color=color, mfc="none",
                     label=f"{kind}: stderr / estimate")
        if finite(stat):
            axes[1].plot(x, [s / e for s, e in zip(stat, est)], ".", color=color, alpha=0.6,
                         label=f"{kind}: statistical only")
        axes[2].errorbar(d, [num(r, "times_2d_minus_1") for r in sel],
                         yerr=[s * (2 * v - 1) for s, v in zip(se, d)], fmt=marker, color=color,
                         mfc="none", capsize=3, label=f"{kind}: ModeLattice")
        axes[2].plot(d, [p * (2 * v - 1) for p, v in zip(lit, d)], "x", color=color, ms=8,
                     label=f"{kind}: literature")
    lo, hi = min(dims), max(dims)
    axes[0].axhspan(-3, 3, color="0.92", zorder=0, label="±3σ")
    axes[0].axhspan(-1, 1, color="0.80", zorder=0, label="±1σ")
    axes[0].axhline(0, color="k", lw=0.8)
    top = max([4.0] + [abs(v) + 0.5 for v in finite(zall)])
    axes[0].set_ylim(-top, top)
    axes[0].set_xlabel("dimension d")
    axes[0].set_ylabel("(estimate − literature) / σ")
    axes[0].set_title("deviation from the literature per row")
    axes[0].legend(fontsize=7, loc="best")
    for level, text in [(1e-4, "target d ≥ 4"), (3e-4, "target d = 2–3")]:
        axes[1].axhline(level, color="k", lw=0.8, ls="--")
        axes[1].annotate(text, (hi + 0.3, level), fontsize=7, va="bottom", ha="right")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("dimension d")
    axes[1].set_ylabel("relative error σ / p_c")
    axes[1].set_title("relative error per row")
    axes[1].legend(fontsize=7)
    dd = [lo + (hi - lo) * i / 200 for i in range(201)]
    axes[2].axhline(1, color="k", lw=0.8)
    axes[2].plot(dd, [(2 * v - 1) / (2 * v) for v in dd], "k:", lw=1, label="(2d−1)·1/(2d)")
    axes[2].set_xlabel("dimension d")
    axes[2].set_ylabel("(2d − 1)·p_c")
    axes[2].set_title("(2d − 1)·p_c → 1 from above")
    axes[2].legend(fontsize=8)
    for ax in axes:
        ax.set_xticks(range(int(lo), int(hi) + 1))
    caption(fig, "Site and bond percolation thresholds of Z^d (percolation_thresholds.csv): z of each row "
                 "against the literature (bands ±1σ, ±3σ), relative error, and (2d−1)·p_c compared with 1")
    save(fig, "thresholds.png")


def percolation_curves():
    """Pair connectivity and largest-cluster fraction versus p, one line per dimension."""
    files = sorted(glob.glob(os.path.join(RESULTS, "percolation_curves_d*.csv")),
                   key=lambda p: int(os.path.basename(p)[len("percolation_curves_d"):-4]))
    if not files:
        raise Skip("no percolation_curves_d*.csv")
    pcs = site_pc()
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    for i, path in enumerate(files):
        d = int(os.path.basename(path)[len("percolation_curves_d"):-4])
        rows = read(os.path.basename(path))
        color = COLORS[i % len(COLORS)]
        p = [num(r, "p") for r in rows]
        pc = pcs.get(d)
        for ax, key, x in [(axes[0], "pair_connectivity", p), (axes[1], "largest_fraction", p),
                           (axes[2], "pair_connectivity",
                            [v / pc for v in p] if pc else None)]:
            if x is None:
                continue
            ax.errorbar(x, [num(r, key) for r in rows], yerr=[num(r, key + "_se") for r in rows],
                        color=color, label=f"d = {d}", capsize=1.5, lw=1, ms=2, fmt="-o")
        if pc:
            for ax in axes[:2]:
                ax.axvline(pc, color=color, ls=":", lw=1)
    axes[0].set_title("pair connectivity P(x ↔ y)  (dotted: literature p_c)")
    axes[1].set_title("largest cluster fraction S_max / N")
    axes[2].set_title("pair connectivity versus p / p_c(d)")
    for ax in axes[:2]:
        ax.set_xscale("log")
        ax.set_xticks([t for t in (0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.8)
                       if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]])
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
        ax.set_xlabel("site occupation probability p (log scale)")
    axes[2].axvline(1, color="k", ls=":", lw=1)
    axes[2].set_xlabel("p / p_c(d)")
    for ax in axes:
        ax.set_ylabel("probability / fraction")
        ax.legend(fontsize=8)
    caption(fig, "Site percolation on the periodic torus (percolation_curves_d*.csv): mean over "
                 "trials ± s.e.; curves steepen at p_c(d)")
    save(fig, "percolation_curves.png")


# --------------------------------------------------------------------------------------------
# Input-space lattices of untrained networks


LATTICE_RULES = [("q066", "6.6% lowest-loss sites open"), ("q15", "15% lowest-loss sites open"),
                 ("sites", "15% open, 4096 sites (L = 4096^(1/d))"),
                 ("class", "open = anchor's predicted class"),
                 ("far", "as q066, spacing h = 113 (sites far apart)")]


def lattice_vs_iid():
    """Network-induced lattices vs iid site percolation at the same open fraction, by d."""
    present = [(k, t) for k, t in LATTICE_RULES
               if os.path.exists(os.path.join(RESULTS, f"lattice_subspace_{k}_summary.csv"))]
    if not present:
        raise Skip("no lattice_subspace_*_summary.csv")
    fig, axes = plt.subplots(2, len(present), figsize=(4.2 * len(present), 8), squeeze=False)
    for j, (key, title) in enumerate(present):
        rows = sorted(read(f"lattice_subspace_{key}_summary.csv"), key=lambda r: num(r, "dim"))
        d = [num(r, "dim") for r in rows]
        nets = int(max(num(r, "networks") for r in rows))
        for i, stat in enumerate(["pair_connectivity", "largest_share"]):
            ax = axes[i][j]
            ax.errorbar(d, [num(r, stat + "_mean") for r in rows],
                        yerr=[num(r, stat + "_se") for r in rows], fmt="-o", color=COLORS[3],
                        capsize=3, label="network lattice")
            ax.errorbar(d, [num(r, "iid_" + stat + "_mean") for r in rows],
                        yerr=[num(r, "iid_" + stat + "_se") for r in rows], fmt="--s",
                        color=COLORS[0], mfc="none", capsize=3, label="iid, same p")
            ax.errorbar(d, [num(r, "open_fraction_mean") for r in rows],
                        yerr=[num(r, "open_fraction_se") for r in rows], fmt=":^", color="0.45",
                        ms=4, lw=1, capsize=2, label="open fraction p")
            ax.plot(d, [num(r, "p_c") for r in rows], "-", color="k", lw=0.8, label="p_c(d)")
            ax.set_ylim(-0.03, 1.05)
            ax.set_xticks([int(x) for x in d])
            ax.set_xlabel("lattice dimension d")
            ax.grid(alpha=0.3)
        sizes = ", ".join(f"{int(num(r, 'size'))}" for r in rows)
        axes[0][j].set_title(f"{key}: {title}\nside L = {sizes}; {nets} networks", fontsize=9)
        axes[0][j].set_ylabel("pair connectivity (mean ± s.e.)")
        axes[1][j].set_ylabel("largest cluster / open sites (mean ± s.e.)")
    axes[0][0].legend(fontsize=8, loc="center right")
    caption(fig, "Open sites of input-space lattices of untrained networks versus iid "
                 "percolation at the same open fraction p (lattice_subspace_*_summary.csv); "
                 "error bars over networks")
    save(fig, "lattice_vs_iid.png")


def lattice_growth():
    """Survival of breadth-first cluster growth versus lattice spacing."""
    files = sorted(f for f in glob.glob(os.path.join(RESULTS, "lattice_grow*.csv"))
                   if not os.path.basename(f).startswith("lattice_grow_family"))
    if not files:
        raise Skip("no lattice_grow*.csv")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    cap = None
    for i, path in enumerate(files):
        name = os.path.basename(path)
        rows = read(name)
        if not rows or "spacing" not in rows[0] or "survived" not in rows[0]:
            continue    # lattice_grow_iid.csv: iid growth against the branching process, its own figure
        spacings = sorted({num(r, "spacing") for r in rows})
        rule = rows[0].get("open_rule", name)
        surv, surv_se = [], []
        for k, h in enumerate(spacings):
            sel = [r for r in rows if num(r, "spacing") == h]
            s = [num(r, "survived") for r in sel]
            m = sum(s) / len(s)
            surv.append(m)
            surv_se.append(math.sqrt(m * (1 - m) / len(s)))
            c = [num(r, "cluster_size") for r in sel]
            cap = max(cap or 0, max(c))
            x = [h * 10 ** (0.12 * (i - (len(files) - 1) / 2) + 0.05 * ((j * 0.618) % 1 - 0.5))
                 for j in range(len(c))]
            axes[1].scatter(x, c, s=14, alpha=0.5, color=COLORS[i],
                            label=f"open: {rule}" if k == 0 else None)
        n = len(rows) // max(1, len(spacings))
        label = f"open: {rule}  ({name}, {n} runs per spacing)"
        axes[0].errorbar(spacings, surv, yerr=surv_se, fmt="-o", capsize=3, color=COLORS[i],
                         label=label)
    axes[0].set_ylim(-0.05, 1.05)
    axes[0].set_ylabel("fraction of runs reaching the cap (± binomial s.e.)")
    axes[0].set_title("survival of cluster growth")
    axes[1].set_yscale("symlog", linthresh=1)
    axes[1].set_ylabel("cluster size per run, sites (symlog)")
    axes[1].set_title("cluster size reached (one dot per network × trial)")
    if cap:
        axes[1].axhline(cap, color="k", ls=":", lw=1, label=f"largest size seen ({int(cap)})")
        axes[1].set_ylim(-0.3, cap * 4)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("lattice spacing h (input units, log scale)")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    caption(fig, "Breadth-first growth of the open cluster on anchor + h·Z^n around real inputs "
                 "of untrained MLPs (lattice_grow*.csv)")
    save(fig, "lattice_growth.png")


def lattice_certificates():
    """Lattice-path certificates between input pairs: found, path length, barrier gaps."""
    files = sorted(glob.glob(os.path.join(RESULTS, "lattice_connect*.csv")))
    if not files:
        raise Skip("no lattice_connect*.csv")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    names, found, ns, gaps, evals = [], [], [], [], []
    for i, path in enumerate(files):
        name = os.path.basename(path)[:-4]
        rows = read(os.path.basename(path))
        names.append(name)
        f = [num(r, "found") for r in rows]
        found.append(sum(f) / len(f))
        ns.append(len(rows))
        ok = [r for r in rows if num(r, "found") == 1]
        detour = [num(r, "path_sites") - num(r, "lattice_distance") - 1 for r in ok]
        axes[1].scatter([i + 0.3 * ((k * 0.618) % 1 - 0.5) for k in range(len(detour))], detour,
                        s=14, alpha=0.6, color=COLORS[i])
        straight = sum(1 for v in detour if v == 0)
        dist = finite([num(r, "lattice_distance") for r in ok])
        axes[1].text(i, 1.01, f"{straight}/{len(ok)} straight\ndistance {min(dist):g}–{max(dist):g}"
                     if dist else "none found", transform=axes[1].get_xaxis_transform(),
                     ha="center", fontsize=8)
        evals.append(statistics.median(finite([num(r, "evaluations") for r in rows])))
        gaps.append((name, [num(r, "linear_barrier_gap") for r in rows],
                     [num(r, "bypass_barrier_gap") for r in rows]))
    bars = axes[0].bar(range(len(names)), found, color=[COLORS[i] for i in range(len(names))])
    for b, fr, n, ev in zip(bars, found, ns, evals):
        axes[0].text(b.get_x() + b.get_width() / 2, fr + 0.02,
                     f"{round(fr * n)}/{n}\nmedian {ev:g} evaluations", ha="center", fontsize=8)
    axes[0].set_xticks(range(len(names)))
    axes[0].set_xticklabels(names, rotation=15, fontsize=8)
    axes[0].set_ylabel("fraction of pairs with a certificate")
    axes[0].set_title("open lattice path found")
    axes[1].set_xticks(range(len(names)))
    axes[1].set_xticklabels(names, rotation=15, fontsize=8)
    axes[1].set_ylabel("detour: path sites − (lattice distance + 1)")
    axes[1].set_title("certified path length beyond a straight lattice path", pad=26, fontsize=10)
    axes[0].set_ylim(0, 1.2)
    # Barrier gaps along the straight segment and the bypass, per table.
    pos, data, labels, allv = 0, [], [], []
    ticks = []
    for name, lin, byp in gaps:
        for kind, vals in [("linear", lin), ("bypass", byp)]:
            vals = finite(vals)
            if not vals:
                continue
            data.append((pos, vals))
            allv += vals
            ticks.append(pos)
            labels.append(f"{name}\n{kind}")
            pos += 1
        pos += 0.5
    floor = 1e-7
    for p, vals in data:
        axes[2].boxplot([[max(v, floor) for v in vals]], positions=[p], widths=0.6,
                        showfliers=False)
        zero = sum(1 for v in vals if v <= 0)
        jitter = [p + 0.25 * ((k * 0.618) % 1 - 0.5) for k in range(len(vals))]
        axes[2].scatter(jitter, [max(v, floor) for v in vals], s=8, alpha=0.5, color="0.3")
        axes[2].text(p, floor * 0.35, f"{zero}/{len(vals)} = 0", ha="center", fontsize=7)
    axes[2].set_yscale("log")
    axes[2].set_ylim(floor * 0.2, max(allv + [floor * 10]) * 3)
    axes[2].set_xticks(ticks)
    axes[2].set_xticklabels(labels, fontsize=7)
    axes[2].set_ylabel(f"loss barrier gap (log; 0 drawn at {floor:g})")
    axes[2].set_title("barrier gap of the straight segment and the bypass")
    caption(fig, "Lattice certificates of connectivity between same-class input pairs of untrained "
                 "MLPs (lattice_connect*.csv)")
    save(fig, "lattice_certificates.png")


# --------------------------------------------------------------------------------------------
# Input space of trained networks


def training_curves():
    """Train/test loss and accuracy per epoch of the MLP and CNN."""
    tables = [(k, read(f"network_train_{k}.log.csv", required=False)) for k in ("mlp", "cnn")]
    tables = [(k, rows) for k, rows in tables if rows]
    if not tables:
        raise Skip("no network_train_{mlp,cnn}.log.csv")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
    for i, (k, rows) in enumerate(tables):
        e = [num(r, "epoch") for r in rows]
        for split, ls in [("train", "--"), ("test", "-")]:
            axes[0].plot(e, [num(r, f"{split}_loss") for r in rows], ls, marker="o",
                         color=COLORS[i], label=f"{k.upper()} {split}")
            axes[1].plot(e, [num(r, f"{split}_accuracy") for r in rows], ls, marker="o",
                         color=COLORS[i], label=f"{k.upper()} {split}")
        final = rows[-1]
        axes[1].annotate(f"{num(final, 'test_accuracy'):.3f}", (e[-1], num(final, "test_accuracy")),
                         textcoords="offset points", xytext=(4, -10), fontsize=8, color=COLORS[i])
    axes[0].set_ylabel("cross-entropy loss")
    axes[1].set_ylabel("accuracy")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.set_xticks(sorted({num(r, "epoch") for _, rows in tables for r in rows}))
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    caption(fig, "Training of the network-core MLP and CNN on Fashion-MNIST "
                 "(network_train_*.log.csv)")
    save(fig, "training_curves.png")


def path_profiles():
    """Loss along the straight segment and along the bypass for a few input pairs."""
    kinds = [k for k in ("real", "synthetic")
             if os.path.exists(os.path.join(RESULTS, f"input_pairs_{k}_profiles.csv"))]
    if not kinds:
        raise Skip("no input_pairs_*_profiles.csv")
    fig, axes = plt.subplots(1, len(kinds), figsize=(7 * len(kinds), 5.8), squeeze=False)
    for ax, kind in zip(axes[0], kinds):
        rows = read(f"input_pairs_{kind}_profiles.csv")
        summary = read(f"input_pairs_{kind}.csv", required=False) or []
        by = {}
        for r in rows:
            by.setdefault(r["pair"], {}).setdefault(r["path"], []).append(
                (num(r, "alpha"), num(r, "loss")))
        # Show the pairs with the largest straight-line barrier gaps (the interesting ones).
        gap = {r["pair"]: num(r, "barrier_gap") for r in summary}
        order = sorted(by, key=lambda p: (-(gap.get(p, 0) or 0), int(p) if p.isdigit() else p))
        chosen = order[:4]
        losses = []
        for i, pair in enumerate(chosen):
            for path, ls in [("linear", "-"), ("bypass", "--")]:
                pts = sorted(by[pair].get(path, []))
                if not pts:
                    continue
                losses += [y for _, y in pts]
                g = [r for r in summary if r["pair"] == pair]
                key = "barrier_gap" if path == "linear" else "bypass_barrier_gap"
                extra = f", gap {num(g[0], key):.2g}" if g else ""
                ax.plot([x for x, _ in pts], [y for _, y in pts], ls, color=COLORS[i], lw=1.3,
                        label=f"pair {pair} {path}{extra}")
        if spans_decades(losses):
            ax.set_yscale("log")
        ax.set_xlabel("position along path α (0 = input a, 1 = input b)")
        ax.set_ylabel("cross-entropy loss of the pair's class")
        ax.set_title(f"{kind} pairs: {len(chosen)} of {len(by)} with the largest straight-line "
                     "gaps\nsolid: straight segment, dashed: bypass", fontsize=10)
        ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.14))
        ax.grid(alpha=0.3)
    caption(fig, "Loss along linear interpolation and the projected bypass between same-class "
                 "inputs (input_pairs_*_profiles.csv)")
    save(fig, "path_profiles.png")


def adversarial_boxplots():
    """Barrier gap and barrier height for real–real versus real–adversarial pairs."""
    rows = read("input_adversarial.csv")
    types = sorted({r["pair_type"] for r in rows}, key=lambda t: (t != "real-real", t))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, key in zip(axes, ["barrier_gap", "barrier_max"]):
        groups = [[num(r, key) for r in rows if r["pair_type"] == t] for t in types]
        pos = [v for g in groups for v in g if v > 0]
        floor = min(pos) / 3 if pos else 1e-6
        log = spans_decades([v for g in groups for v in g])
        shown = [[max(v, floor) for v in g] if log else g for g in groups]
        ax.boxplot(shown, widths=0.5, showfliers=False)
        ax.set_xticks(range(1, len(types) + 1))
        ax.set_xticklabels(types)
        for i, (g, s) in enumerate(zip(groups, shown)):
            x = [i + 1 + 0.3 * ((k * 0.618) % 1 - 0.5) for k in range(len(s))]
            ax.scatter(x, s, s=6, alpha=0.35, color=COLORS[i])
            zero = sum(1 for v in g if v <= 0)
            med = statistics.median(g)
            ax.text(i + 1, 1.02, f"n = {len(g)}, median {med:.2g}\n{zero} with value 0",
                    transform=ax.get_xaxis_transform(), ha="center", fontsize=8)
        if log:
            ax.set_yscale("log")
            zeros = any(v <= 0 for g in groups for v in g)
            ax.set_ylabel(key.replace("_", " ") + " (log scale" +
                          (f"; 0 drawn at {floor:.1g})" if zeros else ")"))
        else:
            ax.set_ylabel(key.replace("_", " "))
        ax.grid(alpha=0.3, axis="y")
    axes[0].set_title("barrier gap = max loss on segment − max(endpoint losses)", pad=30,
                      fontsize=10)
    axes[1].set_title("barrier height = max loss on segment", pad=30, fontsize=10)
    caption(fig, "Loss barriers on the straight segment between real–real and real–adversarial "
                 "input pairs of the trained MLP (input_adversarial.csv)")
    save(fig, "adversarial_barriers.png")


def roc_points(real, adv):
    """ROC (FPR, TPR) with adversarial = positive, higher score = more adversarial."""
    pts = sorted([(v, 1) for v in adv] + [(v, 0) for v in real], key=lambda t: -t[0])
    tp = fp = 0
    fpr, tpr = [0.0], [0.0]
    i = 0
    while i < len(pts):
        v = pts[i][0]
        while i < len(pts) and pts[i][0] == v:
            tp += pts[i][1]
            fp += 1 - pts[i][1]
            i += 1
        fpr.append(fp / max(1, len(real)))
        tpr.append(tp / max(1, len(adv)))
    auc = sum((fpr[k] - fpr[k - 1]) * (tpr[k] + tpr[k - 1]) / 2 for k in range(1, len(fpr)))
    return fpr, tpr, auc


def roc():
    """ROC curves of each detection score, one panel per attack."""
    rows = read("input_detect_scores.csv")
    table = read("input_detect.csv", required=False) or []
    auroc = {(r["attack"], r["score"]): r for r in table}
    attacks = list(dict.fromkeys(r["attack"] for r in rows))
    scores = list(dict.fromkeys(r["score"] for r in rows))
    fig, axes = plt.subplots(1, len(attacks), figsize=(5.4 * len(attacks), 6.0), squeeze=False)
    for ax, attack in zip(axes[0], attacks):
        n_real = n_adv = 0
        for i, score in enumerate(scores):
            sel = [r for r in rows if r["attack"] == attack and r["score"] == score]
            real = [num(r, "value") for r in sel if r["label"] == "real"]
            adv = [num(r, "value") for r in sel if r["label"] != "real"]
            if not real or not adv:
                continue
            n_real, n_adv = len(real), len(adv)
            fpr, tpr, auc = roc_points(real, adv)
            t = auroc.get((attack, score))
            if t:
                label = (f"{score}: AUROC {num(t, 'auroc'):.2f} "
                         f"[{num(t, 'auroc_low'):.2f}, {num(t, 'auroc_high'):.2f}]")
                if abs(auc - num(t, "auroc")) > 0.05:
                    print(f"figures: note: {attack}/{score} AUROC from scores {auc:.3f} differs "
                          f"from input_detect.csv {num(t, 'auroc'):.3f} (held-out split?)")
            else:
                label = f"{score}: AUROC {auc:.2f} (from scores)"
            ax.plot(fpr, tpr, color=COLORS[i], lw=1.5, label=label)
        ax.plot([0, 1], [0, 1], "k:", lw=0.8, label="chance")
        ax.axvline(0.05, color="0.6", lw=0.8, ls="--")
        ax.set_xlim(-0.01, 1.01)
        ax.set_ylim(-0.01, 1.01)
        ax.set_aspect("equal")
        ax.set_xlabel("false positive rate (real flagged)")
        ax.set_ylabel("true positive rate (adversarial flagged)")
        ax.set_title(f"attack: {attack}  ({n_real} real, {n_adv} adversarial)", fontsize=10)
        ax.legend(fontsize=7.5, loc="lower right")
    caption(fig, "Adversarial-input detection on the trained MLP: ROC per score "
                 "(input_detect_scores.csv), AUROC [95% bootstrap CI] from input_detect.csv; "
                 "dashed: 5% FPR")
    save(fig, "detection_roc.png")


# --------------------------------------------------------------------------------------------
# Parameter space


def input_strips():
    """Image strips A, B, B', C and B'-B for the pairs path_profiles.png shows, and one real-adversarial pair."""
    import numpy as np
    sources = [("input_pairs_real", "trained MLP, real pair"),
               ("input_pairs_synthetic", "trained MLP, synthetic pair"),
               ("resnet_untrained_bypass", "untrained ResNet-18, synthetic pair"),
               ("input_adversarial", "trained MLP, real-adversarial pair (C = X)")]
    strips = []
    for name, label in sources:
        rows = read(f"{name}_strips.csv", required=False)
        path = os.path.join(RESULTS, f"{name}_strips.npy")
        if not rows or not os.path.exists(path):
            continue
        images = np.load(path)
        pairs = []
        for r in rows:
            if r["pair"] not in pairs:
                pairs.append(r["pair"])
        for k, pair in enumerate(pairs):
            info = [r for r in rows if r["pair"] == pair]
            strips.append((label, pair, info, images[k]))
    if not strips:
        raise Skip("no *_strips.csv / *_strips.npy")
    fig, axes = plt.subplots(len(strips), 5, figsize=(9.5, 2.05 * len(strips)), squeeze=False)
    for row, (label, pair, info, imgs) in zip(axes, strips):
        # Pixels in [0, 1] are shown as they are; otherwise (unconstrained synthetic inputs) the
        # strip's four images share one min-max scale.
        lo, hi = float(imgs[:4].min()), float(imgs[:4].max())
        if lo >= 0 and hi <= 1:
            lo, hi = 0.0, 1.0
        for j in range(4):
            img = (imgs[j] - lo) / ((hi - lo) or 1.0)
            a = img[0] if img.shape[0] == 1 else np.moveaxis(img, 0, -1)
            row[j].imshow(a, cmap="gray" if img.shape[0] == 1 else None, vmin=0, vmax=1)
            row[j].set_xticks([])
            row[j].set_yticks([])
            r = info[j]
            row[j].set_title(f"{r['image']}: CE {num(r, 'loss'):.3g}, pred {r['predicted']}", fontsize=7.5)
        diff = imgs[2] - imgs[1]
        lim = float(np.max(np.abs(diff))) or 1e-12
        d = diff[0] if diff.shape[0] == 1 else diff.mean(axis=0)
        row[4].imshow(d, cmap="RdBu_r", vmin=-lim, vmax=lim)
        row[4].set_xticks([])
        row[4].set_yticks([])
        row[4].set_title(f"B'-B (max |.| {lim:.2g})", fontsize=7.5)
        row[0].set_ylabel(f"{label}\npair {pair}, class {info[0]['class']}", fontsize=7)
    caption(fig, "Inputs along the paths: endpoints A and C, the straight path's barrier point B, the bypass point B' "
                 "and B'-B on a diverging map (images in [0, 1] as they are, others min-max scaled per strip; *_strips.csv/.npy)")
    save(fig, "input_strips.png")


def star_profiles():
    """Loss and accuracy along direct segments and two-piece paths through a star center."""
    rows = read("params_star_profiles.csv")
    paths = list(dict.fromkeys(r["path"] for r in rows))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    losses = []
    for i, path in enumerate(paths[:10]):
        pts = sorted((num(r, "t"), num(r, "loss"), num(r, "accuracy"))
                     for r in rows if r["path"] == path)
        ls = "--" if "direct" in path or "linear" in path else "-"
        losses += [p[1] for p in pts]
        axes[0].plot([p[0] for p in pts], [p[1] for p in pts], ls, color=COLORS[i % 10],
                     label=path)
        axes[1].plot([p[0] for p in pts], [p[2] for p in pts], ls, color=COLORS[i % 10],
                     label=path)
    if spans_decades(losses):
        axes[0].set_yscale("log")
    axes[0].set_ylabel("loss")
    axes[1].set_ylabel("accuracy")
    for ax in axes:
        ax.set_xlabel("path parameter t (0 = minimum i, 1 = minimum j)")
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    if len(paths) > 10:
        axes[0].set_title(f"first 10 of {len(paths)} paths")
    caption(fig, "Star-center paths between trained minima: loss and accuracy along each path "
                 "(params_star_profiles.csv)")
    save(fig, "star_profiles.png")


def star_barriers():
    """Direct versus center-path barriers and accuracies for every pair of minima."""
    rows = read("params_star.csv")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    direct = [num(r, "direct_barrier") for r in rows]
    center = [num(r, "center_barrier") for r in rows]
    log = spans_decades(direct + center)
    floor = (min([v for v in direct + center if v > 0] or [1e-6]) / 3) if log else 0
    axes[0].scatter([max(v, floor) for v in direct], [max(v, floor) for v in center], s=18)
    lim = [min(direct + center + [0]) if not log else floor,
           max(finite(direct + center) + [floor * 10]) * 1.1]
    axes[0].plot(lim, lim, "k:", lw=1, label="equal barriers")
    if log:
        axes[0].set_xscale("log")
        axes[0].set_yscale("log")
    axes[0].set_xlabel("barrier of the direct segment i → j")
    axes[0].set_ylabel("barrier of the path i → center → j")
    axes[0].set_title("loss barriers (below the diagonal: center helps)")
    axes[0].legend(fontsize=8)
    da = [num(r, "direct_min_accuracy") for r in rows]
    ca = [num(r, "center_min_accuracy") for r in rows]
    axes[1].scatter(da, ca, s=18, color=COLORS[1])
    axes[1].plot([0, 1], [0, 1], "k:", lw=1)
    axes[1].set_xlabel("min accuracy on the direct segment")
    axes[1].set_ylabel("min accuracy on the center path")
    axes[1].set_title("worst accuracy along each path")
    # G = two-piece length / distance per pair, beside the smallest max G any shared center can
    # reach for K equidistant minima, sqrt(2(K-1)/K) (StarGeometry).
    dist = [num(r, "distance") for r in rows]
    g = [num(r, "geodesic_bound") for r in rows]
    k = len({r["i"] for r in rows} | {r["j"] for r in rows})
    axes[2].scatter(dist, g, s=18, color=COLORS[2], label="G of each pair")
    if k >= 2:
        axes[2].axhline(math.sqrt(2 * (k - 1) / k), color="k", ls="--", lw=0.8,
                        label=f"shared-center bound √(2(K−1)/K), K = {k}")
    axes[2].axhline(1, color="k", lw=0.6)
    axes[2].set_xlabel("distance ‖θ_i − θ_j‖")
    axes[2].set_ylabel("G = (‖θ_i − c‖ + ‖c − θ_j‖) / ‖θ_i − θ_j‖")
    axes[2].set_title("two-piece length through the shared center")
    axes[2].legend(fontsize=8)
    for ax in axes:
        ax.grid(alpha=0.3)
    caption(fig, f"Star center for {len(rows)} pairs of minima (params_star.csv): barriers, "
                 "worst accuracy and path length, direct vs through the center")
    save(fig, "star_barriers.png")


def teacher_student():
    """P(2-piece connected) versus width beside its bound; geodesic ratio G versus width."""
    tables = [(s, read(f"params_teacher_student_{s}.csv", required=False))
              for s in ("relu", "linear")]
    tables = [(s, rows) for s, rows in tables if rows]
    if not tables:
        raise Skip("no params_teacher_student_{relu,linear}.csv")
    fig, axes = plt.subplots(len(tables), 2, figsize=(13, 5.8 * len(tables)), squeeze=False)
    for (setup, rows), (ax_p, ax_g) in zip(tables, axes):
        minima = list(dict.fromkeys(r["minima"] for r in rows))
        depth = rows[0].get("depth", "")
        for i, m in enumerate(minima):
            color = COLORS[i]

            def series(stat):
                sel = sorted((r for r in rows if r["minima"] == m and r["statistic"] == stat),
                             key=lambda r: num(r, "width"))
                return ([num(r, "width") for r in sel], [num(r, "estimate") for r in sel],
                        [num(r, "stderr") for r in sel], [num(r, "bound") for r in sel],
                        [num(r, "pairs") for r in sel])

            w, est, se, bnd, _ = series("two_piece_connected")
            if w:
                ax_p.errorbar(w, est, yerr=se, fmt="-o", color=color, capsize=3,
                              label=f"{m}: P(2-piece connected)")
                bw = [x for x, b in zip(w, bnd) if not math.isnan(b)]
                bb = [b for b in bnd if not math.isnan(b)]
                if bw:
                    neg = [x for x, b in zip(bw, bb) if b < 0]
                    note = (" (< 0, vacuous, at m = " + ", ".join(f"{x:g}" for x in neg) + ")"
                            if neg else "")
                    ax_p.plot(bw, [max(b, 0) for b in bb], "--", color=color, lw=1.5,
                              label=f"{m}: lower bound{note}")
                    over = [(x, e, b) for x, e, s, b in zip(w, est, se, bnd)
                            if not math.isnan(b) and e + 2 * (s if s == s else 0) < b]
                    for x, e, b in over:
                        print(f"figures: note: {setup}/{m} width {x:g}: P(2-piece) {e:.3f} is "
                              f"below its bound {b:.3f}")
            w, est, se, _, _ = series("linear_connected")
            if w:
                ax_p.errorbar(w, est, yerr=se, fmt=":s", color=color, mfc="none", capsize=2,
                              ms=4, lw=1, label=f"{m}: P(linearly connected)")
            w, est, se, _, pairs = series("geodesic_ratio")
            keep = [k for k, e in enumerate(est) if not math.isnan(e)]
            if keep:
                ax_g.errorbar([w[k] for k in keep], [est[k] for k in keep],
                              yerr=[se[k] if se[k] == se[k] else 0 for k in keep], fmt="-o",
                              color=color, capsize=3, label=f"{m}: G (mean ± s.e.)")
                for k in keep:
                    ax_g.annotate(f"{int(pairs[k])}", (w[k], est[k]), textcoords="offset points",
                                  xytext=(4, 4), fontsize=6.5, color=color)
            w2, mx, _, _, _ = series("geodesic_ratio_max")
            k2 = [k for k, e in enumerate(mx) if not math.isnan(e)]
            if k2:
                ax_g.plot([w2[k] for k in k2], [mx[k] for k in k2], "^", color=color, mfc="none",
                          label=f"{m}: max G")
            w3, lb, _, _, _ = series("geodesic_ratio_lower_bound")
            k3 = [k for k, e in enumerate(lb) if not math.isnan(e)]
            if k3 and m != "uniform":
                ax_g.plot([w3[k] for k in k3], [lb[k] for k in k3], "--", color=color, lw=1,
                          label=f"{m}: lower bound on G (relaxation)")
        title = f"{setup} network" + (f", depth {depth}" if depth else "")
        ax_p.set_title(f"{title}: connectivity of two minima", fontsize=10)
        ax_p.set_ylim(-0.05, 1.08)
        ax_p.set_ylabel("probability over random pairs of minima")
        ax_g.axhline(1, color="k", lw=0.8)
        ax_g.set_title(f"{title}: geodesic ratio G (numbers: pairs with a center)", fontsize=10)
        ax_g.set_ylabel("G = shortest 2-piece length / ‖θ_a − θ_b‖")
        for ax in (ax_p, ax_g):
            widths = sorted({num(r, "width") for r in rows})
            ax.set_xscale("log")
            ax.set_xticks(widths)
            ax.set_xticklabels([f"{w:g}" for w in widths], fontsize=8)
            ax.minorticks_off()
            ax.set_xlabel("hidden width m (log scale)")
            ax.legend(fontsize=7.5, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.15))
            ax.grid(alpha=0.3)
    caption(fig, "Teacher–student minima (params_teacher_student_*.csv): P(2-piece connected) "
                 "against its bound (ReLU, uniform: 1 − M((M²−1)/M²)^(m−2M); linear: 1 for "
                 "m > 2L − 1), and G versus width")
    save(fig, "teacher_student.png")


# --------------------------------------------------------------------------------------------
# ResNet


def resnet_barrier_evolution():
    """Barrier gap and height of same-class input pairs across the first training batches."""
    rows = read("resnet_barrier_evolution.csv")
    batches = sorted({num(r, "batch") for r in rows})
    classes = sorted({r["class"] for r in rows}, key=lambda c: int(c) if c.isdigit() else c)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    for ax, key in zip(axes, ["barrier_gap", "barrier_max"]):
        for i, c in enumerate(classes):
            for k, pair in enumerate(sorted({r["pair"] for r in rows if r["class"] == c})):
                sel = sorted(((num(r, "batch"), num(r, key)) for r in rows
                              if r["class"] == c and r["pair"] == pair))
                ax.plot([b for b, _ in sel], [v for _, v in sel], "-", color=COLORS[i % 10],
                        lw=0.8, alpha=0.6, label=f"class {c}" if k == 0 else None)
        m = [mean_se([num(r, key) for r in rows if num(r, "batch") == b]) for b in batches]
        ax.errorbar(batches, [x for x, _ in m], yerr=[s for _, s in m], fmt="-o", color="k",
                    lw=2, capsize=3, label="mean ± s.e.")
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xticks(batches)
        ax.set_xticklabels([f"{b:g}" for b in batches])
        ax.set_xlabel("training batches (symlog scale)")
        if spans_decades([num(r, key) for r in rows]):
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("barrier gap (max on segment − max endpoint)")
    axes[1].set_ylabel("barrier height (max loss on segment)")
    axes[0].legend(fontsize=7, ncol=2)
    caption(fig, "ResNet-18 on Fashion-MNIST: loss barrier between same-class inputs as training "
                 "starts (resnet_barrier_evolution.csv)")
    save(fig, "resnet_barrier_evolution.png")


def resnet_untrained_bypass():
    """Straight-segment versus bypass barrier for same-class pairs of an untrained ResNet."""
    rows = read("resnet_untrained_bypass_bypass.csv")
    extra = read("resnet_barrier_evolution_bypass.csv", required=False)
    groups = [("untrained ResNet-18", rows)]
    if extra:
        ev = read("resnet_barrier_evolution.csv", required=False) or []
        last = max((num(r, "batch") for r in ev), default=math.nan)
        groups.append((f"trained ResNet-18 (after {last:g} batches)" if ev else
                       "trained ResNet-18 (evolution run)", extra))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    vals = [num(r, k) for _, g in groups for r in g for k in ("barrier_gap", "bypass_barrier_gap")]
    pos = [v for v in vals if v > 0]
    floor = min(pos) / 3 if pos else 1e-6
    for gi, (name, g) in enumerate(groups):
        for r in g:
            a, b = max(num(r, "barrier_gap"), floor), max(num(r, "bypass_barrier_gap"), floor)
            axes[0].plot([gi * 3, gi * 3 + 1], [a, b], "-o", color=COLORS[gi], alpha=0.6, ms=4)
        axes[1].scatter([num(r, "bypass_deviation") for r in g],
                        [max(num(r, "bypass_barrier_gap"), floor) for r in g], color=COLORS[gi],
                        label=name)
        zero = sum(1 for r in g if num(r, "bypass_barrier_gap") <= 0)
        lin, byp = (statistics.mean(finite([num(r, k) for r in g]))
                    for k in ("barrier_gap", "bypass_barrier_gap"))
        axes[0].text(gi * 3 + 0.5, 1.02, f"{name}\nmean gap {lin:.3g} → {byp:.3g}; "
                     f"{zero}/{len(g)} bypass = 0", transform=axes[0].get_xaxis_transform(),
                     ha="center", fontsize=7.5)
    axes[0].set_xticks([k for gi in range(len(groups)) for k in (gi * 3, gi * 3 + 1)])
    axes[0].set_xticklabels(["straight", "bypass"] * len(groups))
    axes[0].set_xlim(-0.6, 3 * len(groups) - 1.4)
    axes[0].set_yscale("log")
    axes[0].set_ylabel(f"loss barrier gap (log; 0 drawn at {floor:.1g})")
    axes[0].set_title("per pair: straight segment → bypass", pad=32, fontsize=10)
    axes[1].set_yscale("log")
    axes[1].set_xlabel("bypass deviation from the straight segment (bypass_deviation)")
    axes[1].set_ylabel(f"bypass barrier gap (log; 0 drawn at {floor:.1g})")
    axes[1].set_title("how far the bypass moves vs what remains", pad=32, fontsize=10)
    axes[1].legend(fontsize=8)
    for ax in axes:
        ax.grid(alpha=0.3)
    caption(fig, "Barrier bypass between same-class inputs of ResNet-18 "
                 "(resnet_untrained_bypass_bypass.csv" +
                 (", resnet_barrier_evolution_bypass.csv)" if extra else ")"))
    save(fig, "resnet_untrained_bypass.png")


def star_trace():
    """Shared star centers step by step: max barrier, worst accuracy and max G at every check."""
    runs = [(name, read(name, required=False)) for name in
            ("params_star_trace.csv", "params_star_trajectory_trace.csv", "params_star_cnn_trace.csv")]
    runs = [(n, rows) for n, rows in runs if rows]
    if not runs:
        raise Skip("no params_star*_trace.csv")
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    for k, (name, rows) in enumerate(runs):
        for center in dict.fromkeys(r["center"] for r in rows):
            pts = sorted((num(r, "step"), num(r, "max_barrier"), num(r, "min_accuracy"),
                          num(r, "max_geodesic_bound"), r["converged"] == "1")
                         for r in rows if r["center"] == center)
            label = f"{name.replace('_trace.csv', '')}: {center}"
            ls = "-" if center == "shared" else ":"
            for j in range(3):
                axes[j].plot([p[0] for p in pts], [p[j + 1] for p in pts], ls, marker=".",
                             color=COLORS[k % 10], label=label)
                stops = [p for p in pts if p[4]]
                if stops:
                    axes[j].plot([stops[0][0]], [stops[0][j + 1]], "o", mfc="none", ms=10,
                                 color=COLORS[k % 10])
    axes[0].axhline(1e-2, color="k", ls="--", lw=0.8, label="target 1e-2")
    axes[0].set_yscale("symlog", linthresh=1e-3)
    axes[0].set_ylim(bottom=0)
    axes[0].set_ylabel("max two-piece barrier over pairs (training loss)")
    axes[1].set_ylabel("min test accuracy on the spokes")
    axes[2].axhline(1.2649, color="k", ls="--", lw=0.8, label="shared-center bound (K = 5)")
    axes[2].set_ylabel("max G over pairs")
    for ax in axes:
        ax.set_xlabel("center steps")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    axes[2].legend(fontsize=7)
    caption(fig, "Star-center optimization traced every check (params_star*_trace.csv); "
                 "open circle: the plateau rule stopped the run there")
    save(fig, "star_trace.png")


def geodesic_tradeoff():
    """Per-pair two-piece paths: barrier against G for each λ, beside the issue's goal box."""
    rows = read("params_geodesic.csv")
    fig, ax = plt.subplots(figsize=(7.5, 5))
    lambdas = sorted({num(r, "lambda") for r in rows})
    for k, lam in enumerate(lambdas):
        sel = [r for r in rows if num(r, "lambda") == lam]
        ax.scatter([num(r, "geodesic_bound") for r in sel], [num(r, "barrier") for r in sel],
                   color=COLORS[k % 10], label=f"λ = {lam:g}", s=28)
    for pair in dict.fromkeys((r["i"], r["j"]) for r in rows):
        pts = sorted((num(r, "lambda"), num(r, "geodesic_bound"), num(r, "barrier"))
                     for r in rows if (r["i"], r["j"]) == pair)
        ax.plot([p[1] for p in pts], [p[2] for p in pts], color="0.6", lw=0.8, zorder=0)
    ax.add_patch(matplotlib.patches.Rectangle((1, 0), 0.05, 0.05, fill=False, ls="--",
                                              ec="k", label="goal: G ≤ 1.05, barrier ≤ 0.05"))
    ax.set_xlabel("G = two-piece length / ‖θ_i − θ_j‖")
    ax.set_ylabel("barrier of θ_i → center → θ_j (training loss)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    caption(fig, "Per-pair centers over λ (params_geodesic.csv): grey lines join one pair's λ values")
    save(fig, "geodesic_tradeoff.png")


def family_survival():
    """Full-dimensional survival against λ = (2n−1)q per network configuration, beside the
    branching process at the measured open fraction (lattice_grow_family.csv)."""
    rows = [r for r in read("lattice_grow_family.csv") if r["open_rule"].startswith("shell-quantile")]
    configs = sorted({int(num(r, "configuration")) for r in rows})
    fig, ax = plt.subplots(figsize=(9, 5.4))
    for i, c in enumerate(configs):
        sel = sorted((r for r in rows if int(num(r, "configuration")) == c), key=lambda r: num(r, "lambda"))
        lam = [num(r, "lambda") for r in sel]
        # More networks than colours: the second round of colours uses square markers.
        color, marker = COLORS[i % len(COLORS)], "os^"[(i // len(COLORS)) % 3]
        xi = num(sel[0], "xi_over_h")
        cap = f", cap {sel[0]['cap']}" if sel[0].get("cap") else ""
        ax.errorbar(lam, [num(r, "survival") for r in sel], yerr=[num(r, "se") for r in sel], fmt="-" + marker, capsize=3,
                    color=color, label=f"{sel[0]['label']} (ξ/h={xi:.2g}{cap})")
        ax.plot(lam, [num(r, "branching_survival") for r in sel], ":", color=color, lw=1)
    cap_rows = read("lattice_grow_family.csv")
    # The nominal branching process depends on the cap: one curve per cap in the table.
    caps = sorted({r.get("cap", "") for r in rows}, key=lambda c: float(c) if c else 0)
    for j, cap in enumerate(caps):
        nominal = sorted({(num(r, "lambda"), num(r, "branching_nominal")) for r in rows if r.get("cap", "") == cap})
        ax.plot([a for a, _ in nominal], [b for _, b in nominal], "k" + ["-", "--"][j % 2], lw=2, alpha=0.5,
                label="iid branching process at p = q" + (f" (cap {cap})" if cap else ""))
    ax.set_xscale("log")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("λ = (2n − 1)·q of the shell-quantile rule (log scale)")
    ax.set_ylabel("share of anchors whose cluster reached the cap (± s.e.)")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    caption(fig, f"Growth survival on anchor + h·Z^784 per network (solid) and the branching process at each "
                 f"network's measured open fraction (dotted); {len(cap_rows)} rows of lattice_grow_family.csv")
    save(fig, "family_survival.png")


def connectivity_prediction():
    """Lattice predictions against measured connectivity, one point per configuration."""
    rows = read("connectivity_prediction.csv")
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax, key, name in ((axes[0], "predicted_subspace_pair_connectivity", "subspace pair connectivity (class rule)"),
                          (axes[1], "predicted_survival", "full-dimensional survival at the network's own p")):
        for i, r in enumerate(rows):
            x, y = num(r, key), num(r, "connected_fraction")
            lo, hi = num(r, "connected_low"), num(r, "connected_high")
            ax.errorbar([x], [y], yerr=[[y - lo], [hi - y]], fmt="os^"[(i // len(COLORS)) % 3], capsize=3, color=COLORS[i % len(COLORS)],
                        label=f"{r['label']} (ξ/h={num(r, 'xi_over_h'):.2g})")
            ax.scatter([x], [num(r, "certificate_share")], marker="x", color=COLORS[i % len(COLORS)])
        ax.plot([0, 1], [0, 1], "k:", lw=1)
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(-0.05, 1.05)
        ax.set_xlabel("predicted: " + name)
        ax.set_ylabel("measured: pairs with bypass gap ≤ ε (o, Wilson 95%); certificates (x)")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    caption(fig, "Percolation predictions against measured input-space connectivity of synthetic same-class pairs, "
                 "one point per network configuration (connectivity_prediction.csv)")
    save(fig, "connectivity_prediction.png")


FIGURES_LIST = [thresholds, percolation_curves, lattice_vs_iid, lattice_growth, family_survival, connectivity_prediction,
                lattice_certificates, training_curves, path_profiles, input_strips, adversarial_boxplots, roc,
                star_profiles, star_barriers, star_trace, geodesic_tradeoff, teacher_student, resnet_barrier_evolution,
                resnet_untrained_bypass]


def main():
    for figure in FIGURES_LIST:
        try:
            figure()
        except Skip as note:
            plt.close("all")
            print(f"figures: skipped {figure.__name__}: {note}")


if __name__ == "__main__":
    main()
