import Foundation
import Testing
@testable import Percolation
import Support

/// Small deterministic runs of the estimator: literature within the run's own error bar, seeds
/// matter, threads do not.
@Suite(.serialized) struct ThresholdEstimatorTests {
    static func run(_ d: Int, _ kind: ThresholdKind, seed: UInt64, threads: Int, samples: Int, size: Int) throws -> ThresholdEstimate {
        try ThresholdEstimator.estimate(ThresholdSettings(dimension: d, kind: kind, seed: seed, threads: threads,
                                                          samples: samples, size: size))
    }

    /// In d ≥ 6 the bias left at N = 2^14 after extrapolation is small; the estimate must lie
    /// within 4 of its own error bars of the literature value, and that error bar must be small
    /// enough to mean something (relative ≤ 2·10^−3).
    @Test(arguments: [(8, ThresholdKind.site), (7, .bond), (11, .bond), (12, .site)])
    func literatureWithinErrorBar(d: Int, kind: ThresholdKind) throws {
        let e = try Self.run(d, kind, seed: 11, threads: 2, samples: 16, size: 1 << 14)
        let lit = try #require(LiteratureThreshold.lookup(dimension: d, kind: kind)).pc
        #expect(e.samples == 16)
        #expect(e.stderr > 0 && e.stderr / lit < 2e-3)
        #expect(abs(e.estimate - lit) <= 4 * e.stderr, "d=\(d) \(kind): \(e.estimate) ± \(e.stderr) vs \(lit)")
        // The raw acceptance ratio at N is close to p_c (finite-size bias below 1%).
        #expect(abs(e.largestSizeEstimate - lit) < 0.01 * lit)
    }

    @Test func sameSeedAnyThreadsIdentical() throws {
        let a = try Self.run(9, .site, seed: 5, threads: 1, samples: 6, size: 4096)
        let b = try Self.run(9, .site, seed: 5, threads: 2, samples: 6, size: 4096)
        let c = try Self.run(9, .site, seed: 6, threads: 2, samples: 6, size: 4096)
        #expect(a.estimate == b.estimate && a.stderr == b.stderr && a.examined == b.examined)
        #expect(a.estimate != c.estimate)
        #expect(a.examined != c.examined)
    }

    @Test func badDimensionIsUsageError() {
        #expect(throws: ModeLatticeError.self) { try Self.run(1, .site, seed: 1, threads: 1, samples: 2, size: 4096) }
        #expect(throws: ModeLatticeError.self) { try Self.run(65, .bond, seed: 1, threads: 1, samples: 2, size: 4096) }
    }

    /// stderr² = statistical² + systematic², z and times_2d_minus_1 as defined by the CLI contract.
    @Test func tableRowFollowsContract() throws {
        let e = try Self.run(10, .bond, seed: 3, threads: 2, samples: 12, size: 4096)
        let row = ThresholdTable.row(e)
        #expect(row.count == ThresholdTable.columns.count)
        #expect(!ThresholdTable.columns.contains("seconds"))
        #expect(row[0] == .int(10) && row[1] == .text("bond") && row[2] == .text("growth"))
        #expect(row[4] == .double(e.statisticalError) && row[5] == .double(e.systematicError))
        #expect(abs(e.stderr - (e.statisticalError * e.statisticalError + e.systematicError * e.systematicError).squareRoot()) < 1e-15)
        #expect(e.systematicError > 0)
        #expect(row[9] == .text("Mertens & Moore PRE 98 022120 (2018)"))
        let lit = 0.0530925842, litErr = 0.0000000002
        #expect(row[10] == .double((e.estimate - lit) / (e.stderr * e.stderr + litErr * litErr).squareRoot()))
        #expect(row[11] == .double(e.chi2PerDof) && e.chi2PerDof > 0)
        #expect(row[12] == .double(e.estimate * 19))
        #expect(row[13] == .int(12))
    }
}
