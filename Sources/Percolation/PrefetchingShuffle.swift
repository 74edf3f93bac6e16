@preconcurrency import CGSL
import CPrefetch
import Support

/// The Fisher–Yates shuffle of ``RandomGenerator/shuffle(_:)`` (for i = n − 1 … 1, swap element i
/// with element j = `gsl_rng_uniform_int`(i + 1)), making the very same generator calls in the same
/// order, so the permutation is identical, but drawing each j `ahead` steps early: the draws do not
/// depend on the array, so element j's cache line can be requested while earlier swaps run. On
/// arrays larger than the L2 cache the random element j is otherwise a cache miss per step.
enum PrefetchingShuffle {
    /// How many draws run ahead of the swap that uses them (≤ 32: the ring below holds 64).
    static let ahead = 32

    static func shuffle(_ values: UnsafeMutablePointer<Int32>, count n: Int, rng: RandomGenerator) {
        guard n > 1 else { return }
        withExtendedLifetime(rng) { shuffle(values, count: n, draws: UniformIntDraws(rng)) }
    }

    private static func shuffle(_ values: UnsafeMutablePointer<Int32>, count n: Int, draws initial: UniformIntDraws) {
        // Index arithmetic wraps (`&+`, `&-`: 0 ≤ i, next < n), without overflow branches.
        // No nested function and no variable shared between closures here: `draws` captured by a
        // nested `draw()` was boxed, with a dynamic exclusivity check (swift_beginAccess) per draw
        // (cachegrind, 2D L = 1024: 32 of the 89 instructions per element).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { buffer in
            let ring = buffer.baseAddress!
            var draws = initial
            // The next i whose j is to be drawn; draws go i = n − 1, n − 2, …, 1 as in the plain loop.
            var next = n - 1
            while next >= 1 && next > n &- 1 &- ahead {
                let j = draws.below(next &+ 1)
                ring[next & 63] = j
                ml_prefetch_write(values + j)
                next &-= 1
            }
            var i = n - 1
            while i > 0 {
                if next >= 1 {
                    let j = draws.below(next &+ 1)
                    ring[next & 63] = j
                    ml_prefetch_write(values + j)
                    next &-= 1
                }
                let j = ring[i & 63]
                if i != j {
                    let t = values[i]
                    values[i] = values[j]
                    values[j] = t
                }
                i &-= 1
            }
        }
    }
}

/// `gsl_rng_uniform_int(r, n)` bit for bit, without its two integer divisions. GSL computes, with
/// range = max − min of the generator,
///
///     scale = ⌊range / n⌋;   repeat k = ⌊(get() − min) / scale⌋ until k < n;   return k.
///
/// Both quotients are taken here in double precision: for integers a, b < 2^53 the rounded
/// quotient fl(a/b) has error ≤ (a/b)·2^−53 < 1/b, less than the distance from a/b to the next
/// integer when a/b is not one, and rounding is exact when it is; so ⌊fl(a/b)⌋ = ⌊a/b⌋.
/// Generators whose range reaches 2^53, and n outside (0, range] (GSL's own error path), go
/// through GSL itself. Measured and not kept: replacing both divisions by a scale updated as n
/// falls and a cached reciprocal with an exact integer correction changed nothing (sweep / the
/// prefetching C sweep 1.59 either way, 2D and 3D): the draw is dominated by GSL's mt19937 `get`
/// itself (11–14 ns per call here, measured in C; xoshiro's whole shuffle step costs 6–13 ns).
struct UniformIntDraws {
    let rng: UnsafeMutablePointer<gsl_rng>
    let state: UnsafeMutableRawPointer?
    let get: @convention(c) (UnsafeMutableRawPointer?) -> UInt
    let minimum: UInt
    let range: UInt

    init(_ generator: RandomGenerator) {
        rng = generator.pointer
        let type = rng.pointee.type.pointee
        state = rng.pointee.state
        get = type.get
        minimum = type.min
        range = type.max - type.min
    }

    @inline(__always) mutating func below(_ n: Int) -> Int {
        let un = UInt(n)
        guard range < (1 << 53), un > 0, un <= range else { return Int(gsl_rng_uniform_int(rng, un)) }
        // Both quotients are non-negative and below 2^53, so ⌊·⌋ is the truncating conversion to
        // Int (one instruction; `rounded(.down)` called libm's floor, without SSE4.1 in the baseline).
        // The draw, below 2^53, goes to Double through Int: the same value, in one instruction
        // where the conversion from UInt takes five without AVX-512.
        let scale = Double(Int(Double(range) / Double(un)))
        while true {
            let draw = Int(bitPattern: get(state) &- minimum)
            let k = UInt(bitPattern: Int(Double(draw) / scale))
            if k < un { return Int(k) }
        }
    }
}
