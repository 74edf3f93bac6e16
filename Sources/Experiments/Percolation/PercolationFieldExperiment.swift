import Foundation
import Percolation
import Support

/// Correlated site percolation (issue 18, item 4) as a catalog experiment: the lowest fraction p of
/// a stationary Gaussian random field on the torus (Z/LZ)^d, or on the box {0…L−1}^d cut from a
/// torus of side 2L with open boundaries (``FieldPercolation``: spectral
/// synthesis with GSL's FFT; `none` iid, `gaussian:ξ` C(r) = exp(−r²/2ξ²), `power:H`
/// Weinrib–Halperin), labeled by the same engine as every other lattice. One row per
/// (correlation, trial) with the `percolation field` columns; the covariance table holds the
/// target and the measured normalized covariance along the axes per correlation. With a single
/// correlation the same numbers are also given without the correlation column (role
/// `axisCovariance`, the `r,c_target,c_measured` contract of `percolation field --correlation-output`).
public struct PercolationFieldExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Lattice dimension d and side L.
        public var dim = 2
        public var size = 128
        /// periodic (the field's own torus) or open (a box cut from a torus of side 2L, 2^d times the
        /// sites); nil: periodic.
        public var boundary: HypercubicLattice.Boundary? = nil
        /// Correlations compared at the same p: none, gaussian:XI or power:H.
        public var correlations = ["none", "gaussian:2", "gaussian:4", "power:0.5"]
        /// Open fraction p in (0, 1).
        public var openFraction = 0.5
        /// Independent fields per correlation.
        public var trials = 16
        public init() {}
    }

    public static let identifier = "percolation_field"
    public static let revision = 1
    public static var columns: [String] { FieldPercolation.columns }
    public static var extraTables: [String: [String]] {
        ["covariance": ["correlation"] + FieldPercolation.covarianceColumns, "axisCovariance": FieldPercolation.covarianceColumns]
    }

    public init() {}

    public func validate(_ c: Configuration) throws {
        _ = try FieldPercolation.embedding(for: HypercubicLattice(dimension: c.dim, side: c.size, boundary: c.boundary ?? .periodic))
        for text in c.correlations { _ = try FieldCorrelation.parse(text) }
        guard c.openFraction > 0 && c.openFraction < 1 else {
            throw ModeLatticeError.invalid("openFraction", "must lie in (0, 1) (got \(c.openFraction))")
        }
        guard c.trials >= 1 else { throw ModeLatticeError.invalid("trials", "must be at least 1 (got \(c.trials))") }
    }

    public func prepare(_ c: Configuration, _ s: RunSettings) throws -> [FieldPercolation] {
        let lattice = try HypercubicLattice(dimension: c.dim, side: c.size, boundary: c.boundary ?? .periodic)
        let embedding = try FieldPercolation.embedding(for: lattice)
        do { try FieldMemory.check(lattice: embedding, concurrentTrials: min(s.threads, c.trials)) } catch let e as ModeLatticeError where !lattice.isPeriodic {
            let fits = FieldMemory.largestSide(dimension: c.dim, concurrentTrials: min(s.threads, c.trials), limit: FieldMemory.defaultLimit) / 2
            throw ModeLatticeError(e.kind, "an open box of side \(c.size) is cut from a torus of side \(embedding.side), so the largest open box that fits is \(fits): \(e.message)")
        }
        return try c.correlations.enumerated().map { i, text in
            try FieldPercolation(lattice: lattice, correlation: try FieldCorrelation.parse(text), openFraction: c.openFraction,
                                 seed: SeedSequence.derive(s.seed, stream: "percolation-field", index: i), generator: s.generator,
                                 measuresCovariance: true)
        }
    }

    /// One unit per (correlation, trial).
    public func units(_ c: Configuration, _ fields: [FieldPercolation]) throws -> [(field: Int, trial: Int)] {
        fields.indices.flatMap { f in (0..<c.trials).map { (f, $0) } }
    }

    public func run(_ u: (field: Int, trial: Int), index: Int, _ c: Configuration, _ fields: [FieldPercolation],
                    _ s: RunSettings) throws -> FieldPercolation.Trial {
        try fields[u.field].trial(u.trial)
    }

    public func products(_ results: [FieldPercolation.Trial], _ c: Configuration, _ fields: [FieldPercolation],
                         _ s: RunSettings) throws -> ExperimentProducts {
        var table = Table(columns: Self.columns)
        var covariance = Table(columns: Self.extraTables["covariance"]!)
        var notes: [String] = []
        for (f, field) in fields.enumerated() {
            let trials = Array(results[(f * c.trials)..<((f + 1) * c.trials)])
            table.rows += field.table(trials).rows
            covariance.rows += field.covarianceTable(trials).rows.map { [.text(field.correlation.description)] + $0 }
            notes += field.notes.map { field.correlation.description + ": " + $0 }
        }
        var tables = ["table": table, "covariance": covariance]
        if fields.count == 1 {   // the same rows without the correlation column
            tables["axisCovariance"] = Table(columns: Self.extraTables["axisCovariance"]!, rows: covariance.rows.map { Array($0.dropFirst()) })
        }
        return ExperimentProducts(tables: tables, notes: notes)
    }
}
