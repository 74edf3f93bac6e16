import Foundation
import Testing
@testable import Percolation
import Support

/// The 2D wrapping-crossing estimator (Newman–Ziff sweeps) and invasion growth are independent
/// code paths to the same p_c: they must agree with each other and with the literature.
@Suite(.serialized) struct ThresholdWrappingTests {
    @Test(arguments: ThresholdKind.allCases)
    func wrappingAgreesWithGrowthAndLiterature(kind: ThresholdKind) throws {
        let settings = ThresholdSettings(dimension: 2, kind: kind, seed: 21, threads: 2, samples: 120)
        let wrapping = try WrappingThreshold.estimate(settings, side: 64)
        var growthSettings = settings
        growthSettings.samples = 12
        growthSettings.size = 1 << 15
        let growth = try ThresholdEstimator.estimate(growthSettings)
        let lit = try #require(LiteratureThreshold.lookup(dimension: 2, kind: kind)).pc
        #expect(wrapping.method == "wrapping" && growth.method == "growth")
        #expect(wrapping.samples == 120)
        #expect(wrapping.stderr / lit < 5e-3 && growth.stderr / lit < 1e-2)
        #expect(abs(wrapping.estimate - lit) <= 4 * wrapping.stderr, "wrapping \(wrapping.estimate) ± \(wrapping.stderr)")
        #expect(abs(growth.estimate - lit) <= 4 * growth.stderr, "growth \(growth.estimate) ± \(growth.stderr)")
        let combined = (wrapping.stderr * wrapping.stderr + growth.stderr * growth.stderr).squareRoot()
        #expect(abs(wrapping.estimate - growth.estimate) <= 4 * combined)
    }

    /// The crossing solver on a hand-made sample: with every trial wrapping first at n* = M/2 the
    /// canonical R(p) = P(Bin(M, p) ≥ M/2) crosses R* just above 1/2.
    @Test func crossingOfIdenticalTrials() {
        let m = 10_000
        let c = WrappingThreshold.crossing([m / 2, m / 2, m / 2], additions: m)
        // P(Bin(M,p) ≥ M/2) = R* ⇔ p ≈ 1/2 + z·sqrt(p(1−p)/M) with Φ(z) = R* → z ≈ 0.4972.
        #expect(abs(c.p - (0.5 + 0.4972 * 0.005)) < 2e-4)
        #expect(c.se < 1e-12)
    }

    @Test func wrappingOutsideTwoDimensionsIsUsageError() {
        #expect(throws: ModeLatticeError.self) {
            try WrappingThreshold.estimate(ThresholdSettings(dimension: 3, kind: .site, seed: 1, samples: 2))
        }
        #expect(ThresholdMethod.auto.resolved(dimension: 2) == .wrapping)
        #expect(ThresholdMethod.auto.resolved(dimension: 3) == .growth)
    }
}
