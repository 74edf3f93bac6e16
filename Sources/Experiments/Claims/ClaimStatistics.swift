@preconcurrency import CGSL
import Foundation
import Support

/// Statistics for claims that must hold beyond one seed (issue 14): order statistics and shares
/// that a few pairs cannot swing, the Mann–Whitney rank test, a percentile bootstrap over pairs
/// within one replicate, and the spread of a statistic over independent replicates.
public enum ClaimStatistics {
    /// Median by GSL (mean of the two middle values for an even count); NaN for no values.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        var s = values
        s.withUnsafeMutableBufferPointer { gsl_sort($0.baseAddress, 1, $0.count) }
        return s.withUnsafeBufferPointer { gsl_stats_median_from_sorted_data($0.baseAddress, 1, $0.count) }
    }

    /// Share of `values` for which `predicate` holds; NaN for no values.
    public static func share(_ values: [Double], where predicate: (Double) -> Bool) -> Double {
        values.isEmpty ? .nan : Double(values.filter(predicate).count) / Double(values.count)
    }

    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// The Mann–Whitney test of sample x against sample y.
    public struct MannWhitney: Sendable, Equatable {
        /// U_x = #{(i, j): x_i > y_j} + ½ #{(i, j): x_i = y_j}  (= R_x − n_x(n_x+1)/2 with mid-ranks).
        public var u: Double
        /// U_x / (n_x n_y) = P(X > Y) + ½ P(X = Y): the AUROC of x (positives) against y.
        public var effectSize: Double
        /// Two-sided p-value, normal approximation with tie correction and continuity correction:
        /// z = (|U − n_x n_y/2| − ½) / σ, σ² = n_x n_y/12 · [(n+1) − Σ_t (t³ − t) / (n(n−1))].
        public var pValue: Double
    }

    /// Mann–Whitney U of `x` against `y` (mid-ranks for ties). Nil when either sample is empty.
    public static func mannWhitney(_ x: [Double], _ y: [Double]) -> MannWhitney? {
        let nx = x.count, ny = y.count
        guard nx > 0, ny > 0 else { return nil }
        var pooled = x.map { ($0, true) } + y.map { ($0, false) }
        pooled.sort { $0.0 < $1.0 }
        var rankSumX = 0.0, tieTerm = 0.0
        var i = 0
        while i < pooled.count {
            var j = i
            while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
            let midRank = Double(i + j) / 2 + 1            // ranks are 1-based
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            for k in i...j where pooled[k].1 { rankSumX += midRank }
            i = j + 1
        }
        let u = rankSumX - Double(nx) * Double(nx + 1) / 2
        let n = Double(nx + ny), nn = Double(nx) * Double(ny)
        let variance = nn / 12 * ((n + 1) - (n > 1 ? tieTerm / (n * (n - 1)) : 0))
        let p: Double
        if variance > 0 {
            let z = max(0, abs(u - nn / 2) - 0.5) / variance.squareRoot()
            p = min(1, 2 * gsl_cdf_ugaussian_Q(z))
        } else {
            p = 1                                          // every value tied: no evidence either way
        }
        return MannWhitney(u: u, effectSize: u / nn, pValue: p)
    }

    /// An estimate with a two-sided interval.
    public struct Interval: Sendable, Equatable, Codable {
        public var estimate: Double
        public var low: Double
        public var high: Double
        public init(estimate: Double, low: Double, high: Double) {
            self.estimate = estimate
            self.low = low
            self.high = high
        }
    }

    /// Percentile bootstrap (Efron): `resamples` times, draw n of the n observations with
    /// replacement (GSL generator seeded with `seed`), evaluate `statistic` on the resample; the
    /// interval is the (1−level)/2 and (1+level)/2 quantiles of the finite resampled values. The
    /// estimate is the statistic of the observations themselves. NaN interval when n = 0 or no
    /// resample gives a finite value.
    public static func bootstrap(count n: Int, resamples: Int, level: Double = 0.95, seed: UInt64,
                                 generator: String? = nil,
                                 statistic: ([Int]) -> Double) throws -> Interval {
        let estimate = statistic(Array(0..<n))
        guard n > 0, resamples > 0 else { return Interval(estimate: estimate, low: .nan, high: .nan) }
        let rng = try RandomGenerator(algorithm: generator, seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        var draw = [Int](repeating: 0, count: n)
        for _ in 0..<resamples {
            for k in 0..<n { draw[k] = rng.uniformInt(n) }
            let v = statistic(draw)
            if v.isFinite { values.append(v) }
        }
        guard !values.isEmpty else { return Interval(estimate: estimate, low: .nan, high: .nan) }
        values.withUnsafeMutableBufferPointer { gsl_sort($0.baseAddress, 1, $0.count) }
        let (lo, hi) = values.withUnsafeBufferPointer { b in
            (gsl_stats_quantile_from_sorted_data(b.baseAddress, 1, b.count, (1 - level) / 2),
             gsl_stats_quantile_from_sorted_data(b.baseAddress, 1, b.count, (1 + level) / 2))
        }
        return Interval(estimate: estimate, low: lo, high: hi)
    }

    /// How an interval over replicates was formed.
    public enum ReplicateSpread: String, Sendable, Codable {
        /// K ≥ 3: mean ± t_{(1+level)/2, K−1} · s/√K (s the sample standard deviation).
        case tInterval = "t-interval"
        /// K = 2: the two replicates' values (not a 95 % interval; too few replicates for one).
        case minMax = "min-max"
        /// K = 1: the one replicate's bootstrap interval over pairs.
        case bootstrap
        /// K = 0: no replicate defines the statistic.
        case none
    }

    /// The spread of one statistic over K replicates (non-finite replicate values are left out,
    /// so K counts the replicates that define it). `single` is the bootstrap interval used at K = 1.
    public static func overReplicates(_ values: [Double], single: Interval?, level: Double = 0.95)
        -> (interval: Interval, replicates: Int, spread: ReplicateSpread) {
        let v = values.filter(\.isFinite)
        switch v.count {
        case 0: return (Interval(estimate: .nan, low: .nan, high: .nan), 0, .none)
        case 1: return (single ?? Interval(estimate: v[0], low: .nan, high: .nan), 1, .bootstrap)
        case 2: return (Interval(estimate: (v[0] + v[1]) / 2, low: v.min()!, high: v.max()!), 2, .minMax)
        default:
            let (m, s) = v.withUnsafeBufferPointer { b in
                (gsl_stats_mean(b.baseAddress, 1, b.count), gsl_stats_sd(b.baseAddress, 1, b.count))
            }
            let t = gsl_cdf_tdist_Pinv((1 + level) / 2, Double(v.count - 1))
            let half = t * s / Double(v.count).squareRoot()
            return (Interval(estimate: m, low: m - half, high: m + half), v.count, .tInterval)
        }
    }
}

/// A claim's null hypothesis and the verdict rule fixed before any number was seen: "reproduced"
/// only when the 95 % interval lies strictly on the claim's side of the null value; "contradicted"
/// when it lies strictly on the other side; otherwise "not reproduced" (the interval contains the null).
public struct ClaimNull: Sendable, Equatable, Codable {
    /// Which side of the null the claim predicts.
    public enum Side: String, Sendable, Codable { case above, below }
    public var value: Double
    public var side: Side

    public init(_ side: Side, _ value: Double) {
        self.side = side
        self.value = value
    }

    public func verdict(_ i: ClaimStatistics.Interval) -> String {
        guard i.low.isFinite, i.high.isFinite else { return "undefined" }
        switch side {
        case .above: return i.low > value ? "reproduced" : (i.high < value ? "contradicted" : "not reproduced")
        case .below: return i.high < value ? "reproduced" : (i.low > value ? "contradicted" : "not reproduced")
        }
    }

    /// "> 0.5" or "< 0.05": what the claim asserts about the statistic.
    public var claimText: String { (side == .above ? "> " : "< ") + String(format: "%g", value) }
}
