@preconcurrency import CGSL
import Foundation
import Support

/// Microcanonical → canonical conversion (Newman & Ziff, PRE 64, 016706, 2001, eq. 2):
///
///     Q(p) = Σ_{n=0}^{M} B(M, n, p) Q_n,    B(M, n, p) = C(M, n) pⁿ (1 − p)^(M − n),
///
/// where Q_n is an observable after n of the M sites (or bonds) have been added. The weights are
/// anchored at the mode n* = ⌊(M + 1)p⌋ with GSL's log-binomial (`gsl_sf_lnchoose`, stable for M
/// up to 2^32, where `gsl_ran_binomial_pdf` under- or overflows), then filled outwards with the
/// ratio recursion B(n+1)/B(n) = (M − n)/(n + 1) · p/(1 − p) (Newman & Ziff eq. 11), and cut where
/// they fall below 10⁻¹⁸ of the peak (about ±9 standard deviations); the window is renormalised to
/// sum to one. Each p_k thus owns a window [lo_k, hi_k] of n with its weights.
public struct BinomialConvolution: Sendable {
    /// Number of additions M.
    public let additions: Int
    public let probabilities: [Double]
    /// lo_k, hi_k: the window of n where p_k's weights are kept. Shape [K].
    public let windowStart: [Int]
    public let windowEnd: [Int]
    /// Concatenated windows' weights; p_k's weight of n is weights[weightBase[k] + n]. Shape [Σ widths].
    public let weights: [Double]
    public let weightBase: [Int]
    /// Segments of n on which the set of active p_k is constant, for streaming accumulation:
    /// segment s covers n in [segmentStart[s], segmentStart[s + 1]) and its active k are
    /// activeK[activeOffset[s] ..< activeOffset[s + 1]].
    let segmentStart: [Int]
    let activeOffset: [Int]
    let activeK: [Int]

    public init(additions: Int, probabilities: [Double]) {
        GSLSetup.once()
        self.additions = additions
        self.probabilities = probabilities
        var starts: [Int] = [], ends: [Int] = [], weights: [Double] = [], bases: [Int] = []
        for p in probabilities {
            let (lo, w) = BinomialConvolution.window(additions: additions, p: p)
            starts.append(lo)
            ends.append(lo + w.count - 1)
            bases.append(weights.count - lo)
            weights.append(contentsOf: w)
        }
        windowStart = starts
        windowEnd = ends
        self.weights = weights
        weightBase = bases
        // Breakpoints where some window opens or closes.
        var cuts = Set<Int>([0, additions + 1])
        for k in probabilities.indices { cuts.insert(starts[k]); cuts.insert(ends[k] + 1) }
        let sorted = cuts.sorted()
        var segStart: [Int] = [], offsets: [Int] = [0], active: [Int] = []
        for s in 0..<(sorted.count - 1) {
            let a = sorted[s]
            segStart.append(a)
            for k in probabilities.indices where starts[k] <= a && ends[k] >= a { active.append(k) }
            offsets.append(active.count)
        }
        segStart.append(additions + 1)
        segmentStart = segStart
        activeOffset = offsets
        activeK = active
    }

    /// The weight and segment tables as pointers, valid inside `body` (the sweep's hot loop reads
    /// them without array bounds checks or reference counting).
    func withTables<R>(_ body: (ConvolutionTables) throws -> R) rethrows -> R {
        try weights.withUnsafeBufferPointer { w in
            try weightBase.withUnsafeBufferPointer { base in
                try segmentStart.withUnsafeBufferPointer { start in
                    try activeOffset.withUnsafeBufferPointer { offset in
                        try activeK.withUnsafeBufferPointer { k in
                            try body(ConvolutionTables(
                                weights: w.baseAddress!, weightBase: base.baseAddress!, segmentStart: start.baseAddress!,
                                segmentCount: start.count - 1, activeOffset: offset.baseAddress!, activeK: k.baseAddress))
                        }
                    }
                }
            }
        }
    }

    /// The normalised weights B(M, n, p) for n in [lo, lo + count).
    static func window(additions m: Int, p: Double) -> (start: Int, weights: [Double]) {
        if p <= 0 { return (0, [1]) }
        if p >= 1 { return (m, [1]) }
        let q = 1 - p
        let mode = min(m, Int((Double(m + 1) * p).rounded(.down)))
        let logPeak = gsl_sf_lnchoose(UInt32(m), UInt32(mode)) + Double(mode) * log(p) + Double(m - mode) * log1p(-p)
        let peak = exp(logPeak)
        let cutoff = 1e-18
        var upper: [Double] = []
        var b = 1.0
        var n = mode
        while n < m {
            b *= Double(m - n) / Double(n + 1) * (p / q)
            if b < cutoff { break }
            upper.append(b)
            n += 1
        }
        var lower: [Double] = []
        b = 1.0
        n = mode
        while n > 0 {
            b *= Double(n) / Double(m - n + 1) * (q / p)
            if b < cutoff { break }
            lower.append(b)
            n -= 1
        }
        var w = Array(lower.reversed()) + [1.0] + upper
        // Relative weights times GSL's peak are the binomial pdf; renormalise the window to 1.
        var total = 0.0
        for x in w { total += x * peak }
        let scale = peak / total
        for i in w.indices { w[i] *= scale }
        return (mode - lower.count, w)
    }

    /// Canonical averages from a whole microcanonical series `values[n]`, n = 0…M.
    public func canonical(_ values: [Double]) -> [Double] {
        precondition(values.count == additions + 1)
        return probabilities.indices.map { k in
            var sum = 0.0
            for n in windowStart[k]...windowEnd[k] { sum += weights[weightBase[k] + n] * values[n] }
            return sum
        }
    }
}

/// ``BinomialConvolution``'s tables as pointers (see ``BinomialConvolution/withTables(_:)``); the
/// same shapes and meaning as the arrays of the same names.
struct ConvolutionTables {
    let weights: UnsafePointer<Double>
    let weightBase: UnsafePointer<Int>
    let segmentStart: UnsafePointer<Int>
    /// Number of segments S (segmentStart holds S + 1 entries, the last M + 1).
    let segmentCount: Int
    let activeOffset: UnsafePointer<Int>
    /// nil when no p_k is active anywhere (cannot happen with K ≥ 1; kept total).
    let activeK: UnsafePointer<Int>?
}
