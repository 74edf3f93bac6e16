// The reference Newman–Ziff sweeps of include/CSweepReference.h (bench only).
#include "CSweepReference.h"
#include <stdlib.h>

// xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2018),
// seeded by splitmix64 as its authors recommend.
typedef struct { uint64_t s[4]; } xoshiro256;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t xoshiro_next(xoshiro256 *g) {
    uint64_t *s = g->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

// Unbiased integer in [0, n), n < 2^32 (Lemire, "Fast random integer generation in an interval",
// ACM TOMACS 29, 2019): the high half of x·n, rejecting the few low halves below 2^32 mod n.
static inline uint32_t xoshiro_below(xoshiro256 *g, uint32_t n) {
    uint64_t m = (xoshiro_next(g) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) { m = (xoshiro_next(g) >> 32) * (uint64_t)n; low = (uint32_t)m; }
    }
    return (uint32_t)(m >> 32);
}

// x mod d without a division (Lemire, Kaser & Kurz 2019), x, d < 2^32.
typedef struct { uint64_t magic; uint64_t divisor; } fastmod;
static inline fastmod fastmod_make(uint32_t d) { fastmod f = { UINT64_MAX / d + 1, d }; return f; }
static inline uint32_t fastmod_rem(fastmod f, uint32_t x) {
    return (uint32_t)(((unsigned __int128)(f.magic * x) * f.divisor) >> 64);
}

enum { MAX_DIM = 8 };
#define EMPTY INT32_MIN

// Newman & Ziff's findroot (PRE 64, 016706, 2001, appendix), iterative: full path compression.
static inline int32_t findroot(int32_t *ptr, int32_t i) {
    int32_t r = i;
    while (ptr[r] >= 0) r = ptr[r];
    while (ptr[i] >= 0 && ptr[i] != r) { int32_t next = ptr[i]; ptr[i] = r; i = next; }
    return r;
}

typedef struct {
    int dim;
    int32_t stride[MAX_DIM], span[MAX_DIM], last_row[MAX_DIM];
    fastmod mod[MAX_DIM];
} lattice;

// The 2d periodic neighbours of site i.
static inline void neighbours(const lattice *g, int32_t i, int32_t *out) {
    for (int a = 0; a < g->dim; a++) {
        int32_t s = g->stride[a];
        uint32_t r = a == 0 ? (uint32_t)i : fastmod_rem(g->mod[a], (uint32_t)i);
        out[2 * a] = (int32_t)r < g->last_row[a] ? i + s : i + s - g->span[a];
        out[2 * a + 1] = (int32_t)r >= s ? i - s : i - s + g->span[a];
    }
}

int64_t ml_reference_site_sweep(int dimension, int side, uint64_t seed, int prefetch_distance) {
    if (dimension < 1 || dimension > MAX_DIM || side < 2) return -1;
    lattice g;
    g.dim = dimension;
    int64_t n64 = 1;
    for (int a = 0; a < dimension; a++) n64 *= side;
    if (n64 > INT32_MAX) return -1;
    int32_t n = (int32_t)n64;
    int32_t s = 1;
    for (int a = dimension - 1; a >= 0; a--) {
        g.stride[a] = s;
        g.span[a] = s * side;
        g.last_row[a] = s * (side - 1);
        g.mod[a] = fastmod_make((uint32_t)(s * side));
        s *= side;
    }
    int32_t *ptr = malloc(sizeof(int32_t) * (size_t)n);
    int32_t *order = malloc(sizeof(int32_t) * (size_t)n);
    if (!ptr || !order) { free(ptr); free(order); return -1; }

    xoshiro256 rng;
    uint64_t sm = seed;
    for (int k = 0; k < 4; k++) rng.s[k] = splitmix64(&sm);
    for (int32_t i = 0; i < n; i++) { order[i] = i; ptr[i] = EMPTY; }
    for (int32_t i = n - 1; i > 0; i--) {
        int32_t j = (int32_t)xoshiro_below(&rng, (uint32_t)i + 1);
        int32_t t = order[i]; order[i] = order[j]; order[j] = t;
    }

    int32_t nb[2 * MAX_DIM];
    int32_t big = 0;
    int64_t checksum = 0;
    const int degree = 2 * dimension;
    for (int32_t t = 0; t < n; t++) {
        if (prefetch_distance > 0 && t + prefetch_distance < n) {
            int32_t ahead = order[t + prefetch_distance];
            int32_t pn[2 * MAX_DIM];
            __builtin_prefetch(ptr + ahead, 1, 3);
            neighbours(&g, ahead, pn);
            for (int k = 0; k < degree; k++) __builtin_prefetch(ptr + pn[k], 1, 3);
        }
        int32_t s1 = order[t], r1 = s1;
        ptr[s1] = -1;
        if (big == 0) big = 1;
        neighbours(&g, s1, nb);
        for (int k = 0; k < degree; k++) {
            int32_t s2 = nb[k];
            if (ptr[s2] == EMPTY) continue;
            int32_t r2 = findroot(ptr, s2);
            if (r2 == r1) continue;
            if (ptr[r1] > ptr[r2]) { ptr[r2] += ptr[r1]; ptr[r1] = r2; r1 = r2; }
            else { ptr[r1] += ptr[r2]; ptr[r2] = r1; }
            if (-ptr[r1] > big) big = -ptr[r1];
        }
        checksum += big;
    }
    free(ptr);
    free(order);
    return checksum;
}
