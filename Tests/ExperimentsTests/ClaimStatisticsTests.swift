import Foundation
import Testing
@testable import Experiments
import Support

/// The statistics behind claims.csv: exact rank statistics on hand-computed examples, and the
/// coverage of the two interval constructions on distributions with a known truth.
@Suite struct ClaimStatisticsTests {
    /// x = (3, 5, 7), y = (1, 2, 4, 6): x beats y in 2 + 3 + 4 = 9 of 12 pairs, so U = 9, effect 0.75;
    /// σ² = 3·4/12·(7 + 1) = 8, z = (|9 − 6| − ½)/√8, p = erfc(z/√2) = 0.3767591178 (computed by hand/erfc).
    @Test func mannWhitneyHandExample() throws {
        let mw = try #require(ClaimStatistics.mannWhitney([3, 5, 7], [1, 2, 4, 6]))
        #expect(mw.u == 9)
        #expect(mw.effectSize == 0.75)
        #expect(abs(mw.pValue - 0.3767591178115821) < 1e-12)
        // Swapping the samples gives U' = n_x n_y − U and the same p-value.
        let swapped = try #require(ClaimStatistics.mannWhitney([1, 2, 4, 6], [3, 5, 7]))
        #expect(swapped.u == 3)
        #expect(abs(swapped.pValue - mw.pValue) < 1e-15)
    }

    /// Ties: x = (1, 2, 2), y = (2, 3). Mid-ranks 1, 3, 3, 3, 5 give R_x = 7, U = 7 − 6 = 1 (two
    /// ties count ½ each); tie term 3³ − 3 = 24, σ² = 6/12·(6 − 24/20) = 2.4, p = erfc(1.5/√2.4/√2) = 0.3329216081.
    @Test func mannWhitneyTies() throws {
        let mw = try #require(ClaimStatistics.mannWhitney([1, 2, 2], [2, 3]))
        #expect(mw.u == 1)
        #expect(abs(mw.effectSize - 1.0 / 6) < 1e-15)
        #expect(abs(mw.pValue - 0.33292160806556603) < 1e-12)
        #expect(ClaimStatistics.mannWhitney([0, 0], [0, 0, 0])!.pValue == 1)
        #expect(ClaimStatistics.mannWhitney([], [1]) == nil)
    }

    @Test func medianAndShare() {
        #expect(ClaimStatistics.median([5, 1, 3]) == 3)
        #expect(ClaimStatistics.median([4, 1, 3, 2]) == 2.5)
        #expect(ClaimStatistics.median([]).isNaN)
        #expect(ClaimStatistics.share([0, 0.002, 0.5, 0]) { $0 > 1e-3 } == 0.5)
    }

    /// Percentile bootstrap of the mean of n = 40 draws of N(0, 1): over 400 seeds the 95 % interval
    /// contains 0 in a share within 3 binomial standard errors (√(0.95·0.05/400) = 0.011) of 0.95,
    /// allowing the percentile method's known small-sample shortfall (≈ 0.94 at n = 40).
    @Test func bootstrapCoverage() throws {
        let trials = 400, n = 40
        var covered = 0
        for s in 0..<trials {
            let rng = try RandomGenerator(seed: SeedSequence.derive(99, stream: "coverage-data", index: s))
            let x = (0..<n).map { _ in rng.gaussian() }
            let i = try ClaimStatistics.bootstrap(count: n, resamples: 1000,
                                                  seed: SeedSequence.derive(99, stream: "coverage-boot", index: s)) { d in
                d.reduce(0) { $0 + x[$1] } / Double(d.count)
            }
            #expect(i.low <= i.estimate && i.estimate <= i.high)
            if i.low <= 0 && 0 <= i.high { covered += 1 }
        }
        let rate = Double(covered) / Double(trials), se = (0.95 * 0.05 / Double(trials)).squareRoot()
        #expect(abs(rate - 0.95) <= 3 * se, "coverage \(rate)")
    }

    /// The same bootstrap seed gives the same interval; another seed a different one.
    @Test func bootstrapIsSeeded() throws {
        let x = (0..<30).map { Double($0 * $0 % 17) }
        let f: ([Int]) -> Double = { d in ClaimStatistics.median(d.map { x[$0] }) }
        let a = try ClaimStatistics.bootstrap(count: 30, resamples: 500, seed: 5, statistic: f)
        let b = try ClaimStatistics.bootstrap(count: 30, resamples: 500, seed: 5, statistic: f)
        #expect(a == b)
        #expect(a.estimate == ClaimStatistics.median(x))
    }

    /// t-interval over K = 5 replicates of N(1, 2²): exact 95 % coverage, checked over 2000 draws
    /// within 3 binomial standard errors (0.0049·3); K = 2 gives min–max, K = 1 the bootstrap passed in.
    @Test func replicateSpread() throws {
        var covered = 0
        let trials = 2000
        for s in 0..<trials {
            let rng = try RandomGenerator(seed: SeedSequence.derive(7, stream: "t", index: s))
            let v = (0..<5).map { _ in 1 + rng.gaussian(sigma: 2) }
            let r = ClaimStatistics.overReplicates(v, single: nil)
            #expect(r.spread == .tInterval && r.replicates == 5)
            if r.interval.low <= 1 && 1 <= r.interval.high { covered += 1 }
        }
        let rate = Double(covered) / Double(trials)
        #expect(abs(rate - 0.95) <= 3 * (0.95 * 0.05 / Double(trials)).squareRoot(), "coverage \(rate)")
        // Hand check: values 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.302652730, half-width 4.3027/√3.
        let three = ClaimStatistics.overReplicates([1, 2, 3], single: nil).interval
        #expect(abs(three.high - (2 + 4.302652729749464 / 3.0.squareRoot())) < 1e-9)
        let two = ClaimStatistics.overReplicates([0.2, .nan, 0.6], single: nil)
        #expect(two.spread == .minMax && two.replicates == 2 && two.interval.low == 0.2 && two.interval.high == 0.6)
        let one = ClaimStatistics.overReplicates([0.3], single: .init(estimate: 0.3, low: 0.1, high: 0.4))
        #expect(one.spread == .bootstrap && one.interval.low == 0.1)
    }

    @Test func verdictRule() {
        let above = ClaimNull(.above, 0.5)
        #expect(above.verdict(.init(estimate: 0.7, low: 0.55, high: 0.8)) == "reproduced")
        #expect(above.verdict(.init(estimate: 0.6, low: 0.45, high: 0.8)) == "not reproduced")
        #expect(above.verdict(.init(estimate: 0.3, low: 0.2, high: 0.4)) == "contradicted")
        #expect(ClaimNull(.below, 0.05).verdict(.init(estimate: 0.01, low: 0, high: 0.02)) == "reproduced")
        #expect(above.verdict(.init(estimate: .nan, low: .nan, high: .nan)) == "undefined")
    }
}
