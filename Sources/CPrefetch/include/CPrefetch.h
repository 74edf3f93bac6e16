// Software prefetch for the Newman–Ziff sweep: the order in which sites are added is known in
// advance, so the union-find words of sites a few additions ahead can be requested from memory
// early. Swift has no prefetch intrinsic; this static inline wrapper of __builtin_prefetch is
// inlined into Swift callers in release builds.
#ifndef MODELATTICE_CPREFETCH_H
#define MODELATTICE_CPREFETCH_H

/// Prefetch for writing into all cache levels (a hint: never faults, even on a bad address).
static inline void ml_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }

/// Prefetch for reading into all cache levels.
static inline void ml_prefetch_read(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
