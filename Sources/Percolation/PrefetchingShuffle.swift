@preconcurrency import CGSL
import CPrefetch
import Support

/// The Fisher–Yates shuffle of ``RandomGenerator/shuffle(_:)`` (for i = n − 1 … 1, swap element i
/// with element j = `gsl_rng_uniform_int`(i + 1)), making the very same GSL calls in the same
/// order, so the permutation is identical, but drawing each j `ahead` steps early: the draws do not
/// depend on the array, so element j's cache line can be requested while earlier swaps run. On
/// arrays larger than the L2 cache the random element j is otherwise a cache miss per step.
enum PrefetchingShuffle {
    /// How many draws run ahead of the swap that uses them (a power of two ≤ 64).
    static let ahead = 32

    static func shuffle(_ values: UnsafeMutablePointer<Int32>, count n: Int, rng: RandomGenerator) {
        guard n > 1 else { return }
        let generator = rng.pointer
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { ring in
            let ring = ring.baseAddress!
            // The next i whose j is to be drawn; draws go i = n − 1, n − 2, …, 1 as in the plain loop.
            var next = n - 1
            @inline(__always) func draw() {
                let j = Int(gsl_rng_uniform_int(generator, UInt(next + 1)))
                ring[next & 63] = j
                ml_prefetch_write(values + j)
                next -= 1
            }
            while next >= 1 && next > n - 1 - ahead { draw() }
            var i = n - 1
            while i > 0 {
                if next >= 1 { draw() }
                let j = ring[i & 63]
                if i != j {
                    let t = values[i]
                    values[i] = values[j]
                    values[j] = t
                }
                i -= 1
            }
        }
    }
}
