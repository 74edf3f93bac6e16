import Foundation
import Percolation
import Support

/// Newman–Ziff sweeps of site or bond percolation on Z^d (Newman & Ziff, PRE 64, 016706, 2001):
/// each trial adds sites (bonds) in a random order, records the microcanonical observables at
/// every occupation n, and convolves them with Binomial(N, p) to the canonical values at K
/// probabilities; the table holds the mean over T trials and its standard error s/√T.
public struct PercolationSweepExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Lattice dimension d ≥ 1.
        public var dim = 2
        /// Lattice side L ≥ 2 (L^d ≤ 2^31 − 1 sites).
        public var size = 64
        /// site or bond percolation.
        public var kind = PercolationKind.site
        /// periodic (wrapping observables) or open (spanning observables) boundaries.
        public var boundary = HypercubicLattice.Boundary.periodic
        /// Independent trials T ≥ 1.
        public var trials = 100
        /// Number of values of p, evenly spaced on [pmin, pmax].
        public var points = 41
        public var pmin = 0.45
        public var pmax = 0.75
        public init() {}
    }

    public static let identifier = "percolation_sweep"
    public static let revision = 1
    public static var columns: [String] { SweepResult.columns }

    public init() {}

    public struct Setup: Sendable { var sweep: NewmanZiffSweep }

    public func validate(_ c: Configuration) throws {
        guard c.trials >= 1 else { throw ModeLatticeError.invalid("trials", "must be at least 1 (got \(c.trials))") }
        _ = try HypercubicLattice(dimension: c.dim, side: c.size, boundary: c.boundary)
        _ = try NewmanZiffSweep.probabilities(points: c.points, pmin: c.pmin, pmax: c.pmax)
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> Setup {
        let lattice = try HypercubicLattice(dimension: c.dim, side: c.size, boundary: c.boundary)
        return Setup(sweep: try NewmanZiffSweep(lattice: lattice, kind: c.kind,
                                                probabilities: try NewmanZiffSweep.probabilities(points: c.points, pmin: c.pmin, pmax: c.pmax),
                                                seed: settings.seed, generator: settings.generator))
    }

    /// One unit per trial.
    public func units(_ c: Configuration, _ setup: Setup) throws -> [Int] { Array(0..<c.trials) }

    public func run(_ trial: Int, index: Int, _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> [Double] {
        try setup.sweep.canonicalTrial(trial)
    }

    public func products(_ results: [[Double]], _ c: Configuration, _ setup: Setup, _ settings: RunSettings) throws -> ExperimentProducts {
        let width = setup.sweep.probabilities.count * setup.sweep.observableCount
        guard results.allSatisfy({ $0.count == width }) else {
            throw ModeLatticeError.data("a checkpointed trial does not belong to this sweep; delete the .partial.jsonl file")
        }
        let lattice = setup.sweep.lattice
        return ExperimentProducts(table: SweepResult(sweep: setup.sweep, perTrial: results).table,
                                  notes: ["union-find bytes per site: \(lattice.unionFindBytesPerSite)",
                                          "winding bits per axis: \(lattice.windingBitsPerAxis)"])
    }
}
