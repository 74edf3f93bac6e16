import Foundation
import Percolation
import Support

/// The percolation threshold p_c of Z^d for several dimensions and kinds, one table row per
/// (d, kind), each with its honest error bar beside the literature value:
/// - d = 2 (method `auto`): the crossing of the wrapping probability R_L(p) with its universal value
///   R* = 0.690473725 on Newman–Ziff sweeps at L = 128 and 64 (``WrappingThreshold``);
/// - otherwise: invasion-percolation growths on hashed coordinates (Mertens & Moore, PRE 98,
///   022120 (2018)), p(n) at 8 sizes fitted with p_c + a n^−ω + b n^−2ω by generalized least
///   squares, systematic error from refits with alternative exponents (``ThresholdEstimator``).
///
/// A row is one unit, so an interrupted run resumes at the first unfinished row. The estimator
/// spreads each row's growths (trials) over `settings.threads`, so rows run one at a time
/// (``parallelInsideUnits``); with `samples` (and `trials`) fixed, every growth is seeded by its
/// index and the table is the same at any thread or rank count.
public struct PercolationThresholdsExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// Dimensions d of the rows, each in 2...64.
        public var dims = Array(2...13)
        /// Kinds of each dimension's rows, in table order.
        public var kinds: [ThresholdKind] = [.site, .bond]
        /// auto (wrapping crossing in d = 2, growth otherwise), wrapping (d = 2 only) or growth.
        public var method = ThresholdMethod.auto
        /// Exact growths per growth row (≥ 2); nil: as many as `budget` seconds allow, which depends on machine speed.
        public var samples: Int? = nil
        /// Growths per growth row for the dimensions named here (keys d, values ≥ 2), replacing
        /// `samples` there: the statistical error falls as 1/√samples while the cost per growth and
        /// the systematic error differ by dimension, so a fixed precision target needs more growths at
        /// d = 4 than at d ≥ 7. nil: `samples` everywhere.
        public var samplesByDimension: [Int: Int]? = nil
        /// Exact Newman–Ziff trials per wrapping row (≥ 2); nil: `samples`.
        public var trials: Int? = nil
        /// Seconds per row (> 0). With `samples` fixed it only sets the growth size N, deterministically (ThresholdEstimator.defaultSize: the largest power of two examining about budget·1.5e5 elements); otherwise it is also the row's time budget.
        public var budget = ThresholdEstimator.defaultBudget
        /// Invaded elements per growth (≥ 1024); nil: ThresholdEstimator.defaultSize from `budget`.
        public var size: Int? = nil
        /// Strictly increasing sizes n at which p(n) is recorded, the last being the growth size (replaces `size`); nil: 8 sizes N/128 ... N.
        public var checkpoints: [Int]? = nil
        /// Finite-size form fitted to p(n): two-term (ω₂ = 2ω), scaling (ω₂ = ω + Ω, d = 2, 3 only) or leading.
        public var fit = ThresholdFitModel.twoTerm
        public init() {}
    }

    /// One row: (d, kind).
    public struct Row: Sendable, Equatable {
        public var dimension: Int
        public var kind: ThresholdKind
        public init(dimension: Int, kind: ThresholdKind) {
            self.dimension = dimension
            self.kind = kind
        }
    }

    /// A finished row: its table cells and its sidecar notes.
    public struct RowResult: Codable, Sendable {
        public var cells: [Cell]
        public var notes: [String]
    }

    public static let identifier = "percolation_thresholds"
    public static let revision = 1
    public static var columns: [String] { ThresholdTable.columns }
    public static let parallelInsideUnits = true

    public init() {}

    public func validate(_ c: Configuration) throws {
        guard !c.dims.isEmpty else { throw ModeLatticeError.invalid("dims", "must name at least one dimension") }
        for d in c.dims where d < 2 || d > 64 { throw ModeLatticeError.invalid("dims", "must be between 2 and 64 (got \(d))") }
        guard !c.kinds.isEmpty else { throw ModeLatticeError.invalid("kinds", "must name at least one kind (site, bond)") }
        guard c.budget.isFinite, c.budget > 0 else {
            throw ModeLatticeError.invalid("budget", "must be a positive number of seconds (got \(c.budget))")
        }
        if let n = c.samples, n < 2 { throw ModeLatticeError.invalid("samples", "must be at least 2, for an error bar (got \(n))") }
        for (d, n) in (c.samplesByDimension ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard c.dims.contains(d) else {
                throw ModeLatticeError.invalid("samplesByDimension", "names d = \(d), which is not among dims \(c.dims)")
            }
            guard n >= 2 else {
                throw ModeLatticeError.invalid("samplesByDimension", "must be at least 2 per dimension, for an error bar (got \(n) at d = \(d))")
            }
        }
        if let n = c.trials, n < 2 { throw ModeLatticeError.invalid("trials", "must be at least 2, for an error bar (got \(n))") }
        if let n = c.size, n < 1024 { throw ModeLatticeError.invalid("size", "must be at least 1024 invaded elements (got \(n))") }
        if c.checkpoints != nil && c.size != nil {
            throw ModeLatticeError.invalid("size", "cannot be given with checkpoints, whose last entry is the growth size")
        }
        for d in c.dims {
            let method = c.method.resolved(dimension: d)
            if method == .wrapping && d != 2 {
                throw ModeLatticeError.invalid("method", "wrapping needs a known universal crossing value, available here for d = 2 only (got d = \(d)); use growth or auto")
            }
            guard method == .growth else { continue }
            for kind in c.kinds { try c.checkpoints.map { try ThresholdEstimator.validateCheckpoints($0, dimension: d, kind: kind) } }
            do { _ = try ScalingExponents.form(dimension: d, model: c.fit) } catch let e as ModeLatticeError {
                throw ModeLatticeError.invalid("fit", "\(c.fit.rawValue): \(e.message)")
            }
        }
    }

    /// Rows in table order: dimensions outer, kinds inner.
    public func units(_ c: Configuration, _ setup: Void) throws -> [Row] {
        c.dims.flatMap { d in c.kinds.map { Row(dimension: d, kind: $0) } }
    }

    public func run(_ row: Row, index: Int, _ c: Configuration, _ setup: Void, _ settings: RunSettings) throws -> RowResult {
        let e = try estimate(row, c, settings)
        return RowResult(cells: ThresholdTable.row(e), notes: Self.notes(e))
    }

    public func products(_ results: [RowResult], _ c: Configuration, _ setup: Void, _ settings: RunSettings) throws -> ExperimentProducts {
        guard results.allSatisfy({ $0.cells.count == Self.columns.count }) else {
            throw ModeLatticeError.data("a checkpointed row does not belong to this table; delete the .partial.jsonl file")
        }
        return ExperimentProducts(table: Table(columns: Self.columns, rows: results.map(\.cells)),
                                  notes: results.flatMap(\.notes))
    }

    /// The estimate of one row (the single-row `threshold` command calls this directly).
    public func estimate(_ row: Row, _ c: Configuration, _ settings: RunSettings,
                         shouldStop: @escaping @Sendable () -> Bool = { false }) throws -> ThresholdEstimate {
        let wrapping = c.method.resolved(dimension: row.dimension) == .wrapping
        let samples = c.samplesByDimension?[row.dimension] ?? c.samples
        let s = ThresholdSettings(dimension: row.dimension, kind: row.kind, seed: settings.seed, threads: settings.threads,
                                  algorithm: settings.generator, budget: c.budget,
                                  samples: wrapping ? (c.trials ?? samples) : samples, size: c.size,
                                  checkpoints: c.checkpoints, fit: c.fit)
        return try c.method.estimate(s, shouldStop: shouldStop)
    }

    /// The sidecar notes of a row: sizes, errors, memory, the fit and its refits, p(n). No times: the
    /// provenance sidecar reproduces byte for byte (the run's wall time is in NAME.run.json).
    public static func notes(_ e: ThresholdEstimate) -> [String] {
        let tag = "d=\(e.dimension) \(e.kind.rawValue): "
        var lines = [tag + String(
            format: "%@, N=%d per growth, %d samples, statistical error %.3g, systematic error %.3g (relative stderr %.2e), chi2/dof %.3f, p(N) %.9f, sum N/sum M %.9f, %d examined, peak %.0f MB per growth, %d regrown",
            e.method, e.size, e.samples, e.statisticalError, e.systematicError, e.stderr / e.estimate, e.chi2PerDof,
            e.largestSizeEstimate, e.acceptanceRatio, e.examined, Double(e.peakBytesPerRun) / 1e6, e.regrown)]
        lines += e.profile.map { tag + String(format: "n=%d p=%.9f ± %.2e", $0.n, $0.p, $0.se) }
        lines += e.fitNotes.map { tag + $0 }
        return lines
    }
}
