@preconcurrency import CGSL
import Foundation
import Support

/// The 2D threshold from the wrapping probability of periodic L×L lattices (Newman & Ziff, PRE 64,
/// 016706 (2001), Sec. IV): the probability R_L(p) that some cluster wraps around the torus
/// crosses its universal value R* = 0.690473725 (Pinson 1994) at p_L, and p_L − p_c ~ L^(−11/4)
/// (= L^(−2−1/ν)), so moderate L already give p_c to high precision. Used for site and bond
/// percolation of the square lattice (the value is universal for both).
///
/// Each Newman–Ziff trial (``NewmanZiffSweep``) yields the addition n* at which wrapping first
/// appears; in the canonical ensemble at p that trial contributes R_i(p) = P(Bin(M, p) ≥ n*)
/// (M additions). p_L solves mean_i R_i(p) = R* (bisection); its standard error is
/// se(R_i(p_L)) / R'(p_L) (delta method). The same is done at L/2; the systematic error is the
/// finite-size shift left at L measured from the data, |p_L − p_{L/2}| / (2^(11/4) − 1) (the
/// L^(−11/4) term that separates p_L from p_{L/2}), added in quadrature.
public enum WrappingThreshold {
    /// R* for wrapping along either axis of a square torus.
    public static let universalWrappingAny = 0.690473725
    /// Lattice side of the main estimate (the check uses half of it).
    public static let defaultSide = 128

    public static func estimate(_ s: ThresholdSettings, side: Int = defaultSide,
                                shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> ThresholdEstimate {
        guard s.dimension == 2 else {
            throw ModeLatticeError.invalid("method", "wrapping needs a known universal crossing value, used here for d = 2 only (got d = \(s.dimension)); use growth")
        }
        let started = Date()
        let kind = s.kind
        let sides = [side, side / 2]
        let sweeps = try sides.map { l in
            try NewmanZiffSweep(lattice: HypercubicLattice(dimension: 2, side: l, boundary: .periodic), kind: kind,
                                probabilities: [0.5], seed: SeedSequence.derive(s.seed, stream: "threshold-wrapping-\(s.kind.rawValue)", index: l),
                                generator: s.algorithm)
        }
        var firstWrap: [[Int]] = [[], []]   // [size][trial]: additions at which wrapping first appears
        let batch = max(2, 2 * s.threads)
        var interrupted = false
        let mainStart = Date()
        var lastBatch = 0.0
        while true {
            let done = firstWrap[0].count
            if let total = s.samples {
                if done >= total { break }
            } else if done >= 2 && Date().timeIntervalSince(mainStart) + 0.5 * lastBatch >= s.budget { break }
            if shouldStop() { interrupted = true; break }
            let count = s.samples.map { min(batch, $0 - done) } ?? batch
            let t1 = Date()
            for (k, sweep) in sweeps.enumerated() {
                firstWrap[k] += try ParallelMap.map(count: count, threads: s.threads) { i in
                    try firstWrapping(sweep.microcanonicalTrial(done + i))
                }
            }
            lastBatch = Date().timeIntervalSince(t1)
        }
        guard firstWrap[0].count >= 1 else { throw ModeLatticeError.software("stopped before any trial finished; no estimate") }
        let main = crossing(firstWrap[0], additions: sweeps[0].additions)
        let check = crossing(firstWrap[1], additions: sweeps[1].additions)
        let bias = abs(main.p - check.p) / (Foundation.pow(2, 11.0 / 4.0) - 1)
        let examined = firstWrap[0].count * (sweeps[0].additions + sweeps[1].additions)
        return ThresholdEstimate(
            dimension: 2, kind: s.kind, method: "wrapping", estimate: main.p,
            stderr: (main.se * main.se + bias * bias).squareRoot(), statisticalError: main.se, systematicError: bias,
            chi2PerDof: .nan, fitNotes: [String(format: "wrapping crossing p_L = %.8f ± %.2g at L = %d, %.8f ± %.2g at L = %d", main.p, main.se, side, check.p, check.se, side / 2)],
            largestSizeEstimate: main.p, acceptanceRatio: .nan, samples: firstWrap[0].count, size: side,
            examined: examined, seconds: Date().timeIntervalSince(started), regrown: 0,
            peakBytesPerRun: (sweeps[0].additions + 1) * (32 + 8 * sweeps[0].observableCount) + 8 * sweeps[0].additions,
            profile: [(side / 2, check.p, check.se), (side, main.p, main.se)], interrupted: interrupted)
    }

    /// The number of additions after which the series first shows wrapping along any axis.
    static func firstWrapping(_ series: [[Double]]) -> Int {
        let column = SweepResult.Observable.wrappingAny.rawValue
        return series.firstIndex { $0[column] >= 0.5 } ?? (series.count - 1)
    }

    /// p solving mean_i P(Bin(M, p) ≥ n*_i) = R*, with its delta-method standard error.
    static func crossing(_ firstWrap: [Int], additions m: Int) -> (p: Double, se: Double) {
        func r(_ n: Int, _ p: Double) -> Double {
            n <= 0 ? 1 : gsl_cdf_binomial_Q(UInt32(n - 1), p, UInt32(m))
        }
        func mean(_ p: Double) -> Double { firstWrap.reduce(0) { $0 + r($1, p) } / Double(firstWrap.count) }
        var lo = 0.0, hi = 1.0
        for _ in 0..<60 {
            let mid = 0.5 * (lo + hi)
            if mean(mid) < universalWrappingAny { lo = mid } else { hi = mid }
        }
        let p = 0.5 * (lo + hi)
        let values = firstWrap.map { r($0, p) }
        let (_, seR) = ThresholdEstimator.meanAndError(values)
        let h = 1e-4
        let slope = (mean(p + h) - mean(p - h)) / (2 * h)
        return (p, seR / slope)
    }
}

/// Which estimator to use: `auto` picks the wrapping crossing in d = 2 (where a universal value is
/// known and its finite-size error falls like L^(−11/4)) and invasion growth elsewhere.
public enum ThresholdMethod: String, Sendable, CaseIterable, Codable {
    case auto, wrapping, growth

    public func resolved(dimension d: Int) -> ThresholdMethod {
        self == .auto ? (d == 2 ? .wrapping : .growth) : self
    }

    public func estimate(_ s: ThresholdSettings, shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> ThresholdEstimate {
        switch resolved(dimension: s.dimension) {
        case .wrapping: return try WrappingThreshold.estimate(s, shouldStop: shouldStop)
        default: return try ThresholdEstimator.estimate(s, shouldStop: shouldStop)
        }
    }
}
