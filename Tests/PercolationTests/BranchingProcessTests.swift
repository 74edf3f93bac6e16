import Foundation
import Support
import Testing
@testable import Percolation

@Suite struct BranchingProcessTests {
    /// On Z^1 (n = 1) the root has Binomial(2, P) children and every other individual
    /// Binomial(1, P): T = 1, 2, 3 can be counted by hand.
    @Test func survivalToSizeMatchesHandCountsOnTheLine() throws {
        let p = 0.37, bp = try BranchingProcess(dimension: 1, p: p)
        let t1 = (1 - p) * (1 - p)
        let t2 = 2 * p * (1 - p) * (1 - p)                 // one arm of length 1
        let t3 = 3 * p * p * (1 - p) * (1 - p)             // two arms of 1, or one arm of 2 (two sides)
        #expect(bp.survival(toSize: 1) == 1)
        #expect(abs(bp.survival(toSize: 2) - (1 - t1)) < 1e-14)
        #expect(abs(bp.survival(toSize: 3) - (1 - t1 - t2)) < 1e-14)
        #expect(abs(bp.survival(toSize: 4) - (1 - t1 - t2 - t3)) < 1e-14)
        #expect(bp.extinction == 1 && bp.survival == 0)      // λ = P < 1
    }

    @Test func extinctionSolvesTheFixedPointAndVanishesAtOrBelowCriticality() throws {
        for lambda in [1.5, 2.0, 4.0] {
            let bp = try BranchingProcess(dimension: 784, p: lambda / 1567)
            let q = bp.extinction
            #expect(q > 0 && q < 1)
            #expect(abs(pow(1 - bp.p + bp.p * q, 1567) - q) < 1e-13)
            // Poisson limit q = exp(−λ(1 − q)) holds to O(P) at n = 784.
            #expect(abs(q - exp(-lambda * (1 - q))) < 1e-3)
        }
        for lambda in [0.5, 1.0] { #expect(try BranchingProcess(dimension: 784, p: lambda / 1567).extinction == 1) }
        #expect(throws: ModeLatticeError.self) { try BranchingProcess(dimension: 784, p: 0) }
        #expect(throws: ModeLatticeError.self) { try BranchingProcess(dimension: 784, p: 1) }
    }

    /// The exact (hitting-time) survival to size K against a direct simulation of the process
    /// with GSL binomials, 20 000 processes: within 4 standard errors.
    @Test func exactSurvivalToSizeAgreesWithSimulation() throws {
        let rng = try RandomGenerator(seed: 11)
        for lambda in [1.0, 1.5, 2.0] {
            let bp = try BranchingProcess(dimension: 784, p: lambda / 1567)
            let exact = bp.survival(toSize: 1000), trials = 20_000
            let simulated = bp.simulatedSurvival(toSize: 1000, trials: trials, rng: rng)
            let se = (exact * (1 - exact) / Double(trials)).squareRoot()
            #expect(abs(simulated - exact) < 4 * se, "λ = \(lambda): exact \(exact), simulated \(simulated)")
            // The finite cap only adds the clusters that die after reaching K.
            #expect(exact >= bp.survival - 1e-12)
        }
    }

    /// The 1/σ series against the Monte Carlo thresholds at the largest tabulated d (13).
    @Test func seriesThresholdsMatchTheLiteratureAtHighDimension() throws {
        let site = try #require(LiteratureThreshold.lookup(dimension: 13, kind: .site)).pc
        let bond = try #require(LiteratureThreshold.lookup(dimension: 13, kind: .bond)).pc
        #expect(abs(ThresholdSeries.pc(dimension: 13, kind: .site) - site) < 4e-6)
        #expect(abs(ThresholdSeries.pc(dimension: 13, kind: .bond) - bond) < 1e-6)
        // Bethe value plus the first correction at n = 784: 1/1567 + (3/2)/1567².
        #expect(abs(ThresholdSeries.pc(dimension: 784, kind: .site) - (1.0 / 1567 + 1.5 / (1567.0 * 1567))) < 1e-9)
    }
}
