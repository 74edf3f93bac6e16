import Foundation

/// The two-point function of a lattice field v (the score, or the open indicator) along lattice
/// axes, in units of the spacing h:
///     C(r) = ⟨(v(x) − μ)(v(x + r h e) − μ)⟩ / σ²,   r = 0 … R,
/// estimated from lines of consecutive sites along axes e. Lines are grouped (one group per anchor
/// or per lattice): each group uses its own mean μ_g and variance σ_g² over all its sites (so
/// differences between anchors do not pose as long-range correlation), C_g(r) averages the
/// products over every pair (t, t + r) inside its lines, and C(r) is the mean of C_g(r) over the
/// groups with σ_g² > 0 (C(0) = 1). Groups with a non-finite value are left out.
///
/// The correlation length ξ/h is where C first falls below 1/e, by linear interpolation between
/// the bracketing lags: ξ = (r − 1) + (C(r−1) − 1/e)/(C(r−1) − C(r)); nil when C stays at or above
/// 1/e up to R (ξ > R) or no group has variance.
public struct AxisCorrelation: Sendable, Equatable, Codable {
    /// C(r) for r = 0 … R (NaN where no group had a pair at that lag).
    public var c: [Double]
    /// Groups that entered the average.
    public var groups: Int
    /// ξ/h (1/e crossing), nil when beyond R or undefined.
    public var length: Double?

    public init(c: [Double], groups: Int) {
        self.c = c
        self.groups = groups
        self.length = AxisCorrelation.crossing(c)
    }

    /// C(r) of `lines` (values at consecutive sites along an axis), grouped by `groups[i]`.
    public static func estimate(lines: [[Double]], groups: [Int], maxLag: Int) -> AxisCorrelation {
        precondition(lines.count == groups.count, "one group label per line")
        let r = max(0, maxLag)
        var byGroup: [Int: [Int]] = [:]
        for (i, g) in groups.enumerated() { byGroup[g, default: []].append(i) }
        var sum = [Double](repeating: 0, count: r + 1), counted = [Int](repeating: 0, count: r + 1)
        var used = 0
        for g in byGroup.keys.sorted() {
            let members = byGroup[g]!
            var n = 0, mean = 0.0, finite = true
            for i in members { for v in lines[i] { if !v.isFinite { finite = false }; n += 1; mean += v } }
            guard finite, n > 1 else { continue }
            mean /= Double(n)
            var variance = 0.0
            for i in members { for v in lines[i] { variance += (v - mean) * (v - mean) } }
            variance /= Double(n)
            guard variance > 0 else { continue }
            used += 1
            for lag in 0...r {
                var s = 0.0, pairs = 0
                for i in members {
                    let line = lines[i]
                    if line.count <= lag { continue }
                    for t in 0..<(line.count - lag) { s += (line[t] - mean) * (line[t + lag] - mean); pairs += 1 }
                }
                if pairs > 0 { sum[lag] += s / Double(pairs) / variance; counted[lag] += 1 }
            }
        }
        let c = (0...r).map { counted[$0] > 0 ? sum[$0] / Double(counted[$0]) : .nan }
        return AxisCorrelation(c: c, groups: used)
    }

    /// Every axis line of a field on the grid [L]^d stored in C order (the layout of
    /// ``SubspaceLattice`` and ``HypercubicLattice``): d·L^(d−1) lines of L values.
    public static func gridLines(_ values: [Double], dimension d: Int, side L: Int) -> [[Double]] {
        precondition(values.count == Int(pow(Double(L), Double(d)).rounded()), "values must fill the grid")
        var lines: [[Double]] = []
        var stride = 1
        for _ in 0..<d {
            // Axis with this stride: lines start at sites whose coordinate along it is 0.
            for start in 0..<values.count where (start / stride) % L == 0 {
                lines.append((0..<L).map { values[start + $0 * stride] })
            }
            stride *= L
        }
        return lines
    }

    /// ξ: the first 1/e crossing of C, linearly interpolated.
    static func crossing(_ c: [Double]) -> Double? {
        let level = exp(-1.0)
        guard c.count > 1, c[0].isFinite else { return nil }
        for r in 1..<c.count {
            guard c[r].isFinite, c[r - 1].isFinite else { return nil }
            if c[r] < level { return Double(r - 1) + (c[r - 1] - level) / (c[r - 1] - c[r]) }
        }
        return nil
    }
}
