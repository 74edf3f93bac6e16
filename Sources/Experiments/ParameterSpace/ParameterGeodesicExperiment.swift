import Connectivity
import Foundation
import NetworkCore
import Support

/// The geodesic estimate of Lin, Li & Wu (arXiv 2404.06391, Sec. 5, Table 2) with a center per
/// pair: for each pair (i, j) and each λ, a center θ̃ minimizing
/// J(θ) = ½ Σ_{k∈{i,j}} [E_t R(tθ + (1−t)θ_k) + λ‖θ − θ_k‖²] (``StarCenter``, started at the
/// midpoint) and the two-piece path θ_i → θ̃ → θ_j. Larger λ shortens the path (G → 1 as θ̃ → the
/// midpoint) at the price of a higher barrier; the rows (``columns``) trace that (barrier, G)
/// trade-off. A shared center cannot do this: max G ≥ √(2(K−1)/K) (``StarGeometry``).
///
/// Unit u = (pair, λ) in row order trains its center with seed
/// `SeedSequence.derive(seed, "geodesic", u)`; with checks each unit stops on its own plateau of
/// Ĵ and leaves trace rows named `i-j` (``StarCheckpoint``).
public struct ParameterGeodesicExperiment: Experiment {
    public struct Configuration: ExperimentConfiguration {
        /// The minima, their data and the evaluation subsets.
        public var minima = MinimaConfiguration()
        /// The center optimizer and its checks (every center starts at the pair's midpoint).
        public var center = CenterSettings()
        /// Points per segment.
        public var points = 61
        /// The λ values of the center objective, each ≥ 0.
        public var lambdas = [0, 0.0001, 0.001, 0.01]
        /// Use only the first N pairs (row order 0-1, 0-2, …; nil: all).
        public var pairs: Int? = nil
        public init() {}
    }

    public static let identifier = "params_geodesic"
    public static let revision = 1
    public static let columns = ["i", "j", "lambda", "barrier", "min_accuracy", "geodesic_bound"]
    public static var extraTables: [String: [String]] { ["trace": StarCheckpoint.traceColumns] }

    public init() {}

    public struct Unit: Sendable {
        public var i: Int
        public var j: Int
        public var lambda: Double
    }

    public struct UnitResult: Codable, Sendable {
        public var row: [Cell]
        public var trace: [[Cell]]
        public var steps: Int
    }

    public func validate(_ c: Configuration) throws {
        try c.minima.validate()
        try c.center.validate()
        guard c.points >= 2 else { throw ModeLatticeError.invalid("points", "must be at least 2 (got \(c.points))") }
        guard !c.lambdas.isEmpty, c.lambdas.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ModeLatticeError.invalid("lambdas", "must be a non-empty list of non-negative numbers (got \(c.lambdas))")
        }
        if let p = c.pairs, p < 1 { throw ModeLatticeError.invalid("pairs", "must be at least 1 (got \(p))") }
    }

    public func prepare(_ c: Configuration, _ settings: RunSettings) throws -> TrainedMinima {
        try TrainedMinima.prepare(c.minima, settings)
    }

    /// All pairs i < j of the minima (the first `pairs`), each with every λ.
    public func units(_ c: Configuration, _ setup: TrainedMinima) throws -> [Unit] {
        let k = setup.minima.count
        var pairs = (0..<k).flatMap { i in ((i + 1)..<k).map { (i, $0) } }
        if let n = c.pairs { pairs = Array(pairs.prefix(n)) }
        return pairs.flatMap { p in c.lambdas.map { Unit(i: p.0, j: p.1, lambda: $0) } }
    }

    public func run(_ u: Unit, index: Int, _ c: Configuration, _ setup: TrainedMinima,
                    _ settings: RunSettings) throws -> UnitResult {
        let minima = setup.minima, evaluator = setup.evaluator
        var center = c.center
        center.start = .mean
        let configuration = center.configuration(lambda: u.lambda, seed: SeedSequence.derive(settings.seed, stream: "geodesic", index: index),
                                                 generator: settings.generator)
        let risk = try setup.risk(c.minima, settings)
        var trace = Table(columns: StarCheckpoint.traceColumns)
        let run = try StarCenterMonitor(evaluator: evaluator, points: c.center.checkPoints)
            .run(name: "\(u.i)-\(u.j)", minima: [minima[u.i], minima[u.j]], configuration: configuration,
                 risk: { try risk($0, $1) }, trace: &trace)
        let a = evaluator.segment(minima[u.i], run.center, points: c.points)
        let b = evaluator.segment(run.center, minima[u.j], points: c.points)
        let path = ParameterPath.twoPiece(minima[u.i], via: run.center, minima[u.j])
        return UnitResult(row: [.int(u.i), .int(u.j), .double(u.lambda), .double(SegmentEvaluation.pathBarrier([a, b])),
                                .double(SegmentEvaluation.pathMinAccuracy([a, b])), .double(path.lengthRatio)],
                          trace: trace.rows, steps: run.steps)
    }

    public func products(_ results: [UnitResult], _ c: Configuration, _ setup: TrainedMinima,
                         _ settings: RunSettings) throws -> ExperimentProducts {
        ExperimentProducts(
            tables: [ExperimentProducts.mainRole: Table(columns: Self.columns, rows: results.map(\.row)),
                     "trace": Table(columns: StarCheckpoint.traceColumns, rows: results.flatMap(\.trace))],
            notes: ["per (pair, λ): a center on {θ_i, θ_j} from their midpoint, Adam lr \(c.center.lr), at most \(c.center.steps) steps (plateau tolerance \(c.center.tolerance))",
                    "barrier: training-subset cross-entropy along θ_i → θ̃ → θ_j minus the larger endpoint; min_accuracy: test set",
                    "minima cached in \(c.minima.directory ?? "-") (a minimum is trained from its seed unless the cache holds it with that seed; the tables are the same either way)",
                    "center steps taken: " + results.map { String($0.steps) }.joined(separator: ",")])
    }
}
