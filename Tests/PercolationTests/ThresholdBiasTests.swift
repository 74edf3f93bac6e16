import Foundation
import Testing
@testable import Percolation
import Support

/// The test that would have caught the old extrapolation bias (issue 17): one row estimated
/// independently with many seeds at a small budget. With honest error bars z = (estimate −
/// literature)/stderr has mean 0 and standard deviation at most 1, so the mean of S values lies
/// within 3/√S of 0 (a 3σ tolerance derived from the number of seeds), and the spread of z must not
/// exceed 1 by more than its sampling error (sd ≤ 1.5 at S = 24).
@Suite(.serialized) struct ThresholdBiasTests {
    @Test func meanZOverSeedsIsConsistentWithZero() throws {
        let seeds = 24
        let literature = try #require(LiteratureThreshold.lookup(dimension: 9, kind: .bond)).pc
        var z: [Double] = []
        for seed in 1...seeds {
            let e = try ThresholdEstimator.estimate(ThresholdSettings(
                dimension: 9, kind: .bond, seed: UInt64(seed), threads: 2, samples: 32, size: 1 << 14))
            z.append((e.estimate - literature) / e.stderr)
        }
        let (mean, se) = ThresholdEstimator.meanAndError(z)
        let sd = se * Double(seeds).squareRoot()
        #expect(abs(mean) < 3 / Double(seeds).squareRoot(), "mean z \(mean) over \(seeds) seeds (sd \(sd))")
        #expect(sd < 1.5, "sd of z \(sd)")
    }
}
