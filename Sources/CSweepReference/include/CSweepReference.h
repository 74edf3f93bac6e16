// Bench-only reference sweeps for `modelattice-bench percolation` (issue 17, item 6): the plain
// Newman–Ziff site sweep written in C, and the same sweep prefetching the union-find words of the
// site (and of its 2d neighbours) a fixed number of additions ahead. Both track only the largest
// cluster and shuffle with xoshiro256** (Blackman & Vigna 2018), so they bound what the latency
// of the union-find words allows; ModeLattice's sweep computes every observable on top.
#ifndef MODELATTICE_CSWEEPREFERENCE_H
#define MODELATTICE_CSWEEPREFERENCE_H

#include <stdint.h>

/// One Newman–Ziff site-percolation trial on the periodic hypercubic lattice of `dimension` axes
/// and side `side` (side^dimension sites, C order): a Fisher–Yates order from xoshiro256** seeded
/// with `seed` (splitmix64), then every site added in that order and joined to its occupied
/// neighbours with a weighted union-find (parent, or −size at roots; full path compression).
/// `prefetch_distance` = 0 is the plain sweep; k > 0 prefetches the words of site order[t + k] and
/// of its neighbours before adding order[t]. Returns Σ_n S_max(n) (a checksum that keeps the
/// work live), or −1 when memory runs out.
int64_t ml_reference_site_sweep(int dimension, int side, uint64_t seed, int prefetch_distance);

#endif
